"""What a page's Markdown body holds, line by line: headings and their ids, list items,
links and numbers. Translations are compared with their English page through these."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
HEADING_ID = re.compile(r"\{\s*#([A-Za-z][\w-]*)[^}]*\}\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str
    id: str | None


@dataclass(frozen=True)
class Link:
    line: int
    target: str

    @property
    def page(self) -> str:
        return self.target.split("#", 1)[0]

    @property
    def anchor(self) -> str:
        return self.target.split("#", 1)[1] if "#" in self.target else ""


def _lines(body: str, first_line: int):
    """(line number, text) of the body's lines outside fenced code blocks."""
    fenced = False
    for offset, text in enumerate(body.split("\n")):
        if FENCE.match(text):
            fenced = not fenced
            continue
        if not fenced:
            yield first_line + offset, text


def headings(body: str, first_line: int = 1) -> list[Heading]:
    found = []
    for number, text in _lines(body, first_line):
        match = HEADING.match(text)
        if match:
            id_match = HEADING_ID.search(match.group(2))
            title = HEADING_ID.sub("", match.group(2)).strip()
            found.append(Heading(number, len(match.group(1)), title, id_match.group(1) if id_match else None))
    return found


def list_items(body: str, first_line: int = 1) -> list[int]:
    """Line numbers of the body's list items."""
    return [number for number, text in _lines(body, first_line) if LIST_ITEM.match(text)]


def links(body: str, first_line: int = 1) -> list[Link]:
    return [Link(number, match.group(1)) for number, text in _lines(body, first_line) for match in LINK.finditer(text)]


NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s+")


def numbers(body: str, first_line: int = 1) -> list[tuple[int, str]]:
    """The figures a reader sees (durations, counts, sizes), with their line numbers.

    Heading ids, link targets and ordered-list markers are left out: they are not text.
    """
    found = []
    for number, text in _lines(body, first_line):
        text = HEADING_ID.sub("", _LIST_MARKER.sub("", text)).translate(_EASTERN_DIGITS)
        text = LINK.sub(lambda m: m.group(0).split("](", 1)[0], text)
        found.extend((number, figure) for figure in NUMBER.findall(text))
    return found
