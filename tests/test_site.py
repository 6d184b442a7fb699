"""The English site: strict build, the whole source text, links, metadata, review dates,
clinic details and the production build's refusal of placeholders."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO
from sitekit import clinic, gate, model, sitecheck
from sitekit.gate import project_catalogue

# Lines of the clinic's source that are headings (reworded into page titles and section
# headings on the site) or the logo marker; every other sentence must appear verbatim.
SOURCE_HEADINGS = {
    "logo",
    "Pain Pump Implantation",
    "What Conditions Can a Pain Pump Help With?",
    "Procedure Overview",
    "The Trial Phase",
    "Steps of the Trial Procedure:",
    "Permanent Implantation",
    "Steps of Permanent Implantation:",
    "Pre-Requisites for Pain Pump Implantation",
    "Post-Procedure Information",
    "When Can I Go Home?",
    "After the Procedure",
    "Final thoughts",
}


def source_sentences() -> list[str]:
    text = (REPO / "source" / "pain-pump-implantation.txt").read_text(encoding="utf-8")
    return [s for s in sitecheck.split_sentences(text) if s not in SOURCE_HEADINGS]


# --- the build -----------------------------------------------------------------


# What the notices of Material ("end of life", "MkDocs 2.0") and of mkdocs-redirects'
# ProperDocs ("switch to ProperDocs") print, boxed or not: none belongs in a build's output.
BANNER_MARKERS = ("│", "end of life", "MkDocs 2.0", "ProperDocs", "Zensical", "MKDOCS_2_WARNING")


def test_strict_build_passes_with_clean_output(built_site):
    assert "WARNING" not in built_site.output
    assert "ERROR" not in built_site.output
    assert [marker for marker in BANNER_MARKERS if marker in built_site.output] == []


@pytest.mark.injected_fault  # a broken link it adds
def test_a_real_warning_still_fails_the_strict_build(project_copy):
    """No banner is silenced by hiding output: a link to a missing page still stops the build, named."""
    page = project_copy.root / "docs" / "en" / "trial.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the old page](no-such-page.md).\n", encoding="utf-8")
    build = project_copy.build(languages=["en"])  # the warning is the English page's
    assert build.returncode != 0
    assert re.search(
        r"WARNING +- +Doc file 'en/trial.md' contains a link 'no-such-page.md', but the target 'en/no-such-page.md' is not found",
        build.output,
    )
    assert re.search(r"Aborted with (\d+ errors, )?1 warnings in strict mode!", build.output)  # the gate reports the link too
    assert [marker for marker in BANNER_MARKERS if marker in build.output] == []


@pytest.mark.injected_fault  # the wrong command
@pytest.mark.parametrize("command", ["build", "serve"])
def test_the_mkdocs_command_stops_at_once_naming_the_command_to_use(project_copy, tmp_path, command):
    """Under `mkdocs` (MkDocs 1.6.1, installed for the plugins) the site came out without its
    English pages and the strict build passed: it must stop, name properdocs and write nothing."""
    site = tmp_path / "site"
    args = ["build", "--strict", "-d", str(site)] if command == "build" else ["serve", "--strict", "-a", "127.0.0.1:0"]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), *args, "-f", str(project_copy.root / "mkdocs.yml")],
        cwd=project_copy.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SITE_URL": "http://127.0.0.1:8000/"},
    )
    assert result.returncode != 0
    assert "run `.venv/bin/properdocs build`" in result.stderr and "Traceback" not in result.stderr
    assert not site.exists()


def test_mkdocs_yml_keeps_the_agreed_settings():
    config = model.load_mkdocs_config()
    assert config["strict"] is True
    assert config["site_url"].startswith("https://")
    assert config["theme"]["font"] is False
    assert "navigation.instant" not in config["theme"].get("features", [])
    for group, keys in {"nav": ["omitted_files", "not_found"], "links": ["not_found", "anchors", "unrecognized_links"]}.items():
        for key in keys:
            assert config["validation"][group][key] == "warn", f"validation.{group}.{key}"


def test_source_copy_matches_the_clinics_source():
    shared = REPO.parent / "shared" / "source" / "pain-pump-implantation.txt"
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == (REPO / "source" / "pain-pump-implantation.txt").read_text(encoding="utf-8")


# --- content -------------------------------------------------------------------


def test_every_sentence_of_the_source_is_on_the_english_site(built_site):
    sentences = source_sentences()
    assert len(sentences) > 40
    assert sitecheck.missing_sentences(sentences, built_site.site) == []


def test_a_missing_sentence_is_caught(built_site):
    absent = "Pain pumps are powered by sunlight."
    assert sitecheck.missing_sentences([*source_sentences()[:3], absent], built_site.site) == [absent]


def test_every_english_heading_has_an_explicit_id():
    reader = gate.Gate.for_project(REPO)
    for name in model.page_names():
        page = model.read_page(model.page_file("en", name))
        for heading in reader.read(page).headings:
            assert heading.id, f"docs/en/{name}:{heading.line}: heading '{heading.text}' has no {{#id}}"


def test_a_heading_without_id_is_caught_in_any_syntax():
    found = gate.Gate.for_project(REPO).renderer.read("# Title {#title}\n\ntext\n\n## Steps\n\nSetext\n------\n", 7)
    assert [(h.line, h.id) for h in found.headings] == [(7, "title"), (11, None), (13, None)]


# --- links and metadata ----------------------------------------------------------


def test_internal_links_and_anchors_resolve(built_site):
    assert sitecheck.broken_links(built_site.site) == []


def test_a_broken_link_and_anchor_are_caught():
    assert sitecheck.broken_links(FIXTURES / "html_broken_link") == [
        "index.html: link to 'missing-page/' points at a missing file",
        "index.html: link to 'guide/#no-such-section' points at a missing anchor '#no-such-section'",
    ]


def test_every_page_has_title_description_lang_and_review_dates(built_site):
    assert sitecheck.metadata_problems(built_site.site, built_site.site_url, project_catalogue()) == []


def test_missing_metadata_is_caught():
    assert sitecheck.metadata_problems(FIXTURES / "html_missing_metadata", "https://painpump.example.org/", project_catalogue()) == [
        "index.html: no <title>",
        "index.html: no meta description",
        "index.html: <html> has no lang attribute",
        "index.html: no review dates (last reviewed, next review due)",
        "index.html: no canonical link",
        "index.html: no hreflang 'x-default' link (the English page, for readers of any other language)",
        "index.html: no hreflang link for en, es, zh, vi, ar, though the page is translated into each",
        'index.html: no <meta property="og:type">',
        'index.html: no <meta property="og:site_name">',
        'index.html: no <meta property="og:title">',
        'index.html: no <meta property="og:description">',
        'index.html: no <meta property="og:url">',
        'index.html: no <meta property="og:locale">',
        "index.html: og:locale:alternate is [], expected [ar_EG, es_US, vi_VN, zh_CN] (the page's other languages)",
    ]


def test_no_request_leaves_the_site(built_site):
    assert sitecheck.external_requests(built_site.site) == []


def test_an_external_font_script_and_image_are_caught():
    assert sitecheck.external_requests(FIXTURES / "html_external_request") == [
        "index.html: <link> loads https://fonts.googleapis.com/css?family=Roboto",
        "index.html: <script> loads //cdn.example.com/analytics.js",
        "index.html: <img> loads https://images.example.com/pump.png",
    ]


# --- front matter in the build ---------------------------------------------------


def test_review_dates_are_shown_in_the_pages_language(built_site):
    """Every English page shows its own front matter's dates, in English's long form."""
    from babel.dates import format_date

    for name in model.page_names():
        meta = model.read_page(model.page_file("en", name)).meta
        html = (built_site.site / model.page_url(name) / "index.html").read_text(encoding="utf-8")
        strings = model.ui_strings("en")
        for label, key in ((strings["page_last_reviewed"], "last_reviewed"), (strings["next_review_due"], "next_review")):
            date = model.review_date(meta, key)
            assert f'{label}: <time datetime="{date.isoformat()}">{format_date(date, format="long", locale="en")}</time>' in html, name


@pytest.mark.injected_fault  # the fixture's bad date
def test_a_bad_date_stops_the_build_naming_file_line_and_fix(project_copy):
    project_copy.overlay("build_bad_date")
    build = project_copy.build(languages=["en"])  # the fault is in an English page
    assert build.returncode != 0
    assert "docs/en/trial.md:5: 'next_review' is not a date ('2027-13-45') — write it as YYYY-MM-DD" in build.output
    assert "Traceback" not in build.output


@pytest.mark.injected_fault  # the fixture's page without a description
def test_a_missing_description_stops_the_build(project_copy):
    project_copy.overlay("build_missing_description")
    build = project_copy.build(languages=["en"])  # the fault is in an English page
    assert build.returncode != 0
    assert "docs/en/trial.md:1: front matter field 'description' is missing — add 'description: …'" in build.output


@pytest.mark.injected_fault  # review dates it sets a year in the past
def test_an_overdue_review_is_reported_without_failing_the_build(project_copy):
    """The clinic's review of the trial page (and its translations' copies of the dates)
    falls due a year ago: reported, never a failed build."""
    due = dt.date.today() - dt.timedelta(days=365)
    last = due - dt.timedelta(days=365)
    for lang in model.languages(project_copy.root):
        page = model.page_file(lang.code, "trial.md", project_copy.root)
        if page.exists():
            text = re.sub(r"^last_reviewed: .*$", f"last_reviewed: {last.isoformat()}", page.read_text(encoding="utf-8"), flags=re.M)
            page.write_text(re.sub(r"^next_review: .*$", f"next_review: {due.isoformat()}", text, flags=re.M), encoding="utf-8")
    build = project_copy.build()
    assert build.returncode == 0, build.output
    assert f"Review overdue: en/trial.md was due for review on {due.isoformat()}" in build.output


def test_the_build_reports_exactly_the_overdue_reviews(built_site):
    """Whatever today's date: each English page past its next_review is reported, and only those."""
    today = dt.date.today()
    for name in model.page_names():
        due = model.review_date(model.read_page(model.page_file("en", name)).meta, "next_review")
        assert (f"Review overdue: en/{name} was due" in built_site.output) == (due < today), name


# --- clinic details ----------------------------------------------------------------


def test_clinic_details_are_shown_and_placeholders_marked_on_contact_page_and_footer(built_site):
    """Whatever mkdocs.yml holds today: the phone on the contact page and in the footer, marked
    as a placeholder exactly when it still is one."""
    phone = str(model.load_mkdocs_config()["extra"]["clinic"]["phone"])
    html = (built_site.site / "contact" / "index.html").read_text(encoding="utf-8")
    for part in html.split("<footer", 1):
        marked = '<mark class="pp-placeholder"' in part
        assert marked == model.is_placeholder(phone)
        assert phone in part or re.sub(r"\D", "", phone) in re.sub(r"\D", "", part)


PLACEHOLDER_CLINIC = {
    **{key: f"PLACEHOLDER: {key}" for key in ("name", "phone", "address", "urgent_phone")},
    **{key: {"en": f"PLACEHOLDER: {key}"} for key in ("hours", "urgent")},
    "logo": "assets/clinic-logo-PLACEHOLDER.svg",
}


@pytest.mark.injected_fault  # placeholders it writes into every clinic detail
def test_production_build_refuses_placeholders_naming_each(project_copy):
    config = project_copy.root / "mkdocs.yml"
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8"), PLACEHOLDER_CLINIC), encoding="utf-8")
    build = project_copy.build(env={"PRODUCTION": "1"})
    assert build.returncode != 0
    assert "Production build refused" in build.output
    for key in ("name", "phone", "address", "hours.en", "urgent.en", "urgent_phone", "logo"):
        assert f"extra.clinic.{key}:" in build.output
    assert "Traceback" not in build.output


def test_production_build_passes_once_the_clinic_is_filled_in(project_copy):
    config = project_copy.root / "mkdocs.yml"
    # The urgent-help text in every language (a production build refuses a published language's in English only).
    urgent = {lang.code: f"Example urgent help ({lang.code})" for lang in model.languages(project_copy.root)}
    config.write_text(clinic.with_example(config.read_text(encoding="utf-8"), {**clinic.EXAMPLE, "urgent": urgent}), encoding="utf-8")
    # English only: the refusals read every language's details from the catalogue, whatever is
    # built; a production build makes every built language's handout (the slow part), and
    # built_site makes them all (HANDOUTS=1).
    build = project_copy.build(env={"PRODUCTION": "1"}, languages=["en"])
    assert build.returncode == 0, build.output
    html = (build.site / "contact" / "index.html").read_text(encoding="utf-8")
    assert clinic.EXAMPLE["address"] in " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert "pp-placeholder" not in html
