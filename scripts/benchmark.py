#!/usr/bin/env python3
"""Measure what the site costs its readers and its editors, and check the budgets.

Parts (all by default; pick some with --only weight,search,...):
  weight      in Debian Chromium (every request the browser makes): the first visit of
              every page in every language, by type, over gzip and Brotli and raw; on
              each language's home page, a second visit and what using search adds;
              each language's offline copy (its files over Brotli, made after load)
  search      each language's search index (raw, gzip); in the browser, the query set
              (tests/search_queries.yml, the tuning set): recall at 3 (each query's page
              among the first three results), bytes the first query downloads (index and
              search code) and each later one, time from opening search to the first
              results, and from a query's last key to its results; per language, on the
              tuning set and on the held-out set (tests/search_heldout.yml, written by
              someone who did not tune search): recall at 1 and at 3, the answerable
              queries that found nothing at all, and whether the queries the guide does
              not answer (page: null) offered the clinic (the held-out set's queries are
              counted, never printed: they are in --json only); beside them, Pagefind's
              recall at 1 and 3 on both sets (Pagefind, the extended binary of
              requirements.lock, indexes the same built site into a temporary folder
              outside it; its JavaScript API is asked each query in Chromium, from a
              page in the query's language; scored as the site's search is; "Pagefind:
              not measured — why" when it cannot run, never a failure, never a budget);
              the first answer on a slow phone: from tapping search to the first result
              with Chromium's throttling (slow 4G: 150 ms, 1.6 Mbit/s down; CPU 4×
              slower), each language's home page loaded first with an empty cache,
              median over languages (from the touch reaching the page, the query
              typed at once in the page; beside it, from Playwright's tap, its
              checks of the button included)
  lighthouse  Lighthouse mobile scores (performance, accessibility, best practices,
              SEO), each language's home page, on both hosts, with the audits not passed
  build       median time of strict builds of the whole site and of English only, the
              output gate's CPU time over the built site (its share of the build), and
              how often one whole build reads its pages: calls for a page's reading and
              the parses they cost, YAML documents loaded, Markdown renderings
  scaling     synthetic sites (many languages × pages) made from the project: time per
              page-language as the site grows
  handouts    the PDF handouts: their sizes, sheets (sides) and sheets of paper
              printed double-sided, and the whole build's time without them, with
              every handout made afresh (an empty cache: by worker
              processes during the build, and by the build's process at its end) and
              with every handout unchanged (taken from the cache); per handout, the CPU
              time WeasyPrint takes to print it (its build cost, per language)
  engines     the PDF engine, chosen by measuring: the same handout documents (a
              right-to-left guide, a bilingual one; real-looking clinic details)
              printed by WeasyPrint (the build's engine) and by Chromium's own printing
              (Playwright's page.pdf, tagged, with an outline): sheets, size, time,
              tagged PDF (pdfinfo), outline, contents with page numbers, running heads,
              right-to-left runs with digits (address, phones, web address) in the
              order the browser shows them (pdftotext)

The site is built once and served on one address by two hosts in turn: the production
nginx configuration (the build's precompressed Brotli and gzip files), and a gzip-only
host (sitekit.browser.local_server(gzip_text=True): text files gzipped on the fly when
asked, no special headers; what GitHub Pages or an object store behind a CDN sends).
The weight and search parts run on nginx; Lighthouse on both. Sizes: "gzip" is what the
gzip-only host sends (level 6, zlib's default, as on-the-fly compressors use; the build's
own .gz files are level 9, about 0.5 % smaller); "Brotli" what nginx sends a browser that
accepts Brotli. When nginx (with its Brotli module) is not installed the benchmark says
so and measures the gzip-only host alone (Brotli sizes then read from the build's files).
Build times are CPU seconds of the build process (steadier than wall time on a busy
machine); wall time is shown beside (the handouts' budget is read in wall time: their
worker processes run beside the build). Needs Chromium and Lighthouse:
`bash scripts/setup.sh --system`.

Budgets (checked for the parts run): the first visit of every page in every language
≤ 30 KiB over gzip, and over Brotli no more than over gzip; a second visit 0 bytes
(each language's home page: every file from the cache or answered 304); search files
only once search is used, and only the reader's language's; no web fonts; Lighthouse
mobile 100 in all four categories in every language on both hosts; every query of the
set finds its page in the top 3; the first search result on a slow phone within 1.5 s
(median over languages) with no console warning; whole build ≤ 1.2 × languages × English-only build;
time per page-language constant within 1.25 × from the smallest to the largest
synthetic site; the build with every handout made afresh ≤ 2 × the build without
handouts (wall time); each handout ≤ 2 MiB.

Exit status: 0 every budget measured is met, 1 a budget is missed, 2 a setup error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, redirect_stdout, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sitekit import browser, clinic, handout, model, nginx, offline, output_gate, search, serving, tables
from sitekit.gate import project_catalogue
from sitekit.project import copy_project, strict_build

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder

PARTS = ("weight", "search", "lighthouse", "build", "scaling", "handouts", "engines")
FIRST_VISIT_BUDGET = 30 * 1024  # bytes over gzip (what a gzip-only host sends), every page × language
BUILD_RATIO_BUDGET = 1.2  # full build / (languages × English-only build)
SCALING_TOLERANCE = 1.25  # time per page-language, largest site / smallest site
OUTPUT_GATE_BUDGET = 0.15  # the output gate's CPU time / the build's without it (issue 21: at most 15 % more)
OFFLINE_COPY_BUDGET = 250 * 1024  # bytes over Brotli: one language's offline copy (made after the first visit's load)
HANDOUT_RATIO_BUDGET = 2.0  # build making every handout afresh / build without handouts, wall time (what one waits for)
HANDOUT_BUILDS = {  # the builds the handouts part times, and their labels
    "without": "without handouts (HANDOUTS unset)",
    "afresh": "every handout made afresh, {processes} worker processes",
    "afresh_serial": "every handout made afresh, in the build's process",
    "unchanged": "every handout unchanged (from the cache)",
}
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_ATTEMPTS = 3
KINDS = ("html", "css", "js", "search", "font", "other")
COMPRESSIBLE = (*serving.COMPRESSED_SUFFIXES, "/")  # what a compressing host sends compressed (the gzip-only server's own list)
SEARCH_PATHS = ("/search/search_index.json", "/assets/javascripts/workers/search.", "/assets/javascripts/lunr/", "/assets/search-worker.js")
QUERIES = ROOT / "tests" / "search_queries.yml"
HELDOUT = ROOT / "tests" / "search_heldout.yml"  # queries search was not tuned on
HELDOUT_RECALL_AT_3 = 0.95  # per language, on the held-out set
HELDOUT_RECALL_AT_1 = 0.85
FIRST_ANSWER_BUDGET = 1500  # ms from tapping search to the first result on SLOW_PHONE, median over languages
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf", ".eot")
WORD_SEPARATOR = re.compile(r"[\s\u200b\u3000\-、。，．？！；:,.()]+")


class SetupError(Exception):
    """Something the benchmark needs is missing or broken (exit status 2)."""


# --- small helpers ------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def kib(size: float) -> str:
    return f"{size / 1024:.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """First column left-aligned, the figures right-aligned."""
    return tables.table(headers, rows, right=range(1, len(headers)))


def heading(text: str) -> None:
    print(f"\n== {text} ==")


def gzip_size(data: bytes) -> int:
    return len(browser.gzipped(data))  # as a gzip-only host sends a text file (browser.GZIP_LEVEL)


def brotli_size(data: bytes) -> int:
    return len(serving.compress(data, "br"))


# --- the site and its hosts ------------------------------------------------------------

# The two hosts the site is measured on. The build is made once, for one port, and each
# host serves it there in turn: the same pages, with the same absolute addresses.
HOSTS = {
    "nginx": "nginx, production configuration (the build's Brotli and gzip files)",
    "gzip-only": f"gzip-only host (text gzipped on the fly at level {browser.GZIP_LEVEL}; no special headers)",
}


def checked_build(site: Path, site_url: str, project: Path = ROOT) -> None:
    """The site as a production build makes it (with its PDF handouts), for `site_url`."""
    result = browser.build(site, site_url, project, {"HANDOUTS": "1"})
    if result.returncode != 0:
        raise SetupError(f"the strict build failed:\n{(result.stdout + result.stderr)[-3000:]}")


@dataclass
class Served:
    site: Path
    origin: str
    host: str  # a key of HOSTS
    sends_brotli: bool  # the server itself sends the production configuration's Brotli

    @property
    def server(self) -> str:
        return HOSTS.get(self.host, self.host)


def available_hosts() -> tuple[list[str], str]:
    """The hosts to measure, and why nginx is left out ("" when it is not)."""
    try:
        nginx.require_nginx()
    except nginx.NginxUnavailable as err:
        return ["gzip-only"], f"nginx is not installed, so the gzip-only host alone is measured ({err})"
    return list(HOSTS), ""


@contextmanager
def hosted(site: Path, port: int, host: str) -> Iterator[Served]:
    """The built `site` served on 127.0.0.1:`port` by `host`."""
    if host == "nginx":
        with nginx.nginx_server(site, port) as origin:
            yield Served(site, origin, host, True)
    else:
        with browser.local_server(site, gzip_text=True, port=port) as server:
            yield Served(site, server.origin, host, False)


def file_for(site: Path, url: str) -> Path | None:
    """The built file a URL of the site is served from, if it is one."""
    path = urlsplit(url).path
    candidate = site / path.lstrip("/")
    if path.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


# --- what the browser downloads ---------------------------------------------------------


def kind_of(url: str, resource_type: str = "") -> str:
    """html, css, js, search (index and search code), font or other."""
    path = urlsplit(url).path
    if any(part in path for part in SEARCH_PATHS):
        return "search"
    if path.endswith(FONT_SUFFIXES) or resource_type == "font":
        return "font"
    if resource_type == "document" or path.endswith((".html", "/")):
        return "html"
    if path.endswith(".css") or resource_type == "stylesheet":
        return "css"
    if path.endswith(".js") or resource_type == "script":
        return "js"
    return "other"


@dataclass
class Resource:
    url: str
    kind: str
    status: int
    raw: int  # bytes of the file
    transfer: int  # body bytes that came over the network to Chromium (0: cached or revalidated)
    encoding: str  # Content-Encoding the server sent Chromium
    gzip: int  # what a gzip-only host sends (the budget counts this): see `gzip_sent`
    brotli: int  # what the production nginx configuration sends: see `brotli_sent`


def gzip_sent(url: str, data: bytes) -> int:
    """What a gzip-only host sends a browser: a text file gzipped (browser.gzipped, the
    gzip-only server's own), anything else as it is."""
    return gzip_size(data) if urlsplit(url).path.endswith(COMPRESSIBLE) else len(data)


def brotli_sent(url: str, data: bytes, served: Served) -> int:
    """What the production nginx configuration sends a browser that accepts Brotli and gzip
    (as every browser does over HTTPS): asked of nginx when it serves (with that header, so the
    figure does not hang on what Chromium asks for), else read from the build's files as its brotli_static
    and gzip_static choose them (file.br, else file.gz, else the file)."""
    if served.sends_brotli:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return len(response.read())
    path = file_for(served.site, url)
    for packed in (path.with_name(path.name + suffix) for suffix in (".br", ".gz")) if path else ():
        if packed.is_file():
            return packed.stat().st_size
    return len(data)


def describe(request: Any, served: Served) -> Resource | None:
    """A finished request as a Resource (None for data: URLs and the like)."""
    if not request.url.startswith("http"):
        return None
    response = request.response()
    status = response.status if response else 0
    try:
        transfer = max(0, request.sizes()["responseBodySize"])
    except Exception:  # a worker's request may carry no sizes
        transfer = 0
    path = file_for(served.site, request.url)
    if path is not None:
        data = path.read_bytes()
    else:
        try:
            data = response.body() if response else b""
        except Exception:
            data = b""
    encoding = (response.headers.get("content-encoding", "") if response else "").lower()
    sent = status == 200  # a 304 or a redirect sends no file: its body bytes (0) count
    return Resource(
        request.url,
        kind_of(request.url, request.resource_type),
        status,
        len(data),
        transfer,
        encoding,
        gzip_sent(request.url, data) if sent else transfer,
        brotli_sent(request.url, data, served) if sent else transfer,
    )


@contextmanager
def recording(context: Any, served: Served) -> Iterator[list[Resource]]:
    """Every request the context's pages and workers finish while inside the block."""
    finished: list[Any] = []

    def listener(request: Any) -> None:
        finished.append(request)

    context.on("requestfinished", listener)
    resources: list[Resource] = []
    try:
        yield resources
    finally:
        context.remove_listener("requestfinished", listener)
        resources.extend(r for r in (describe(request, served) for request in finished) if r is not None)


def settle(page: Any) -> None:
    """Wait for the network to go quiet, and a little more for late requests."""
    with suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15000)
    page.wait_for_timeout(500)


def totals(resources: list[Resource]) -> dict[str, dict[str, int]]:
    """Per kind and in all: requests, raw, gzip, brotli, transfer, revalidated (304s)."""
    result: dict[str, dict[str, int]] = {}
    for kind in (*KINDS, "total"):
        chosen = [r for r in resources if kind in ("total", r.kind)]
        result[kind] = {
            "requests": len(chosen),
            "raw": sum(r.raw for r in chosen),
            "gzip": sum(r.gzip for r in chosen),
            "brotli": sum(r.brotli for r in chosen),
            "transfer": sum(r.transfer for r in chosen),
            "revalidated": sum(1 for r in chosen if r.status == 304),
        }
    return result


def search_words(index: dict[str, Any], count: int = 3) -> list[str]:
    """Queries a reader might type: the longest distinct words of the index's page titles."""
    words: dict[str, None] = {}
    for doc in index.get("docs", []):
        for word in WORD_SEPARATOR.split(doc.get("title", "")):
            wide = any(ord(ch) >= 0x2E80 for ch in word)
            if len(word) >= (2 if wide else 4):
                words.setdefault(word.lower(), None)
    return sorted(words, key=len, reverse=True)[:count]


def index_file(site: Path, catalogue: model.Catalogue, lang: str) -> Path:
    """The language's own search index in the built site."""
    return site / catalogue.language_url(lang) / "search" / "search_index.json"


RESULT_LIST = ".md-search-result__list"


def open_search(page: Any) -> None:
    search.open_search(page)


def enter_query(page: Any, query: str) -> None:
    search.type_query(page, query)


# --- part: weight ----------------------------------------------------------------------


def revisited_pages(origin: str, catalogue: model.Catalogue) -> dict[str, str]:
    """The one page per language visited a second time and searched from: its home page."""
    chosen: dict[str, str] = {}
    for lang, _, url in browser.page_urls(origin, catalogue):
        if lang not in chosen or url == origin + catalogue.language_url(lang):
            chosen[lang] = url
    return chosen


def measure_weight(served: Served, chromium: Any, catalogue: model.Catalogue) -> dict[str, Any]:
    """The first visit of every page in every language; on one page per language, a second
    visit and what using search adds."""
    pages = []
    revisited = revisited_pages(served.origin, catalogue)
    for lang, name, url in browser.page_urls(served.origin, catalogue):
        context = chromium.new_context(viewport=browser.PHONE, locale=lang)
        page = context.new_page()
        with recording(context, served) as first:
            page.goto(url, wait_until="load")
            settle(page)
        entry: dict[str, Any] = {
            "page": urlsplit(url).path,
            "language": lang,
            "name": name,
            "url": url,
            "first_visit": totals(first),
            "first_visit_resources": [asdict(r) for r in first],
        }
        if revisited[lang] == url:
            with recording(context, served) as second:
                page.goto(url, wait_until="load")
                settle(page)
            query = (search_words(json.loads(index_file(served.site, catalogue, lang).read_bytes()), 1) or ["pump"])[0]
            with recording(context, served) as searching:
                open_search(page)
                enter_query(page, query)
                settle(page)
                results = page.locator(f"{RESULT_LIST} > li").count()
            entry |= {
                "second_visit": totals(second),
                "second_visit_resources": [asdict(r) for r in second],
                "search_use": totals(searching),
                "search_use_resources": [asdict(r) for r in searching],
                "search_query": query,
                "search_results": results,
            }
        context.close()
        pages.append(entry)
    return {"server": served.server, "sends_brotli": served.sends_brotli, "pages": pages}


def first_visit_summary(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """The worst first visit over gzip, and the medians over gzip and Brotli."""
    worst = max(pages, key=lambda p: p["first_visit"]["total"]["gzip"])
    return {
        "worst": worst,
        "median_gzip": median([p["first_visit"]["total"]["gzip"] for p in pages]),
        "median_brotli": median([p["first_visit"]["total"]["brotli"] for p in pages]),
    }


def offline_copies(site: Path, catalogue: model.Catalogue) -> list[dict[str, Any]]:
    """Each language's offline copy (sitekit/offline.py): its files and bytes over Brotli
    (what nginx sends), made only after the first visit has loaded (the first visit's
    figures above never include it: the browser's contexts here block service workers)."""
    copies = []
    for lang in catalogue.languages:
        files = offline.kept_files(site, "/", catalogue, lang.code)
        sizes = []
        for url in files:
            path = offline.built_file(site, "/", url)
            sizes.append((Path(f"{path}.br") if Path(f"{path}.br").exists() else path).stat().st_size)
        copies.append({"lang": lang.code, "files": len(files), "brotli": sum(sizes)})
    return copies


def print_weight(result: dict[str, Any]) -> None:
    pages = result["pages"]
    languages = list(dict.fromkeys(p["language"] for p in pages))
    names = set(p.get("name") for p in pages)
    heading(
        f"First visit of every page in every language (KiB; {len(names)} pages × {len(languages)} languages; served by {result['server']})"
    )
    rows = []
    for entry in pages:
        first = entry["first_visit"]
        other = sum(first[kind]["gzip"] for kind in KINDS if kind not in ("html", "css", "js"))
        rows.append(
            [
                entry["language"],
                entry["page"],
                *(kib(first[kind]["gzip"]) for kind in ("html", "css", "js")),
                kib(other),
                kib(first["total"]["gzip"]),
                kib(first["total"]["brotli"]),
                kib(first["total"]["raw"]),
                str(first["total"]["requests"]),
            ]
        )
    print(
        tables.table(
            ["lang", "page", "html", "css", "js", "other", "gzip", "Brotli", "raw", "requests"],
            rows,
            right=range(2, 10),
        )
    )
    summary = first_visit_summary(pages)
    worst = summary["worst"]["first_visit"]["total"]
    print(
        f"worst: {summary['worst']['page']} {kib(worst['gzip'])} KiB gzip ({kib(worst['brotli'])} Brotli); "
        f"median of {len(pages)}: {kib(summary['median_gzip'])} KiB gzip, {kib(summary['median_brotli'])} Brotli"
    )

    heading("Second visit and search use (KiB; each language's home page)")
    rows = []
    for entry in (p for p in pages if "second_visit" in p):
        second, used = entry["second_visit"]["total"], entry["search_use"]["total"]
        rows.append(
            [
                entry["page"],
                kib(second["transfer"]),
                f"{second['requests']} ({second['revalidated']} 304)",
                kib(used["gzip"]),
                kib(used["brotli"]),
                str(used["requests"]),
                f"{entry['search_query']} → {entry['search_results']}",
            ]
        )
    print(table(["page", "second visit", "requests", "+search gzip", "+search Brotli", "requests", "query → results"], rows))

    biggest: dict[str, Resource] = {}
    for entry in pages:
        for item in entry["first_visit_resources"]:
            biggest.setdefault(urlsplit(item["url"]).path, Resource(**item))
    shared = sorted(biggest.items(), key=lambda kv: kv[1].gzip, reverse=True)[:8]
    print("\nBiggest first-visit files (KiB):")
    print(table(["file", "gzip", "Brotli", "raw"], [[path, kib(r.gzip), kib(r.brotli), kib(r.raw)] for path, r in shared]))
    print(
        f"gzip: what a gzip-only host (GitHub Pages, an object store behind a CDN) sends: text files gzipped at level "
        f"{browser.GZIP_LEVEL}, zlib's default, which on-the-fly compressors use (the build's own .gz files are level "
        f"{serving.GZIP_LEVEL}, about 0.5 % smaller); the budget counts it. html, css, js, other: gzip"
    )
    brotli_source = "sent by it" if result["sends_brotli"] else "read from the build's .br/.gz files (nginx is not installed)"
    print(f"Brotli: what the production nginx configuration sends a browser that accepts Brotli, {brotli_source}; raw: uncompressed")
    print("second visit: body bytes not served from the browser's cache (requests made, of which 304 Not Modified)")
    print("+search: what opening search and typing one query add to the first visit")

    # --- part: search ----------------------------------------------------------------------
    if result.get("offline"):
        heading("Offline copy of each language, made after the first visit has loaded (KiB over Brotli)")
        print(table(["language", "files", "Brotli"], [[c["lang"], str(c["files"]), kib(c["brotli"])] for c in result["offline"]]))


def measure_search(served: Served, chromium: Any, catalogue: model.Catalogue, runs: int) -> dict[str, Any]:
    """Per language, the query set as a patient types it: the first query (opening search
    loads the index and the search code), then the others; `runs` times, medians kept.
    Then recall at 1 and 3 and the queries without results, per language, on the tuning set
    (the first run's results) and on the held-out set, when there is one."""
    queries = search.load_queries(QUERIES)
    languages, tuning = [], []
    for lang in catalogue.languages:
        data = index_file(served.site, catalogue, lang.code).read_bytes()
        index = json.loads(data)
        mine = answerable(queries, catalogue, lang.code)
        root = urlsplit(served.origin + catalogue.language_url(lang.code)).path
        firsts, first_bytes, times, later_bytes, found = [], [], [], [], {}
        for run in range(runs if mine else 0):
            context = chromium.new_context(viewport=browser.PHONE, locale=lang.code)
            page = context.new_page()
            page.goto(served.origin + catalogue.language_url(lang.code), wait_until="load")
            settle(page)
            for i, query in enumerate(mine):
                with recording(context, served) as loaded:
                    started = float(page.evaluate("() => performance.now()"))
                    if i == 0:
                        search.open_search(page)
                    elapsed = search.type_query(page, query.query) - started
                (firsts if i == 0 else times).append(elapsed)
                (first_bytes if i == 0 else later_bytes).append(sum(r.gzip for r in loaded))
                pages = search.result_pages(page)
                found[query.id] = root + model.page_url(query.page) in pages[:3]
                if run == 0:
                    tuning.append(outcome(query, root + model.page_url(query.page), pages))
            context.close()
        languages.append(
            {
                "language": lang.code,
                "index_raw": len(data),
                "index_gzip": gzip_size(data),
                "index_brotli": brotli_size(data),
                "documents": len(index.get("docs", [])),
                "queries": [q.query for q in mine],
                "found_in_top_3": sorted(q for q, ok in found.items() if ok),
                "missed": sorted(q for q, ok in found.items() if not ok),
                "recall_at_3": sum(found.values()) / len(found) if found else None,
                "first_query_ms": median(firsts) if firsts else None,
                "first_query_bytes": median(first_bytes) if first_bytes else None,
                "query_ms": times,
                "median_query_ms": median(times) if times else None,
                "median_query_bytes": median(later_bytes) if later_bytes else None,
            }
        )
    sets = {"tuning": recall_by_language(tuning)}
    held_out, set_aside = held_out_queries(queries)
    if held_out:
        sets["held-out"] = recall_by_language(run_query_set(served, chromium, catalogue, held_out))
    peer = measure_pagefind(served, chromium, catalogue, {"tuning": queries, **({"held-out": held_out} if held_out else {})})
    return {
        "languages": languages,
        "sets": sets,
        "held_out_set_aside": [{"language": q.lang, "query": q.query} for q in set_aside],
        "pagefind": peer,
        "first_answer": measure_first_answer(served, chromium, catalogue, runs),
    }


def held_out_queries(tuning: list[search.Query]) -> tuple[list[search.Query], list[search.Query]]:
    """The held-out set (none when there is no file), without the queries the tuning set
    holds too: search was tuned on those, they measure it no longer (set aside, counted in
    the report, named in --json only)."""
    if not HELDOUT.exists():
        return [], []
    held_out = search.load_queries(HELDOUT)
    shared = search.shared_queries(tuning, held_out)
    return [q for q in held_out if q not in shared], shared


SLOW_PHONE = {  # Chrome DevTools' "Slow 4G" and a phone 4× slower than this machine's CPU
    "network": {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8},
    "cpu": 4,
}
# In the page before the tap: when the touch arrives, what the results say (search loading);
# right after the tap has opened search, the query typed at once (the field's value and a
# key's release, as a keyboard gives them; the theme reads the field once search is ready);
# when the first result shows.
FIRST_RESULT_JS = """(query) => {
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  window.__ppFirstResult = 0;
  window.__ppTouch = 0;
  document.addEventListener('pointerdown', () => {
    window.__ppTouch = performance.now();
    window.__ppLoading = meta ? meta.textContent : '';
  }, {capture: true, once: true});
  document.addEventListener('click', () => setTimeout(() => {
    const field = document.querySelector('input[data-md-component=search-query]');
    field.value = query;
    field.dispatchEvent(new Event('input', {bubbles: true}));
    field.dispatchEvent(new KeyboardEvent('keyup', {key: 'End', bubbles: true}));
  }), {capture: true, once: true});
  new MutationObserver((changes, observer) => {
    if (list.querySelector('.md-search-result__item')) { window.__ppFirstResult = performance.now(); observer.disconnect(); }
  }).observe(list, {childList: true, subtree: true});
}"""


def measure_first_answer(served: Served, chromium: Any, catalogue: model.Catalogue, runs: int) -> dict[str, Any]:
    """Per language, from tapping search to the first result on a slow phone (SLOW_PHONE:
    Chromium's network and CPU throttling over CDP): the language's home page is loaded
    first (a new, empty cache each run), then the search button is tapped and the language's
    first query typed at once, in the page (FIRST_RESULT_JS). `ms` counts from the touch
    reaching the page (the budget's figure); `from_tap_ms` from Playwright's tap, its checks
    of the button on the slowed page first (before 2026-12-07 the budget counted from there,
    and the query was typed by Playwright after the tap: under a busy machine its typing
    came after search was ready, and bounded the figure). Also the message the results show
    as the touch arrives (while search loads), and the console's warnings. Medians over
    `runs`, and the median over languages."""
    queries = search.load_queries(QUERIES)
    languages = []
    for lang in catalogue.languages:
        mine = answerable(queries, catalogue, lang.code)
        if not mine:
            continue
        times, tapped, loading, warnings = [], [], "", []
        for _ in range(runs):
            context = chromium.new_context(viewport=browser.PHONE, locale=lang.code, has_touch=True, is_mobile=True)
            page = context.new_page()
            page.on(
                "console",
                lambda message, found=warnings: (
                    message.type in ("warning", "error") and "Service Worker" not in message.text and found.append(message.text)
                ),
            )
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_PHONE["network"])
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_PHONE["cpu"]})
            page.goto(served.origin + catalogue.language_url(lang.code), wait_until="load")
            settle(page)
            page.evaluate(FIRST_RESULT_JS, mine[0].query)
            started = float(page.evaluate("() => performance.now()"))
            page.tap(search.SEARCH_TOGGLE)
            page.wait_for_function("() => window.__ppFirstResult > 0", timeout=60000)
            first, touch, loading = page.evaluate("() => [window.__ppFirstResult, window.__ppTouch, window.__ppLoading || '']")
            times.append(float(first) - float(touch))
            tapped.append(float(first) - started)
            context.close()
        languages.append(
            {
                "language": lang.code,
                "query": mine[0].query,
                "ms": median(times),
                "from_tap_ms": median(tapped),
                "loading": loading.strip(),
                "warnings": sorted(set(warnings)),
            }
        )
    return {"profile": SLOW_PHONE, "languages": languages, "median_ms": median([e["ms"] for e in languages]) if languages else None}


def answerable(queries: list[search.Query], catalogue: model.Catalogue, lang: str) -> list[search.Query]:
    """The language's queries whose page readers get in the language (its index has it);
    never a query the guide does not answer (no page)."""
    return [q for q in queries if q.lang == lang and q.page and catalogue.content_language(lang, q.page) == lang]


def unanswerable(queries: list[search.Query], lang: str) -> list[search.Query]:
    """The language's queries the guide does not answer: the results must offer the clinic."""
    return [q for q in queries if q.lang == lang and not q.page]


def outcome(query: search.Query, wanted: str, pages: list[str]) -> dict[str, Any]:
    """One query's result: the page it must find (its address) and the pages found, best first."""
    return {"language": query.lang, "query": query.query, "wanted": wanted, "found": pages[:5], "results": len(pages)}


Answers = Callable[[str], tuple[list[str], bool | None]]  # a query → the pages found (best first), and whether the clinic was offered
Engine = Callable[[str], AbstractContextManager[Answers]]  # a language's code → its search, open while inside


def query_outcomes(queries: list[search.Query], catalogue: model.Catalogue, origin: str, engine: Engine) -> list[dict[str, Any]]:
    """Each query of a set asked once of `engine` in its language: the outcomes that
    recall_by_language scores, the same for the site's search and for a peer."""
    outcomes = []
    for lang in catalogue.languages:
        mine, others = answerable(queries, catalogue, lang.code), unanswerable(queries, lang.code)
        if not mine and not others:
            continue
        root = urlsplit(origin + catalogue.language_url(lang.code)).path
        with engine(lang.code) as ask:
            for query in mine:
                outcomes.append(outcome(query, root + model.page_url(query.page), ask(query.query)[0]))
            for query in others:
                pages, offered = ask(query.query)
                outcomes.append({**outcome(query, "", pages), **({} if offered is None else {"help": offered})})
    return outcomes


def run_query_set(served: Served, chromium: Any, catalogue: model.Catalogue, queries: list[search.Query]) -> list[dict[str, Any]]:
    """Each query of a set, typed once in its language's search (the site's own, its real UI)."""

    @contextmanager
    def site_search(lang: str) -> Iterator[Answers]:
        context = chromium.new_context(viewport=browser.PHONE, locale=lang)
        page = context.new_page()
        page.goto(served.origin + catalogue.language_url(lang), wait_until="load")
        search.open_search(page)

        def ask(query: str) -> tuple[list[str], bool | None]:
            search.type_query(page, query)
            return search.result_pages(page), page.locator(search.SEARCH_HELP).is_visible()

        try:
            yield ask
        finally:
            context.close()

    return query_outcomes(queries, catalogue, served.origin, site_search)


PAGEFIND_PAGES = "**/index.html"  # the pages the site's own search indexes: never a 404 page
PAGEFIND_ASK = """async query => {
  window.pagefind = window.pagefind || await import('/pagefind/pagefind.js');
  const found = await window.pagefind.search(query);
  const pages = await Promise.all(found.results.map(async r => new URL((await r.data()).url, location.href).pathname));
  return pages.filter((page, i) => pages.indexOf(page) === i);
}"""


def index_with_pagefind(site: Path, out: Path) -> str:
    """Pagefind's index of the built `site`, written into `out`/pagefind (outside the site:
    nothing of it is published), by its command line as its documentation runs it
    (`pagefind --site`, the extended binary of `pagefind-bin-extended`: Chinese
    segmentation), over the pages the site's own search indexes; its version.
    SetupError, with why, when it is not installed or fails."""
    try:
        from importlib.metadata import version

        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]  # the extended binary, never the plain one
    except ImportError as err:
        raise SetupError(f"Pagefind is not installed ({err}): run `bash scripts/setup.sh`") from err
    try:
        command = [str(get_executable()), "--site", str(site), "--glob", PAGEFIND_PAGES, "--output-path", str(out / "pagefind"), "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SetupError(f"Pagefind's binary did not run ({err})") from err
    if done.returncode != 0 or not (out / "pagefind" / "pagefind.js").is_file():
        raise SetupError(f"Pagefind could not index the site (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}")
    return version("pagefind-bin-extended")


def measure_pagefind(served: Served, chromium: Any, catalogue: model.Catalogue, sets: dict[str, list[search.Query]]) -> dict[str, Any]:
    """Pagefind as a peer: the same built site indexed by Pagefind outside it, served on a
    local server of its own, each query of each set asked of its JavaScript API
    (`pagefind.search`, the results' `data().url`) in Chromium, from a page whose `lang`
    is the language's (Pagefind picks that language's index), and scored as the site's
    search is (query_outcomes, recall_by_language). Never fails the benchmark: when
    Pagefind cannot be installed or run, {"not_measured": why}."""
    with tempfile.TemporaryDirectory(prefix="pagefind-") as tmp:
        out = Path(tmp)
        try:
            version = index_with_pagefind(served.site, out)
        except SetupError as err:
            return {"not_measured": str(err)}
        for lang in catalogue.languages:
            (out / f"{lang.code}.html").write_text(
                f'<!doctype html><html lang="{lang.code}"><meta charset="utf-8"><title>{lang.code}</title></html>\n', encoding="utf-8"
            )
        with browser.local_server(out) as server:

            @contextmanager
            def pagefind_search(lang: str) -> Iterator[Answers]:
                context = chromium.new_context(viewport=browser.PHONE, locale=lang)
                page = context.new_page()
                page.goto(f"{server.origin}{lang}.html", wait_until="load")
                try:
                    yield lambda query: (list(page.evaluate(PAGEFIND_ASK, query)), None)
                finally:
                    context.close()

            try:
                scored = {
                    name: recall_by_language(query_outcomes(queries, catalogue, served.origin, pagefind_search))
                    for name, queries in sets.items()
                }
            except Exception as err:  # Playwright's errors: Pagefind's script failed in the browser
                return {
                    "not_measured": f"Pagefind {version}'s search failed in Chromium ({type(err).__name__}: {str(err).splitlines()[0]})"
                }
    return {"version": version, "sets": scored}


def recall_by_language(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per language: recall at 1 and at 3 (the query's page first, among the first three),
    the queries that missed the top 3, and the answerable queries that found nothing."""
    result = []
    for lang in dict.fromkeys(o["language"] for o in outcomes):
        mine = [o for o in outcomes if o["language"] == lang and o["wanted"]]
        others = [o for o in outcomes if o["language"] == lang and not o["wanted"]]
        if not mine:
            continue
        at_1 = [o for o in mine if o["found"][:1] == [o["wanted"]]]
        at_3 = [o for o in mine if o["wanted"] in o["found"][:3]]
        result.append(
            {
                "language": lang,
                "queries": len(mine),
                "recall_at_1": len(at_1) / len(mine),
                "recall_at_3": len(at_3) / len(mine),
                "missed_top_3": [o["query"] for o in mine if o not in at_3],
                "not_first": [o["query"] for o in mine if o not in at_1],
                "zero_results": [o["query"] for o in mine if not o["results"]],
                "unanswerable": len(others),
                "unanswerable_without_help": [o["query"] for o in others if not o.get("help")],
            }
        )
    return result


def print_search(result: dict[str, Any]) -> None:
    heading("Search: the query set (index and bytes in KiB over gzip; times in ms until the results settled)")

    def shown(value: float | None, fmt: str) -> str:
        return "—" if value is None else format(value, fmt)

    rows = [
        [
            entry["language"],
            str(entry["documents"]),
            kib(entry["index_gzip"]),
            f"{len(entry['found_in_top_3'])}/{len(entry['queries'])}" if entry["queries"] else "—",
            "—" if entry["first_query_bytes"] is None else kib(entry["first_query_bytes"]),
            "—" if entry["median_query_bytes"] is None else kib(entry["median_query_bytes"]),
            shown(entry["first_query_ms"], ".0f"),
            shown(entry["median_query_ms"], ".0f"),
        ]
        for entry in result["languages"]
    ]
    print(table(["language", "sections", "index gzip", "recall at 3", "first query KiB", "later query KiB", "first ms", "later ms"], rows))
    for entry in result["languages"]:
        if entry["missed"]:
            print(f"{entry['language']}: not in the top 3: {', '.join(entry['missed'])}")
    print("first query: from opening search (loads the index and the search code) to its results settled;")
    print("later: each other query of the set, search loaded: from emptying the field and typing it to its results (medians)")
    first = result.get("first_answer")
    if first:
        heading("First answer on a slow phone: tapping search to the first result (slow 4G: 150 ms, 1.6 Mbit/s; CPU 4× slower)")
        print(
            table(
                ["language", "query", "ms", "from Playwright's tap", "shown while loading"],
                [[e["language"], e["query"], f"{e['ms']:.0f}", tap_cell(e), e["loading"]] for e in first["languages"]],
            )
        )
        print(f"median over languages: {first['median_ms']:.0f} ms")
        print("ms: from the touch reaching the page, the query typed at once; from Playwright's tap: its checks of the button first")
    peer = result.get("pagefind") or {}
    for name, entries in result.get("sets", {}).items():
        heading(f"Search recall, {name} set (answerable queries: their page is in the language's index)")
        theirs = {e["language"]: e for e in peer.get("sets", {}).get(name, [])}
        extra = ["Pagefind at 1", "Pagefind at 3", "Pagefind no result"] if "sets" in peer else []
        rows = [
            [
                e["language"],
                str(e["queries"]),
                f"{e['recall_at_1']:.2f}",
                f"{e['recall_at_3']:.2f}",
                str(len(e["zero_results"])),
                f"{e['unanswerable'] - len(e['unanswerable_without_help'])}/{e['unanswerable']}" if e["unanswerable"] else "—",
                *(peer_cells(theirs.get(e["language"])) if extra else []),
            ]
            for e in entries
        ]
        if len(entries) > 1:
            mine = overall(entries)
            rows.append(
                [
                    "all",
                    str(mine["queries"]),
                    f"{mine['recall_at_1']:.2f}",
                    f"{mine['recall_at_3']:.2f}",
                    str(len(mine["zero_results"])),
                    "",
                    *(peer_cells(overall([theirs[e["language"]] for e in entries if e["language"] in theirs])) if extra else []),
                ]
            )
        print(table(["language", "queries", "recall at 1", "recall at 3", "no result", "not answered: clinic offered", *extra], rows))
        if name == "held-out":  # its queries are never shown where those who tune search read (PERFORMANCE.md, a run's output)
            aside = result.get("held_out_set_aside", [])
            languages = ", ".join(f"{lang} {n}" for lang, n in Counter(q["language"] for q in aside).items())
            print(
                f"held-out queries the tuning set holds too, set aside (search was tuned on them): {len(aside)}{f' ({languages})' if aside else ''}"
            )
            print("held-out misses: counted above, the queries in --json only")
            continue
        for e in entries:
            if e["missed_top_3"] or e["zero_results"]:
                print(
                    f"{e['language']}: not in the top 3: {', '.join(e['missed_top_3']) or '—'}; no result: {', '.join(e['zero_results']) or '—'}"
                )
    if "sets" in peer:
        print(
            f"Pagefind {peer['version']} (extended), the peer: the same built site indexed by Pagefind outside it, its JavaScript API "
            "(default options; no synonyms) in Chromium per language, scored as the site's search; its misses are in --json"
        )
    elif peer:
        print(f"Pagefind: not measured — {peer['not_measured']}")


def overall(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall at 1 and 3 over every language's answerable queries together (each query
    counts once), and the queries without results; from recall_by_language's entries."""
    queries = sum(e["queries"] for e in entries)
    return {
        "queries": queries,
        "recall_at_1": sum(e["recall_at_1"] * e["queries"] for e in entries) / queries if queries else 0.0,
        "recall_at_3": sum(e["recall_at_3"] * e["queries"] for e in entries) / queries if queries else 0.0,
        "zero_results": [f"{e['language']}:{q}" for e in entries for q in e["zero_results"]],
    }


def peer_cells(entry: dict[str, Any] | None) -> list[str]:
    """A peer's recall at 1 and 3 and its queries without results, as the recall table shows them."""
    if entry is None:
        return ["—", "—", "—"]
    return [f"{entry['recall_at_1']:.2f}", f"{entry['recall_at_3']:.2f}", str(len(entry["zero_results"]))]


# --- part: lighthouse ------------------------------------------------------------------


def run_lighthouse(url: str) -> dict[str, Any]:
    if not LIGHTHOUSE.exists():
        raise SetupError(f"{LIGHTHOUSE} is missing: run `bash scripts/setup.sh --system` (installs the pinned Lighthouse)")
    if not Path(browser.CHROMIUM).exists():
        raise SetupError(f"{browser.CHROMIUM} is missing: run `bash scripts/setup.sh --system`")
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        f"--chrome-flags={' '.join(browser.CHROMIUM_ARGS)}",
    ]
    errors = []
    for _ in range(LIGHTHOUSE_ATTEMPTS):  # Lighthouse 12 with headless Chromium now and then loses its trace (NO_NAVSTART)
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": browser.CHROMIUM}, timeout=300)
        report = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else {}
        if report and not report.get("runtimeError"):
            return report
        errors.append((report.get("runtimeError") or {}).get("message") or (result.stderr.strip().splitlines() or ["no output"])[-1])
    raise SetupError(f"Lighthouse failed {LIGHTHOUSE_ATTEMPTS} times on {url}: {errors}")


def lighthouse_summary(report: dict[str, Any]) -> dict[str, Any]:
    """The four scores (0-100) and the audits not passed (scored ones and performance opportunities)."""
    scores = {key: round((report["categories"][key]["score"] or 0) * 100) for key in LIGHTHOUSE_CATEGORIES}
    weighted = {ref["id"] for key in LIGHTHOUSE_CATEGORIES for ref in report["categories"][key]["auditRefs"] if ref.get("weight")}
    failing = sorted(
        audit_id
        for audit_id, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < (0.9 if audit.get("scoreDisplayMode") == "numeric" else 1)
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        and (audit_id in weighted or audit.get("scoreDisplayMode") == "metricSavings")
    )
    metrics = {
        audit_id: report["audits"][audit_id].get("displayValue", "")
        for audit_id in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
        if audit_id in report["audits"]
    }
    return {"scores": scores, "failing": failing, "metrics": metrics}


def measure_lighthouse(served: Served, catalogue: model.Catalogue, runs: int) -> list[dict[str, Any]]:
    """Each language's home page on `served`'s host, `runs` times: median scores, and every
    audit not passed in any run."""
    pages = []
    for lang in catalogue.languages:
        url = served.origin + catalogue.language_url(lang.code)
        summaries = [lighthouse_summary(run_lighthouse(url)) for _ in range(runs)]
        scores = {key: int(median([s["scores"][key] for s in summaries])) for key in LIGHTHOUSE_CATEGORIES}
        failing = sorted({audit for s in summaries for audit in s["failing"]})
        pages.append({"host": served.host, "language": lang.code, "url": url, "scores": scores, "failing": failing, "runs": summaries})
        print(f"  lighthouse: {served.host} {lang.code} {'/'.join(str(scores[k]) for k in LIGHTHOUSE_CATEGORIES)}", file=sys.stderr)
    return pages


def print_lighthouse(result: dict[str, Any]) -> None:
    heading(f"Lighthouse 12 mobile (median scores of {result['runs']} runs; each language's home page on each host)")
    rows = [
        [p["host"], p["language"], *(str(p["scores"][key]) for key in LIGHTHOUSE_CATEGORIES), " ".join(p["failing"]) or "—"]
        for p in result["pages"]
    ]
    print(tables.table(["host", "language", *LIGHTHOUSE_CATEGORIES, "audits not passed"], rows, right=range(2, 6)))
    for host in dict.fromkeys(p["host"] for p in result["pages"]):
        print(f"{host}: {HOSTS.get(host, host)}")
    if result.get("nginx_missing"):
        print(result["nginx_missing"])
    metrics = result["pages"][0]["runs"][0]["metrics"] if result["pages"] else {}
    if metrics:
        first = result["pages"][0]
        print(f"metrics ({first['host']} {first['language']}, first run): " + ", ".join(f"{k} {v}" for k, v in metrics.items()))


# --- part: build -----------------------------------------------------------------------


def config_for(
    root: Path,
    *,
    build_only: str | None = None,
    languages: list[dict[str, Any]] | None = None,
    nav: list[str] | None = None,
    handouts: bool | None = None,
) -> str:
    """The project's mkdocs.yml as plain YAML (environment tags read as their defaults),
    optionally building one language only, with other languages and pages, or with
    handouts made or not (`extra.handouts`, as HANDOUTS=1 sets it)."""
    config = model.load_mkdocs_config(root)
    if handouts is not None:
        config.setdefault("extra", {})["handouts"] = handouts
    i18n = model.i18n_plugin_config(config)
    if languages is not None:
        i18n["languages"] = languages
    if build_only is not None:
        for entry in i18n["languages"]:
            entry["build"] = entry["locale"] == build_only
    if nav is not None:
        config["nav"] = nav
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


@dataclass
class Timing:
    cpu: float  # seconds of CPU the build used (user + system)
    wall: float


def timed_build(project: Path, site: Path, env: dict[str, str] | None = None) -> Timing:
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    result = strict_build(
        project, site, env, base_env={key: value for key, value in os.environ.items() if key not in ("SITE_URL", "PRODUCTION")}
    )
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SetupError(f"the strict build of {project} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return Timing(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall)


def measure_build(workdir: Path, runs: int, catalogue: model.Catalogue) -> dict[str, Any]:
    full, english = workdir / "full", workdir / "english"
    copy_project(full, ROOT)
    copy_project(english, ROOT)
    (full / "mkdocs.yml").write_text(config_for(full), encoding="utf-8")
    (english / "mkdocs.yml").write_text(config_for(english, build_only=catalogue.default.code), encoding="utf-8")
    full_times, english_times = [], []
    for _ in range(runs):  # interleaved, so a busy moment hits both alike
        full_times.append(timed_build(full, workdir / "site-full"))
        english_times.append(timed_build(english, workdir / "site-english"))
    count = len(catalogue.languages)
    full_cpu, english_cpu = median([t.cpu for t in full_times]), median([t.cpu for t in english_times])
    gate_cpu = measure_output_gate(workdir / "site-full", full, catalogue, runs)
    return {
        "reads": count_reads(full, workdir / "site-reads"),
        "output_gate_cpu_s": gate_cpu,
        "output_gate_share": gate_cpu / (full_cpu - gate_cpu),
        "languages": count,
        "pages": len(catalogue.pages),
        "full_cpu_s": full_cpu,
        "full_wall_s": median([t.wall for t in full_times]),
        "english_cpu_s": english_cpu,
        "english_wall_s": median([t.wall for t in english_times]),
        "ratio": full_cpu / (count * english_cpu),
        "runs": [{"full": asdict(f), "english": asdict(e)} for f, e in zip(full_times, english_times, strict=True)],
    }


READS_PROBE = "--probe-reads"  # this script, run again as the build's process: see count_reads


def count_reads(project: Path, site: Path) -> dict[str, int]:
    """How often one strict build of `project` reads its pages: `model.parse_page` calls and
    the parses they cost (a file's text is parsed once while it stays the same), YAML
    documents loaded (front matter, l10n files, mkdocs.yml, by anyone), Markdown renderings
    (the gate's and MkDocs'). Counted in a process of its own, running the build in-process."""
    result = subprocess.run(
        [sys.executable, __file__, READS_PROBE, str(project), str(site)], capture_output=True, text=True, cwd=project, check=False
    )
    if result.returncode != 0:
        raise SetupError(f"the counted build failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def probe_reads(project: Path, site: Path) -> dict[str, int]:
    """count_reads' other half: the build, in this process, its readers wrapped and counted."""
    import markdown
    from properdocs.commands.build import build
    from properdocs.config import load_config
    from sitekit.model import pages

    counts = dict.fromkeys(["page_readings", "page_parses", "yaml_loads", "markdown_renders"], 0)

    def counted(owner: Any, name: str, key: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[key] += 1
            return original(*args, **kwargs)

        setattr(owner, name, wrapper)

    counted(model, "parse_page", "page_readings")
    counted(pages, "parse_page", "page_readings")  # the package's own callers (read_page)
    counted(pages, "_parse_page", "page_parses")
    counted(yaml, "load", "yaml_loads")  # safe_load goes through load
    counted(markdown.Markdown, "convert", "markdown_renders")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return counts


def measure_output_gate(site: Path, project: Path, catalogue: model.Catalogue, runs: int) -> float:
    """The output gate's CPU time (median) over a built site as the build hands it over:
    without the compressed copies and headers written after it. Its share of the build is
    this over the build's own time less it (a build without the gate)."""
    import material

    handed_over = site.with_name(site.name + "-gate")
    shutil.rmtree(handed_over, ignore_errors=True)
    shutil.copytree(site, handed_over, ignore=shutil.ignore_patterns("*.gz", "*.br", serving.HEADERS_FILE, "_nginx"))
    theme = [project / "overrides", Path(material.__file__).parent / "templates"]
    site_url = str(model.load_mkdocs_config(project)["site_url"])  # the benchmark's builds use its default
    for lang in catalogue.languages:  # judged, as the build's catalogue is by then
        catalogue.published(lang.code)
    times = []
    for _ in range(runs):
        start = time.process_time()
        rules = output_gate.project_rules(catalogue, site_url=site_url, scope="/", theme_dirs=theme, link_hosts=[])
        faults = output_gate.check(handed_over, rules)
        times.append(time.process_time() - start)
    if faults:
        raise SetupError("the output gate finds faults in the benchmark's build:\n" + "\n".join(f.format() for f in faults[:10]))
    return median(times)


def print_build(result: dict[str, Any]) -> None:
    heading(f"Build time (median of {len(result['runs'])} strict builds, each a whole `properdocs build` process)")
    count, pages = result["languages"], result["pages"]
    print(
        table(
            ["build", "CPU s", "wall s", "CPU ms per page-language"],
            [
                [
                    f"whole site ({count} languages × {pages} pages)",
                    f"{result['full_cpu_s']:.2f}",
                    f"{result['full_wall_s']:.2f}",
                    f"{1000 * result['full_cpu_s'] / (count * pages):.0f}",
                ],
                [
                    f"English only ({pages} pages)",
                    f"{result['english_cpu_s']:.2f}",
                    f"{result['english_wall_s']:.2f}",
                    f"{1000 * result['english_cpu_s'] / pages:.0f}",
                ],
            ],
        )
    )
    print(f"ratio whole / ({count} × English only), CPU: {result['ratio']:.2f} (whole processes, start-up included)")
    if "output_gate_cpu_s" in result:
        print(
            f"output gate: {result['output_gate_cpu_s']:.2f} s CPU, {100 * result['output_gate_share']:.1f} % more than the build without it"
        )
    if "reads" in result:
        reads = result["reads"]
        print(
            f"one build's readings of {count * pages} page files: {reads['page_readings']} asked for, {reads['page_parses']} parsed; "
            f"{reads['yaml_loads']} YAML documents loaded, {reads['markdown_renders']} Markdown renderings"
        )


# --- part: handouts --------------------------------------------------------------------


def measure_handouts(workdir: Path, runs: int, catalogue: model.Catalogue) -> dict[str, Any]:
    """Whole builds without handouts; with every handout made afresh (the
    handouts' cache emptied), by worker processes during the build (as a build makes
    them) and by the build's own process at its end (HANDOUT_PROCESSES=0); and with every
    handout unchanged (from the cache); interleaved. The builds have a cache folder of
    their own (XDG_CACHE_HOME), warmed once for the theme's compressed files, so only the
    handouts differ. CPU time counts the worker processes too."""
    with_them, without = workdir / "handouts-with", workdir / "handouts-without"
    copy_project(with_them, ROOT)
    copy_project(without, ROOT)
    (with_them / "mkdocs.yml").write_text(config_for(with_them, handouts=True), encoding="utf-8")
    (without / "mkdocs.yml").write_text(config_for(without, handouts=False), encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(workdir / "cache"), handout.PROCESSES_VARIABLE: str(handout.processes()), "HANDOUTS": "1"}
    serial = {**env, handout.PROCESSES_VARIABLE: "0"}
    handouts_cache = workdir / "cache" / "painpump-site" / "handouts"
    site = workdir / "site-handouts"
    timed_build(without, site, env)  # warms the compressed theme files' cache
    times: dict[str, list[Timing]] = {kind: [] for kind in HANDOUT_BUILDS}
    for _ in range(runs):
        times["without"].append(timed_build(without, site, env))
        shutil.rmtree(handouts_cache, ignore_errors=True)
        times["afresh"].append(timed_build(with_them, site, env))
        shutil.rmtree(handouts_cache, ignore_errors=True)
        times["afresh_serial"].append(timed_build(with_them, site, serial))
        times["unchanged"].append(timed_build(with_them, site, env))
    from pypdf import PdfReader

    files = []
    for made in handout.handouts(catalogue):
        path = site / made.path(catalogue)
        sides = len(PdfReader(path).pages)
        files.append({"file": made.path(catalogue), "bytes": path.stat().st_size, "sheets": sides, "paper": handout.paper(sides)})
    measure_print_cost(files, site, with_them, catalogue)
    cpu = {kind: median([t.cpu for t in found]) for kind, found in times.items()}
    wall = {kind: median([t.wall for t in found]) for kind, found in times.items()}
    return {
        "processes": handout.processes(),
        "load": os.getloadavg(),
        "cpu_s": cpu,
        "wall_s": wall,
        "ratio_afresh": wall["afresh"] / wall["without"],
        "ratio_unchanged": wall["unchanged"] / wall["without"],
        "cpu_ratio_afresh": cpu["afresh"] / cpu["without"],
        "files": files,
        "runs": {kind: [asdict(t) for t in found] for kind, found in times.items()},
    }


def measure_print_cost(files: list[dict[str, Any]], site: Path, project: Path, catalogue: model.Catalogue) -> None:
    """Each handout's `cpu_s`: the CPU seconds WeasyPrint takes to print it again from the
    built site, in this process (the stylesheets parsed once for all, as a build's worker does)."""
    from mkdocs.theme import Theme  # after sitekit, which makes `mkdocs` ProperDocs

    template = Theme(name="material", custom_dir=str(project / "overrides")).get_env().get_template(handout.TEMPLATE)
    site_url = str(model.load_mkdocs_config(project).get("site_url") or "")
    styles = handout.Styles(site, site_url)
    for entry, made in zip(files, handout.handouts(catalogue), strict=True):
        doc = handout.document(made, site, site_url, catalogue, template)
        started = time.process_time()
        handout.render(doc, site, site_url, styles)
        entry["cpu_s"] = time.process_time() - started


def print_handouts(result: dict[str, Any]) -> None:
    heading(f"PDF handouts (median of {len(result['runs']['without'])} whole strict builds each; load at the end {result['load'][0]:.1f})")
    rows = [
        [
            label.format(processes=result["processes"]),
            f"{result['cpu_s'][kind]:.2f}",
            f"{result['cpu_s'][kind] / result['cpu_s']['without']:.2f}",
            f"{result['wall_s'][kind]:.2f}",
            f"{result['wall_s'][kind] / result['wall_s']['without']:.2f}",
        ]
        for kind, label in HANDOUT_BUILDS.items()
    ]
    print(table(["build", "CPU s", "CPU × without", "wall s", "wall × without"], rows))
    print(
        table(
            ["handout", "KiB", "sheets", "paper (double-sided)", "print CPU s"],
            [
                [f["file"], kib(f["bytes"]), str(f["sheets"]), str(f["paper"]), f"{f['cpu_s']:.2f}" if "cpu_s" in f else "—"]
                for f in result["files"]
            ],
        )
    )


# --- part: engines ------------------------------------------------------------------------

BIDI_CONTROLS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def engine_handouts(catalogue: model.Catalogue) -> list[handout.Handout]:
    """The guides the engines are compared on: a right-to-left language's own guide and a
    left-to-right language's bilingual one (the longest kinds of document)."""
    made = handout.handouts(catalogue)
    rtl = next((h for h in made if h.partner is None and h.language.direction == "rtl"), None)
    bilingual = next((h for h in made if h.partner is not None and h.language.direction == "ltr"), None)
    return [h for h in (rtl, bilingual) if h is not None]


def pdf_text(path: Path, first: int | None = None, last: int | None = None, height_pt: int | None = None) -> str:
    crop = ["-f", str(first)] if first else []
    crop += ["-l", str(last)] if last else []
    crop += ["-x", "0", "-y", "0", "-W", "1000", "-H", str(height_pt)] if height_pt else []
    return subprocess.run(["pdftotext", *crop, str(path), "-"], capture_output=True, text=True, check=True).stdout


def isolated_runs(html: str) -> list[str]:
    """What a browser shows as one left-to-right unit with digits (a <bdi>, an inline element
    with dir="ltr": addresses, phone numbers, web addresses), without spaces."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    runs = [node.get_text() for node in soup.find_all(["bdi", *handout._INLINE]) if node.name == "bdi" or node.get("dir") == "ltr"]
    flat = (re.sub(r"\s+", "", BIDI_CONTROLS.sub("", run)) for run in runs)
    return [run for run in flat if re.search(r"\d", run)]


def judge_pdf(path: Path, doc: handout.Document, strings: dict[str, str]) -> dict[str, Any]:
    """What a reader's tools find in a handout: sheets, tags, outline, the contents' page
    numbers, running heads, and right-to-left runs in their order."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    cover = BIDI_CONTROLS.sub("", pdf_text(path, 1, 1))
    numbered = len(re.findall(r"·\s*\d+|\d+\s*·", cover))
    call = re.sub(r"\s+", "", strings["call_clinic"])
    heads = sum(call in re.sub(r"\s+", "", pdf_text(path, n, n, height_pt=70)) for n in range(2, len(reader.pages) + 1))
    text = re.sub(r"\s+", "", BIDI_CONTROLS.sub("", pdf_text(path)))
    runs = isolated_runs(doc.html)
    return {
        "sheets": len(reader.pages),
        "bytes": path.stat().st_size,
        "tagged": bool(re.search(r"^Tagged:\s+yes", info, re.M)),
        "outline": len(reader.outline),
        "contents_numbered": numbered,
        "contents_pages": len(doc.pages),
        "running_heads": heads,
        "runs_in_order": sum(run in text for run in runs),
        "runs": len(runs),
    }


def print_with_chromium(chromium: Any, doc: handout.Document, site: Path, origin: str, target: Path) -> float:
    """The handout's document printed by Chromium (Playwright's page.pdf: A4, the page's
    own @page size, backgrounds, tagged, with an outline); returns the wall seconds."""
    html = doc.html.replace("</head>", "".join(f'<link rel="stylesheet" href="{url}">' for url in doc.stylesheets) + "</head>", 1)
    page_file = site / "_engines" / f"{target.stem}.html"
    page_file.parent.mkdir(parents=True, exist_ok=True)
    page_file.write_text(html, encoding="utf-8")
    context = chromium.new_context()
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(f"{origin}_engines/{page_file.name}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True, tagged=True, outline=True)
        return time.perf_counter() - started
    finally:
        context.close()


def measure_engines(workdir: Path, runs: int) -> dict[str, Any]:
    """The same documents (real-looking clinic details: sitekit.clinic.EXAMPLE) printed by
    WeasyPrint and by Chromium, each `runs` times (median time), judged alike."""
    from mkdocs.theme import Theme  # after sitekit, which makes `mkdocs` ProperDocs

    project = copy_project(workdir / "engines-project", ROOT)
    config = project / "mkdocs.yml"
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8")), encoding="utf-8")
    catalogue = project_catalogue(project)
    template = Theme(name="material", custom_dir=str(project / "overrides")).get_env().get_template(handout.TEMPLATE)
    rows = []
    with browser.local_server(workdir / "engines-site") as server, browser.chromium() as chromium:
        built = browser.build(server.directory, server.origin, project)
        if built.returncode != 0:
            raise SetupError(f"the build for the engines part failed:\n{built.stdout}{built.stderr}")
        for made in engine_handouts(catalogue):
            doc = handout.document(made, server.directory, server.origin, catalogue, template)
            name = "-".join(made.codes)
            strings = catalogue.strings(made.language.code)
            weasy, weasy_cpu, chrome = [], [], []
            for _ in range(runs):
                started, cpu = time.perf_counter(), time.process_time()
                pdf, _, _ = handout.render(doc, server.directory, server.origin)
                weasy.append(time.perf_counter() - started)
                weasy_cpu.append(time.process_time() - cpu)
                (workdir / f"weasyprint-{name}.pdf").write_bytes(pdf)
                chrome.append(print_with_chromium(chromium, doc, server.directory, server.origin, workdir / f"chromium-{name}.pdf"))
            rows.append(
                {
                    "engine": "WeasyPrint",
                    "handout": name,
                    "seconds": median(weasy),
                    "cpu_s": median(weasy_cpu),
                    **judge_pdf(workdir / f"weasyprint-{name}.pdf", doc, strings),
                }
            )
            rows.append(
                {
                    "engine": "Chromium",
                    "handout": name,
                    "seconds": median(chrome),
                    "cpu_s": None,
                    **judge_pdf(workdir / f"chromium-{name}.pdf", doc, strings),
                }
            )
    return {"runs": runs, "rows": rows}


def print_engines(result: dict[str, Any]) -> None:
    heading(f"PDF engines on the same documents (median of {result['runs']} prints; Chromium's CPU is in its own processes: wall only)")
    rows = [
        [
            row["engine"],
            row["handout"],
            str(row["sheets"]),
            kib(row["bytes"]),
            f"{row['seconds']:.2f}",
            "—" if row["cpu_s"] is None else f"{row['cpu_s']:.2f}",
            "yes" if row["tagged"] else "no",
            str(row["outline"]),
            f"{row['contents_numbered']}/{row['contents_pages']}",
            f"{row['running_heads']}/{row['sheets'] - 1}",
            f"{row['runs_in_order']}/{row['runs']}",
        ]
        for row in result["rows"]
    ]
    headers = [
        "engine",
        "handout",
        "sheets",
        "KiB",
        "wall s",
        "CPU s",
        "tagged",
        "outline",
        "contents numbered",
        "running heads",
        "RTL runs in order",
    ]
    print(table(headers, rows))


# --- part: scaling ---------------------------------------------------------------------


def material_languages() -> list[str]:
    """Two-letter languages Material has interface strings for and Babel knows."""
    from babel import Locale, UnknownLocaleError

    folder = Path(__import__("material").__file__).parent / "templates" / "partials" / "languages"
    codes = []
    for path in sorted(folder.glob("*.html")):
        code = path.stem
        if not re.fullmatch(r"[a-z]{2}", code):
            continue
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        codes.append(code)
    return codes


def synthetic_languages(count: int, catalogue: model.Catalogue) -> list[str]:
    """The site's own languages first, then others Material supports."""
    own = [lang.code for lang in catalogue.languages]
    others = [code for code in material_languages() if code not in own]
    chosen = (own + others)[:count]
    if len(chosen) < count:
        raise SetupError(f"only {len(chosen)} languages available for the synthetic site, {count} asked")
    return chosen


def make_synthetic_site(target: Path, languages: list[str], pages: int, root: Path = ROOT) -> None:
    """A copy of the project with `languages` × `pages`: the English pages, then copies of
    them with new titles; every other language holds translated pages (copies of the
    English text whose source_hash matches, with the English glossary), so each counts as
    translated: the publishing gate accepts them."""
    copy_project(target, root)
    english_code = model.default_language(root).code
    docs = model.docs_dir(target)
    for lang in model.languages(root)[1:]:
        shutil.rmtree(docs / lang.code, ignore_errors=True)
    real = model.page_names(target)
    english = docs / english_code
    names = list(real)
    for number in range(len(real), pages):
        name = f"extra-{number:03d}.md"
        source = model.read_page(english / real[number % len(real)])
        meta = {**source.meta, "title": f"{source.meta['title']} ({number})"}
        (english / name).write_text(model.format_page(meta, source.body), encoding="utf-8")
        names.append(name)
    names = names[:pages]
    for name in real[pages:]:
        (english / name).unlink()
    for code in languages:
        if code == english_code:
            continue
        folder = docs / code
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            source = model.read_page(english / name)
            meta = {**source.meta, "source_hash": model.source_hash(source)}
            (folder / name).write_text(model.format_page(meta, source.body), encoding="utf-8")
        l10n = target / "l10n" / code
        if not l10n.exists():
            shutil.copytree(target / "l10n" / english_code, l10n, ignore=shutil.ignore_patterns("history"))
        # The pages are English text: the English glossary is the one they follow (the gate refuses pages that miss its terms).
        shutil.copy(model.l10n_file(english_code, "glossary", target), model.l10n_file(code, "glossary", target))
    entries = [
        {"locale": code, "name": f"Language {code}", "build": True, **({"default": True} if code == english_code else {})}
        for code in languages
    ]
    if english_code not in languages:
        raise SetupError(f"the synthetic site needs the default language {english_code}")
    (target / "mkdocs.yml").write_text(config_for(target, languages=entries, nav=names), encoding="utf-8")


def measure_scaling(workdir: Path, sizes: list[int], pages: int, catalogue: model.Catalogue) -> dict[str, Any]:
    points = []
    for count in sizes:
        project = workdir / f"synthetic-{count}"
        make_synthetic_site(project, synthetic_languages(count, catalogue), pages)
        timing = timed_build(project, workdir / f"site-{count}")
        shutil.rmtree(project)
        shutil.rmtree(workdir / f"site-{count}")
        units = count * pages
        points.append(
            {
                "languages": count,
                "pages": pages,
                "cpu_s": timing.cpu,
                "wall_s": timing.wall,
                "ms_per_page_language": 1000 * timing.cpu / units,
            }
        )
        print(f"  scaling: {count} languages × {pages} pages built in {timing.cpu:.1f} s CPU", file=sys.stderr)
    growth = points[-1]["ms_per_page_language"] / points[0]["ms_per_page_language"] if points else float("nan")
    return {"points": points, "growth": growth}


def print_scaling(result: dict[str, Any]) -> None:
    heading("Scaling (synthetic sites; one strict build each)")
    rows = [
        [f"{p['languages']} × {p['pages']}", f"{p['cpu_s']:.1f}", f"{p['wall_s']:.1f}", f"{p['ms_per_page_language']:.1f}"]
        for p in result["points"]
    ]
    print(table(["languages × pages", "CPU s", "wall s", "CPU ms per page-language"], rows))
    print(f"time per page-language, largest / smallest site: {result['growth']:.2f} (1.00 = linear growth)")


# --- budgets ---------------------------------------------------------------------------


@dataclass
class Budget:
    name: str
    met: bool
    figure: str


def budgets(figures: dict[str, Any]) -> list[Budget]:
    found: list[Budget] = []
    weight = figures.get("weight")
    if weight:
        found.extend(first_visit_budgets(weight))
        found.append(second_visit_budget(weight))
        found.append(search_on_demand(weight))
        fonts = [
            r["url"]
            for p in weight["pages"]
            for key in ("first_visit_resources", "search_use_resources")
            for r in p.get(key, [])
            if r["kind"] == "font"
        ]
        found.append(Budget("no web fonts downloaded", not fonts, f"{len(fonts)} font files" + (f": {fonts[0]}" if fonts else "")))
    searched = figures.get("search")
    if searched:
        missed = [q for entry in searched["languages"] for q in entry["missed"]]
        asked = sum(len(entry["found_in_top_3"]) + len(entry["missed"]) for entry in searched["languages"])
        found.append(
            Budget(
                "every query of the set finds its page in the top 3",
                not missed,
                f"{asked - len(missed)}/{asked}" + (f"; missed: {', '.join(missed)}" if missed else ""),
            )
        )
        found.extend(recall_budgets(searched.get("sets", {})))
        if searched.get("first_answer"):
            found.append(first_answer_budget(searched["first_answer"]))
    lighthouse = figures.get("lighthouse")
    if lighthouse:
        found.append(lighthouse_budget(lighthouse))
    build = figures.get("build")
    if build:
        found.append(
            Budget(
                f"full build ≤ {BUILD_RATIO_BUDGET} × languages × English-only",
                build["ratio"] <= BUILD_RATIO_BUDGET,
                f"{build['ratio']:.2f} ×",
            )
        )
    copies = (figures.get("weight") or {}).get("offline")
    if copies:
        largest = max(copies, key=lambda copy: copy["brotli"])
        found.append(
            Budget(
                f"one language's offline copy ≤ {OFFLINE_COPY_BUDGET // 1024} KiB (Brotli)",
                largest["brotli"] <= OFFLINE_COPY_BUDGET,
                f"{kib(largest['brotli'])} KiB at most ({largest['lang']}, {largest['files']} files)",
            )
        )
    if build and "output_gate_share" in build:
        found.append(
            Budget(
                f"output gate ≤ {OUTPUT_GATE_BUDGET:.0%} of the build without it (CPU)",
                build["output_gate_share"] <= OUTPUT_GATE_BUDGET,
                f"{build['output_gate_share']:.1%} ({build['output_gate_cpu_s']:.2f} s)",
            )
        )
    handouts = figures.get("handouts")
    if handouts:
        found.append(
            Budget(
                f"build making every handout ≤ {HANDOUT_RATIO_BUDGET} × build without (wall)",
                handouts["ratio_afresh"] <= HANDOUT_RATIO_BUDGET,
                f"{handouts['ratio_afresh']:.2f} × ({handouts['ratio_unchanged']:.2f} × when unchanged; CPU {handouts['cpu_ratio_afresh']:.2f} ×)",
            )
        )
        largest = max(handouts["files"], key=lambda f: f["bytes"])
        found.append(
            Budget(
                f"each handout ≤ {handout.MAX_BYTES // 1024 // 1024} MiB",
                largest["bytes"] <= handout.MAX_BYTES,
                f"{kib(largest['bytes'])} KiB at most ({largest['file']})",
            )
        )
    scaling = figures.get("scaling")
    if scaling and len(scaling["points"]) > 1:
        first, last = scaling["points"][0], scaling["points"][-1]
        found.append(
            Budget(
                f"time per page-language constant {first['languages']}→{last['languages']} languages (≤ {SCALING_TOLERANCE} ×)",
                scaling["growth"] <= SCALING_TOLERANCE,
                f"{first['ms_per_page_language']:.1f} → {last['ms_per_page_language']:.1f} ms ({scaling['growth']:.2f} ×)",
            )
        )
    return found


def first_visit_budgets(weight: dict[str, Any]) -> list[Budget]:
    """Every page × language's first visit within the budget over gzip; and over Brotli (what
    the production configuration sends) below that: not more than a gzip-only host sends."""
    pages = weight["pages"]
    summary = first_visit_summary(pages)
    worst = summary["worst"]
    over = [p["page"] for p in pages if p["first_visit"]["total"]["gzip"] > FIRST_VISIT_BUDGET]
    figure = f"{kib(worst['first_visit']['total']['gzip'])} KiB at most ({worst['page']}), median {kib(summary['median_gzip'])} KiB"
    if over:
        figure += f"; over on {len(over)}/{len(pages)}"
    heavier = [p["page"] for p in pages if p["first_visit"]["total"]["brotli"] > p["first_visit"]["total"]["gzip"]]
    brotli_worst = max(pages, key=lambda p: p["first_visit"]["total"]["brotli"])
    brotli_figure = f"{kib(brotli_worst['first_visit']['total']['brotli'])} KiB at most ({brotli_worst['page']})"
    if heavier:
        brotli_figure += "; more than gzip on " + ", ".join(heavier)
    return [
        Budget(f"first visit ≤ {FIRST_VISIT_BUDGET // 1024} KiB over gzip, every page × language", not over, figure),
        Budget("first visit over Brotli ≤ over gzip, every page × language", not heavier, brotli_figure),
    ]


def second_visit_budget(weight: dict[str, Any]) -> Budget:
    """A second visit downloads nothing: every file from the cache or answered 304."""
    visited = [p for p in weight["pages"] if "second_visit" in p]
    paid = [f"{p['page']} {p['second_visit']['total']['transfer']} B" for p in visited if p["second_visit"]["total"]["transfer"]]
    requests = sum(p["second_visit"]["total"]["requests"] for p in visited)
    revalidated = sum(p["second_visit"]["total"]["revalidated"] for p in visited)
    figure = "; ".join(paid) if paid else f"0 bytes on {len(visited)} pages ({requests} requests, {revalidated} answered 304)"
    return Budget("second visit 0 bytes (each language's home page)", bool(visited) and not paid, figure)


def lighthouse_budget(lighthouse: dict[str, Any]) -> Budget:
    """100 in all four categories for every language on every host measured; the figure
    names the host and language of any score under 100, with the audits not passed."""
    hosts = list(dict.fromkeys(p["host"] for p in lighthouse["pages"]))
    low = [p for p in lighthouse["pages"] if any(score < 100 for score in p["scores"].values())]
    figure = "; ".join(
        f"{p['host']} {p['language']} {'/'.join(str(p['scores'][k]) for k in LIGHTHOUSE_CATEGORIES)}"
        + (f" ({', '.join(p['failing'])})" if p["failing"] else "")
        for p in low
    )
    if not low:
        figure = f"100 ×4 on {len(lighthouse['pages'])} language × host pages"
    if lighthouse.get("nginx_missing"):
        figure += "; nginx not installed: gzip-only host alone"
    return Budget(f"Lighthouse mobile 100 ×4, every language, on {' and '.join(hosts)}", bool(lighthouse["pages"]) and not low, figure)


LUNR_FILE = re.compile(r"/lunr/(?:min/)?lunr\.([a-z]{2,3}|multi|stemmer\.support)\.min\.js$|/lunr/(tinyseg|wordcut)\.js$")


def tap_cell(entry: dict[str, Any]) -> str:
    """A language's first answer counted from Playwright's tap ("—" in figures measured before it was)."""
    return f"{entry['from_tap_ms']:.0f}" if entry.get("from_tap_ms") is not None else "—"


def first_answer_budget(first: dict[str, Any]) -> Budget:
    """From tapping search to the first result on a slow phone, median over languages,
    within FIRST_ANSWER_BUDGET; no console warning in any language's search."""
    figure = ", ".join(f"{e['language']} {e['ms']:.0f}" for e in first["languages"])
    warned = [f"{e['language']}: {w}" for e in first["languages"] for w in e["warnings"]]
    met = first["median_ms"] is not None and first["median_ms"] <= FIRST_ANSWER_BUDGET and not warned
    return Budget(
        f"first search result ≤ {FIRST_ANSWER_BUDGET / 1000:.1f} s on slow 4G and a 4× slower CPU (median over languages), no console warning",
        met,
        f"median {first['median_ms']:.0f} ms ({figure})" + (f"; warnings: {'; '.join(warned)}" if warned else ""),
    )


def recall_budgets(sets: dict[str, list[dict[str, Any]]]) -> list[Budget]:
    """No answerable query of either set finds nothing; on the held-out set, recall at 3
    and at 1 per language at least HELDOUT_RECALL_AT_3 and HELDOUT_RECALL_AT_1."""
    found = []
    empty = [f"{e['language']}:{q}" for entries in sets.values() for e in entries for q in e["zero_results"]]
    if sets:
        found.append(Budget("no answerable query without results", not empty, f"{len(empty)}" + (f": {', '.join(empty)}" if empty else "")))
    heldout = sets.get("held-out")
    if heldout:
        low = [e for e in heldout if e["recall_at_3"] < HELDOUT_RECALL_AT_3 or e["recall_at_1"] < HELDOUT_RECALL_AT_1]
        figure = ", ".join(f"{e['language']} {e['recall_at_1']:.2f}/{e['recall_at_3']:.2f}" for e in heldout)
        found.append(
            Budget(
                f"held-out recall at 3 ≥ {HELDOUT_RECALL_AT_3}, at 1 ≥ {HELDOUT_RECALL_AT_1} in every language", not low, f"@1/@3: {figure}"
            )
        )
    return found


def search_on_demand(weight: dict[str, Any]) -> Budget:
    """No search file on a first visit; when search is used, results, and no other language's code."""
    early, foreign, broken = [], [], []
    for entry in weight["pages"]:
        if any(r["kind"] == "search" for r in entry["first_visit_resources"]):
            early.append(entry["page"])
        if "search_use_resources" not in entry:
            continue  # search is used on one page per language
        files = {
            urlsplit(r["url"]).path.rsplit("/", 1)[-1]
            for r in entry["first_visit_resources"] + entry["search_use_resources"]
            if (m := LUNR_FILE.search(r["url"])) and m.group(1) not in (None, entry["language"], "stemmer.support")
        }
        if files:
            foreign.append(f"{entry['page']} ({', '.join(sorted(files))})")
        if not entry["search_results"]:
            broken.append(entry["page"])
    problems = []
    if early:
        problems.append(f"search files on the first visit of {len(early)}/{len(weight['pages'])} pages")
    if foreign:
        problems.append("other languages' search code: " + ", ".join(foreign))
    if broken:
        problems.append("no search results on " + ", ".join(broken))
    return Budget("search code: reader's language only, only when used", not problems, "; ".join(problems) or "on every page measured")


PRINTERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "weight": print_weight,
    "search": print_search,
    "lighthouse": print_lighthouse,
    "build": print_build,
    "scaling": print_scaling,
    "handouts": print_handouts,
    "engines": print_engines,
}


def print_budgets(found: list[Budget]) -> None:
    heading("Budgets")
    if not found:
        print("(the parts run check no budget)")
        return
    print(
        tables.table(["budget", "result", "figure"], [[b.name, "met" if b.met else "NOT MET", b.figure] for b in found])
    )  # prose: left-aligned


# --- PERFORMANCE.md --------------------------------------------------------------------

PART_TITLES = {
    "weight": "What a phone downloads (weight)",
    "search": "Search",
    "lighthouse": "Lighthouse mobile scores",
    "build": "Build time",
    "scaling": "How the build scales",
    "handouts": "PDF handouts",
}
PART_START = "<!-- part: {part} -->"
PART_END = "<!-- /part -->"
EARLIER = "<!-- earlier figures: kept as written -->"
PERFORMANCE_HEADER = """# Performance figures

Written by `.venv/bin/python scripts/benchmark.py --write PERFORMANCE.md` (what each part
measures, its budgets and options: `scripts/benchmark.py --help`; the README's
Performance section says how to run it). Each part below is dated, with the commit it was
measured at: a run that measures some parts replaces those and keeps the others as they
were. Do not edit the parts by hand; what follows them (how the figures are measured, and
the figures measured before this file was written) is kept as written.
"""


@dataclass
class Measured:
    """When and where figures were measured, as PERFORMANCE.md says it."""

    date: str  # ISO, UTC
    commit: str  # short hash, "(with uncommitted changes)" when the work tree differs
    cpus: int
    load: float
    runs: int

    def line(self) -> str:
        runs = "one run" if self.runs == 1 else f"medians of {self.runs} runs"
        return f"Measured on {self.date} at commit {self.commit}: {self.cpus} CPUs, load {self.load:.1f}, {runs}."


def current_commit(root: Path = ROOT) -> str:
    """The work tree's commit, as a short hash (with a note when files differ from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} (with uncommitted changes)" if dirty.strip() else head


def cell(text: str) -> str:
    """Text for a Markdown table's cell (a `|` would split the row)."""
    return text.replace("|", "&#124;")


def part_section(part: str, result: dict[str, Any], measured: Measured) -> str:
    """One part's figures as PERFORMANCE.md keeps them: what its printer shows, then its budgets."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        PRINTERS[part](result)
    rows = [f"| {cell(b.name)} | {'met' if b.met else 'NOT MET'} | {cell(b.figure)} |" for b in budgets({part: result})]
    lines = [
        PART_START.format(part=part),
        f"## {PART_TITLES[part]}",
        "",
        measured.line(),
        "",
        "```text",
        printed.getvalue().strip("\n"),
        "```",
    ]
    if rows:
        lines += ["", "| budget | result | figure |", "| --- | --- | --- |", *rows]
    return "\n".join([*lines, PART_END]) + "\n"


def kept_sections(previous: str) -> tuple[dict[str, str], str]:
    """The parts an earlier PERFORMANCE.md holds (by part), and its earlier figures (from the marker on)."""
    found = {}
    for part in PARTS:
        start = previous.find(PART_START.format(part=part))
        end = previous.find(PART_END, start)
        if start != -1 and end != -1:
            found[part] = previous[start : end + len(PART_END)] + "\n"
    marker = previous.find(EARLIER)
    return found, previous[marker:] if marker != -1 else ""


def performance_markdown(figures: dict[str, Any], measured: Measured, previous: str = "") -> str:
    """PERFORMANCE.md: the parts in `figures` as measured now, the others as `previous` had them."""
    kept, earlier = kept_sections(previous)
    sections = [
        part_section(part, figures[part], measured) if part in figures else kept[part] for part in PARTS if part in figures or part in kept
    ]
    return "\n".join([PERFORMANCE_HEADER, *sections, *([earlier.rstrip("\n") + "\n"] if earlier else [])])


def write_performance(path: Path, figures: dict[str, Any]) -> None:
    machine = figures["machine"]
    measured = Measured(dt.datetime.now(dt.UTC).date().isoformat(), current_commit(), machine["cpus"], machine["load"][0], figures["runs"])
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(performance_markdown({p: figures[p] for p in PARTS if p in figures}, measured, previous), encoding="utf-8")


# --- command line ----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run (default: all): {', '.join(PARTS)}")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="builds, Lighthouse runs per language and search queries per language (at least 3) that each median is taken over (default 3)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every figure to PATH as JSON")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="PATH",
        help="also write the figures, dated and with the commit, into PATH (PERFORMANCE.md): the parts run replace theirs, the others are kept",
    )
    parser.add_argument("--scaling-languages", default="5,10,20,30", help="language counts of the synthetic sites (default 5,10,20,30)")
    parser.add_argument("--scaling-pages", type=int, default=50, help="pages per language of the synthetic sites (default 50)")
    args = parser.parse_args(argv)
    args.parts = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = [part for part in args.parts if part not in PARTS]
    if unknown or not args.parts:
        parser.error(f"unknown part(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(PARTS)}")
    try:
        args.sizes = sorted(int(n) for n in args.scaling_languages.split(","))
    except ValueError:
        parser.error("--scaling-languages takes numbers separated by commas, e.g. 5,10,20,30")
    if args.runs < 1 or args.scaling_pages < 1 or any(n < 1 for n in args.sizes):
        parser.error("--runs, --scaling-pages and --scaling-languages must be at least 1")
    return args


def run(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """Measure the parts asked for into `figures`, printing each part's table when it is done."""
    catalogue = project_catalogue(ROOT)
    figures.update({"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()}, "runs": args.runs})

    def done(part: str, result: dict[str, Any]) -> None:
        figures[part] = result
        PRINTERS[part](result)
        sys.stdout.flush()

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        workdir = Path(tmp)
        if {"weight", "search", "lighthouse"} & set(args.parts):
            hosts, nginx_missing = available_hosts()
            if nginx_missing:
                print(f"benchmark: {nginx_missing}", file=sys.stderr)
            port = nginx.reserve_port()
            site = workdir / "site"
            checked_build(site, f"http://127.0.0.1:{port}/")  # once: each host serves it on this port in turn
            scored: list[dict[str, Any]] = []
            for host in hosts:
                with hosted(site, port, host) as served:
                    if host == hosts[0] and {"weight", "search"} & set(args.parts):
                        with browser.chromium() as chromium:
                            if "weight" in args.parts:
                                done("weight", {**measure_weight(served, chromium, catalogue), "offline": offline_copies(site, catalogue)})
                            if "search" in args.parts:
                                done("search", measure_search(served, chromium, catalogue, args.runs))
                    if "lighthouse" in args.parts:
                        scored.extend(measure_lighthouse(served, catalogue, args.runs))
            if "lighthouse" in args.parts:
                done("lighthouse", {"runs": args.runs, "nginx_missing": nginx_missing, "pages": scored})
        if "build" in args.parts:
            done("build", measure_build(workdir, args.runs, catalogue))
        if "scaling" in args.parts:
            done("scaling", measure_scaling(workdir, args.sizes, args.scaling_pages, catalogue))
        if "handouts" in args.parts:
            done("handouts", measure_handouts(workdir, args.runs, catalogue))
        if "engines" in args.parts:
            done("engines", measure_engines(workdir, args.runs))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [READS_PROBE]:  # count_reads' child process: the counted build
        print(json.dumps(probe_reads(Path(argv[1]), Path(argv[2]))))
        return 0
    args = parse_args(argv)
    figures: dict[str, Any] = {}
    try:
        run(args, figures)
    except Exception as err:
        # sitekit.browser raises RuntimeError when Chromium is missing; Playwright its own errors.
        if not isinstance(err, SetupError | RuntimeError | ImportError) and not type(err).__module__.startswith("playwright"):
            raise
        print(f"benchmark: {str(err).strip()}", file=sys.stderr)
        if args.json:
            figures["error"] = str(err)
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
            print(f"the figures measured before the error are in {args.json}", file=sys.stderr)
        return 2
    found = budgets(figures)
    figures["budgets"] = [asdict(b) for b in found]
    print_budgets(found)
    load = figures["machine"]["load"][0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"\nnote: the machine was busy (load {load:.1f} on {os.cpu_count()} CPUs): times are noisy; sizes are not.")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")
    if args.write:
        write_performance(args.write, figures)
        print(f"figures written into {args.write}")
    return 0 if all(b.met for b in found) else 1


if __name__ == "__main__":
    sys.exit(main())
