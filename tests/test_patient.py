"""A patient's page (issue 14), on the site as a clinic publishes it (real-looking clinic
details, sitekit/clinic.py: EXAMPLE) and as built: numbers and addresses in their own
order on right-to-left pages, "Call the clinic" in the first screen, the page at 200 %
text, the suggestion bar, not-found pages, the guide's order and titles, the notice's
punctuation, the clinic's words in each language. Each check beside a page made to fail it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sitekit import browser, clinic, model, nojs, search
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
LANGUAGES = [lang.code for lang in CATALOGUE.languages]
RTL = [lang.code for lang in CATALOGUE.languages if lang.direction == "rtl"]
PHONE_360 = {"width": 360, "height": 640}
TEXT_200 = {"standard": 32, "fixed": 26}  # the browser's text size at 200 % (Settings › Font size)


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built(site, lang: str, name: str):
    return site / CATALOGUE.url(lang, name) / "index.html"


# --- numbers and addresses on right-to-left pages ------------------------------------------

# Each phone number, postal address and clinic name, read as the reader sees it: its
# characters in the order they are laid out on screen (left to right for a run that
# reads left to right), against the text it stands for.
VISUAL_ORDER_JS = """() => [...document.querySelectorAll('.pp-tel, .pp-clinic bdi, .pp-top bdi')]
  .filter((e) => e.getClientRects().length).map((e) => {
    const chars = [], walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width) chars.push([Math.round(box.top / 4), box.left, node.data[i]]);
    }
    const rtl = e.tagName === 'BDI' && getComputedStyle(e).direction === 'rtl';  // a number reads left to right
    chars.sort((a, b) => a[0] - b[0] || (rtl ? b[1] - a[1] : a[1] - b[1]));
    return {text: e.textContent.replace(/\\s+/g, ''), seen: chars.map((c) => c[2]).join('')}; })"""


def scrambled(page) -> list[str]:
    return [f"{item['text']!r} shows as {item['seen']!r}" for item in page.evaluate(VISUAL_ORDER_JS) if item["seen"] != item["text"]]


@pytest.mark.browser
@pytest.mark.parametrize("lang", RTL)
def test_phone_numbers_and_addresses_read_in_their_own_order_on_right_to_left_pages(example_site, context, lang):
    page = context(viewport=browser.PHONE, locale=lang)
    found = {}
    for code, _, url in browser.page_urls(example_site.site_url, CATALOGUE):
        if code == lang:
            page.goto(url)
            assert page.evaluate(VISUAL_ORDER_JS), f"{url}: no phone number or address found"
            if problems := scrambled(page):
                found[url] = problems
    assert found == {}


@pytest.mark.browser
def test_order_check_catches_an_unisolated_number(example_site, context):
    page = context(viewport=browser.PHONE)
    page.goto(example_site.site_url + model.language_url(RTL[0] if RTL else "ar") + "contact/")
    page.evaluate(
        "() => document.querySelectorAll('[dir=ltr], bdi').forEach((e) => { e.removeAttribute('dir');"
        " if (e.tagName === 'BDI') e.outerHTML = '<span>' + e.innerHTML + '</span>'; })"
    )
    assert any(clinic.EXAMPLE["phone"].replace(" ", "") in problem for problem in scrambled(page)), scrambled(page)


# --- the first screen, and 200 % text --------------------------------------------------------

# What a reader must see whole: the site's name in the header, each page's title, the
# next page's title, and "Call the clinic" with its number (in the first screen); each
# phone number's groups of digits each on one line (never broken at a hyphen).
FIRST_SCREEN_JS = """() => {
  const problems = [], width = document.documentElement.clientWidth;
  const whole = (e, what) => {
    if (!e) return problems.push(what + ' is missing');
    if (!e.checkVisibility({visibilityProperty: true, opacityProperty: true})) return problems.push(what + ' is hidden');
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.overflowX !== 'visible' && a.scrollWidth > a.clientWidth + 1) || (s.overflowY !== 'visible' && a.scrollHeight > a.clientHeight + 1)
          || s.textOverflow === 'ellipsis' && a.scrollWidth > a.clientWidth + 1)
        return problems.push(what + ' is cut off');
    }
    const r = e.getBoundingClientRect();
    if (r.left < -1 || r.right > width + 1) problems.push(what + ' reaches past the screen');
  };
  whole(document.querySelector('.md-header__topic .md-ellipsis'), 'the site name in the header');
  whole(document.querySelector('article h1'), 'the page title');
  whole(document.querySelector('.md-footer__link--next .md-ellipsis'), 'the next page title');
  const call = document.querySelector('.pp-top .pp-call');
  whole(call, '"Call the clinic"');
  if (call && call.getBoundingClientRect().bottom > innerHeight) problems.push('"Call the clinic" is below the first screen');
  for (const group of document.querySelectorAll('.pp-tel > span'))
    if (group.getClientRects().length > 1) problems.push(`the phone number breaks inside '${group.textContent}'`);
  if (document.documentElement.scrollWidth > width + 1) problems.push('the page scrolls sideways');
  return problems; }"""


def first_screen_problems(page, url: str) -> list[str]:
    page.goto(url)
    has_next = page.locator(".md-footer__link--next").count()
    return [p for p in page.evaluate(FIRST_SCREEN_JS) if has_next or "next page" not in p]


@pytest.mark.browser
@pytest.mark.parametrize("view", ["360px", "200%-text"])
def test_first_screen_shows_name_title_and_call_button_whole(example_site, context, view):
    """On a 360 px phone, and on a phone with the text at 200 %: the site's name and the
    page's title whole, "Call the clinic" in the first screen, the next page's title whole,
    the phone number unbroken."""
    found = {}
    for lang in LANGUAGES:  # a reader of the page's language: no suggestion bar
        page = context(viewport=PHONE_360 if view == "360px" else browser.PHONE, locale=lang)
        if view == "200%-text":
            page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": TEXT_200})
        for code, _, url in browser.page_urls(example_site.site_url, CATALOGUE):
            if code == lang and (problems := first_screen_problems(page, url)):
                found[url] = problems
    assert found == {}


@pytest.mark.browser
def test_first_screen_check_catches_cut_names_and_broken_numbers(example_site, context):
    lang = "vi" if "vi" in LANGUAGES else "en"
    page = context(viewport=PHONE_360, locale=lang)  # a reader of the page's language: no suggestion bar
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": TEXT_200})
    # The theme's own header and footer titles (its sizes), and a number allowed to wrap anywhere.
    page.add_init_script("""document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style');
        s.textContent = '.md-header__topic .md-ellipsis, .md-footer__title .md-ellipsis { white-space: nowrap !important;'
          + ' overflow: hidden !important; text-overflow: ellipsis !important; }'
          + ' .md-header__title, .md-footer__title { font-size: .9rem !important; }'
          + ' .pp-tel > span { white-space: normal !important; word-break: break-all; } .md-typeset .pp-top { margin-top: 900px !important; }';
        document.head.append(s); });""")
    problems = first_screen_problems(page, example_site.site_url + ("vi/trial/" if lang == "vi" else "trial/"))
    assert "the site name in the header is cut off" in problems, problems
    assert "the next page title is cut off" in problems, problems
    assert '"Call the clinic" is below the first screen' in problems, problems
    assert any(p.startswith("the phone number breaks inside") for p in problems), problems


def test_contact_page_has_a_large_call_button_and_every_page_a_tap_to_call_link(example_site):
    tel = "tel:" + re.sub(r"[^\d+]", "", clinic.EXAMPLE["phone"])
    for lang in LANGUAGES:
        for name in CATALOGUE.pages:
            page = soup(built(example_site.site, lang, name))
            assert page.select_one(".pp-top a.pp-call")["href"] == tel, (lang, name)
            ui = model.ui_strings(lang)
            assert ui["call_clinic"] in page.select_one(".pp-top a.pp-call").get_text(), (lang, name)
        contact = soup(built(example_site.site, lang, "contact.md"))
        assert contact.select_one("article .pp-clinic a.pp-call--large")["href"] == tel, lang


# --- the language suggestion bar ---------------------------------------------------------


def bar_covers_footer(page) -> bool:
    """Scrolled to the very end: does the suggestion bar lie over the clinic's details?"""
    page.locator(".pp-suggestion").wait_for()
    return page.evaluate("""() => { window.scrollTo(0, document.documentElement.scrollHeight);
        const bar = document.querySelector('.pp-suggestion').getBoundingClientRect();
        const details = document.querySelector('.md-copyright').getBoundingClientRect();
        return details.bottom > bar.top && details.top < bar.bottom; }""")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [browser.PHONE, browser.DESKTOP], ids=["phone", "desktop"])
def test_suggestion_bar_never_covers_the_clinics_details(built_site, context, viewport):
    other = next((lang.code for lang in CATALOGUE.readable("trial.md") if not lang.default), None)
    if other is None:
        pytest.skip("no translation of the sample page is offered to readers")
    page = context(viewport=viewport, locale=other)
    for name in CATALOGUE.pages:
        if other in {lang.code for lang in CATALOGUE.readable(name)}:
            page.goto(built_site.site_url + CATALOGUE.url(CATALOGUE.default.code, name))
            assert not bar_covers_footer(page), name
    page.add_style_tag(content=".pp-has-suggestion body { padding-bottom: 0 !important; }")  # the old bar
    assert bar_covers_footer(page)


# What the reader opened: open search's results, the drawer's links, the language menu.
COVERED_JS = """(selector) => {
  const bar = document.querySelector('.pp-suggestion');
  const covered = [];
  for (const item of document.querySelectorAll(selector)) {
    for (const r of item.getClientRects()) {
      const x = r.left + r.width / 2, y = Math.min(r.bottom - 2, innerHeight - 2);
      if (r.width && r.bottom > 0 && r.top < innerHeight && bar.contains(document.elementFromPoint(x, y))) covered.push(item.textContent.trim().slice(0, 40));
    }
  }
  return covered; }"""


def covered_by_bar(page, selector: str) -> list[str]:
    return page.evaluate(COVERED_JS, selector)


@pytest.mark.browser
def test_suggestion_bar_never_covers_search_results_or_open_controls(built_site, context):
    """A reader of another language opens search (its results fill the screen), the
    navigation drawer, the language menu: the bar never lies over any of them."""
    other = next((lang.code for lang in CATALOGUE.readable("trial.md") if not lang.default), None)
    if other is None:
        pytest.skip("no translation of the sample page is offered to readers")
    page = context(viewport=browser.PHONE, locale=other)
    page.goto(built_site.site_url + CATALOGUE.url(CATALOGUE.default.code, "trial.md"))
    page.locator(".pp-suggestion").wait_for()
    search.open_search(page)
    search.type_query(page, "pump")
    assert page.locator(search.RESULT_ITEM).count() > 3
    assert covered_by_bar(page, search.RESULT_ITEM) == []
    page.add_style_tag(content=".pp-suggestion { visibility: visible !important; }")  # the old bar
    assert covered_by_bar(page, search.RESULT_ITEM), "the check sees a bar over the results"
    page.reload()
    page.locator(".pp-suggestion").wait_for()
    page.click('[data-pp-toggle="__drawer"], [for="__drawer"] >> visible=true')
    page.wait_for_timeout(400)
    assert covered_by_bar(page, ".md-sidebar--primary .md-nav__link") == []


@pytest.mark.browser
def test_no_suggestion_right_after_the_reader_chose_a_language(built_site, context):
    """A Spanish-speaking visitor reading the Vietnamese page is offered Spanish; once they
    choose a language in the menu, no bar offers them another."""
    offered = [lang.code for lang in CATALOGUE.readable("trial.md")]
    if len(offered) < 3:
        pytest.skip("needs two translations of the sample page offered to readers")
    browser_language, reading, chosen = offered[1], offered[2], offered[0]
    page = context(viewport=browser.PHONE, locale=browser_language)
    page.goto(built_site.site_url + CATALOGUE.url(reading, "trial.md"))
    page.locator(".pp-suggestion").wait_for()
    page.locator(".pp-language button").click()
    page.locator(f'a.md-select__link[hreflang="{chosen}"]').click()
    page.wait_for_url(built_site.site_url + CATALOGUE.url(chosen, "trial.md"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert page.locator(".pp-suggestion").count() == 0
    page.evaluate("() => localStorage.clear()")  # the failing case: the choice forgotten
    page.reload()
    page.locator(".pp-suggestion").wait_for()


@pytest.mark.browser
def test_closing_the_suggestion_keeps_focus_on_the_page(built_site, context):
    other = next((lang.code for lang in CATALOGUE.readable("trial.md") if not lang.default), None)
    if other is None:
        pytest.skip("no translation of the sample page is offered to readers")
    page = context(viewport=browser.PHONE, locale=other)
    page.goto(built_site.site_url + "trial/")
    page.locator(".pp-suggestion__close").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.matches('article h1')")


# --- not-found pages ---------------------------------------------------------------------


def not_found_problems(html: str, lang: str, root_path: str) -> list[str]:
    """A language's 404 page: its title and heading say the page was not found, in the
    language; a link home, a search hint and "Call the clinic"; the language menu leads to each offered
    language's home (from the site's root: the page is served at any address)."""
    page = BeautifulSoup(html, "html.parser")
    ui, problems = model.ui_strings(lang), []
    if ui["not_found_title"] not in (page.title.get_text() if page.title else ""):
        problems.append("the window title does not say the page was not found")
    if " ".join(page.select_one("article h1").get_text().split()) != ui["not_found_title"]:
        problems.append("the heading does not say the page was not found")
    home = root_path + CATALOGUE.language_url(lang)
    if not page.find("a", href=home, string=re.compile(re.escape(ui["not_found_home"]))):
        problems.append(f"no link home ({home})")
    if ui["not_found_search"] not in page.get_text():
        problems.append("no search hint")
    if not page.select_one(".pp-top .pp-call"):
        problems.append('no "Call the clinic"')
    menu = {a["hreflang"]: a["href"] for a in page.select("a.md-select__link")}
    wanted = {
        lg.code: root_path + CATALOGUE.language_url(lg.code)
        for lg in CATALOGUE.languages
        if CATALOGUE.published(lg.code) or lg.code == lang
    }
    if menu != wanted:
        problems.append(f"the language menu leads to {menu}, not each language's home {wanted}")
    return problems


def test_not_found_pages_speak_the_readers_language_and_lead_home(built_site):
    root_path = urlsplit(built_site.site_url).path
    for lang in LANGUAGES:
        html = (built_site.site / model.language_url(lang) / "404.html").read_text(encoding="utf-8")
        assert not_found_problems(html, lang, root_path) == [], lang


@pytest.mark.fixture_cases
def test_not_found_check_catches_the_themes_english_page():
    lang = LANGUAGES[-1]
    theme_page = (
        "<html><head><title>Pain pump implantation</title></head><body><article><h1>404 - Not found</h1></article>"
        '<a class="md-select__link" hreflang="en" href="../trial/">English</a></body></html>'
    )
    assert len(not_found_problems(theme_page, lang, "/")) == 6


@pytest.mark.browser
def test_a_not_found_page_never_claims_the_page_exists_in_another_language(built_site, context):
    """A page that does not exist is in no language: a reader whose browser prefers another
    published language is offered the site in it, at its home page, in its words; never
    "This page is available in …". The failing case: the page's suggestion words."""
    other = next((lang for lang in CATALOGUE.languages[1:] if CATALOGUE.published(lang.code)), None)
    if other is None:
        pytest.skip("no translation is offered to readers")
    strings = model.ui_strings(other.code)
    page = context(viewport=browser.PHONE, locale=other.code)
    page.goto(built_site.site_url + "404.html", wait_until="load")  # what the server sends for an address that does not exist
    bar = page.locator(".pp-suggestion")
    bar.wait_for()
    text = " ".join(bar.inner_text().split())
    assert strings["language_suggestion_site"].format(language=other.name) in text
    assert strings["language_suggestion"].format(language=other.name) not in text
    link = bar.locator("a").first
    assert link.inner_text().strip() == strings["language_suggestion_home"].format(language=other.name)
    assert urlsplit(link.get_attribute("href")).path.endswith("/" + CATALOGUE.language_url(other.code))
    page.goto(built_site.site_url + CATALOGUE.url(CATALOGUE.default.code, "trial.md"), wait_until="load")
    page.locator(".pp-suggestion").wait_for()  # on a real page, the page is offered
    assert strings["language_suggestion"].format(language=other.name) in page.locator(".pp-suggestion").inner_text()


# --- the guide's order, titles, the notice's punctuation ------------------------------------


def link_lists_out_of_order(html: str, order: list[str]) -> list[list[str]]:
    """Lists on a page whose links all lead to pages of the guide, when they do not follow
    the guide's order (the menu's, from mkdocs.yml's nav)."""
    found = []
    for listing in BeautifulSoup(html, "html.parser").select("article ul, article ol"):
        targets = [urlsplit(a["href"]).path.strip("./").split("/")[-1] or "index" for a in listing.select("li > a[href]")]
        names = [f"{t}.md" for t in targets]
        if len(names) > 1 and all(n in order for n in names) and names != sorted(names, key=order.index):
            found.append(names)
    return found


def test_the_home_pages_lists_follow_the_menus_order(built_site):
    order = nojs.nav_order()
    for lang in LANGUAGES:
        assert link_lists_out_of_order(built(built_site.site, lang, "index.md").read_text(encoding="utf-8"), order) == [], lang


@pytest.mark.fixture_cases
def test_order_check_catches_a_list_in_another_order():
    html = '<article><ul><li><a href="trial/">T</a></li><li><a href="before/">B</a></li></ul></article>'
    assert link_lists_out_of_order(html, ["index.md", "before.md", "trial.md"]) == [["trial.md", "before.md"]]


def test_window_titles_name_the_site_once(built_site):
    config = model.load_mkdocs_config()
    for lang in CATALOGUE.languages:
        site_name = site_names(config)[lang.code]
        for name in CATALOGUE.pages:
            title = soup(built(built_site.site, lang.code, name)).title.get_text()
            if name == "index.md":
                assert title == site_name, (lang.code, title)
            else:
                assert title.count(site_name) <= 1 and title.endswith(
                    " - " + site_names(config)[CATALOGUE.content_language(lang.code, name)]
                ), title


def site_names(config) -> dict[str, str]:
    i18n = model.i18n_plugin_config(config)
    return {entry["locale"]: entry.get("site_name") or config["site_name"] for entry in i18n["languages"]}


FULL_WIDTH_THEN_SPACE = re.compile(r"[。！？：；）」]\s")


def test_notices_put_no_western_space_after_full_width_punctuation(built_site):
    for lang in LANGUAGES:
        for name in CATALOGUE.pages:
            page = soup(built(built_site.site, lang, name))
            for part in page.select(".pp-notice, .pp-about p"):
                assert not FULL_WIDTH_THEN_SPACE.search(part.get_text()), (lang, name, part.get_text())


# --- the clinic's details that are words, in each language -----------------------------------


def test_clinic_words_are_in_the_readers_language_or_marked_english(example_site):
    """Opening hours and urgent-help text: the reader's language where the clinic wrote it,
    else English marked lang="en" (sitekit/clinic.py)."""
    default = CATALOGUE.default.code
    for lang in LANGUAGES:
        values = clinic.for_reader(clinic.EXAMPLE, lang, default)
        page = soup(built(example_site.site, lang, "contact.md"))
        for key in clinic.WORDS:
            value = values[key]
            shown = page.select_one("footer .pp-clinic").find(string=re.compile(re.escape(value.text[:20])))
            assert shown is not None, (lang, key)
            marked = shown.parent.get("lang")
            assert marked == (default if value.lang != lang else None), (lang, key, marked)


@pytest.mark.fixture_cases
def test_malformed_clinic_details_are_named():
    assert clinic.problems({"hours": {"en": "9-5", "xx": "9-5"}, "phone": {"en": "1"}, "fax": "1"}, ["en", "es"]) == [
        "extra.clinic.hours.xx: 'xx' is not a language of the site — use one of en, es",
        "extra.clinic.phone: has one value per language, but it is the same in every language — write one value",
        f"extra.clinic.fax: is not a clinic detail the site shows — use one of {', '.join(clinic.FIELDS)}",
    ]
    assert clinic.problems({"urgent": {"es": "…"}}, ["en", "es"]) == [
        "extra.clinic.urgent: has no English value (en) — add 'en: …', the text other languages fall back to"
    ]
    assert clinic.placeholders({"hours": {"en": "PLACEHOLDER: x", "es": "9"}, "name": "PLACEHOLDER: y"}) == [
        ("extra.clinic.hours.en", "PLACEHOLDER: x"),
        ("extra.clinic.name", "PLACEHOLDER: y"),
    ]


@pytest.mark.injected_fault  # the clinic detail it spoils
def test_a_malformed_clinic_detail_stops_the_build_naming_it(project_copy):
    config = project_copy.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("    hours:\n      en:", "    hours:\n      xx: nine\n      en:"), encoding="utf-8"
    )
    build = project_copy.build()
    assert build.returncode != 0
    assert "extra.clinic.hours.xx: 'xx' is not a language of the site" in build.output
    assert "Traceback" not in build.output


# --- the share panel's status ----------------------------------------------------------------

STATUS_LINES_JS = """() => { const s = document.querySelector('.pp-share__status');
  const range = document.createRange(); range.selectNodeContents(s);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; }"""


@pytest.mark.browser
def test_link_copied_is_one_line_in_every_language(built_site, chromium):
    context = chromium.new_context(viewport=PHONE_360, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        for lang in LANGUAGES:
            page.goto(built_site.site_url + CATALOGUE.url(lang, "trial.md"))
            page.locator(".pp-share__copy").click()
            page.wait_for_function("() => document.querySelector('.pp-share__status').textContent.length > 0")
            assert page.evaluate(STATUS_LINES_JS) == 1, lang
        page.add_style_tag(content=".md-typeset .pp-share__status { display: inline-block; width: 2em; white-space: normal; }")
        assert page.evaluate(STATUS_LINES_JS) > 1  # the failing case: squeezed beside the buttons
    finally:
        context.close()
