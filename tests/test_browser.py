"""What patients meet, in Debian's Chromium: accessibility (axe-core), keyboard use,
reflow and zoom, search, the language switcher, privacy, the share panel and printing,
on every page in every language. Every page visit also checks that nothing is requested
from another host, that no request fails and that the console shows no error."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO

import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from sitekit import browser, model
from sitekit.clinic import EXAMPLE as EXAMPLE_CLINIC
from sitekit.gate import project_catalogue

pytestmark = pytest.mark.browser

CATALOGUE = project_catalogue()
AXE = Axe()
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
SAMPLE = "trial.md"  # a page with sections, and a previous and a next page


def body_word(lang: str) -> str | None:
    """A glossary term, as the language writes it, that is in the sample page's body, in no
    page title, and in as few other pages as can be: what search must find on the sample
    page. None where readers of the language get the sample page in English."""
    if CATALOGUE.content_language(lang, SAMPLE) != lang:
        return None
    pages = {n: model.read_page(model.page_file(lang, n)) for n in CATALOGUE.pages if CATALOGUE.content_language(lang, n) == lang}
    titles = " ".join(str(page.meta.get("title", "")) for page in pages.values()).casefold()
    terms = model.glossary(lang).get("terms") or {}
    forms = [f for value in terms.values() for f in ([value] if isinstance(value, str) else value or []) if f]
    if lang == CATALOGUE.default.code:
        forms = list(model.glossary(lang)["terms"])
    found = [f for f in forms if f.casefold() in pages[SAMPLE].body.casefold() and f.casefold() not in titles]
    return min(found, key=lambda f: sum(f.casefold() in page.body.casefold() for page in pages.values()), default=None)


SEARCHED = [lang.code for lang in CATALOGUE.languages if body_word(lang.code)]  # languages with the sample page of their own


def offered(lang: str) -> list[str]:
    """The languages the switcher offers on a page of `lang`."""
    return [lg.code for lg in CATALOGUE.languages if CATALOGUE.published(lg.code) or lg.code == lang]


@dataclass
class Visit:
    """Everything a page load did that a patient would not want: requests to another
    host (privacy), failed requests (the stock theme's 404s) and console errors."""

    origin: str
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("request", lambda r: r.url.startswith((self.origin, "data:", "blob:")) or self.foreign.append(r.url))
        page.on("response", lambda r: r.status < 400 or self.failed.append(f"{r.status} {r.url}"))
        # Navigating away aborts the page's pending requests (net::ERR_ABORTED): not a failure.
        page.on("requestfailed", lambda r: "ERR_ABORTED" in (r.failure or "") or self.failed.append(f"{r.failure} {r.url}"))
        page.on("console", lambda m: m.type != "error" or self.console.append(m.text))
        page.on("pageerror", lambda e: self.console.append(str(e)))

    def problems(self) -> list[str]:
        return [f"request to another host: {u}" for u in self.foreign] + self.failed + [f"console: {c}" for c in self.console]


@pytest.fixture(scope="module")
def site(built_site):
    return built_site.site_url


def all_pages(origin: str) -> list[tuple[str, str, str]]:
    """Every page in every language, and each language's 404 page."""
    pages = browser.page_urls(origin, CATALOGUE)
    return pages + [(lang.code, "404", origin + model.language_url(lang.code) + "404.html") for lang in CATALOGUE.languages]


@pytest.fixture
def open_page(chromium, site):
    """Opens pages in a fresh context; yields (page, visit) and fails on a visit's problems."""
    contexts = []

    def opener(**options):
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(site)
        visit.watch(page)
        return page, visit

    yield opener
    for context in contexts:
        context.close()


def goto(page, url: str, idle: bool = False) -> None:
    """Load a page; `idle` also waits until its late requests (search index, worker) are
    done, so a visit sees them: the axe pass over every page does that, for privacy."""
    page.goto(url, wait_until="load")
    if idle:
        page.wait_for_load_state("networkidle")


# --- accessibility -------------------------------------------------------------------------


def axe_violations(page) -> list[str]:
    """axe-core's violations; the bundled axe.min.js is added to the page unless an init
    script (see `with_axe`) already put it there, which saves reloading it on every page."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.axe_script)
    results = page.evaluate("rules => axe.run(document, rules)", AXE_RULES)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]} {v['help']}" for v in results["violations"]]


def with_axe(page) -> None:
    page.context.add_init_script(AXE.axe_script)


@pytest.mark.parametrize("viewport", [browser.PHONE, browser.DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violations_on_any_page(open_page, site, viewport):
    page, visit = open_page(viewport=viewport)
    with_axe(page)
    found = {}
    for _, _, url in all_pages(site):
        goto(page, url, idle=viewport is browser.PHONE)  # late requests are the same at any width
        if violations := axe_violations(page):
            found[url] = violations
    assert not found, "\n".join(f"{url}: {v}" for url, vs in found.items() for v in vs)
    assert not visit.problems()


def test_axe_check_catches_low_contrast(open_page, site):
    page, _ = open_page(viewport=browser.PHONE)
    goto(page, site + "trial/")
    page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'Low contrast text';
        p.style.color = '#bbb'; p.style.background = '#fff'; document.querySelector('article').append(p); }""")
    assert any(v.startswith("color-contrast") for v in axe_violations(page))


# --- keyboard ------------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, cls: e.className, text: (e.textContent || '').trim(), href: e.getAttribute('href'),
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                visible: e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0}; }""")


def tab_until(page, predicate, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state["visible"] and state["outline"], f"focus is not visible on {state}"
        if predicate(state):
            return state
    raise AssertionError("not reached by Tab")


@pytest.mark.parametrize("lang", SEARCHED)
def test_keyboard_alone_reaches_skip_link_search_switcher_and_navigation(open_page, site, lang):
    page, visit = open_page(viewport=browser.DESKTOP)
    root = site + model.language_url(lang)
    goto(page, root + "trial/")
    # The first Tab stop is the skip link, shown when focused.
    page.keyboard.press("Tab")
    state = focused(page)
    assert "md-skip" in state["cls"] and state["visible"] and state["outline"], state
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("#trial-phase$"))

    # Search: the field is reached by Tab, results are reached and opened by keyboard.
    goto(page, root + "trial/")
    tab_until(page, lambda s: "md-search__input" in s["cls"])
    page.keyboard.type(body_word(lang))
    page.keyboard.press("End")
    page.locator(".md-search-result__link").first.wait_for()
    page.keyboard.press("ArrowDown")  # the theme moves through results with the arrow keys
    state = focused(page)
    assert "md-search-result__link" in state["cls"] and state["visible"] and state["outline"], state
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(root + "trial/") + r"\?h="))
    page.wait_for_load_state("networkidle")

    # Language menu: its button opens the list with Enter; a language is chosen by Enter.
    # (With no other language offered, the menu offers nothing to choose: there is none.)
    other = next((code for code in offered(lang) if code != lang), None)
    goto(page, root + "trial/")
    if other is None:
        menu = page.locator(".pp-language a[hreflang]")
        assert [menu.nth(i).get_attribute("hreflang") for i in range(menu.count())] in ([], [lang])
    else:
        tab_until(
            page, lambda s: "pp-header-button" in s["cls"] and page.evaluate("() => !!document.activeElement.closest('.pp-language')")
        )
        page.keyboard.press("Enter")
        tab_until(page, lambda s: s["href"] is not None and page.evaluate("() => document.activeElement.hreflang") == other)
        page.keyboard.press("Enter")
        page.wait_for_url(site + model.language_url(other) + "trial/")

    # Navigation: the next page's link in the site navigation is reached and followed.
    goto(page, root + "trial/")
    tab_until(page, lambda s: (s["href"] or "").rstrip("/").endswith("implantation") and "md-nav__link" in s["cls"])
    page.keyboard.press("Enter")
    page.wait_for_url(root + "implantation/")
    assert not visit.problems()


def test_focus_check_catches_an_invisible_focus(open_page, site):
    page, _ = open_page(viewport=browser.DESKTOP)
    goto(page, site + "trial/")
    page.add_style_tag(content="*:focus, *:focus-visible { outline: none !important; }")
    with pytest.raises(AssertionError, match="focus is not visible"):
        tab_until(page, lambda s: False, limit=3)


# --- reflow and zoom -----------------------------------------------------------------------


def overflow(page) -> list[str]:
    """What makes the page scroll sideways or clips text (WCAG 1.4.10 reflow)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, found = [];
        if (document.documentElement.scrollWidth > width) found.push(`page is ${document.documentElement.scrollWidth}px wide in ${width}px`);
        for (const e of document.querySelectorAll('article *')) {
            const r = e.getBoundingClientRect();
            if (r.width && r.right > width + 1 && getComputedStyle(e).position !== 'fixed') found.push(`${e.tagName}.${e.className} ends at ${Math.round(r.right)}px`);
        }
        return found.slice(0, 5); }""")


@pytest.mark.parametrize(
    "options",
    [{"viewport": {"width": 320, "height": 640}}, {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}],
    ids=["320px", "200%-zoom"],
)
def test_pages_reflow_without_sideways_scrolling(open_page, site, options):
    """320 CSS px is WCAG 1.4.10's width; 200 % zoom of a 1280 px window is 640 CSS px at 2x."""
    page, visit = open_page(**options)
    found = {}
    for _, _, url in all_pages(site):
        goto(page, url)
        if problems := overflow(page):
            found[url] = problems
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('article p, article h1')).fontSize)")
        assert size >= 12, f"{url}: body text is {size}px"
    assert not found, found
    assert not visit.problems()


def test_reflow_check_catches_a_page_that_scrolls_sideways(open_page, site):
    page, _ = open_page(viewport={"width": 320, "height": 640})
    goto(page, site + "trial/")
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '900px'; d.textContent = 'wide';"
        " document.querySelector('article').append(d); }"
    )
    assert overflow(page)


# --- search and the language switcher --------------------------------------------------------


@pytest.mark.parametrize("lang", SEARCHED)
def test_search_finds_body_text_in_the_pages_language_only(open_page, site, lang):
    page, visit = open_page(viewport=browser.DESKTOP)
    root = site + model.language_url(lang)
    goto(page, root + "contact/")
    page.fill("input.md-search__input", body_word(lang))
    page.keyboard.press("End")  # type()/fill() of non-Latin text fires no keyup: Material waits for one
    page.locator(".md-search-result__link").first.wait_for()
    # Results carry the query for highlighting (?h=...): compare without it.
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.origin + e.pathname + e.hash)")
    assert any(link.startswith(root + "trial/") for link in links), links
    others = [site + model.language_url(lg.code) for lg in CATALOGUE.languages if lg.code != lang and model.language_url(lg.code)]
    assert all(link.startswith(root) and not link.startswith(tuple(others)) for link in links), links
    assert not visit.problems()


@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages])
def test_switcher_lands_on_the_same_page_and_section_in_every_language(open_page, site, lang):
    page, visit = open_page(viewport=browser.PHONE)
    for other in offered(lang):
        goto(page, site + model.language_url(lang) + "trial/#trial-steps")
        page.locator(f'a.md-select__link[hreflang="{other}"]').dispatch_event("click")
        page.wait_for_url(site + model.language_url(other) + "trial/#trial-steps")
        assert page.evaluate("() => document.documentElement.lang") == other
    assert not visit.problems()


# --- privacy ---------------------------------------------------------------------------------


def test_visit_check_catches_a_request_to_another_host_and_a_console_error(open_page, site):
    page, visit = open_page(viewport=browser.PHONE)
    goto(page, site + "trial/")
    page.evaluate("() => { const i = new Image(); i.src = 'http://images.example.invalid/x.png'; console.error('boom'); }")
    page.wait_for_timeout(200)
    problems = visit.problems()
    assert any("images.example.invalid" in p for p in problems) and "console: boom" in problems


# --- share panel and printing ---------------------------------------------------------------


def test_copy_link_and_print_buttons(open_page, site):
    page, visit = open_page(viewport=browser.PHONE, permissions=["clipboard-read", "clipboard-write"])
    page.add_init_script("window.print = () => { window.__printed = true; };")
    goto(page, site + "es/trial/")
    page.get_by_role("button", name=model.ui_strings("es")["copy_link"]).click()
    assert page.evaluate("() => navigator.clipboard.readText()") == site + "es/trial/"
    assert page.locator(".pp-share__status").inner_text() == model.ui_strings("es")["link_copied"]
    page.get_by_role("button", name=model.ui_strings("es")["print_page"]).click()
    assert page.evaluate("() => window.__printed") is True
    assert not visit.problems()


def words(text: str) -> list[str]:
    """Words as both the DOM and the PDF's extracted text give them: NFKC, no bidi
    controls or tatweel, and no alef or lam (extraction decomposes Arabic's lam-alef
    ligatures). Words, not sentences: right-to-left lines come out in visual order."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u0640\u0622\u0623\u0625\u0627\u0644]", "", text)
    return re.findall(r"\w+", text)


def missing_words(part: str, text: str) -> list[str]:
    """Words of `part` that are not in `text` (Chinese has no spaces: substrings)."""
    joined = "".join(words(text))
    return [word for word in words(part) if word not in joined]


def qr_codes(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# Links that mean nothing on paper: to a place in the page, or to the page in another
# language ("Read the English page"); and whether body text is smaller than the dates.
PRINT_JS = """() => {
  const links = [...document.querySelectorAll('a[href]')].filter((a) => a.getClientRects().length
    && (a.getAttribute('href').startsWith('#') || a.hasAttribute('hreflang')));
  const size = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
  const end = document.querySelector('.pp-about, .pp-review-dates');
  const title = document.querySelector('article h1');
  return {links: links.map((a) => a.textContent.trim() || a.getAttribute('aria-label')),
          body: size('article .pp-heading ~ p:not([class]), article .pp-heading ~ ul li'), dates: size('.pp-review-dates'),
          content: end.getBoundingClientRect().top - title.getBoundingClientRect().top}; }"""
A4_WIDTH, A4_HEIGHT = 680, 1017  # CSS px inside site.css's A4 margins (180 × 269 mm)
SHORT = 0.6  # a page whose own text takes at most this share of a sheet prints on one sheet


def shown_in_print(page) -> list[str]:
    """Screen-only parts (header, navigation, search, switcher, buttons) the print shows."""
    return page.evaluate("""() => ['.md-header', '.md-sidebar', '.md-search', 'nav.md-footer__inner', 'button', '.md-select']
        .flatMap(s => [...document.querySelectorAll(s)]).filter(e => e.getClientRects().length).map(e => e.outerHTML.slice(0, 80))""")


@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages])
def test_printed_page_is_a_clean_handout(chromium, example_site, lang, tmp_path):
    """Printed as a clinic's readers print it (the site with its details filled in)."""
    context = chromium.new_context(viewport=browser.DESKTOP)
    page, visit = context.new_page(), Visit(example_site.site_url)
    visit.watch(page)
    strings = model.ui_strings(lang)
    clinic = EXAMPLE_CLINIC
    for _, name, url in [p for p in browser.page_urls(example_site.site_url, CATALOGUE) if p[0] == lang]:
        goto(page, url)
        expected = page.evaluate("""() => { const text = s => document.querySelector(s).textContent;
            return {title: text('article h1'), first: text('article .pp-heading ~ p:not([class]), article .pp-heading ~ ul li'),
                    review: text('.pp-review-dates')}; }""")
        page.set_viewport_size({"width": A4_WIDTH, "height": A4_HEIGHT})
        page.emulate_media(media="print")
        assert not (shown := shown_in_print(page)), f"{url}: shown in print: {shown}"
        printed = page.evaluate(PRINT_JS)
        assert printed["links"] == [], f"{url}: links that mean nothing on paper: {printed['links']}"
        assert printed["body"] >= printed["dates"], f"{url}: printed body text {printed['body']}px, review dates {printed['dates']}px"
        assert page.evaluate("() => getComputedStyle(document.querySelector('article')).direction") == CATALOGUE.language(lang).direction
        pdf = tmp_path / f"{lang}-{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.emulate_media(media="screen")
        page.set_viewport_size(browser.DESKTOP)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert url in text, f"{url}: the printed page lacks its address"
        sheets = text.count("\f")
        if printed["content"] <= SHORT * A4_HEIGHT:
            assert sheets == 1, f"{url}: a short page ({printed['content']:.0f}px of text) prints on {sheets} A4 sheets"
        top = " ".join(text.split("\n")[:3])
        for part in (clinic["name"], clinic["phone"]):
            assert not missing_words(part, top), f"{url}: the printed page does not start with the clinic's {part!r}: {top!r}"
        for part in (expected["title"], expected["first"], expected["review"], clinic["name"], strings["page_address"]):
            assert not missing_words(part, text), f"{url}: the printed page lacks {missing_words(part, text)} of {part!r}"
        for absent in (strings["print_page"], strings["copy_link"], strings["share_heading"]):
            assert "".join(words(absent)) not in "".join(words(text)), f"{url}: the printed page shows {absent!r}"
        if name == "trial.md":  # the QR code in the PDF itself, rendered as a printer would
            subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / lang)], check=True)
            codes = [code for png in sorted(tmp_path.glob(f"{lang}-*.png")) for code in qr_codes(Image.open(png))]
            assert codes == [url], f"{url}: QR codes in the printed page: {codes}"
    context.close()
    assert not visit.problems()


def test_qr_codes_on_screen_scan_to_each_pages_address(open_page, site):
    page, _ = open_page(viewport=browser.PHONE)
    for _, _, url in browser.page_urls(site, CATALOGUE):
        goto(page, url)
        shot = page.locator(".pp-share__qr-code").screenshot()
        assert qr_codes(Image.open(BytesIO(shot))) == [url]


def test_qr_check_catches_a_code_for_another_address(tmp_path):
    import segno

    path = tmp_path / "wrong.png"
    segno.make("https://elsewhere.example/").save(str(path), scale=6)
    assert qr_codes(Image.open(path)) == ["https://elsewhere.example/"] != ["https://painpump.example.org/trial/"]
    assert not qr_codes(Image.new("RGB", (200, 200), "white"))


def test_print_check_catches_navigation_in_print(open_page, site):
    page, _ = open_page(viewport=browser.DESKTOP)
    goto(page, site + "trial/")
    page.add_style_tag(content="@media print { .md-header { display: block !important; } }")
    page.emulate_media(media="print")
    assert any("md-header" in part for part in shown_in_print(page))


def test_print_check_catches_paper_noise_small_text_and_a_second_sheet(open_page, site, tmp_path):
    page, _ = open_page(viewport={"width": A4_WIDTH, "height": A4_HEIGHT})
    goto(page, site + "es/trial/")
    page.add_style_tag(
        content="@media print { .pp-screen-only { display: inline !important; } .pp-heading ~ p:not([class]) { font-size: 6pt !important; }"
        " .md-typeset .pp-share { break-before: page; } }"
    )
    page.emulate_media(media="print")
    printed = page.evaluate(PRINT_JS)
    assert model.ui_strings("es")["english_original"] in printed["links"] and printed["body"] < printed["dates"]
    pdf = tmp_path / "two-sheets.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert printed["content"] <= SHORT * A4_HEIGHT and text.count("\f") >= 2
