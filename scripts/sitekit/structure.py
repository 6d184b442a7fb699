"""What a page holds, as readers get it: the page's Markdown rendered by the build's own
Python-Markdown, with the extensions and settings of mkdocs.yml (read by MkDocs's own
config loader), then read back from the HTML it produces.

Every link is an `<a href>` there, whatever syntax made it (inline, reference,
autolink, raw HTML), every heading an `<h1>`–`<h6>` with its id (ATX or setext), every
list item an `<li>`. The publishing gate (sitekit/gate.py) compares these, never the
Markdown's lines. Python-Markdown keeps no line numbers: each block and item is found
again in the source, in order, for the `file:line` of a message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from bs4 import BeautifulSoup, NavigableString, Tag
from markdown.extensions.toc import slugify
from selectolax.lexbor import LexborHTMLParser

from sitekit import sanitizer

# mkdocs.yml gives the toc extension this slugify: an id the author did not write is marked,
# so "every heading has an explicit {#id}" is read from the tree, not guessed from the text.
GENERATED_ID_PREFIX = "no-id-"
MARKER = re.compile(r"\{\{\s*([A-Za-z_][\w]*)\s*\}\}")  # {{ clinic_details }}: filled in by a build step (sitekit/build/clinic.py)
NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")  # any script's decimal digits: 24, ٢٤, ２４
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The smallest pieces a reader reads on their own: a paragraph, a list item's own text, a
# table cell, a heading, a box's title. The gate compares their numbers, in order.
SEGMENT_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "pre", *HEADINGS})
READ_ATTRIBUTES = ("title", "alt")  # attributes readers get as text (a tooltip, an image's description)


def generated_id(value: str, separator: str) -> str:
    """toc's slug, marked as made up (mkdocs.yml: markdown_extensions: toc: slugify)."""
    return GENERATED_ID_PREFIX + slugify(value, separator)


@dataclass(frozen=True)
class Item:
    """A link target, image, figure or marker, with the source line it is written on and
    the index of its block in `Structure.blocks` (-1: not in a block)."""

    value: str
    line: int
    block: int = -1


@dataclass(frozen=True)
class Heading:
    level: int
    id: str | None  # None: the author wrote no {#id}
    text: str
    line: int


@dataclass(frozen=True)
class Segment:
    """What a reader reads as one piece (a paragraph, a list item, a table cell…): its text,
    then the text of its attributes (a link's or abbreviation's title, an image's alt)."""

    text: str
    attributes: tuple[str, ...]
    tooltips: tuple[str, ...]  # title= tooltips (abbreviations included) that readers get on hover
    line: int

    @property
    def read(self) -> str:
        return "\n".join((self.text, *self.attributes))


@dataclass(frozen=True)
class Block:
    """A top-level block: heading, paragraph, list, table, admonition, quote, code, rule or html.

    `shape` is what must match between a translation and its English page: a list's
    items and nesting, a table's rows and cells, an admonition's kind and blocks."""

    kind: str
    shape: str
    text: str
    line: int
    section: str | None  # id of the heading the block is under
    tag: str = ""
    segments: tuple[Segment, ...] = ()


@dataclass
class Structure:
    html: str  # as the Markdown renders it
    published: str = ""  # as readers get it: the sanitizer's output (sitekit/sanitizer.py), which every rule reads
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Item] = field(default_factory=list)
    images: list[Item] = field(default_factory=list)
    markers: list[Item] = field(default_factory=list)
    raw_tags: list[StartTag] = field(default_factory=list)  # start tags written as raw HTML, with their source lines

    @property
    def ids(self) -> set[str]:
        return {heading.id for heading in self.headings if heading.id}

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


class ConfigError(ValueError):
    """mkdocs.yml does not load: nothing can be checked (the build stops on it too)."""


_PROJECT_RENDERERS: dict[tuple[Path, bytes], Renderer] = {}


class Renderer:
    """The build's Markdown: one Python-Markdown instance with the site's extensions."""

    READ_LIMIT = 2048  # pages' readings kept (a whole site's, several times over)

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self._md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
        self._read: dict[tuple[str, int], Structure] = {}

    @classmethod
    def use_for_project(cls, root: Path, renderer: Renderer) -> None:
        """`renderer` (a build's, from its loaded config) is the project's until mkdocs.yml
        changes: every reading of a page in this process (the gate's, its segments, its
        version) is one rendering."""
        _PROJECT_RENDERERS[(root.resolve(), (root / "mkdocs.yml").read_bytes())] = renderer

    @classmethod
    def for_project(cls, root: Path) -> Renderer:
        """mkdocs.yml's markdown_extensions as MkDocs itself reads them (with its built-in ones);
        read again only when mkdocs.yml changes (every catalogue a process loads is judged with one)."""
        from sitekit.build.config import ConfigUnreadable, markdown_settings  # the build's reading of mkdocs.yml

        key = (root.resolve(), (root / "mkdocs.yml").read_bytes())
        if key not in _PROJECT_RENDERERS:
            try:
                extensions, configs = markdown_settings(root)
            except ConfigUnreadable as err:
                raise ConfigError(str(err)) from None
            _PROJECT_RENDERERS[key] = cls(extensions, configs)
        return _PROJECT_RENDERERS[key]

    def render(self, body: str) -> tuple[str, list[str]]:
        """(HTML, raw HTML fragments as written) of a page body."""
        self._md.reset()
        html = self._md.convert(body)
        raw = [str(fragment) for fragment in self._md.htmlStash.rawHtmlBlocks]
        self._md.reset()
        return html, raw

    def read(self, body: str, first_line: int = 1) -> Structure:
        """The page body's structure, rendered once for as long as the same text is asked for
        (the result is shared: callers never change it)."""
        key = (body, first_line)
        if key not in self._read:
            if len(self._read) >= self.READ_LIMIT:
                self._read.pop(next(iter(self._read)))
            html, raw = self.render(body)
            self._read[key] = _Reader(html, sanitizer.sanitize(html), raw, Locator(body, first_line)).structure
        return self._read[key]


def publication_difference(read: str, published: str, abbreviations: Mapping[str, str]) -> str | None:
    """Where the body MkDocs publishes differs from the body the publishing gate read (both the
    sanitizer's output of one Markdown with one configuration), or None. They may differ only
    where the build adds to the gate's reading: the addresses MkDocs resolves (a relative link
    or image, `trial.md#risks` made `../trial/#risks`) and the glossary's `abbreviations`
    (`<abbr title>`, added by sitekit/build/l10n.py). Anything else (text, markup, another
    address) is a body the gate did not read."""
    if read == published:
        return None
    mine, theirs = LexborHTMLParser(read), LexborHTMLParser(published)
    for node in theirs.css("abbr"):
        if abbreviations.get(node.text()) == node.attributes.get("title"):
            node.unwrap()
    for tag, attribute in (("a", "href"), ("img", "src")):
        own, resolved = mine.css(f"{tag}[{attribute}]"), theirs.css(f"{tag}[{attribute}]")
        if len(own) != len(resolved):
            continue  # told below, as a difference of the markup
        for before, after in zip(own, resolved, strict=True):
            address = before.attributes.get(attribute) or ""
            if not urlsplit(address).scheme and not address.startswith(("/", "#")):
                after.attrs[attribute] = address
    mine_html, theirs_html = (tree.body.html or "" if tree.body else "" for tree in (mine, theirs))
    if mine_html == theirs_html:
        return None
    at = next((i for i, (a, b) in enumerate(zip(mine_html, theirs_html, strict=False)) if a != b), min(len(mine_html), len(theirs_html)))
    start = max(at - 30, 0)
    return f"it publishes '…{theirs_html[start : at + 30]}…' where the gate read '…{mine_html[start : at + 30]}…'"


class Locator:
    """Finds, in document order, the source line a block or an item is written on."""

    def __init__(self, body: str, first_line: int) -> None:
        self.lines = body.split("\n")
        self.first_line = first_line
        self._next = 0  # blocks come in order: each is searched for after the one before

    def block(self, *needles: str) -> int:
        for needle in needles:
            index = self._find(needle, self._next)
            if index is not None:
                self._next = index + 1
                return self.first_line + index
        return self.first_line + min(self._next, max(len(self.lines) - 1, 0))

    def item(self, value: str, near: int) -> int:
        """The line of `value` from the block at `near` on; anywhere (a reference definition); else `near`."""
        start = near - self.first_line
        for begin in (start, 0):
            index = self._find(value, begin)
            if index is not None:
                return self.first_line + index
        return near

    def _find(self, needle: str, start: int) -> int | None:
        needle = needle.strip()
        if not needle:
            return None
        return next((i for i in range(max(start, 0), len(self.lines)) if needle in self.lines[i]), None)


class _Reader:
    def __init__(self, html: str, published: str, raw: list[str], locator: Locator) -> None:
        self.locator = locator
        self.structure = Structure(html=html, published=published)
        self.section: str | None = None
        soup = BeautifulSoup(published, "html.parser")  # html5ever's serialisation: read alike by any parser
        for node in soup.children:
            if isinstance(node, Tag):
                self._block(node)
        for fragment in raw:
            first = self.locator.item(fragment.split("\n", 1)[0], self.locator.first_line)
            self.structure.raw_tags.extend(tag.located(first) for tag in start_tags(fragment))

    def _block(self, node: Tag) -> None:
        text = _text(node)
        if node.name in HEADINGS:
            id_ = node.get("id")
            explicit = None if not id_ or str(id_).startswith(GENERATED_ID_PREFIX) else str(id_)
            line = self.locator.block(f"{{#{explicit}", *_needles(text)) if explicit else self.locator.block(*_needles(text))
            self.structure.headings.append(Heading(int(node.name[1]), explicit, text, line))
            self.section = explicit
            kind, shape = "heading", node.name
        else:
            line = self.locator.block(*_needles(text), *_first_tag_needles(node))
            kind, shape = _kind_and_shape(node)
        segments = tuple(self._segments(node, line))
        self.structure.blocks.append(Block(kind, shape, text, line, self.section, node.name, segments))
        self._items(node, line, len(self.structure.blocks) - 1)

    def _segments(self, node: Tag, line: int) -> Iterator[Segment]:
        """The block's segments in reading order (those with nothing to read left out: a loose
        list item's text is in its paragraphs), each at the first line after the one before
        that holds its first words."""
        for part in [node, *node.find_all(SEGMENT_TAGS)] if node.name in SEGMENT_TAGS else node.find_all(SEGMENT_TAGS):
            own = [str(s) for s in _visible_nodes(part) if _segment_of(s) is part]
            text = " ".join("".join(own).split())
            elements = [part, *(t for t in part.find_all(True) if _segment_of(t) is part and not _is_headerlink(t))]
            attributes = tuple(str(t[a]) for t in elements for a in READ_ATTRIBUTES if t.get(a))
            tooltips = tuple(str(t["title"]) for t in elements if t.get("title"))
            if not text and not attributes:
                continue
            line = next((self.locator.item(n, line) for n in _needles(text) if self.locator.item(n, line) != line), line)
            yield Segment(text, attributes, tooltips, line)

    def _items(self, node: Tag, line: int, block: int) -> None:
        structure, locate = self.structure, self.locator.item
        for link in node.find_all("a", href=True):
            if "headerlink" not in (link.get("class") or []):
                target = str(link["href"]).strip()
                structure.links.append(Item(target, locate(target, line), block))
        for image in node.find_all("img"):
            source = str(image.get("src", "")).strip()
            structure.images.append(Item(source, locate(source, line) if source else line, block))
        for string in _visible_strings(node):
            for match in MARKER.finditer(string):
                structure.markers.append(Item(match.group(1), locate(match.group(), line), block))


def western(figure: str) -> str:
    """A figure in Western digits with '.' between its groups: '٢٤' -> '24', '1,5' -> '1.5'."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else "." for ch in figure)


def _segment_of(node: Any) -> Tag | None:
    """The innermost segment element a string or tag is inside (itself, for a tag that is one)."""
    if isinstance(node, Tag) and node.name in SEGMENT_TAGS:
        return node
    return next((parent for parent in node.parents if parent.name in SEGMENT_TAGS), None)


def _kind_and_shape(node: Tag) -> tuple[str, str]:
    classes: str | list[str] = node.get("class") or []
    if node.name in ("ul", "ol"):
        return "list", _list_shape(node)
    if node.name == "table":
        rows = [len(row.find_all(["td", "th"], recursive=False)) for row in node.find_all("tr")]
        return "table", f"table of {len(rows)} rows ({', '.join(map(str, rows))} cells)"
    if node.name == "div" and "admonition" in classes:
        kind = next((c for c in classes if c != "admonition"), "note")
        children = [child for child in node.children if isinstance(child, Tag)]
        titled = any("admonition-title" in (child.get("class") or []) for child in children)
        inner = [_kind_and_shape(child)[1] for child in children if "admonition-title" not in (child.get("class") or [])]
        return "admonition", f"{kind} box{' with a title' if titled else ''} ({'; '.join(inner)})"
    if node.name == "blockquote":
        inner = [_kind_and_shape(child)[1] for child in node.children if isinstance(child, Tag)]
        return "quote", f"quotation ({'; '.join(inner)})"
    named = {"p": ("paragraph", "paragraph"), "pre": ("code", "code block"), "hr": ("rule", "line"), "dl": ("list", "definition list")}
    if node.name in named:
        if node.name == "p" and MARKER.fullmatch(_text(node)):
            return "marker", f"{_text(node)} alone on its line"
        return named[node.name]
    return "html", f"<{node.name}> block"


def _list_shape(node: Tag) -> str:
    items = []
    for item in node.find_all("li", recursive=False):
        nested = [_list_shape(child) for child in item.find_all(["ul", "ol"], recursive=False)]
        nested += [_list_shape(child) for p in item.find_all("p", recursive=False) for child in p.find_all(["ul", "ol"], recursive=False)]
        items.append("item" + (f" with {' and '.join(nested)}" if nested else ""))
    kind = "numbered list" if node.name == "ol" else "list"
    start = str(node.get("start") or "1").strip()
    if node.name == "ol" and start != "1":
        kind += f" starting at {start}"
    if all(item == "item" for item in items):
        return f"{kind} of {len(items)} items"
    return f"{kind} of {len(items)} items ({'; '.join(items)})"


def _visible_strings(node: Tag) -> Iterator[str]:
    return (str(string) for string in _visible_nodes(node))


def _visible_nodes(node: Tag) -> Iterator[NavigableString]:
    for string in node.find_all(string=True):
        if type(string) is NavigableString and not _in_headerlink(string):  # comments are not read
            yield string


def _in_headerlink(string: NavigableString) -> bool:
    return any(_is_headerlink(parent) for parent in string.parents)


def _is_headerlink(node: Tag) -> bool:
    """The ¶ link toc puts after a heading: the site's, not the page's text."""
    return node.name == "a" and "headerlink" in (node.get("class") or [])


def _text(node: Tag) -> str:
    return " ".join("".join(_visible_strings(node)).split())


def _needles(text: str) -> list[str]:
    """Pieces of a block's text that its Markdown source contains verbatim (markup aside)."""
    words = text.split()
    return [" ".join(words[:3]), " ".join(words[:2]), max(words, key=len, default="")] if words else []


def _first_tag_needles(node: Tag) -> list[str]:
    return [f"<{node.name}"] if node.name not in ("p", "ul", "ol") else []


@dataclass(frozen=True)
class StartTag:
    """A start tag as written: its name, attributes (entities decoded) and where each is."""

    name: str
    attrs: dict[str, str]
    line: int  # of the tag's '<', counted from 1 in the text it was read from
    attr_lines: dict[str, int]  # of each attribute, likewise

    def located(self, first_line: int) -> StartTag:
        """The same tag, its lines counted in a file where the text starts at `first_line`."""
        shift = first_line - 1
        return StartTag(self.name, self.attrs, self.line + shift, {name: line + shift for name, line in self.attr_lines.items()})


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[StartTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        written = self.get_starttag_text() or ""
        attr_lines = {}
        for name, _ in attrs:
            match = re.search(rf"\s{re.escape(name)}(?=[\s=/>])", written, re.I)
            attr_lines[name] = line + (written[: match.start()].count("\n") if match else 0)
        self.tags.append(StartTag(tag, {name: value or "" for name, value in attrs}, line, attr_lines))

    handle_startendtag = handle_starttag


def start_tags(html: str) -> list[StartTag]:
    """Every start tag of an HTML text, in order."""
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.tags
