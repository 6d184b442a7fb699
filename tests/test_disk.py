"""A full or read-only disk is reported as the disk, never as a page problem: `docs.py`
names the file it could not write and what to do ("free space", "check permissions"),
not "run `docs.py check`" (which would find nothing wrong). The disk is made to fail by
patching the write itself (sitekit/disk.py phrases the message)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import REPO, load_module
from sitekit import disk, exchange, model
from sitekit.gate import project_catalogue

DOCS = load_module(REPO / "scripts" / "docs.py")
FAILURES = {
    errno.ENOSPC: "disk is full — free space",
    errno.EROFS: "read-only — check permissions",
    errno.EACCES: "permission denied — check permissions",
}


def failing(code: int):
    def write(self: Path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self))

    return write


def edit_english_page(root: Path) -> None:
    """An English edit, so that `snapshot` has a version to record (a file to write)."""
    catalogue = project_catalogue(root)
    page = model.page_file(catalogue.default.code, catalogue.pages[0], root)
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")


@pytest.mark.parametrize("code", sorted(FAILURES))
def test_snapshot_on_a_failing_disk_names_the_file_and_the_disk(project_copy, monkeypatch, capsys, code):
    edit_english_page(project_copy.root)
    monkeypatch.setattr(Path, "write_text", failing(code))
    assert DOCS.main(["--root", str(project_copy.root), "snapshot"]) == 1
    err = capsys.readouterr().err
    assert FAILURES[code] in err, err
    assert "cannot write" in err or "cannot read or write" in err, err
    assert str(project_copy.root / "l10n" / "history") in err, "the file that could not be written is named"
    assert "docs.py check" not in err, "the page is not to blame"


def test_a_missing_file_is_still_a_problem_for_check(project_copy, monkeypatch, capsys):
    """The failing case of the disk rule: an error that is not the disk's (a file gone) still
    sends the reader to `docs.py check`, so the rule above tells the two apart."""
    edit_english_page(project_copy.root)
    monkeypatch.setattr(Path, "write_text", failing(errno.ENOENT))
    assert DOCS.main(["--root", str(project_copy.root), "snapshot"]) == 1
    err = capsys.readouterr().err
    assert "docs.py check" in err and "free space" not in err, err


def test_an_import_on_a_full_disk_changes_nothing_and_says_why(project_copy, monkeypatch, capsys, tmp_path):
    root = project_copy.root
    lang = project_catalogue(root).languages[1].code
    assert DOCS.main(["--root", str(root), "export", lang, "--out", str(tmp_path / "out")]) == 0
    exported = sorted((tmp_path / "out" / lang).glob("*.xlf"))
    assert exported
    before = {path: path.read_bytes() for path in (root / "docs").rglob("*.md")}

    def full(files):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(next(iter(files), root)))

    monkeypatch.setattr(exchange, "write_files", full)
    capsys.readouterr()
    status = DOCS.main(["--root", str(root), "import", *map(str, exported)])
    err = capsys.readouterr().err
    assert status == 1, err
    assert "the disk is full — free space" in err and "nothing was changed" in err, err
    assert before == {path: path.read_bytes() for path in (root / "docs").rglob("*.md")}


def test_the_message_names_cause_and_fix_for_each_failure():
    for code, words in FAILURES.items():
        message = disk.write_problem(OSError(code, os.strerror(code), "/site/trial/index.html"))
        assert message.startswith("cannot write /site/trial/index.html: "), message
        assert words in message, message
    assert not disk.is_disk_problem(OSError(errno.ENOENT, "gone"))
    assert not disk.is_disk_problem(ValueError("not an OSError"))


def test_a_build_that_fails_on_the_disk_names_the_disk_not_the_page():
    """What the build logs when it fails (the build step's on_build_error): the disk, found
    through the chain of exceptions; nothing for a failure that is not the disk's."""
    try:
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/src/bundle.js", None, "/site/assets/bundle.js")
        except OSError as err:
            raise RuntimeError("Error building page 'trial.md'") from err
    except RuntimeError as failed:
        problem = disk.build_problem(failed)
    assert (
        problem
        == "cannot write /site/assets/bundle.js: the disk is full — free space on the disk; nothing is wrong with the pages: build again then"
    )
    assert disk.build_problem(RuntimeError("a template error")) is None
    assert disk.build_problem(FileNotFoundError(errno.ENOENT, "gone", "/docs/en/trial.md")) is None
