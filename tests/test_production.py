"""The site as production serves it: Debian's nginx with deploy/nginx/ over one strict build
made for nginx's own origin (http://127.0.0.1:<port>/), checked over HTTP and in Chromium.

Skipped, with the reason, only where nginx is not installed (scripts/setup.sh --system
installs it)."""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup
from sitekit import browser, inline_scripts, model, nginx, serving, urls
from sitekit import handout as handouts
from sitekit.gate import project_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE = project_catalogue()


@dataclass
class Production:
    site: Path
    origin: str

    @cached_property
    def headers(self) -> dict[str, str]:
        """The headers every response must carry: the security headers, and the
        Content-Security-Policy of the site's listed inline scripts (sitekit/inline_scripts.py)."""
        return serving.response_headers(inline_scripts.policy(urlsplit(self.origin).path or "/"))

    def asset(self, pattern: str) -> str:
        """The site path of the one built file whose path matches `pattern`."""
        found = [p.relative_to(self.site).as_posix() for p in self.site.rglob("*") if re.search(pattern, p.as_posix())]
        assert len(found) == 1, f"{pattern}: {found}"
        return found[0]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
    """One request, exactly as sent: no redirect followed, nothing decompressed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, parts.path or "/", headers={"Accept-Encoding": "identity", **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    try:
        nginx.require_nginx()
    except nginx.NginxUnavailable as err:
        pytest.skip(f"nginx cannot run here: {err}")
    port = nginx.reserve_port()
    site = tmp_path_factory.mktemp("production") / "site"
    result = browser.build(site, f"http://127.0.0.1:{port}/", extra_env={"HANDOUTS": "1"})  # as a production build
    assert result.returncode == 0, result.stdout + result.stderr
    with nginx.nginx_server(site, port) as origin:
        yield Production(site, origin)


# --- headers ------------------------------------------------------------------------


def test_html_fingerprinted_and_plain_files_carry_every_header(production):
    paths = [
        "",  # HTML
        "es/trial/",
        production.asset(r"javascripts/bundle\.[0-9a-f]+\.min\.js$"),  # fingerprinted
        production.asset(r"stylesheets/main\.[0-9a-f]+\.min\.css$"),
        production.asset(r"workers/search\.[0-9a-f]+\.min\.js$"),
        "assets/site.css",  # not fingerprinted
        "assets/site.js",
        "assets/favicon.svg",
        "es/search/search_index.json",
        "assets/javascripts/lunr/min/lunr.es.min.js",
        *(handout.path(CATALOGUE) for handout in handouts.handouts(CATALOGUE)),  # PDF handouts: downloads
    ]
    problems = []
    for path in paths:
        response = fetch(production.origin + path)
        assert response.status == 200, path
        problems += serving.header_problems(production.origin + path, response.headers, production.headers)
    assert problems == []
    assert serving.is_fingerprinted(paths[2]) and not serving.is_fingerprinted("assets/site.css")


def test_error_responses_carry_the_security_headers(production):
    for path, status in [("es/nope", 404), ("assets/", 404)]:
        response = fetch(production.origin + path)
        assert response.status == status
        assert serving.header_problems(production.origin + path, response.headers, production.headers) == []
    response = fetch(production.origin, method="POST")
    assert all(response.header(name) == value for name, value in production.headers.items())


def test_nginx_own_error_answers_carry_the_security_headers(production):
    """A malformed request (400) and an address too long (414) are answered by nginx itself."""
    too_long = fetch(production.origin + "es/" + "x" * 9000)
    bad = raw_request(production.origin, b"GET / HTTP/1.1\r\n\r\n")  # HTTP/1.1 without a Host header
    assert too_long.status == 414 and bad.startswith(b"HTTP/1.1 400")
    assert all(too_long.header(name) == value for name, value in production.headers.items())
    assert all(f"{name}: {value}".encode() in bad for name, value in production.headers.items())


def test_a_request_for_many_byte_ranges_is_answered_whole(production):
    ranges = ",".join(f"{i}-{i}" for i in range(0, 400, 2))
    response = fetch(production.origin + "assets/site.css", headers={"Range": f"bytes={ranges}"})
    assert response.status == 200 and response.header("content-range") is None
    one = fetch(production.origin + "assets/site.css", headers={"Range": "bytes=0-9"})
    assert one.status == 206 and len(one.body) == 10


def raw_request(origin: str, request: bytes) -> bytes:
    """The server's whole answer to bytes sent as they are (for requests http.client refuses to make)."""
    import socket

    parts = urlsplit(origin)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_header_check_catches_a_missing_header_a_wrong_cache_and_a_server_version(production):
    url = production.origin + "assets/site.css"
    headers = dict(fetch(url).headers)
    del headers["x-content-type-options"]
    headers["cache-control"] = serving.IMMUTABLE  # a file that keeps its name must not be kept for a year
    headers["server"] = "nginx/1.22.1"
    headers["content-security-policy"] = headers["content-security-policy"].replace(
        "script-src 'self'", "script-src 'self' 'unsafe-inline'"
    )
    problems = serving.header_problems(url, headers, production.headers)
    assert [p.split(": ", 1)[1].split(" ")[0:2] for p in problems] == [
        ["Content-Security-Policy", "is"],
        ["no", "X-Content-Type-Options"],
        ["Cache-Control", "is"],
        ["the", "Server"],
    ], problems


def test_the_policy_allows_only_the_sites_origin_and_hashed_inline_scripts(production):
    policy = production.headers["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["style-src"] == "'self'"  # no 'unsafe-inline'
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert "unsafe" not in policy and "http" not in policy
    assert directives["script-src"].split()[0] == "'self'"
    # Checked independently of sitekit.serving: BeautifulSoup finds the inline scripts.
    wanted, per_page = set(), set()
    for path in production.site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = frozenset(
            serving.csp_hash(tag.string or "")
            for tag in soup.find_all("script")
            if not tag.get("src") and tag.get("type", "text/javascript") in ("text/javascript", "module", "")
        )
        wanted |= scripts
        if not soup.find("meta", attrs={"http-equiv": "refresh"}):  # not a redirect page
            per_page.add(scripts)
    assert set(directives["script-src"].split()[1:]) == wanted
    assert len(per_page) == 1, "the theme's inline scripts must be the same on every page (extra.scope fixed)"


def test_the_static_hosts_headers_file_matches_nginx(production):
    text = (production.site / "_headers").read_text(encoding="utf-8")
    rules: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if line.startswith("/"):
            current = rules.setdefault(line.strip(), {})
        elif line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            current[name] = value
    assert rules.pop("/*") == production.headers
    fingerprinted = {
        "/" + p.relative_to(production.site).as_posix() for p in production.site.rglob("*") if serving.is_fingerprinted(p.name)
    }
    downloads = {"/" + p.relative_to(production.site).as_posix() for p in production.site.rglob("*.pdf")}
    assert set(rules) == fingerprinted | downloads and len(fingerprinted) >= 4
    assert all(rules[path] == {"Cache-Control": serving.IMMUTABLE} for path in fingerprinted)
    assert all(rules[path] == {"Content-Disposition": serving.ATTACHMENT} for path in downloads)
    assert {path.lstrip("/") for path in downloads} == {h.path(CATALOGUE) for h in handouts.handouts(CATALOGUE)}


def test_unchanged_html_is_revalidated_with_304(production):
    first = fetch(production.origin + "trial/")
    again = fetch(production.origin + "trial/", headers={"If-None-Match": first.header("etag") or ""})
    assert first.header("last-modified") and again.status == 304


# --- compression ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["html", "bundle"])
def test_precompressed_brotli_and_gzip_are_served_smaller(production, kind):
    path = "es/trial/" if kind == "html" else production.asset(r"javascripts/bundle\.[0-9a-f]+\.min\.js$")
    raw = fetch(production.origin + path)
    assert raw.header("content-encoding") is None
    sizes = {"raw": len(raw.body)}
    for encoding, decompress in [("br", brotli.decompress), ("gzip", gzip.decompress)]:
        response = fetch(production.origin + path, headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert response.header("content-encoding") == encoding
        assert response.header("vary") == "Accept-Encoding"
        assert decompress(response.body) == raw.body
        sizes[encoding] = len(response.body)
    print(f"{path}: {sizes}")
    assert sizes["br"] < sizes["gzip"] < sizes["raw"] / 2


def compressed_form_problems(site: Path) -> list[str]:
    """Text files over 1 KiB without their .gz (and, unless only crawlers read them, .br),
    and crawlers' files with a .br nobody fetches."""
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix in serving.COMPRESSED_SUFFIXES and path.stat().st_size > 1024:
            for_crawlers = path.suffix in serving.GZIP_ONLY_SUFFIXES
            wanted = ("gz",) if for_crawlers else ("gz", "br")
            problems += [f"{path.name}.{e} is missing" for e in wanted if not path.with_name(f"{path.name}.{e}").exists()]
            if for_crawlers and path.with_name(f"{path.name}.br").exists():
                problems.append(f"{path.name}.br: only crawlers read {path.name}, and a .gz is all they need")
    return problems


def test_every_text_file_has_its_compressed_forms(production):
    assert compressed_form_problems(production.site) == []


def test_compression_check_catches_a_missing_copy_and_a_brotli_sitemap(tmp_path):
    text = "x" * 2000
    for name in ("index.html", "index.html.gz", "sitemap.xml", "sitemap.xml.gz", "sitemap.xml.br"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert compressed_form_problems(tmp_path) == [
        "index.html.br is missing",
        "sitemap.xml.br: only crawlers read sitemap.xml, and a .gz is all they need",
    ]


# --- addresses, 404s, methods -----------------------------------------------------------


def test_every_page_in_every_language_returns_200(production):
    failures = [(url, status) for _, _, url in browser.page_urls(production.origin) if (status := fetch(url).status) != 200]
    assert failures == []


def test_every_published_address_is_served(production):
    """Every address staff may have shared (published-urls.txt) answers 200 from nginx: the
    page itself or, after a move, its redirect page (test_links checks where that leads)."""
    paths = sorted({address.split("#")[0] for address in urls.read_contract(urls.contract_path())})
    failures = [(path, status) for path in paths if (status := fetch(production.origin + path.lstrip("/")).status) != 200]
    assert failures == []


def test_not_found_shows_the_404_page_of_the_language_folder(production):
    for lang in model.languages():
        prefix = "" if lang.default else f"{lang.code}/"
        for path in (f"{prefix}no-such-page", f"{prefix}no/such/page/"):
            response = fetch(production.origin + path)
            assert response.status == 404, path
            assert re.search(rf'<html lang="{lang.code}"', response.body.decode()), path
    # A folder that is no language folder gets the site's (English) 404 page.
    assert '<html lang="en"' in fetch(production.origin + "trial/no-such-page").body.decode()


def test_methods_other_than_get_and_head_are_refused(production):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"):
        response = fetch(production.origin + "trial/", method=method)
        assert (response.status, response.header("allow")) == (405, "GET, HEAD"), method
    head = fetch(production.origin + "trial/", method="HEAD")
    assert head.status == 200 and head.body == b""


def test_no_directory_listing_no_build_files_no_version(production):
    for path in ("assets/", "assets/javascripts/", "assets/javascripts/lunr/min/", "_headers", "_nginx/painpump-headers.conf"):
        response = fetch(production.origin + path)
        assert response.status == 404, path
        assert b"Index of" not in response.body and b"add_header" not in response.body, path
    refused = fetch(production.origin, method="DELETE")
    assert refused.header("server") == "nginx" and b"nginx/" not in refused.body


def test_a_folder_address_without_slash_redirects_relatively(production):
    response = fetch(production.origin + "es")
    assert (response.status, response.header("location")) == (301, "/es/")


def test_the_production_configuration_passes_nginx_t(production, tmp_path):
    conf = _production_config(production.site, tmp_path, nginx.PRODUCTION_CONF.read_text(encoding="utf-8"))
    result = nginx.check_config(conf, tmp_path)
    assert result.returncode == 0, result.stderr
    broken = _production_config(
        production.site, tmp_path, nginx.PRODUCTION_CONF.read_text(encoding="utf-8").replace("listen 80;", "listen 80")
    )
    assert nginx.check_config(broken, tmp_path).returncode != 0


OPENSSL_SELF_SIGNED = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=painpump.example.org"]


def _production_config(site: Path, workdir: Path, production_conf: str) -> Path:
    """deploy/nginx/painpump.conf as installed, with the snippets from the repository and
    the build, and a self-signed certificate for the certbot one."""
    key, cert = workdir / "key.pem", workdir / "cert.pem"
    if not cert.exists():
        subprocess.run(
            [*OPENSSL_SELF_SIGNED, "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
    site_conf = nginx.install_site_conf(site, workdir)
    server = (
        production_conf.replace(nginx.INSTALLED_SITE_CONF, str(site_conf))
        .replace("/etc/letsencrypt/live/painpump.example.org/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/painpump.example.org/privkey.pem", str(key))
    )
    directives = "\n".join(line.split("#", 1)[0] for line in server.splitlines())
    assert "/etc/" not in directives, "a path of the production machine that the test did not replace"
    conf = workdir / "nginx.conf"
    conf.write_text(nginx.main_config(workdir, server), encoding="utf-8")
    return conf


# --- in the browser, under the policy -------------------------------------------------------

# Records violations before any of the page's own scripts run.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


# The inline scripts of the page as the browser parsed it (data blocks, such as the theme's
# JSON settings, are never run).
SCRIPTS_IN_PAGE = """[...document.scripts].filter((s) => !s.src && ["", "module", "text/javascript"].includes(s.type))
  .map((s) => s.text.replace(/\\r\\n/g, "\\n"))"""


class BrowserProblems:
    """CSP violations (the event, and Chromium's console report of each), console errors
    and uncaught exceptions on the pages a browser tab loads. A 404 page's own status is
    expected; any other failed load is a problem."""

    def __init__(self, page) -> None:
        self.page = page
        self.messages: list[str] = []
        self.expected_404: str | None = None
        self.origin: str | None = None  # set: every request must go there, and no navigation elsewhere
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught: {error}"))
        page.on("request", self._request)

    def _request(self, request) -> None:
        if self.origin and not request.url.startswith(self.origin):
            self.messages.append(f"{request.resource_type} request to another host: {request.url}")

    def _console(self, message) -> None:
        if message.text.startswith("Failed to load resource: the server responded with a status of 404") and (
            message.location.get("url") == self.expected_404
        ):
            return
        # Chromium 156 words a violation "... violates the following Content Security Policy
        # directive ...", older ones "Refused to ...", at error or warning level.
        if message.type == "error" or "Content Security Policy" in message.text or "Refused to" in message.text:
            self.messages.append(f"console {message.type}: {message.text}")

    def load(self, url: str, status: int = 200) -> list[str]:
        self.messages.clear()
        self.expected_404 = url if status == 404 else None
        response = self.page.goto(url, wait_until="load")
        if response is None or response.status != status:
            self.messages.append(f"status {response and response.status}, expected {status}")
        self.page.wait_for_timeout(50)  # let deferred work and late console messages arrive
        violations = self.page.evaluate("window.__cspViolations")
        if self.origin and status == 200:
            if self.page.url.split("#")[0] != url.split("#")[0]:
                self.messages.append(f"navigated away to {self.page.url}")
            allowed = inline_scripts.allowed(urlsplit(self.origin).path or "/")
            for text in self.page.evaluate(SCRIPTS_IN_PAGE):
                if text not in allowed:
                    self.messages.append(f"an inline script not on the list is in the page: {text[:60]!r}")
        return [f"{url}: {line}" for line in violations + self.messages]


@pytest.fixture(scope="module")
def tab(chromium):
    context = chromium.new_context(viewport=browser.DESKTOP)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    yield BrowserProblems(page)
    context.close()


@pytest.mark.browser
def test_every_page_in_every_language_runs_under_the_policy_without_errors(production, tab):
    """Every page × language (and each 404): no CSP violation or console error, no request to
    another host, no navigation away, and no inline script but those the site lists."""
    tab.origin = production.origin
    try:
        problems = [problem for _, _, url in browser.page_urls(production.origin) for problem in tab.load(url)]
        for lang in model.languages():
            prefix = "" if lang.default else f"{lang.code}/"
            problems += tab.load(f"{production.origin}{prefix}no/such-page", status=404)
    finally:
        tab.origin = None
    assert problems == []


@pytest.mark.browser
def test_search_works_under_the_policy(production, tab):
    """The search worker and its lunr language files load under the policy."""
    assert tab.load(production.origin + "es/trial/") == []
    tab.page.locator("input.md-search__input").click()
    tab.page.keyboard.type("bomba")
    tab.page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert tab.page.evaluate("window.__cspViolations") == [] and tab.messages == []


@pytest.mark.browser
def test_the_browser_check_catches_an_inline_script_missing_from_the_policy(production, tab, tmp_path):
    """A page added after the policy was computed (a stale header snippet): its inline
    script and inline style are blocked, and the check says so."""
    site = tmp_path / "site"
    shutil.copytree(production.site, site)
    shutil.copytree(FIXTURES / "production_unlisted_script", site, dirs_exist_ok=True)
    with nginx.nginx_server(site, nginx.reserve_port()) as origin:
        tab.origin = origin
        try:
            problems = tab.load(origin + "probe/")
        finally:
            tab.origin = None
        ran = tab.page.evaluate("document.body.dataset.ran")
    assert any("an inline script not on the list is in the page" in p for p in problems), problems
    assert ran is None, "the unlisted inline script ran"
    events = [p for p in problems if " blocked inline " in p]
    console = [p for p in problems if ": console " in p]
    assert [e.split(": ", 1)[1].split(" ")[0] for e in events] == ["style-src-elem", "script-src-elem"], problems
    assert len(console) == 2 and "inline script" in console[1], problems


# --- the nginx module's own errors ------------------------------------------------------------


def test_a_missing_nginx_is_reported_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(nginx, "NGINX", tmp_path / "nginx")
    missing = pytest.raises(nginx.NginxUnavailable, match=r"nginx is missing: run `bash scripts/setup.sh --system`")
    with missing, nginx.nginx_server(tmp_path, nginx.reserve_port()):
        pass


def test_a_port_in_use_is_reported(production):
    port = urlsplit(production.origin).port
    taken = pytest.raises(RuntimeError, match=rf"127.0.0.1:{port} is taken \(Address already in use\)")
    with taken, nginx.nginx_server(production.site, port):
        pass
