"""Visual regression: reference pictures of a chosen set, kept in tests/visual/, and the
same pictures rendered from a build, compared with a tolerance.

The set: each language's home, trial and contact page, the phone's first screen (390 ×
844 px, Debian's Chromium and Noto fonts, reduced motion, animations stopped, no caret)
at 100 % and at 200 % text (Chromium's font sizes doubled, as `scripts/screenshots.py`'s
text200 view), kept at half size; and each handout's cover, rendered by `pdftoppm` at
COVER_DPI, its QR code blanked (it holds the build's address, which changes with the
local server's port). Each picture is a small optimised PNG.

A picture differs when more than TOLERANCE of its pixels differ by more than
PIXEL_THRESHOLD (of 255) in a colour channel: font rendering's small differences pass, a
moved block, a changed word or colour does not. A difference writes the new picture and
a diff image (differing pixels in red over the reference, faded) into a folder the
message names. After a person has looked at the new pictures,
`scripts/screenshots.py --update-references` writes them as the references.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw

from sitekit import browser, handout, model

REFERENCES = model.REPO / "tests" / "visual"
PAGES = ("index.md", "trial.md", "contact.md")  # home, trial, contact: the chosen set
TEXT_SIZES = {"100": None, "200": {"standard": 32, "fixed": 26}}  # Chromium's default font sizes, doubled
SCALE = 2  # screenshots are kept at half size
COVER_DPI = 24
TOLERANCE = 0.005  # share of a picture's pixels that may differ
PIXEL_THRESHOLD = 40  # how far (of 255) a channel may be off before the pixel counts as different


@dataclass
class Difference:
    name: str
    ratio: float  # share of the pixels that differ (1.0: the sizes differ)
    diff: Image.Image | None = None


def chosen_pages(catalogue: model.Catalogue) -> list[str]:
    return [name for name in PAGES if name in catalogue.pages]


def page_shots(chromium: Any, origin: str, catalogue: model.Catalogue) -> dict[str, Image.Image]:
    """'es-trial-200' -> the first screen of es/trial/ at 200 % text, half size."""
    shots: dict[str, Image.Image] = {}
    for lang in catalogue.languages:
        for size, fonts in TEXT_SIZES.items():
            context = chromium.new_context(viewport=browser.PHONE, locale=lang.code, reduced_motion="reduce", device_scale_factor=1)
            try:
                page = context.new_page()
                if fonts:
                    context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": fonts})
                for name in chosen_pages(catalogue):
                    page.goto(origin + catalogue.url(lang.code, name), wait_until="load")
                    page.evaluate("document.fonts.ready.then(() => true)")
                    png = page.screenshot(animations="disabled", caret="hide")
                    image = Image.open(io.BytesIO(png)).convert("RGB")
                    shots[f"{lang.code}-{name[: -len('.md')]}-{size}"] = image.resize(
                        (image.width // SCALE, image.height // SCALE), Image.Resampling.LANCZOS
                    )
            finally:
                context.close()
    return shots


def cover_shots(site: Path, catalogue: model.Catalogue) -> dict[str, Image.Image]:
    """'cover-es-en' -> the first sheet of es/pain-pump-guide-es-en.pdf at COVER_DPI, its QR code blanked."""
    shots = {}
    with tempfile.TemporaryDirectory(prefix="covers-") as scratch:
        for made in handout.handouts(catalogue):
            pdf = site / made.path(catalogue)
            if not pdf.is_file():
                continue  # a build without handouts (HANDOUTS unset): no covers to compare
            stem = Path(scratch) / "-".join(made.codes)
            subprocess.run(["pdftoppm", "-r", str(COVER_DPI), "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf), str(stem)], check=True)
            with Image.open(stem.with_suffix(".png")) as image:
                shots[f"cover-{'-'.join(made.codes)}"] = blank_qr(pdf, image.convert("RGB"))
    return shots


def blank_qr(pdf: Path, image: Image.Image) -> Image.Image:
    """The cover with its QR code painted white: found in a sharper rendering of the sheet
    (zxing-cpp), its place scaled to `image`."""
    import zxingcpp

    dpi = 100
    with tempfile.TemporaryDirectory(prefix="qr-") as scratch:
        stem = Path(scratch) / "sharp"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-png", str(pdf), str(stem)], check=True)
        with Image.open(stem.with_suffix(".png")) as sharp:
            found = zxingcpp.read_barcodes(sharp)
    for code in found:
        points = [code.position.top_left, code.position.top_right, code.position.bottom_left, code.position.bottom_right]
        xs, ys = [p.x * COVER_DPI / dpi for p in points], [p.y * COVER_DPI / dpi for p in points]
        margin = 3  # px at COVER_DPI: the quiet zone's edge
        ImageDraw.Draw(image).rectangle((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin), fill="white")
    return image


def render(site: Path, origin: str, chromium: Any, catalogue: model.Catalogue) -> dict[str, Image.Image]:
    """Every picture of the set, from a build of the site served at `origin`."""
    return {**page_shots(chromium, origin, catalogue), **cover_shots(site, catalogue)}


def difference(name: str, reference: Image.Image, actual: Image.Image) -> Difference:
    """How much `actual` differs from `reference`, with a diff image (differing pixels red)."""
    if reference.size != actual.size:
        return Difference(name, 1.0, None)
    delta = ImageChops.difference(reference.convert("RGB"), actual.convert("RGB"))
    channels = [band.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0) for band in delta.split()]
    mask = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    differing = mask.histogram()[255]
    faded = Image.blend(reference.convert("RGB"), Image.new("RGB", reference.size, "white"), 0.7)
    faded.paste(Image.new("RGB", reference.size, (255, 0, 0)), mask=mask)
    return Difference(name, differing / (reference.width * reference.height), faded)


def check(actual: dict[str, Image.Image], references: Path, artifacts: Path) -> list[str]:
    """One line per picture that is new, missing or differs beyond TOLERANCE; for those,
    the new picture (and the diff image) written into `artifacts`."""
    problems = []
    update = "scripts/screenshots.py --update-references (after looking at the new pictures)"
    stored = {path.stem for path in references.glob("*.png")}
    for name in sorted(stored - set(actual)):
        problems.append(f"{references / name}.png: no such picture is made any more — {update}")
    for name, image in sorted(actual.items()):
        path = references / f"{name}.png"
        artifacts.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            image.save(artifacts / f"{name}.png")
            problems.append(f"{path}: no reference; the new picture is {artifacts / name}.png — {update}")
            continue
        with Image.open(path) as reference:
            found = difference(name, reference, image)
        if found.ratio <= TOLERANCE:
            continue
        image.save(artifacts / f"{name}.png")
        if found.diff is None:
            problems.append(f"{path}: the new picture has another size ({artifacts / name}.png) — {update}")
            continue
        found.diff.save(artifacts / f"{name}-diff.png")
        problems.append(
            f"{path}: {found.ratio:.2%} of the pixels differ (at most {TOLERANCE:.1%}); diff image {artifacts / name}-diff.png,"
            f" new picture {artifacts / name}.png — {update}"
        )
    return problems


def update(actual: dict[str, Image.Image], references: Path = REFERENCES) -> list[Path]:
    """Write the pictures as the references (optimised PNG); remove references no longer made."""
    references.mkdir(parents=True, exist_ok=True)
    for old in references.glob("*.png"):
        if old.stem not in actual:
            old.unlink()
    written = []
    for name, image in sorted(actual.items()):
        path = references / f"{name}.png"
        image.save(path, optimize=True)
        written.append(path)
    return written
