"""The whole guide as PDF handouts, read back as a reader's tools read them: the text
(`pdftotext`), the fonts (`pdffonts`), the tags and language (pypdf), the cover's QR code
(rendered with `pdftoppm`, decoded with zxing-cpp), and the pages' links to them.

The handouts are those of the session's one build (`built_site`): the build makes them
(scripts/sitekit/build/handouts.py). Which handouts, pages and sentences to expect comes from
the project (`sitekit.model`, and each page read by the publishing gate's own reader,
`Gate.read`), so every state the product handles (an outdated translation, a language
started at 0 %) passes here and is checked as it is."""

from __future__ import annotations

import copy
import datetime as dt
import errno
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Collection
from pathlib import Path

import pydyf
import pytest
import tinycss2
import zxingcpp
from babel.dates import format_date
from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader
from sitekit import clinic, handout, model
from sitekit.gate import Gate, project_catalogue

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = project_catalogue()
HANDOUTS = handout.handouts(CATALOGUE)
IDS = ["-".join(h.codes) for h in HANDOUTS]
# assets/handout.css: each sheet's number, "3 / 13" (a column of a bilingual sheet may get half of it)
PAGE_NUMBER = re.compile(r"^\s*(?:\d+\s*/\s*\d*|/\s*\d+)\s*$", re.M)
LIST_NUMBER = re.compile(r"^\s*\d+\.\s", re.M)  # a numbered list's markers are not the page's text


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


# assets/handout.css's @page margins (top, bottom), in mm: the running head above the body,
# the sheet's number below it.
MARGINS_MM = (22, 16)
MM = 72 / 25.4  # PDF points per mm


def body_box(path: Path) -> tuple[int, int, int, int]:
    """(x, y, width, height) in points of a sheet's body: between the running head and foot."""
    width, height = (float(v) for v in PdfReader(path).pages[0].mediabox[2:])
    top, bottom = (round(mm * MM) for mm in MARGINS_MM)
    return 0, top, round(width), round(height) - top - bottom


def pdf_text(path: Path, side: str | None = None, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text as pdftotext extracts it, the body of each sheet only (not the
    running head and foot every sheet repeats); `side` 'left' or 'right': that half of
    each sheet only (a bilingual handout's column: one language's text in its order);
    `first`, `last`: those sheets only (numbered from 1)."""
    x, y, width, height = body_box(path)
    if side is not None:
        x, width = (0 if side == "left" else width // 2), width // 2
    crop = ("-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height))
    text = "".join(sheet_texts(path, crop)[(first or 1) - 1 : last])
    return LIST_NUMBER.sub("", PAGE_NUMBER.sub("", text))


def sheet_texts(path: Path, options: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Each sheet's text as `pdftotext OPTIONS PATH -` extracts it (with `-f N -l N` the
    same text, form feed included: pdftotext ends every sheet with one), from one run over
    the whole file, kept while the file is unchanged."""
    stat = path.stat()
    return _sheet_texts(path, options, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _sheet_texts(path: Path, options: tuple[str, ...], *unchanged: int) -> tuple[str, ...]:
    text = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return tuple(sheet + "\f" for sheet in text.split("\f")[:-1])


# --- what each page says, as the gate reads it -----------------------------------------------


def blocks(lang: str, name: str) -> list[str]:
    """The text of each block of the page readers of `lang` get (the English page where
    they get it in English), markers (the clinic card) left out."""
    shown = CATALOGUE.content_language(lang, name)
    page = model.read_page(model.page_file(shown, name))
    return [block.text for block in GATE.read(page).blocks if block.kind != "marker" and block.text]


GATE = Gate.for_project(model.REPO, CATALOGUE)


def letters(text: str, rtl: bool = False) -> str:
    """Text as both the page and the PDF give it, for comparing: NFKC, words joined
    without spaces (Chinese has none; a PDF breaks lines anywhere), no bidi controls or
    tatweel; right to left also without alef and lam, as the print test compares (text
    extraction decomposes Arabic's lam-alef ligatures)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u0640]", "", text)
    if rtl:
        text = re.sub(r"[\u0622\u0623\u0625\u0627\u0644]", "", text)
    return "".join(re.findall(r"\w+", text))


def missing_text(pages: list[tuple[str, str]], text: str) -> list[str]:
    """The blocks of `pages` ((language, page) pairs) that the text lacks. Left to right
    (Chinese included): each block whole and after the one before, so in reading order.
    Right to left: each block's words, anywhere (extraction puts a line's parts in visual
    order), as the print test compares them."""
    missing = []
    position = 0
    for lang, name in pages:
        rtl = CATALOGUE.language(CATALOGUE.content_language(lang, name)).direction == "rtl"
        flat = letters(text, rtl)
        for block in blocks(lang, name):
            wanted = letters(block, rtl)
            if rtl:
                absent = [w for w in re.findall(r"\w+", unicodedata.normalize("NFKC", block)) if letters(w, True) not in flat]
                if absent:
                    missing.append(f"{lang}/{name}: {block[:80]!r} lacks {absent[:5]}")
                continue
            found = flat.find(wanted, position)
            if found < 0:
                where = "anywhere" if wanted not in flat else "in reading order"
                missing.append(f"{lang}/{name}: {block[:80]!r} not found {where}")
            else:
                position = found + len(wanted)
    return missing


def expected_pages(made: handout.Handout) -> list[tuple[str, str]]:
    pages = handout.menu_pages(CATALOGUE)
    mine = [(made.language.code, name) for name in pages]
    if made.partner is None:
        return mine
    english = [(made.partner.code, name) for name in pages if CATALOGUE.state(made.language.code, name) not in model.SHOWN_IN_ENGLISH]
    return mine + english


# --- the files -------------------------------------------------------------------------------


def test_each_published_language_has_its_handouts_within_two_mib(site):
    made = {p.relative_to(site.site).as_posix() for p in site.site.rglob("*.pdf")}
    assert made == {h.path(CATALOGUE) for h in HANDOUTS}
    assert {h.language.code for h in HANDOUTS} == {lang.code for lang in CATALOGUE.languages if CATALOGUE.published(lang.code)}
    for h in HANDOUTS:
        assert (site.site / h.path(CATALOGUE)).stat().st_size <= handout.MAX_BYTES, h.path(CATALOGUE)


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_every_sentence_of_every_page_is_in_the_handout_in_reading_order(site, made):
    path = site.site / made.path(CATALOGUE)
    text = pdf_text(path)
    if made.partner is None:
        assert not missing_text(expected_pages(made), text), missing_text(expected_pages(made), text)
    else:  # side by side: each column's blocks, in its order (the language's column is on its reading side)
        mine = "right" if made.language.direction == "rtl" else "left"
        for pages, side in (
            ([p for p in expected_pages(made) if p[0] == made.language.code], mine),
            ([p for p in expected_pages(made) if p[0] != made.language.code], {"left": "right", "right": "left"}[mine]),
        ):
            column = pdf_text(path, side)
            assert not missing_text(pages, column), missing_text(pages, column)
    strings, rtl = CATALOGUE.strings(made.language.code), made.language.direction == "rtl"
    if made.partner is not None:  # the language's own column: a long label wraps beside the English one
        text = pdf_text(path, "right" if rtl else "left")
    flat = letters(text, rtl)
    assert flat.count(letters(strings["page_last_reviewed"], rtl)) >= len(CATALOGUE.pages), "every page's review dates"
    for name in CATALOGUE.pages:  # the notice of every translated page and every page shown in English
        state = CATALOGUE.state(made.language.code, name)
        reviewed = CATALOGUE.review(made.language.code, name).state == model.REVIEWED
        notice = {model.SOURCE: None, model.OUTDATED: "notice_outdated", **dict.fromkeys(model.SHOWN_IN_ENGLISH, "fallback_notice")}.get(
            state, "notice_reviewed" if reviewed else "notice_unreviewed"
        )
        assert notice is None or letters(strings[notice], rtl) in flat, (name, notice)


def test_the_sentence_check_catches_a_missing_page(site, tmp_path):
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    pages = handout.menu_pages(CATALOGUE)
    doc = handout.document(english, site.site, site.site_url, CATALOGUE, template(), pages=pages[:-1])
    pdf, _, _ = handout.render(doc, site.site, site.site_url)
    (tmp_path / "short.pdf").write_bytes(pdf)
    missing = missing_text(expected_pages(english), pdf_text(tmp_path / "short.pdf"))
    assert missing and all(line.startswith(f"en/{pages[-1]}:") for line in missing)


def test_one_extraction_gives_each_sheet_as_pdftotext_gives_it_alone(site):
    """sheet_texts (one pdftotext run per file, split at its form feeds) is what the checks
    read in place of a run per sheet: the same text, sheet by sheet, cropped or not."""
    path = site.site / HANDOUTS[-1].path(CATALOGUE)
    x, y, width, height = body_box(path)
    for options in ((), ("-x", str(x + width // 2), "-y", str(y), "-W", str(width // 2), "-H", str(height))):
        sheets = sheet_texts(path, options)
        assert len(sheets) == len(PdfReader(path).pages)
        for number, sheet in enumerate(sheets, 1):
            alone = ["pdftotext", "-f", str(number), "-l", str(number), *options, str(path), "-"]
            assert sheet == subprocess.run(alone, capture_output=True, text=True, check=True).stdout, f"sheet {number}"


def test_arabic_and_chinese_extract_as_their_own_letters(site):
    """No presentation forms (shaping leaked into the text), no unmapped glyphs."""
    for made in HANDOUTS:
        text = pdf_text(site.site / made.path(CATALOGUE))
        assert not re.findall(r"[\ufb50-\ufdff\ufe70-\ufeff\ufffd]", text), made.path(CATALOGUE)
        title = BeautifulSoup((site.site / CATALOGUE.url(made.language.code, "index.md") / "index.html").read_text("utf-8"), "html.parser")
        name = title.find("meta", property="og:site_name")["content"]
        assert letters(name, made.language.direction == "rtl") in letters(text, made.language.direction == "rtl")


# --- fonts ------------------------------------------------------------------------------------


def unembedded_fonts(path: Path) -> list[str]:
    """pdffonts' rows whose 'emb' column says no (or that are not subsets)."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    found = []
    for line in lines:
        emb, sub = line.split()[-5:-3]
        if emb != "yes" or sub != "yes":
            found.append(line.split()[0])
    return found


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_every_font_is_embedded_as_a_subset(site, made):
    path = site.site / made.path(CATALOGUE)
    assert subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.count("\n") > 2, "no fonts listed"
    assert unembedded_fonts(path) == []


def test_the_font_check_catches_an_unembedded_font(tmp_path):
    """A PDF naming Helvetica without embedding it, as a careless engine writes one."""
    document = pydyf.PDF()
    font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Helvetica"})
    document.add_object(font)
    content = pydyf.Stream()
    content.begin_text()
    content.set_font_size("F1", 12)
    content.show_text(pydyf.String("Hello"))
    content.end_text()
    document.add_object(content)
    page = pydyf.Dictionary(
        {
            "Type": "/Page",
            "Parent": document.pages.reference,
            "MediaBox": pydyf.Array([0, 0, 200, 200]),
            "Contents": content.reference,
            "Resources": pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": font.reference})}),
        }
    )
    document.add_page(page)
    path = tmp_path / "unembedded.pdf"
    with path.open("wb") as output:
        document.write(output)
    assert unembedded_fonts(path) == ["Helvetica"]


# --- tags, language, cover -----------------------------------------------------------------------


def tagged_languages(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, dict):
            if "/Lang" in node:
                found.add(str(node["/Lang"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    return found


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_the_handout_is_tagged_pdf_ua_in_its_language_and_marks_english_parts(site, made):
    reader = PdfReader(site.site / made.path(CATALOGUE))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == made.language.code
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()  # PDF/UA-1 declared
    assert reader.metadata.title
    english = CATALOGUE.default.code
    shows_english = made.partner is not None or any(
        CATALOGUE.state(made.language.code, n) in model.SHOWN_IN_ENGLISH for n in CATALOGUE.pages
    )
    if made.language.code != english and shows_english:
        assert english in tagged_languages(reader), "the English parts are tagged as English"


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_the_cover_qr_code_opens_the_guide_in_its_language(site, made, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(site.site / made.path(CATALOGUE)), str(tmp_path / "cover")], check=True
    )
    (cover,) = tmp_path.glob("cover*.png")
    codes = [result.text for result in zxingcpp.read_barcodes(Image.open(cover))]
    assert codes == [site.site_url + CATALOGUE.language_url(made.language.code)]


# --- links from the pages ------------------------------------------------------------------------


def test_every_page_links_its_handouts_with_their_real_size(site):
    assert not [p for p in site.site.rglob("*.html") if handout.SIZE_TOKEN in p.read_text(encoding="utf-8")]
    for lang in CATALOGUE.languages:
        guide, bilingual = handout.for_language(CATALOGUE, lang.code)
        strings = CATALOGUE.strings(lang.code)
        for name in CATALOGUE.pages:
            path = site.site / CATALOGUE.url(lang.code, name) / "index.html"
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            links = soup.select(".pp-handout a, .pp-share__handout a")
            if guide is None:
                assert not links, f"{path}: a language not offered to readers has no handout"
                continue
            shared = bilingual or guide
            key = "handout_bilingual_link" if bilingual else "handout_link"
            expected = [(guide, "handout_link"), (shared, key)]
            assert len(links) == 2, path
            for link, (made, text) in zip(links, expected, strict=True):
                target = (path.parent / link["href"]).resolve()
                assert target == (site.site / made.path(CATALOGUE)).resolve(), (path, link["href"])
                size = handout.size_label(target.stat().st_size, strings)
                assert link.get_text() == strings[text].format(size=size)
                assert link.has_attr("download") and link["type"] == "application/pdf"


# --- the engine: cached by content, nothing from elsewhere ---------------------------------------


def template():
    from mkdocs.theme import Theme  # after sitekit, which makes `mkdocs` ProperDocs

    return Theme(name="material", custom_dir=str(REPO / "overrides")).get_env().get_template(handout.TEMPLATE)


def test_a_handout_is_made_again_only_when_what_it_is_made_from_changed(site, tmp_path):
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    doc = handout.document(english, site.site, site.site_url, CATALOGUE, template(), pages=handout.menu_pages(CATALOGUE)[:1])  # a short one
    target, cache = tmp_path / "out.pdf", tmp_path / "cache"
    first = handout.build(doc, site.site, site.site_url, target, cache)
    again = handout.build(doc, site.site, site.site_url, target, cache)
    assert (first.reused, again.reused) == (False, True) and again.size == first.size
    entry = next(cache.glob("*.json"))
    read = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps({**read, next(iter(read)): "0" * 64}), encoding="utf-8")  # a file it read changed since
    assert handout.reuse(doc, site.site, site.site_url, target, cache) is None
    edited = handout.Document(doc.handout, doc.html.replace("</body>", "<p>New sentence.</p></body>"), doc.pages, doc.stylesheets)
    assert handout.reuse(edited, site.site, site.site_url, target, cache) is None


def test_a_handout_loads_nothing_from_another_host(site, tmp_path):
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    html = (
        f'<!doctype html><html lang="en"><head><title>t</title><link rel="stylesheet" href="https://cdn.example.invalid/x.css"></head>'
        f'<body><img src="http://images.example.invalid/x.png" alt="x"><img src="{site.site_url}assets/favicon.svg" alt="icon"></body></html>'
    )
    doc = handout.Document(english, html, [], [])
    result = handout.build(doc, site.site, site.site_url, tmp_path / "t.pdf", tmp_path / "cache")
    assert [p.split(": ", 1)[1].split(" ", 1)[0] for p in result.problems] == [
        "https://cdn.example.invalid/x.css",
        "http://images.example.invalid/x.png",
    ]
    assert not list((tmp_path / "cache").glob("*.pdf")), "a handout with refused files is not cached"


def test_a_handout_that_cannot_be_made_is_a_build_error_from_its_worker(site, tmp_path):
    """A worker process (as the build's) reports a missing page as the build's error
    message, with the page's file, not a traceback; the other handouts are still made."""
    copy = tmp_path / "site"
    shutil.copytree(site.site, copy, ignore=shutil.ignore_patterns("*.pdf"))
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    gone = copy / CATALOGUE.url(english.language.code, handout.menu_pages(CATALOGUE)[-1]) / "index.html"
    gone.unlink()
    maker = handout.Maker(handout.Job(CATALOGUE, copy, site.site_url, template(), tmp_path / "cache"), workers=1)
    maker.submit(english)
    (outcome,) = maker.outcomes()
    assert outcome.result is None
    assert outcome.errors == [f"{gone}: the built page is missing — build the whole site before its handouts"]


# --- the handout's stylesheet -------------------------------------------------------------------


def custom_properties(css: str) -> dict[str, str]:
    """The custom properties (`--name: value`) the stylesheet's `:root` rules declare."""
    found = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and ":root" in tinycss2.serialize(rule.prelude):
            for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if item.type == "declaration" and item.name.startswith("--"):
                    found[item.name] = tinycss2.serialize(item.value).strip().lower()
    return found


def palette_differences(handout_css: str, theme_css: str) -> list[str]:
    theirs = custom_properties(theme_css)
    return [
        f"{name}: {value}, Material: {theirs.get(name)}"
        for name, value in custom_properties(handout_css).items()
        if theirs.get(name) != value
    ]


def test_the_handout_stylesheet_has_the_site_palette(site):
    """assets/handout.css stands in for Material's main.css: every Material colour the
    site's own stylesheets (extra_css) and it use is defined there, as Material has it."""
    handout_css = (site.site / handout.STYLESHEET).read_text(encoding="utf-8")
    theme_css = next((site.site / "assets" / "stylesheets").glob("main.*.css")).read_text(encoding="utf-8")
    own = [(site.site / path).read_text(encoding="utf-8") for path in model.load_mkdocs_config(CATALOGUE.root).get("extra_css") or []]
    used = set(re.findall(r"var\((--md-[\w-]+)", "".join([*own, handout_css])))
    assert used <= set(custom_properties(handout_css)), "a colour the handout's stylesheets use is not defined in it"
    assert palette_differences(handout_css, theme_css) == []
    name, value = next(iter(custom_properties(handout_css).items()))
    changed = f"{handout_css}\n:root {{ {name}: #123456 }}"
    assert palette_differences(changed, theme_css) == [f"{name}: #123456, Material: {value}"]


@pytest.mark.fixture_cases
def test_sections_pair_by_heading_id_and_a_section_only_one_side_has_stands_alone():
    mine = [(None, ["intro"]), ("a", ["A·"]), ("b", ["B·"]), ("gone", ["G·"])]
    english = [(None, ["intro"]), ("a", ["A"]), ("new", ["N"]), ("b", ["B"])]
    assert list(handout.pair(mine, english)) == [(["intro"], ["intro"]), (["A·"], ["A"]), (None, ["N"]), (["B·"], ["B"]), (["G·"], None)]


def test_the_cover_states_the_translations_check_and_each_page_is_marked_where_it_starts(site):
    """A translation's handout says on its cover whether a qualified medical translator checked
    every page (a review that holds), or how many are not checked; each translated page starts
    with its own line (checked, or not), as on the site."""
    for made in HANDOUTS:
        lang = made.language.code
        doc = BeautifulSoup(handout.document(made, site.site, site.site_url, CATALOGUE, template()).html, "html.parser")
        cover = doc.select_one(".pp-cover__review")
        if lang == CATALOGUE.default.code:
            assert cover is None
            continue
        strings = model.ui_strings(lang)
        assert cover is not None and cover.get_text() == handout.review_status(CATALOGUE, lang, handout.menu_pages(CATALOGUE))
        for name in handout.menu_pages(CATALOGUE):
            if CATALOGUE.state(lang, name) in model.SHOWN_IN_ENGLISH:
                continue
            article = doc.find(id=handout.anchor(lang, name))
            first = article.select_one(".pp-notice")
            earlier = first.find_previous(["h2", "h3"])  # marked where it starts: before its first section
            assert first is not None and (earlier is None or article not in earlier.parents), (lang, name)
            wanted = strings["notice_reviewed" if CATALOGUE.review(lang, name).state == model.REVIEWED else "notice_unreviewed"]
            if CATALOGUE.state(lang, name) == model.TRANSLATED:
                assert wanted in first.get_text(), (lang, name)


def test_the_cover_line_follows_the_reviews():
    """The failing case: one page whose review no longer holds is counted as not checked."""
    lang = next(lang.code for lang in CATALOGUE.languages[1:])
    pages = handout.menu_pages(CATALOGUE)
    translated = [name for name in pages if CATALOGUE.state(lang, name) not in model.SHOWN_IN_ENGLISH]
    checked = copy.copy(CATALOGUE)
    record = model.ReviewRecord("Ana Pérez", "Medical translator", dt.date(2026, 12, 1), "0" * 12, "1" * 12)
    checked.reviews = {**CATALOGUE.reviews, **{(lang, name): model.Review(model.REVIEWED, record) for name in translated}}
    strings = model.ui_strings(lang)
    assert handout.review_status(checked, lang, pages) == strings["handout_checked"]
    checked.reviews[(lang, translated[0])] = model.Review(model.LAPSED, record)
    assert handout.review_status(checked, lang, pages) == strings["handout_unchecked"].format(count=1, total=len(translated))
    assert handout.review_status(checked, CATALOGUE.default.code, pages) == ""


# --- the workers end with the build ------------------------------------------------------------


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc: psutil is not installed)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.injected_fault  # the SIGTERM it sends
def test_a_killed_build_leaves_no_worker_and_writes_no_handout_after(project_copy, tmp_path):
    """SIGTERM to a HANDOUTS=1 build once its workers print: within seconds no worker is left,
    and no PDF (or temporary file) appears in the output folder afterwards."""
    site = tmp_path / "site"
    env = {**os.environ, "HANDOUTS": "1", "SITE_URL": "http://127.0.0.1:8000/", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    build = subprocess.Popen(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(project_copy.root / "mkdocs.yml"), "-d", str(site)],
        cwd=project_copy.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not workers and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = children(build.pid)
        assert workers, "the build made no handout workers"
        time.sleep(1)  # the workers are printing
        build.send_signal(signal.SIGTERM)
        build.wait(timeout=30)
        published = sorted(site.rglob("*.pdf"))
        time.sleep(5)
        assert [pid for pid in workers if alive(pid)] == []
        assert sorted(site.rglob("*.pdf")) == published, "a PDF was written after the build was killed"
        assert list(site.rglob(f"*{handout.PARTIAL}")) == []
    finally:
        if build.poll() is None:
            build.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


# --- the sheets: filled, with their contents, the running head, urgent help in one piece -------

INK_DPI = 20  # enough to see where a sheet's text is; a handout renders in well under a second
FILLED_MIN, LAST_FILLED_MIN = 0.4, 0.2  # of the body's height: below it a sheet is nearly blank


EDGE_MM = 4  # the sheet's top: a running head whose ink reaches it runs off the sheet


def sheet_ink(path: Path, tmp_path: Path) -> list[tuple[float, float, float, float]]:
    """Per sheet, rendered in grey at INK_DPI: (how far down the body the ink reaches, as a
    share of the body's height; the share of the body's pixels that are ink; the share of
    the running head's area that is ink; the share of the top EDGE_MM that is ink)."""
    subprocess.run(["pdftoppm", "-r", str(INK_DPI), "-gray", "-png", str(path), str(tmp_path / "ink")], check=True)
    found = []
    for png in sorted(tmp_path.glob("ink-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        with Image.open(png) as image:
            grey = image.convert("L")
        per_mm = grey.height / 297
        top, bottom = round(MARGINS_MM[0] * per_mm), grey.height - round(MARGINS_MM[1] * per_mm)
        body = grey.crop((0, top, grey.width, bottom)).point(lambda v: 255 if v < 200 else 0)
        head = grey.crop((0, 0, grey.width, top)).point(lambda v: 255 if v < 200 else 0)
        edge = grey.crop((0, 0, grey.width, max(1, round(EDGE_MM * per_mm)))).point(lambda v: 255 if v < 200 else 0)
        box = body.getbbox()
        found.append(
            (
                box[3] / body.height if box else 0.0,
                body.histogram()[255] / (body.width * body.height),
                head.histogram()[255] / (head.width * head.height),
                edge.histogram()[255] / (edge.width * edge.height),
            )
        )
    return found


def in_text(wanted: str, text: str, rtl: bool) -> bool:
    """Whether `text` has `wanted`: whole, in order; right to left each of its words
    (extraction gives a line's parts in visual order)."""
    if not rtl:
        return letters(wanted) in letters(text)
    flat = letters(text, True)
    return all(letters(word, True) in flat for word in re.findall(r"\w+", unicodedata.normalize("NFKC", wanted)))


def head_off_the_sheet(ink: list[tuple[float, ...]]) -> list[str]:
    """The sheets whose running head reaches the sheet's top edge (a long clinic name or
    title wrapping onto more lines than the top margin holds: the first is cut off)."""
    return [f"sheet {number}: the running head runs off the sheet's top" for number, (*_, edge) in enumerate(ink, 1) if edge > 0]


def nearly_blank(ink: list[tuple[float, ...]], blank: Collection[int] = (), text_end: int | None = None) -> list[str]:
    """The sheets whose body is nearly blank, but for `blank`: the side a handout leaves
    blank on purpose and says so (`blank_sides`), whose only ink is that notice. The last
    sheet, and `text_end` (the side the guide's text ends on, when the back page starts a
    side of its own), may be filled less: a text's last side."""
    problems = []
    for number, (filled, share, *_) in enumerate(ink, 1):
        least = LAST_FILLED_MIN if number in (len(ink), text_end) else FILLED_MIN
        if number not in blank and (filled < least or share < 0.005):
            problems.append(f"sheet {number}: its text fills {filled:.0%} of the body (at least {least:.0%})")
    return problems


def blank_sides(path: Path, lang: str) -> list[int]:
    """The sides whose whole text (running head and number included) is the notice that
    the side was left blank on purpose (`handout_blank`), in the guide's language."""
    rtl = CATALOGUE.language(lang).direction == "rtl"
    notice = letters(CATALOGUE.strings(lang)["handout_blank"], rtl)
    return [number for number in range(1, len(PdfReader(path).pages) + 1) if letters(side_text(path, number), rtl) == notice]


def side_text(path: Path, number: int) -> str:
    return sheet_texts(path)[number - 1]


def sheet_problems(path: Path, made: handout.Handout, site: Path, tmp_path: Path) -> list[str]:
    """No nearly blank sheet (a notice or review dates alone): the body's ink reaches at
    least 40 % down every sheet (the last: 20 %), but for the one side left blank on
    purpose; every other sheet but the cover has its running head (the guide's title, the
    clinic's number) and its number."""
    ink = sheet_ink(path, tmp_path)
    blank = blank_sides(path, made.language.code)
    problems = [] if len(ink) >= 2 else ["a handout of one sheet"]
    back, above = back_page(path)
    problems += nearly_blank(ink, blank, back - 1 if above < 0.05 else None)  # the back page on a side of its own
    problems += [f"sheet {n}: no running head" for n, (_, _, head, _) in enumerate(ink[1:], 2) if head < 0.01 and n not in blank]
    problems += head_off_the_sheet(ink)
    rtl = made.language.direction == "rtl"
    home = BeautifulSoup((site / CATALOGUE.url(made.language.code, "index.md") / "index.html").read_text("utf-8"), "html.parser")
    title = home.find("meta", property="og:site_name")["content"]
    call = home.select_one(".pp-top .pp-call").get_text()  # the clinic's number, as every page's top has it
    _, _, width, _ = body_box(path)
    for number in range(2, len(ink) + 1):
        if number in blank:
            continue
        head = sheet_texts(path, ("-x", "0", "-y", "0", "-W", str(width), "-H", str(round(MARGINS_MM[0] * MM))))[number - 1]
        foot = side_text(path, number)
        if not in_text(title, head, rtl):
            problems.append(f"sheet {number}: no title in its running head: {head!r}")
        if not in_text(call, head, rtl):
            problems.append(f"sheet {number}: no 'Call the clinic' and number in its running head: {head!r}")
        if not re.search(rf"\b{number}\s*/\s*{len(ink)}\b", foot):
            problems.append(f"sheet {number}: no '{number} / {len(ink)}'")
    return problems


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_every_sheet_is_filled_and_has_the_running_head(site, made, tmp_path):
    assert sheet_problems(site.site / made.path(CATALOGUE), made, site.site, tmp_path) == []


def test_the_sheet_check_catches_a_nearly_blank_sheet_and_a_head_off_the_sheet():
    full, half, empty = (0.95, 0.1, 0.02), (0.5, 0.05, 0.02), (0.08, 0.01, 0.02)
    assert nearly_blank([full, half, full, half]) == []
    assert nearly_blank([full, empty, full, (0.3, 0.02, 0.02)]) == ["sheet 2: its text fills 8% of the body (at least 40%)"]
    assert nearly_blank([full, full, empty]) == ["sheet 3: its text fills 8% of the body (at least 20%)"]
    assert nearly_blank([full, full, empty, full], blank=[3]) == []  # the side left blank on purpose, and only it
    assert nearly_blank([full, empty, empty, full], blank=[3]) == ["sheet 2: its text fills 8% of the body (at least 40%)"]
    short = (0.3, 0.02, 0.02)  # the guide's text ends a third of the way down, the back page on the next side
    assert nearly_blank([full, short, full], text_end=2) == [] and nearly_blank([full, short, full]) != []
    assert nearly_blank([full, empty, full], text_end=2) == ["sheet 2: its text fills 8% of the body (at least 20%)"]
    assert head_off_the_sheet([(0.9, 0.1, 0.02, 0.0), (0.9, 0.1, 0.05, 0.01)]) == ["sheet 2: the running head runs off the sheet's top"]


# --- printed double-sided: the back page on the back of the last sheet, one blank side at most ---

MAX_BLANK = 1  # sides a handout may leave blank (sitekit/handout.py, "Printed double-sided")


def back_page(path: Path) -> tuple[int, float]:
    """(the side the back page starts on, the share of that side's body above it), from
    the PDF's destination for it (its top, in points from the sheet's foot)."""
    reader = PdfReader(path)
    where = reader.named_destinations[handout.BACK_ANCHOR]
    side = reader.get_destination_page_number(where) + 1
    _, top, _, height = body_box(path)
    sheet_height = float(reader.pages[0].mediabox[3])
    return side, max(0.0, (sheet_height - float(where.top) - top) / height)


def duplex_problems(sides: int, blank: list[int], back: tuple[int, float]) -> list[str]:
    """What breaks the handouts' rule for double-sided printing: the back page (the notes)
    starts on the last side and is a verso (an even side: the back of the last sheet),
    unless it shares a recto with the guide's text; the only side left blank is the recto
    just before it, at most MAX_BLANK."""
    problems = []
    if len(blank) > MAX_BLANK:
        problems.append(f"sides {blank} are left blank: at most {MAX_BLANK}")
    problems += [f"side {n} is left blank: only the recto before the back page may be" for n in blank if n % 2 == 0 or n != sides - 1]
    side, above = back
    if side != sides:
        problems.append(f"the back page starts on side {side}, not on the last side ({sides})")
    elif sides % 2 == 1 and above < handout.OWN_SIDE:
        problems.append(f"the back page has side {side}, a recto, to itself: it belongs on the verso behind it (the same paper)")
    return problems


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_printed_double_sided_the_back_page_is_the_back_of_the_last_sheet(site, made):
    path = site.site / made.path(CATALOGUE)
    sides = len(PdfReader(path).pages)
    assert duplex_problems(sides, blank_sides(path, made.language.code), back_page(path)) == []


def test_the_double_sided_check_catches_a_misplaced_blank_side_and_a_back_page_on_a_recto():
    assert duplex_problems(8, [7], (8, 0.0)) == []  # the back page had a side to itself: the recto before it blank
    assert duplex_problems(7, [], (7, 0.5)) == []  # it shares the last recto with the guide's text
    assert duplex_problems(9, [], (9, 0.0)) == [
        "the back page has side 9, a recto, to itself: it belongs on the verso behind it (the same paper)"
    ]
    assert duplex_problems(8, [3], (8, 0.0)) == ["side 3 is left blank: only the recto before the back page may be"]
    assert duplex_problems(8, [6], (8, 0.0)) == ["side 6 is left blank: only the recto before the back page may be"]
    assert duplex_problems(10, [7, 9], (10, 0.0))[0] == f"sides [7, 9] are left blank: at most {MAX_BLANK}"
    assert duplex_problems(8, [], (7, 0.0)) == ["the back page starts on side 7, not on the last side (8)"]


@pytest.mark.fixture_cases
def test_the_back_page_moves_to_a_verso_only_where_that_helps():
    """Laid out again only when the back page is on the last side, a recto, and either has
    it to itself (the recto before it is then left blank: the same paper) or follows enough
    of the guide's text that the text does not stand nearly alone."""
    assert handout.back_to_verso(9, (9, 0.0))  # alone on a recto: to the verso behind it
    assert handout.back_to_verso(9, (9, 0.5))  # after half a side of text: that side keeps its text
    assert not handout.back_to_verso(9, (9, 0.2))  # after a few lines: they would stand alone
    assert not handout.back_to_verso(8, (8, 0.0))  # already the back of the last sheet
    assert not handout.back_to_verso(9, (8, 0.0))  # longer than a side: left as it is
    assert not handout.back_to_verso(9, None)
    assert [handout.paper(n) for n in (7, 8, 9)] == [4, 4, 5]


BIDI_CONTROLS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def contents_problems(path: Path, made: handout.Handout, site: Path) -> list[str]:
    """The cover's contents: every page's title, in the menu's order, with the number of
    the sheet it starts on (the PDF's own destination for the page says which)."""
    reader = PdfReader(path)
    destinations = reader.named_destinations
    pages = handout.menu_pages(CATALOGUE)
    starts = [reader.get_destination_page_number(destinations[handout.anchor(made.language.code, name)]) + 1 for name in pages]
    cover = BIDI_CONTROLS.sub("", pdf_text(path, first=1, last=1))
    # "Title · 3", or right to left as extraction may order it, "3 · Title", or (a cover
    # mostly in Arabic, which pdftotext reads right to left) "عنوان 3 · Title /"
    printed = [int(m[1] or m[2] or m[3]) for m in re.finditer(r"·\s*(\d+)\s*$|^\s*(\d+)\s*·|\s(\d+)\s*·\s*[^\d\s]", cover, re.M)]
    problems = [] if printed == starts else [f"the contents print sheets {printed}, the pages start on {starts}"]
    if not (all(1 < start <= len(reader.pages) for start in starts) and starts == sorted(starts)):
        problems.append(f"the pages start on sheets {starts}")
    rtl = made.language.direction == "rtl"
    for name, start in zip(pages, starts, strict=True):
        heading = BeautifulSoup((site / CATALOGUE.url(made.language.code, name) / "index.html").read_text("utf-8"), "html.parser")
        heading = heading.select_one("article h1").get_text()
        if not in_text(heading, cover, rtl):
            problems.append(f"{name}: its title is not in the contents")
        if not in_text(heading, pdf_text(path, first=start, last=start), rtl):
            problems.append(f"{name} does not start on sheet {start}")
    return problems


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_the_contents_list_every_page_with_the_sheet_it_starts_on(site, made):
    assert contents_problems(site.site / made.path(CATALOGUE), made, site.site) == []


def cover_overflow(path: Path, made: handout.Handout) -> list[str]:
    """The cover (title, version, the clinic's details, QR code, contents) fits on sheet 1:
    the guide's first page starts on sheet 2 (the cover ends with a page break)."""
    reader = PdfReader(path)
    first = handout.anchor(made.language.code, handout.menu_pages(CATALOGUE)[0])
    start = reader.get_destination_page_number(reader.named_destinations[first]) + 1
    return [] if start == 2 else [f"the cover runs over {start - 1} sheets: the first page starts on sheet {start}"]


def urgent_problems(path: Path, made: handout.Handout, number: str | None = None) -> list[str]:
    """Wherever the clinic's urgent-help box is printed (the contact page, the back page), its
    words and the out-of-hours label (and `number`, when given: the number itself) are on
    the same sheet."""
    strings, rtl = CATALOGUE.strings(made.language.code), made.language.direction == "rtl"
    words, number_label = letters(strings["urgent_help"], rtl), letters(strings["urgent_phone"], rtl)
    digits = re.sub(r"\D", "", number or "")
    found, problems = 0, []
    side = None if made.partner is None else "right" if rtl else "left"  # bilingual: the language's column
    for sheet in range(1, len(PdfReader(path).pages) + 1):
        text = pdf_text(path, side, first=sheet, last=sheet)
        flat = letters(text, rtl)
        found += flat.count(words)
        if flat.count(words) != flat.count(number_label):
            problems.append(f"sheet {sheet}: urgent help without its number, or the number alone")
        elif digits and flat.count(words) and digits not in re.sub(r"\D", "", BIDI_CONTROLS.sub("", text)):
            problems.append(f"sheet {sheet}: urgent help without the number {number}")
    if found < 2:
        problems.append("the contact page and the back page have the urgent-help box")
    return problems


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_urgent_help_and_its_number_are_on_one_sheet(site, made):
    assert urgent_problems(site.site / made.path(CATALOGUE), made) == []


# --- right to left: numbers, addresses and web addresses in the order the browser shows -------

SPACES = re.compile(r"\s+")


def isolated_runs(html: str) -> list[str]:
    """The text of every run the page isolates in its own direction (a <bdi>, an inline
    element with `dir`) that holds a digit: what a browser shows as one unit, left to right
    as written (an address, a phone number, a web address), without spaces."""
    soup = BeautifulSoup(html, "html.parser")
    runs = [node.get_text() for node in soup.find_all(["bdi", *handout._INLINE]) if node.name == "bdi" or node.get("dir") == "ltr"]
    return [flat for flat in (SPACES.sub("", BIDI_CONTROLS.sub("", run)) for run in runs) if re.search(r"\d", flat)]


NOT_LATIN = re.compile(r"[^0-9A-Za-z]")


def out_of_order(runs: list[str], pdf: Path) -> list[str]:
    """The runs the PDF's text lacks in their order: each whole, or (a run wrapped onto a
    second line of a right-to-left line, e.g. a clinic's long address: extraction puts the
    line's right-to-left label between its parts) its Latin letters and digits in order
    among the text's, right-to-left script and punctuation left out; "62701 12" for
    "12 … 62701" is out of order either way."""
    raw = BIDI_CONTROLS.sub("", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    text, latin = SPACES.sub("", raw), NOT_LATIN.sub("", raw)
    return [run for run in runs if run not in text and NOT_LATIN.sub("", run) not in latin]


@pytest.mark.parametrize("made", [h for h in HANDOUTS if h.language.direction == "rtl"], ids=lambda h: "-".join(h.codes))
def test_right_to_left_handouts_print_numbers_and_addresses_in_the_order_the_page_shows(site, made):
    """Every isolated run with digits of a right-to-left handout (the guide's address on
    the cover, phone numbers, dates written left to right) is in the PDF's text as the
    browser shows it: one unit, its characters in their order."""
    doc = handout.document(made, site.site, site.site_url, CATALOGUE, template())
    runs = isolated_runs(doc.html)
    assert runs, "the cover's web address at least"
    assert out_of_order(runs, site.site / made.path(CATALOGUE)) == []


def test_an_arabic_clinic_card_prints_its_address_and_numbers_in_order(site, tmp_path):
    """The Arabic footer's clinic card with real-looking details (sitekit.clinic.EXAMPLE in
    place of the placeholders), printed with the handouts' stylesheets: the address and
    both phone numbers come out as the page shows them; without the isolates WeasyPrint
    printed "Main St., Springfield, IL 62701 12" (the check catches it)."""
    from sitekit import clinic

    arabic = next(h for h in HANDOUTS if h.codes == ("ar",))
    home = BeautifulSoup((site.site / CATALOGUE.url("ar", "index.md") / "index.html").read_text("utf-8"), "html.parser")
    card = home.select_one(".md-copyright .pp-clinic")
    values = {"street address": clinic.EXAMPLE["address"], "out-of-hours": clinic.EXAMPLE["urgent_phone"], "phone": clinic.EXAMPLE["phone"]}
    for mark in card.select("mark.pp-placeholder"):
        found = next((value for key, value in values.items() if key in mark.get_text()), None)
        if found:
            mark.replace_with(found)  # as the card shows a clinic's own value: the text alone
    html = f'<!doctype html><html lang="ar" dir="rtl"><head><title>t</title></head><body dir="rtl" class="pp-guide"><section class="md-typeset">{card}</section></body></html>'
    runs = isolated_runs(html)
    assert {SPACES.sub("", v) for v in values.values()} <= set(runs)
    sheets = [site.site_url + "assets/site.css", site.site_url + handout.STYLESHEET]
    for name, text in (("isolated", handout.isolate(html)), ("raw", html)):
        pdf, _, _ = handout.render(handout.Document(arabic, text, [], sheets), site.site, site.site_url)
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
    assert out_of_order(runs, tmp_path / "isolated.pdf") == []
    assert SPACES.sub("", clinic.EXAMPLE["address"]) in out_of_order(runs, tmp_path / "raw.pdf")


def test_a_handout_that_cannot_be_written_names_the_disk(site, tmp_path, monkeypatch):
    """A full disk while a handout is written is the build's error, naming the file and the
    disk (no traceback, and not the page's fault); the failing case of the rule is the
    other OSErrors, which still raise."""
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    copy = tmp_path / "site"
    shutil.copytree(site.site, copy, ignore=shutil.ignore_patterns("*.pdf"))
    job = handout.Job(CATALOGUE, copy, site.site_url, template(), tmp_path / "cache")

    def full(target, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(handout, "_publish", full)
    outcome = handout.make(job, english)
    target = copy / english.path(CATALOGUE)
    assert outcome.result is None
    assert outcome.errors == [f"cannot write {target}: the disk is full — free space on the disk"]

    def gone(target, data):
        raise FileNotFoundError(errno.ENOENT, "gone", str(target))

    monkeypatch.setattr(handout, "_publish", gone)
    with pytest.raises(FileNotFoundError):
        handout.make(job, english)


# --- the cover's version and date, the guide's one "About this translation", the notes page ---


def cover_problems(cover: str, lang: str, version: str, date: dt.date, rtl: bool) -> list[str]:
    """What the cover's text lacks: the language's words for the guide's version with the
    version itself, and the date written as the language writes dates (its date_format)."""
    strings = CATALOGUE.strings(lang)
    written = format_date(date, format=strings["date_format"], locale=lang.replace("-", "_"))
    wanted = strings["handout_version"].format(version=version, date=written)
    return [] if in_text(wanted, cover, rtl) else [f"the cover lacks {wanted!r}"]


def guide_date(lang: str) -> dt.date:
    """The latest day the clinic reviewed a page the guide of `lang` holds, read from the pages."""
    dates = []
    for name in handout.menu_pages(CATALOGUE):
        meta = model.read_page(model.page_file(CATALOGUE.content_language(lang, name), name)).meta
        dates.append(model.review_date(meta, "last_reviewed"))
    return max(date for date in dates if date is not None)


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_the_cover_has_the_guides_version_and_date_in_its_language(site, made):
    """Every cover names the version of the English text the guide follows (one for every
    language's guide) and its date, as the language writes dates."""
    pages = handout.menu_pages(CATALOGUE)
    version = handout.guide_version(CATALOGUE, pages)
    assert re.fullmatch(r"[0-9a-f]{8}", version)
    assert {handout.guide_version(CATALOGUE, pages) for _ in HANDOUTS} == {version}
    cover = BIDI_CONTROLS.sub("", pdf_text(site.site / made.path(CATALOGUE), first=1, last=1))
    lang = made.language.code
    assert cover_problems(cover, lang, version, guide_date(lang), made.language.direction == "rtl") == []


def test_the_cover_check_catches_a_date_not_in_the_guides_language():
    """The failing case: an English date, or another version, on the Spanish cover."""
    lang = next(lang for lang in CATALOGUE.languages if lang.direction == "ltr" and lang != CATALOGUE.default).code
    date = dt.date(2026, 11, 24)
    strings = CATALOGUE.strings(lang)
    right = strings["handout_version"].format(version="0123abcd", date=format_date(date, format=strings["date_format"], locale=lang))
    assert cover_problems(f"cover\n{right}\n", lang, "0123abcd", date, False) == []
    english = strings["handout_version"].format(version="0123abcd", date=format_date(date, format="long", locale="en"))
    assert cover_problems(english, lang, "0123abcd", date, False) != []
    assert cover_problems(right, lang, "ffffffff", date, False) != []


def whole_text(path: Path) -> str:
    return BIDI_CONTROLS.sub("", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def state_sentence(lang: str, name: str) -> str:
    """What the guide's "About this translation" says of a page's translation, from the project's state."""
    strings = CATALOGUE.strings(lang)
    state, review = CATALOGUE.state(lang, name), CATALOGUE.review(lang, name)
    if state in model.SHOWN_IN_ENGLISH:
        return strings["fallback_notice"]
    if state == model.OUTDATED:
        return strings["notice_outdated"]
    if review.state == model.REVIEWED:
        return strings["translation_reviewed"].format(date=format_date(review.record.date, format=strings["date_format"], locale=lang))
    return strings["notice_unreviewed"]


def about_problems(text: str, lang: str, titles: dict[str, str], rtl: bool) -> list[str]:
    """What is wrong with a translation's "About this translation" in the handout's text:
    it must be there once, and name every page with what its translation is, in order."""
    heading = letters(CATALOGUE.strings(lang)["about_translation"], rtl)
    flat = letters(text, rtl)
    if flat.count(heading) != 1:
        return [f"'About this translation' is there {flat.count(heading)} times, not once"]
    section = text.rsplit(CATALOGUE.strings(lang)["about_translation"], 1)[-1]  # after the heading (all of it if extraction reordered it)
    problems = []
    for name, title in titles.items():
        if not in_text(title, section, rtl) or not in_text(state_sentence(lang, name), section, rtl):
            problems.append(f"{name}: its title or its state ({state_sentence(lang, name)!r}) is missing")
    return problems


def built_title(site: Path, lang: str, name: str) -> str:
    page = BeautifulSoup((site / CATALOGUE.url(lang, name) / "index.html").read_text("utf-8"), "html.parser")
    return page.select_one("article h1").get_text()


@pytest.mark.parametrize("made", [h for h in HANDOUTS if h.language != CATALOGUE.default], ids=lambda h: "-".join(h.codes))
def test_a_translation_has_one_about_this_translation_naming_each_pages_state(site, made):
    """A translated or bilingual handout has one "About this translation" (not one per
    page), after the pages: each page's title and whether its translation was checked (and
    when), is not yet checked, is behind a changed English page, or is printed in English."""
    lang, rtl = made.language.code, made.language.direction == "rtl"
    text = whole_text(site.site / made.path(CATALOGUE))
    titles = {name: built_title(site.site, lang, name) for name in handout.menu_pages(CATALOGUE)}
    assert about_problems(text, lang, titles, rtl) == []


def test_the_about_check_catches_one_section_per_page_and_a_missing_state():
    """The failing cases: the section repeated on every page, or a page's state left out."""
    lang = next(lang for lang in CATALOGUE.languages if lang.direction == "ltr" and lang != CATALOGUE.default).code
    strings = CATALOGUE.strings(lang)
    pages = handout.menu_pages(CATALOGUE)
    titles = {name: f"Title {n}" for n, name in enumerate(pages)}
    lines = [f"{titles[name]}{strings['label_colon']}{state_sentence(lang, name)}" for name in pages]
    good = "\n".join([strings["about_translation"], *lines])
    assert about_problems(good, lang, titles, False) == []
    assert about_problems(good + "\n" + strings["about_translation"], lang, titles, False) != []
    assert about_problems("\n".join([strings["about_translation"], *lines[1:]]), lang, titles, False) != []


NOTES_LABELS = (
    "handout_notes",
    "handout_notes_questions",
    "handout_notes_appointments",
    "handout_notes_refills",
    "handout_notes_date",
    "handout_notes_note",
)


URGENT_LABELS = ("urgent_help", "urgent_phone")  # the urgent-help box: the clinic's words and its out-of-hours number


def notes_problems(last_sheet: str, lang: str, rtl: bool, urgent: bool = False) -> list[str]:
    """The back page's labels (the language's interface strings, English where it has none
    yet) that the last sheet lacks: the notes page's, and (`urgent`: the clinic has urgent
    details) the urgent-help box's."""
    strings = CATALOGUE.strings(lang)
    keys = NOTES_LABELS + (URGENT_LABELS if urgent else ())
    return [f"{key}: {strings[key]!r} is not on the last sheet" for key in keys if not in_text(strings[key], last_sheet, rtl)]


def has_urgent(root: Path = REPO) -> bool:
    clinic = model.load_mkdocs_config(root, mutable=False).get("extra", {}).get("clinic") or {}
    return bool(clinic.get("urgent") or clinic.get("urgent_phone"))


@pytest.mark.parametrize("made", HANDOUTS, ids=IDS)
def test_the_last_sheet_is_the_urgent_help_box_and_the_patients_notes_page_in_the_guides_language(site, made):
    """Every handout ends with the clinic's urgent-help box (when the clinic has urgent
    details; not on the cover) and a page for the patient's questions, appointments and
    pump refills, labelled in the guide's language, in every language the project has."""
    path = site.site / made.path(CATALOGUE)
    last, rtl = len(PdfReader(path).pages), made.language.direction == "rtl"
    text = pdf_text(path, first=last, last=last)
    assert notes_problems(text, made.language.code, rtl, urgent=has_urgent()) == []
    cover = pdf_text(path, first=1, last=1)
    assert not in_text(CATALOGUE.strings(made.language.code)["urgent_help"], cover, rtl), "the urgent-help box is on the back page"


def test_the_notes_labels_fall_back_to_english_like_every_interface_string(tmp_path):
    """A language that lacks a notes label gets the English one (as every interface string);
    the check catches a last sheet without the notes page."""
    for lang in CATALOGUE.languages:
        strings, english = model.ui_strings(lang.code), model.ui_strings(CATALOGUE.default.code)
        assert all(strings[key] for key in NOTES_LABELS), lang.code
        assert all(model.string_faults(key, strings[key], english[key], lang.code) == [] for key in NOTES_LABELS)
    other = next(lang for lang in CATALOGUE.languages if lang != CATALOGUE.default)
    root = tmp_path / "project"
    shutil.copytree(REPO / "l10n", root / "l10n")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    path = root / "l10n" / other.code / "strings.yml"
    path.write_text(re.sub(r"^handout_notes_refills:.*\n", "", path.read_text("utf-8"), flags=re.M), encoding="utf-8")
    assert model.ui_strings(other.code, root)["handout_notes_refills"] == model.ui_strings(CATALOGUE.default.code)["handout_notes_refills"]
    assert notes_problems("nothing here", CATALOGUE.default.code, False) != []
    notes_only = " ".join(model.ui_strings(CATALOGUE.default.code)[key] for key in NOTES_LABELS)
    assert notes_problems(notes_only, CATALOGUE.default.code, False) == []
    assert len(notes_problems(notes_only, CATALOGUE.default.code, False, urgent=True)) == len(URGENT_LABELS)  # no urgent-help box


# --- the handouts with a clinic's real details: longer than the placeholders and the example ----

# Realistic production details, filled in as a clinic does (extra.clinic in mkdocs.yml,
# written by sitekit.clinic.with_example): a long name, an address long enough to wrap on
# two lines, with digits, international numbers (020 7946 0xxx: reserved by Ofcom for
# fiction), and the clinic's own longer urgent-help words in every language (a stand-in
# of a real text's length, never published).
PRODUCTION_CLINIC = {
    "name": "Northbridge Regional Hospital — Department of Pain Medicine and Neuromodulation",
    "phone": "+44 20 7946 0958",
    "address": "Pain Management Centre, Building 4, Level 2, Room 2.117, 1250 Riverside Parkway, Northbridge NB12 7QX, United Kingdom",
    "hours": {
        "en": "Monday to Friday, 8:00 to 18:00; Saturday, 9:00 to 12:30 (closed on bank holidays)",
        "es": "De lunes a viernes, de 8:00 a 18:00; sábados, de 9:00 a 12:30 (cerrado los días festivos)",
        "ar": "من الاثنين إلى الجمعة، من 8:00 إلى 18:00؛ السبت، من 9:00 إلى 12:30 (مغلق في العطل الرسمية)",
    },
    "urgent": {
        "en": "Call the out-of-hours number at once, day or night, if the pump's alarm sounds, if you have a fever of 38 °C or more, "
        "new weakness or numbness in your legs, a severe headache that gets worse when you sit up, or redness, swelling or fluid "
        "around a wound. If someone cannot be woken or is breathing slowly, call 999 for an ambulance.",
        "es": "Llame de inmediato al número fuera del horario de atención, de día o de noche, si suena la alarma de la bomba, si tiene "
        "fiebre de 38 °C o más, debilidad o entumecimiento nuevos en las piernas, un dolor de cabeza fuerte que empeora al sentarse, o "
        "enrojecimiento, hinchazón o líquido alrededor de una herida. Si alguien no se despierta o respira despacio, llame al 999.",
        "zh": "如果镇痛泵报警、体温达到 38 °C 或以上、双腿出现新的无力或麻木、坐起时加重的剧烈头痛，或伤口周围发红、肿胀或渗液，"
        "请立即拨打非工作时间电话，白天黑夜均可。如果有人叫不醒或呼吸缓慢，请拨打 999 叫救护车。",
        "vi": "Hãy gọi ngay số ngoài giờ, cả ngày lẫn đêm, nếu chuông báo của bơm kêu, nếu bạn sốt từ 38 °C trở lên, chân mới bị yếu "
        "hoặc tê, đau đầu dữ dội nặng hơn khi ngồi dậy, hoặc vết thương bị đỏ, sưng hay chảy dịch. Nếu có người không thể đánh thức "
        "hoặc thở chậm, hãy gọi 999 để gọi xe cứu thương.",
        "ar": "اتصل فورًا برقم ما بعد ساعات العمل، ليلًا أو نهارًا، إذا انطلق إنذار المضخة، أو إذا كانت حرارتك 38 درجة مئوية أو أكثر، "
        "أو شعرت بضعف أو خدر جديد في ساقيك، أو صداع شديد يزداد عند الجلوس، أو احمرار أو تورم أو سائل حول الجرح. "
        "إذا تعذر إيقاظ شخص ما أو كان يتنفس ببطء، فاتصل بالرقم 999 لطلب سيارة إسعاف.",
    },
    "urgent_phone": "+44 20 7946 0321",
    "logo": "assets/favicon.svg",
}
PRODUCTION_LANGUAGES = [
    CATALOGUE.default.code,  # left to right
    next(lang.code for lang in CATALOGUE.languages if lang.direction == "rtl" and CATALOGUE.published(lang.code)),
]


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """The project built with PRODUCTION_CLINIC's details and its handouts, only in
    PRODUCTION_LANGUAGES (a left-to-right and the right-to-left language: their guides and
    the bilingual one), for the local server's address."""
    from conftest import build_only, copy_project, run_build

    folder = tmp_path_factory.mktemp("production-clinic")
    root = folder / "project"
    copy_project(root)
    config = root / "mkdocs.yml"
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8"), PRODUCTION_CLINIC), encoding="utf-8")
    build_only(root, PRODUCTION_LANGUAGES)
    site_url = "http://127.0.0.1:8000/"
    result = run_build(root, folder / "site", {"SITE_URL": site_url, "HANDOUTS": "1"})
    assert result.returncode == 0, result.output
    result.site_url = site_url
    return result


def production_handouts() -> list[handout.Handout]:
    return [h for h in HANDOUTS if set(h.codes) <= set(PRODUCTION_LANGUAGES)]


def test_handouts_with_a_clinics_real_details_keep_every_invariant(production_site, tmp_path):
    """With a clinic's real details (longer than the placeholders): no sheet without
    content, the cover on sheet 1, the contents' page numbers right, the urgent-help box
    and its number on one sheet, the back page (the notes) on the back of the last sheet; right to
    left, the address and both numbers in the order the page shows them."""
    site = production_site.site
    made = production_handouts()
    assert {h.codes for h in made} >= {(code,) for code in PRODUCTION_LANGUAGES}
    problems = {}
    for guide in made:
        path = site / guide.path(CATALOGUE)
        sides = len(PdfReader(path).pages)
        scratch = tmp_path / "-".join(guide.codes)
        scratch.mkdir()
        found = sheet_problems(path, guide, site, scratch)
        found += cover_overflow(path, guide)
        found += contents_problems(path, guide, site)
        found += urgent_problems(path, guide, PRODUCTION_CLINIC["urgent_phone"])
        found += duplex_problems(sides, blank_sides(path, guide.language.code), back_page(path))
        found += notes_problems(
            pdf_text(path, first=sides, last=sides), guide.language.code, guide.language.direction == "rtl", urgent=True
        )
        if guide.language.direction == "rtl":
            runs = isolated_runs(handout.document(guide, site, production_site.site_url, CATALOGUE, template()).html)
            details = {SPACES.sub("", PRODUCTION_CLINIC[key]) for key in ("address", "phone", "urgent_phone")}
            found += [f"{run}: not isolated on the page" for run in sorted(details - set(runs))]
            found += [f"{run}: out of order in the PDF's text" for run in out_of_order(runs, path)]
        if found:
            problems[guide.path(CATALOGUE)] = found
    assert problems == {}


def test_the_cover_check_catches_details_too_long_for_the_cover(production_site, tmp_path):
    """The failing case: an address many times a real one's length pushes the contents off
    the cover, and the check says so."""
    english = next(h for h in HANDOUTS if h.codes == (CATALOGUE.default.code,))
    site, site_url = production_site.site, production_site.site_url
    doc = handout.document(english, site, site_url, CATALOGUE, template(), pages=handout.menu_pages(CATALOGUE)[:2])
    words = PRODUCTION_CLINIC["address"]
    assert doc.html.count(words) >= 1, "the cover has the clinic's address"
    longer = handout.Document(doc.handout, doc.html.replace(words, " ".join([words] * 30), 1), doc.pages, doc.stylesheets)
    for name, document in (("fits", doc), ("long", longer)):
        pdf, _, _ = handout.render(document, site, site_url)
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
    assert cover_overflow(tmp_path / "fits.pdf", english) == []
    assert cover_overflow(tmp_path / "long.pdf", english)[0].startswith("the cover runs over ")
