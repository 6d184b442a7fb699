"""The English site: strict build, the whole source text, links, metadata, review dates,
clinic details and the production build's refusal of placeholders."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO
from sitekit import gate, model, sitecheck

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


def test_a_real_warning_still_fails_the_strict_build(project_copy):
    """No banner is silenced by hiding output: a link to a missing page still stops the build, named."""
    page = project_copy.root / "docs" / "en" / "trial.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the old page](no-such-page.md).\n", encoding="utf-8")
    build = project_copy.build()
    assert build.returncode != 0
    assert re.search(
        r"WARNING +- +Doc file 'en/trial.md' contains a link 'no-such-page.md', but the target 'en/no-such-page.md' is not found",
        build.output,
    )
    assert re.search(r"Aborted with (\d+ errors, )?1 warnings in strict mode!", build.output)  # the gate reports the link too
    assert [marker for marker in BANNER_MARKERS if marker in build.output] == []


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
    assert sitecheck.metadata_problems(built_site.site, built_site.site_url, model.Catalogue.load()) == []


def test_missing_metadata_is_caught():
    assert sitecheck.metadata_problems(FIXTURES / "html_missing_metadata", "https://painpump.example.org/", model.Catalogue.load()) == [
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
    html = (built_site.site / "trial" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Medical content last reviewed by the clinic: <time datetime=\"2026-11-24\">November 24, 2026</time>", html)
    assert re.search(r"Next review of the medical content due: <time datetime=\"2027-11-24\">November 24, 2027</time>", html)


def test_a_bad_date_stops_the_build_naming_file_line_and_fix(project_copy):
    project_copy.overlay("build_bad_date")
    build = project_copy.build()
    assert build.returncode != 0
    assert "docs/en/trial.md:5: 'next_review' is not a date ('2027-13-45') — write it as YYYY-MM-DD" in build.output
    assert "Traceback" not in build.output


def test_a_missing_description_stops_the_build(project_copy):
    project_copy.overlay("build_missing_description")
    build = project_copy.build()
    assert build.returncode != 0
    assert "docs/en/trial.md:1: front matter field 'description' is missing — add 'description: …'" in build.output


def test_an_overdue_review_is_reported_without_failing_the_build(project_copy):
    project_copy.overlay("build_overdue_review")
    build = project_copy.build()
    assert build.returncode == 0, build.output
    assert "Review overdue: en/trial.md was due for review on 2020-01-10" in build.output


def test_the_real_site_has_no_overdue_message_when_reviews_are_current(built_site):
    assert "Review overdue" not in built_site.output


# --- clinic details ----------------------------------------------------------------


def test_clinic_placeholders_are_marked_on_contact_page_and_footer(built_site):
    html = (built_site.site / "contact" / "index.html").read_text(encoding="utf-8")
    article, footer = html.split("<footer", 1)
    for part in (article, footer):
        assert '<mark class="pp-placeholder"' in part
        assert "PLACEHOLDER: clinic phone number" in part


def test_production_build_refuses_placeholders_naming_each(project_copy):
    build = project_copy.build(env={"PRODUCTION": "1"})
    assert build.returncode != 0
    assert "Production build refused" in build.output
    for key in ("name", "phone", "address", "hours.en", "urgent.en", "urgent_phone", "logo"):
        assert f"extra.clinic.{key}:" in build.output
    assert "Traceback" not in build.output


def test_production_build_passes_once_the_clinic_is_filled_in(project_copy):
    config = project_copy.root / "mkdocs.yml"
    text = re.sub(r'"PLACEHOLDER: ([^"]+)"', r'"Example \1"', config.read_text(encoding="utf-8"))
    # The urgent-help text in every published language (a production build refuses English only).
    urgent = "".join(f'      {code}: "Example urgent help ({code})"\n' for code in ("es", "zh", "vi", "ar"))
    text = re.sub(r"(\n    urgent:\n      en: .*\n)", lambda m: m.group(1) + urgent, text, count=1)
    config.write_text(text.replace("clinic-logo-PLACEHOLDER.svg", "favicon.svg"), encoding="utf-8")
    build = project_copy.build(env={"PRODUCTION": "1"})
    assert build.returncode == 0, build.output
    html = (build.site / "contact" / "index.html").read_text(encoding="utf-8")
    assert "Example clinic phone number" in " ".join(BeautifulSoup(html, "html.parser").get_text().split())
    assert "pp-placeholder" not in html
