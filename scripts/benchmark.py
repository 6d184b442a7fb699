#!/usr/bin/env python3
"""Measure what the site costs its readers and its editors, and check the budgets.

Parts (all by default; pick some with --only weight,search,...):
  weight      bytes a phone downloads on a first and a second visit to one page per
              language and to the largest page, by type, raw and compressed; what using
              search adds (Debian Chromium, every request the browser makes)
  search      each language's search index (raw, gzip); in the browser, time from
              opening search to the first results, and from a query's last key to results
  lighthouse  Lighthouse mobile scores (performance, accessibility, best practices,
              SEO), one page per language, with the audits not passed
  build       median time of strict builds of the whole site and of English only
  scaling     synthetic sites (many languages × pages) made from the project: time per
              page-language as the site grows

The site is served by the production nginx configuration when nginx (with its Brotli
module) is installed (compressed sizes: what it sends a browser accepting Brotli and
gzip), otherwise by a plain local server that compresses nothing (compressed sizes: each
downloaded file gzipped, labelled so). Build times are CPU seconds of the build process
(steadier than wall time on a busy machine); wall time is shown beside. Needs Chromium and Lighthouse:
`bash scripts/setup.sh --system`.

Budgets (checked for the parts run): first visit ≤ 60 KiB compressed; search files
only once search is used, and only the reader's language's; no web fonts; Lighthouse
100/100/100/100 in every language; whole build ≤ 1.2 × languages × English-only build;
time per page-language constant within 1.25 × from the smallest to the largest
synthetic site.

Exit status: 0 every budget measured is met, 1 a budget is missed, 2 a setup error.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sitekit import browser, model, nginx, serving, tables
from sitekit.project import copy_project, strict_build

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder

PARTS = ("weight", "search", "lighthouse", "build", "scaling")
FIRST_VISIT_BUDGET = 60 * 1024  # bytes, compressed
BUILD_RATIO_BUDGET = 1.2  # full build / (languages × English-only build)
SCALING_TOLERANCE = 1.25  # time per page-language, largest site / smallest site
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_ATTEMPTS = 3
KINDS = ("html", "css", "js", "search", "font", "other")
COMPRESSIBLE = (*serving.COMPRESSED_SUFFIXES, "/")  # what a compressing server would send compressed
SEARCH_PATHS = ("/search/search_index.json", "/assets/javascripts/workers/search.", "/assets/javascripts/lunr/")
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
    return len(serving.compress(data, "gz"))  # the levels the build's own .gz files use


def brotli_size(data: bytes) -> int:
    return len(serving.compress(data, "br"))


# --- the site and its server ---------------------------------------------------------------


def checked_build(site: Path, site_url: str, project: Path = ROOT) -> None:
    result = browser.build(site, site_url, project)
    if result.returncode != 0:
        raise SetupError(f"the strict build failed:\n{(result.stdout + result.stderr)[-3000:]}")


@dataclass
class Served:
    site: Path
    origin: str
    server: str
    compresses: bool  # the server sends gzip/Brotli itself


@contextmanager
def served_site(workdir: Path) -> Iterator[Served]:
    """Build the site for its server's address and serve it: the production nginx
    configuration when nginx is installed, else the plain local server."""
    site = workdir / "site"
    try:
        nginx.require_nginx()
    except nginx.NginxUnavailable:
        with browser.local_server(site) as server:
            checked_build(site, server.origin)
            yield Served(site, server.origin, "local server without compression (compressed sizes computed)", False)
        return
    port = nginx.reserve_port()
    checked_build(site, f"http://127.0.0.1:{port}/")
    with nginx.nginx_server(site, port) as origin:
        yield Served(site, origin, "nginx (production configuration)", True)


def pages_to_weigh(served: Served, catalogue: model.Catalogue) -> list[tuple[str, str, str]]:
    """(label, language, URL): each language's home page, and the largest page of the site."""
    pages = [(f"{lang.code} home", lang.code, served.origin + catalogue.language_url(lang.code)) for lang in catalogue.languages]

    def size(entry: tuple[str, str, str]) -> int:
        path = file_for(served.site, entry[2])
        return path.stat().st_size if path else 0

    largest = max(browser.page_urls(served.origin, catalogue), key=size)
    lang, name, url = largest
    pages.append((f"largest: {catalogue.url(lang, name)}", lang, url))
    return pages


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
    gzip: int  # the file gzipped (-9)
    brotli: int  # the file Brotli-compressed (quality 11)
    compressed: int  # what the budget counts: see `compressed_size`


def compressed_size(url: str, data: bytes, gzipped: int, server_compresses: bool) -> int:
    """What the body costs a reader: from a compressing server, the bytes it sends a
    browser that accepts Brotli and gzip (as every browser does over HTTPS; Chromium
    asks plain-http 127.0.0.1 for gzip only); from a server that compresses nothing,
    the file gzipped, as any production server would send a text file."""
    if server_compresses:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return len(response.read())
    return gzipped if urlsplit(url).path.endswith(COMPRESSIBLE) else len(data)


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
    gzipped = gzip_size(data)
    return Resource(
        request.url,
        kind_of(request.url, request.resource_type),
        status,
        len(data),
        transfer,
        encoding,
        gzipped,
        brotli_size(data),
        compressed_size(request.url, data, gzipped, served.compresses) if status == 200 else transfer,
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
    """Per kind and in all: raw, compressed (as counted for the budget), gzip, brotli, transfer, requests."""
    result: dict[str, dict[str, int]] = {}
    for kind in (*KINDS, "total"):
        chosen = [r for r in resources if kind in ("total", r.kind)]
        result[kind] = {
            "requests": len(chosen),
            "raw": sum(r.raw for r in chosen),
            "compressed": sum(r.compressed for r in chosen),
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


SEARCH_TOGGLE = "button[data-pp-toggle=__search]"  # the header's Search button (phones)
SEARCH_INPUT = "input[data-md-component=search-query]"
RESULT_LIST = ".md-search-result__list"
TIMER_JS = """(selector) => {
  const list = document.querySelector(selector);
  window.__ppT = {start: 0, last: 0};
  document.addEventListener("keydown", () => { window.__ppT.start = performance.now(); }, true);
  new MutationObserver(() => { if (list.children.length) window.__ppT.last = performance.now(); })
    .observe(list, {childList: true, subtree: true});
}"""


def open_search(page: Any) -> None:
    page.click(SEARCH_TOGGLE)
    page.wait_for_selector(SEARCH_INPUT, state="visible")


def enter_query(page: Any, query: str) -> None:
    """Put the query in the search field and press End: Material searches on key events,
    and Playwright types non-Latin text without any."""
    page.fill(SEARCH_INPUT, query)
    page.press(SEARCH_INPUT, "End")


def results_settled(page: Any, start: float | None = None) -> float | None:
    """Milliseconds from `start` (default: the last key pressed) until the result list
    stopped changing; None when no result shows within 10 s. (With `start`, results may
    come before the last key: search starts on the query typed so far once it is loaded.)"""
    shown = "window.__ppT.last > 0" if start is not None else "window.__ppT.start > 0 && window.__ppT.last > window.__ppT.start"
    try:
        page.wait_for_function(f"() => {shown}", timeout=10000)
    except Exception:
        return None
    previous = -1.0
    while True:
        page.wait_for_timeout(250)
        last = float(page.evaluate("() => window.__ppT.last"))
        if last == previous:
            break
        previous = last
    return last - (start if start is not None else float(page.evaluate("() => window.__ppT.start")))


def first_search(page: Any, query: str) -> float | None:
    """Milliseconds from opening search to the first results (search code and index load)."""
    page.evaluate(TIMER_JS, RESULT_LIST)
    start = float(page.evaluate("() => performance.now()"))
    open_search(page)
    enter_query(page, query)
    return results_settled(page, start)


def timed_query(page: Any, query: str) -> float | None:
    """Milliseconds from the key that completes `query` to its results settled."""
    enter_query(page, "")
    page.wait_for_timeout(300)
    page.evaluate("() => { window.__ppT.start = 0; window.__ppT.last = 0; }")
    enter_query(page, query)
    return results_settled(page)


# --- part: weight ----------------------------------------------------------------------


def measure_weight(served: Served, chromium: Any, catalogue: model.Catalogue) -> dict[str, Any]:
    pages = []
    for label, lang, url in pages_to_weigh(served, catalogue):
        context = chromium.new_context(viewport=browser.PHONE, locale=lang)
        page = context.new_page()
        with recording(context, served) as first:
            page.goto(url, wait_until="load")
            settle(page)
        with recording(context, served) as second:
            page.goto(url, wait_until="load")
            settle(page)
        query = (search_words(json.loads(index_file(served.site, catalogue, lang).read_bytes()), 1) or ["pump"])[0]
        with recording(context, served) as searching:
            open_search(page)
            enter_query(page, query)
            settle(page)
            results = page.locator(f"{RESULT_LIST} > li").count()
        context.close()
        pages.append(
            {
                "page": label,
                "language": lang,
                "url": url,
                "first_visit": totals(first),
                "second_visit": totals(second),
                "search_use": totals(searching),
                "search_query": query,
                "search_results": results,
                "first_visit_resources": [asdict(r) for r in first],
                "second_visit_resources": [asdict(r) for r in second],
                "search_use_resources": [asdict(r) for r in searching],
            }
        )
    return {"server": served.server, "server_compresses": served.compresses, "pages": pages}


def print_weight(result: dict[str, Any]) -> None:
    heading(f"Page weight (KiB; served by {result['server']})")
    label = "br/gzip" if result["server_compresses"] else "gzip -9"
    rows = []
    for entry in result["pages"]:
        first, second, used = entry["first_visit"], entry["second_visit"], entry["search_use"]
        rows.append(
            [
                entry["page"],
                *(kib(first[kind]["compressed"]) for kind in ("html", "css", "js", "search", "other")),
                kib(first["total"]["compressed"]),
                kib(first["total"]["brotli"]),
                kib(first["total"]["raw"]),
                str(first["total"]["requests"]),
                f"{kib(second['total']['transfer'])} ({second['total']['requests']} req, {second['total']['revalidated']} 304)",
                kib(used["total"]["compressed"]),
            ]
        )
    print(
        table(
            [
                "first visit",
                "html",
                "css",
                "js",
                "search",
                "other",
                f"total {label}",
                "total br",
                "total raw",
                "requests",
                "second visit",
                "+search use",
            ],
            rows,
        )
    )
    biggest: dict[str, Resource] = {}
    for entry in result["pages"]:
        for item in entry["first_visit_resources"]:
            biggest.setdefault(urlsplit(item["url"]).path, Resource(**item))
    shared = sorted(biggest.items(), key=lambda kv: kv[1].compressed, reverse=True)[:8]
    print("\nBiggest first-visit files (KiB):")
    print(
        table(
            ["file", label, "brotli -q 11", "raw"],
            [[path, kib(r.compressed), kib(r.brotli), kib(r.raw)] for path, r in shared],
        )
    )
    if result["server_compresses"]:
        print("sizes: bytes the server sends a browser that accepts Brotli and gzip (as browsers do over HTTPS)")
    else:
        print("sizes: each file gzipped (-9), as a compressing production server would send it (this server compresses nothing)")
    print("total br: each file Brotli-compressed (-q 11); total raw: uncompressed")
    print("second visit: body bytes not served from the browser's cache (requests made, of which 304 Not Modified)")
    print("+search use: what opening search and typing one query add to the first visit")


# --- part: search ----------------------------------------------------------------------


def measure_search(served: Served, chromium: Any, catalogue: model.Catalogue, runs: int) -> dict[str, Any]:
    languages = []
    for lang in catalogue.languages:
        data = index_file(served.site, catalogue, lang.code).read_bytes()
        index = json.loads(data)
        queries = search_words(index, max(3, runs))
        context = chromium.new_context(viewport=browser.PHONE, locale=lang.code)
        page = context.new_page()
        page.goto(served.origin + catalogue.language_url(lang.code), wait_until="load")
        settle(page)
        first = first_search(page, queries[0]) if queries else None
        times = [t for t in (timed_query(page, q) for q in queries) if t is not None]
        context.close()
        languages.append(
            {
                "language": lang.code,
                "index_raw": len(data),
                "index_gzip": gzip_size(data),
                "index_brotli": brotli_size(data),
                "documents": len(index.get("docs", [])),
                "queries": queries,
                "first_query_ms": first,
                "query_ms": times,
                "median_query_ms": median(times),
            }
        )
    return {"languages": languages}


def print_search(result: dict[str, Any]) -> None:
    heading("Search (index in KiB; times in ms until the results settled)")
    rows = [
        [
            entry["language"],
            str(entry["documents"]),
            kib(entry["index_raw"]),
            kib(entry["index_gzip"]),
            "—" if entry["first_query_ms"] is None else f"{entry['first_query_ms']:.0f}",
            f"{entry['median_query_ms']:.0f}",
            " ".join(entry["queries"]),
        ]
        for entry in result["languages"]
    ]
    print(table(["language", "sections", "index raw", "index gzip", "first query", "median query", "queries"], rows))
    print("first query: from opening search (loads the index and the search code) to its results;")
    print("median query: from the key that completes a query to its results, search loaded")


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


def measure_lighthouse(served: Served, catalogue: model.Catalogue, runs: int) -> dict[str, Any]:
    pages = []
    for lang in catalogue.languages:
        url = served.origin + catalogue.language_url(lang.code)
        summaries = [lighthouse_summary(run_lighthouse(url)) for _ in range(runs)]
        scores = {key: int(median([s["scores"][key] for s in summaries])) for key in LIGHTHOUSE_CATEGORIES}
        failing = sorted({audit for s in summaries for audit in s["failing"]})
        pages.append({"language": lang.code, "url": url, "scores": scores, "failing": failing, "runs": summaries})
    return {"pages": pages}


def print_lighthouse(result: dict[str, Any]) -> None:
    heading("Lighthouse 12 mobile (median scores)")
    rows = [
        [p["language"], *(str(p["scores"][key]) for key in LIGHTHOUSE_CATEGORIES), " ".join(p["failing"]) or "—"] for p in result["pages"]
    ]
    print(table(["language", *LIGHTHOUSE_CATEGORIES, "audits not passed"], rows))
    metrics = result["pages"][0]["runs"][0]["metrics"] if result["pages"] else {}
    if metrics:
        print("metrics (" + result["pages"][0]["language"] + ", first run): " + ", ".join(f"{k} {v}" for k, v in metrics.items()))


# --- part: build -----------------------------------------------------------------------


def config_for(
    root: Path, *, build_only: str | None = None, languages: list[dict[str, Any]] | None = None, nav: list[str] | None = None
) -> str:
    """The project's mkdocs.yml as plain YAML (environment tags read as their defaults),
    optionally building one language only, or with other languages and pages."""
    config = model.load_mkdocs_config(root)
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


def timed_build(project: Path, site: Path) -> Timing:
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    result = strict_build(
        project, site, base_env={key: value for key, value in os.environ.items() if key not in ("SITE_URL", "PRODUCTION")}
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
    return {
        "languages": count,
        "pages": len(catalogue.pages),
        "full_cpu_s": full_cpu,
        "full_wall_s": median([t.wall for t in full_times]),
        "english_cpu_s": english_cpu,
        "english_wall_s": median([t.wall for t in english_times]),
        "ratio": full_cpu / (count * english_cpu),
        "runs": [{"full": asdict(f), "english": asdict(e)} for f, e in zip(full_times, english_times, strict=True)],
    }


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
    English text whose source_hash matches), so each counts as translated."""
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
        (english / name).write_text(front_matter(meta) + source.body, encoding="utf-8")
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
            meta = {**source.meta, "source_hash": model.source_hash(source), "translation_review": "unreviewed"}
            (folder / name).write_text(front_matter(meta) + source.body, encoding="utf-8")
        l10n = target / "l10n" / code
        if not l10n.exists():
            shutil.copytree(target / "l10n" / english_code, l10n, ignore=shutil.ignore_patterns("history"))
    entries = [
        {"locale": code, "name": f"Language {code}", "build": True, **({"default": True} if code == english_code else {})}
        for code in languages
    ]
    if english_code not in languages:
        raise SetupError(f"the synthetic site needs the default language {english_code}")
    (target / "mkdocs.yml").write_text(config_for(target, languages=entries, nav=names), encoding="utf-8")


def front_matter(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


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
        worst = max(weight["pages"], key=lambda p: p["first_visit"]["total"]["compressed"])
        size = worst["first_visit"]["total"]["compressed"]
        found.append(Budget("first visit ≤ 60 KiB compressed", size <= FIRST_VISIT_BUDGET, f"{kib(size)} KiB at most ({worst['page']})"))
        found.append(search_on_demand(weight))
        fonts = [
            r["url"]
            for p in weight["pages"]
            for key in ("first_visit_resources", "search_use_resources")
            for r in p[key]
            if r["kind"] == "font"
        ]
        found.append(Budget("no web fonts downloaded", not fonts, f"{len(fonts)} font files" + (f": {fonts[0]}" if fonts else "")))
    lighthouse = figures.get("lighthouse")
    if lighthouse:
        low = [f"{p['language']} {'/'.join(str(p['scores'][k]) for k in LIGHTHOUSE_CATEGORIES)}" for p in lighthouse["pages"]]
        perfect = all(all(score == 100 for score in p["scores"].values()) for p in lighthouse["pages"])
        found.append(Budget("Lighthouse 100/100/100/100 per language", perfect, ", ".join(low)))
    build = figures.get("build")
    if build:
        found.append(
            Budget(
                f"full build ≤ {BUILD_RATIO_BUDGET} × languages × English-only",
                build["ratio"] <= BUILD_RATIO_BUDGET,
                f"{build['ratio']:.2f} ×",
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


LUNR_FILE = re.compile(r"/lunr/(?:min/)?lunr\.([a-z]{2,3}|multi|stemmer\.support)\.min\.js$|/lunr/(tinyseg|wordcut)\.js$")


def search_on_demand(weight: dict[str, Any]) -> Budget:
    """No search file on a first visit; when search is used, results, and no other language's code."""
    early, foreign, broken = [], [], []
    for entry in weight["pages"]:
        if any(r["kind"] == "search" for r in entry["first_visit_resources"]):
            early.append(entry["page"])
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


def print_budgets(found: list[Budget]) -> None:
    heading("Budgets")
    if not found:
        print("(the parts run check no budget)")
        return
    print(table(["budget", "result", "figure"], [[b.name, "met" if b.met else "NOT MET", b.figure] for b in found]))


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
    catalogue = model.Catalogue.load(ROOT)
    figures.update({"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()}, "runs": args.runs})
    printers: dict[str, Callable[[dict[str, Any]], None]] = {
        "weight": print_weight,
        "search": print_search,
        "lighthouse": print_lighthouse,
        "build": print_build,
        "scaling": print_scaling,
    }

    def done(part: str, result: dict[str, Any]) -> None:
        figures[part] = result
        printers[part](result)
        sys.stdout.flush()

    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        workdir = Path(tmp)
        if {"weight", "search", "lighthouse"} & set(args.parts):
            with served_site(workdir) as served:
                if {"weight", "search"} & set(args.parts):
                    with browser.chromium() as chromium:
                        if "weight" in args.parts:
                            done("weight", measure_weight(served, chromium, catalogue))
                        if "search" in args.parts:
                            done("search", measure_search(served, chromium, catalogue, args.runs))
                if "lighthouse" in args.parts:
                    done("lighthouse", measure_lighthouse(served, catalogue, args.runs))
        if "build" in args.parts:
            done("build", measure_build(workdir, args.runs, catalogue))
        if "scaling" in args.parts:
            done("scaling", measure_scaling(workdir, args.sizes, args.scaling_pages, catalogue))


def main(argv: list[str] | None = None) -> int:
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
    return 0 if all(b.met for b in found) else 1


if __name__ == "__main__":
    sys.exit(main())
