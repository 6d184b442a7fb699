"""How the site's languages, pages and front matter are modelled.

The one module the build's steps, the translators' tool and the tests share. The list of
languages lives in ``mkdocs.yml`` (the i18n plugin's ``languages``); everything here
reads it from there.
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
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
    return next((p for p in (Path(__file__).resolve().parents[2], Path.cwd()) if (p / "mkdocs.yml").is_file()), Path.cwd())


REPO = _project_folder()
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
PLACEHOLDER_PREFIX = "PLACEHOLDER"
DESCRIPTION_MAX = 160
# A page's limit: the longest page of the site is under 3 KiB; a patient on a phone reads
# nothing near 256 KiB, and the limit keeps what the gate renders and compares (and what
# mkdocs-static-i18n copies into every language's build) small, whatever a file holds.
PAGE_SIZE_LIMIT = 256 * 1024
LONG_PAGE_SECTIONS = 3  # a page with this many sections shows its contents at the top on phones

ENGLISH_FIELDS = ("title", "description", "last_reviewed", "next_review")
TRANSLATION_FIELDS = ("source_hash",)
DATE_FIELDS = ("last_reviewed", "next_review")
# A translation's review by a qualified medical translator: a record in the language's
# reviewers' file (l10n/<lang>/reviews.yml), written only by `scripts/docs.py review` (see
# ReviewRecord). No valid record: not reviewed. A record in front matter is refused.
REVIEW_FIELD = "translation_review"
REVIEW_KEYS = ("reviewer", "qualification", "date", "source_hash", "text_hash")
REVIEWED, LAPSED, UNREVIEWED = "reviewed", "lapsed", "unreviewed"
STUB_FIELD = "untranslated"  # `untranslated: true`: a stub made by `docs.py new-language`, shown in English
# The front matter a page may carry, and nothing else: other keys (the theme's `template`,
# `hide`, `search`, a redirect's `location`, anything unknown) change what readers get
# outside the gate's reading, so they are refused, in English pages too.
ALLOWED_FIELDS = {
    "source": frozenset(ENGLISH_FIELDS),
    "translation": frozenset((*ENGLISH_FIELDS, *TRANSLATION_FIELDS, STUB_FIELD, REVIEW_FIELD)),
}
# Plain text: no markup characters, no HTML entities, one line (titles and descriptions go
# into <title>, meta tags, menus and link previews, written there by the theme's templates).
NOT_PLAIN_TEXT = re.compile(r"[<>\"`]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?|[\x00-\x1f\x7f]")


# --- mkdocs.yml ---------------------------------------------------------------


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


# --- pages ----------------------------------------------------------------------


class PageError(ValueError):
    """A page that cannot be read: its line, what is wrong and the fix."""

    def __init__(self, line: int, message: str, fix: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.fix = fix


class FrontMatterError(PageError):
    pass


def read_text(path: Path) -> str:
    """A page's text as MkDocs reads it: UTF-8 with or without a byte order mark, any line
    endings (read as \\n, so line numbers are the editor's). The file is never rewritten."""
    if path.is_symlink():
        raise PageError(1, "the file is a symbolic link: it is never followed", "replace the link with the file itself, or remove it")
    if path.is_file() and path.stat().st_size > PAGE_SIZE_LIMIT:
        raise PageError(1, f"the file is over the {PAGE_SIZE_LIMIT // 1024} KiB limit", "split it into pages of a readable length")
    return decode_text(path.read_bytes())


def decode_text(raw: bytes) -> str:
    """A page's bytes as `read_text` reads them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise PageError(
            line, "the file is not UTF-8 text", "save it as UTF-8 (in most editors: File › Save with encoding › UTF-8)"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class PageSource:
    """One Markdown page: its front matter, its body and where each starts."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    meta_lines: dict[str, int] = field(default_factory=dict)  # 'title' -> its line; 'translation_review.date' too
    meta_ends: dict[str, int] = field(default_factory=dict)  # a top-level field's last line (a record spans several)

    def line_of(self, key: str) -> int:
        """The line of a field (`key`, or `parent.key` inside a record); its parent's, else 1, when absent."""
        return self.meta_lines.get(key) or self.meta_lines.get(key.partition(".")[0], 1)


_FENCE = "---"


# --- YAML written by translators and editors ---------------------------------------


class YAMLAnchorError(yaml.MarkedYAMLError):
    """An anchor (&name) or alias (*name) in YAML a translator or editor wrote: refused, so a
    few bytes can never expand into megabytes (a 2 KB "alias bomb" printed 72 MB)."""

    FIX = "write each value out in full: anchors (&name) and aliases (*name) are not allowed"

    def __init__(self, mark: yaml.Mark, what: str) -> None:
        super().__init__(problem=f"{what} is not allowed", problem_mark=mark)
        self.what = what
        self.line = mark.line + 1  # 1-based, in the text given


def refuse_anchors(text: str, loader: type = yaml.SafeLoader) -> None:
    """Raise YAMLAnchorError at the first anchor or alias of `text` (and yaml.YAMLError when
    it is not YAML). Only the events are read: nothing is expanded."""
    for event in yaml.parse(text, Loader=loader):
        if not isinstance(event, yaml.NodeEvent) or event.anchor is None:  # aliases, scalars and collections have one
            continue
        mark = event.start_mark
        assert isinstance(mark, yaml.Mark), "PyYAML's pure-Python parser marks every event"
        raise YAMLAnchorError(mark, f"an alias (*{event.anchor})" if isinstance(event, yaml.AliasEvent) else f"an anchor (&{event.anchor})")


def load_yaml(text: str, loader: type = yaml.SafeLoader) -> Any:
    """YAML from translators and editors (front matter, l10n/<lang>/*.yml, exchange stores):
    the one reader, which refuses anchors and aliases with their line (YAMLAnchorError)."""
    refuse_anchors(text, loader)
    return yaml.load(text, Loader=loader)


def compose_yaml(text: str, loader: type = yaml.SafeLoader) -> yaml.Node | None:
    """As load_yaml, the node tree (for line numbers)."""
    refuse_anchors(text, loader)
    return yaml.compose(text, Loader=loader)


class YAMLFileError(PageError):
    """A translator's YAML file (l10n/<lang>/*.yml) that cannot be read: where, what, the fix."""

    def __init__(self, path: Path, line: int, message: str, fix: str) -> None:
        super().__init__(line, message, fix)
        self.path = path

    def problem(self) -> Problem:
        return Problem(self.path, self.line, self.message, self.fix)

    def __str__(self) -> str:
        return self.problem().format(self.path.parents[2] if len(self.path.parents) > 2 else REPO)


def yaml_file_error(path: Path, err: yaml.YAMLError) -> YAMLFileError:
    """The message for a YAML file load_yaml refused."""
    if isinstance(err, YAMLAnchorError):
        return YAMLFileError(path, err.line, f"{err.what} is not allowed", YAMLAnchorError.FIX)
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return YAMLFileError(
        path,
        mark.line + 1 if mark is not None else 1,
        f"not valid YAML ({problem})",
        "write each entry as 'name: value'; put quotes around a value that contains ': ' or starts with a special character",
    )


def read_yaml_file(path: Path, *, mutable: bool = True) -> Any:
    """A translator's YAML file through load_yaml (None when it does not exist); YAMLFileError when
    refused. mutable=False: the shared reading, for callers that only read it."""
    if not path.exists():
        return None
    try:
        return parsed_file(path, _read_yaml, mutable=mutable)
    except UnicodeDecodeError:
        raise YAMLFileError(path, 1, "the file is not UTF-8 text", "save it as UTF-8") from None
    except yaml.YAMLError as err:
        raise yaml_file_error(path, err) from None


def l10n_problems(root: Path = REPO) -> list[Problem]:
    """Every l10n/<lang>/*.yml file the project reads that cannot be read (synonyms.yml and
    stopwords.yml: sitekit/search.py reports them)."""
    problems = []
    for path in sorted((root / "l10n").glob("*/*.yml")):
        if path.name in ("synonyms.yml", "stopwords.yml"):
            continue
        try:
            read_yaml_file(path)
        except YAMLFileError as err:
            problems.append(err.problem())
    return problems


class _MetaLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text, so a bad date is reported, not raised."""


_MetaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_PAGES: dict[Path, tuple[str, PageSource]] = {}  # each file's last reading


def parse_page(path: Path, text: str) -> PageSource:
    """Split a page into front matter and body; raise FrontMatterError with a line number.
    A file's text is parsed once for as long as it stays the same (the gate, the catalogue,
    the exchange and the build all read the page): callers get their own copy of it."""
    cached = _PAGES.get(path)
    if cached is None or cached[0] != text:
        cached = (text, _parse_page(path, text))
        _PAGES[path] = cached
    page = cached[1]
    return dataclasses.replace(page, meta=copy.deepcopy(page.meta), meta_lines=dict(page.meta_lines), meta_ends=dict(page.meta_ends))


def _parse_page(path: Path, text: str) -> PageSource:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise FrontMatterError(
            1, "the page does not start with front matter", "add a '---' line, the fields, and a closing '---' at the top"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == _FENCE)
    except StopIteration:
        raise FrontMatterError(1, "the front matter is not closed", "add a line '---' after the last front matter field") from None
    block = "\n".join(lines[1:end])
    try:
        node = compose_yaml(block, _MetaLoader)
        meta = yaml.load(block, Loader=_MetaLoader)
    except YAMLAnchorError as exc:
        raise FrontMatterError(exc.line + 1, f"the front matter uses {exc.what}, which is not allowed", YAMLAnchorError.FIX) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(
            line,
            f"the front matter is not valid YAML ({problem})",
            "write each field as 'name: value'; put quotes around a value that contains ': ' or starts with a special character",
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(
            2, "the front matter is not a list of 'name: value' fields", "write each field on its own line as 'name: value'"
        )
    meta_lines: dict[str, int] = {}
    meta_ends: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            meta_lines[key] = key_node.start_mark.line + 2
            meta_ends[key] = max(meta_lines[key], _last_line(value_node) + 2)
            if isinstance(value_node, yaml.MappingNode):
                for inner, _ in value_node.value:
                    meta_lines[f"{key}.{inner.value}"] = inner.start_mark.line + 2
    return PageSource(path=path, meta=meta, body="\n".join(lines[end + 1 :]), body_line=end + 2, meta_lines=meta_lines, meta_ends=meta_ends)


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based, in the front matter) a YAML value is written on."""
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    if children and isinstance(node, yaml.CollectionNode) and not node.flow_style:
        return max(_last_line(child) for child in children)
    mark = node.end_mark  # a block scalar (|, >) ends at the start of the next line
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


def read_page(path: Path) -> PageSource:
    return parse_page(path, read_text(path))


def source_hash(page: PageSource, root: Path | None = None) -> str:
    """Version of an English page's translatable content: its segments (title, description,
    each heading, paragraph, list item, cell), as the publishing gate reads them. Re-wrapping
    a paragraph or changing spaces gives the same version; changing a word gives a new one."""
    return text_hash(page, root)


_HASHES: dict[tuple[Any, ...], str] = {}


def text_hash(page: PageSource, root: Path | None = None) -> str:
    """A page's words as readers get them (sitekit/segments.py: the gate's reading), hashed:
    the ids and kinds of its segments, their words and their inline codes (link targets,
    emphasis). Whitespace and line wrapping change nothing. `root`: the project whose
    Markdown reads the page (default: this checkout's)."""
    from sitekit import segments
    from sitekit.structure import Renderer

    renderer = Renderer.for_project(root or REPO)
    key = (id(renderer), str(page.meta.get("title", "")), str(page.meta.get("description", "")), page.body)
    if key not in _HASHES:
        try:
            read = segments.Page("", page, renderer)
            parts = [[s.id, s.kind, s.plain, sorted([n, c.kind, c.open, c.close] for n, c in s.codes.items())] for s in read.segments]
            content = json.dumps(parts, ensure_ascii=False, sort_keys=True)
        except Exception:  # a page the gate cannot read as segments (it says why): its words, spaces squeezed
            content = " ".join("\n".join([key[1], key[2], page.body]).split())
        _HASHES[key] = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
    return _HASHES[key]


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    fix: str
    severity: str = "error"  # or "warning"
    rule: str = ""  # which kind of rule: "html" for what could run or load in a reader's browser

    def format(self, root: Path = REPO) -> str:
        shown: Path = self.path
        # never resolve the file itself: a symbolic link is named as it is, not as what it points to
        for path, top in ((self.path.absolute(), root.absolute()), (self.path.parent.resolve() / self.path.name, root.resolve())):
            if path.is_relative_to(top):
                shown = path.relative_to(top)
                break
        label = "" if self.severity == "error" else "warning: "
        return f"{shown}:{self.line}: {label}{self.message} — {self.fix}"


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def front_matter_problems(page: PageSource, *, translation: bool) -> list[Problem]:
    """Missing or wrong front matter fields, each with the line and the fix."""
    problems: list[Problem] = []
    meta = page.meta
    required = ENGLISH_FIELDS + (TRANSLATION_FIELDS if translation and not meta.get("untranslated") else ())

    def add(key: str, message: str, fix: str) -> None:
        problems.append(Problem(page.path, page.line_of(key), message, fix))

    for key in required:
        if meta.get(key) in (None, ""):
            problems.append(Problem(page.path, 1, f"front matter field '{key}' is missing", f"add '{key}: …' to the front matter"))
    allowed = ALLOWED_FIELDS["translation" if translation else "source"]
    for key in meta:
        if key not in allowed:
            add(
                str(key),
                f"front matter field '{key}' is not allowed",
                f"remove it: a {'translated' if translation else 'source'} page's front matter holds only {', '.join(sorted(allowed))}",
            )
    for key in ("title", "description"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            add(key, f"'{key}' must be text", f"write '{key}:' followed by one line of text")
        elif isinstance(meta.get(key), str) and (found := NOT_PLAIN_TEXT.search(meta[key])):
            add(
                key,
                f"'{key}' is not plain text (it contains {found.group()!r})",
                'write it as plain text on one line, without < > " ` or HTML entities (use “ ” or « » for quotes)',
            )
    if translation and STUB_FIELD in meta and meta[STUB_FIELD] is not True:
        add(
            STUB_FIELD,
            f"'{STUB_FIELD}' is {meta[STUB_FIELD]!r}",
            f"write '{STUB_FIELD}: true' on a stub, or remove the line once the page is translated",
        )
    description = meta.get("description")
    if isinstance(description, str) and len(description) > DESCRIPTION_MAX:
        add(
            "description",
            f"'description' is {len(description)} characters long, more than {DESCRIPTION_MAX}",
            "shorten it to one sentence of at most 160 characters",
        )
    dates = {}
    for key in DATE_FIELDS:
        if meta.get(key) in (None, ""):
            continue
        parsed = as_date(meta[key])
        if parsed is None:
            add(key, f"'{key}' is not a date ({meta[key]!r})", f"write it as YYYY-MM-DD, e.g. '{key}: 2026-11-24'")
        else:
            dates[key] = parsed
    if len(dates) == 2 and dates["next_review"] <= dates["last_reviewed"]:
        add("next_review", "'next_review' is not after 'last_reviewed'", "set next_review to a date after last_reviewed")
    if translation:
        digest = meta.get("source_hash")
        if digest not in (None, "") and not is_hash(digest):
            add(
                "source_hash",
                f"'source_hash' is not a 12-character hash ({digest!r})",
                "copy the hash that `python scripts/docs.py status` shows for the English page",
            )
    return problems


def is_hash(value: Any) -> bool:
    """A source hash as `source_hash` writes it: 12 lower-case hexadecimal digits."""
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{12}", value) is not None


def review_date(meta: dict[str, Any], key: str) -> dt.date | None:
    return as_date(meta.get(key))


# --- a translation's review ------------------------------------------------------------
#
# A qualified medical translator's review of a translation is a record in the language's
# reviewers' file, l10n/<lang>/reviews.yml, written only by `scripts/docs.py review` (the
# file is owned by the reviewers in .github/CODEOWNERS). The record names exactly what was
# reviewed: the English version (source_hash) and the translation's text (text_hash, a hash
# over its segments; the text itself is kept in l10n/<lang>/reviewed/<page>/<text_hash>.md).
# Any change to the translated words, or to the English words, lapses it; re-wrapping does not.


@dataclass(frozen=True)
class ReviewRecord:
    """A qualified medical translator's review of a translation: who (name and qualification),
    when, the English version it follows (source_hash) and the translation's text (text_hash).
    As `scripts/docs.py review` writes it in l10n/<lang>/reviews.yml:

        trial.md:
          reviewer: Ana Pérez
          qualification: Certified medical translator (English to Spanish)
          date: 2026-12-01
          source_hash: 398796eba817
          text_hash: 0b9d1c7a2e51
    """

    reviewer: str
    qualification: str
    date: dt.date
    source_hash: str
    text_hash: str

    def lines(self, name: str) -> list[str]:
        """The record's lines in the reviewers' file."""
        record = {
            "reviewer": self.reviewer,
            "qualification": self.qualification,
            "date": self.date,
            "source_hash": self.source_hash,
            "text_hash": self.text_hash,
        }
        text = yaml.safe_dump({name: record}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
        return text.rstrip("\n").split("\n")


@dataclass(frozen=True)
class Review:
    """What readers are told about a translation's review: REVIEWED while its record covers
    exactly the current translation (text_hash) of the current English version (source_hash,
    which the translation follows), LAPSED once either has changed, UNREVIEWED without a
    (valid) record. `text`: the translation's current text hash."""

    state: str = UNREVIEWED
    record: ReviewRecord | None = None
    text: str = ""

    @property
    def why(self) -> str:
        """Why a lapsed review no longer holds ('' otherwise)."""
        if self.state != LAPSED or self.record is None:
            return ""
        if self.record.text_hash != self.text:
            return f"the translation's text changed since (reviewed {self.record.text_hash}, now {self.text})"
        return f"the English page changed since (reviewed English {self.record.source_hash})"


def review_of(record: ReviewRecord | None, english_hash: str, follows: Any, text: str) -> Review:
    """A translation's review: its record, the English page's current version, the version the
    translation follows (its source_hash) and the translation's current text hash."""
    if record is None:
        return Review(text=text)
    current = record.source_hash == english_hash == follows and record.text_hash == text
    return Review(REVIEWED if current else LAPSED, record, text)


def review_command(lang: str = "LANGUAGE", name: str = "PAGE") -> str:
    """The command that records a review (the fix named by every message about a record)."""
    return f'python scripts/docs.py review {lang} {name} --by "NAME" --qualification "QUALIFICATION"'


def reviews_file(lang: str, root: Path = REPO) -> Path:
    """The language's reviewers' file: its translations' review records."""
    return root / "l10n" / lang / "reviews.yml"


def reviewed_text_path(lang: str, name: str, digest: str, root: Path = REPO) -> Path:
    """Where `docs.py review` keeps the translation's text it recorded a review of."""
    return root / "l10n" / lang / "reviewed" / name.removesuffix(".md") / f"{digest}.md"


def reviewed_text(page: PageSource) -> str:
    """A reviewed translation's text as kept in l10n/<lang>/reviewed/: its translatable parts."""
    return f"title: {page.meta.get('title', '')}\ndescription: {page.meta.get('description', '')}\n\n{page.body.strip()}\n"


def read_snapshot(path: Path) -> PageSource | None:
    """A recorded page (an English version in l10n/history/, a reviewed text in l10n/<lang>/reviewed/)."""
    if not path.is_file():
        return None
    head, _, body = read_text(path).partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.split("\n") if ": " in line)
    return PageSource(path=path, meta=meta, body=body, body_line=head.count("\n") + 3)


def reviews_header(lang: str) -> list[str]:
    return [
        f"# Reviews of the {lang} translation by qualified medical translators.",
        '# Written only by `python scripts/docs.py review` (see TRANSLATING.md, "Reviews"): a record',
        "# edited by hand is refused by `docs.py check` and the build. Owned by the reviewers",
        "# (.github/CODEOWNERS).",
    ]


def reviews_text(lang: str, records: dict[str, ReviewRecord]) -> str:
    """The reviewers' file as `docs.py review` writes it: the header, then the records by page."""
    lines = reviews_header(lang)
    for name in sorted(records):
        lines += records[name].lines(name)
    return "\n".join(lines) + "\n"


@dataclass
class ReviewFile:
    """A language's reviewers' file as read: the valid records, each record's line, and what is wrong."""

    path: Path
    records: dict[str, ReviewRecord] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)


_REVIEW_FILES: dict[tuple[Path, bytes, tuple[tuple[str, bytes], ...]], ReviewFile] = {}


def read_reviews(lang: str, root: Path = REPO) -> ReviewFile:
    """The language's review records that are exactly what `docs.py review` writes: fields,
    layout, an English version the page had, and a translation text it recorded. Every other
    record is left out (the translation reads as unreviewed) and reported with its line."""
    path = reviews_file(lang, root)
    if not path.is_file():
        return ReviewFile(path)
    raw = path.read_bytes()
    kept = root / "l10n" / lang / "reviewed"
    snapshots = tuple(sorted((p.relative_to(kept).as_posix(), p.read_bytes()) for p in kept.rglob("*.md"))) if kept.is_dir() else ()
    key = (path.resolve(), raw, snapshots)
    if key not in _REVIEW_FILES:
        _REVIEW_FILES[key] = _read_reviews(lang, root, path, raw)
    cached = _REVIEW_FILES[key]
    return ReviewFile(cached.path, dict(cached.records), dict(cached.lines), list(cached.problems))


def _read_reviews(lang: str, root: Path, path: Path, raw: bytes) -> ReviewFile:
    out = ReviewFile(path)
    command = review_command(lang)
    try:
        text = decode_text(raw)
        node = yaml.compose(text, Loader=_MetaLoader)
        data = yaml.load(text, Loader=_MetaLoader)
    except PageError as err:
        out.problems.append(Problem(path, err.line, err.message, err.fix))
        return out
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        out.problems.append(
            Problem(
                path,
                (mark.line + 1) if mark else 1,
                "the reviewers' file is not valid YAML",
                f"restore it from git; record reviews only with `{command}`",
            )
        )
        return out
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, (yaml.MappingNode, type(None))):
        out.problems.append(
            Problem(
                path,
                1,
                "the reviewers' file is not a list of records by page",
                f"restore it from git; record reviews only with `{command}`",
            )
        )
        return out
    names = set(page_names(root))
    for key_node, _ in node.value if node is not None else []:
        out.lines[str(key_node.value)] = key_node.start_mark.line + 1
    parsed: dict[str, ReviewRecord] = {}
    for name, value in data.items():
        name = str(name)
        line = out.line(name)
        command = review_command(lang, name)
        if name not in names:
            out.problems.append(
                Problem(path, line, f"there is a review record for '{name}', which is not a page of the site", "remove the record")
            )
            continue
        if not isinstance(value, dict):
            out.problems.append(
                Problem(path, line, f"the review record of {name} is not a record", f"remove it and record the review with `{command}`")
            )
            continue
        faults = _record_faults(value, command)
        if faults:
            out.problems += [Problem(path, line, f"{name}: {message}", fix) for _, message, fix in faults]
            continue
        date = as_date(value["date"])
        assert date is not None  # _record_faults checked it
        record = ReviewRecord(value["reviewer"], value["qualification"], date, value["source_hash"], value["text_hash"])
        current = english_version(name, root)
        recorded = root / "l10n" / "history" / name.removesuffix(".md") / f"{record.source_hash}.md"
        if record.source_hash != current and not recorded.is_file():
            out.problems.append(
                Problem(
                    path,
                    line,
                    f"the review record of {name} names English version {record.source_hash}, which the English page never had",
                    f"remove the record; have the translation reviewed and record it with `{command}` (it writes the current version, {current})",
                )
            )
            continue
        kept = read_snapshot(reviewed_text_path(lang, name, record.text_hash, root))
        if kept is None or text_hash(kept, root) != record.text_hash:
            out.problems.append(
                Problem(
                    path,
                    line,
                    f"the review record of {name} names translation text {record.text_hash}, which `docs.py review` never recorded",
                    f"remove the record; only `{command}` writes one (with the reviewed text in "
                    f"{reviewed_text_path(lang, name, record.text_hash, root).relative_to(root).as_posix()})",
                )
            )
            continue
        parsed[name] = record
    # The layout, too, must be the tool's: a record edited by hand is not one it wrote.
    expected = reviews_text(lang, parsed).split("\n")
    given = text.split("\n")
    if not out.problems and given != expected:
        first = next((i for i, (a, b) in enumerate(zip(given, expected, strict=False)) if a != b), min(len(given), len(expected)) - 1)
        by_line = sorted((line, name) for name, line in out.lines.items())
        owner = next((name for line, name in reversed(by_line) if line <= first + 1), None)
        out.problems.append(
            Problem(
                path,
                first + 1,
                "the reviewers' file is not as `docs.py review` writes it (edited by hand)",
                f"restore it from git and record reviews only with `{review_command(lang)}`",
            )
        )
        if owner:
            parsed.pop(owner, None)
    out.records = parsed
    return out


def _record_faults(value: dict[Any, Any], command: str = "") -> list[tuple[str, str, str]]:
    """What is wrong with a review record: (its field, the problem, the fix)."""
    again = f"record the review with `{command or review_command()}`"
    faults = [
        (str(key), f"the review record has an unknown field '{key}'", f"remove it: a record has {', '.join(REVIEW_KEYS)}")
        for key in value
        if key not in REVIEW_KEYS
    ]
    for key in REVIEW_KEYS:
        if value.get(key) in (None, ""):
            faults.append((key, f"the review record has no '{key}'", again))
    for key in ("reviewer", "qualification"):
        if value.get(key) not in (None, "") and not (isinstance(value[key], str) and value[key].strip()):
            faults.append((key, f"the review record's '{key}' must be text", f"write '{key}:' followed by one line of text"))
    if value.get("date") not in (None, ""):
        date = as_date(value["date"])
        if date is None:
            faults.append(
                ("date", f"the review record's 'date' is not a date ({value['date']!r})", "write it as YYYY-MM-DD, e.g. 'date: 2026-12-01'")
            )
        elif date > dt.date.today():
            faults.append(("date", f"the review record's date {date.isoformat()} is in the future", "write the day the review was done"))
    for key in ("source_hash", "text_hash"):
        if value.get(key) not in (None, "") and not is_hash(value[key]):
            faults.append((key, f"the review record's '{key}' is not a 12-character hash ({value[key]!r})", again))
    return faults


def review_record_problems(page: PageSource, *, translation: bool, command: str) -> list[Problem]:
    """A review record in the page's front matter: never accepted (only `docs.py review` writes a
    record, in the language's reviewers' file)."""
    if REVIEW_FIELD not in page.meta:
        return []
    line = page.line_of(REVIEW_FIELD)
    if not translation:
        return [Problem(page.path, line, f"an English page has no '{REVIEW_FIELD}'", "remove the field: only translations are reviewed")]
    return [
        Problem(
            page.path,
            line,
            f"a review record in the page's front matter ('{REVIEW_FIELD}') is not accepted: readers are told the translation is unreviewed",
            f"remove the field; a review is recorded only by `{command}`, in l10n/<language>/reviews.yml",
        )
    ]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def with_field(raw: bytes, key: str, lines: list[str], path: Path = Path("page.md")) -> bytes:
    """A page's bytes with the front matter field `key` written as `lines` (a field the page
    lacks goes last, before the closing '---'; no lines remove it). Every other byte stays as
    it was: the byte order mark, the line endings, the other fields and their comments, the
    body. Raises PageError when the page cannot be read (`path` names it)."""
    page = parse_page(path, decode_text(raw))
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    parts = _LINE.findall(raw[len(bom) :].decode("utf-8"))
    fence = page.body_line - 2  # the closing '---', 0-based
    first, last = (page.meta_lines[key] - 1, page.meta_ends[key]) if key in page.meta_lines else (fence, fence)
    ending = parts[fence][len(parts[fence].rstrip("\r\n")) :] or "\n"
    parts[first:last] = [line + ending for line in lines]
    return bom + "".join(parts).encode("utf-8")


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX)


# --- where things live ------------------------------------------------------------


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


def _read_yaml(text: str) -> Any:
    return load_yaml(text)


# --- translation state ---------------------------------------------------------------

SOURCE, TRANSLATED, OUTDATED, MISSING, STUB, REFUSED = "source", "translated", "outdated", "missing", "stub", "refused"
SHOWN_IN_ENGLISH = (MISSING, STUB, REFUSED)  # readers get the English page with a notice
JUDGED = (TRANSLATED, OUTDATED)  # what the files say, until the publishing gate has checked the page


def english_version(name: str, root: Path = REPO) -> str:
    """The English page's current version (its source_hash); "" while it cannot be read (the
    gate reports why), so its translations count as outdated, never as up to date."""
    try:
        return source_hash(read_page(page_file(default_language(root).code, name, root)), root)
    except PageError:
        return ""


def translation_state(lang: str, name: str, root: Path = REPO, english_hash: str | None = None) -> str:
    """What the page's file says: source (English), translated, outdated (English changed
    since), missing, stub, or refused when it cannot be read. Whether the publishing gate
    accepts a translated or outdated page is the catalogue's business (`Catalogue.state`).
    `english_hash`: the English page's source_hash, when the caller already has it."""
    return _read_state(lang, name, root, english_hash)[0]


def _read_state(lang: str, name: str, root: Path, english_hash: str | None, reviews: ReviewFile | None = None) -> tuple[str, Review]:
    """The page's file state (as translation_state) and its review (from `reviews`, the
    language's reviewers' file, read when not given)."""
    if lang == default_language(root).code:
        return SOURCE, Review()
    path = page_file(lang, name, root)
    if not path.exists():
        return MISSING, Review()
    try:
        page = read_page(path)
    except PageError:
        return REFUSED, Review()  # the gate says why
    if page.meta.get("untranslated"):
        return STUB, Review()
    if english_hash is None:
        english_hash = english_version(name, root)
    state = TRANSLATED if page.meta.get("source_hash") == english_hash else OUTDATED
    record = (reviews if reviews is not None else read_reviews(lang, root)).records.get(name)
    return state, review_of(record, english_hash, page.meta.get("source_hash"), text_hash(page, root))


def page_url(name: str) -> str:
    """The page's URL inside its language folder: '' for index.md, 'trial/' for trial.md."""
    stem = name[: -len(".md")]
    if stem == "index":
        return ""
    return stem[: -len("/index")] + "/" if stem.endswith("/index") else stem + "/"


def language_url(lang: str, root: Path = REPO) -> str:
    """The language's folder in the site: '' for the default language, 'es/' for Spanish."""
    return _folder(lang, default_language(root).code)


def _folder(lang: str, default: str) -> str:
    return "" if lang == default else f"{lang}/"


def glossary(lang: str, root: Path = REPO) -> dict[str, Any]:
    return read_yaml_file(l10n_file(lang, "glossary", root)) or {}


PUBLISH_THRESHOLD = 0.8  # share of pages translated (outdated ones count, refused ones do not) before readers are offered a language


Judge = Callable[[str, str], list[Problem]]  # the publishing gate's errors in page `name` of language `lang`


@dataclass
class Catalogue:
    """Every language's state for every page, read once (per build, per command).

    A translated (or outdated) page is offered to readers only when the publishing gate
    (sitekit/gate.py) accepts it: `judge` returns its errors, and a page with any is
    REFUSED (shown in English, not counted towards publication). Each page is judged
    once, when its state is first asked for. `load` makes the project's gate the judge
    (the build passes its own, so that no page is checked twice); a catalogue made by
    hand (judge None) takes its states as given."""

    root: Path
    languages: list[Language]
    pages: list[str]
    states: dict[tuple[str, str], str]  # what the files say (translation_state); `state()` adds the gate's verdict
    reviews: dict[tuple[str, str], Review] = field(default_factory=dict)
    review_files: dict[str, ReviewFile] = field(default_factory=dict)  # each language's reviewers' file, as read
    judge: Judge | None = field(default=None, repr=False, compare=False)
    _errors: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _shares: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)
    _strings: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path = REPO, judge: Judge | None = None) -> Catalogue:
        """The project's catalogue, judged by `judge` (default: the project's publishing gate)."""
        langs, pages = languages(root), page_names(root)
        hashes = {name: english_version(name, root) for name in pages}
        files = {lang.code: read_reviews(lang.code, root) for lang in langs[1:]}
        read = {
            (lang.code, name): _read_state(lang.code, name, root, hashes[name], files.get(lang.code)) for lang in langs for name in pages
        }
        catalogue = cls(
            root, langs, pages, {key: state for key, (state, _) in read.items()}, {key: review for key, (_, review) in read.items()}
        )
        catalogue.review_files = files
        catalogue.judge = judge or _project_gate(catalogue)
        return catalogue

    @property
    def default(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def state(self, lang: str, name: str) -> str:
        """What readers get: the file's state, or REFUSED when the publishing gate finds errors in the page."""
        state = self.file_state(lang, name)
        return REFUSED if state in JUDGED and self.errors(lang, name) else state

    def file_state(self, lang: str, name: str) -> str:
        """What the page's file says (translation_state), before the gate's verdict."""
        return self.states.get((lang, name), MISSING)

    def errors(self, lang: str, name: str) -> int:
        """How many errors the publishing gate finds in the page (0 for a page it has no verdict on:
        the source, a missing page, a stub)."""
        key = (lang, name)
        if key not in self._errors:
            judge = self.judge if self.file_state(lang, name) in (*JUDGED, REFUSED) else None
            self._errors[key] = len(judge(lang, name)) if judge else 0
        return self._errors[key]

    def review(self, lang: str, name: str) -> Review:
        """The translation's review: reviewed, lapsed or unreviewed, with its record."""
        return self.reviews.get((lang, name), Review())

    def language_url(self, lang: str) -> str:
        """As model.language_url, without reading mkdocs.yml again."""
        return _folder(lang, self.default.code)

    def url(self, lang: str, name: str) -> str:
        """The page's address in the language, from the site's root: 'es/trial/'."""
        return _folder(lang, self.default.code) + page_url(name)

    def strings(self, lang: str) -> dict[str, str]:
        """The language's interface strings (model.ui_strings), read once. Do not modify."""
        if lang not in self._strings:
            self._strings[lang] = ui_strings(lang, self.root)
        return self._strings[lang]

    def share(self, lang: str) -> float:
        if lang not in self._shares:  # asked for every page of every language: counted once
            done = [name for name in self.pages if self.state(lang, name) not in SHOWN_IN_ENGLISH]
            self._shares[lang] = len(done) / len(self.pages) if self.pages else 0.0
        return self._shares[lang]

    def readable(self, name: str) -> list[Language]:
        """The languages readers are offered this page in, as a real translation (or the source)."""
        return [lang for lang in self.languages if self.published(lang.code) and self.state(lang.code, name) not in SHOWN_IN_ENGLISH]

    def content_language(self, lang: str, name: str, *, judged: bool = True) -> str:
        """The language of the page's text for readers of `lang`: English where they are shown the
        English page. judged=False: as the page's file says (the gate, while it judges pages)."""
        state = self.state(lang, name) if judged else self.file_state(lang, name)
        return self.default.code if state in SHOWN_IN_ENGLISH else lang

    def published(self, lang: str) -> bool:
        """A language is offered to readers (switcher, hreflang, suggestion) once PUBLISH_THRESHOLD of its pages are translated."""
        return self.share(lang) >= PUBLISH_THRESHOLD


def _project_gate(catalogue: Catalogue) -> Judge:
    """The default judge: the publishing gate of the catalogue's project, made when a page is
    first judged (sitekit/gate.py renders pages with the build's Markdown, and imports this module)."""
    made: list[Any] = []

    def errors(lang: str, name: str) -> list[Problem]:
        if not made:
            from sitekit.gate import Gate

            made.append(Gate.for_project(catalogue.root, catalogue))
        return made[0].errors(lang, name)

    return errors
