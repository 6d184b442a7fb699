#!/usr/bin/env python3
"""Screenshots of every page in every language at phone width (390 px, full page), for
reviewers: builds the site for a local server on 127.0.0.1 (or serves an existing build
given with --site) and writes one PNG per page and language, e.g. screenshots/es/trial.png,
in Debian's Chromium with Debian's Noto fonts (real Chinese and Arabic glyphs).

With --search, one picture per language of the open search with its results instead
(screenshots/<lang>/search.png, the phone's screen): the language's first query of
tests/search_queries.yml, or the text given with --query.

Exit status: 0 when every screenshot was written, 1 when the build failed or a page did
not load, 2 for a usage or setup error.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sitekit import browser, model, search, tables

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder
QUERIES = ROOT / "tests" / "search_queries.yml"

SETUP_HINT = "run `bash scripts/setup.sh --system`"
# Scripts whose glyphs must come from Debian's Noto fonts, not a fallback of boxes.
FONTS = {"zh": "fonts-noto-cjk", "ar": "fonts-noto-core"}


@dataclass
class Shot:
    lang: str
    page: str
    path: Path
    status: int
    height: int = 0

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.path.exists()


def missing_fonts() -> list[str]:
    """The Debian font packages Chromium would lack for the site's Chinese and Arabic."""
    if shutil.which("fc-list") is None:
        return sorted(set(FONTS.values()))
    missing = []
    for script, package in FONTS.items():
        families = subprocess.run(["fc-list", f":lang={script}", "family"], capture_output=True, text=True).stdout
        if "Noto" not in families:
            missing.append(package)
    return missing


def page_name(value: str, pages: list[str]) -> str:
    """'trial', 'trial.md' or 'trial/' as the catalogue's page name."""
    name = value.strip("/") or "index"
    name = name if name.endswith(".md") else f"{name}.md"
    if name not in pages:
        raise ValueError(f"no page '{value}': pages are {', '.join(p[: -len('.md')] for p in pages)}")
    return name


def take(out: Path, targets: list[tuple[str, str, str]]) -> list[Shot]:
    """One full-page PNG per (language, page, URL), each language in its own browser
    context with the reader's locale (so no 'read this in your language' suggestion)."""
    shots = []
    with browser.chromium() as chromium:
        for lang in dict.fromkeys(code for code, _, _ in targets):
            context = chromium.new_context(viewport=browser.PHONE, locale=lang)
            page = context.new_page()
            for code, name, url in targets:
                if code != lang:
                    continue
                path = out / lang / f"{name[: -len('.md')]}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                response = page.goto(url, wait_until="load")
                status = response.status if response else 0
                shot = Shot(lang, name, path, status)
                if status == 200:
                    page.evaluate("document.fonts.ready.then(() => true)")
                    page.screenshot(path=str(path), full_page=True)
                    shot.height = int(page.evaluate("document.documentElement.scrollHeight"))
                else:
                    path.unlink(missing_ok=True)  # never leave an older picture in its place
                shots.append(shot)
            context.close()
    return shots


def take_search(out: Path, targets: list[tuple[str, str, str]]) -> list[Shot]:
    """One picture per (language, query, URL): the phone's screen with search open and the
    query's results shown."""
    shots = []
    with browser.chromium() as chromium:
        for lang, query, url in targets:
            context = chromium.new_context(viewport=browser.PHONE, locale=lang)
            page = context.new_page()
            path = out / lang / "search.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            response = page.goto(url, wait_until="load")
            shot = Shot(lang, f"search: {query}", path, response.status if response else 0)
            if shot.status == 200:
                search.open_search(page)
                search.type_query(page, query)
                page.evaluate("document.fonts.ready.then(() => true)")
                # The theme slides the search panel in: wait until it is there.
                page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
                page.screenshot(path=str(path))
                shot.height = browser.PHONE["height"]
            else:
                path.unlink(missing_ok=True)
            shots.append(shot)
            context.close()
    return shots


def search_queries(codes: list[str], given: str | None) -> dict[str, str]:
    """The query to show per language: `given`, or the language's first in the query set."""
    first: dict[str, str] = {}
    for query in search.load_queries(QUERIES):
        first.setdefault(query.lang, query.query)
    return {code: given or first.get(code, "") for code in codes if given or code in first}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="scripts/screenshots.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--site", type=Path, help="an existing build to photograph (default: build the site now)")
    main.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNGs (default: screenshots/)")
    main.add_argument("--lang", action="append", help="only this language, e.g. es (repeatable)")
    main.add_argument("--page", action="append", help="only this page, e.g. trial or index (repeatable)")
    main.add_argument("--search", action="store_true", help="photograph the open search with results, one per language")
    main.add_argument(
        "--query", help="with --search: this query in every language (default: each language's first of tests/search_queries.yml)"
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    codes = [lang.code for lang in model.languages(ROOT)]
    unknown = [code for code in args.lang or [] if code not in codes]
    if unknown:
        return usage_error(f"unknown language {', '.join(unknown)}: the site has {', '.join(codes)}")
    try:
        pages = {page_name(value, model.page_names(ROOT)) for value in args.page or []}
    except ValueError as err:
        return usage_error(str(err))
    if args.site and not (args.site / "index.html").is_file():
        return usage_error(f"--site {args.site}: no index.html there; give the folder a build wrote (e.g. site/)")
    if not Path(browser.CHROMIUM).exists():
        return usage_error(f"{browser.CHROMIUM} is missing: {SETUP_HINT}")
    fonts = missing_fonts()
    if fonts:
        return usage_error(f"Chinese or Arabic would show without real glyphs: install {', '.join(fonts)} ({SETUP_HINT})")

    with (
        tempfile.TemporaryDirectory(prefix="screenshots-") as scratch,
        browser.local_server(args.site.resolve() if args.site else Path(scratch) / "site") as server,
    ):
        if not args.site:
            print(f"building the site for {server.origin} ...", flush=True)
            build = browser.build(server.directory, server.origin, ROOT, {"HANDOUTS": "1"})  # as published
            if build.returncode != 0:
                print(build.stdout + build.stderr, file=sys.stderr)
                print("the build failed: fix the problems above, then run this again", file=sys.stderr)
                return 1
        started = time.monotonic()
        if args.search:
            queries = search_queries([code for code in codes if not args.lang or code in args.lang], args.query)
            catalogue = model.Catalogue.load(ROOT)
            shots = take_search(args.out, [(code, query, server.origin + catalogue.language_url(code)) for code, query in queries.items()])
        else:
            targets = [
                (code, name, url)
                for code, name, url in browser.page_urls(server.origin, model.Catalogue.load(ROOT))
                if (not args.lang or code in args.lang) and (not pages or name in pages)
            ]
            shots = take(args.out, targets)

    rows = []
    for shot in shots:
        shown = shot.path.relative_to(args.out).as_posix()
        rows.append((shot.lang, shot.page, shown, str(shot.height or "—"), "ok" if shot.ok else f"HTTP {shot.status}"))
    print(tables.table(("language", "page", "file", "height (px)", "status"), rows))
    failed = [shot for shot in shots if not shot.ok]
    written = len(shots) - len(failed)
    print(f"\n{written} screenshot(s) at {browser.PHONE['width']} px wide in {args.out} ({time.monotonic() - started:.1f} s)")
    if failed:
        print(f"{len(failed)} page(s) did not load: see the status column", file=sys.stderr)
        return 1
    return 0


def usage_error(message: str) -> int:
    print(f"scripts/screenshots.py: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
