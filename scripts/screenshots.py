#!/usr/bin/env python3
"""Screenshots of every page in every language, for reviewers: builds the site for a local
server on 127.0.0.1 (or serves an existing build given with --site) and writes PNGs in
Debian's Chromium with Debian's Noto fonts (real Chinese and Arabic glyphs). Views:

  phone     390 px wide, the full page: screenshots/es/trial.png
  desktop   1280 px wide, the full page: screenshots/desktop/es/trial.png
  text200   390 px wide with the browser's text size at 200 % (Chromium's font sizes doubled,
            kept for the whole-page picture): screenshots/text200/es/trial.png
  print     the page printed on A4, one PNG per sheet: screenshots/print/es/trial-1.png

--sheet also writes one contact sheet per view (screenshots/sheet-phone.png): a row per
language, a column per page, each the first screen (or first printed sheet), half size.
--handouts writes instead one contact sheet per PDF handout of the build
(screenshots/handouts/sheet-es-en.png: every sheet of es/pain-pump-guide-es-en.pdf
rendered by pdftoppm at HANDOUT_DPI, in rows of six).
--example-clinic builds with real-looking clinic details (sitekit/clinic.py: EXAMPLE)
instead of the placeholders, as a clinic's site would show them.

With --search, one picture per language of the open search with its results instead
(screenshots/<lang>/search.png, the phone's screen): the language's first query of
tests/search_queries.yml, or the text given with --query.

With --update-references, the visual regression test's reference pictures instead
(sitekit/visual.py: each language's home, trial and contact page at phone width at 100 %
and 200 % text, each handout's cover) are rendered from the build and written into
tests/visual/: run it only after looking at the new pictures the failing test wrote
(its message names them).

The table lists each picture with the root font size the page computed (px): the text200
view's is twice the phone's.

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
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import browser, clinic, handout, model, project, search, tables, visual
from sitekit.gate import project_catalogue

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder
QUERIES = ROOT / "tests" / "search_queries.yml"

SETUP_HINT = "run `bash scripts/setup.sh --system`"
# Scripts whose glyphs must come from Debian's Noto fonts, not a fallback of boxes.
FONTS = {"zh": "fonts-noto-cjk", "ar": "fonts-noto-core"}
VIEWS = {"phone": browser.PHONE, "desktop": browser.DESKTOP, "text200": browser.PHONE, "print": browser.DESKTOP}
TEXT_200 = {"standard": 32, "fixed": 26}  # Chromium's default font sizes, doubled (Settings › Font size)
# The root's font size the page computes (px): the 200 % view checks it got the setting.
ROOT_FONT_SIZE = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
PRINT_DPI = 72
SHEET_WIDTH = 240  # px per page in a contact sheet
HANDOUT_DPI = 40  # a handout's sheets in its contact sheet: enough to read the headings


@dataclass
class Shot:
    view: str
    lang: str
    page: str
    paths: list[Path] = field(default_factory=list)
    status: int = 0
    height: int = 0  # px of the full page; for print, the number of A4 sheets
    root_font: float = 0  # px: the root element's font size the page computed (screen views)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.paths) and all(path.exists() for path in self.paths)


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


def target(out: Path, view: str, lang: str, name: str) -> Path:
    folder = out / lang if view == "phone" else out / view / lang
    return folder / f"{name[: -len('.md')]}.png"


def take(out: Path, targets: list[tuple[str, str, str]], views: list[str] | None = None) -> list[Shot]:
    """One full-page PNG per view, language and page (print: one per A4 sheet), each
    language in its own browser context with the reader's locale (so no 'read this in
    your language' suggestion)."""
    shots = []
    with browser.chromium() as chromium:
        for view in views or ["phone"]:
            for lang in dict.fromkeys(code for code, _, _ in targets):
                context = chromium.new_context(viewport=VIEWS[view], locale=lang)
                page = context.new_page()
                if view == "text200":
                    context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": TEXT_200})
                for code, name, url in targets:
                    if code == lang:
                        shots.append(_shoot(page, view, url, Shot(view, lang, name), target(out, view, lang, name)))
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
            shot = Shot("search", lang, f"search: {query}", [path], response.status if response else 0)
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


def _shoot(page, view: str, url: str, shot: Shot, path: Path) -> Shot:
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in [path, *path.parent.glob(f"{path.stem}-*.png")]:
        old.unlink(missing_ok=True)  # never leave an older picture in its place
    response = page.goto(url, wait_until="load")
    shot.status = response.status if response else 0
    if shot.status != 200:
        return shot
    page.evaluate("document.fonts.ready.then(() => true)")
    if view == "text200":
        shot.paths, shot.height = [path], full_page(page, path)
        shot.root_font = page.evaluate(ROOT_FONT_SIZE)
        return shot
    if view != "print":
        page.screenshot(path=str(path), full_page=True)
        shot.paths = [path]
        shot.height = int(page.evaluate("document.documentElement.scrollHeight"))
        shot.root_font = page.evaluate(ROOT_FONT_SIZE)
        return shot
    with tempfile.TemporaryDirectory(prefix="print-") as scratch:
        pdf = Path(scratch) / "page.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.emulate_media(media="screen")
        subprocess.run(["pdftoppm", "-r", str(PRINT_DPI), "-png", str(pdf), str(path.parent / path.stem)], check=True)
    # pdftoppm numbers the sheets page-1.png or page-01.png, as the count needs
    shot.paths = sorted(path.parent.glob(f"{path.stem}-*.png"))
    shot.height = len(shot.paths)
    return shot


def full_page(page, path: Path) -> int:
    """The whole page in one PNG, keeping the browser's text size: Playwright's full-page
    capture resets the device metrics, and with them the font sizes Page.setFontSizes set
    (the 200 % view came out at 100 %). The viewport is made as tall as the page instead,
    the picture taken, the phone's screen given back. Returns the page's height (px)."""
    screen = page.viewport_size
    height = 0
    for _ in range(3):  # a taller viewport can change the page's height (vh units): again until it holds
        wanted = int(page.evaluate("document.documentElement.scrollHeight"))
        if wanted == height:
            break
        height = wanted
        page.set_viewport_size({"width": screen["width"], "height": max(height, screen["height"])})
    page.screenshot(path=str(path))
    page.set_viewport_size(screen)
    return height


def contact_sheets(out: Path, shots: list[Shot]) -> list[Path]:
    """Per view, one PNG: a row per language, a column per page, each cell the first
    screen (the first printed sheet) at SHEET_WIDTH px wide."""
    from PIL import Image

    written = []
    for view in dict.fromkeys(shot.view for shot in shots if shot.view in VIEWS):
        mine = [shot for shot in shots if shot.view == view and shot.ok]
        langs, pages = list(dict.fromkeys(s.lang for s in mine)), list(dict.fromkeys(s.page for s in mine))
        size = VIEWS[view]
        cell_height = round(SHEET_WIDTH * (297 / 210 if view == "print" else size["height"] / size["width"]))
        sheet = Image.new("RGB", (SHEET_WIDTH * len(pages) + 8 * len(pages), (cell_height + 8) * len(langs)), "#888")
        for shot in mine:
            with Image.open(shot.paths[0]) as image:
                first = image.convert("RGB")
                if view != "print":
                    first = first.crop((0, 0, first.width, min(first.height, size["height"])))
                first.thumbnail((SHEET_WIDTH, cell_height))
                sheet.paste(first, (pages.index(shot.page) * (SHEET_WIDTH + 8), langs.index(shot.lang) * (cell_height + 8)))
        path = out / f"sheet-{view}.png"
        sheet.save(path)
        written.append(path)
    return written


def handout_sheets(site: Path, out: Path, catalogue: model.Catalogue) -> list[Path]:
    """One contact sheet per handout the build made: its sheets side by side, six a row."""
    from PIL import Image

    written = []
    folder = out / "handouts"
    folder.mkdir(parents=True, exist_ok=True)
    for made in handout.handouts(catalogue):
        pdf = site / made.path(catalogue)
        if not pdf.is_file():
            continue
        name = "-".join(made.codes)
        with tempfile.TemporaryDirectory(prefix="handout-") as scratch:
            subprocess.run(["pdftoppm", "-r", str(HANDOUT_DPI), "-png", str(pdf), f"{scratch}/{name}"], check=True)
            sheets = sorted(Path(scratch).glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            images = [Image.open(path).convert("RGB") for path in sheets]
        width, height = images[0].size
        columns = min(6, len(images))
        rows = (len(images) + columns - 1) // columns
        sheet = Image.new("RGB", ((width + 8) * columns, (height + 8) * rows), "#888")
        for index, image in enumerate(images):
            sheet.paste(image, ((index % columns) * (width + 8), (index // columns) * (height + 8)))
        path = folder / f"sheet-{name}.png"
        sheet.save(path)
        written.append(path)
    return written


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
    main.add_argument("--view", action="append", choices=list(VIEWS), help="phone (default), desktop, text200, print (repeatable)")
    main.add_argument("--all-views", action="store_true", help="every view: phone, desktop, text200 and print")
    main.add_argument("--sheet", action="store_true", help="also write a contact sheet per view (sheet-<view>.png)")
    main.add_argument("--example-clinic", action="store_true", help="build with real-looking clinic details, not placeholders")
    main.add_argument("--handouts", action="store_true", help="one contact sheet per PDF handout instead (screenshots/handouts/)")
    main.add_argument(
        "--update-references",
        action="store_true",
        help="write the visual regression test's reference pictures (tests/visual/) from this build, after a person looked at the new ones",
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
    if args.update_references and (args.example_clinic or args.search or args.lang or args.page or args.view or args.all_views):
        return usage_error("--update-references renders its own set of pictures: leave out the other options but --site")
    if args.site and args.example_clinic:
        return usage_error("--example-clinic builds the site itself: leave out --site")
    if not Path(browser.CHROMIUM).exists():
        return usage_error(f"{browser.CHROMIUM} is missing: {SETUP_HINT}")
    fonts = missing_fonts()
    if fonts:
        return usage_error(f"Chinese or Arabic would show without real glyphs: install {', '.join(fonts)} ({SETUP_HINT})")
    views = list(VIEWS) if args.all_views else list(dict.fromkeys(args.view or ["phone"]))

    with (
        tempfile.TemporaryDirectory(prefix="screenshots-") as scratch,
        browser.local_server(args.site.resolve() if args.site else Path(scratch) / "site") as server,
    ):
        if not args.site:
            source = ROOT
            if args.example_clinic:
                source = project.copy_project(Path(scratch) / "project", ROOT)
                config = source / "mkdocs.yml"
                config.write_text(clinic.with_example(config.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"building the site for {server.origin} ...", flush=True)
            build = browser.build(server.directory, server.origin, source, {"HANDOUTS": "1"})  # as published
            if build.returncode != 0:
                print(build.stdout + build.stderr, file=sys.stderr)
                print("the build failed: fix the problems above, then run this again", file=sys.stderr)
                return 1
        started = time.monotonic()
        if args.handouts:
            written = handout_sheets(server.directory, args.out, project_catalogue(ROOT))
            for path in written:
                print(f"contact sheet: {path}")
            if not written:
                print("the build has no handouts (build with HANDOUTS=1)", file=sys.stderr)
                return 1
            return 0
        if args.update_references:
            with browser.chromium() as chromium:
                pictures = visual.render(server.directory, server.origin, chromium, project_catalogue(ROOT))
            written = visual.update(pictures)
            size = sum(path.stat().st_size for path in written)
            print(
                f"{len(written)} reference picture(s), {size / 1024:.0f} KiB, in {visual.REFERENCES} ({time.monotonic() - started:.1f} s)"
            )
            return 0
        if args.search:
            queries = search_queries([code for code in codes if not args.lang or code in args.lang], args.query)
            catalogue = project_catalogue(ROOT)
            shots = take_search(args.out, [(code, query, server.origin + catalogue.language_url(code)) for code, query in queries.items()])
        else:
            targets = [
                (code, name, url)
                for code, name, url in browser.page_urls(server.origin, project_catalogue(ROOT))
                if (not args.lang or code in args.lang) and (not pages or name in pages)
            ]
            shots = take(args.out, targets, views)

    rows = []
    for shot in shots:
        shown = ", ".join(path.relative_to(args.out).as_posix() for path in shot.paths) or "—"
        size = f"{shot.height} sheet(s)" if shot.view == "print" else str(shot.height or "—")
        text = f"{shot.root_font:g}" if shot.root_font else "—"
        rows.append((shot.view, shot.lang, shot.page, shown, size, "ok" if shot.ok else f"HTTP {shot.status}", text))
    print(tables.table(("view", "language", "page", "file", "height (px)", "status", "root font (px)"), rows))
    failed = [shot for shot in shots if not shot.ok]
    if args.sheet and len(failed) < len(shots):
        for path in contact_sheets(args.out, shots):
            print(f"contact sheet: {path}")
    written = len(shots) - len(failed)
    print(f"\n{written} screenshot(s), {', '.join(views)}, in {args.out} ({time.monotonic() - started:.1f} s)")
    if failed:
        print(f"{len(failed)} page(s) did not load: see the status column", file=sys.stderr)
        return 1
    return 0


def usage_error(message: str) -> int:
    print(f"scripts/screenshots.py: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
