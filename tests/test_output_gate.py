"""The output gate (sitekit/output_gate.py): whatever channel a byte came through, the built
site holds nothing that runs, loads or leaves the site. A site made of hostile files
(tests/fixtures/output_gate/, one fault of each class, with the harmless forms beside them)
is read as a browser reads it; a symlink, an unknown file and a redirect page are made here;
a hostile translation and hostile interface strings go through the real strict build; and
the Content-Security-Policy is the fixed list's, whatever the output holds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run_docs
from sitekit import inline_scripts, model, output_gate, serving
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
SITE_URL = "http://127.0.0.1:8000/"


def rules(redirects: set[str] | None = None) -> output_gate.Rules:
    """The rules for the real project, built for SITE_URL, with its pages' paths allowed."""
    files = output_gate.expected(CATALOGUE, assets=["assets/site.js"], theme_dirs=[], redirects=redirects or set(), handouts=[])
    return output_gate.Rules(
        root=REPO,
        catalogue=CATALOGUE,
        scripts=inline_scripts.allowed("/"),
        hosts=output_gate.hosts(SITE_URL, []),
        files=files,
        assets={"assets/site.js"},
        redirects=redirects or set(),
    )


@pytest.fixture
def hostile_site(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "output_gate", site)
    return site


def messages(faults: list[output_gate.Fault]) -> list[str]:
    return [f"{fault.path}: {fault.message}" for fault in faults]


def test_every_class_of_fault_is_found_where_a_browser_would_meet_it(hostile_site):
    found = messages(output_gate.check(hostile_site, rules()))
    page = "es/trial/index.html"
    expected = [
        "es/trial/extra.html: the build does not make this file",
        "es/x.txt: the build does not make this file",
        f"{page}: an inline script that is not one the site ships ('alert(1)')",
        f"{page}: a <base> element",
        f"{page}: the address 'https://evil.example/' on <base href> leaves the site for evil.example",
        f'{page}: a <meta http-equiv="refresh">',
        f"{page}: an inline <style> element",
        f"{page}: an onerror= attribute on <img>: it runs code",
        f"{page}: the address ' java\tscript:alert(1)' on <a href> is not allowed",
        f"{page}: the address 'data:text/html,hi' on <a href> is not allowed",
        f"{page}: the address '//evil.example/x' on <a href> leaves the site for evil.example",
        f"{page}: the address 'https://evil.example/y' on <a href> leaves the site for evil.example",
        f"{page}: a style= attribute on <p>",
        f"{page}: an <iframe> element",
        f'{page}: a <meta http-equiv="refresh">',  # after <![CDATA[ x>, which browsers close at once
        f"{page}: the page's description is not plain text ('Cómo funciona la <b>prueba</b>.')",
        "es/search/search_index.json: an onerror= attribute on <img>: it runs code (search entry 'trial/')",
        "es/search/search_index.json: the address 'javascript:alert(1)' on <a href> is not allowed (search entry 'trial/')",
        "index.html: the address 'javascript:alert(1)' on <a xlink:href> is not allowed",
    ]
    assert sorted(found) == sorted(expected)


def test_each_fault_names_the_source_that_made_it(hostile_site, tmp_path):
    """A fault made from a page's words is reported at the page's line (here: the real es/trial.md)."""
    site = tmp_path / "named"
    page = site / "es" / "trial" / "index.html"
    page.parent.mkdir(parents=True)
    sentence = model.read_page(model.page_file("es", "trial.md")).body.strip().splitlines()[2]
    page.write_text(
        f'<!doctype html><html><head><title>x</title></head><body><p onclick="{sentence[:30]}">x</p></body></html>', encoding="utf-8"
    )
    [fault] = output_gate.check(site, rules())
    text = model.page_file("es", "trial.md").read_text(encoding="utf-8")
    line = text[: text.index(sentence[:30])].count("\n") + 1
    assert fault.source == f"docs/es/trial.md:{line}"
    assert fault.format().startswith(
        f"docs/es/trial.md:{line}: an onclick= attribute on <p>: it runs code (in site/es/trial/index.html) — "
    )


def test_symlinks_are_refused_and_never_followed(tmp_path):
    site = tmp_path / "site"
    (site / "es").mkdir(parents=True)
    os.symlink("/etc/hostname", site / "es" / "x.txt")
    os.symlink(site, site / "es" / "loop")  # a directory loop ends, and is reported once
    found = messages(output_gate.check(site, rules()))
    assert found == ["es/loop: a symbolic link is in the built site", "es/x.txt: a symbolic link is in the built site"]


def test_a_redirect_page_may_refresh_to_the_site_only(tmp_path):
    site = tmp_path / "site"
    for name, target in (("old", "../trial/#trial-steps"), ("gone", "https://evil.example/")):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(
            f'<!doctype html><html><head><title>Redirecting</title><meta http-equiv="refresh" content="1; url={target}"></head></html>',
            encoding="utf-8",
        )
    found = messages(output_gate.check(site, rules({"old/index.html", "gone/index.html"})))
    assert found == ["gone/index.html: the address 'https://evil.example/' on <meta content> leaves the site for evil.example"]


def test_the_policy_allows_the_listed_scripts_and_nothing_read_from_the_output():
    policy = inline_scripts.policy("/")
    script_src = dict(d.split(" ", 1) for d in policy.split("; "))["script-src"].split()
    assert script_src == ["'self'", *sorted(serving.csp_hash(text) for text in inline_scripts.allowed("/"))]
    assert "unsafe-inline" not in policy and "style-src 'self';" in policy


def test_the_listed_scripts_are_the_installed_themes(built_site):
    """Every listed script is on every built page as the theme prints it (a theme upgrade
    that changes one fails the build's output gate; this names which to update)."""
    html = (built_site.site / "index.html").read_text(encoding="utf-8")
    scope = model.load_mkdocs_config()["site_url"] and "/"
    for text, source in inline_scripts.allowed(scope).items():
        assert f"<script>{text}</script>" in html, f"{source} changed: update scripts/sitekit/inline_scripts.py"


# --- through the real build ---------------------------------------------------------------------


@pytest.mark.injected_fault  # the hostile strings it writes
def test_hostile_interface_strings_are_refused_by_check_and_build(project_copy):
    """strings.yml values go into every page of their language: markup, a format-string
    field and an unknown key are refused at their line, and readers get English there."""
    strings = project_copy.root / "l10n" / "es" / "strings.yml"
    text = strings.read_text(encoding="utf-8")
    key = next(line.split(":")[0] for line in text.splitlines() if line.startswith("call_clinic:"))
    text = text.replace(f"{key}:", f'{key}: "Llame</title><script>alert(1)</script>"\nold_{key}:', 1)
    text = text.replace("section_link: ", 'section_link: "{section.__class__}"\nold_section_link: ', 1)
    strings.write_text(text, encoding="utf-8")
    result = run_docs(project_copy.root, "check", str(strings))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("l10n/es/strings.yml:")]
    assert any(f"'{key}' is not plain text (it contains '<')" in line for line in problems), result.stderr
    assert any("'section_link' has '{section.__class__}', which is not a placeholder" in line for line in problems), result.stderr
    assert any(f"'old_{key}' is not an interface string of the site" in line for line in problems), result.stderr
    build = project_copy.build(languages=["en", "es"])
    assert build.returncode != 0 and "Traceback" not in build.output
    for problem in problems:
        assert problem.split(" — ")[0] in build.output
    for page in (build.site / "es").rglob("*.html"):
        assert "<script>alert(1)" not in page.read_text(encoding="utf-8"), page
        assert "__class__" not in page.read_text(encoding="utf-8"), page


@pytest.mark.fixture_cases  # check/base's pages
def test_a_stub_with_an_unreadable_date_publishes_the_english_page(project_copy):
    project_copy.use_docs("check/base")
    shutil.copy(FIXTURES / "check" / "stub_with_impossible_date" / "trial.md", project_copy.root / "docs" / "es" / "trial.md")
    build = project_copy.build()
    assert build.returncode != 0
    html = (build.site / "es" / "trial" / "index.html").read_text(encoding="utf-8")
    assert "555-0199" not in html and "alert(1)" not in html and "The trial phase" in html


def test_a_file_copied_from_docs_in_place_of_one_the_build_makes_is_refused(tmp_path):
    """A PDF in docs/es/ named like the Spanish handout would be copied to the handout's
    address (the docs check refuses it first; the output gate would too)."""
    docs, site = tmp_path / "docs", tmp_path / "site"
    for root in (docs / "es", site / "es"):
        root.mkdir(parents=True)
        (root / "pain-pump-guide-es.pdf").write_bytes(b"%PDF-1.4 not the clinic's handout")
    planted = rules()
    planted.files.add("es/pain-pump-guide-es.pdf")
    planted.docs = docs
    [fault] = output_gate.check(site, planted)
    assert (fault.path, fault.message) == (
        "es/pain-pump-guide-es.pdf",
        "the file was copied from docs/, where only pages and declared assets belong",
    )
    assert fault.source == "docs/es/pain-pump-guide-es.pdf:1"


@pytest.mark.fixture_cases  # check/base's pages
def test_a_file_the_build_does_not_make_fails_the_build_and_is_removed(project_copy):
    """Whatever channel put it there (here: a page file's copy in the docs folder that MkDocs copies)."""
    project_copy.use_docs("check/base")
    (project_copy.root / "docs" / "es" / "extra.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    build = project_copy.build()
    assert build.returncode != 0
    assert "es/extra.html" in build.output
    assert not (build.site / "es" / "extra.html").exists()


def test_the_projects_own_templates_print_values_as_text():
    """Autoescape for overrides/partials/ and the handouts' template (sitekit/jinja_cache.py),
    never for the theme's templates (which print only values the gate holds to plain text)."""
    from mkdocs.config import load_config
    from sitekit import jinja_cache

    env = jinja_cache.shared(load_config(config_file=str(REPO / "mkdocs.yml")).theme.get_env())
    assert env.autoescape("partials/handout.html") and env.autoescape("handouts/guide.html")
    assert not env.autoescape("base.html") and not env.autoescape("partials/toc.html") and not env.autoescape("main.html")
    html = env.get_template("partials/handout.html").render(
        pp_handout={"guide": {"url": 'x.pdf" onclick="alert(1)', "size": "<b>"}}, ui={"handout_link": "Guide </a><script>{size}"}
    )
    assert "<script>" not in html and "<b>" not in html and 'onclick="' not in html
    assert "&lt;script&gt;&lt;b&gt;" in html


@pytest.mark.fixture_cases  # check/base's pages
def test_front_matter_the_gate_refuses_is_never_acted_on(project_copy):
    """An English page (no fallback to show instead) with the theme's keys: refused, and built
    as if they were not there: no traceback for an unknown template, the navigation kept."""
    project_copy.use_docs("check/base")
    page = project_copy.root / "docs" / "en" / "trial.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("next_review:", "template: nope.html\nhide:\n  - navigation\nnext_review:", 1), encoding="utf-8")
    build = project_copy.build()
    assert build.returncode != 0 and "Traceback" not in build.output
    assert "docs/en/trial.md:5: front matter field 'template' is not allowed" in build.output
    assert "md-sidebar--primary" in (build.site / "trial" / "index.html").read_text(encoding="utf-8")
