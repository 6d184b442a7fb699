"""A second engine: pa11y (HTML_CodeSniffer, WCAG 2 AA) on every page in every language
and each language's 404 page, at phone and desktop width, in Debian's Chromium
(sitekit/pa11y.py). Only the allowances written there, each with its reason, pass; an
allowance that matches nothing fails."""

from __future__ import annotations

import pytest
from sitekit import browser, model, pa11y
from sitekit.gate import project_catalogue

pytestmark = pytest.mark.browser

CATALOGUE = project_catalogue()
VIEWPORTS = {"phone": browser.PHONE, "desktop": browser.DESKTOP}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_pa11y_finds_nothing_unexplained_on_any_page(built_site, viewport):
    """Each width on its own (the two run side by side on the suite's workers); every
    allowance must still match something at each width."""
    origin = built_site.site_url
    urls = [url for _, _, url in browser.page_urls(origin, CATALOGUE)]
    urls += [origin + model.language_url(lang.code) + "404.html" for lang in CATALOGUE.languages]
    issues = pa11y.run(urls, [VIEWPORTS[viewport]])
    assert [issue.format() for issue in pa11y.unexplained(issues)] == []
    assert [allowance.code for allowance in pa11y.unused(issues)] == []


def test_pa11y_catches_a_missing_alt_and_allowances_expire(built_site, tmp_path):
    """The engine finds a real fault on a page made to have one (a copy of a built page,
    served apart), an allowance covers only what it names, and one for a fault that is
    gone is reported."""
    page = (built_site.site / "trial" / "index.html").read_text(encoding="utf-8")
    article = '<article class="md-content__inner md-typeset">'
    (tmp_path / "trial").mkdir()
    (tmp_path / "trial" / "index.html").write_text(
        page.replace(article, article + '<a href="../"><img src="x.png"></a>', 1), encoding="utf-8"
    )
    with browser.local_server(tmp_path) as server:
        found = pa11y.run([server.origin + "trial/"], [browser.PHONE])
    assert any(issue.code.endswith("H30.2") and "x.png" in issue.context for issue in pa11y.unexplained(found))
    stale = pa11y.Allowance("WCAG2AA.Principle1.Guideline1_1.1_1_1.H37", "<img", "a fault long fixed")
    assert pa11y.unused(found, [stale, *pa11y.ALLOWANCES[:1]]) == [stale]
