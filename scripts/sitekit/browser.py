"""The real parts the browser checks, the screenshots and the benchmark use: a local web
server on 127.0.0.1 (plain, or gzip-only like a static host) and Debian's Chromium driven
by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sitekit import model, serving
from sitekit.project import strict_build

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts this machine cannot
# reach. Playwright gives every launch a new, empty --user-data-dir of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


# What a gzip-only host (GitHub Pages, an object store behind a CDN) sends: text files
# compressed on the fly. Level 6 is zlib's default, which such compressors use unless set
# otherwise; the build's own .gz files (sitekit.serving.compress, level 9) are about 0.5 %
# smaller, so a host serving those sends a little less than this.
GZIP_LEVEL = 6


def gzipped(data: bytes) -> bytes:
    """`data` as the gzip-only server (and the benchmark's gzip figures) compress it."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header value allows gzip (RFC 9110 §12.5.3: "gzip" or
    "*" with a q-value above 0)."""
    weights: dict[str, float] = {}
    for part in header.lower().split(","):
        coding, *params = (item.strip() for item in part.split(";"))
        q = next((param[2:] for param in params if param.startswith("q=")), "1")
        try:
            weights[coding] = float(q)
        except ValueError:
            weights[coding] = 0.0
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """A gzip-only host: a text file (`serving.COMPRESSED_SUFFIXES`) goes gzipped to a client
    that accepts gzip (Content-Encoding: gzip, Vary: Accept-Encoding), as is to any other;
    no other special header (no Content-Security-Policy, no Cache-Control). Redirects, 404s,
    other files and conditional requests (304 when unchanged) are the plain server's."""

    def send_head(self) -> BinaryIO | None:
        found = self.translate_path(self.path)  # keeps a trailing "/": a folder's index page
        path = Path(found, "index.html") if found.endswith("/") else Path(found)
        self.text_file = path.is_file() and path.suffix in serving.COMPRESSED_SUFFIXES
        conditional = "If-Modified-Since" in self.headers or "If-None-Match" in self.headers
        if not self.text_file or conditional or not accepts_gzip(self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzipped(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        if getattr(self, "text_file", False):  # on every answer for a text file: caches keep both forms apart
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser closed the connection (a cancelled request): nothing to report
        super().handle_error(request, client_address)


@dataclass
class LocalServer:
    """A static server for one folder; `origin` is known before anything is served, so the
    site can be built for it (absolute links, hreflang and QR codes point at it)."""

    directory: Path
    server: http.server.ThreadingHTTPServer

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/"


@contextmanager
def local_server(directory: Path, *, gzip_text: bool = False, port: int = 0) -> Iterator[LocalServer]:
    """Serve `directory` on 127.0.0.1:`port` (0: any free port). `gzip_text`: as a
    gzip-only host does (see `_GzipHandler`); else every file as it is."""
    directory.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_GzipHandler if gzip_text else _QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServer(directory, server)
    finally:
        server.shutdown()
        server.server_close()


def build(site: Path, site_url: str, project: Path = model.REPO, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real strict build of `project`, for `site_url` (absolute links point at it)."""
    return strict_build(project, site, {"SITE_URL": site_url, **(extra_env or {})})


@contextmanager
def chromium():
    """Debian's Chromium under Playwright. Raises a clear error when it is not installed.
    Its contexts block service workers unless asked (`service_workers="allow"`): the
    offline copy (sitekit/offline.py) is made after a page has loaded, and a test or a
    measurement of anything else must not see its requests (tests/test_offline.py allows it)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `bash scripts/setup.sh --system` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        new_context = browser.new_context
        browser.new_context = lambda **options: new_context(**{"service_workers": "block", **options})  # type: ignore[method-assign]
        try:
            yield browser
        finally:
            browser.close()


def page_urls(origin: str, catalogue: model.Catalogue | None = None) -> list[tuple[str, str, str]]:
    """(language, page name, absolute URL) for every page in every language, 404s excluded."""
    catalogue = catalogue or model.Catalogue.load()  # its addresses only: no verdict needed
    return [(lang.code, name, origin + catalogue.url(lang.code, name)) for lang in catalogue.languages for name in catalogue.pages]
