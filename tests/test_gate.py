"""The publishing gate (sitekit/gate.py): one case folder per bad input a translator or an
editor can submit (tests/fixtures/check/<case>/, with its exact message in expected.txt),
each run through `scripts/docs.py check` and through the strict build, which must give
the same verdict; random changes to real translated pages are always caught; and the
check never crashes, whatever it is fed."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run_docs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sitekit import gate, model, project, translation
from sitekit.gate import project_catalogue

CASES = FIXTURES / "check"
SCENARIOS = sorted(p.name for p in CASES.iterdir() if p.is_dir() and p.name != "base")
BUILD_ERROR = re.compile(r"^ERROR\s+-\s+page_source: (.*)$", re.M)
GATE = gate.Gate.for_project(REPO)


@pytest.fixture
def checked_project(project_copy):
    project_copy.use_docs("check/base")
    return project_copy


def submit(root: Path, scenario: str) -> list[Path]:
    """Put the case's files where a translator (or an editor) would submit them."""
    case = CASES / scenario
    if (case / "docs").exists():
        shutil.copytree(case / "docs", root / "docs", dirs_exist_ok=True)
        return sorted(root / "docs" / p.relative_to(case / "docs") for p in (case / "docs").rglob("*.md"))
    target = root / "docs" / "es" / "trial.md"
    shutil.copy(case / "trial.md", target)
    return [target]


def errors(output: str) -> list[str]:
    """The `path:line: problem — fix` lines of a check's output that are errors (not warnings)."""
    return sorted(line for line in output.splitlines() if re.match(r"^\S+:\d+: (?!warning: )", line))


@pytest.mark.fixture_cases
def test_the_base_passes_check_and_build(checked_project):
    result = run_docs(checked_project.root, "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(": 0 errors, 0 warnings.")
    build = checked_project.build()
    assert build.returncode == 0, build.output


@pytest.mark.fixture_cases
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_check_and_build_refuse_each_bad_input_alike(checked_project, scenario):
    """The check's exact message (file, line, what is wrong, how to fix) and exit status; the
    strict build logs the same errors, in the same words, and fails on them."""
    paths = submit(checked_project.root, scenario)
    before = [path.read_bytes() for path in paths]
    result = run_docs(checked_project.root, "check", *map(str, paths))
    expected = (CASES / scenario / "expected.txt").read_text(encoding="utf-8")
    assert result.stderr == expected
    assert result.returncode == (1 if errors(expected) else 0)
    assert [path.read_bytes() for path in paths] == before, "a check must leave the files untouched"
    build = checked_project.build()
    assert sorted(BUILD_ERROR.findall(build.output)) == errors(expected)
    assert "Traceback" not in build.output + result.stderr
    assert (build.returncode != 0) == bool(errors(expected)), build.output


@pytest.mark.fixture_cases
@pytest.mark.parametrize("scenario", ["bom", "windows_line_endings"])
def test_a_page_is_published_in_its_language_however_it_was_saved(checked_project, scenario):
    """A byte order mark or Windows line endings never turn a translation into the English page."""
    submit(checked_project.root, scenario)
    assert project_catalogue(checked_project.root).state("es", "trial.md") == model.TRANSLATED
    build = checked_project.build()
    assert build.returncode == 0, build.output
    html = (build.site / "es" / "trial" / "index.html").read_text(encoding="utf-8")
    assert "pp-notice--missing" not in html and "La fase de prueba suele durar" in html
    assert (CASES / scenario / "trial.md").read_bytes() == (checked_project.root / "docs" / "es" / "trial.md").read_bytes()


@pytest.mark.fixture_cases
def test_unsafe_html_is_never_published_even_as_markup(checked_project):
    submit(checked_project.root, "script_tag")
    build = checked_project.build()
    assert build.returncode != 0
    assert "<script>alert(1)</script>" not in (build.site / "es" / "trial" / "index.html").read_text(encoding="utf-8")


# --- the real pages ---------------------------------------------------------------------------


def test_every_real_page_passes_the_gate():
    """Errors fail; warnings (an outdated translation, a line that looks English) are reported in the summary."""
    result = run_docs(REPO, "check")
    assert result.returncode == 0, result.stderr
    assert errors(result.stderr) == []


def translated_pages() -> list[tuple[str, str]]:
    catalogue = GATE.catalogue
    return [
        (lang.code, name)
        for lang in catalogue.languages[1:]
        for name in catalogue.pages
        if catalogue.state(lang.code, name) in (model.TRANSLATED, model.OUTDATED)
        and not [p for p in GATE.check_file(model.page_file(lang.code, name)) if p.severity == "error"]
    ]


MUTATIONS = (
    "add_link",
    "add_image",
    "add_heading",
    "add_item",
    "drop_item",
    "change_number",
    "drop_number",
    "swap_numbers",
    "add_raw_link",
)


def mutate(body: str, kind: str, pick: int) -> str | None:
    """The page's body with one change a reader would get, or None when the page has nothing to change."""
    lines = body.split("\n")
    items = [i for i, line in enumerate(lines) if re.match(r"^\s*(?:[-*+]|\d+\.)\s+\S", line)]
    figures = [  # what readers see: not heading ids, link targets or the numbers of a numbered list (the list numbers itself)
        (i, m)
        for i, line in enumerate(lines)
        for m in re.finditer(r"\d+", line)
        if not re.match(r"^\s*\d+\.\s", line[: m.end() + 2]) and not re.search(r"(\{#|\]\()[^)}]*$", line[: m.start()])
    ]
    paragraph = next((i for i, line in enumerate(lines) if line.strip() and not re.match(r"^\s*(?:#|[-*+]\s|\d+\.\s|\{\{)", line)), None)
    if kind == "add_link" and paragraph is not None:
        lines[paragraph] += " [aquí](https://example.com/pay)"
    elif kind == "add_raw_link" and paragraph is not None:
        lines[paragraph] += ' <a href="https://example.com/pay">aquí</a>'
    elif kind == "add_image" and paragraph is not None:
        lines[paragraph] += " ![](../assets/favicon.svg)"
    elif kind == "add_heading":
        lines.insert(len(lines), "\n## Más {#mas}\n\nTexto.")
    elif kind == "add_item" and items:
        at = items[pick % len(items)]
        lines.insert(at + 1, re.match(r"^\s*(?:[-*+]|\d+\.)\s+", lines[at]).group(0) + "Otro punto.")
    elif kind == "drop_item" and items:
        del lines[items[pick % len(items)]]
    elif kind in ("change_number", "drop_number") and figures:
        line, match = figures[pick % len(figures)]
        new = str(int(match.group()) + 7) if kind == "change_number" else ""
        lines[line] = lines[line][: match.start()] + new + lines[line][match.end() :]
    elif kind == "swap_numbers" and figures:  # the same numbers on the page, each in the other's sentence
        line_a, a = figures[pick % len(figures)]
        others = [(i, m) for i, m in figures if i != line_a and m.group() != a.group()]
        if not others:
            return None
        line_b, b = others[pick % len(others)]
        lines[line_a] = lines[line_a][: a.start()] + b.group() + lines[line_a][a.end() :]
        lines[line_b] = lines[line_b][: b.start()] + a.group() + lines[line_b][b.end() :]
    else:
        return None
    return "\n".join(lines)


@pytest.mark.skipif(not translated_pages(), reason="no page is translated yet: nothing to change")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_change_to_a_translated_page_that_readers_would_get_is_caught(data):
    lang, name = data.draw(st.sampled_from(translated_pages()))
    kind = data.draw(st.sampled_from(MUTATIONS))
    page = model.read_page(model.page_file(lang, name))
    body = mutate(page.body, kind, data.draw(st.integers(0, 50)))
    assume(body is not None)  # a page without what this change needs: another example
    changed = model.PageSource(page.path, page.meta, body, page.body_line, page.meta_lines)
    found = [p for p in GATE.check_page(changed, lang, name) if p.severity == "error"]
    assert found, f"{kind} in {lang}/{name} was not caught"


# --- no crash, whatever the input ------------------------------------------------------------

front_matter_values = st.one_of(st.text(max_size=30), st.integers(), st.dates(), st.none(), st.lists(st.text(max_size=5), max_size=3))
markdown_lines = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "# Title {#trial-phase}",
            "## Pasos {#trial-steps}",
            "- item 3",
            "1. uno",
            "[x](trial.md#nope)",
            "<b onclick=x>",
            "```",
            "---",
            "Title\n=====",
            "[r][w]\n\n[w]: https://x.example",
            "<a href='javascript&colon;x'>",
            "| a | b |\n| - | - |\n| 1 | 2 |",
            "{{ clinic_details }}",
            "!!! warning\n    text",
        ]
    ),
)


FUZZ_GATES: dict[Path, gate.Gate] = {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    meta=st.dictionaries(
        st.sampled_from(["title", "description", "last_reviewed", "next_review", "source_hash", "translation_review", "x"]),
        front_matter_values,
    ),
    body=st.lists(markdown_lines, max_size=12),
    raw=st.binary(max_size=40),
)
def test_check_never_crashes_on_random_pages(tmp_path, meta, body, raw):
    import yaml

    root = tmp_path / "fuzz"
    if not root.exists():
        project.copy_project(root)
    target = root / "docs" / model.languages()[-1].code / model.page_names()[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
    target.write_bytes(f"---\n{front}---\n".encode() + "\n".join(body).encode("utf-8", "surrogatepass") + raw)
    if root not in FUZZ_GATES:  # one gate per project copy: reading mkdocs.yml the way MkDocs does takes a while
        FUZZ_GATES[root] = gate.Gate.for_project(root)
    problems = FUZZ_GATES[root].check_file(target)
    assert all(isinstance(p, model.Problem) and p.line >= 1 for p in problems)


# --- recorded English versions and diff ----------------------------------------------------------


def test_every_english_version_is_recorded_for_diff():
    missing = [
        name
        for name in model.page_names()
        if not translation.snapshot_path(name, model.source_hash(model.read_page(model.page_file("en", name))), REPO).exists()
    ]
    assert not missing, f"English pages changed without a recorded version: {missing} — run `python scripts/docs.py snapshot`"


@pytest.mark.fixture_cases  # check/base's pages
def test_diff_shows_what_changed_since_the_translated_version(checked_project):
    submit(checked_project.root, "stale_source_hash")
    current = model.source_hash(model.read_page(checked_project.root / "docs" / "en" / "trial.md"))
    result = run_docs(checked_project.root, "diff", "es", "trial.md")
    assert result.returncode == 1
    assert "-The trial phase generally takes place over a few days." in result.stdout
    assert "+The trial phase generally takes place over a few days to a week." in result.stdout
    assert f"set source_hash: {current}" in result.stdout


def test_usage_errors_exit_2():
    assert run_docs(REPO, "check", "docs/no-such-file.md").returncode == 2
    assert run_docs(REPO, "status", "--lang", "xx").returncode == 2
    assert run_docs(REPO, "frobnicate").returncode == 2


@pytest.mark.injected_fault  # the mkdocs.yml it breaks
@pytest.mark.parametrize(
    "breakage", [("theme:", "theme:\n  broken: ["), ("  - toc:", "  - no_such_extension:\n  - toc:")], ids=["yaml", "extension"]
)
def test_a_broken_mkdocs_yml_is_a_message_not_a_traceback(project_copy, breakage):
    config = project_copy.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(*breakage, 1), encoding="utf-8")
    result = run_docs(project_copy.root, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "docs.py: mkdocs.yml cannot be read (" in result.stderr and result.stderr.rstrip().endswith("— fix mkdocs.yml")


# --- the docs/ tree: only real pages and the declared assets ------------------------------------

LINK_FIX = "replace the link with the file itself (a copy), or remove it: docs/ holds only real files and folders"
NOT_A_PAGE = (
    "the file is neither a page nor a declared asset: the build would publish it as it is — remove it; a page is "
    "docs/<language>/<English page name>.md, and a file of the site's own is listed under extra: assets: in mkdocs.yml"
)
TREE_ERRORS = [
    f"docs/es/environ.txt:1: the file is a symbolic link: the build never follows links — {LINK_FIX}",
    f"docs/es/index.md:1: the file is a symbolic link: the build never follows links — {LINK_FIX}",
    f"docs/es/dangling.md:1: the file is a symbolic link: the build never follows links — {LINK_FIX}",
    f"docs/es/a.md:1: the file is a symbolic link: the build never follows links — {LINK_FIX}",
    f"docs/es/b.md:1: the file is a symbolic link: the build never follows links — {LINK_FIX}",
    f"docs/es/page.html:1: {NOT_A_PAGE}",
    f"docs/assets/new.js:1: {NOT_A_PAGE}",
    "docs/es/implantation.md.importing:1: an interrupted `docs.py import` left this file (the page itself was not changed) — "
    "remove it (rm it), then run `python scripts/docs.py import` again with the same file; the page implantation.md is as it was",
    "docs/es/trial.md:1: the page is 300 KiB, over the 256 KiB limit for a page — "
    "split it into pages of a readable length (the longest page of the site is a few KiB)",
]


def spoil_tree(docs: Path) -> None:
    """Everything that must never reach readers from docs/: links of every kind, a non-page, an
    undeclared asset, an import's leftover and an oversized page."""
    es = docs / "es"
    (es / "environ.txt").symlink_to("/proc/self/environ")
    (es / "index.md").unlink()
    (es / "index.md").symlink_to("../en/trial.md")  # a link named like a page: another page under its address
    (es / "dangling.md").symlink_to("nowhere.md")
    (es / "a.md").symlink_to("b.md")
    (es / "b.md").symlink_to("a.md")
    (es / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (docs / "assets" / "new.js").write_text("alert(1)", encoding="utf-8")
    (es / "implantation.md.importing").write_text("half", encoding="utf-8")
    trial = es / "trial.md"
    trial.write_text(trial.read_text(encoding="utf-8") + "\n\n" + "x" * (300 * 1024), encoding="utf-8")


@pytest.mark.fixture_cases
def test_only_pages_and_declared_assets_leave_docs(checked_project):
    """docs.py check (no arguments: it walks the tree, following no link) and the strict build
    refuse each file alike, and the build leaves every refused file out of the site."""
    docs = checked_project.root / "docs"
    spoil_tree(docs)
    result = run_docs(checked_project.root, "check")
    assert errors(result.stderr) == sorted(TREE_ERRORS) and result.returncode == 1, result.stderr
    build = checked_project.build()
    assert sorted(BUILD_ERROR.findall(build.output)) == sorted(TREE_ERRORS)
    assert build.returncode != 0 and "Traceback" not in build.output + result.stderr
    published = {path.name for path in build.site.rglob("*")}
    assert not published & {"environ.txt", "page.html", "new.js", "dangling", "a", "b", "implantation.md.importing"}, published
    assert os.environ.get("HOME", "HOME=") not in "".join(p.read_text(errors="replace") for p in build.site.rglob("*.html"))
    index = (build.site / "es" / "index.html").read_text(encoding="utf-8")
    assert "pp-notice--refused" in index and "trial-steps" not in index  # the English index, not the linked trial page


@pytest.mark.fixture_cases
@pytest.mark.parametrize("link", ["loop", "elsewhere"])
def test_a_link_to_a_folder_stops_the_build_at_once(checked_project, link):
    es = checked_project.root / "docs" / "es"
    (es / "more").symlink_to("." if link == "loop" else str(checked_project.root / "docs" / "en"))
    expected = f"docs/es/more:1: the folder is a symbolic link: the build never follows links — {LINK_FIX}"
    result = run_docs(checked_project.root, "check")
    assert errors(result.stderr) == [expected] and result.returncode == 1
    build = checked_project.build()
    assert BUILD_ERROR.findall(build.output) == [expected]
    assert build.returncode != 0 and "Traceback" not in build.output and not build.site.exists()


@pytest.mark.fixture_cases
def test_yaml_anchors_in_l10n_files_are_refused_with_their_line(checked_project):
    glossary = checked_project.root / "l10n" / "es" / "glossary.yml"
    lines = glossary.read_text(encoding="utf-8").rstrip("\n").split("\n")
    glossary.write_text("\n".join([*lines, "bomb: &a [x, x]", "more: [*a, *a]", ""]), encoding="utf-8")
    expected = (
        f"l10n/es/glossary.yml:{len(lines) + 1}: an anchor (&a) is not allowed — "
        "write each value out in full: anchors (&name) and aliases (*name) are not allowed"
    )
    result = run_docs(checked_project.root, "check")
    assert errors(result.stderr) == [expected] and result.returncode == 1
    build = checked_project.build()
    assert re.findall(r"^ERROR\s+-\s+l10n: (.*)$", build.output, re.M) == [expected]
    assert build.returncode != 0 and "Traceback" not in build.output


def test_one_reader_refuses_every_anchor_and_alias():
    for text, line in [("a: &x 1\n", 1), ("a: 1\nb: *x\n", 2), ("a:\n  - &y {b: 1}\n", 2)]:
        with pytest.raises(model.YAMLAnchorError) as raised:
            model.load_yaml(text)
        assert raised.value.line == line
    assert model.load_yaml("a: [1, 2]\n") == {"a": [1, 2]}


@pytest.mark.fixture_cases
def test_one_build_names_the_problems_of_every_language(project_copy):
    """mkdocs-static-i18n builds one language after another and strict mode stops after the
    first with errors: the gate's verdict on every language is logged at the start, so one
    run names the problems in es and in ar, as `docs.py check` does."""
    for lang in ("es", "ar"):
        page = project_copy.root / "docs" / lang / "trial.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    check = run_docs(project_copy.root, "check")
    found = errors(check.stderr)
    assert {line.split("/")[1] for line in found} == {"es", "ar"}, check.stderr
    build = project_copy.build(languages=["en", "es", "ar"])  # the languages with problems, and the first that logs them
    assert sorted(BUILD_ERROR.findall(build.output)) == found
    assert build.returncode != 0 and "Traceback" not in build.output
