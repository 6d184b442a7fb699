"""The installed theme, used without copies of its internals: every template, block and
file the overrides and the build's steps name exists in it (sitekit/theme.py), and the filters that
adjust its own blocks (sitekit/build/theme.py) do their job or say the theme changed."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO
from mkdocs.theme import Theme
from sitekit import model, theme
from sitekit.build import theme as build_theme
from sitekit.gate import project_catalogue

HOOK = build_theme


def theme_dirs(overrides: Path) -> list[Path]:
    """The folders the build searches, in order: the site's overrides, then the installed theme's."""
    name = model.load_mkdocs_config(REPO)["theme"]["name"]
    return [Path(d) for d in Theme(name=name, custom_dir=str(overrides)).dirs]


def test_overrides_and_build_steps_name_only_what_the_installed_theme_has():
    overrides = REPO / "overrides"
    kinds = {ref.kind for ref in theme.references(overrides, Theme(name="material", custom_dir=str(overrides)).get_env())}
    assert kinds == {"template", "block", "file"}  # the check reads all three kinds here
    assert theme.problems(overrides, theme_dirs(overrides), REPO / "docs") == []


def test_a_theme_name_the_installed_theme_lacks_is_reported_with_file_and_line():
    case = FIXTURES / "theme_stale_names"
    found = theme.problems(case / "overrides", theme_dirs(case / "overrides"), REPO / "docs", code=case / "build")
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [problem.format(case) for problem in found] == expected


def test_no_fingerprinted_theme_file_is_written_in_the_overrides():
    fingerprinted = [
        f"{path.relative_to(REPO)}: {name}"
        for path in (REPO / "overrides").rglob("*")
        if path.is_file()
        for name in theme.FINGERPRINTED.findall(path.read_text(encoding="utf-8"))
    ]
    assert fingerprinted == []
    assert theme.FINGERPRINTED.findall((FIXTURES / "theme_stale_names" / "overrides" / "main.html").read_text(encoding="utf-8"))


def test_search_base_is_set_in_the_themes_own_settings():
    block = '\n<script id="__config" type="application/json">{"base": "../..", "search": "x.js", "t": "\\u003c"}</script>\n'
    assert HOOK.with_search_base(block, "../../es/") == (
        '\n<script id="__config" type="application/json">{"base": "../../es/", "search": "x.js", "t": "\\u003c"}</script>\n'
    )


def test_the_themes_bundle_gives_its_place_to_the_loader():
    block = '<script src="../assets/javascripts/bundle.0a1b2c3d.min.js"></script>\n<script src="../assets/site.js" defer></script>'
    assert HOOK.bundle_on_demand(block, "../assets/search-on-demand.js") == (
        '<script src="../assets/search-on-demand.js" data-pp-theme="../assets/javascripts/bundle.0a1b2c3d.min.js" defer></script>\n'
        '<script src="../assets/site.js" defer></script>'
    )


@pytest.mark.parametrize(
    ("adjust", "block"), [("with_search_base", "<script>var config = {}</script>"), ("bundle_on_demand", "<script>run()</script>")]
)
def test_a_changed_theme_block_is_reported(adjust, block, caplog):
    args = ("/es/",) if adjust == "with_search_base" else ("x.js",)
    with caplog.at_level(logging.WARNING):
        assert getattr(HOOK, adjust)(block, *args) == block
    assert f"update scripts/sitekit/build/theme.py ({adjust})" in caplog.text


def test_every_page_loads_the_theme_on_demand_and_its_language_index(built_site):
    catalogue = project_catalogue(REPO)
    for lang in catalogue.languages:
        for name in catalogue.pages:
            url = built_site.site_url + catalogue.url(lang.code, name)
            page = BeautifulSoup(
                (built_site.site / catalogue.url(lang.code, name) / "index.html").read_text(encoding="utf-8"), "html.parser"
            )
            scripts = [tag for tag in page.find_all("script") if tag.get("src")]
            assert scripts[0]["src"].endswith("assets/search-on-demand.js"), url  # before site.js
            assert not any("/javascripts/bundle." in tag["src"] for tag in scripts), url  # loaded on demand
            bundle = (built_site.site / catalogue.url(lang.code, name) / scripts[0]["data-pp-theme"]).resolve()
            assert bundle.is_file() and bundle.name.startswith("bundle."), url
            assert all(tag.has_attr("defer") for tag in scripts), url
            base = json.loads(page.find("script", id="__config").string)["base"]
            assert urljoin(url, base.rstrip("/") + "/") == built_site.site_url + catalogue.language_url(lang.code), url


HEADER = (
    '<header><nav class="md-header__inner md-grid" aria-label="Header"><a class="md-logo"><svg viewBox="0 0 24 24"></svg></a>'
    '<label class="md-header__button md-icon" for="__drawer"><svg viewBox="0 0 24 24"></svg></label>'
    '<div class="md-header__topic" data-md-component="header-topic"><span class="md-ellipsis">After</span></div>'
    '<label class="md-header__button md-icon" for="__search"><svg></svg></label>'
    '<nav class="md-search__options" aria-label="Search"><button tabindex="-1">x</button></nav></nav></header>'
)


def test_header_controls_become_buttons_named_in_the_pages_language():
    html = HOOK.header_controls(HEADER, {"__drawer": "<button>Menú</button>", "__search": "<button>Buscar</button>"}, "Cabecera", "en")
    assert '<label class="md-header__button' not in html and "<button>Menú</button>" in html and "<button>Buscar</button>" in html
    assert 'aria-label="Cabecera"' in html and 'data-md-component="header-topic" lang="en" dir="ltr">' in html
    assert '<svg aria-hidden="true" focusable="false" viewBox' in html
    assert '<div class="md-search__options">' in html and 'md-search__options" aria-label' not in html


def test_a_changed_header_is_reported_and_left_alone(caplog):
    changed = HEADER.replace('for="__drawer"', 'for="__menu"')
    with caplog.at_level(logging.WARNING):
        assert HOOK.header_controls(changed, {"__drawer": "<button>Menu</button>"}, "Header") == changed
    assert "update scripts/sitekit/build/theme.py (header_controls)" in caplog.text


def test_titles_of_pages_shown_in_english_are_marked_in_navigation_and_footer():
    nav = (
        '<a href="../after/" class="md-nav__link"><span class="md-ellipsis">After the procedure</span></a>'
        '<a href="../trial/" class="md-nav__link"><span class="md-ellipsis">La fase de prueba</span></a>'
    )
    marked = HOOK.english_parts(nav, ["../after/"])
    assert '<a href="../after/" class="md-nav__link"><span class="md-ellipsis" lang="en" dir="ltr">' in marked
    assert '<a href="../trial/" class="md-nav__link"><span class="md-ellipsis">' in marked
    footer = (
        '<nav class="md-footer__inner md-grid" aria-label="Pie"><a href="../after/" class="md-footer__link md-footer__link--next" '
        'aria-label="Siguiente: After the procedure"><div class="md-footer__title"><div class="md-ellipsis">After</div></div></a></nav>'
    )
    marked = HOOK.english_parts(footer, ["../after/"], "Página anterior y siguiente")
    assert 'aria-label="Página anterior y siguiente"' in marked and "Siguiente: After" not in marked
    assert '<div class="md-ellipsis" lang="en" dir="ltr">After</div>' in marked


def test_notice_goes_right_after_the_title_and_its_section_link():
    content = '<div class="pp-heading"><h1 id="t">T</h1><a class="headerlink" href="#t" aria-label="L"></a></div><p>Text</p>'
    assert HOOK.after_title(content, "<p>N</p>") == content.replace("</div><p>Text", "</div><p>N</p><p>Text")
    assert HOOK.after_title("<p>no title</p>", "<p>N</p>") == "<p>N</p><p>no title</p>"


def test_an_empty_table_of_contents_is_hidden():
    sidebar = '<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" >'
    empty = sidebar + '<nav class="md-nav md-nav--secondary" aria-label="Table of contents">\n</nav></div>'
    assert HOOK.without_empty_contents(empty).startswith(sidebar[:-2] + " hidden>")
    full = empty.replace(">\n</nav>", "><ul><li>a</li></ul></nav>")
    assert HOOK.without_empty_contents(full) == full
