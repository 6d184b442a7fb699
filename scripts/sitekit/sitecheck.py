"""Checks on the built site (the HTML in site/), as a reader's browser meets it.

Each check returns a list of problems, one readable line each; an empty list is a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

SKIPPED_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:")


@dataclass
class HtmlPage:
    site: Path
    path: Path

    @cached_property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.path.read_text(encoding="utf-8"), "html.parser")

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.site).as_posix()

    @cached_property
    def ids(self) -> set[str]:
        return {str(tag["id"]) for tag in self.soup.find_all(id=True)} | {
            str(tag["name"]) for tag in self.soup.find_all("a", attrs={"name": True})
        }

    @property
    def is_content_page(self) -> bool:
        """A page of the guide, not the 404 page or a redirect stub."""
        if self.path.name == "404.html":
            return False
        return self.soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)}) is None

    def article_text(self) -> str:
        article = self.soup.find("article")
        return _normalise(article.get_text() if article else "")


def html_pages(site: Path) -> Iterator[HtmlPage]:
    for path in sorted(site.rglob("*.html")):
        yield HtmlPage(site, path)


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u00b6", " ")
    return re.sub(r"\s+", " ", text).strip()


def _resolve(page: HtmlPage, href: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link points at; None for links that leave the site."""
    if href.startswith(SKIPPED_SCHEMES) or href.startswith("//"):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.startswith("/"):
        target = page.site / unquote(parts.path).lstrip("/")
    elif parts.path:
        target = page.path.parent / unquote(parts.path)
    else:
        target = page.path
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target.resolve(), unquote(parts.fragment)


def broken_links(site: Path) -> list[str]:
    """Every internal link and #anchor in the built HTML resolves to a file and an id."""
    site = site.resolve()
    pages = {page.path.resolve(): page for page in html_pages(site)}
    problems = []
    for page in pages.values():
        for tag in page.soup.find_all(["a", "link", "img", "script"]):
            attr = "src" if tag.name in ("img", "script") else "href"
            href = tag.get(attr)
            if not href or (tag.name == "link" and "alternate" in (tag.get("rel") or []) and href.endswith(".xml")):
                continue
            resolved = _resolve(page, str(href))
            if resolved is None:
                continue
            target, fragment = resolved
            if not target.exists():
                problems.append(f"{page.rel}: link to '{href}' points at a missing file")
            elif fragment and target.suffix == ".html":
                target_page = pages.get(target)
                if target_page is not None and fragment not in target_page.ids:
                    problems.append(f"{page.rel}: link to '{href}' points at a missing anchor '#{fragment}'")
    return problems


def metadata_problems(site: Path) -> list[str]:
    """Every content page has a <title>, a meta description, a lang attribute and review dates."""
    problems = []
    for page in html_pages(site):
        if not page.is_content_page:
            continue
        soup = page.soup
        title = soup.find("title")
        if title is None or not title.get_text(strip=True):
            problems.append(f"{page.rel}: no <title>")
        description = soup.find("meta", attrs={"name": "description"})
        if description is None or not str(description.get("content", "")).strip():
            problems.append(f"{page.rel}: no meta description")
        html = soup.find("html")
        if html is None or not html.get("lang"):
            problems.append(f"{page.rel}: <html> has no lang attribute")
        dates = soup.select(".pp-review-dates time[datetime]")
        if len(dates) != 2:
            problems.append(f"{page.rel}: no review dates (last reviewed, next review due)")
    return problems


def missing_sentences(sentences: list[str], site: Path) -> list[str]:
    """The sentences that appear on no content page of the site (whitespace and quotes folded)."""
    text = " ".join(page.article_text() for page in html_pages(site) if page.is_content_page)
    return [sentence for sentence in sentences if _normalise(sentence) not in text]


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text; list bullets and step numbers are dropped."""
    sentences = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[•\-*]|\d+\.)\s*", "", line).strip()
        sentences.extend(part.strip() for part in re.split(r"(?<=[.!?])\s+", line) if part.strip())
    return sentences


def external_requests(site: Path) -> list[str]:
    """Anything a page would load from another host (fonts, scripts, images, frames)."""
    problems = []
    for page in html_pages(site):
        for tag in page.soup.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
            if tag.name == "link" and not {"stylesheet", "preconnect", "preload", "icon", "prefetch"} & set(tag.get("rel") or []):
                continue
            url = str(tag.get("href") or tag.get("src") or "")
            if url.startswith(("http:", "https:", "//")):
                problems.append(f"{page.rel}: <{tag.name}> loads {url}")
    return problems
