"""Visual regression (sitekit/visual.py): each language's home, trial and contact page at
phone width at 100 % and 200 % text, and each handout's cover, rendered from the
session's build and compared with the references in tests/visual/ within a tolerance.
A difference writes the new picture and a diff image, named in the message; after
looking at them, `scripts/screenshots.py --update-references` makes them the references."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sitekit import visual
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()


@pytest.fixture(scope="module")
def pictures(built_site, chromium):
    return visual.render(built_site.site, built_site.site_url, chromium, CATALOGUE)


@pytest.mark.browser
def test_the_chosen_pages_and_covers_look_as_their_references(pictures, tmp_path):
    expected = {
        f"{lang.code}-{name[:-3]}-{size}"
        for lang in CATALOGUE.languages
        for name in visual.chosen_pages(CATALOGUE)
        for size in visual.TEXT_SIZES
    }
    assert expected <= set(pictures)
    assert any(name.startswith("cover-") for name in pictures)
    assert visual.check(pictures, visual.REFERENCES, tmp_path / "visual") == []


def test_the_references_are_small():
    total = sum(path.stat().st_size for path in visual.REFERENCES.glob("*.png"))
    assert 0 < total < 3 * 1024 * 1024, f"{total / 1024:.0f} KiB in {visual.REFERENCES}"


@pytest.mark.browser
def test_the_200_percent_pictures_differ_from_the_100_percent_ones(pictures):
    for lang in CATALOGUE.languages:
        for name in visual.chosen_pages(CATALOGUE):
            found = visual.difference(name, pictures[f"{lang.code}-{name[:-3]}-100"], pictures[f"{lang.code}-{name[:-3]}-200"])
            assert found.ratio > 10 * visual.TOLERANCE, (lang.code, name)


def test_a_changed_picture_is_caught_with_its_diff_image_named(tmp_path):
    """The failing case: a reference with a block painted over (a moved or missing part of
    the page) differs; the message names the diff image and the new picture, both written."""
    references = tmp_path / "references"
    references.mkdir()
    source = sorted(visual.REFERENCES.glob("*.png"))[0]
    with Image.open(source) as image:
        reference = image.convert("RGB")
    reference.save(references / source.name)
    changed = reference.copy()
    ImageDraw.Draw(changed).rectangle((0, 0, changed.width // 3, changed.height // 8), fill=(200, 30, 30))
    artifacts = tmp_path / "artifacts"
    assert visual.check({source.stem: reference.copy()}, references, artifacts) == []
    problems = visual.check({source.stem: changed}, references, artifacts)
    assert len(problems) == 1 and f"{artifacts / source.stem}-diff.png" in problems[0], problems
    assert (artifacts / f"{source.stem}-diff.png").is_file() and (artifacts / f"{source.stem}.png").is_file()
    assert "scripts/screenshots.py --update-references" in problems[0]
    # a picture no longer made, and a new one without a reference, are named too
    assert "no such picture is made any more" in visual.check({}, references, artifacts)[0]
    assert "no reference" in visual.check({"new-picture": reference}, tmp_path / "empty", artifacts)[0]


def test_a_small_rendering_difference_passes(tmp_path):
    """Within the tolerance: a few pixels off (font rendering) is not a difference."""
    source = sorted(visual.REFERENCES.glob("*.png"))[0]
    with Image.open(source) as image:
        reference = image.convert("RGB")
    nudged = reference.copy()
    ImageDraw.Draw(nudged).point([(x, 0) for x in range(5)], fill=(255, 0, 255))
    assert visual.difference("x", reference, nudged).ratio <= visual.TOLERANCE
    assert Path(source).stat().st_size > 0
