"""The real parts the browser checks, the screenshots and the benchmark use: a local web
server on 127.0.0.1 and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sitekit import model
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class LocalServer:
    """A static server for one folder; `origin` is known before anything is served, so the
    site can be built for it (absolute links, hreflang and QR codes point at it)."""

    directory: Path
    server: http.server.ThreadingHTTPServer

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"


@contextmanager
def local_server(directory: Path) -> Iterator[LocalServer]:
    directory.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
    """Debian's Chromium under Playwright. Raises a clear error when it is not installed."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `bash scripts/setup.sh --system` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def page_urls(origin: str, catalogue: model.Catalogue | None = None) -> list[tuple[str, str, str]]:
    """(language, page name, absolute URL) for every page in every language, 404s excluded."""
    catalogue = catalogue or model.Catalogue.load()
    return [(lang.code, name, origin + catalogue.url(lang.code, name)) for lang in catalogue.languages for name in catalogue.pages]
