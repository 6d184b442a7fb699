"""A translation's review record (issues 16, 24): `docs.py review` records who reviewed a
page, when, and exactly what: the English version and the translation's text (hashes over
their segments), in the language's reviewers' file (l10n/<lang>/reviews.yml), never in the
page. The review lapses by itself when either side's words change, and holds when either is
only re-wrapped; a record the tool did not write is refused by the check and the build;
`docs.py status` shows it; the page says it was reviewed, with the date, only while it holds.
And "translated" means accepted by the publishing gate: a refused translation is neither
counted towards publication nor offered to readers, who get the English page.

A record in a page's front matter is a case of tests/fixtures/check/
(review_in_front_matter), run through the check and the strict build by tests/test_gate.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, Build, load_module, run_docs
from sitekit import gate, model, project, sitecheck
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()
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


def record_of(root: Path, lang: str, name: str) -> model.ReviewRecord | None:
    return model.read_reviews(lang, root).records.get(name)


def test_review_records_who_when_and_exactly_what_in_the_reviewers_file(project_copy):
    root = project_copy.root
    pages = translated_pages(project_catalogue(root))
    if not pages:
        pytest.skip("no translated page in this state of the project")
    lang, name = pages[0]
    path = model.page_file(lang, name, root)
    before = path.read_bytes()
    day = (TODAY - dt.timedelta(days=3)).isoformat()

    result = run_docs(root, "review", lang, name, *REVIEWER, "--date", day)  # as a translator runs it

    assert result.returncode == 0, result.stderr
    text = model.text_hash(model.read_page(path), root)
    assert record_of(root, lang, name) == model.ReviewRecord(
        "Ana Pérez", "Certified medical translator: English to Spanish", dt.date.fromisoformat(day), model.english_version(name, root), text
    )
    assert path.read_bytes() == before, "the page itself is not changed"
    assert model.reviewed_text_path(lang, name, text, root).is_file(), "the reviewed text is kept"
    assert project_catalogue(root).review(lang, name).state == model.REVIEWED
    assert docs(root, "check").returncode == 0

    again = review(root, lang, name)  # a second review replaces the record, it does not add one
    assert again.returncode == 0, again.stderr
    assert record_of(root, lang, name).date == TODAY
    assert len(model.read_reviews(lang, root).records) == 1


def test_a_review_lapses_when_the_english_page_changes(project_copy):
    root = project_copy.root
    lang, name = translated_pages(project_catalogue(root))[0]
    assert review(root, lang, name).returncode == 0
    append(model.page_file("en", name, root), "\n\nOne more sentence.\n")
    assert docs(root, "snapshot").returncode == 0

    catalogue = project_catalogue(root)
    assert catalogue.review(lang, name).state == model.LAPSED
    assert catalogue.review(lang, name).record.reviewer == "Ana Pérez"
    check = docs(root, "check")
    assert check.returncode == 0, check.stderr  # outdated and lapsed: reported, not refused
    assert f"warning: the review of {name} by Ana Pérez on" in check.stderr
    assert "readers are told the translation has not been reviewed" in check.stderr
    entry = next(p for p in json.loads(docs(root, "status", "--lang", lang, "--json").stdout)[0]["pages"] if p["page"] == name)
    assert entry["review"]["state"] == model.LAPSED and entry["review"]["reviewer"] == "Ana Pérez"
    assert entry["review"]["holds"] is False and "English page changed" in entry["review"]["why"]
    # An outdated translation cannot be reviewed: the review would cover a version it does not follow.
    before = model.reviews_file(lang, root).read_bytes()
    refused = review(root, lang, name)
    assert refused.returncode == 1 and "is outdated" in refused.stderr and "Nothing was recorded" in refused.stderr
    assert model.reviews_file(lang, root).read_bytes() == before


def rewrapped(path: Path) -> None:
    """The page with its longest paragraph wrapped at its middle space: not one word changed."""
    page = model.read_page(path)
    lines = model.read_text(path).split("\n")
    index = max(
        range(page.body_line - 1, len(lines)), key=lambda i: len(lines[i]) if not lines[i].startswith(("#", "-", "|", ">", " ")) else 0
    )
    line = lines[index]
    cut = line.index(" ", len(line) // 2)
    lines[index : index + 1] = [line[:cut] + " ", "  " + line[cut + 1 :]]  # no hard break (two trailing spaces)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_rewrap_of_either_side_keeps_state_and_review_and_a_changed_word_lapses_it(project_copy):
    root = project_copy.root
    lang, name = translated_pages(project_catalogue(root))[0]
    assert review(root, lang, name).returncode == 0
    english, translated = model.page_file("en", name, root), model.page_file(lang, name, root)
    checked = docs(root, "check").stderr  # whatever else the project holds (an outdated page elsewhere: its warnings)
    rewrapped(english)
    rewrapped(translated)
    catalogue = project_catalogue(root)
    assert catalogue.state(lang, name) == model.TRANSLATED, "a re-wrapped English page changes no translation's state"
    assert catalogue.review(lang, name).state == model.REVIEWED, "nor its review"
    assert docs(root, "check").stderr == checked, "nor anything the check says"
    # The failing case: one word changed in the translation (an edit by hand, or an import).
    text = model.read_text(translated)
    body_start = text.index("\n---\n", 4) + 5
    word = re.search(r"\w{5,}", text[body_start:])
    translated.write_text(text[: body_start + word.start()] + "X" + text[body_start + word.start() + 1 :], encoding="utf-8")
    catalogue = project_catalogue(root)
    review_now = catalogue.review(lang, name)
    assert review_now.state == model.LAPSED and "translation's text changed" in review_now.why
    check = docs(root, "check")
    assert f"warning: the review of {name} by Ana Pérez" in check.stderr and "the translation's words have changed" in check.stderr
    table = docs(root, "status", "--lang", lang).stdout
    row = next(line for line in table.splitlines() if line.strip().startswith(name + " "))
    assert "lapsed: reviewed" in row and "translation's text changed" in row


def test_review_refuses_what_it_cannot_record(project_copy):
    root = project_copy.root
    catalogue = project_catalogue(root)
    lang, name = translated_pages(catalogue)[0]
    path = model.page_file(lang, name, root)
    assert review(root, lang, name, "--date", (TODAY + dt.timedelta(days=1)).isoformat()).returncode == 2
    assert review(root, lang, name, "--date", "25/11/2026").returncode == 2
    assert review(root, catalogue.default.code, name).returncode == 2
    assert review(root, lang, "no-such-page.md").returncode == 2
    assert docs(root, "review", lang, name, "--by", " ", "--qualification", "x").returncode == 2
    assert not model.reviews_file(lang, root).exists()
    append(path, "\n\nUn párrafo de más.\n")  # a block the English page lacks: refused by the check
    refused = review(root, lang, name)
    assert refused.returncode == 1 and f"docs.py check {path.relative_to(root).as_posix()}" in refused.stderr
    assert not model.reviews_file(lang, root).exists(), "nothing is recorded for a page the check refuses"


@pytest.mark.injected_fault  # the record it forges
@pytest.mark.parametrize(
    ("forge", "message"),
    [
        ("hand_written", "names translation text"),  # the right hashes, but not written by the tool
        ("edited", "not as `docs.py review` writes it"),  # the tool's record, its date changed by hand
        ("stale_english", "names English version 0123456789ab, which the English page never had"),
        ("unknown_page", "which is not a page of the site"),
        ("malformed", "has an unknown field 'reviwer'"),
    ],
)
def test_a_record_the_tool_did_not_write_is_refused(project_copy, forge, message):
    root = project_copy.root
    lang, name = translated_pages(project_catalogue(root))[0]
    file = model.reviews_file(lang, root)
    page = model.read_page(model.page_file(lang, name, root))
    record = model.ReviewRecord("Ana Pérez", "Medical translator", TODAY, model.english_version(name, root), model.text_hash(page, root))
    if forge == "hand_written":
        file.write_text(model.reviews_text(lang, {name: record}), encoding="utf-8")
    else:
        assert review(root, lang, name).returncode == 0
        text = file.read_text(encoding="utf-8")
        if forge == "edited":
            text = text.replace(f"date: {TODAY.isoformat()}", f"date: '{TODAY.isoformat()}'")
        elif forge == "stale_english":
            text = re.sub(r"source_hash: \w+", "source_hash: 0123456789ab", text)
        elif forge == "unknown_page":
            text += text[text.index(f"{name}:") :].replace(f"{name}:", "no-such-page.md:", 1)
        else:
            text = text.replace("  reviewer:", "  reviwer:")
        file.write_text(text, encoding="utf-8")
    assert project_catalogue(root).review(lang, name).state == (model.REVIEWED if forge == "unknown_page" else model.UNREVIEWED), (
        "a forged record never says reviewed"
    )
    check = docs(root, "check")
    assert check.returncode == 1
    lines = [line for line in check.stderr.splitlines() if line.startswith(f"l10n/{lang}/reviews.yml:")]
    assert lines and all(" — " in line and re.match(rf"l10n/{lang}/reviews.yml:\d+: ", line) for line in lines)
    line = next(line for line in lines if message in line)
    if forge == "hand_written":  # the strict build refuses it too, in the same words
        build = project_copy.build(languages=["en", lang])
        assert build.returncode != 0 and line in build.output


def test_a_record_reads_back_as_written():
    """Names and qualifications with YAML's special characters, and hashes that look like numbers, survive."""
    for reviewer, qualification, digest in [
        ("Ana Pérez", "Certified: English > Spanish", "325e6ea6c7ec"),
        ("O'Brien", "'quoted' #1 - [x]", "123456789012"),
        ("李明", "医学翻译", "00000000000e"),
    ]:
        record = model.ReviewRecord(reviewer, qualification, TODAY, digest, digest)
        value = yaml.load(model.reviews_text("es", {"trial.md": record}), Loader=model._MetaLoader)["trial.md"]
        assert model._record_faults(value) == []
        assert (
            model.ReviewRecord(
                value["reviewer"], value["qualification"], model.as_date(value["date"]), value["source_hash"], value["text_hash"]
            )
            == record
        )


# --- status ----------------------------------------------------------------------------------


def test_status_shows_review_state_and_reviewer_per_page(project_copy):
    root = project_copy.root
    lang, name = translated_pages(project_catalogue(root))[0]
    assert review(root, lang, name, "--date", TODAY.isoformat()).returncode == 0
    catalogue = project_catalogue(root)
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
        "text_hash": mine["review"]["current_text_hash"],
        "current_text_hash": model.text_hash(model.read_page(model.page_file(lang, name, root)), root),
        "holds": True,
        "why": None,
    }
    table = docs(root, "status", "--lang", lang).stdout
    row = next(line for line in table.splitlines() if line.strip().startswith(name + " "))
    assert f"reviewed {TODAY.isoformat()}: English {mine['english_hash']}, text " in row and ", holds" in row
    assert "Ana Pérez, Certified medical translator: English to Spanish" in row
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
    pages = translated_pages(project_catalogue(root))
    lang = pages[0][0]
    current, lapsed, refused = [name for code, name in pages if code == lang][:3]
    for name in (current, lapsed):
        assert review(root, lang, name).returncode == 0
    append(model.page_file("en", lapsed, root), "\n\nOne more sentence.\n")
    assert docs(root, "snapshot").returncode == 0
    append(model.page_file(lang, refused, root), "\n\nUn párrafo de más.\n")
    build = lenient_build(root, tmp_path / "site")
    catalogue = project_catalogue(root)
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
    logged = re.findall(r"^ERROR\s+-\s+page_source: (.*)$", build.output, re.M)
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
            line, about = (
                " ".join(part.get_text().split()) for part in (page.select_one(".pp-notice"), page.select_one("#pp-about-translation"))
            )
            current = CATALOGUE.review(lang.code, name).state == model.REVIEWED
            assert (reviewed in about) == current and (strings["translation_unreviewed"] in about) == (not current), (lang.code, name)
            if CATALOGUE.state(lang.code, name) == model.TRANSLATED:  # an outdated page's line says that instead
                assert (strings["notice_reviewed"] in line) == current and (strings["notice_unreviewed"] in line) == (not current)
