"""A translation's review record (issue 16): `docs.py review` records who reviewed a page,
when, and against which English version, changing nothing else in the file; the review
lapses by itself when the English page changes; `docs.py status` shows it; the page says it
was reviewed, with the date, only while the review covers the current English version.
And "translated" means accepted by the publishing gate: a refused translation is neither
counted towards publication nor offered to readers, who get the English page.

The malformed records and the record for an English version that does not exist are
cases of tests/fixtures/check/ (review_*), run through the check and the strict build by
tests/test_gate.py."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, Build, load_module, run_docs
from sitekit import gate, model, project, sitecheck

CATALOGUE = model.Catalogue.load()
TODAY = dt.date.today()


def translated_pages(catalogue: model.Catalogue) -> list[tuple[str, str]]:
    """(language, page) of every translation readers get, most complete language first."""
    langs = sorted(catalogue.languages[1:], key=lambda lang: -catalogue.share(lang.code))
    return [(lang.code, name) for lang in langs for name in catalogue.pages if catalogue.state(lang.code, name) == model.TRANSLATED]


DOCS = load_module(REPO / "scripts" / "docs.py")
REVIEWER = ("--by", "Ana Pérez", "--qualification", "Certified medical translator: English to Spanish")


def docs(root: Path, *args: str) -> subprocess.CompletedProcess:
    """scripts/docs.py run in this process (the suite runs it a few dozen times: no interpreter
    start-up each time); test_review_records_… runs it as a translator does."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = DOCS.main(["--root", str(root), *args])
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def review(root: Path, lang: str, name: str, *extra: str) -> subprocess.CompletedProcess:
    return docs(root, "review", lang, name, *REVIEWER, *extra)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_page(site: Path, lang: str, name: str) -> Path:
    return site / model.language_url(lang) / model.page_url(name) / "index.html"


def append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


# --- the record ----------------------------------------------------------------------------


def test_review_records_who_when_and_which_version_and_nothing_else(project_copy):
    root = project_copy.root
    pages = translated_pages(model.Catalogue.load(root))
    if not pages:
        pytest.skip("no translated page in this state of the project")
    lang, name = pages[0]
    path = model.page_file(lang, name, root)
    # Saved with a byte order mark, Windows line endings and a comment: all of it stays.
    text = model.read_text(path).replace("\n---\n", "\n# the translator's note\n---\n", 1)
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes()
    day = (TODAY - dt.timedelta(days=3)).isoformat()

    result = run_docs(root, "review", lang, name, *REVIEWER, "--date", day)  # as a translator runs it

    assert result.returncode == 0, result.stderr
    english = model.source_hash(model.read_page(model.page_file("en", name, root)))
    record = model.review_record(model.read_page(path).meta)
    assert record == model.ReviewRecord(
        "Ana Pérez", "Certified medical translator: English to Spanish", dt.date.fromisoformat(day), english
    )
    assert model.with_field(path.read_bytes(), model.REVIEW_FIELD, []) == before, "only the record's lines may change"
    assert model.Catalogue.load(root).review(lang, name).state == model.REVIEWED
    assert docs(root, "check", str(path)).returncode == 0

    again = review(root, lang, name)  # a second review replaces the record, it does not add one
    assert again.returncode == 0, again.stderr
    assert model.review_record(model.read_page(path).meta).date == TODAY
    assert model.with_field(path.read_bytes(), model.REVIEW_FIELD, []) == before


def test_a_review_lapses_when_the_english_page_changes(project_copy):
    root = project_copy.root
    lang, name = translated_pages(model.Catalogue.load(root))[0]
    assert review(root, lang, name).returncode == 0
    append(model.page_file("en", name, root), "\n\nOne more sentence.\n")
    assert docs(root, "snapshot").returncode == 0

    catalogue = model.Catalogue.load(root)
    assert catalogue.review(lang, name).state == model.LAPSED
    assert catalogue.review(lang, name).record.reviewer == "Ana Pérez"
    check = docs(root, "check", str(model.page_file(lang, name, root)))
    assert check.returncode == 0, check.stderr  # outdated and lapsed: reported, not refused
    assert (
        "warning: the review by Ana Pérez on" in check.stderr and "readers are told the translation has not been reviewed" in check.stderr
    )
    entry = next(p for p in json.loads(docs(root, "status", "--lang", lang, "--json").stdout)[0]["pages"] if p["page"] == name)
    assert entry["review"]["state"] == model.LAPSED and entry["review"]["reviewer"] == "Ana Pérez"
    # An outdated translation cannot be reviewed: the review would cover a version it does not follow.
    before = model.page_file(lang, name, root).read_bytes()
    refused = review(root, lang, name)
    assert refused.returncode == 1 and "is outdated" in refused.stderr and "Nothing was recorded" in refused.stderr
    assert model.page_file(lang, name, root).read_bytes() == before


def test_review_refuses_what_it_cannot_record(project_copy):
    root = project_copy.root
    catalogue = model.Catalogue.load(root)
    lang, name = translated_pages(catalogue)[0]
    path = model.page_file(lang, name, root)
    before = path.read_bytes()
    assert review(root, lang, name, "--date", (TODAY + dt.timedelta(days=1)).isoformat()).returncode == 2
    assert review(root, lang, name, "--date", "25/11/2026").returncode == 2
    assert review(root, catalogue.default.code, name).returncode == 2
    assert review(root, lang, "no-such-page.md").returncode == 2
    assert docs(root, "review", lang, name, "--by", " ", "--qualification", "x").returncode == 2
    assert path.read_bytes() == before
    append(path, "\n\nUn párrafo de más.\n")  # a block the English page lacks: refused by the check
    refused_page = path.read_bytes()
    refused = review(root, lang, name)
    assert refused.returncode == 1 and f"docs.py check {path.relative_to(root).as_posix()}" in refused.stderr
    assert path.read_bytes() == refused_page, "nothing is recorded on a page the check refuses"


@pytest.mark.fixture_cases
@pytest.mark.parametrize(
    ("reviewer", "qualification", "digest"),
    [
        ("Ana Pérez", "Certified: English > Spanish", "325e6ea6c7ec"),
        ("O'Brien", "'quoted' #1 - [x]", "123456789012"),
        ("李明", "医学翻译", "00000000000e"),
    ],
)
def test_a_record_reads_back_as_written(reviewer, qualification, digest):
    """Names and qualifications with YAML's special characters, and hashes that look like numbers, survive."""
    record = model.ReviewRecord(reviewer, qualification, TODAY, digest)
    raw = f"---\ntitle: T\nsource_hash: {digest!r}\n---\n\nBody.\n".encode()
    written = model.with_field(raw, model.REVIEW_FIELD, record.front_matter())
    page = model.parse_page(Path("es/page.md"), model.decode_text(written))
    assert model.review_record(page.meta) == record
    assert model.review_of(page.meta, digest) == model.Review(model.REVIEWED, record)
    assert model.review_of(page.meta, "aaaaaaaaaaaa").state == model.LAPSED
    assert written.endswith(b"---\n\nBody.\n") and model.with_field(written, model.REVIEW_FIELD, []) == raw


@pytest.mark.fixture_cases
def test_a_record_has_its_place_only_on_a_finished_translation():
    record = model.ReviewRecord("Ana Pérez", "Medical translator", TODAY, "325e6ea6c7ec")
    raw = model.with_field(b"---\ntitle: T\n---\n\nBody.\n", model.REVIEW_FIELD, record.front_matter())
    page = model.parse_page(Path("en/trial.md"), model.decode_text(raw))
    [english] = model.review_record_problems(page, translation=False, command="c")
    assert (english.line, english.message) == (3, "an English page has no 'translation_review'")
    stub = dataclasses.replace(page, meta={**page.meta, "untranslated": True})
    assert "'untranslated: true'" in model.review_record_problems(stub, translation=True, command="c")[0].message
    assert model.review_record_problems(page, translation=True, command="c") == []
    word = dataclasses.replace(page, meta={**page.meta, model.REVIEW_FIELD: "reviewed"})
    [old] = model.review_record_problems(word, translation=True, command="c")
    assert "a word ('reviewed'), not a review record" in old.message and "c" in old.fix
    assert model.review_of(word.meta, "325e6ea6c7ec").state == model.UNREVIEWED  # the old word never says "reviewed"


# --- status ----------------------------------------------------------------------------------


def test_status_shows_review_state_and_reviewer_per_page(project_copy):
    root = project_copy.root
    lang, name = translated_pages(model.Catalogue.load(root))[0]
    assert review(root, lang, name, "--date", TODAY.isoformat()).returncode == 0
    catalogue = model.Catalogue.load(root)
    report = {entry["language"]: entry for entry in json.loads(docs(root, "status", "--json").stdout)}
    for code in [lg.code for lg in catalogue.languages[1:]]:
        for entry in report[code]["pages"]:
            expected = catalogue.review(code, entry["page"])
            assert entry["review"]["state"] == expected.state, (code, entry["page"])
            assert entry["review"]["reviewer"] == (expected.record.reviewer if expected.record else None)
    assert all("review" not in entry for entry in report[catalogue.default.code]["pages"])
    mine = next(entry for entry in report[lang]["pages"] if entry["page"] == name)
    assert mine["review"] == {
        "state": "reviewed",
        "reviewer": "Ana Pérez",
        "qualification": "Certified medical translator: English to Spanish",
        "date": TODAY.isoformat(),
        "source_hash": mine["english_hash"],
    }
    table = docs(root, "status", "--lang", lang).stdout
    row = next(line for line in table.splitlines() if line.strip().startswith(name + " "))
    assert f"reviewed {TODAY.isoformat()}" in row and "Ana Pérez, Certified medical translator: English to Spanish" in row
    others = [line for line in table.splitlines() if re.match(r"\s+\S+\.md\s", line) and not line.strip().startswith(name + " ")]
    assert others and all("Ana Pérez" not in line for line in others)


# --- "translated" means accepted by the gate ------------------------------------------------


def test_a_refused_translation_is_not_counted_towards_publication():
    english, spanish = model.Language("en", "English", default=True), model.Language("es", "Español")
    pages = [f"p{i}.md" for i in range(10)]
    states = {("en", p): model.SOURCE for p in pages} | {("es", p): model.TRANSLATED for p in pages}
    for refused in range(len(pages) + 1):
        bad = set(pages[:refused])

        def judge(lang: str, name: str, bad: set[str] = bad) -> list[model.Problem]:
            return [model.Problem(Path(lang, name), 1, "wrong", "fix")] if name in bad else []

        catalogue = model.Catalogue(CATALOGUE.root, [english, spanish], pages, states, judge=judge)
        assert [catalogue.state("es", p) for p in pages] == [model.REFUSED] * refused + [model.TRANSLATED] * (len(pages) - refused)
        assert catalogue.share("es") == (len(pages) - refused) / len(pages)
        assert catalogue.published("es") == ((len(pages) - refused) / len(pages) >= model.PUBLISH_THRESHOLD)
        for p in pages:
            offered = [lang.code for lang in catalogue.readable(p)]
            assert ("es" in offered) == (catalogue.published("es") and p not in bad)
            assert catalogue.content_language("es", p) == ("en" if p in bad else "es")


def test_the_gate_checks_each_page_once():
    """The catalogue's verdicts and the gate's messages come from one check of each file."""
    checker = gate.Gate.for_project(CATALOGUE.root)
    counted: list[Path] = []
    check = checker._check_file
    checker._check_file = lambda path: counted.append(path) or check(path)  # type: ignore[method-assign]
    catalogue = checker.catalogue
    files = [
        (lang.code, name)
        for lang in catalogue.languages
        for name in catalogue.pages
        if model.page_file(lang.code, name, catalogue.root).exists()
    ]
    for lang, name in files:
        catalogue.state(lang, name)
    for lang, name in files:
        checker.check_file(model.page_file(lang, name, catalogue.root))
    assert len(counted) == len(set(counted)) == len(files)


def lenient_build(root: Path, site: Path) -> Build:
    """The build as `properdocs serve` makes it (mkdocs.yml's strict: false, no --strict): it
    logs the gate's errors and goes on, so the site shows what readers would get. The strict
    build stops on the same errors (tests/test_gate.py)."""
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"^strict: true$", "strict: false", config.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    command = [sys.executable, "-m", project.ENGINE, "build", "--clean", "-f", str(config), "-d", str(site)]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    return Build(result.returncode, result.stdout + result.stderr, site)


def test_built_pages_say_reviewed_only_while_current_and_show_a_refused_translation_in_english(tmp_path):
    """One build (xdist would build a module fixture once per worker) of a copy where, in the
    most complete language, one page has a current review, one a review that lapsed with an
    English edit, and one is refused by the check."""
    root = project.copy_project(tmp_path / "project")
    pages = translated_pages(model.Catalogue.load(root))
    lang = pages[0][0]
    current, lapsed, refused = [name for code, name in pages if code == lang][:3]
    for name in (current, lapsed):
        assert review(root, lang, name).returncode == 0
    append(model.page_file("en", lapsed, root), "\n\nOne more sentence.\n")
    assert docs(root, "snapshot").returncode == 0
    append(model.page_file(lang, refused, root), "\n\nUn párrafo de más.\n")
    build = lenient_build(root, tmp_path / "site")
    catalogue = model.Catalogue.load(root)
    says_reviewed_only_while_current(build, catalogue, lang, current, lapsed)
    never_offered(build, catalogue, lang, refused, sibling=current)


def says_reviewed_only_while_current(build: Build, catalogue: model.Catalogue, lang: str, current: str, lapsed: str) -> None:
    strings = model.ui_strings(lang, catalogue.root)
    before, _, after = (part.strip() for part in strings["translation_reviewed"].partition("{date}"))
    for name, state in ((current, model.REVIEWED), (lapsed, model.LAPSED)):
        assert catalogue.review(lang, name).state == state
        page = soup(built_page(build.site, lang, name))
        line, about = page.select_one(".pp-notice"), page.select_one("#pp-about-translation")
        text = " ".join(about.get_text().split())
        if state == model.REVIEWED:
            assert before in text and after in text and strings["translation_unreviewed"] not in text
            assert about.find("time")["datetime"] == catalogue.review(lang, name).record.date.isoformat()
            assert strings["notice_reviewed"] in line.get_text()
        else:
            assert before not in text and strings["translation_unreviewed"] in text and about.find("time") is None


def never_offered(build: Build, catalogue: model.Catalogue, lang: str, name: str, sibling: str) -> None:
    """Refused: shown in English with the fallback notice, in no switcher, hreflang, sitemap or
    search index, not counted; logged once by the same check; status says why."""
    root = catalogue.root
    path = model.page_file(lang, name, root)
    errors = [p for p in gate.check_paths([path], root) if p.severity == "error"]
    assert catalogue.state(lang, name) == model.REFUSED and catalogue.errors(lang, name) == len(errors) > 0
    logged = re.findall(r"^ERROR\s+-\s+overrides/hooks/page_source: (.*)$", build.output, re.M)
    assert build.returncode == 0 and logged == [p.format(root) for p in errors]
    page = soup(built_page(build.site, lang, name))
    assert "pp-notice--refused" in page.select_one(".pp-notice")["class"]
    assert model.ui_strings(lang, root)["fallback_notice"] in page.select_one(".pp-notice").get_text()
    assert page.select_one('article div[lang="en"]') is not None

    def alternates(code: str, page_name: str) -> set[str]:
        return {link["hreflang"] for link in soup(built_page(build.site, code, page_name)).select('link[rel="alternate"][hreflang]')}

    assert lang not in alternates("en", name) and lang not in alternates(lang, name)
    assert (lang in alternates("en", sibling)) == catalogue.published(lang)
    site_url = model.load_mkdocs_config(root)["site_url"]
    assert site_url + catalogue.url(lang, name) not in (build.site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitecheck.sitemap_problems(build.site, site_url, catalogue) == []
    assert sitecheck.metadata_problems(build.site, site_url, catalogue) == []
    index = json.loads((build.site / catalogue.language_url(lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [doc for doc in index["docs"] if doc["location"].split("#")[0] == model.page_url(name)]
    shown, count = path.relative_to(root).as_posix(), len(errors)
    table = docs(root, "status", "--lang", lang).stdout
    assert f"refused: {count} error{'s' if count != 1 else ''} — run python scripts/docs.py check {shown}" in table
    [report] = json.loads(docs(root, "status", "--lang", lang, "--json").stdout)
    entry = next(p for p in report["pages"] if p["page"] == name)
    assert (entry["state"], entry["errors"], entry["check"], entry["readability"]) == (
        "refused",
        count,
        f"python scripts/docs.py check {shown}",
        None,
    )
    assert report["complete"] == round(catalogue.share(lang) * 100) < 100


# --- the real site -----------------------------------------------------------------------------


def test_every_translation_says_whether_a_current_review_covers_it(built_site):
    for lang in CATALOGUE.languages[1:]:
        strings = model.ui_strings(lang.code)
        reviewed = strings["translation_reviewed"].partition("{date}")[0].strip()
        for name in CATALOGUE.pages:
            if CATALOGUE.state(lang.code, name) in model.SHOWN_IN_ENGLISH:
                continue
            page = soup(built_page(built_site.site, lang.code, name))
            line, about = (" ".join(part.get_text().split()) for part in (page.select_one(".pp-notice"), page.select_one("#pp-about-translation")))
            current = CATALOGUE.review(lang.code, name).state == model.REVIEWED
            assert (reviewed in about) == current and (strings["translation_unreviewed"] in about) == (not current), (lang.code, name)
            if CATALOGUE.state(lang.code, name) == model.TRANSLATED:  # an outdated page's line says that instead
                assert (strings["notice_reviewed"] in line) == current and (strings["notice_unreviewed"] in line) == (not current)
