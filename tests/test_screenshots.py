"""scripts/screenshots.py: a PNG per page and language at phone width, for reviewers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO, load_module
from PIL import Image, ImageChops
from sitekit import browser, model
from sitekit.gate import project_catalogue

SCRIPT = REPO / "scripts" / "screenshots.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=REPO)


@pytest.mark.browser
def test_writes_a_full_page_phone_screenshot(built_site, tmp_path):
    result = run("--site", str(built_site.site), "--out", str(tmp_path), "--lang", "es", "--page", "trial")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png")] == ["es/trial.png"]
    with Image.open(tmp_path / "es" / "trial.png") as image:
        width, height = image.size
        colours = image.convert("L").getextrema()
    assert width == browser.PHONE["width"]
    assert height > browser.PHONE["height"]  # the full page, not just the first screen
    assert colours[0] < 100 < colours[1], colours  # not a blank picture
    assert "phone  es        trial.md  es/trial.png" in result.stdout
    assert "1 screenshot(s), phone, in" in result.stdout


@pytest.mark.browser
def test_writes_print_sheets_and_large_text_views_and_a_contact_sheet(built_site, tmp_path):
    result = run(
        "--site",
        str(built_site.site),
        "--out",
        str(tmp_path),
        "--lang",
        "ar",
        "--page",
        "contact",
        "--view",
        "print",
        "--view",
        "text200",
        "--sheet",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sheets = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "print").rglob("*.png"))
    assert sheets and all(name.startswith("print/ar/contact-") for name in sheets), sheets
    with Image.open(tmp_path / "print" / "ar" / sheets[0].split("/")[-1]) as sheet:
        assert 0.69 < sheet.width / sheet.height < 0.72  # A4
    with Image.open(tmp_path / "text200" / "ar" / "contact.png") as large:
        assert large.width == browser.PHONE["width"]  # large text, and still no sideways scrolling
    assert (tmp_path / "sheet-print.png").exists() and (tmp_path / "sheet-text200.png").exists()


@pytest.mark.browser
def test_a_page_that_does_not_load_fails_the_run(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>only a home page</title>", encoding="utf-8")
    result = run("--site", str(site), "--out", str(tmp_path / "out"), "--lang", "es", "--page", "trial")
    assert result.returncode == 1
    assert "HTTP 404" in result.stdout
    assert not list((tmp_path / "out").rglob("*.png"))


def test_usage_errors_exit_2_with_a_clear_message(tmp_path, capsys):
    screenshots = load_module(SCRIPT)
    codes = ", ".join(lang.code for lang in model.languages())
    built = tmp_path / "built"
    built.mkdir()
    (built / "index.html").write_text("<!doctype html><title>a build</title>", encoding="utf-8")
    for args, message in [
        (["--lang", "xx"], f"unknown language xx: the site has {codes}"),
        (["--page", "nosuch"], "no page 'nosuch': pages are"),
        (["--site", str(tmp_path)], "no index.html there"),
        (["--site", str(built), "--example-clinic"], "--example-clinic builds the site itself: leave out --site"),
        (["--update-references", "--lang", "es"], "--update-references renders its own set of pictures"),
    ]:
        assert screenshots.main(args) == 2, args
        assert message in capsys.readouterr().err


@pytest.mark.browser
def test_the_200_percent_view_shows_text_twice_the_size_of_the_phone_view(built_site, tmp_path):
    """The browser's text size at 200 % reaches the whole-page picture: the page computes
    twice the font size, and the same page is much taller and looks different."""
    result = run(
        "--site", str(built_site.site), "--out", str(tmp_path), "--lang", "en", "--page", "trial", "--view", "phone", "--view", "text200"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fonts = {}
    for line in result.stdout.splitlines():
        cells = line.split()
        if cells and cells[0] in ("phone", "text200"):
            fonts[cells[0]] = float(cells[-1])
    assert fonts["text200"] >= 1.9 * fonts["phone"], fonts
    with Image.open(tmp_path / "en" / "trial.png") as normal, Image.open(tmp_path / "text200" / "en" / "trial.png") as large:
        assert normal.width == large.width == browser.PHONE["width"]
        assert large.height > 1.5 * normal.height, (normal.size, large.size)
        top = (0, 0, browser.PHONE["width"], browser.PHONE["height"])
        first, enlarged = normal.convert("L").crop(top), large.convert("L").crop(top)
        histogram = ImageChops.difference(first, enlarged).histogram()
        differing = sum(histogram[33:])
        assert differing > 0.05 * browser.PHONE["width"] * browser.PHONE["height"], "the first screens look alike"


@pytest.mark.browser
def test_writes_one_contact_sheet_per_handout(built_site, tmp_path):
    """--handouts: every handout of the build (HANDOUTS=1) as one picture of all its sheets."""
    from sitekit import handout

    catalogue = project_catalogue()
    result = run("--site", str(built_site.site), "--out", str(tmp_path), "--handouts")
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.name for p in (tmp_path / "handouts").glob("sheet-*.png"))
    assert written == sorted(f"sheet-{'-'.join(h.codes)}.png" for h in handout.handouts(catalogue))
    with Image.open(tmp_path / "handouts" / written[0]) as sheet:
        assert sheet.width > sheet.height / 2  # several sheets side by side


def test_handouts_of_a_build_without_them_fail_the_run(tmp_path, capsys):
    screenshots = load_module(SCRIPT)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>a build</title>", encoding="utf-8")
    assert screenshots.main(["--site", str(site), "--out", str(tmp_path / "out"), "--handouts"]) == 1
    assert "the build has no handouts (build with HANDOUTS=1)" in capsys.readouterr().err
