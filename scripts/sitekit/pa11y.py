"""A second accessibility engine: pa11y with HTML_CodeSniffer (WCAG 2 AA), pinned in
package-lock.json, driving Debian's Chromium (scripts/pa11y-run.cjs; never a downloaded
browser). axe-core (tests/test_browser.py) and HTML_CodeSniffer miss different things.

Every error fails, and so does every warning, except where an allowance below says why:
HTML_CodeSniffer's warnings are mostly requests for a human to check something it cannot
decide; each allowance names where that is checked instead. An allowance that no longer
matches anything fails too, so none outlives its reason.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitekit import browser, model

RUNNER = Path(__file__).resolve().parents[1] / "pa11y-run.cjs"


@dataclass(frozen=True)
class Issue:
    url: str
    width: int
    type: str  # error, warning or notice
    code: str
    message: str
    selector: str
    context: str

    def format(self) -> str:
        return f"{self.url} at {self.width} px: {self.type} {self.code} on {self.selector}: {self.message}"


@dataclass(frozen=True)
class Allowance:
    code: str  # HTML_CodeSniffer's code, e.g. WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2
    context: str  # a part of the element's HTML it applies to ("" for every element)
    reason: str

    def matches(self, issue: Issue) -> bool:
        return issue.code == self.code and self.context in issue.context


ALLOWANCES = (
    Allowance(
        "WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2",
        '<form class="md-search__form"',
        "The search form has no submit button because nothing is submitted: results appear as the reader "
        "types (the theme's search), and Enter opens the first result. 3.2.2 (no change of context on input) holds.",
    ),
    Allowance(
        "WCAG2AA.Principle1.Guideline1_4.1_4_3.G18.Alpha",
        "",
        "A request to check by hand the contrast of text on a semi-transparent colour (the theme's greys are "
        "rgba). axe-core computes it with the colours blended, on every page in every language at both widths "
        "(tests/test_browser.py), and finds no contrast problem.",
    ),
    Allowance(
        "WCAG2AA.Principle1.Guideline1_4.1_4_3.G145.Alpha",
        "",
        "The same request for large text (G145): checked by axe-core in the same pass.",
    ),
    Allowance(
        "WCAG2AA.Principle1.Guideline1_4.1_4_10.C32,C31,C33,C38,SCR34,G206",
        "",
        "A request to check reflow by hand for fixed or sticky elements: tests/test_browser.py (320 px, "
        "200 % zoom) and tests/test_a11y.py (400 % zoom, text spacing) check it on every page.",
    ),
)


def run(urls: list[str], viewports: list[dict[str, int]], root: Path = model.REPO) -> list[Issue]:
    """pa11y over every URL at every viewport, in one Chromium. Raises RuntimeError (with
    pa11y's own message) when it cannot run."""
    node_modules = root / "node_modules" / "pa11y"
    if not node_modules.is_dir():
        raise RuntimeError("pa11y is not installed: run `bash scripts/setup.sh --system` (installs package-lock.json's Node tools)")
    request = {"chromium": browser.CHROMIUM, "urls": urls, "viewports": viewports}
    result = subprocess.run(["node", str(RUNNER)], input=json.dumps(request), capture_output=True, text=True, cwd=root)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"pa11y exited with status {result.returncode}")
    return [Issue(**issue) for issue in json.loads(result.stdout)]


def unexplained(issues: Iterable[Issue], allowances: Iterable[Allowance] = ALLOWANCES) -> list[Issue]:
    """The errors and warnings no allowance explains (notices are information only)."""
    allowed = list(allowances)
    return [issue for issue in issues if issue.type != "notice" and not any(a.matches(issue) for a in allowed)]


def unused(issues: Iterable[Issue], allowances: Iterable[Allowance] = ALLOWANCES) -> list[Allowance]:
    """The allowances that match nothing any more: their reason has gone, so must they."""
    found = list(issues)
    return [allowance for allowance in allowances if not any(allowance.matches(issue) for issue in found)]
