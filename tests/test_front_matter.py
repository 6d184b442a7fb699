"""Front matter has one reader and one writer (issue 28): `model.parse_page` reads every page,
`model.format_page` writes every page's text, and each gives back what the other made.
No other code of scripts/ writes a page's '---' lines; tests/fixtures/front_matter_writer_elsewhere/
shows the check finds one that does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from sitekit import model

PAGES = [(lang.code, name) for lang in model.languages(REPO) for name in model.page_names(REPO)]


def fence_writers(folder: Path) -> list[str]:
    """Every text of the Python files under `folder` that starts a page's front matter
    ('---' and a line break), as 'path:line', but in the one writer's module."""
    found: dict[str, None] = {}
    for path in sorted(folder.rglob("*.py")):
        if path.parts[-3:] == ("sitekit", "model", "pages.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(("---\n", "---\r")):
                found[f"{path.relative_to(folder).as_posix()}:{node.lineno}"] = None
    return list(found)


@pytest.mark.parametrize(("lang", "name"), PAGES)
def test_a_page_written_from_its_reading_is_the_page(lang, name):
    path = model.page_file(lang, name, REPO)
    if not path.is_file():
        pytest.skip(f"{lang} has no {name}")
    text = model.read_text(path)
    page = model.parse_page(path, text)
    assert model.format_page(page.front_matter, page.body) == text
    assert model.parse_page(path, model.format_page(page.meta, page.body)).meta == page.meta  # the fields, written anew, read the same


def test_no_other_code_writes_front_matter():
    found = fence_writers(REPO / "scripts")
    assert not found, f"front matter written outside model.format_page: {', '.join(found)} — write the page with model.format_page"


def test_the_check_finds_a_front_matter_writer_elsewhere():
    assert fence_writers(FIXTURES / "front_matter_writer_elsewhere") == ["writer.py:9"]
