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

from sitekit import model, urls
from sitekit.gate import Gate

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
            if not href or (tag.name == "link" and "alternate" in (tag.get("rel") or []) and str(href).endswith(".xml")):
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


def metadata_problems(site: Path, site_url: str, catalogue: model.Catalogue) -> list[str]:
    """Every content page has a <title>, a meta description, a lang attribute, review dates,
    an absolute canonical link, absolute hreflang links for exactly the languages it is
    translated into plus x-default, and Open Graph tags (type, site name, title,
    description, url, locale and the other languages' locales)."""
    problems = []
    locales: dict[str, str] = {}

    def og_locale(code: str) -> str:
        return locales.setdefault(code, model.og_locale(code, catalogue.root))

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
        dates = soup.select(".pp-review-dates > time[datetime]")  # the translation's check (in a span) aside
        if len(dates) != 2:
            problems.append(f"{page.rel}: no review dates (last reviewed, next review due)")
        problems += [f"{page.rel}: {problem}" for problem in _head_problems(page, site_url, catalogue, og_locale)]
    return problems


def _page_of(page: HtmlPage, catalogue: model.Catalogue) -> tuple[str, str]:
    """(language, page file name) of a built page: 'es/trial/index.html' -> ('es', 'trial.md')."""
    folder = page.rel[: -len("index.html")] if page.rel.endswith("index.html") else page.rel
    return urls.page_of(folder, [lang.code for lang in catalogue.languages])


def _head_problems(page: HtmlPage, site_url: str, catalogue: model.Catalogue, og_locale) -> list[str]:
    lang, name = _page_of(page, catalogue)
    known = name in catalogue.pages

    def address(code: str) -> str:
        return site_url + catalogue.url(code, name)

    content = catalogue.content_language(lang, name)
    problems = []
    canonical_tag = page.soup.find("link", rel="canonical")
    canonical = str(canonical_tag.get("href", "")) if canonical_tag else ""
    if not canonical:
        problems.append("no canonical link")
    elif not canonical.startswith(site_url):
        problems.append(f"canonical link '{canonical}' is not absolute (it must start with {site_url})")
    elif known and canonical != address(content):
        problems.append(f"canonical link is '{canonical}', expected '{address(content)}'")

    links = {str(tag["hreflang"]): str(tag.get("href", "")) for tag in page.soup.select('link[rel="alternate"][hreflang]')}
    expected = {lang.code: address(lang.code) for lang in catalogue.readable(name)} | {"x-default": address(catalogue.default.code)}
    codes = [lang.code for lang in catalogue.languages]
    for code, href in links.items():
        if not href.startswith(site_url):
            problems.append(f"hreflang '{code}' link '{href}' is not absolute (it must start with {site_url})")
        elif known and code not in expected:
            if code in codes:
                problems.append(f"hreflang '{code}' points at a page that is not translated into {code} (its readers get the English page)")
            else:
                problems.append(f"hreflang '{code}' is not a language of the site ({', '.join(codes)})")
        elif known and href != expected[code]:
            problems.append(f"hreflang '{code}' link is '{href}', expected '{expected[code]}'")
    if "x-default" not in links:
        problems.append("no hreflang 'x-default' link (the English page, for readers of any other language)")
    absent = [code for code in expected if code not in links and code != "x-default"]
    if known and absent:
        problems.append(
            f"no hreflang link for {', '.join(absent)}, though the page is translated into {'it' if len(absent) == 1 else 'each'}"
        )

    og: dict[str, list[str]] = {}
    for tag in page.soup.find_all("meta", property=re.compile(r"^og:")):
        og.setdefault(str(tag["property"]), []).append(str(tag.get("content", "")).strip())
    for prop in ("og:type", "og:site_name", "og:title", "og:description", "og:url", "og:locale"):
        if not any(og.get(prop, [])):
            problems.append(f'no <meta property="{prop}">')
    first = {prop: values[0] for prop, values in og.items() if values and values[0]}
    if "og:type" in first and first["og:type"] != "website":
        problems.append(f"og:type is '{first['og:type']}', expected 'website'")
    if "og:url" in first:
        if not first["og:url"].startswith(site_url):
            problems.append(f"og:url '{first['og:url']}' is not absolute (it must start with {site_url})")
        elif canonical.startswith(site_url) and first["og:url"] != canonical:
            problems.append(f"og:url is '{first['og:url']}', expected the canonical address '{canonical}'")
    description = page.soup.find("meta", attrs={"name": "description"})
    if "og:description" in first and description is not None and first["og:description"] != str(description.get("content", "")).strip():
        problems.append("og:description differs from the meta description")
    if known and "og:locale" in first and first["og:locale"] != og_locale(content):
        problems.append(f"og:locale is '{first['og:locale']}', expected '{og_locale(content)}'")
    if known:
        wanted = sorted(og_locale(lang.code) for lang in catalogue.readable(name) if lang.code != content)
        found = sorted(og.get("og:locale:alternate", []))
        if found != wanted:
            problems.append(f"og:locale:alternate is [{', '.join(found)}], expected [{', '.join(wanted)}] (the page's other languages)")
    return problems


# The site's own parts inside an article (the build's steps and templates add them), not the page's text.
SITE_PARTS = ("pp-about", "pp-share", "pp-contents")


def permalink_problems(site: Path) -> list[str]:
    """Every h2–h6 heading of the article's text has an id and, beside it (not inside: a
    screen reader would read the link's name as part of the heading's), a section link to
    it with an accessible name."""
    problems = []
    for page in html_pages(site):
        if not page.is_content_page:
            continue
        article = page.soup.find("article")
        for heading in article.find_all(["h2", "h3", "h4", "h5", "h6"]) if article else []:
            if any(set(parent.get("class") or []) & set(SITE_PARTS) for parent in heading.parents):
                continue
            text = _normalise(heading.get_text())
            if not heading.get("id"):
                problems.append(f"{page.rel}: heading '{text}' has no id")
                continue
            inside = heading.find("a", class_="headerlink")
            link = inside or heading.find_next_sibling("a", class_="headerlink")
            if link is None or link.get("href") != f"#{heading['id']}":
                problems.append(f"{page.rel}: heading '#{heading['id']}' has no section link to '#{heading['id']}'")
            elif inside is not None:
                problems.append(
                    f"{page.rel}: the section link of '#{heading['id']}' is inside the heading (its name becomes part of the heading's)"
                )
            elif not str(link.get("aria-label", "")).strip():
                problems.append(f"{page.rel}: the section link of '#{heading['id']}' has no accessible name (aria-label)")
    return problems


def heading_id_problems(site: Path, gate: Gate) -> list[str]:
    """Each page has, in every language, the heading ids of the English version it follows."""
    pages = urls.from_site(site).pages
    catalogue = gate.catalogue
    problems = []
    for name in catalogue.pages:
        for lang in catalogue.languages[1:]:
            address = "/" + catalogue.url(lang.code, name)
            ids, english = pages.get(address), gate.english_ids(lang.code, name)
            if ids is None or ids == english:
                continue
            missing, extra = sorted(english - ids), sorted(ids - english)
            parts = [
                f"missing {', '.join('#' + i for i in missing)}" if missing else "",
                f"not in English {', '.join('#' + i for i in extra)}" if extra else "",
            ]
            problems.append(
                f"{address}: heading ids differ from the English page ({'; '.join(p for p in parts if p)}) — "
                f"keep every heading's id as in docs/{catalogue.default.code}/{name}"
            )
    return problems


def sitemap_problems(site: Path, site_url: str, catalogue: model.Catalogue) -> list[str]:
    """The root sitemap lists each page readers get in each language, with its real translations
    (absolute, plus x-default); every language folder has its own sitemap of its pages."""
    expected: dict[str, dict[str, str]] = {}
    for name in catalogue.pages:
        readable = catalogue.readable(name)
        alternates = {lang.code: site_url + catalogue.url(lang.code, name) for lang in readable}
        alternates["x-default"] = site_url + model.page_url(name)
        for lang in readable:
            expected[alternates[lang.code]] = alternates
    problems: list[str] = []
    found = _sitemap(site, "sitemap.xml", problems)
    for loc in sorted(expected.keys() - found.keys()):
        problems.append(f"sitemap.xml: no entry for {loc}")
    for loc in sorted(found.keys() - expected.keys()):
        problems.append(f"sitemap.xml: {loc} is listed, but it is not a page readers get in that language")
    for loc in sorted(expected.keys() & found.keys()):
        if found[loc] != expected[loc]:
            shown = ", ".join(f"{code}={href}" for code, href in sorted(found[loc].items()))
            problems.append(f"sitemap.xml: {loc} has the alternates [{shown}], expected one per translation plus x-default, absolute")
    for loc in expected:
        folder = site / loc[len(site_url) :]
        if not (folder / "index.html").exists():
            problems.append(f"sitemap.xml: {loc} is not a page of the built site")
    for lang in catalogue.languages[1:]:
        prefix = site_url + catalogue.language_url(lang.code)
        mine = {loc for loc in expected if loc.startswith(prefix)}
        listed = set(_sitemap(site, f"{lang.code}/sitemap.xml", problems))
        if listed != mine and (site / lang.code / "sitemap.xml").exists():
            problems.append(f"{lang.code}/sitemap.xml lists {len(listed)} pages, expected the {len(mine)} pages readers get in {lang.name}")
    return problems


def _sitemap(site: Path, rel: str, problems: list[str]) -> dict[str, dict[str, str]]:
    """{loc: {hreflang: href}} of a sitemap file; a missing or unreadable file is a problem."""
    import xml.etree.ElementTree as ET

    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    path = site / rel
    if not path.exists():
        problems.append(f"{rel} is missing")
        return {}
    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as err:
        problems.append(f"{rel}: not valid XML ({err})")
        return {}
    return {
        (url.findtext("s:loc", "", names) or "").strip(): {
            str(link.get("hreflang")): str(link.get("href")) for link in url.findall("x:link[@rel='alternate']", names)
        }
        for url in root.findall("s:url", names)
    }


def robots_problems(site: Path, site_url: str) -> list[str]:
    """robots.txt at the site's root names the absolute address of the sitemap."""
    path = site / "robots.txt"
    if not path.exists():
        return ["robots.txt is missing"]
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    if f"Sitemap: {site_url}sitemap.xml" not in lines:
        return [f"robots.txt has no line 'Sitemap: {site_url}sitemap.xml'"]
    return []


def missing_sentences(sentences: list[str], site: Path) -> list[str]:
    """The sentences that appear on no content page of the site (whitespace and quotes folded)."""
    text = " ".join(page.article_text() for page in html_pages(site) if page.is_content_page)
    return [sentence for sentence in sentences if _normalise(sentence) not in text]


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text; list bullets and step numbers are dropped."""
    sentences: list[str] = []
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
