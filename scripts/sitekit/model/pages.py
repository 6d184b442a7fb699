"""A page's source: its file read as MkDocs reads it, its front matter and body (`parse_page`,
the one reader, parsed once per text; `format_page`, the one writer), the front matter's
fields and their problems, a problem's `path:line: problem — fix` (Problem), the
page's version (source_hash, text_hash), and the YAML that translators and editors write
(`load_yaml`, the one reader of it, which refuses anchors and aliases)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitekit.model.config import REPO, default_language, page_file, parsed_file

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
    front_matter: str = ""  # its lines as written, between the '---' lines (format_page writes the page back from them)

    def line_of(self, key: str) -> int:
        """The line of a field (`key`, or `parent.key` inside a record); its parent's, else 1, when absent."""
        return self.meta_lines.get(key) or self.meta_lines.get(key.partition(".")[0], 1)


_FENCE = "---"


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
    it is not YAML). Only the events are read: nothing is expanded. Text without `&` or `*`
    holds neither (both are marked by that character in the text itself): not read twice."""
    if "&" not in text and "*" not in text:
        return
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
    return dataclasses.replace(page, meta=copy.deepcopy(page.meta), meta_lines=dict(page.meta_lines))


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
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            meta_lines[key] = key_node.start_mark.line + 2
            if isinstance(value_node, yaml.MappingNode):
                for inner, _ in value_node.value:
                    meta_lines[f"{key}.{inner.value}"] = inner.start_mark.line + 2
    return PageSource(
        path=path,
        meta=meta,
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
        meta_lines=meta_lines,
        front_matter="".join(line + "\n" for line in lines[1:end]),
    )


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


def format_page(fields: Mapping[str, Any] | str, body: str) -> str:
    """The one writer of a page's text, parse_page's other half: the front matter between '---'
    lines, then `body`. `fields`: the fields, written as YAML in their order (Unicode as it is),
    or the front matter's lines as already written (`PageSource.front_matter`, a new stub's:
    the comments and layout someone wrote stay as they are)."""
    head = fields if isinstance(fields, str) else yaml.safe_dump(dict(fields), allow_unicode=True, sort_keys=False)
    return f"{_FENCE}\n{head}{_FENCE}\n{body}"


def _read_yaml(text: str) -> Any:
    return load_yaml(text)


def english_version(name: str, root: Path = REPO) -> str:
    """The English page's current version (its source_hash); "" while it cannot be read (the
    gate reports why), so its translations count as outdated, never as up to date."""
    try:
        return source_hash(read_page(page_file(default_language(root).code, name, root)), root)
    except PageError:
        return ""
