"""The whole guide as handouts: one PDF per published language, and for each other
language a bilingual one (the language and English, section by section, side by side).

Made from the built site itself, never from a second copy of the content: each page's
`<article>` as the build wrote it (translation notice and review status, content, review
dates; an English fallback keeps its `lang="en"` wrapper and its notice), the site's
own stylesheets (mkdocs.yml's extra_css: `assets/site.css`, with its print rules) and
`assets/handout.css`: the typography of the pages' content and what only a PDF has
(cover, contents, page numbers, pairs). Not Material's main.css: its rules are for the
site's screen, and cascading them cost WeasyPrint more than laying out the text. The
document is laid out by a template (`overrides/handouts/guide.html`) and printed by
WeasyPrint (pure Python over Pango and HarfBuzz: Arabic shaped and right to left,
fonts embedded as subsets, a tagged PDF/UA-1 file with the document's language). A
build makes its handouts in worker processes while it goes on (`Maker`).

WeasyPrint fetches only from the built site: every URL under `site_url` is read from the
site's folder, `data:` URLs are decoded, anything else is refused and reported. A PDF is
rendered again only when its input changed: the key is a hash of the document's HTML and
the engine's settings, and each cached PDF remembers the hash of every file it read.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import ctypes
import datetime as dt
import hashlib
import json
import mimetypes
import multiprocessing
import os
import posixpath
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import segno
from bs4 import BeautifulSoup, Tag
from markupsafe import Markup

from sitekit import disk, model, project

STEM = "pain-pump-guide"  # es/pain-pump-guide-es.pdf, es/pain-pump-guide-es-en.pdf
TEMPLATE = "handouts/guide.html"  # in overrides/
STYLESHEET = "assets/handout.css"  # in docs/: the PDF's own rules, after the site's
MAX_BYTES = 2 * 1024 * 1024
# What the built <article> holds that a handout leaves out: the share panel (address, QR
# code, buttons: the cover has the guide's), the handout links themselves, the ¶ links,
# the "Call the clinic" line (every sheet's running head has it), a long page's own
# contents for phones (the handout's contents list every page with its sheet), and each
# page's "About this translation" (the guide has one, after its pages: `about`).
LEFT_OUT = ".pp-share, .pp-handout, .headerlink, .pp-top, nav.pp-contents, .pp-about"
ABOUT_ANCHOR = "pp-guide-about"  # the guide's "About this translation": each page's notice links to it
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# PDF/UA-1: tagged, with the document's language and title (WeasyPrint's `pdf_variant`).
ENGINE_OPTIONS = {"pdf_variant": "pdf/ua-1"}
SIZE_TOKEN = "PP-HANDOUT-SIZE:"  # in the built pages until the sizes are known
# Under `mkdocs serve`, the handouts to make when first asked for (site path -> document,
# site, site_url, target). Here, not in the build's step: serve loads the build afresh for every
# rebuild, while the server it wrapped stays.
ON_REQUEST: dict[str, tuple[Any, Path, str, Path]] = {}
ON_REQUEST_LOCK = threading.Lock()


class HandoutError(Exception):
    """A handout cannot be made: the message says what and how to fix it."""


@dataclass(frozen=True)
class Handout:
    """One PDF: a language's whole guide, or (with `partner`, English) the bilingual one."""

    language: model.Language
    partner: model.Language | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.language.code,) if self.partner is None else (self.language.code, self.partner.code)

    def path(self, catalogue: model.Catalogue) -> str:
        """Where it is in the site: 'pain-pump-guide-en.pdf', 'es/pain-pump-guide-es-en.pdf'."""
        return f"{catalogue.language_url(self.language.code)}{STEM}-{'-'.join(self.codes)}.pdf"

    def token(self, catalogue: model.Catalogue) -> str:
        """What the built pages say in place of its size until it is known."""
        return f"{SIZE_TOKEN}{self.path(catalogue)}"


def handouts(catalogue: model.Catalogue) -> list[Handout]:
    """Every published language's guide, then a bilingual one for each but English."""
    published = [lang for lang in catalogue.languages if catalogue.published(lang.code)]
    return [Handout(lang) for lang in published] + [Handout(lang, catalogue.default) for lang in published if lang != catalogue.default]


def for_language(catalogue: model.Catalogue, code: str) -> tuple[Handout | None, Handout | None]:
    """The guide and the bilingual handout a page of language `code` links to (None: not made)."""
    found = {h.codes: h for h in handouts(catalogue)}
    return found.get((code,)), found.get((code, catalogue.default.code))


def menu_pages(catalogue: model.Catalogue) -> list[str]:
    """The pages in the menu's order (mkdocs.yml's nav); pages the nav leaves out after them."""
    order: list[str] = []

    def walk(items: Any) -> None:
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, str) and item in catalogue.pages and item not in order:
                order.append(item)
            elif isinstance(item, dict):
                walk(list(item.values()))

    walk(model.load_mkdocs_config(catalogue.root).get("nav") or [])
    rest = sorted((name for name in catalogue.pages if name not in order), key=lambda name: (name != "index.md", name))
    return order + rest


def size_label(size: int | None, strings: dict[str, str]) -> str:
    """'340 KB' in the language's words (KB: 1024 bytes); '…' while the size is not known."""
    return strings["handout_size"].format(kb=max(1, round(size / 1024)) if size is not None else "…")


# --- reading the built site --------------------------------------------------------------


@dataclass
class BuiltPage:
    """One page as the build wrote it, cleaned for a handout."""

    name: str
    lang: str  # the language folder it was built in
    url: str  # absolute
    html_lang: str  # the language of its text (English for a page shown in English)
    html_dir: str
    article: Tag
    soup: BeautifulSoup

    @property
    def title(self) -> str:
        heading = self.article.find("h1")
        return " ".join(heading.get_text().split()) if heading else self.name

    def parts(self) -> tuple[list[Tag], list[tuple[str | None, list[Tag]]], list[Tag]]:
        """(notice, sections, review dates): the article's blocks, the sections keyed by
        their heading's id (None before the first heading)."""
        notice, sections, review = [], [], []
        for node in self.article.find_all(recursive=False):
            classes: str | list[str] = node.get("class") or []
            if "pp-notice" in classes:
                notice.append(node)
            elif "pp-review-dates" in classes:
                review.append(node)
            elif node.name in HEADINGS:
                sections.append((str(node.get("id", "")).removeprefix(anchor(self.lang, self.name) + "--") or None, [node]))
            elif sections:
                sections[-1][1].append(node)
            else:
                sections.append((None, [node]))
        return notice, sections, review


def built_page(site: Path, site_url: str, catalogue: model.Catalogue, lang: str, name: str, whole: bool = False) -> BuiltPage:
    """The page as built; only its <article> unless `whole`: the parser is given the text
    from the first `<article` to the last `</article>` (the header, navigation and
    footer around it are most of a page, and parsing them was most of the time a build
    spends on the handouts it takes from the cache); the parser still finds the element."""
    url = catalogue.url(lang, name)
    path = site / url / "index.html"
    if not path.is_file():
        raise HandoutError(f"{path}: the built page is missing — build the whole site before its handouts")
    text = path.read_text(encoding="utf-8")
    start, end = text.find("<article"), text.rfind("</article>")
    if not whole and 0 <= start < end:
        text = text[start : end + len("</article>")]
    soup = BeautifulSoup(text, "html.parser")
    article = soup.select_one("article.md-content__inner")
    if article is None:
        raise HandoutError(f'{path}: no <article class="md-content__inner"> — the theme\'s page markup changed; update sitekit/handout.py')
    if not whole:  # a whole page is read for what is around its article (cover, running head)
        for node in article.select(LEFT_OUT):
            node.decompose()
    shown = catalogue.language(catalogue.content_language(lang, name))
    return BuiltPage(name, lang, site_url + url, shown.code, shown.direction, article, soup)


# --- the document ----------------------------------------------------------------------------


@dataclass
class Document:
    """A handout's HTML, ready for the engine."""

    handout: Handout
    html: str
    pages: list[str]  # the page names, in order
    stylesheets: list[str]  # absolute URLs in the built site, in cascade order


def anchor(lang: str, name: str) -> str:
    return f"{lang}-{name[: -len('.md')].replace('/', '-')}"


def document(
    handout: Handout, site: Path, site_url: str, catalogue: model.Catalogue, template: Any, pages: list[str] | None = None
) -> Document:
    """The handout's HTML: the template filled with the built pages (all of `pages`,
    default: every page in the menu's order)."""
    pages = menu_pages(catalogue) if pages is None else pages
    lang, partner = handout.language, handout.partner
    mine = {name: built_page(site, site_url, catalogue, lang.code, name) for name in pages}
    english = {name: built_page(site, site_url, catalogue, partner.code, name) for name in pages} if partner else {}
    # A link to a page the document holds leads inside it: to English's half of a paired
    # page, and for a page shown in English (missing, a stub) to the page as shown.
    targets = {page.url: anchor(page.lang, page.name) for page in mine.values()}
    for name, page in english.items():
        paired = catalogue.state(lang.code, name) not in model.SHOWN_IN_ENGLISH
        targets[page.url] = anchor(page.lang if paired else lang.code, name)
    for page in [*mine.values(), *english.values()]:
        _localise(page, targets)
    if not pages:
        raise HandoutError("the site has no pages: nothing to make a handout of")
    home = built_page(site, site_url, catalogue, lang.code, pages[0], whole=True)  # the cover's title, logo, clinic and styles
    strings = catalogue.strings(lang.code)
    card, urgent = _clinic_and_urgent(home)
    context = {
        "doc": {
            "lang": lang.code,
            "dir": lang.direction,
            "title": _meta(home.soup, "og:site_name"),
            "english_title": _meta(built_page(site, site_url, catalogue, partner.code, pages[0], whole=True).soup, "og:site_name")
            if partner
            else "",
            "partner": {"lang": partner.code, "dir": partner.direction} if partner else None,
            "url": site_url + catalogue.language_url(lang.code),
            "logo": _logo(home),
            "clinic": card,
            "urgent": urgent,
            "clinic_name": _clinic_name(home),
            "review": review_status(catalogue, lang.code, pages),
            "call": _call(home),
            "version": guide_version(catalogue, pages),
            "date": guide_date(catalogue, lang.code, pages),
        },
        "about": about(catalogue, lang.code, pages, mine) if lang != catalogue.default else None,
        "qr": qr_svg(site_url + catalogue.language_url(lang.code), strings["handout_qr_label"]),
        "ui": strings,
        "pages": [_entry(mine[name], english.get(name), catalogue) for name in pages],
    }
    html = isolate(template.render(**context))
    return Document(handout, html, list(pages), [*_stylesheets(home, catalogue, site_url), site_url + STYLESHEET])


# Inline elements whose text runs in its own direction: a browser lays out a <bdi>, and an
# element with `dir`, as one unit (an address, a phone number, a web address in an Arabic
# line); WeasyPrint does not, and "12 Main St." printed as "Main St. 12". The same
# isolation in characters, which Pango's bidi algorithm honours: LRI, RLI or FSI before
# the element's text, PDI after it.
_ISOLATES = {"ltr": "\u2066", "rtl": "\u2067", "auto": "\u2068"}
_PDI = "\u2069"
_INLINE = (
    "a",
    "abbr",
    "b",
    "bdi",
    "cite",
    "code",
    "em",
    "i",
    "kbd",
    "mark",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "var",
)


def isolate(html: str) -> str:
    """`html` with every inline element that has a `dir` (and every <bdi>) wrapped inside
    in the Unicode isolates a browser applies to it (Unicode bidi algorithm, UAX #9, 2.4)."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(_INLINE):
        direction = str(node.get("dir", "auto" if node.name == "bdi" else "")).lower()
        if direction in _ISOLATES and node.contents:
            node.insert(0, _ISOLATES[direction])
            node.append(_PDI)
    return str(soup)


def guide_version(catalogue: model.Catalogue, pages: list[str]) -> str:
    """The guide's version, as on every handout's cover: the first 8 hex digits of a hash
    of the English pages' versions (their source_hash) in the menu's order. Every
    language's guide made from the same English text has the same version; a changed word
    in English gives a new one."""
    versions = "\n".join(f"{name} {model.english_version(name, catalogue.root)}" for name in pages)
    return hashlib.sha256(versions.encode()).hexdigest()[:8]


def guide_date(catalogue: model.Catalogue, lang: str, pages: list[str]) -> dict[str, str] | None:
    """The guide's date: the latest day the clinic reviewed the medical content of a page
    it holds (`last_reviewed` of each page as readers of `lang` get it), as an ISO date
    and in the language's words (its `date_format`); None when no page has one."""
    dates = []
    for name in pages:
        try:
            meta = model.read_page(model.page_file(catalogue.content_language(lang, name), name, catalogue.root)).meta
            dates.append(model.review_date(meta, "last_reviewed"))
        except model.PageError:
            continue  # the build reported it
    known = [date for date in dates if date is not None]
    if not known:
        return None
    latest = max(known)
    return {"iso": latest.isoformat(), "text": long_date(latest, lang, catalogue.strings(lang))}


def long_date(date: dt.date, lang: str, strings: dict[str, str]) -> str:
    """A date as the language writes it: its `date_format` (CLDR's long form or a pattern),
    as the pages write theirs (sitekit/build/page_source.py)."""
    from babel.dates import format_date

    return format_date(date, format=strings.get("date_format") or "long", locale=lang.replace("-", "_"))


def about(catalogue: model.Catalogue, lang: str, pages: list[str], built: dict[str, BuiltPage]) -> list[dict[str, Any]]:
    """The guide's one "About this translation" section (each page has its own on the
    site): per page, its title and where it starts, and what its translation is: checked by
    a qualified medical translator (on a date), not yet checked, behind a changed English
    page, or not translated and printed in English."""
    strings = catalogue.strings(lang)
    entries = []
    for name in pages:
        state, review = catalogue.state(lang, name), catalogue.review(lang, name)
        if state in model.SHOWN_IN_ENGLISH:
            kind, text = "english", Markup.escape(strings["fallback_notice"])
        elif state == model.OUTDATED:
            kind, text = "outdated", Markup.escape(strings["notice_outdated"])
        elif review.state == model.REVIEWED and review.record is not None:
            date = Markup('<time datetime="{}">{}</time>').format(
                review.record.date.isoformat(), long_date(review.record.date, lang, strings)
            )
            kind, text = "reviewed", Markup.escape(strings["translation_reviewed"]).format(date=date)
        else:
            kind, text = "unreviewed", Markup.escape(strings["notice_unreviewed"])
        page = built[name]
        entries.append(
            {
                "anchor": anchor(page.lang, name),
                "title": page.title,
                "lang": page.html_lang,
                "dir": page.html_dir,
                "state": kind,
                "text": text,
            }
        )
    return entries


def review_status(catalogue: model.Catalogue, lang: str, pages: list[str]) -> str:
    """The cover's line on the translation's check: every translated page checked by a
    qualified medical translator (a review that holds), or how many are not ('' for English)."""
    if lang == catalogue.default.code:
        return ""
    translated = [name for name in pages if catalogue.state(lang, name) not in model.SHOWN_IN_ENGLISH]
    unchecked = [name for name in translated if catalogue.review(lang, name).state != model.REVIEWED]
    strings = catalogue.strings(lang)
    if not unchecked:
        return strings["handout_checked"] if translated else ""
    return strings["handout_unchecked"].format(count=len(unchecked), total=len(translated))


def _entry(page: BuiltPage, english: BuiltPage | None, catalogue: model.Catalogue) -> dict[str, Any]:
    """A page of the document: the whole article, or (bilingual, a real translation) its
    notice, its sections paired with English's by heading id, and both review dates."""
    entry: dict[str, Any] = {
        "anchor": anchor(page.lang, page.name),
        "title": page.title,
        "lang": page.html_lang,
        "dir": page.html_dir,
        "english_title": english.title if english else "",
        "body": Markup(page.article.decode_contents()),
        "sections": None,
    }
    if english is None or catalogue.state(page.lang, page.name) in model.SHOWN_IN_ENGLISH:
        return entry
    notice, sections, review = page.parts()
    _, theirs, their_review = english.parts()
    entry["english_anchor"] = anchor(english.lang, english.name)
    entry["notice"] = _markup(notice)
    entry["sections"] = [
        {
            "mine": _markup(a) if a is not None else None,
            "english": _markup(b) if b is not None else None,
            "heading": all(node.name in HEADINGS for node in [*(a or []), *(b or [])]),  # kept with the next pair
        }
        for a, b in pair(sections, theirs)
    ]
    entry["review"], entry["english_review"] = _markup(review), _markup(their_review)
    return entry


def pair(mine: list[tuple[str | None, list[Tag]]], theirs: list[tuple[str | None, list[Tag]]]) -> Iterator[tuple[Any, Any]]:
    """The sections of a translation and of English, paired by heading id, in English's
    order; a section only one side has (English added one since an outdated translation
    was made, or removed one) stands alone, where its own side has it."""
    own = dict(mine)
    english: dict[str | None, list[Tag] | None] = dict(theirs)
    order = [key for key, _ in theirs]
    for index, (key, _) in enumerate(mine):
        if key not in english:
            before = next((mine[i][0] for i in range(index - 1, -1, -1) if mine[i][0] in order), None)
            order.insert(order.index(before) + 1 if before in order else 0, key)
            english[key] = None
    for key in order:
        yield own.get(key), english.get(key)


def _markup(nodes: list[Tag]) -> Markup:
    return Markup("".join(str(node) for node in nodes))


def _localise(page: BuiltPage, targets: dict[str, str]) -> None:
    """Ids made unique in the document (`es-trial--trial-steps`); links to a page or
    section the document holds point inside it; every other address is made absolute,
    so the PDF's links lead to the site."""
    prefix = anchor(page.lang, page.name)
    for node in page.article.find_all(id=True):
        node["id"] = f"{prefix}--{node['id']}"
    for link in page.article.find_all("a", href=True):
        target = urljoin(page.url, str(link["href"]))
        address, _, fragment = target.partition("#")
        if fragment == "pp-about-translation" and address == page.url:
            link["href"] = f"#{ABOUT_ANCHOR}"  # the page's own section is the guide's now
        elif address in targets:
            link["href"] = "#" + targets[address] + (f"--{fragment}" if fragment else "")
        else:
            link["href"] = target
    for image in page.article.find_all("img", src=True):
        image["src"] = urljoin(page.url, str(image["src"]))


def _meta(soup: BeautifulSoup | None, prop: str) -> str:
    tag = soup.find("meta", property=prop) if soup else None
    return str(tag["content"]) if tag and tag.get("content") else ""


def _stylesheets(page: BuiltPage, catalogue: model.Catalogue, site_url: str) -> list[str]:
    """The site's own stylesheets the built page loads (mkdocs.yml's extra_css), absolute
    and in their order; not the theme's (Material's main.css is for the site's screen:
    assets/handout.css has the typography a handout needs)."""
    own = {site_url + str(path).lstrip("/") for path in model.load_mkdocs_config(catalogue.root).get("extra_css") or []}
    links = [urljoin(page.url, str(link["href"])) for link in page.soup.select('head link[rel="stylesheet"][href]')]
    return [url for url in links if url.split("?")[0] in own]


def _logo(page: BuiltPage) -> str:
    image = page.soup.select_one(".md-header .md-logo img[src]")
    return urljoin(page.url, str(image["src"])) if image else ""


def _clinic(page: BuiltPage) -> Tag | None:
    """The clinic's details as the built footer shows them, in the page's language."""
    return page.soup.select_one(".md-copyright .pp-clinic")


def _clinic_and_urgent(page: BuiltPage) -> tuple[Markup, Markup]:
    """The clinic's card for the cover, and its urgent-help box (the clinic's words and its
    out-of-hours number, in one piece) apart, for the back page."""
    found = _clinic(page)
    if found is None:
        return Markup(""), Markup("")
    card = copy.copy(found)  # the built page's own card stays as it is
    urgent = card.select_one(".pp-urgent")
    box = Markup(str(urgent.extract()) if urgent else "")
    return Markup(str(card)), box


def _call(page: BuiltPage) -> Markup:
    """The clinic's name and "Call the clinic" with its number, as the top of every page
    has them (main.html's `.pp-top`): every sheet's running head."""
    top = page.soup.select_one(".pp-top")
    return Markup(top.decode_contents() if top else "")


def _clinic_name(page: BuiltPage) -> str:
    card = _clinic(page)
    name = card.select_one(".pp-clinic__name") if card else None
    return " ".join(name.get_text().split()) if name else ""


def qr_svg(url: str, label: str) -> Markup:
    """A QR code of `url` as inline SVG, as the share panel makes them (sitekit/build/share.py:
    error correction M, the standard quiet zone), named by a <title> for the PDF's tags."""
    svg = segno.make(url, error="m").svg_inline(border=4, omitsize=True, title=label)
    return Markup(svg)


# --- the engine -------------------------------------------------------------------------------


class SiteFiles:
    """The built site's files by URL: a URL under `site_url` is a file of `site`, or nothing."""

    def __init__(self, site: Path, site_url: str) -> None:
        self.site, self.site_url = site.resolve(), site_url

    def path(self, url: str) -> Path | None:
        if not url.startswith(self.site_url):
            return None
        relative = unquote(urlsplit(url).path)[len(urlsplit(self.site_url).path) :]
        path = (self.site / posixpath.normpath("/" + relative).lstrip("/")).resolve()
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() and path.is_relative_to(self.site) else None


def site_fetcher(site: Path, site_url: str) -> Any:
    """WeasyPrint's URL fetcher, restricted to the built site: a URL under `site_url` is
    read from `site`, a `data:` URL decoded; every other URL is refused (and listed in
    `refused`), so making a handout never sends a request anywhere."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    files = SiteFiles(site, site_url)

    class SiteFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"})
            self.read: dict[str, str] = {}  # URL -> sha256 of what it gave
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = files.path(url)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"{url} is not a file of the built site: a handout loads nothing from another host")
            data = path.read_bytes()
            self.read[url] = hashlib.sha256(data).hexdigest()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": kind})

    return SiteFetcher()


@dataclass
class Result:
    handout: Handout
    path: Path
    size: int
    reused: bool
    seconds: float  # CPU seconds spent rendering (0 when reused)
    problems: list[str] = field(default_factory=list)


def engine_key() -> str:
    return json.dumps({"weasyprint": version("weasyprint"), "options": ENGINE_OPTIONS, "tags": _LANG_TAGS}, sort_keys=True)


class Styles:
    """The site's stylesheets, each read and parsed once for all the handouts of a build
    (Material's alone is most of a handout's CSS work)."""

    def __init__(self, site: Path, site_url: str) -> None:
        self.site, self.site_url = site, site_url
        self.parsed: dict[str, Any] = {}
        self.read: dict[str, str] = {}  # what they read (URL -> sha256)
        self.refused: list[str] = []

    def sheets(self, urls: list[str]) -> list[Any]:
        from weasyprint import CSS

        for url in urls:
            if url not in self.parsed:
                fetcher = site_fetcher(self.site, self.site_url)
                if SiteFiles(self.site, self.site_url).path(url) is None:
                    self.refused.append(url)
                    continue
                self.parsed[url] = CSS(url=url, url_fetcher=fetcher, media_type="print")
                self.read.update(fetcher.read)
                self.refused += fetcher.refused
        return [self.parsed[url] for url in urls if url in self.parsed]


def render(doc: Document, site: Path, site_url: str, styles: Styles | None = None) -> tuple[bytes, dict[str, str], list[str]]:
    """(PDF, the files it read with their hashes, the URLs it refused). The stylesheets
    apply in the order the site's pages load them, then assets/handout.css."""
    from weasyprint import HTML

    _tag_languages()
    styles = Styles(site, site_url) if styles is None else styles
    sheets = styles.sheets(doc.stylesheets)
    fetcher = site_fetcher(site, site_url)
    laid_out = HTML(string=doc.html, base_url=site_url, url_fetcher=fetcher).render(stylesheets=sheets, **ENGINE_OPTIONS)
    if back_to_verso(len(laid_out.pages), _back_page(laid_out)):  # laid out again: the same paper
        html = doc.html.replace(f'class="{GUIDE_CLASS}', f'class="{BACK_VERSO} {GUIDE_CLASS}', 1)
        laid_out = HTML(string=html, base_url=site_url, url_fetcher=fetcher).render(stylesheets=sheets, **ENGINE_OPTIONS)
    pdf = laid_out.write_pdf(**ENGINE_OPTIONS)
    read = {**{url: digest for url, digest in styles.read.items()}, **fetcher.read}
    return pdf, read, styles.refused + fetcher.refused


# Printed double-sided, the cover is side 1, a recto (a right-hand side; in a right-to-left
# guide, bound on the right, its left-hand one), and a sheet of paper carries a recto and
# the verso behind it. The guide's back page (the patient's notes page: BACK_ANCHOR,
# after the guide's text) is its last side; it should be the back of the last sheet, a
# verso: the outside of the stapled handout, where a patient finds it without leafing.
# A handout laid out with an odd number of sides has it on a recto, its back left blank
# by the printer: it is laid out again with the back page on the next
# verso (the body class BACK_VERSO; assets/handout.css: `break-before: verso`), which
# never takes more paper (the last sheet's back was empty). Only where that helps: when
# the back page had that side to itself, the recto before it is left blank and says so
# (`handout_blank`: the one blank side a handout can have); when it shared the side with
# the guide's text, only if that text fills at least FILLED of the side (else the text
# would be left alone on a nearly blank side, and the back page stays where it is).
# Nothing else starts on a new side but the pages after the cover: the guide's pages
# follow one another, and a recto for each would add paper for nothing a reader needs.
GUIDE_CLASS = "pp-guide"  # the template's <body> class
BACK_VERSO = "pp-guide--back-verso"
BACK_ANCHOR = "pp-notes"  # the back page's id in the template
FILLED = 0.4  # of a side's body: less, and the side is nearly blank (tests/test_handouts.py)
OWN_SIDE = 0.02  # of a side's body above the back page's start: it starts the side


def back_to_verso(sides: int, back: tuple[int, float] | None) -> bool:
    """Whether to lay a handout of `sides` sides out again with its back page on a verso;
    `back`: the side the back page starts on (numbered from the cover's 1) and the share of
    that side's body above it (None: it has none)."""
    if back is None or sides % 2 == 0 or back[0] != sides:
        return False
    return back[1] < OWN_SIDE or back[1] >= FILLED


def _back_page(laid_out: Any) -> tuple[int, float] | None:
    """Where the back page starts in WeasyPrint's layout: (side, share of its body above it)."""
    for number, page in enumerate(laid_out.pages, 1):
        if BACK_ANCHOR in page.anchors:
            box = page._page_box  # the body: the page's content box (WeasyPrint has no public name for it)
            top = page.anchors[BACK_ANCHOR][1] - box.content_box_y()
            return number, max(0.0, top / box.height)
    return None


def paper(sides: int) -> int:
    """Sheets of paper a handout of `sides` takes printed double-sided."""
    return (sides + 1) // 2


def reuse(doc: Document, site: Path, site_url: str, target: Path, cache: Path | None = None) -> Result | None:
    """Write the cached PDF to `target` when nothing it was made from changed (None: none is)."""
    cached = _cached(cache_dir() if cache is None else cache, _key(doc, site_url), site, site_url)
    if cached is None:
        return None
    _publish(target, cached)
    return Result(doc.handout, target, len(cached), True, 0.0)


def build(doc: Document, site: Path, site_url: str, target: Path, cache: Path | None = None, styles: Styles | None = None) -> Result:
    """Write the handout to `target`: the cached PDF when nothing it was made from
    changed, else a new one (cached for next time)."""
    cache = cache_dir() if cache is None else cache
    reused = reuse(doc, site, site_url, target, cache)
    if reused is not None:
        return reused
    start = time.process_time()
    pdf, read, refused = render(doc, site, site_url, styles)
    seconds = time.process_time() - start
    _publish(target, pdf)
    problems = [f"{target.name}: {url} is not a file of the built site — a handout may only use the site's own files" for url in refused]
    if not refused:
        _store(cache, _key(doc, site_url), pdf, read)
    return Result(doc.handout, target, len(pdf), False, seconds, problems)


PARTIAL = ".partial"  # a handout being written: `.<name>.pdf.<pid>.partial`, beside it


def _publish(target: Path, data: bytes) -> None:
    """Write the PDF under a temporary name, then rename it into the site only while the
    build that asked for it is alive (a worker of a killed build never adds a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL}")
    partial.write_bytes(data)
    if _build_alive():
        partial.replace(target)
    else:
        partial.unlink(missing_ok=True)


def _build_alive() -> bool:
    """In a worker: whether the build that forked it is still its parent; elsewhere True."""
    parent = _WORKER.get("parent")
    return parent is None or os.getppid() == parent


def _worker_start(parent: int) -> None:
    """A worker dies with the build: the kernel kills it when its parent ends, however the
    parent ends (Linux's PR_SET_PDEATHSIG), and it leaves SIGTERM to its default."""
    _WORKER["parent"] = parent
    _LIVE.clear()  # the build's makers, inherited: a worker never ends the others
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides; Ctrl-C reaches the whole process group
    with contextlib.suppress(OSError, AttributeError):  # not Linux: _build_alive() still keeps its PDF out of the site
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:
        os._exit(0)  # the build ended before this worker could ask to die with it


# --- a build's handouts, made in worker processes while the build goes on ------------------


@dataclass
class Job:
    """What a build's handouts are made from."""

    catalogue: model.Catalogue
    site: Path
    site_url: str
    template: Any  # overrides/handouts/guide.html, from the theme's environment
    cache: Path | None = None  # default: cache_dir()


@dataclass
class Outcome:
    """A handout made (or taken from the cache), or why it could not be."""

    handout: Handout
    path: str  # in the site
    result: Result | None
    errors: list[str]


def make(job: Job, made: Handout, styles: Styles | None = None) -> Outcome:
    """The handout written into the built site: from the cache when nothing it is made
    from changed, else printed (and cached); a problem is an error for the build."""
    path = made.path(job.catalogue)
    try:
        doc = document(made, job.site, job.site_url, job.catalogue, job.template)
    except HandoutError as err:
        return Outcome(made, path, None, [str(err)])
    try:
        result = build(doc, job.site, job.site_url, job.site / path, job.cache, styles)
    except OSError as err:  # the PDF could not be written: the disk's fault, not the page's
        if not disk.is_disk_problem(err):
            raise
        return Outcome(made, path, None, [disk.write_problem(err)])
    return Outcome(made, path, result, result.problems + size_problems(result))


# A worker's job and stylesheets: the job is the build's, inherited when the worker forks.
_WORKER: dict[str, Any] = {}


def _work(made: Handout) -> Outcome:
    job: Job = _WORKER["job"]
    if "styles" not in _WORKER:
        _WORKER["styles"] = Styles(job.site, job.site_url)  # parsed once per worker
    return make(job, made, _WORKER["styles"])


PROCESSES_VARIABLE = "HANDOUT_PROCESSES"


def processes() -> int:
    """How many worker processes make a build's handouts: HANDOUT_PROCESSES if set (0:
    none, the build's own process makes them at its end), else as many as this process
    may use CPUs (2 on the team's machines)."""
    wanted = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if wanted.isdigit():
        return int(wanted)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class Maker:
    """Makes a build's handouts in worker processes, each as soon as the languages it is
    made from are written, while the build goes on with the next language (printing a
    handout costs WeasyPrint several times what building its pages costs, and the build
    itself uses one CPU). The workers are forked when the first handout is submitted:
    they inherit the job (catalogue, template, site: a template cannot be pickled) and
    the modules loaded so far; nothing else in a build runs threads, so fork is safe.
    With 0 processes, `outcomes()` makes every handout in this process."""

    def __init__(self, job: Job, workers: int | None = None) -> None:
        self.job = job
        self.workers = processes() if workers is None else workers
        self.submitted: list[Handout] = []
        self.futures: dict[Handout, Future[Outcome]] = {}
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, made: Handout) -> None:
        if made in self.submitted:
            return
        self.submitted.append(made)
        if self.workers == 0:
            return
        if self.pool is None:
            _WORKER.clear()
            _WORKER["job"] = self.job
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start, initargs=(os.getpid(),)
            )
            _LIVE.add(self)
            _on_termination()
        self.futures[made] = self.pool.submit(_work, made)

    def outcomes(self) -> list[Outcome]:
        """Every submitted handout's outcome, in the order they were submitted."""
        try:
            if self.workers == 0:
                styles = Styles(self.job.site, self.job.site_url)
                return [make(self.job, made, styles) for made in self.submitted]
            return [self.futures[made].result() for made in self.submitted]
        finally:
            self.close()

    def close(self, *, kill: bool = False) -> None:
        """End the workers: once their handouts are made, or at once (kill: the build failed
        or is being killed), leaving no PDF and no temporary file behind."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        _LIVE.discard(self)
        if kill:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
        if kill:
            for partial in self.job.site.rglob(f"*{PARTIAL}"):
                partial.unlink(missing_ok=True)


_LIVE: set[Maker] = set()  # the makers whose workers are running
_HANDLED: dict[int, Any] = {}  # signal -> the handler it had before


def _end_workers() -> None:
    for maker in list(_LIVE):
        maker.close(kill=True)


def _terminated(signum: int, frame: Any) -> None:
    """SIGTERM or SIGHUP to the build: its workers end with it, then it ends as it would have."""
    _end_workers()
    previous = _HANDLED.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _on_termination() -> None:
    """Install, once, the handlers that end the workers with the build (the main thread only can)."""
    if _HANDLED or threading.current_thread() is not threading.main_thread():
        return
    atexit.register(_end_workers)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        _HANDLED[signum] = signal.getsignal(signum)
        signal.signal(signum, _terminated)


def _key(doc: Document, site_url: str) -> str:
    return hashlib.sha256(f"{engine_key()}\n{site_url}\n{doc.html}".encode()).hexdigest()


def size_problems(result: Result) -> list[str]:
    if result.size > MAX_BYTES:
        return [
            f"{result.path.name} is {result.size / 1024 / 1024:.1f} MiB, over the {MAX_BYTES // 1024 // 1024} MiB a handout may be "
            "— look for a large image or font in the pages"
        ]
    return []


def cache_dir() -> Path:
    return project.cache_dir("handouts")


def _cached(cache: Path, key: str, site: Path, site_url: str) -> bytes | None:
    try:
        read = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
        pdf = (cache / f"{key}.pdf").read_bytes()
    except (OSError, ValueError):
        return None
    files = SiteFiles(site, site_url)
    for url, digest in read.items():
        path = files.path(url)
        if path is None or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return None
    os.utime(cache / f"{key}.pdf")
    return pdf


def _store(cache: Path, key: str, pdf: bytes, read: dict[str, str]) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".pdf", pdf), (".json", json.dumps(read, sort_keys=True).encode())):
            partial = cache / f"{key}{suffix}.{os.getpid()}.tmp"
            partial.write_bytes(data)
            partial.replace(cache / f"{key}{suffix}")  # atomic: parallel builds never read half a file
        _prune(cache)
    except OSError:
        pass  # no writable cache: render every time


def _prune(cache: Path, keep: int = 60) -> None:
    """Keep the most recently used handouts (a handful of builds' worth)."""
    pdfs = sorted(cache.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in pdfs[keep:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".json").unlink(missing_ok=True)


# --- the language of each part, in the PDF's tags ----------------------------------------------

# WeasyPrint 70 tags the structure (headings, paragraphs, lists, figures) and gives the
# document its language, but not the language of a part in another one (an English
# fallback page, the English half of a bilingual handout). This sets /Lang on the
# structure element of every element with a `lang` attribute, as PDF/UA asks
# (ISO 14289-1, 7.2: changes of natural language are declared).
_LANG_TAGS = "lang-v1"


def _tag_languages() -> None:
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "_pp_languages", False):
        return

    def with_language(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        import pydyf

        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) not in ("html", "body") else None
        for child in original(box, parent, *args):
            if lang and "Lang" not in child and child.get("P") == parent.reference:
                child["Lang"] = pydyf.String(lang)
            yield child

    with_language._pp_languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = with_language
