"""The project's configuration: its folder, mkdocs.yml as MkDocs reads it, the languages
(listed in mkdocs.yml, the i18n plugin's ``languages``: everything reads them from here),
the moved pages (redirect_maps), and where pages and language files live (docs_dir, page
names, page and l10n files)."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


def _project_folder() -> Path:
    """The project's folder, the default `root` of scripts and tests: PAINPUMP_ROOT when set
    (the tests' scenario runs point the whole suite at an edited copy of the project), else
    the checkout this module is in (scripts/setup.sh installs the package editable), else
    the current folder (a non-editable install puts this module in site-packages). Hooks
    never use it: they take the folder of the MkDocs config (config.config_file_path)."""
    if os.environ.get("PAINPUMP_ROOT"):
        return Path(os.environ["PAINPUMP_ROOT"])
    return next((p for p in (Path(__file__).resolve().parents[3], Path.cwd()) if (p / "mkdocs.yml").is_file()), Path.cwd())


REPO = _project_folder()
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
PLACEHOLDER_PREFIX = "PLACEHOLDER"


class _ConfigLoader(yaml.SafeLoader):
    """Safe loader that reads mkdocs.yml's custom tags (!ENV, !relative) as plain data."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return values[-1] if values else None
    return None


_ConfigLoader.add_constructor("!ENV", _construct_env)


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


_parsed: dict[tuple[str, Path], tuple[bytes, Any]] = {}


def parsed_file(path: Path, parse: Callable[[str], Any], *, mutable: bool = True) -> Any:
    """`parse(text of path)`, parsed again only when the file's bytes changed: the build
    ask for the languages and strings hundreds of times per build, and `mkdocs serve`
    must never see stale data. Callers get their own copy, unless the result is immutable."""
    data = path.read_bytes()
    key = (parse.__qualname__, path)
    cached = _parsed.get(key)
    if cached is None or cached[0] != data:
        cached = (data, parse(data.decode("utf-8")))
        _parsed[key] = cached
    return copy.deepcopy(cached[1]) if mutable else cached[1]


def _parse_config(text: str) -> dict[str, Any]:
    return yaml.load(text, Loader=_ConfigLoader)


def load_mkdocs_config(root: Path = REPO, *, mutable: bool = True) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it; mutable=False: the shared reading, for callers that only read it."""
    return parsed_file(root / "mkdocs.yml", _parse_config, mutable=mutable)


def redirect_maps(config: dict[str, Any]) -> dict[str, str]:
    """The moved pages as mkdocs.yml lists them (plugins: - redirects: redirect_maps:), with
    the English file names, e.g. {'trial.md': 'trial-phase.md'}."""
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "redirects" in plugin:
            maps = (plugin["redirects"] or {}).get("redirect_maps") or {}
            return {str(old): str(new) for old, new in maps.items()}
    return {}


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    default: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.code in RTL_LANGUAGES else "ltr"


def with_direction(html: str, language: Language) -> str:
    """Put the language's direction on <html> (Material sets it on <body> only)."""
    return html.replace(f'<html lang="{language.code}"', f'<html lang="{language.code}" dir="{language.direction}"', 1)


def i18n_plugin_config(config: dict[str, Any]) -> dict[str, Any]:
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]
    raise KeyError("mkdocs.yml has no i18n plugin")


def _parse_languages(text: str) -> tuple[Language, ...]:
    langs = [
        Language(code=entry["locale"], name=entry["name"], default=bool(entry.get("default")))
        for entry in i18n_plugin_config(_parse_config(text))["languages"]
    ]
    return tuple(sorted(langs, key=lambda lang: not lang.default))


def site_name_languages(root: Path = REPO) -> dict[str, str]:
    """For each language, the language its site name is written in: its own where mkdocs.yml
    gives it one (`site_name` in its i18n entry), else the default language's."""
    entries = i18n_plugin_config(load_mkdocs_config(root, mutable=False))["languages"]
    default = default_language(root).code
    return {entry["locale"]: entry["locale"] if entry.get("site_name") or entry["locale"] == default else default for entry in entries}


def languages(root: Path = REPO) -> list[Language]:
    """The site's languages, default (English) first, as mkdocs.yml lists them."""
    return list(parsed_file(root / "mkdocs.yml", _parse_languages, mutable=False))


def default_language(root: Path = REPO) -> Language:
    return languages(root)[0]


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX)


def docs_dir(root: Path = REPO) -> Path:
    return root / load_mkdocs_config(root, mutable=False).get("docs_dir", "docs")


def declared_assets(root: Path = REPO) -> frozenset[str]:
    """The files of docs/ that are not pages and may be published (mkdocs.yml, extra: assets:),
    as paths inside docs/ ('assets/site.css'). Any other file there is refused (sitekit/gate.py)."""
    extra = load_mkdocs_config(root, mutable=False).get("extra") or {}
    return frozenset(str(path) for path in extra.get("assets") or [])


def page_names(root: Path = REPO) -> list[str]:
    """The site's pages, as paths inside a language folder ('index.md', 'trial.md', ...)."""
    english = docs_dir(root) / default_language(root).code
    return sorted(p.relative_to(english).as_posix() for p in english.rglob("*.md"))


def page_file(lang: str, name: str, root: Path = REPO) -> Path:
    return docs_dir(root) / lang / name


def l10n_file(lang: str, kind: str, root: Path = REPO) -> Path:
    """A language's data file: kind is 'strings' (interface text) or 'glossary'."""
    return root / "l10n" / lang / f"{kind}.yml"
