"""Valid HTML: the Nu HTML Checker finds no error in the built site beyond the theme's
own, listed below with their reasons; a new error anywhere fails."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES
from sitekit import nuchecker

# The one place for errors that come from Material itself and that no block override can
# fix: (regular expression searched in "message | markup", reason). Keep each one narrow.
THEME_ERRORS: list[tuple[str, str]] = [
    (
        r"^Attribute “autocomplete” is only allowed when the input type is .*"
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">',
        "Material 9.7.1 base.html writes the drawer and search toggles (CSS checkbox hacks) outside any "
        "block, so they cannot be overridden; autocomplete=off keeps Firefox from restoring an open "
        "drawer or search on reload, so the attribute stays",
    ),
]

INVALID = FIXTURES / "html_invalid" / "index.html"


@pytest.fixture(scope="module")
def nu_report(built_site):
    """One Java run over every built HTML file and the failing fixture."""
    reason = nuchecker.checker_missing()
    if reason:
        pytest.skip(f"Nu HTML Checker not available: {reason}")
    files = sorted(path.resolve() for path in built_site.site.rglob("*.html"))
    assert len(files) > 30
    errors = nuchecker.nu_errors([*files, INVALID.resolve()])
    return [e for e in errors if e.file != INVALID.resolve()], [e for e in errors if e.file == INVALID.resolve()]


def test_built_site_has_no_html_errors_but_the_themes_listed_ones(nu_report, built_site):
    site_errors, _ = nu_report
    root = built_site.site.resolve()
    assert [e.format(root) for e in nuchecker.unexpected(site_errors, THEME_ERRORS)] == []


def test_every_allowed_theme_error_still_occurs(nu_report):
    """An entry that matches nothing any more hides nothing and must go."""
    site_errors, _ = nu_report
    stale = [reason for pattern, reason in THEME_ERRORS if not any(re.search(pattern, e.text, re.S) for e in site_errors)]
    assert stale == []


def test_new_errors_are_reported_and_the_theme_ones_are_not(nu_report):
    _, fixture_errors = nu_report
    reported = [(e.line, e.message) for e in nuchecker.unexpected(fixture_errors, THEME_ERRORS)]
    assert len(fixture_errors) == 5  # the two theme toggles are found, then allowed
    assert reported == [
        (13, "Duplicate ID “trial-steps”."),
        (14, "Stray end tag “span”."),
        (16, AUTOCOMPLETE_MESSAGE),
    ]


AUTOCOMPLETE_MESSAGE = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
    "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”."
)
