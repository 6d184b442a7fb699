"""The after-build steps share one view of the written site (sitekit/site_files.py, issue 28):
each built file is read from disk at most once by all of them together, every change is
written through (disk, listing and content together), and the listing stays the folder's.
The real build is watched at the level of `open`, so a step that reads a built file behind
the shared view's back is caught too."""

from __future__ import annotations

import builtins
import io
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO
from sitekit import css
from sitekit.build.state import Build
from sitekit.site_files import SiteFiles


@contextmanager
def disk_reads(site: Path) -> Iterator[Counter[str]]:
    """How many times each file under `site` is opened for reading (by its path in the site)."""
    counted: Counter[str] = Counter()
    real = builtins.open
    root = os.path.abspath(site) + os.sep

    def counting(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and not set(mode) & set("wax+"):
            path = os.path.abspath(os.fspath(file))
            if path.startswith(root):
                counted[Path(path[len(root) :]).as_posix()] += 1
        return real(file, mode, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", counting)
        patch.setattr(io, "open", counting)
        yield counted


def read_again(counted: Counter[str]) -> list[str]:
    return sorted(rel for rel, times in counted.items() if times > 1)


def disk_files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file() and not path.is_symlink()}


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    for rel, text in {"index.html": "<p>home", "es/index.html": "<p>inicio", "es-x/a.html": "x", "assets/site.css": "p{}"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_files_are_listed_in_the_order_sorted_paths_give(site):
    files = SiteFiles(site)
    assert files.files() == [path.relative_to(site).as_posix() for path in sorted(site.rglob("*")) if path.is_file()]
    assert files.files(".html") == [path.relative_to(site).as_posix() for path in sorted(site.rglob("*.html"))]


def test_each_file_is_read_from_disk_once_whoever_asks(site):
    files = SiteFiles(site)
    with disk_reads(site) as counted:
        for _ in range(3):
            assert files.read_text("es/index.html") == "<p>inicio"
            assert files.read_bytes("es/index.html") == b"<p>inicio"
    assert counted == Counter({"es/index.html": 1}) and files.reads == counted


def test_a_read_behind_the_shared_views_back_is_counted(site):
    files = SiteFiles(site)
    with disk_reads(site) as counted:
        files.read_text("index.html")
        (site / "index.html").read_text(encoding="utf-8")  # a step reading the disk itself
    assert read_again(counted) == ["index.html"]


def test_a_write_goes_to_disk_and_later_readers_get_it_without_reading(site):
    files = SiteFiles(site)
    files.read_text("index.html")
    with disk_reads(site) as counted:
        files.write_text("index.html", "<p>new")
        files.write_bytes("zh/search/search_index.json", b"{}")
        assert files.read_text("index.html") == "<p>new"
        assert files.read_text("zh/search/search_index.json") == "{}"
    assert counted == Counter()
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>new"
    assert set(files.files()) == disk_files(site)


def test_a_removed_file_leaves_the_disk_and_the_listing(site):
    files = SiteFiles(site)
    files.read_text("es/index.html")
    files.remove("es/index.html")
    files.remove("never-there.html")  # nothing to remove: nothing happens
    assert not (site / "es" / "index.html").exists()
    assert "es/index.html" not in files and set(files.files()) == disk_files(site)
    with pytest.raises(FileNotFoundError, match="not a file of the built site"):
        files.read_text("es/index.html")


def test_links_are_listed_apart_never_read_and_replaced_on_write(site, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("secret", encoding="utf-8")
    (site / "leak.html").symlink_to(secret)
    (site / "linked").symlink_to(site / "es", target_is_directory=True)
    files = SiteFiles(site)
    assert files.links == {"leak.html", "linked"}
    assert "leak.html" not in files and not any(rel.startswith("linked/") for rel in files.files())
    with pytest.raises(FileNotFoundError):
        files.read_text("leak.html")
    files.write_text("leak.html", "own")
    assert secret.read_text(encoding="utf-8") == "secret" and not (site / "leak.html").is_symlink()
    files.remove("linked")
    assert files.links == set() and (site / "es" / "index.html").is_file()


def test_a_file_another_process_wrote_is_noted_and_read_afresh(site):
    files = SiteFiles(site)
    files.read_text("index.html")
    (site / "index.html").write_text("<p>changed", encoding="utf-8")
    (site / "guide.pdf").write_bytes(b"%PDF")
    files.noted("index.html")
    files.noted("guide.pdf")
    assert files.read_text("index.html") == "<p>changed" and "guide.pdf" in files


def test_the_real_build_reads_each_written_file_once_after_listing_it(tmp_path, monkeypatch):
    """The real strict build, in this process: from the moment the written site is listed
    (written.on_post_build) to the end, no built file is opened for reading twice, and the
    shared listing is the folder's at the end."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path / "site"
    listed = Build.list_site
    with disk_reads(site) as counted:

        def list_site(self, config):
            counted.clear()  # reads before this (MkDocs and the per-language steps) are not the after-build steps'
            return listed(self, config)

        monkeypatch.setattr(Build, "list_site", list_site)
        config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    shared = config.plugins["painpump"].build.site
    html = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    assert html and html <= counted.keys()  # every page was read (by the CSS purge), so the count saw the steps
    assert read_again(counted) == []
    assert set(shared.files()) == disk_files(site) and shared.links == set()
    assert shared.reads == counted
    # The failing case: a step handed the folder instead of the shared view reads every page again.
    with disk_reads(site) as again:
        view = SiteFiles(site)
        css.site_usage(view)
        css.site_usage(site)
    assert html <= set(read_again(again))
