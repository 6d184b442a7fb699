"""Material's main stylesheet, purged at build time (sitekit/css.py, sitekit/build/performance.py):
the selector match on small stylesheets; the built site ships the purged file under its
own content hash, linked from every page; and in Chromium, pages look the same with it
as with the theme's original, with the menu drawer and search open too."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.theme import Theme
from sitekit import browser, css, model
from sitekit.gate import project_catalogue
from sitekit.search import open_search, type_query

CATALOGUE = project_catalogue()
ORIGINAL = css.theme_stylesheet(Path(d) for d in Theme(name=model.load_mkdocs_config(CATALOGUE.root)["theme"]["name"]).dirs)
STYLESHEETS = Path(css.THEME_STYLESHEET).parent


def purged(stylesheet: str, html: str = "", js: str = "", other_css: str = "", safelist: frozenset[str] = frozenset()) -> str:
    usage = css.Usage.read([html], [js], [other_css])
    return css.purge(stylesheet, css.Usage(usage.tokens, usage.prefixes, usage.variables, safelist)).css


# --- the selector match ---------------------------------------------------------------------


@pytest.mark.fixture_cases
def test_a_class_in_a_page_is_kept_and_one_in_no_page_or_script_is_removed():
    sheet = ".used{color:red}.unused{color:blue}.used .unused,.used p{margin:0}#top{padding:0}#gone{padding:1px}"
    assert purged(sheet, html='<p class="used" id="top">') == ".used{color:red}.used p{margin:0}#top{padding:0}"
    assert purged(sheet, js='el.classList.add("unused")') == ".unused{color:blue}"
    assert purged(sheet) == ""


@pytest.mark.fixture_cases
def test_a_script_token_ending_in_a_dash_or_two_underscores_keeps_the_classes_it_begins():
    sheet = ".md-tag--big{color:red}.md-tag{color:blue}.md-fact__stars{margin:0}.other--x{padding:0}"
    assert purged(sheet, js="`md-tag--${type}` + 'md-fact__' + x") == ".md-tag--big{color:red}.md-fact__stars{margin:0}"
    assert purged(sheet, html='<p title="md-tag-- md-fact__">') == ""  # a page composes no names


@pytest.mark.fixture_cases
def test_the_safelist_keeps_what_scripts_add_without_any_text_naming_it():
    sheet = ".added-by-a-script{color:red}"
    assert purged(sheet) == ""
    assert purged(sheet, safelist=frozenset({"added-by-a-script"})) == sheet
    assert all(isinstance(reason, str) and reason.strip() for reason in css.SAFELIST.values())


@pytest.mark.fixture_cases
def test_not_requires_nothing_and_is_where_has_require_one_alternative():
    sheet = "code:not(.gone){color:red}:is(.a,.b) p{margin:0}.x:where(.gone){padding:0}:has(> .b){border:0}"
    assert purged(sheet, html='<p class="b">') == "code:not(.gone){color:red}:is(.a,.b) p{margin:0}:has(> .b){border:0}"
    assert purged(sheet, html='<p class="x">') == "code:not(.gone){color:red}"


@pytest.mark.fixture_cases
def test_tag_attribute_and_pseudo_selectors_and_other_at_rules_are_kept():
    sheet = (
        '@charset "UTF-8";html{margin:0}[dir=rtl] .gone{x:1}[data-md-toggle=search]:checked~*,::selection{color:red}'
        "@keyframes spin{0%{opacity:0}to{opacity:1}}@font-face{font-family:x;src:url(x.woff2)}@page{margin:1cm}"
        "/*# sourceMappingURL=main.css.map */"
    )
    assert purged(sheet) == (
        '@charset "UTF-8";html{margin:0}[data-md-toggle=search]:checked~*,::selection{color:red}'
        "@keyframes spin{0%{opacity:0}to{opacity:1}}@font-face{font-family:x;src:url(x.woff2)}@page{margin:1cm}"
    )


@pytest.mark.fixture_cases
def test_an_at_rule_left_empty_is_dropped_and_one_with_a_rule_left_is_kept():
    sheet = "@media screen and (min-width:76.25em){.gone{color:red}}@supports (display:grid){.used{display:grid}.gone{x:1}}"
    assert purged(sheet, html='class="used"') == "@supports (display:grid){.used{display:grid}}"
    assert purged(sheet) == ""


@pytest.mark.fixture_cases
def test_a_custom_property_nothing_references_is_dropped_and_a_chain_of_them_is_kept():
    sheet = ":root{--a:var(--b);--b:red;--unused:url(icon.svg);--c:1px}.used{color:var(--a)}:root{--icon:url(x.svg)}"
    assert purged(sheet, html='class="used"') == ":root{--a:var(--b);--b:red}.used{color:var(--a)}"
    # Referenced outside the stylesheet: the site's own CSS, a page, or a script reading it by name.
    assert purged(sheet, other_css=".x{width:var(--c)}") == ":root{--c:1px}"
    assert purged(sheet, html='<p style="width: var(--c)">') == ":root{--c:1px}"
    assert purged(sheet, js='getComputedStyle(e).getPropertyValue("--icon")') == ":root{--icon:url(x.svg)}"
    assert purged(sheet) == ""  # a rule left with no declaration is gone


@pytest.mark.fixture_cases
def test_purge_site_renames_the_file_by_its_content_links_it_and_removes_the_original(tmp_path):
    site = tmp_path / "site"
    folder = site / STYLESHEETS
    folder.mkdir(parents=True)
    original = folder / "main.0123abcd.min.css"
    original.write_text(".used{color:red}.gone{color:blue}", encoding="utf-8")
    original.with_name(original.name + ".map").write_text("{}", encoding="utf-8")
    (site / "es").mkdir()
    page = site / "es" / "index.html"
    page.write_text(f'<link rel="stylesheet" href="../{STYLESHEETS}/{original.name}"><p class="used">', encoding="utf-8")
    assert served_stylesheet_problems(site, original.name) == [
        f"{original.name}: not named by its content's hash ({css.fingerprinted_name(original.read_text())})",
        f"{original.name}.map: the original's source map is still there",
        f"es/index.html: names the theme's original {original.name}",
    ]
    result = css.purge_site(site, original)
    assert result is not None and result.name == css.fingerprinted_name(".used{color:red}")
    assert (folder / result.name).read_text(encoding="utf-8") == ".used{color:red}"
    assert sorted(p.name for p in folder.iterdir()) == [result.name]
    assert f'href="../{STYLESHEETS}/{result.name}"' in page.read_text(encoding="utf-8")
    assert served_stylesheet_problems(site, original.name) == []


# --- the built site --------------------------------------------------------------------------


def served_stylesheet_problems(site: Path, original: str) -> list[str]:
    """The theme's stylesheet in a built site: one file, named by its content's hash, no
    source map, and no file of the site naming the original any more."""
    found = sorted((site / STYLESHEETS).glob("main.*.min.css"))
    problems = [] if len(found) == 1 else [f"{STYLESHEETS}: {len(found)} main stylesheets"]
    for path in found:
        expected = css.fingerprinted_name(path.read_text(encoding="utf-8"))
        if path.name != expected:
            problems.append(f"{path.name}: not named by its content's hash ({expected})")
    problems += [f"{path.name}: the original's source map is still there" for path in (site / STYLESHEETS).glob("main.*.map")]
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".js", ".css", ".json", ".xml") and original in path.read_text(encoding="utf-8", errors="replace"):
            problems.append(f"{path.relative_to(site).as_posix()}: names the theme's original {original}")
    return problems


def test_the_built_site_ships_the_purged_stylesheet_under_its_own_name_linked_from_every_page(built_site):
    site = built_site.site
    assert served_stylesheet_problems(site, ORIGINAL.name) == []
    name = next((site / STYLESHEETS).glob("main.*.min.css")).name
    texts = {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    styled = [path for path, text in texts.items() if 'rel="stylesheet"' in text]  # pages, 404 pages (not redirects)
    assert len(styled) > len(CATALOGUE.pages)
    assert [path for path in styled if f"{STYLESHEETS}/{name}" not in texts[path]] == []
    assert len((site / STYLESHEETS / name).read_bytes()) < len(ORIGINAL.read_bytes())


# --- in the browser: the same look with the purged stylesheet ---------------------------------

# Adds the theme's original stylesheet right after the purged one (same place in the
# cascade), waits for it, and turns it off; no transition or animation, so a change of
# stylesheet shows at once in the computed styles.
SETUP_JS = """async (url) => {
  const purged = document.querySelector('link[rel=stylesheet][href*="stylesheets/main."]');
  const original = document.createElement("link");
  original.rel = "stylesheet";
  original.href = url;
  const loaded = new Promise((resolve, reject) => { original.onload = resolve; original.onerror = reject; });
  purged.after(original);
  await loaded;
  original.sheet.disabled = true;
  const still = document.createElement("style");
  still.textContent = "*, *::before, *::after { transition: none !important; animation: none !important; }";
  document.head.append(still);
  window.__ppSheets = [purged.sheet, original.sheet];
}"""
# Every element's computed style (and its ::before and ::after when they have content) with the purged stylesheet, then with the original: the differences, at most
# `limit`. Custom properties are left out: the purge drops those nothing uses.
COMPARE_JS = """(limit) => {
  const [purged, original] = window.__ppSheets;
  const all = getComputedStyle(document.documentElement);
  const names = [...Array(all.length).keys()].map((i) => all[i]).filter((n) => !n.startsWith("--"));
  const elements = [...document.querySelectorAll("*")];
  const snap = () => {
    const found = new Map();
    elements.forEach((el, index) => {
      for (const pseudo of ["", "::before", "::after"]) {
        const style = getComputedStyle(el, pseudo || null);
        if (pseudo && (style.content === "none" || style.content === "normal")) continue;
        found.set(index + pseudo, names.map((n) => style.getPropertyValue(n)));
      }
    });
    return found;
  };
  const mine = snap();
  purged.disabled = true; original.disabled = false;
  const theirs = snap();
  purged.disabled = false; original.disabled = true;
  const describe = (key) => {
    const [index, pseudo = ""] = key.split(/(?=::)/);
    const el = elements[Number(index)];
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map((c) => "." + c).join("") + pseudo;
  };
  const differences = [];
  for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
    const a = mine.get(key), b = theirs.get(key);
    if (!a || !b) differences.push(describe(key) + ": only with the " + (a ? "purged" : "original") + " stylesheet");
    else names.forEach((n, i) => { if (a[i] !== b[i]) differences.push(describe(key) + " " + n + ": " + a[i] + " (purged), " + b[i] + " (original)"); });
    if (differences.length >= limit) break;
  }
  return {differences, elements: elements.length};
}"""
ORIGINAL_URL = "/__theme-original.css"


def sample_page(index: int) -> str:
    """A different page for each language, round the pages."""
    return CATALOGUE.pages[index % len(CATALOGUE.pages)]


def look_differences(chromium, url: str, served_css: str | None = None) -> dict[str, list[str]]:
    """The computed-style differences on the page at `url` at phone width between the site's
    stylesheet (or `served_css` in its place) and the theme's original: as loaded, with the
    menu drawer open, and with search open showing results for the page's title."""
    context = chromium.new_context(viewport=browser.PHONE, reduced_motion="reduce")
    try:
        original = ORIGINAL.read_text(encoding="utf-8")
        context.route("**" + ORIGINAL_URL, lambda route: route.fulfill(body=original, content_type="text/css; charset=utf-8"))
        if served_css is not None:
            context.route(
                "**/stylesheets/main.*.min.css", lambda route: route.fulfill(body=served_css, content_type="text/css; charset=utf-8")
            )
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate(SETUP_JS, ORIGINAL_URL)
        found = {"loaded": page.evaluate(COMPARE_JS, 20)}
        if served_css is not None:
            return {state: result["differences"] for state, result in found.items()}
        # The drawer is the theme's checkbox (a CSS toggle); returns where the drawer then is.
        toggle = """(on) => {
          const box = document.getElementById("__drawer");
          box.checked = on;
          box.dispatchEvent(new Event("change"));
          return document.querySelector("[data-md-type=navigation]").getBoundingClientRect().x;
        }"""
        closed = page.evaluate(toggle, False)
        assert page.evaluate(toggle, True) != closed  # the drawer came into the window
        found["menu open"] = page.evaluate(COMPARE_JS, 20)
        page.evaluate(toggle, False)
        open_search(page)
        type_query(page, page.locator("article h1").first.inner_text().strip())
        found["search open"] = page.evaluate(COMPARE_JS, 20)
        assert found["search open"]["elements"] > found["loaded"]["elements"]  # the results are on the page
        return {state: result["differences"] for state, result in found.items()}
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("index,lang", list(enumerate(lang.code for lang in CATALOGUE.languages)))
def test_pages_look_the_same_with_the_purged_stylesheet_as_with_the_themes(chromium, built_site, index, lang):
    url = built_site.site_url + CATALOGUE.url(lang, sample_page(index))
    assert look_differences(chromium, url) == {"loaded": [], "menu open": [], "search open": []}


@pytest.mark.browser
def test_the_look_comparison_catches_a_purge_that_removes_a_class_the_page_uses(chromium, built_site):
    """The header's own class left out of what the site names: its rules are purged."""
    site = built_site.site
    usage = css.site_usage(site, skip=next((site / STYLESHEETS).glob("main.*.min.css")).relative_to(site).as_posix())
    broken = css.purge(ORIGINAL.read_text(encoding="utf-8"), css.Usage(usage.tokens - {"md-header"}, usage.prefixes, usage.variables))
    differences = look_differences(chromium, built_site.site_url + CATALOGUE.url(CATALOGUE.default.code, sample_page(0)), broken.css)
    assert any(line.startswith("header.md-header") for line in differences["loaded"]), differences
