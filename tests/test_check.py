"""`scripts/docs.py check`: one fixture per bad input a translator can submit, each
proving the exact message (file, line, what is wrong, how to fix) and the exit status;
and the check never crashes, whatever it is fed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run_docs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import model, translation

CASES = FIXTURES / "check"
SCENARIOS = sorted(p.name for p in CASES.iterdir() if p.is_dir() and p.name != "base")


@pytest.fixture
def checked_project(project_copy):
    project_copy.overlay("check/base")
    return project_copy.root


def submitted_file(root: Path, scenario: str) -> Path:
    """Put the scenario's page where a translator would submit it."""
    case = CASES / scenario
    if (case / "docs").exists():
        shutil.copytree(case / "docs", root / "docs", dirs_exist_ok=True)
        return next(root.joinpath("docs", p.relative_to(case / "docs")) for p in (case / "docs").rglob("*.md"))
    target = root / "docs" / "es" / "trial.md"
    shutil.copy(case / "trial.md", target)
    return target


def test_the_base_translation_passes(checked_project):
    result = run_docs(checked_project, "check", "docs/es/trial.md")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "1 files checked: 0 errors, 0 warnings."


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_bad_input_gets_its_exact_message(checked_project, scenario):
    path = submitted_file(checked_project, scenario)
    before = path.read_bytes()
    result = run_docs(checked_project, "check", str(path))
    expected = (CASES / scenario / "expected.txt").read_text(encoding="utf-8")
    assert result.stderr == expected
    assert "Traceback" not in result.stderr
    has_errors = " 0 errors" not in expected.splitlines()[-1]
    assert result.returncode == (1 if has_errors else 0)
    assert path.read_bytes() == before, "a check must leave the file untouched"


def test_every_real_page_passes_the_check():
    result = run_docs(REPO, "check")
    assert result.returncode == 0, result.stderr
    assert " 0 warnings." in result.stderr, result.stderr


def test_unsafe_html_in_a_page_stops_the_build(project_copy):
    project_copy.overlay("check/base")
    shutil.copy(CASES / "script_tag" / "trial.md", project_copy.root / "docs" / "es" / "trial.md")
    build = project_copy.build()
    assert build.returncode != 0
    assert "docs/es/trial.md:12: a <script> tag is not allowed" in build.output
    assert "<script>alert(1)</script>" not in (build.site / "es" / "trial" / "index.html").read_text(encoding="utf-8")


def test_usage_errors_exit_2():
    assert run_docs(REPO, "check", "docs/no-such-file.md").returncode == 2
    assert run_docs(REPO, "status", "--lang", "xx").returncode == 2
    assert run_docs(REPO, "frobnicate").returncode == 2


front_matter_values = st.one_of(st.text(max_size=30), st.integers(), st.dates(), st.none(), st.lists(st.text(max_size=5), max_size=3))
markdown_lines = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["# Title {#trial-phase}", "## Pasos {#trial-steps}", "- item 3", "1. uno", "[x](trial.md#nope)", "<b onclick=x>", "```", "---"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    meta=st.dictionaries(
        st.sampled_from(["title", "description", "last_reviewed", "next_review", "source_hash", "translation_review", "x"]),
        front_matter_values,
    ),
    body=st.lists(markdown_lines, max_size=12),
    raw=st.binary(max_size=40),
)
def test_check_never_crashes_on_random_pages(tmp_path, meta, body, raw):
    import yaml

    page = REPO / "docs" / "es" / "trial.md"
    root = tmp_path / "fuzz"
    if not root.exists():
        root.mkdir()
        for part in ("mkdocs.yml", "docs", "l10n"):
            (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, root / part)
    target = root / "docs" / page.parent.name / page.name
    target.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    target.write_bytes(f"---\n{front}---\n".encode() + "\n".join(body).encode("utf-8", "surrogatepass") + raw)
    problems = translation.check_files([target], root)
    assert all(isinstance(p, model.Problem) and p.line >= 1 for p in problems)


def test_every_english_version_is_recorded_for_diff():
    missing = [
        name
        for name in model.page_names()
        if not translation.snapshot_path(name, model.source_hash(model.read_page(model.page_file("en", name))), REPO).exists()
    ]
    assert not missing, f"English pages changed without a recorded version: {missing} — run `python scripts/docs.py snapshot`"


def test_diff_shows_what_changed_since_the_translated_version(checked_project):
    shutil.copy(CASES / "stale_source_hash" / "trial.md", checked_project / "docs" / "es" / "trial.md")
    result = run_docs(checked_project, "diff", "es", "trial.md")
    assert result.returncode == 1
    assert "-An older version." in result.stdout
    assert "+The trial phase generally takes place over a few days to a week." in result.stdout
    assert "set source_hash: 0f5c3e110761" in result.stdout
