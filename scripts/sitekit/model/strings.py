"""A language's interface strings (l10n/<lang>/strings.yml) and glossary: what readers get
for each key (English where the language's value is missing or refused), the rule for a
value, and the Open Graph locale."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from sitekit.model.config import REPO, default_language, l10n_file
from sitekit.model.pages import NOT_PLAIN_TEXT, PageError, Problem, YAMLFileError, compose_yaml, read_text, read_yaml_file

OPTIONAL_STRINGS = frozenset({"og_locale"})  # keys of l10n/<lang>/strings.yml that only some languages set


def og_locale(lang: str, root: Path = REPO) -> str:
    """The Open Graph locale (language_TERRITORY) of a language's pages, for link previews.

    The language's own `og_locale` in l10n/<lang>/strings.yml when it sets one (it is not
    inherited from English); otherwise the territory CLDR finds most likely for the
    language (en_US, es_ES, zh_CN, vi_VN, ar_EG), so a new language needs no entry.
    """
    path = l10n_file(lang, "strings", root)
    own = read_yaml_file(path, mutable=False)  # asked per page and language
    if isinstance(own, dict) and isinstance(own.get("og_locale"), str):
        return own["og_locale"]
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(lang, lang)).split("_")
    return f"{likely[0]}_{likely[-1]}" if len(likely) > 1 else lang


def ui_strings(lang: str, root: Path = REPO) -> dict[str, str]:
    """Interface strings for a language; keys it lacks, and values `string_faults` refuses
    (reported by `docs.py check` and the build), are the English ones."""
    english = default_language(root).code
    strings: dict[str, str] = {}
    for code in dict.fromkeys([english, lang]):
        path = l10n_file(code, "strings", root)
        values = read_yaml_file(path, mutable=False) or {}
        if not isinstance(values, dict):
            continue
        if code != english:
            values = {key: value for key, value in values.items() if not string_faults(key, value, strings.get(key), code)}
        strings.update(values)
    return strings


# An interface string's placeholder: `{name}`, filled in by the site's code with str.format.
STRING_PLACEHOLDER = re.compile(r"\{[^{}]*\}|[{}]")
DATE_STYLES = ("short", "medium", "long", "full")


def string_faults(key: Any, value: Any, english: Any, lang: str) -> list[tuple[str, str]]:
    """What is wrong with one interface string of `lang` (`english`: the English value, None for
    a key English lacks), as (problem, fix). One rule for `docs.py check`, the build and
    `docs.py import`: plain text on one line, only the English string's {placeholders}, and
    `date_format` a date pattern Babel can read."""
    if english is None and key not in OPTIONAL_STRINGS:
        return [(f"'{key}' is not an interface string of the site", "remove it (l10n/en/strings.yml lists the strings)")]
    if not isinstance(value, str):
        return [(f"'{key}' must be text, not {type(value).__name__}", f"write '{key}: \"…\"' with the text in quotes")]
    if key == "date_format":
        return (
            []
            if _date_pattern_works(value, lang)
            else [
                (
                    f"date_format {value!r} is not a date pattern Babel can read",
                    "write 'long' or a CLDR pattern such as \"d MMMM y\" (see the comment in l10n/en/strings.yml)",
                )
            ]
        )
    faults = []
    if found := NOT_PLAIN_TEXT.search(value):
        faults.append(
            (
                f"'{key}' is not plain text (it contains {found.group()!r})",
                'write plain text on one line, without < > " ` or HTML entities (use “ ” or « » for quotes)',
            )
        )
    known = set(STRING_PLACEHOLDER.findall(str(english or "")))
    for found in STRING_PLACEHOLDER.findall(value):
        if found not in known or not re.fullmatch(r"\{[A-Za-z_]\w*\}", found):
            faults.append(
                (
                    f"'{key}' has {found!r}, which is not a placeholder of the English string",
                    f"use only {', '.join(sorted(known)) or 'no placeholders'}, written as in English",
                )
            )
    return faults


def _date_pattern_works(pattern: str, lang: str) -> bool:
    from babel.dates import format_date

    try:
        format_date(dt.date(2026, 11, 24), format=pattern, locale=lang.replace("-", "_"))  # Babel: pt_BR, zh_Hant
    except Exception:  # Babel raises several kinds on a pattern or locale it cannot read
        return False
    return pattern in DATE_STYLES or bool(re.search(r"[dMyL]", pattern))


def strings_problems(lang: str, root: Path = REPO) -> list[Problem]:
    """Every refused value of l10n/<lang>/strings.yml, at its line (readers get English there)."""
    path = l10n_file(lang, "strings", root)
    english_path = l10n_file(default_language(root).code, "strings", root)
    if not path.exists():
        return []
    try:
        text = read_text(path)
        node, values = compose_yaml(text), read_yaml_file(path)
        english = read_yaml_file(english_path) or {}
    except YAMLFileError:
        return []  # reported by l10n_problems, with its line
    except PageError as err:
        return [Problem(path, err.line, err.message, err.fix)]
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        return [Problem(path, 1, "the file is not a list of 'key: text' strings", "write each string on its own line as 'key: \"text\"'")]
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    english = english if isinstance(english, dict) else {}
    is_english = lang == default_language(root).code
    return [
        Problem(path, lines.get(str(key), 1), message, fix)
        for key, value in values.items()
        for message, fix in string_faults(key, value, value if is_english else english.get(key), lang)
    ]


def glossary(lang: str, root: Path = REPO) -> dict[str, Any]:
    return read_yaml_file(l10n_file(lang, "glossary", root)) or {}


def abbreviations(lang: str, root: Path = REPO) -> dict[str, str]:
    """The glossary's abbreviations the build adds to every page whose text is in `lang`
    (short form: its meaning, shown as <abbr title>)."""
    return glossary(lang, root).get("abbreviations") or {}
