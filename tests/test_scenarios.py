"""The states the product is built to handle, made the way the README says to make them,
on a copy of the whole project: the suite passes on them and reports them.

- An editor adds a section to an English page and follows the README (`docs.py snapshot`,
  `urls.py update`): every translation of that page is outdated until translators catch up.
- A translator starts a language (`docs.py new-language ko`): 0 % translated, not offered.

Both are made in one copy (a clinic meets them together), and there the suite runs again
(PAINPUMP_ROOT points it there): every test that reads the project's pages, minus the
browser tests (they read the same catalogue, and would double the suite's time) and the
fixture cases (they read only tests/fixtures). Readers being served right in these states
(notices, English fallback, the threshold) is what those tests check on the copy's build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.scenario
TOP_LEVEL_LEFT_OUT = {".git", ".venv", "node_modules", "site", "screenshots", ".pytest_cache", ".ruff_cache", ".hypothesis"}
SUITE = ["-m", "not browser and not scenario and not fixture_cases", "-n", "0", "-p", "no:cacheprovider", "-q"]


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


def test_an_english_edit_and_a_new_language_land_before_the_translators_catch_up(tmp_path):
    """Both states at once, as a clinic meets them (and one run of the suite, not two)."""
    root = whole_copy(tmp_path / "project")
    page = root / "docs" / "en" / "after.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n## Your follow-up visits {#follow-up-visits}\n\nBring your questions to each visit.\n",
        encoding="utf-8",
    )
    assert run(root, "scripts/docs.py", "snapshot").returncode == 0
    update = run(root, "scripts/urls.py", "update")
    assert update.returncode == 0, update.stderr
    assert "added /after/#follow-up-visits" in update.stdout
    assert "/es/after/#follow-up-visits" not in update.stdout, "a translation's addresses wait for its translation"
    started = run(root, "scripts/docs.py", "new-language", "ko", "--name", "한국어")
    assert started.returncode == 0, started.stderr
    result = suite(root)
    assert "translations behind the English pages" in result.stdout and "outdated" in result.stdout
    assert "ko:" in result.stdout and "not offered to readers" in result.stdout
