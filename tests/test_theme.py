"""The installed theme, used without copies of its internals: every template, block and
file the overrides and hooks name exists in it (sitekit/theme.py), and the filters that
adjust its own blocks (hooks/theme.py) do their job or say the theme changed."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, load_module
from mkdocs.theme import Theme
from sitekit import model, theme

HOOK = load_module(REPO / "overrides" / "hooks" / "theme.py")


def theme_dirs(overrides: Path) -> list[Path]:
    """The folders the build searches, in order: the site's overrides, then the installed theme's."""
    name = model.load_mkdocs_config(REPO)["theme"]["name"]
    return [Path(d) for d in Theme(name=name, custom_dir=str(overrides)).dirs]


def test_overrides_and_hooks_name_only_what_the_installed_theme_has():
    overrides = REPO / "overrides"
    kinds = {ref.kind for ref in theme.references(overrides, Theme(name="material", custom_dir=str(overrides)).get_env())}
    assert kinds == {"template", "block", "file"}  # the check reads all three kinds here
    assert theme.problems(overrides, theme_dirs(overrides), REPO / "docs") == []


def test_a_theme_name_the_installed_theme_lacks_is_reported_with_file_and_line():
    case = FIXTURES / "theme_stale_names"
    found = theme.problems(case / "overrides", theme_dirs(case / "overrides"), REPO / "docs")
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


def test_theme_scripts_are_deferred_once_and_in_order():
    block = '<script src="a.js"></script>\n<script src="b.js" defer></script>\n<script src="c.js" async></script>'
    assert HOOK.deferred(block) == '<script src="a.js" defer></script>\n<script src="b.js" defer></script>\n<script src="c.js" async></script>'


@pytest.mark.parametrize(("adjust", "block"), [("with_search_base", "<script>var config = {}</script>"), ("deferred", "<script>run()</script>")])
def test_a_changed_theme_block_is_reported(adjust, block, caplog):
    args = ("/es/",) if adjust == "with_search_base" else ()
    with caplog.at_level(logging.WARNING):
        assert getattr(HOOK, adjust)(block, *args) == block
    assert f"update overrides/hooks/theme.py ({adjust})" in caplog.text


def test_every_page_loads_the_themes_scripts_deferred_and_its_language_index(built_site):
    catalogue = model.Catalogue.load(REPO)
    for lang in catalogue.languages:
        for name in catalogue.pages:
            url = built_site.site_url + catalogue.url(lang.code, name)
            page = BeautifulSoup((built_site.site / catalogue.url(lang.code, name) / "index.html").read_text(encoding="utf-8"), "html.parser")
            scripts = [tag for tag in page.find_all("script") if tag.get("src")]
            assert scripts[0]["src"].endswith("assets/search-on-demand.js"), url  # before the theme's bundle
            assert any("/javascripts/bundle." in tag["src"] for tag in scripts), url
            assert all(tag.has_attr("defer") for tag in scripts), url
            base = json.loads(page.find("script", id="__config").string)["base"]
            assert urljoin(url, base.rstrip("/") + "/") == built_site.site_url + catalogue.language_url(lang.code), url
