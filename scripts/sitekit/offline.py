"""The guide in the patient's pocket: each language's copy for reading without a connection.

Once every language is built, the build writes the site's service worker, `sw.js` at the
site's root (its scope: the whole site, so the shared assets and the search worker are
its too), from `overrides/offline/sw.js`, with what each language's copy keeps: the
language's pages, its search index, and the files those pages load (styles, scripts, the
theme's search code and lunr's files for the language, images), read from a built page
of the language, never guessed; a handout joins its language's copy once the reader has
opened or saved it (on request: a PDF is too large to keep unasked). Each copy's version
is a hash of those files: a new deployment that changes any of them is a new worker,
which makes the copy again.
`assets/site.js` registers it once the page has loaded, never on Save-Data, and asks for
its language's copy; `extra.offline: false` in mkdocs.yml makes the worker remove every
copy and unregister itself (the clinic's way to turn it off), and pages stop registering.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from sitekit import model
from sitekit.site_files import SiteFiles

WORKER = "sw.js"
SOURCE = Path("offline") / "sw.js"  # in overrides/
SAVED_KEY = "__pp_saved__"  # the cache entry holding when the copy was made
LUNR = "assets/javascripts/lunr/"
CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def kept_files(site: Path | SiteFiles, site_path: str, catalogue: model.Catalogue, lang: str) -> list[str]:
    """The addresses (from the site's root path `site_path`, e.g. '/') the copy of `lang` keeps."""
    files = SiteFiles.of(site)
    folder = catalogue.language_url(lang)
    pages = [site_path + catalogue.url(lang, name) for name in catalogue.pages]
    found = {site_path + folder + "search/search_index.json", *pages}
    html = files.read_text(folder + "index.html")
    base = site_path + folder
    tree = LexborHTMLParser(html)
    for node in tree.css("script[src], link[rel=stylesheet][href], link[rel=icon][href], img[src]"):
        for name in ("src", "href", "data-pp-theme"):
            value = node.attributes.get(name)
            if value and not urlsplit(value).scheme:
                found.add(_resolved(base, value))
    config = CONFIG.search(html)
    if config:
        settings = json.loads(config.group(1))
        if settings.get("search"):
            found.add(_resolved(base, settings["search"]))
    # Loaded on demand by the site's own scripts: search (the theme's worker runs inside
    # search-worker.js) and Listen (listen.js).
    found |= {site_path + "assets/search-worker.js", site_path + "assets/listen.js"}
    for lunr in ("min/lunr.stemmer.support.min.js", "min/lunr.multi.min.js", f"min/lunr.{lang}.min.js"):
        if LUNR + lunr in files:
            found.add(site_path + LUNR + lunr)
    return sorted(url for url in found if built_path(site_path, url) in files)


def _resolved(base: str, value: str) -> str:
    return posixpath.normpath(urlsplit(urljoin(base, value)).path) + ("/" if value.endswith("/") else "")


def built_file(site: Path, site_path: str, url: str) -> Path:
    """The built file an address of the site (from its root path `site_path`) is served from."""
    return site / built_path(site_path, url)


def built_path(site_path: str, url: str) -> str:
    """As `built_file`, the file's path in the site ('es/index.html')."""
    inner = url[len(site_path) :]
    return inner + "index.html" if inner.endswith("/") or not inner else inner


def version(site: Path | SiteFiles, site_path: str, files: list[str]) -> str:
    """A hash of what the copy holds: any change in a new deployment makes a new worker."""
    built = SiteFiles.of(site)
    digest = hashlib.sha256()
    for url in files:
        digest.update(url.encode() + b"\0" + built.read_bytes(built_path(site_path, url)))
    return digest.hexdigest()[:16]


def worker_script(source: str, languages: dict[str, dict[str, object]], *, enabled: bool) -> str:
    """The service worker: `source` with its settings filled in (as JSON)."""
    settings = {
        "LANGUAGES": languages if enabled else {lang: {**entry, "files": []} for lang, entry in languages.items()},
        "ENABLED": enabled,
        "SAVED": SAVED_KEY,
    }
    for key, value in settings.items():
        source = source.replace(f"__{key}__", json.dumps(value, ensure_ascii=False))
    return source


def write_worker(site: Path | SiteFiles, site_url: str, catalogue: model.Catalogue, source: str, *, enabled: bool) -> str:
    """Write the site's service worker (at the site's root: its scope is the whole site, the
    shared assets and the search worker included); the path written, relative to the site."""
    built = SiteFiles.of(site)
    site_path = urlsplit(site_url or "/").path or "/"
    languages: dict[str, dict[str, object]] = {}
    for lang in catalogue.languages:
        if catalogue.language_url(lang.code) + "index.html" not in built:
            continue
        files = kept_files(built, site_path, catalogue, lang.code)
        languages[lang.code] = {
            "files": files,
            "version": version(built, site_path, files),
            "notice": catalogue.strings(lang.code)["offline_notice"],
            "folder": site_path + catalogue.language_url(lang.code),  # its handouts join its copy there, on request
        }
    built.write_text(WORKER, worker_script(source, languages, enabled=enabled))
    return WORKER
