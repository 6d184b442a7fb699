"""Readable without JavaScript: every page in every language, at phone and desktop width,
shows its article and offers its navigation (site nav, previous/next, language
switcher), the links lead to real pages, and nothing makes the page scroll sideways."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from sitekit import browser, model, nojs

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": browser.PHONE, "desktop": browser.DESKTOP}
LANGUAGES = [lang.code for lang in model.languages()]


@pytest.fixture(scope="module")
def no_js(chromium):
    """One page per width, in contexts with JavaScript disabled."""
    contexts = {name: chromium.new_context(**nojs.CONTEXT_OPTIONS, viewport=size) for name, size in VIEWPORTS.items()}
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.fixture(scope="module")
def expected(built_site):
    return nojs.expectations(built_site.site_url)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_reads_and_navigates_without_javascript(built_site, no_js, expected, lang):
    problems, links = [], set()
    pages = {name: url for code, name, url in browser.page_urls(built_site.site_url) if code == lang}
    for url in pages.values():
        for width, page in no_js.items():
            report = nojs.check_page(page, url, expected[url], phone=width == "phone")
            problems += [f"{url} ({width}): {problem}" for problem in report.problems]
            links.update(link for found in report.links.values() for link in found)
    problems += nojs.link_problems(no_js["desktop"].request, links)
    # A sample followed by clicking, from the language's home page: on a phone for every
    # other language, on a desktop for the rest.
    width, home = list(VIEWPORTS)[LANGUAGES.index(lang) % 2], pages["index.md"]
    problems += [f"{home} ({width}) {p}" for p in nojs.followed_problems(no_js[width], home, phone=width == "phone")]
    assert problems == []


# --- failing fixtures: copies of a built page, served at its own address ------------

HIDE_CSS = FIXTURES / "nojs_broken" / "hidden-until-script.css"
TRIAL = "es/trial/"  # a page with previous and next pages, in a translation
BROKEN = {
    # The article is hidden by a stylesheet that a script would undo.
    "stylesheet hides the article": (
        "</head>",
        '<link rel="stylesheet" href="/nojs-fixture/hidden-until-script.css"></head>',
        ["article title (h1) is not displayed", "article first paragraph is not displayed", "only 0 of"],
    ),
    "hidden attribute on the article": (
        '<article class="md-content__inner md-typeset">',
        '<article class="md-content__inner md-typeset" hidden>',
        ["article title (h1) is not displayed", "article first paragraph is not displayed", "only 0 of"],
    ),
    "footer hidden": (
        '<footer class="md-footer">',
        '<footer class="md-footer" hidden>',
        ["footer 'prev' link is not displayed", "footer 'next' link is not displayed"],
    ),
    "element wider than the screen": (
        '<article class="md-content__inner md-typeset">',
        '<article class="md-content__inner md-typeset"><p style="width: 900px">wide</p>',
        ["scrolls sideways"],
    ),
    # Without the checkbox the menu button opens nothing: no site nav on a phone.
    "no drawer checkbox": (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">',
        "",
        ["site nav (drawer): no usable link to"],
    ),
}


def _serve_modified(context, url: str, old: str, new: str) -> None:
    def handle(route):
        response = route.fetch()
        body = response.text()
        assert old in body, f"the fixture's text is no longer in {url}: {old}"
        route.fulfill(response=response, body=body.replace(old, new))

    context.route(url, handle)
    context.route("**/nojs-fixture/hidden-until-script.css", lambda route: route.fulfill(path=HIDE_CSS, content_type="text/css"))


@pytest.mark.parametrize("case", list(BROKEN))
def test_content_or_navigation_that_needs_javascript_is_reported(built_site, chromium, expected, case):
    old, new, wanted = BROKEN[case]
    url = built_site.site_url + TRIAL
    context = chromium.new_context(**nojs.CONTEXT_OPTIONS, viewport=browser.PHONE)
    try:
        _serve_modified(context, url, old, new)
        problems = nojs.check_page(context.new_page(), url, expected[url], phone=True).problems
    finally:
        context.close()
    for fragment in wanted:
        assert any(fragment in problem for problem in problems), (fragment, problems)


def test_a_link_to_a_missing_page_is_reported(built_site, chromium, expected):
    url, missing = built_site.site_url + TRIAL, built_site.site_url + "no-such-page/"
    context = chromium.new_context(**nojs.CONTEXT_OPTIONS, viewport=browser.DESKTOP)
    try:
        # The switcher's English link, the first one the sample follows, leads nowhere.
        _serve_modified(context, url, 'href="../../trial/" hreflang="en"', 'href="../../no-such-page/" hreflang="en"')
        page = context.new_page()
        report = nojs.check_page(page, url, expected[url], phone=False)
        assert missing in report.links["languages"]
        assert nojs.link_problems(page.request, set(report.links["languages"])) == [
            f"link to {missing} answered 404 text/html;charset=utf-8"
        ]
        followed = nojs.followed_problems(page, url, phone=False)
    finally:
        context.close()
    assert followed == [f"language switcher: {missing} answered 404"]
