"""WCAG 2.2 AA beyond the engines (sitekit/a11y.py), as keyboard, screen-reader and
large-text readers meet every page in every language: the focus walk, the header's
buttons, the language menu, language of parts, text spacing, target size and 400 % zoom.
Each check is run beside a page made to fail it."""

from __future__ import annotations

import pytest
from sitekit import a11y, browser, model
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
LANGUAGES = [lang.code for lang in CATALOGUE.languages]
WIDTHS = {"360": {"width": 360, "height": 640}, "1024": {"width": 1024, "height": 768}, "1280": {"width": 1280, "height": 800}}
SAMPLE = "trial.md"


def pages_of(site: str, lang: str) -> dict[str, str]:
    return {name: url for code, name, url in browser.page_urls(site, CATALOGUE) if code == lang}


def suggested(lang: str, name: str) -> str | None:
    """A browser language that gets the suggestion bar on this page: another language the
    page is offered in. None when there is none (the bar cannot show)."""
    return next((other.code for other in CATALOGUE.readable(name) if other.code != lang), None)


# --- focus: Tab and Shift+Tab, every page, three widths, with and without the bar --------


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_focus_stop_is_on_screen_uncovered_and_outlined(built_site, context, lang):
    """WCAG 2.4.11 Focus Not Obscured, 2.4.7 Focus Visible, 2.1.1: at 360 (phone), 1024
    (tablet, the navigation in a drawer) and 1280 px, with the language suggestion bar
    showing (a visitor whose browser prefers another language) and without it. With the
    bar, Tab only: the bar is fixed at the foot of the window, where Tab brings each stop
    in; Shift+Tab brings them in at the top, under the header, as without the bar (the
    stops at the page's end, where Shift+Tab starts, are those Tab ends on)."""
    found = []
    for width, viewport in WIDTHS.items():
        for bar in (False, True):
            locale = suggested(lang, SAMPLE) if bar else lang
            if locale is None:
                continue
            page = context(viewport=viewport, locale=locale)
            for name, url in pages_of(built_site.site_url, lang).items():
                if bar and suggested(lang, name) != locale:
                    continue
                page.goto(url)
                if bar:
                    page.locator(".pp-suggestion").wait_for()
                for backward in (False,) if bar else (False, True):
                    stops = a11y.focus_walk(page, backward)
                    where = f"{url} at {width} px{' with the suggestion bar' if bar else ''}{' (Shift+Tab)' if backward else ''}"
                    found += [f"{where}: {problem}" for problem in a11y.focus_problems(stops)]
                    if len(stops) < 5:
                        found.append(f"{where}: only {len(stops)} focus stops")
    assert found == []


@pytest.mark.browser
def test_focus_walk_catches_covered_offscreen_and_invisible_focus(built_site, context):
    page = context(viewport=WIDTHS["360"])
    page.goto(built_site.site_url + "trial/")
    # The drawer left in the Tab order while closed (the theme's own behaviour), the
    # header covering what it scrolls under, a link without an outline.
    page.add_style_tag(
        content="""
        .md-sidebar--primary { visibility: visible !important; }
        html { scroll-padding: 0 !important; }
        .md-header { height: 40vh; }
        .md-typeset .pp-share__url:focus-visible { outline: none !important; }"""
    )
    problems = a11y.focus_problems(a11y.focus_walk(page) + a11y.focus_walk(page, backward=True))
    assert any("is off screen" in p and "md-nav__link" in p for p in problems), problems
    assert any("is wholly covered by header.md-header" in p for p in problems), problems
    assert any("pp-share__url" in p and "has no visible focus outline" in p for p in problems), problems


@pytest.mark.browser
def test_focus_walk_catches_a_stop_under_the_suggestion_bar(built_site, context):
    """The failing case of the walks with the bar: without the room the page keeps for it
    (scroll-padding at the foot), Tab brings a stop in under the bar."""
    locale = suggested(CATALOGUE.default.code, SAMPLE)
    if locale is None:
        pytest.skip("no other language offers the sample page: the bar cannot show")
    page = context(viewport=WIDTHS["360"], locale=locale)
    page.goto(pages_of(built_site.site_url, CATALOGUE.default.code)[SAMPLE])
    page.locator(".pp-suggestion").wait_for()
    assert a11y.focus_problems(a11y.focus_walk(page)) == []
    page.add_style_tag(content="html { scroll-padding-bottom: 0 !important; }")
    problems = a11y.focus_problems(a11y.focus_walk(page))
    assert any("is wholly covered by" in p for p in problems), problems  # by the bar's text or link


# --- the header's controls and the language menu ---------------------------------------


HEADER_JS = """() => [...document.querySelectorAll('.md-header button')]
  .filter((b) => b.checkVisibility({visibilityProperty: true}))
  .map((b) => ({name: b.textContent.trim() || b.getAttribute('aria-label') || '', expanded: b.getAttribute('aria-expanded'),
                tag: b.tagName}))"""


def header_problems(page, ui: dict[str, str]) -> list[str]:
    """The menu, search and language controls are buttons, named in the page's language,
    and say whether what they open is open."""
    buttons = {b["name"]: b for b in page.evaluate(HEADER_JS)}
    problems = []
    for key in ("menu_button", "search_button", "language_menu"):
        button = buttons.get(ui[key])
        if button is None:
            problems.append(f"no header button named {ui[key]!r} (found {sorted(buttons)})")
        elif button["expanded"] not in ("true", "false"):
            problems.append(f"the {ui[key]!r} button does not say whether it is open (aria-expanded)")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_header_buttons_are_reachable_named_and_work_by_keyboard(built_site, context, lang):
    ui = model.ui_strings(lang)
    page = context(viewport=WIDTHS["360"], locale=lang)
    page.goto(pages_of(built_site.site_url, lang)[SAMPLE])
    assert header_problems(page, ui) == []
    reached = {}
    for _ in range(12):
        page.keyboard.press("Tab")
        reached[page.evaluate("() => document.activeElement.textContent.trim()")] = True
    assert {ui["menu_button"], ui["search_button"], ui["language_menu"]} <= set(reached), reached
    # The menu: Enter opens the drawer and moves focus into it; Escape closes it and
    # gives focus back to the button.
    menu = page.get_by_role("button", name=ui["menu_button"])
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.activeElement.dataset.ppToggle === '__drawer'")
    assert menu.get_attribute("aria-expanded") == "false"
    # Search: Enter opens it with the cursor in the search field.
    search = page.get_by_role("button", name=ui["search_button"])
    search.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('input.md-search__input')")
    assert search.get_attribute("aria-expanded") == "true"


@pytest.mark.browser
def test_header_check_catches_unnamed_controls_without_state(built_site, context):
    page = context(viewport=WIDTHS["360"])
    page.goto(built_site.site_url + "trial/")
    page.evaluate("""() => document.querySelectorAll('.md-header .pp-header-button').forEach((b) => {
        b.removeAttribute('aria-expanded'); b.querySelector('.pp-header-button__label').textContent = ''; })""")
    problems = header_problems(page, model.ui_strings("en"))
    assert len(problems) == 3 and all(p.startswith("no header button named") for p in problems), problems


LANGUAGE_MENU_JS = """() => { const m = document.querySelector('.pp-language'), b = m.querySelector('button');
  return {expanded: b.getAttribute('aria-expanded'), shown: m.querySelector('.md-select__inner').checkVisibility({visibilityProperty: true}),
          focus: document.activeElement === b}; }"""


def language_menu_problems(page) -> list[str]:
    """Hover opens nothing; Enter opens the menu; Escape closes it, focus back on its button."""
    problems = []
    button = page.locator(".pp-language button")
    button.hover()
    if page.evaluate(LANGUAGE_MENU_JS)["shown"]:
        problems.append("the menu opens on hover")
    button.focus()
    page.keyboard.press("Enter")
    state = page.evaluate(LANGUAGE_MENU_JS)
    if not (state["shown"] and state["expanded"] == "true"):
        problems.append(f"Enter does not open the menu and say so ({state})")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    state = page.evaluate(LANGUAGE_MENU_JS)
    if state["shown"] or state["expanded"] != "false" or not state["focus"]:
        problems.append(f"Escape does not close the menu and return focus to its button ({state})")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("width", ["360", "1280"])
def test_language_menu_opens_by_enter_and_closes_with_escape(built_site, context, width):
    page = context(viewport=WIDTHS[width])
    for lang in LANGUAGES:
        page.goto(pages_of(built_site.site_url, lang)[SAMPLE])
        assert language_menu_problems(page) == [], lang


@pytest.mark.browser
def test_language_menu_check_catches_a_menu_escape_does_not_close(built_site, context):
    page = context(viewport=WIDTHS["1280"])
    page.goto(built_site.site_url + "trial/")
    # The same menu without its script's handlers (a copy of the node has none).
    page.evaluate(
        "() => { const m = document.querySelector('.pp-language'); const c = m.cloneNode(true); m.replaceWith(c);"
        " c.querySelector('button').addEventListener('click', () => c.classList.add('pp-open')); }"
    )
    assert any("Escape does not close" in p for p in language_menu_problems(page))


# --- language of parts ---------------------------------------------------------------------


def english_phrases(lang: str) -> set[str]:
    """What can only be English on a page of `lang`: the English pages' titles and site
    name, and English interface text the language does not share."""
    english, own = model.ui_strings(CATALOGUE.default.code), model.ui_strings(lang)
    titles = {str(model.read_page(model.page_file(CATALOGUE.default.code, name)).meta["title"]) for name in CATALOGUE.pages}
    site_name = str(model.load_mkdocs_config()["site_name"])
    own_titles = {
        str(model.read_page(model.page_file(lang, name)).meta.get("title", ""))
        for name in CATALOGUE.pages
        if CATALOGUE.content_language(lang, name) == lang
    }
    strings = {value for key, value in english.items() if isinstance(value, str) and own.get(key) != value and "{" not in value}
    return (titles | {site_name} | strings) - own_titles


def language_of_parts_problems(site, catalogue: model.Catalogue) -> list[str]:
    found = []
    for lang in catalogue.languages[1:]:
        phrases = english_phrases(lang.code)
        files = [site / catalogue.url(lang.code, name) / "index.html" for name in catalogue.pages] + [site / lang.code / "404.html"]
        for path in files:
            found += [f"{path.relative_to(site)}: {p}" for p in a11y.english_parts(path.read_text(encoding="utf-8"), phrases)]
    return found


def test_english_inside_translated_pages_is_marked_english(built_site):
    """WCAG 3.1.2: text, titles and names that are English on a page of another language."""
    assert language_of_parts_problems(built_site.site, CATALOGUE) == []


def test_english_parts_are_marked_on_a_page_whose_translation_is_missing(project_copy):
    """The English page shown in place of a missing translation: its title in the window,
    the header, the navigation of every page and previous/next links are English."""
    (project_copy.root / "docs" / "es" / "after.md").unlink()
    build = project_copy.build()
    assert build.returncode == 0, build.output
    catalogue = project_catalogue(project_copy.root)
    assert language_of_parts_problems(build.site, catalogue) == []
    html = (build.site / "es" / "after" / "index.html").read_text(encoding="utf-8")
    title = str(model.read_page(project_copy.root / "docs" / "en" / "after.md").meta["title"])
    assert f'<title lang="en">{title} - ' in html
    # The failing case: the same page with its English parts unmarked.
    unmarked = html.replace(' lang="en"', "")
    assert any(f"'{title}' is English" in p for p in a11y.english_parts(unmarked, english_phrases("es")))


# --- text spacing, target size, 400 % zoom --------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_spacing_cuts_off_no_text(built_site, context, lang):
    """WCAG 1.4.12: line height 1.5, paragraph spacing 2, letter spacing .12 and word
    spacing .16 times the font size: nothing cut off, nothing scrolls sideways."""
    page = context(viewport=WIDTHS["360"], locale=lang)
    found = {}
    for url in pages_of(built_site.site_url, lang).values():
        page.goto(url)
        page.add_style_tag(content=a11y.TEXT_SPACING_CSS)
        if problems := page.evaluate(a11y.CLIPPED_JS):
            found[url] = problems
    assert found == {}


@pytest.mark.browser
def test_text_spacing_check_catches_clipped_text(built_site, context):
    page = context(viewport=WIDTHS["360"])
    page.goto(built_site.site_url + "trial/")
    page.add_style_tag(content=a11y.TEXT_SPACING_CSS + " .pp-notice, .md-typeset h1 { height: 1em; overflow: hidden; }")
    assert any("h1 cuts off its text" in p for p in page.evaluate(a11y.CLIPPED_JS))


@pytest.mark.browser
@pytest.mark.parametrize("width", ["360", "1280"])
def test_every_control_is_big_enough_to_tap(built_site, context, width):
    """WCAG 2.5.8 Target Size (Minimum): 24 × 24 CSS px, or inline in text, or spaced."""
    page = context(viewport=WIDTHS[width])
    found = {}
    for lang in LANGUAGES:
        for url in pages_of(built_site.site_url, lang).values():
            page.goto(url)
            if problems := page.evaluate(a11y.TARGETS_JS):
                found[url] = problems
    assert found == {}


@pytest.mark.browser
def test_target_size_check_catches_small_crowded_controls(built_site, context):
    page = context(viewport=WIDTHS["360"])
    page.goto(built_site.site_url + "trial/")
    page.evaluate("""() => { const p = document.createElement('div');
        p.innerHTML = '<button style="width:12px;height:12px;padding:0">a</button><button style="width:12px;height:12px;padding:0">b</button>';
        document.querySelector('article').prepend(p); }""")
    assert sum("is 12 x 12 px" in p for p in page.evaluate(a11y.TARGETS_JS)) == 2


ZOOM_400 = {"width": 320, "height": 256}  # a 1280 × 1024 window at 400 %
MOST = 0.5


@pytest.mark.browser
@pytest.mark.parametrize("spacing", [False, True], ids=["plain", "text-spacing"])
def test_at_400_percent_zoom_most_of_the_window_is_the_page(built_site, context, spacing):
    """WCAG 1.4.10 at 320 × 256 CSS px: the header and the suggestion bar leave most of the
    window to the page, here and scrolled down (with WCAG's text spacing too)."""
    found = {}
    for lang in LANGUAGES:
        locale = suggested(lang, SAMPLE)
        page = context(viewport=ZOOM_400, locale=locale or lang)
        for url in pages_of(built_site.site_url, lang).values():
            page.goto(url)
            if spacing:
                page.add_style_tag(content=a11y.TEXT_SPACING_CSS)
            if (share := page.evaluate(a11y.FIXED_SHARE_JS)) > 1 - MOST:
                found[url] = f"{share:.0%} of the window stays fixed"
    assert found == {}


@pytest.mark.browser
def test_zoom_check_catches_a_header_that_stays(built_site, context):
    page = context(viewport=ZOOM_400)
    page.goto(built_site.site_url + "trial/")
    page.add_style_tag(content=".md-header { position: sticky !important; min-height: 140px; }")
    assert page.evaluate(a11y.FIXED_SHARE_JS) > 1 - MOST
