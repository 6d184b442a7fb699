"""What search engines and link previews read, in every language: canonical and hreflang
links (absolute), Open Graph tags, the sitemaps with each page's real translations, and
robots.txt. The complete head of every page is checked in test_site.py
(sitecheck.metadata_problems); each kind of defect has its failing fixture here."""

from __future__ import annotations

import dataclasses

from bs4 import BeautifulSoup
from conftest import FIXTURES
from sitekit import model, sitecheck
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
EXAMPLE = "https://painpump.example.org/"


def test_each_kind_of_bad_head_is_caught():
    """One defect per fixture page; the fixture catalogue has trial.md untranslated in Vietnamese."""
    catalogue = dataclasses.replace(CATALOGUE, states={**CATALOGUE.states, ("vi", "trial.md"): model.MISSING})
    assert sitecheck.metadata_problems(FIXTURES / "html_bad_head", EXAMPLE, catalogue) == [
        "after/index.html: og:locale is 'en_GB', expected 'en_US'",
        "ar/trial/index.html: og:locale:alternate is [en_US, es_US], expected [en_US, es_US, zh_CN] (the page's other languages)",
        "before/index.html: no hreflang 'x-default' link (the English page, for readers of any other language)",
        "contact/index.html: og:url '/contact/' is not absolute (it must start with https://painpump.example.org/)",
        "es/trial/index.html: hreflang 'zh' link '../../zh/trial/' is not absolute (it must start with https://painpump.example.org/)",
        "implantation/index.html: og:type is 'article', expected 'website'",
        'index.html: no <meta property="og:description">',
        "trial/index.html: canonical link '../trial/' is not absolute (it must start with https://painpump.example.org/)",
        "zh/trial/index.html: hreflang 'vi' points at a page that is not translated into vi (its readers get the English page)",
    ]


def test_open_graph_tags_of_every_page(built_site):
    languages = {entry["locale"]: entry for entry in model.i18n_plugin_config(model.load_mkdocs_config())["languages"]}
    for lang in CATALOGUE.languages:
        for name in CATALOGUE.pages:
            path = built_site.site / CATALOGUE.url(lang.code, name) / "index.html"
            og = {}
            for tag in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find_all("meta", property=True):
                og.setdefault(tag["property"], []).append(tag["content"])
            shown = CATALOGUE.content_language(lang.code, name)
            assert og["og:title"] == [model.read_page(model.page_file(shown, name)).meta["title"]]
            assert og["og:site_name"] == [languages[lang.code].get("site_name") or model.load_mkdocs_config()["site_name"]]
            assert og["og:locale"] == [model.og_locale(shown)]
            assert og.get("og:locale:alternate", []) == [model.og_locale(lg.code) for lg in CATALOGUE.readable(name) if lg.code != shown]
            assert og["og:url"] == [built_site.site_url + CATALOGUE.url(shown, name)]


def test_og_locale_comes_from_cldr_unless_the_language_sets_its_own(project_copy):
    strings = model.l10n_file("es", "strings", project_copy.root)
    strings.write_text(strings.read_text(encoding="utf-8") + "og_locale: es_MX\n", encoding="utf-8")
    assert model.og_locale("es", project_copy.root) == "es_MX"
    strings.write_text(
        strings.read_text(encoding="utf-8").replace("og_locale: es_MX\n", "").replace("og_locale: es_US\n", ""), encoding="utf-8"
    )
    assert model.og_locale("es", project_copy.root) == "es_ES"
    assert model.og_locale("vi", project_copy.root) == "vi_VN"
    assert "og_locale" not in model.ui_strings("en"), "English must not set it: every new language would inherit en_US"


def test_sitemaps_list_every_page_with_its_real_translations(built_site):
    assert sitecheck.sitemap_problems(built_site.site, built_site.site_url, CATALOGUE) == []


def test_a_bad_sitemap_is_caught():
    english, spanish = model.Language("en", "English", default=True), model.Language("es", "Español")
    pages = ["index.md", "trial.md"]
    states = {("en", name): model.SOURCE for name in pages} | {("es", name): model.TRANSLATED for name in pages}
    catalogue = model.Catalogue.as_given(CATALOGUE.root, [english, spanish], pages, states)
    assert sitecheck.sitemap_problems(FIXTURES / "html_bad_sitemap", EXAMPLE, catalogue) == [
        "sitemap.xml: no entry for https://painpump.example.org/es/trial/",
        "sitemap.xml: https://painpump.example.org/es/old/ is listed, but it is not a page readers get in that language",
        "sitemap.xml: https://painpump.example.org/trial/ has the alternates [en=https://painpump.example.org/trial/, "
        "x-default=https://painpump.example.org/trial/], expected one per translation plus x-default, absolute",
        "es/sitemap.xml lists 1 pages, expected the 2 pages readers get in Español",
    ]


def test_robots_txt_points_at_the_absolute_sitemap(built_site):
    assert sitecheck.robots_problems(built_site.site, built_site.site_url) == []
    assert sitecheck.robots_problems(FIXTURES / "html_bad_sitemap", EXAMPLE) == [
        "robots.txt has no line 'Sitemap: https://painpump.example.org/sitemap.xml'"
    ]
    assert sitecheck.robots_problems(FIXTURES / "html_missing_metadata", EXAMPLE) == ["robots.txt is missing"]
