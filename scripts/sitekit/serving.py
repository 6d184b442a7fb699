"""How the built site is served in production: the HTTP headers (security and caching),
the Content-Security-Policy (allowing the inline scripts sitekit/inline_scripts.py names),
and the pre-compressed files.

One source of truth for the headers: the build (scripts/sitekit/build/production.py) writes
them from here into `site/_headers` (Netlify, Cloudflare Pages) and
`site/_nginx/painpump-headers.conf` (included by deploy/nginx/painpump-site.conf), and the
tests check the responses of a real nginx against the same values (`header_problems`).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import os
import re
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import brotli

from sitekit import project
from sitekit.site_files import SiteFiles

# --- caching ----------------------------------------------------------------------

# Material's fingerprinted files: bundle.79ae519e.min.js, workers/search.2c215733.min.js,
# main.484c7ddc.min.css, palette.ab4e12ef.min.css and their source maps. Their name
# changes with their content, so browsers may keep them for a year without asking again.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)(?:\.map)?$")
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else (HTML, site.css, site.js, the favicon, search indexes, lunr files):
# the browser may keep a copy but asks the server each time (ETag / Last-Modified, 304).
REVALIDATE = "no-cache"


# The PDF handouts (sitekit/handout.py) are sent as downloads: a browser saves them rather
# than opening them under the site's Content-Security-Policy, whose object-src 'none' is
# what Chromium's built-in PDF viewer (an <embed>) is subject to. Same names from one
# build to the next: revalidated like the pages.
DOWNLOADS = (".pdf",)
ATTACHMENT = "attachment"


def content_disposition(path: str) -> str | None:
    return ATTACHMENT if path.split("?", 1)[0].endswith(DOWNLOADS) else None


def is_fingerprinted(path: str) -> bool:
    return bool(FINGERPRINTED.search(path.split("?", 1)[0]))


def cache_control(path: str) -> str:
    return IMMUTABLE if is_fingerprinted(path) else REVALIDATE


# --- security headers ---------------------------------------------------------------

# Sent with every response. Strict-Transport-Security only takes effect when a browser
# receives it over HTTPS (RFC 6797 §8.1: ignored over plain HTTP), so it is harmless on
# a test server on http://127.0.0.1; no includeSubDomains, since the clinic's other hosts
# under the same domain may not all have HTTPS.
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # patients' reading stays private
    "Permissions-Policy": (
        "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
        "gyroscope=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    ),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
}


def content_security_policy(script_hashes: Iterable[str], style_hashes: Iterable[str] = ()) -> str:
    """Only the site's own origin; inline scripts only by hash (never 'unsafe-inline').
    img-src allows data: for the theme's icons, which its CSS embeds as data: URLs."""
    scripts = " ".join(["'self'", *sorted(set(script_hashes))])
    styles = " ".join(["'self'", *sorted(set(style_hashes))])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def csp_hash(text: str) -> str:
    """The CSP source expression for an inline <script> or <style> element's text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# --- inline code --------------------------------------------------------------------

# A <script> without src runs when its type is missing, empty, "module" or a JavaScript
# MIME type (HTML standard); any other type (application/json...) is a data block.
JAVASCRIPT_TYPES = frozenset(
    {"", "module", "text/javascript", "application/javascript", "application/ecmascript", "application/x-ecmascript"}
    | {"application/x-javascript", "text/ecmascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2"}
    | {"text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript"}
    | {"text/x-ecmascript", "text/x-javascript"}
)


def response_headers(policy: str) -> dict[str, str]:
    """The headers every response carries: the Content-Security-Policy and the security headers."""
    return {"Content-Security-Policy": policy, **SECURITY_HEADERS}


# --- files written into the build ---------------------------------------------------

HEADERS_FILE = "_headers"
NGINX_SNIPPET = "_nginx/painpump-headers.conf"


def render_headers_file(site: Path | SiteFiles, headers: Mapping[str, str]) -> str:
    """Netlify / Cloudflare Pages `_headers`: the security headers on every path, a year of
    caching on each fingerprinted file, and each PDF handout as a download. Other files keep these hosts' default
    `Cache-Control: public, max-age=0, must-revalidate` (revalidation, like nginx's no-cache):
    both hosts join the values of a header set by two matching rules, so Cache-Control is
    never set on /*."""
    lines = [
        "# Generated by the build (scripts/sitekit/build/production.py); do not edit.",
        "/*",
        *(f"  {name}: {value}" for name, value in headers.items()),
    ]
    for rel in SiteFiles.of(site).files():
        if is_fingerprinted(rel):
            lines += [f"/{rel}", f"  Cache-Control: {IMMUTABLE}"]
        elif content_disposition(rel):
            lines += [f"/{rel}", f"  Content-Disposition: {content_disposition(rel)}"]
    return "\n".join(lines) + "\n"


def render_nginx_snippet(headers: Mapping[str, str]) -> str:
    """`add_header` lines for nginx, `always`: 404 and 405 responses carry them too."""
    lines = [
        "# Generated by the build (scripts/sitekit/build/production.py) from this build's pages; do not edit.",
        "# The Content-Security-Policy allows exactly the inline scripts these pages contain, so",
        "# install this file with the site it came from: /etc/nginx/snippets/painpump-headers.conf,",
        "# then `nginx -t && systemctl reload nginx` (see DEPLOYING.md).",
        *(f'add_header {name} "{value}" always;' for name, value in headers.items()),
    ]
    return "\n".join(lines) + "\n"


# --- pre-compression ----------------------------------------------------------------

# Text types worth compressing. Source maps (.map) are left out: only developer tools
# fetch them, and they are the largest files.
COMPRESSED_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".webmanifest"})
# Sitemaps and robots.txt are read by crawlers only, and every crawler accepts gzip: no
# Brotli copy (at 30 languages × 50 pages the sitemaps are 9 of the 68 MB a build writes).
GZIP_ONLY_SUFFIXES = frozenset({".xml", ".txt"})
# Every compressed form is kept in a cache by content, so a build compresses only what
# changed: theme files (identical from one build to the next) at Brotli's best, the rest
# (mostly pages, which an edit changes) at the per-build quality. Entries unused for
# CACHE_DAYS are removed at the end of the first build of a day (listing a cache of
# 30,000 entries took 0.4 s of every build).
THEME_SUFFIXES = frozenset({".css", ".js", ".svg"})
CACHE_DAYS = 30
GZIP_LEVEL = 9
# Brotli's best quality (11) takes 2.7 × the time of 10 for pages 3 % smaller (about
# 0.1 KiB a page): cached theme files get 11, what each build writes anew gets 10.
BROTLI_BEST = 11
BROTLI_PER_BUILD = 10


def _cache_dir() -> Path:
    return project.cache_dir("precompressed")


def compress(data: bytes, encoding: str, brotli_quality: int = BROTLI_BEST) -> bytes:
    """`encoding` "gz" (at the build's level) or "br" (at `brotli_quality`)."""
    if encoding == "gz":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return brotli.compress(data, quality=brotli_quality)


def _cached_compress(data: bytes, encoding: str, cache: Path, brotli_quality: int = BROTLI_BEST) -> bytes:
    level = GZIP_LEVEL if encoding == "gz" else brotli_quality
    entry = cache / f"{hashlib.sha256(data).hexdigest()}.{level}.{encoding}"
    try:
        found = entry.read_bytes()
        os.utime(entry)  # used: kept by prune_cache
        return found
    except OSError:
        pass
    result = compress(data, encoding, brotli_quality)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        partial.write_bytes(result)
        partial.replace(entry)  # atomic: parallel builds never read half a file
    except OSError:
        pass  # no writable cache: compress every time
    return result


def precompress(site: Path | SiteFiles) -> dict[str, int]:
    """Write `file.gz` and `file.br` beside every text file they make smaller (only `.gz`
    for crawlers' files), for nginx's gzip_static / brotli_static. Returns the total bytes
    written per encoding."""
    files = SiteFiles.of(site)
    totals = {"raw": 0, "gz": 0, "br": 0}
    for rel in files.files(COMPRESSED_SUFFIXES):
        suffix = PurePosixPath(rel).suffix
        data = files.read_bytes(rel)
        totals["raw"] += len(data)
        for encoding in ("gz",) if suffix in GZIP_ONLY_SUFFIXES else ("gz", "br"):
            quality = BROTLI_BEST if suffix in THEME_SUFFIXES else BROTLI_PER_BUILD
            packed = _cached_compress(data, encoding, _cache_dir(), quality)
            target = f"{rel}.{encoding}"
            if len(packed) < len(data):
                files.write_bytes(target, packed)
                totals[encoding] += len(packed)
            else:
                files.remove(target)
                totals[encoding] += len(data)
    _prune_daily(_cache_dir())
    return totals


def _prune_daily(cache: Path) -> None:
    """prune_cache, unless it ran less than a day ago (by the stamp it leaves in the cache)."""
    stamp = cache / ".pruned"
    with contextlib.suppress(OSError):
        if time.time() - stamp.stat().st_mtime < 86400:
            return
    prune_cache(cache)
    with contextlib.suppress(OSError):
        stamp.touch()


def prune_cache(cache: Path, days: int = CACHE_DAYS) -> int:
    """Remove the compressed forms no build has used for `days` (each use renews an entry):
    the cache keeps what current builds write, not every page an edit ever made. Returns how
    many went."""
    oldest = time.time() - days * 86400
    removed = 0
    with contextlib.suppress(OSError):
        for entry in cache.iterdir():
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < oldest:
                    entry.unlink()
                    removed += 1
    return removed


# --- checking responses -------------------------------------------------------------


def header_problems(url: str, headers: Mapping[str, str], expected: Mapping[str, str]) -> list[str]:
    """What a response's headers lack or get wrong: every header of `expected` (the
    security headers and CSP) with its exact value, the right Cache-Control for the
    path (and Content-Disposition for a download), and no server version. `headers` is looked up case-insensitively."""
    got = {name.lower(): value for name, value in headers.items()}
    problems = []
    wanted = {**expected, "Cache-Control": cache_control(url)}
    disposition = content_disposition(url)
    if disposition:
        wanted["Content-Disposition"] = disposition
    for name, value in wanted.items():
        if name.lower() not in got:
            problems.append(f"{url}: no {name} header (expected '{value}')")
        elif got[name.lower()] != value:
            problems.append(f"{url}: {name} is '{got[name.lower()]}', expected '{value}'")
    server = got.get("server", "")
    if re.search(r"\d", server):
        problems.append(f"{url}: the Server header gives a version ('{server}'): set server_tokens off")
    return problems
