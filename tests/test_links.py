"""Links staff share never break: the published-URL contract (published-urls.txt), redirects
for moved pages in every language, and a visible, named link to every section, with the
same section ids in every language."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import types

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, copy_project, run_docs
from sitekit import browser, gate, model, sitecheck, urls
from sitekit.build import redirects
from sitekit.build.state import Build
from sitekit.gate import project_catalogue

GATE = gate.Gate.for_project(REPO)
CATALOGUE = GATE.catalogue
LISTED = urls.read_contract(urls.contract_path())
REDIRECT = "        trial.md: trial-phase.md\n"


def run_urls(root, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "urls.py"), "--root", str(root), *args], capture_output=True, text=True)


def move_trial_page(root, *, redirect: bool) -> None:
    """Rename trial.md to trial-phase.md in every language, as an editor would, links and nav included."""
    for lang in CATALOGUE.languages:
        (root / "docs" / lang.code / "trial.md").rename(root / "docs" / lang.code / "trial-phase.md")
    for page in (root / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"\]\(trial\.md", "](trial-phase.md", text), encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - trial.md\n", "  - trial-phase.md\n")
    if redirect:
        text = text.replace("      redirect_maps: {}\n", "      redirect_maps:\n" + REDIRECT)
    config.write_text(text, encoding="utf-8")


# --- the contract on the real site ------------------------------------------------------


def test_every_published_address_resolves(built_site):
    assert urls.broken(LISTED, urls.from_site(built_site.site), CATALOGUE) == []


def test_every_address_of_the_site_is_listed(built_site):
    missing = urls.unlisted(LISTED, urls.from_site(built_site.site), CATALOGUE)
    assert not missing, urls.unlisted_message(missing)


def test_the_script_sees_the_site_the_build_makes(built_site):
    """`scripts/urls.py` works from the sources; it must find exactly the addresses the build makes."""
    assert urls.from_sources(GATE).urls() == urls.from_site(built_site.site).urls()
    result = run_urls(REPO, "check")
    assert result.returncode == 0, result.stderr


def test_the_contract_lists_every_page_of_every_language_offered_to_readers():
    for lang in CATALOGUE.languages:
        if CATALOGUE.published(lang.code):
            assert {"/" + CATALOGUE.url(lang.code, name) for name in CATALOGUE.pages} <= set(LISTED), lang.code
    assert len(LISTED) == len(set(LISTED))
    assert urls.contract_path().read_text(encoding="utf-8").startswith(urls.HEADER)


# --- failing cases on built HTML (fixtures, no build) -----------------------------------------


def test_broken_addresses_name_their_fix():
    view = urls.from_site(FIXTURES / "html_urls" / "site")
    listed = urls.read_contract(FIXTURES / "html_urls" / "published-urls.txt")
    assert urls.broken(listed, view, CATALOGUE) == [
        "before.md: 2 published addresses no longer resolve (/before/, /before/#prerequisites) — if the page moved, add the redirect "
        "`before.md: getting-ready.md` in mkdocs.yml under `plugins: - redirects: redirect_maps:` (English file names, written once: "
        "every language gets it); a published page never just disappears",
        "#what-patients-report: the section is gone from /#what-patients-report — put its id back on the heading: "
        "'## … {#what-patients-report}' in docs/en/index.md (a published section id never changes)",
        "/es/trial/#trial-steps: the redirect page drops the #section — redirect pages must load assets/redirect.js",
        "/after/: the redirect '/after/' → '/aftercare/' leads to no page — point it (redirect_maps in mkdocs.yml) at an existing page",
    ]
    missing = urls.unlisted(listed, view, CATALOGUE)
    assert missing[:4] == ["/#procedure-overview", "/getting-ready/", "/getting-ready/#getting-ready", "/getting-ready/#prerequisites"]
    assert urls.unlisted_message(missing).endswith("— run `python scripts/urls.py update` and commit published-urls.txt")


def test_redirect_entries_that_cannot_work_are_refused():
    maps = {
        "es/trial.md": "es/trial-phase.md",
        "index.md": "trial.md",
        "old.md": "nope.md",
        "older.md": "trial.md#nope",
        "fine.md": "trial.md#trial-steps",
    }
    assert [p.message for p in urls.redirect_problems(maps, GATE)] == [
        "redirect 'es/trial.md' names a language folder",
        "redirect 'index.md': the page still exists",
        "redirect 'old.md' points at 'nope.md', which is not a page",
        "redirect 'older.md' points at 'trial.md#nope', a section that does not exist",
    ]
    assert urls.redirect_problems(maps, GATE)[0].fix.startswith("write it once with the English file names, without 'es/'")
    assert urls.expand_redirects({"fine.md": "trial.md#trial-steps"}, CATALOGUE)["/es/fine/"] == "/es/trial/#trial-steps"


def test_the_build_refuses_a_redirect_that_cannot_work(caplog):
    """scripts/sitekit/build/redirects.py logs each bad entry as an error: the strict build stops, naming the line."""
    plugin = types.SimpleNamespace(config={"redirect_maps": {"es/trial.md": "es/trial-phase.md"}})
    config = types.SimpleNamespace(plugins={"redirects": plugin}, theme={"language": CATALOGUE.default.code})
    with caplog.at_level(logging.ERROR):
        redirects.on_config(Build(_gate=GATE), config)
    assert [record.getMessage().split(": ", 1)[1] for record in caplog.records if record.levelno == logging.ERROR] == [
        "mkdocs.yml:1: redirect 'es/trial.md' names a language folder — write it once with the English file names, without 'es/' "
        "(e.g. `trial.md: trial-phase.md`): every language gets the redirect"
    ]


# --- the script, on edited copies of the project (no build) -------------------------------------


def trial_addresses(listed: list[str]) -> list[str]:
    """The listed addresses of trial.md, in every language, sections included."""
    codes = [lang.code for lang in CATALOGUE.languages]
    return [url for url in listed if urls.page_of(url.partition("#")[0], codes)[1] == "trial.md"]


def test_a_moved_page_without_redirect_names_the_redirect_to_add(project_copy):
    move_trial_page(project_copy.root, redirect=False)
    check = run_urls(project_copy.root, "check")
    assert check.returncode == 1
    gone = trial_addresses(LISTED)
    assert (
        f"trial.md: {len(gone)} published addresses no longer resolve ({', '.join(gone[:4])} and {len(gone) - 4} more) — if the page "
        "moved, add the redirect `trial.md: trial-phase.md` in mkdocs.yml under `plugins: - redirects: redirect_maps:`" in check.stderr
    )
    before = urls.read_contract(project_copy.root / urls.CONTRACT)
    update = run_urls(project_copy.root, "update")
    assert update.returncode == 1, "a listed address that no longer resolves is a problem until a redirect covers it"
    after = urls.read_contract(project_copy.root / urls.CONTRACT)
    assert set(before) < set(after), "update never removes an address"
    # Addresses of the languages still offered: without the redirect, translations that link to the
    # moved page (or are the moved page) no longer match their English version, and are refused.
    catalogue = project_catalogue(project_copy.root)
    offered = {
        "/" + catalogue.language_url(lang.code) + "trial-phase/#trial-steps"
        for lang in catalogue.languages
        if catalogue.published(lang.code)
    }
    assert "/trial-phase/#trial-steps" in offered and offered <= set(after)
    assert all(f"added {url}" in update.stdout for url in offered)


def test_a_removed_section_id_names_the_files_to_fix(project_copy):
    for lang in CATALOGUE.languages:
        page = project_copy.root / "docs" / lang.code / "trial.md"
        page.write_text(page.read_text(encoding="utf-8").replace("{#trial-steps}", "{#steps}"), encoding="utf-8")
    check = run_urls(project_copy.root, "check")
    assert check.returncode == 1
    lost = [url for url in LISTED if url.endswith("trial/#trial-steps")]
    codes = [lang.code for lang in CATALOGUE.languages]
    listed = {urls.page_of(url.partition("#")[0], codes)[0] for url in lost}
    # The translations no longer match the English version they follow: refused, shown in English.
    catalogue = project_catalogue(project_copy.root)
    files = ", ".join(dict.fromkeys(f"docs/{catalogue.content_language(code, 'trial.md')}/trial.md" for code in codes if code in listed))
    shown = ", ".join(lost[:4]) + (f" and {len(lost) - 4} more" if len(lost) > 4 else "")
    assert (
        f"#trial-steps: the section is gone from {shown} — put its id back on the heading: '## … {{#trial-steps}}' in {files}"
        in check.stderr
    )
    assert "addresses of the site are not in published-urls.txt: /trial/#steps" in check.stderr
    assert "run `python scripts/urls.py update`" in check.stderr


def test_a_new_page_is_added_by_update_and_a_bad_line_is_a_usage_error(project_copy):
    (project_copy.root / "docs" / "en" / "costs.md").write_text(
        (REPO / "docs" / "en" / "contact.md").read_text(encoding="utf-8").replace("{#", "{#costs-"), encoding="utf-8"
    )
    update = run_urls(project_copy.root, "update")
    assert update.returncode == 0, update.stderr
    assert "added /costs/\n" in update.stdout and "added /es/costs/\n" in update.stdout
    assert run_urls(project_copy.root, "check").returncode == 0
    contract = project_copy.root / urls.CONTRACT
    contract.write_text(contract.read_text(encoding="utf-8") + "es/trial/\n", encoding="utf-8")
    bad = run_urls(project_copy.root, "check")
    assert bad.returncode == 2
    assert re.search(r"^published-urls\.txt:\d+: 'es/trial/' is not an address", bad.stderr)
    assert run_urls(project_copy.root, "frobnicate").returncode == 2


def test_a_mistranslated_heading_id_is_never_recorded_and_the_check_points_to_the_english_id(project_copy):
    page = project_copy.root / "docs" / "es" / "trial.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{#trial-steps}", "{#pasos}"), encoding="utf-8")
    update = run_urls(project_copy.root, "update")
    assert "#pasos" not in update.stdout and "/es/trial/#pasos" not in urls.read_contract(project_copy.root / urls.CONTRACT)
    # The gate refuses the page: readers of /es/trial/ get the English page, whose sections all resolve.
    assert project_catalogue(project_copy.root).state("es", "trial.md") == model.REFUSED
    assert update.returncode == 0, update.stderr
    check = run_docs(project_copy.root, "check", "docs/es/trial.md")
    assert "the heading with id '#trial-steps' (English: " in check.stderr and "keep its id: '## … {#trial-steps}'" in check.stderr
    contract = project_copy.root / urls.CONTRACT  # recorded by an older version of the tool: it says what to do
    contract.write_text(contract.read_text(encoding="utf-8") + "/es/trial/#pasos\n", encoding="utf-8")
    assert "/es/trial/#pasos: '#pasos' was never a section of the English page" in run_urls(project_copy.root, "check").stderr


def test_a_language_still_being_translated_adds_no_addresses_yet(project_copy):
    assert run_docs(project_copy.root, "new-language", "fr", "--name", "Français").returncode == 0
    check = run_urls(project_copy.root, "check")
    assert check.returncode == 0, check.stderr


# --- a page moved with a redirect: one build of the whole site ------------------------------------


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """The project with trial.md renamed to trial-phase.md in every language and one redirect
    line in mkdocs.yml, built for a local server."""
    root = tmp_path_factory.mktemp("moved") / "project"
    copy_project(root)
    move_trial_page(root, redirect=True)
    with browser.local_server(root.parent / "site") as server:
        result = browser.build(server.directory, server.origin, project=root)
        assert result.returncode == 0, result.stdout + result.stderr
        yield server


def test_a_moved_page_with_a_redirect_keeps_every_published_address(moved):
    view = urls.from_site(moved.directory)
    assert urls.broken(LISTED, view, CATALOGUE) == []
    assert {view.redirects["/" + model.language_url(lang.code) + "trial/"] for lang in CATALOGUE.languages} == {
        "/" + model.language_url(lang.code) + "trial-phase/" for lang in CATALOGUE.languages
    }
    missing = urls.unlisted(LISTED, view, CATALOGUE)
    assert len(missing) == len(trial_addresses(LISTED)) and "/es/trial-phase/#trial-steps" in missing


def test_redirect_pages_load_the_redirect_script_and_run_no_inline_script(moved):
    for lang in CATALOGUE.languages:
        page = moved.directory / model.language_url(lang.code) / "trial" / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert (soup.html["lang"], soup.html["dir"]) == (lang.code, lang.direction)
        assert soup.find("link", rel="canonical")["href"] == "../trial-phase/"
        assert [script.get("src") for script in soup.find_all("script")] == [
            "../" * (page.parent.relative_to(moved.directory).as_posix().count("/") + 1) + urls.REDIRECT_SCRIPT
        ]
        assert (page.parent / soup.find("script")["src"]).resolve() == (moved.directory / urls.REDIRECT_SCRIPT).resolve()


@pytest.mark.browser
def test_the_redirect_keeps_the_section(moved, chromium):
    page = chromium.new_page()
    try:
        for lang in ("", "es/", "ar/"):
            page.goto(f"{moved.origin}{lang}trial/#trial-steps")
            page.wait_for_url(f"{moved.origin}{lang}trial-phase/#trial-steps", timeout=5000)
    finally:
        page.close()


# --- section links -------------------------------------------------------------------------


def test_every_heading_has_a_named_section_link(built_site):
    assert sitecheck.permalink_problems(built_site.site) == []


def test_section_links_are_named_in_the_pages_language(built_site):
    for lang in CATALOGUE.languages:
        template = model.ui_strings(lang.code)["section_link"]
        page = built_site.site / model.language_url(lang.code) / "trial" / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        headings = soup.select("article .pp-heading > h2")
        assert headings
        for heading in headings:
            link = heading.find_next_sibling("a", class_="headerlink")
            text = " ".join(heading.get_text().split())
            assert link["aria-label"] == template.format(section=text), lang.code


def test_a_heading_without_a_named_link_is_caught():
    inside = "is inside the heading (its name becomes part of the heading's)"
    assert sitecheck.permalink_problems(FIXTURES / "html_section_links") == [
        f"es/trial/index.html: the section link of '#pasos' {inside}",
        "es/trial/index.html: heading '#trial-steps' has no section link to '#trial-steps'",
        "trial/index.html: heading '#trial-steps' has no section link to '#trial-steps'",
        "trial/index.html: the section link of '#trial-success' has no accessible name (aria-label)",
        f"trial/index.html: the section link of '#trial-inside' {inside}",
        "trial/index.html: heading 'A heading without an id' has no id",
    ]


VISIBILITY = """() => [...document.querySelectorAll("article .headerlink")]
  .filter(a => { const s = getComputedStyle(a); return s.opacity !== "1" || s.visibility !== "visible" || s.display === "none"; })
  .map(a => a.getAttribute("href"))"""


@pytest.mark.browser
def test_section_links_are_visible_without_hover(built_site, chromium):
    page = chromium.new_page(viewport=browser.PHONE)
    try:
        for lang in CATALOGUE.languages:
            page.goto(built_site.site_url + model.language_url(lang.code) + "trial/")
            assert page.locator("article .headerlink").count() >= 3
            assert page.evaluate(VISIBILITY) == [], lang.code
        page.add_style_tag(content=".md-typeset .pp-heading > .headerlink { opacity: 0; transition: none }")  # the theme's own rule
        assert page.evaluate(VISIBILITY) == ["#trial-phase", "#trial-steps", "#trial-success"]
    finally:
        page.close()


# --- the same section ids in every language ---------------------------------------------------


def test_every_language_has_the_same_heading_ids(built_site):
    assert sitecheck.heading_id_problems(built_site.site, GATE) == []


def test_a_translation_with_other_heading_ids_is_caught_in_the_built_site():
    assert sitecheck.heading_id_problems(FIXTURES / "html_section_links", GATE) == [
        "/es/trial/: heading ids differ from the English page (missing #trial-success; not in English #pasos) — "
        "keep every heading's id as in docs/en/trial.md"
    ]


def test_every_translation_keeps_the_english_heading_ids():
    """The sources, read by the publishing gate (the translators' check and the build run it)."""
    for lang in CATALOGUE.languages[1:]:
        for name in CATALOGUE.pages:
            if CATALOGUE.content_language(lang.code, name) == lang.code:
                page = model.read_page(model.page_file(lang.code, name))
                english, _ = GATE.english_version(page, name)
                assert gate.heading_problems(page, GATE.read(page), GATE.read(english)) == [], (lang.code, name)


@pytest.mark.parametrize("case", ["changed_heading_id", "missing_heading_id"])
def test_a_translation_with_a_changed_or_missing_id_is_caught(case):
    english = model.read_page(FIXTURES / "check" / "base" / "docs" / "en" / "trial.md")
    page = model.read_page(FIXTURES / "check" / case / "trial.md")
    assert any("#trial-steps" in problem.message for problem in gate.heading_problems(page, GATE.read(page), GATE.read(english)))
