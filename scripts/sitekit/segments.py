"""A page as translation segments, read through the publishing gate's own reading of it.

The gate (sitekit/gate.py) reads a page with the build's Python-Markdown and compares a
translation with its English page block for block (sitekit/structure.py). A segment is
one unit of that reading that holds words: the title and the description (front matter),
each heading, paragraph, list item, table cell and box title. Everything else stays out of the
translatable text: heading ids, link targets, images' addresses and Markdown syntax are
*codes* (numbered placeholders that exchange formats protect: XLIFF `<g>`/`<x>`, `<1>…</1>`
in PO), and code blocks, rules, `{{ markers }}` and raw HTML blocks are not segments at all.

`Page.markdown(texts)` writes the page back from the same reading, with other texts in
place of the segments: the English page's blocks, the translation's words. Reading the
result again must give the same segments (`Page.read_back`): that is how the writer proves
its Markdown means what the segments say.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Comment, Tag

from sitekit.structure import HEADINGS, MARKER, Renderer, Structure

if TYPE_CHECKING:  # sitekit.model hashes a page's segments with this module
    from sitekit import model

INDENT = "    "  # Python-Markdown's nesting: four spaces
CODE_TOKEN = re.compile(r"<(\d+)/>|<(\d+)>|</(\d+)>")
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#!>])")  # what Python-Markdown's backslash escapes
TRANSLATED_FIELDS = ("title", "description")


@dataclass(frozen=True)
class Code:
    """Inline Markdown a translator keeps as it is: what is written before the words it
    wraps and after them (a standalone code wraps nothing), and what a CAT tool shows."""

    kind: str  # bold, italic, link, image, code, break, html, placeholder
    open: str
    close: str = ""
    paired: bool = True
    detail: str = ""  # a link's or an image's address, shown to translators in a note

    @property
    def ctype(self) -> str:
        """XLIFF 1.2's name for the code (ctype); x- names for the others."""
        return {"bold": "bold", "italic": "italic", "link": "link", "break": "lb"}.get(self.kind, f"x-{self.kind}")


@dataclass(frozen=True)
class Span:
    """A code in a text: its number, and the words it wraps (none for a standalone code)."""

    code: str
    parts: tuple[Part, ...] = ()


Part = str | Span
Text = tuple[Part, ...]


@dataclass(frozen=True)
class Segment:
    id: str  # trial.md:title, trial.md#trial-steps (the heading), trial.md#trial-steps/2
    kind: str
    text: Text
    codes: dict[str, Code] = field(default_factory=dict, compare=False, hash=False)

    @property
    def plain(self) -> str:
        """The text with numbered codes, as PO files and messages show it: `<1>Preparation:</1> You may…`."""
        return plain(self.text, self.codes)

    @property
    def words(self) -> str:
        """The words alone (no codes): for translation memories and glossaries."""
        return words(self.text)


class SegmentError(ValueError):
    """A translated text that cannot go into the page: the segment, what is wrong, the fix."""

    def __init__(self, segment: str, message: str, fix: str) -> None:
        super().__init__(f"segment {segment}: {message} — {fix}")
        self.segment, self.message, self.fix = segment, message, fix


# --- texts ----------------------------------------------------------------------------------


def plain(text: Text, codes: dict[str, Code]) -> str:
    out = []
    for part in text:
        if isinstance(part, str):
            out.append(part)
        elif codes[part.code].kind == "placeholder":
            out.append(codes[part.code].open)
        elif codes[part.code].paired:
            out.append(f"<{part.code}>{plain(part.parts, codes)}</{part.code}>")
        else:
            out.append(f"<{part.code}/>")
    return "".join(out)


def words(text: Text) -> str:
    return "".join(part if isinstance(part, str) else words(part.parts) for part in text)


def parse_plain(value: str, segment: Segment) -> Text:
    """A translation written with numbered codes (`<1>…</1>`, `<2/>`) as a text; a code the
    English segment does not have, or a code left open, is a SegmentError."""
    codes = segment.codes
    literal = {code.open: number for number, code in codes.items() if code.kind == "placeholder"}
    pattern = CODE_TOKEN if not literal else re.compile(CODE_TOKEN.pattern + "|(" + "|".join(map(re.escape, literal)) + ")")
    stack: list[tuple[str, list[Part]]] = [("", [])]
    position = 0
    for match in pattern.finditer(value):
        if match.start() > position:
            stack[-1][1].append(value[position : match.start()])
        position = match.end()
        alone, opened, closed = match.group(1), match.group(2), match.group(3)
        named = match.group(4) if literal else None
        number = alone or opened or closed or literal.get(named or "")
        if number not in codes:
            raise SegmentError(segment.id, f"the placeholder {match.group()} is not in the English text", _keep_codes(segment))
        if named or alone:
            stack[-1][1].append(Span(number))
        elif opened:
            stack.append((number, []))
        elif stack[-1][0] != number:
            raise SegmentError(segment.id, f"the placeholder {match.group()} closes a code that is not open", _keep_codes(segment))
        else:
            number, parts = stack.pop()
            stack[-1][1].append(Span(number, tuple(parts)))
    if position < len(value):
        stack[-1][1].append(value[position:])
    if len(stack) > 1:
        raise SegmentError(segment.id, f"the placeholder <{stack[-1][0]}> is never closed", _keep_codes(segment))
    return merged(stack[0][1])


def code_problems(translated: Text, segment: Segment) -> list[SegmentError]:
    """Each of the English segment's codes once, paired ones wrapping words, none added."""
    seen = Counter(_code_numbers(translated))
    problems = []
    for number, code in segment.codes.items():
        if seen[number] == 0:
            problems.append(
                SegmentError(segment.id, f"the placeholder {_shown(number, code)} ({_what(code)}) is missing", _keep_codes(segment))
            )
        elif seen[number] > 1:
            problems.append(
                SegmentError(
                    segment.id, f"the placeholder {_shown(number, code)} ({_what(code)}) is used {seen[number]} times", _keep_codes(segment)
                )
            )
    return problems


def _code_numbers(text: Text) -> Iterator[str]:
    for part in text:
        if isinstance(part, Span):
            yield part.code
            yield from _code_numbers(part.parts)


def _shown(number: str, code: Code) -> str:
    return code.open if code.kind == "placeholder" else (f"<{number}>…</{number}>" if code.paired else f"<{number}/>")


def _what(code: Code) -> str:
    return {"link": f"the link to {code.detail}", "image": f"the image {code.detail}"}.get(code.kind, code.kind)


def _keep_codes(segment: Segment) -> str:
    shown = ", ".join(f"{_shown(n, c)} {_what(c)}" for n, c in segment.codes.items())
    return f"keep each placeholder of the English text once, around the words it marks ({shown})"


def merged(parts: list[Part]) -> Text:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)


def squeezed(text: Text) -> Text:
    """Whitespace as readers get it: runs of spaces and line breaks as one space, none at the ends."""
    flat: list[Part] = []
    for part in text:
        flat.append(re.sub(r"\s+", " ", part) if isinstance(part, str) else Span(part.code, _squeezed_inner(part.parts)))
    flat = list(merged(flat))
    if flat and isinstance(flat[0], str):
        flat[0] = flat[0].lstrip()
    if flat and isinstance(flat[-1], str):
        flat[-1] = flat[-1].rstrip()
    return merged(flat)


def _squeezed_inner(text: Text) -> Text:
    return merged([re.sub(r"\s+", " ", p) if isinstance(p, str) else Span(p.code, _squeezed_inner(p.parts)) for p in text])


# --- reading a page ---------------------------------------------------------------------------


class Page:
    """One page's segments, from the gate's reading of it (Renderer + Structure), and the
    writer that puts other texts in their place."""

    def __init__(self, name: str, source: model.PageSource, renderer: Renderer, structure: Structure | None = None) -> None:
        self.name = name
        self.source = source
        self.structure = structure or renderer.read(source.body, source.body_line)
        self._renderer = renderer
        self.segments: list[Segment] = []
        self._raw = Counter((tag.name, tuple(sorted(tag.attrs.items()))) for tag in self.structure.raw_tags)
        for key in TRANSLATED_FIELDS:
            value = source.meta.get(key)
            self.segments.append(Segment(f"{name}:{key}", key, squeezed((str(value),)) if value not in (None, "") else ()))
        soup = BeautifulSoup(self.structure.published, "html.parser")  # as readers get it, block for block
        nodes = [node for node in soup.children if isinstance(node, Tag)]
        self.comments: dict[int, list[str]] = {}  # HTML comments written before the block at each index (the sanitizer drops them)
        index = 0
        for node in BeautifulSoup(self.structure.html, "html.parser").children:
            if isinstance(node, Comment):
                self.comments.setdefault(index, []).append(f"<!--{node}-->")
            index += isinstance(node, Tag)
        self._blocks = list(zip(nodes, self.structure.blocks, strict=True))
        self._numbers: Counter[str | None] = Counter()
        for node, block in self._blocks:
            self._read_block(node, block.section)

    @property
    def by_id(self) -> dict[str, Segment]:
        return {segment.id: segment for segment in self.segments}

    def _next_id(self, section: str | None) -> str:
        self._numbers[section] += 1
        return f"{self.name}#{section}/{self._numbers[section]}" if section else f"{self.name}/{self._numbers[section]}"

    def _add(self, kind: str, section: str | None, node: Tag, id_: str | None = None) -> None:
        codes: dict[str, Code] = {}
        text = squeezed(tuple(self._inline(node, codes)))
        self.segments.append(Segment(id_ or self._next_id(section), kind, text, codes))

    def _read_block(self, node: Tag, section: str | None) -> None:
        if node.name in HEADINGS:
            self._add("heading", section, node, f"{self.name}#{node.get('id')}")
        elif node.name == "p":
            if not MARKER.fullmatch(node.get_text().strip()):
                self._add("paragraph", section, node)
        elif node.name in ("ul", "ol"):
            for item in node.find_all("li", recursive=False):
                if item.find("p", recursive=False):
                    for child in item.find_all(recursive=False):
                        self._read_block(child, section) if child.name != "p" else self._add("item", section, child)
                else:
                    self._add("item", section, item)
                    for child in item.find_all(["ul", "ol"], recursive=False):
                        self._read_block(child, section)
        elif node.name == "div" and "admonition" in (node.get("class") or []):
            for child in node.find_all(recursive=False):
                if "admonition-title" in (child.get("class") or []):
                    self._add("box title", section, child)
                else:
                    self._read_block(child, section)
        elif node.name == "blockquote":
            for child in node.find_all(recursive=False):
                self._read_block(child, section)
        elif node.name == "table":
            for cell in _cells(node):
                if _has_words(cell):
                    self._add("cell", section, cell)

    def _inline(self, node: Tag, codes: dict[str, Code]) -> Iterator[Part]:
        for child in node.children:
            if isinstance(child, Comment) or (isinstance(child, Tag) and child.name in ("ul", "ol")):
                continue
            if not isinstance(child, Tag):  # text: a node is text or an element
                yield str(child)
                continue
            if child.name == "a" and "headerlink" in (child.get("class") or []):
                continue
            code = self._code(child)
            if code is None:  # markup that is only words for translators (abbreviations)
                yield from self._inline(child, codes)
                continue
            number = str(len(codes) + 1)
            codes[number] = code
            if code.kind == "image":  # its words are the image's text for readers who cannot see it
                yield Span(number, (str(child.get("alt", "")),))
            else:
                yield Span(number, tuple(self._inline(child, codes)) if code.paired else ())

    def _code(self, node: Tag) -> Code | None:
        attrs = {name: (" ".join(value) if isinstance(value, list) else str(value)) for name, value in node.attrs.items()}
        key = (node.name, tuple(sorted(attrs.items())))
        if self._raw[key] > 0:  # written as HTML: kept as HTML
            self._raw[key] -= 1
            start = str(node).split(">", 1)[0] + ">" if node.contents or node.name not in ("br", "img") else str(node)
            if node.name in ("br", "img"):
                return Code("html", start, paired=False)
            return Code("html", start, f"</{node.name}>")
        title = f' "{attrs["title"]}"' if "title" in attrs else ""
        if node.name == "strong":
            return Code("bold", "**", "**")
        if node.name == "em":
            return Code("italic", "*", "*")
        if node.name == "a":
            return Code("link", "[", f"]({attrs.get('href', '')}{title})", detail=attrs.get("href", ""))
        if node.name == "img":
            return Code("image", "![", f"]({attrs.get('src', '')}{title})", detail=attrs.get("src", ""))
        if node.name == "code":
            content = node.get_text()
            fence = "``" if "`" in content else "`"
            return Code("code", f"{fence}{content}{fence}", paired=False)
        if node.name == "br":
            return Code("break", "  \n", paired=False)
        if node.name == "abbr":
            return None
        return Code("html", str(node).split(">", 1)[0] + ">", f"</{node.name}>")

    # --- writing it back ----------------------------------------------------------------------

    def markdown(
        self, texts: dict[str, Text], escaped: frozenset[str] = frozenset(), comments: dict[int, list[str]] | None = None
    ) -> tuple[str, dict[str, int]]:
        """The page's body with `texts` (segment id -> text) in place of its segments'
        words, and the body line (from 0) each segment starts on. `escaped`: segments whose
        words are written with every Markdown character escaped. `comments`: HTML comments
        to keep before the block at each index (a translator's, in the page being replaced)."""
        writer = _Writer(self, texts, escaped)
        comments = self.comments if comments is None else comments
        blocks: list[tuple[str | None, dict[str, int]]] = []
        for index, (node, block) in enumerate(self._blocks):
            blocks += [(comment, {}) for comment in comments.get(index, [])]
            blocks.append(writer.block(node, block.section))
        blocks += [(comment, {}) for comment in comments.get(len(self._blocks), [])]
        body, lines = "", {}
        for text, starts in blocks:
            if text is None:
                continue
            offset = 1 + (body.count("\n") + 2 if body else 0)
            if body:
                body += "\n\n"
            body += text
            lines.update({segment: offset + line for segment, line in starts.items()})
        return "\n" + body + "\n", lines


class _Writer:
    def __init__(self, page: Page, texts: dict[str, Text], escaped: frozenset[str]) -> None:
        self.page, self.texts, self.escaped = page, texts, escaped
        self.segments = iter(s for s in page.segments if s.kind not in TRANSLATED_FIELDS)

    def _take(self) -> tuple[Segment, str]:
        segment = next(self.segments)
        text = self.texts.get(segment.id, segment.text)
        return segment, inline_markdown(text, segment.codes, escape=segment.id in self.escaped)

    def block(self, node: Tag, section: str | None) -> tuple[str | None, dict[str, int]]:
        if node.name in HEADINGS:
            segment, words_ = self._take()
            return f"{'#' * int(node.name[1])} {words_} {{#{node.get('id')}}}", {segment.id: 0}
        if node.name == "p":
            if MARKER.fullmatch(node.get_text().strip()):
                return node.get_text().strip(), {}
            segment, words_ = self._take()
            return words_, {segment.id: 0}
        if node.name in ("ul", "ol"):
            return self._list(node)
        if node.name == "div" and "admonition" in (node.get("class") or []):
            return self._box(node)
        if node.name == "blockquote":
            inner, starts = self._children(node.find_all(recursive=False))
            return "\n".join(f"> {line}".rstrip() for line in inner.split("\n")), starts
        if node.name == "table":
            return self._table(node)
        if node.name == "pre":
            code = node.find("code")
            language = (
                next((c.removeprefix("language-") for c in (code.get("class") or []) if c.startswith("language-")), "") if code else ""
            )
            return f"```{language}\n{node.get_text().rstrip(chr(10))}\n```", {}
        if node.name == "hr":
            return "***", {}
        return str(node), {}

    def _children(self, nodes: list[Tag]) -> tuple[str, dict[str, int]]:
        out, starts = "", {}
        for child in nodes:
            text, inner = self.block(child, None)
            if text is None:
                continue
            offset = out.count("\n") + (2 if out else 0)
            out += ("\n\n" if out else "") + text
            starts.update({segment: offset + line for segment, line in inner.items()})
        return out, starts

    def _list(self, node: Tag) -> tuple[str, dict[str, int]]:
        items = node.find_all("li", recursive=False)
        loose = any(item.find("p", recursive=False) for item in items)
        start = int(str(node.get("start", "1"))) if node.name == "ol" else 1
        lines: list[str] = []
        starts: dict[str, int] = {}
        for index, item in enumerate(items):
            marker = f"{start + index}. " if node.name == "ol" else "- "
            if loose and lines:
                lines.append("")
            if loose:
                body, inner = self._children(item.find_all(recursive=False))
            else:
                segment, body = self._take()
                inner = {segment.id: 0}
                for child in item.find_all(["ul", "ol"], recursive=False):
                    nested, nested_starts = self._list(child)
                    inner.update({s: body.count("\n") + 1 + line for s, line in nested_starts.items()})
                    body += "\n" + nested
            first = len(lines)
            for number, line in enumerate(body.split("\n")):
                lines.append((marker if number == 0 else INDENT) + line if line else "")
            starts.update({segment: first + line for segment, line in inner.items()})
        return "\n".join(lines), starts

    def _table(self, node: Tag) -> tuple[str, dict[str, int]]:
        """A pipe table (Markdown's tables extension, which MkDocs always loads)."""
        lines: list[str] = []
        starts: dict[str, int] = {}
        for row in node.find_all("tr"):
            cells = []
            for cell in row.find_all(["th", "td"], recursive=False):
                if _has_words(cell):
                    segment, words_ = self._take()
                    starts[segment.id] = len(lines)
                    cells.append(words_.replace("|", "\\|"))
                else:
                    cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
            if row.find("th", recursive=False) is not None and len(lines) == 1:
                lines.append("| " + " | ".join(_alignment(cell) for cell in row.find_all("th", recursive=False)) + " |")
        return "\n".join(lines), starts

    def _box(self, node: Tag) -> tuple[str, dict[str, int]]:
        kind = next((c for c in node.get("class") or [] if c != "admonition"), "note")
        starts: dict[str, int] = {}
        title = ""
        heading = node.find("p", class_="admonition-title", recursive=False)
        if heading is not None:
            segment, title = self._take()
            starts[segment.id] = 0
        inner, inner_starts = self._children([child for child in node.find_all(recursive=False) if child is not heading])
        starts.update({segment: 1 + line for segment, line in inner_starts.items()})
        lines = [f'!!! {kind} "{title}"'] + [INDENT + line if line else "" for line in inner.split("\n")]
        return "\n".join(lines), starts


def _cells(table: Tag) -> list[Tag]:
    return [cell for row in table.find_all("tr") for cell in row.find_all(["th", "td"], recursive=False)]


def _has_words(cell: Tag) -> bool:
    return bool(cell.get_text().strip()) or cell.find(True) is not None


def _alignment(cell: Tag) -> str:
    style = str(cell.get("style", "")) + str(cell.get("align", ""))
    return {"left": ":---", "right": "---:", "center": ":---:"}.get(next((a for a in ("center", "right", "left") if a in style), ""), "---")


def inline_markdown(text: Text, codes: dict[str, Code], *, escape: bool = False) -> str:
    out = []
    for index, part in enumerate(text):
        if isinstance(part, str):
            out.append(_escaped(part, first=index == 0) if escape else part)
        else:
            code = codes[part.code]
            inner = inline_markdown(part.parts, codes, escape=escape) if code.paired else ""
            out.append(code.open + inner + code.close)
    return "".join(out)


def needs_escaping(text: Text) -> bool:
    """Whether a text's words hold a character Markdown could read as syntax."""
    flat = words(text)
    return bool(MARKDOWN_SPECIALS.search(flat) or "&" in flat or "<" in flat or re.match(r"\d+\.\s|[-+]\s", flat))


def _escaped(words_: str, *, first: bool) -> str:
    """Words that Markdown reads as words, whatever characters they hold."""
    out = MARKDOWN_SPECIALS.sub(r"\\\1", words_.replace("&", "&amp;").replace("<", "&lt;"))
    return re.sub(r"^(\d+)\.(\s)|^([-+])(\s)", lambda m: f"{m[1]}\\.{m[2]}" if m[1] else f"\\{m[3]}{m[4]}", out) if first else out


# --- versions of the English page ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How one segment of the current English page relates to the English version a
    translation follows: `same`, `changed` (then `before` is the old segment) or `new`."""

    segment: Segment
    state: str
    before: Segment | None = None


def changes(old: list[Segment], new: list[Segment]) -> tuple[list[Change], list[Segment]]:
    """Align two versions' segments by their words (ids move when a block is inserted): the
    current segments with what each was before, and the old segments that are gone."""
    matcher = difflib.SequenceMatcher(None, [s.plain for s in old], [s.plain for s in new], autojunk=False)
    result: list[Change] = []
    removed: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result.extend(Change(new[j], "same", old[i]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        result.extend(Change(new[j1 + k], "changed", old[i1 + k]) for k in range(paired))
        result.extend(Change(new[j], "new") for j in range(j1 + paired, j2))
        removed.extend(old[i1 + paired : i2])
    return result, removed
