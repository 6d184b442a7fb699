"""The states the product is built to handle, made the way the README says to make them,
on a copy of the whole project: the suite passes on them and reports them.

- An editor adds a section to an English page and follows the README (`docs.py snapshot`,
  `urls.py update`): every translation of that page is outdated until translators catch up.
- A translator starts a language (`docs.py new-language CODE`, a code the project does not
  use yet, picked from the theme's languages): 0 % translated, not offered.

Both are made in one copy (a clinic meets them together), and there the suite runs again
(PAINPUMP_ROOT points it there): every test that reads the project's pages, minus the
browser tests (they read the same catalogue, and would double the suite's time), the
fixture cases (they read only tests/fixtures) and the injected faults (each test injects
its own fault into its own copy; the verdict on it does not depend on the state). Readers being served right in these states
(notices, English fallback, the threshold) is what those tests check on the copy's build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from conftest import REPO
from sitekit import language_tags, model
from sitekit.gate import project_catalogue

pytestmark = pytest.mark.scenario
TOP_LEVEL_LEFT_OUT = {".git", ".venv", "node_modules", "site", "screenshots", ".pytest_cache", ".ruff_cache", ".hypothesis"}
# The suite again, in parallel (`-n auto`, as pytest.ini): run as one test, it would run
# alone, at the end, on one CPU, long after the other tests are done.
SUITE = ["-m", "not browser and not scenario and not fixture_cases and not injected_fault", "-n", "auto", "-p", "no:cacheprovider", "-q"]


def whole_copy(target: Path) -> Path:
    """The repository as a fresh clone has it (the Node tools linked, not copied)."""

    def left_out(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n == "__pycache__" or (Path(folder) == REPO and n in TOP_LEVEL_LEFT_OUT)]

    shutil.copytree(REPO, target, ignore=left_out)
    if (REPO / "node_modules").exists():
        (target / "node_modules").symlink_to(REPO / "node_modules")
    return target


def run(root: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAINPUMP_ROOT": str(root)}
    return subprocess.run([sys.executable, *command], cwd=root, env=env, capture_output=True, text=True)


def suite(root: Path) -> subprocess.CompletedProcess:
    result = run(root, "-m", "pytest", *SUITE)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return result


def unused_language(root: Path) -> str:
    """A two-letter code the theme translates that the project has nowhere yet (mkdocs.yml,
    docs/CODE/, l10n/CODE/): what `docs.py new-language` accepts."""
    used = {lang.code for lang in project_catalogue(root).languages}
    free = [
        code
        for code in sorted(language_tags.theme_languages())
        if len(code) == 2 and code not in used and not (root / "docs" / code).exists() and not (root / "l10n" / code).exists()
    ]
    assert free, "the theme has no language the project does not use yet"
    return free[0]


def translated_page(catalogue: model.Catalogue) -> tuple[str, str]:
    """An English page with a translation that follows the current English (the edit makes it
    outdated), and that translation's language."""
    for name in catalogue.pages:
        for lang in catalogue.languages[1:]:
            if catalogue.file_state(lang.code, name) == model.TRANSLATED:
                return name, lang.code
    pytest.fail("no translation follows its English page: the scenario has no translation to make outdated")


def new_section_id(text: str) -> str:
    anchor = "follow-up-visits"
    while f"{{#{anchor}}}" in text:
        anchor += "-again"
    return anchor


def test_the_scenario_picks_a_language_the_project_does_not_have(tmp_path):
    """The failing case of unused_language: with the first free code started (its folders
    made), the next pick is another code."""
    first = unused_language(REPO)
    assert first not in {lang.code for lang in project_catalogue(REPO).languages}
    root = whole_copy(tmp_path / "project")
    (root / "docs" / first).mkdir()
    assert unused_language(root) != first
    (root / "docs" / first).rmdir()
    (root / "l10n" / first).mkdir()
    assert unused_language(root) != first


def test_an_english_edit_and_a_new_language_land_before_the_translators_catch_up(tmp_path):
    """Both states at once, as a clinic meets them (and one run of the suite, not two)."""
    root = whole_copy(tmp_path / "project")
    name, translated = translated_page(project_catalogue(root))
    page = root / "docs" / "en" / name
    text = page.read_text(encoding="utf-8")
    anchor = new_section_id(text)
    page.write_text(text + f"\n## Your follow-up visits {{#{anchor}}}\n\nBring your questions to each visit.\n", encoding="utf-8")
    assert run(root, "scripts/docs.py", "snapshot").returncode == 0
    update = run(root, "scripts/urls.py", "update")
    assert update.returncode == 0, update.stderr
    catalogue = project_catalogue(root)
    assert f"added /{catalogue.url('en', name)}#{anchor}" in update.stdout
    assert f"/{catalogue.url(translated, name)}#{anchor}" not in update.stdout, "a translation's addresses wait for its translation"
    code = unused_language(root)
    started = run(root, "scripts/docs.py", "new-language", code, "--name", Locale.parse(code).get_display_name(code))
    assert started.returncode == 0, started.stderr
    result = suite(root)
    assert "translations behind the English pages" in result.stdout and "outdated" in result.stdout
    assert f"{code}:" in result.stdout and "not offered to readers" in result.stdout
