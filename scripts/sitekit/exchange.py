"""Translation exchange with CAT tools and platforms: XLIFF and PO files of a language's
pages and interface strings, its glossary as TBX and its translations as a TMX memory
(each format a class over translate-toolkit's storage classes, in sitekit/formats.py), and
the import that turns a translated file back into pages.

Segments come from the publishing gate's reading of each page (sitekit/segments.py). An
export carries, for every segment of the current English page, its English text and the
translation the page has: *translated* where the English is the one the translation
follows, *needs review* (XLIFF `needs-review-translation`, PO `fuzzy`, with the earlier
English) where that English segment changed since, empty where it is new.

An import checks every page it would write with the gate (`Gate.check_page`) before it
writes anything: one refused segment leaves every file as it was. A page is written only
when all its segments are translated (readers never get half a page); what the file held
that no page can hold yet (translations of unfinished pages, translators' notes) is kept
in `l10n/<lang>/exchange.yml` and comes back in the next export.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitekit import gate, model
from sitekit.formats import (  # noqa: F401 (_set_rich, ADMITTED, DEPRECATED: the tests reach them here)
    ADMITTED,
    DEPRECATED,
    EMPTY,
    EXPORTS,
    FORMATS_BY_SUFFIX,
    PREFERRED,
    REVIEW,
    TBX,
    TMX,
    TRANSLATED,
    Concept,
    ImportProblem,
    Memory,
    Translatable,
    _set_rich,
    exchange_tag,
)
from sitekit.segments import (
    Change,
    Code,
    Page,
    Segment,
    SegmentError,
    Span,
    Text,
    changes,
    code_problems,
    needs_escaping,
    parse_plain,
    plain,
    squeezed,
)

FORMATS = {name: fmt.suffix.removeprefix(".") for name, fmt in EXPORTS.items()}  # `export --format`: its files' suffix
STRINGS = "strings.yml"
POSITIONAL = re.compile(r"/\d+$")  # a block's id inside the project: its position in its section
SLUG_MAX = 48  # characters of a block's exchange id after its section: its kind and first words
NOTE_MAX = 2000  # characters of a translator's note on one segment
FILE_MAX = 20_000_000  # bytes of an imported file (an export of the site is far smaller)
NOT_TEXT = ("date_format",)  # interface settings, not words: set in l10n/<lang>/strings.yml, never exported
KEPT = "kept"  # a Refusal's severity: not an error, the import goes on; what was kept and where it comes back


@dataclass
class Unit:
    """One segment as an exchange file holds it."""

    id: str
    english: Segment  # the current English segment
    target: Text | None
    state: str  # TRANSLATED, REVIEW or EMPTY
    before: Segment | None = None  # for REVIEW: the English the translation was made from
    notes: str = ""
    context: str = ""  # what the English file says about it (a string's comment lines)
    reviewed: bool = False  # the page's translation is reviewed (model.Catalogue.review) and this is its own


@dataclass
class Refusal:
    """A problem that stops an import: where (file, segment or page), what, the fix."""

    file: str
    where: str
    message: str
    fix: str
    severity: str = "error"

    def format(self) -> str:
        label = "" if self.severity in ("error", KEPT) else "warning: "
        where = f"{self.where}: " if self.where else ""
        return f"{self.file}: {where}{label}{self.message} — {self.fix}"


@dataclass
class Outcome:
    problems: list[Refusal] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)  # page -> segments still to translate

    @property
    def refused(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)


class Exchange:
    """The project's pages and strings as segments, for one command."""

    def __init__(self, root: Path = model.REPO) -> None:
        self.root = root
        self.gate = gate.Gate.for_project(root)
        self.catalogue = self.gate.catalogue
        self.english = self.catalogue.default.code
        self._pages: dict[tuple[str, str], Page | None] = {}
        self._ids: dict[str, dict[str, str]] = {}

    # --- reading the project --------------------------------------------------------------------

    def page(self, lang: str, name: str) -> Page | None:
        """The page's segments in `lang` (None: missing, a stub, or unreadable)."""
        key = (lang, name)
        if key not in self._pages:
            path = model.page_file(lang, name, self.root)
            try:
                source = model.read_page(path)
            except (OSError, model.PageError):
                source = None
            if source is None or source.meta.get("untranslated"):
                self._pages[key] = None
            else:
                self._pages[key] = Page(name, source, self.gate.renderer, self.gate.read(source))
        return self._pages[key]

    def english_page(self, name: str) -> Page:
        page = self.page(self.english, name)
        assert page is not None, name
        return page

    def followed(self, lang: str, name: str) -> tuple[Page, bool] | None:
        """The English version the translation follows (current or recorded) and whether it is current."""
        own = self.page(lang, name)
        if own is None:
            return None
        source, _ = self.gate.english_version(own.source, name)
        current = self.english_page(name)
        if (
            source.body == current.source.body
            and source.meta.get("title") == current.source.meta.get("title")
            and source.meta.get("description") == current.source.meta.get("description")
        ):
            return current, True
        return Page(name, source, self.gate.renderer), False

    def page_changes(self, lang: str, name: str) -> tuple[list[Change], list[Segment]]:
        """Each current English segment: the same as in the translation's English version, changed, or new."""
        followed = self.followed(lang, name)
        current = self.english_page(name).segments
        if followed is None:
            return [Change(segment, "new") for segment in current], []
        return changes(followed[0].segments, current)

    def units(self, lang: str, name: str, *, kept: bool = True) -> list[Unit]:
        """The page's segments for an export: English, translation and state, notes (with
        `kept`, what l10n/<lang>/exchange.yml holds for them; without, the page's alone)."""
        own = self.page(lang, name)
        mine = own.by_id if own else {}
        store = self.kept(lang) if kept else Kept({})
        reviewed = self.catalogue.review(lang, name).state == model.REVIEWED
        units = []
        for change in self.page_changes(lang, name)[0]:
            english = change.segment
            unit = Unit(english.id, english, None, EMPTY)
            if change.before is not None and change.before.id in mine:
                target = adopt(mine[change.before.id], english)
                if target is not None:
                    same = change.state == "same" and english.codes.keys() == _codes_of(target)
                    unit = Unit(english.id, english, target, TRANSLATED if same else REVIEW, None if same else change.before)
                    unit.reviewed = same and reviewed
            units.append(store.apply(unit))
        return units

    def string_units(self, lang: str, *, kept: bool = True) -> list[Unit]:
        english = _strings(model.l10n_file(self.english, "strings", self.root))
        own = _strings(model.l10n_file(lang, "strings", self.root))
        store = self.kept(lang) if kept else Kept({})
        comments = string_comments(model.l10n_file(self.english, "strings", self.root))
        units = []
        for key, value in english.items():
            if key in NOT_TEXT:
                continue
            segment = string_segment(key, value)
            mine = own.get(key)
            unit = Unit(segment.id, segment, None, EMPTY)
            if isinstance(mine, str) and mine != value:
                try:
                    unit = Unit(segment.id, segment, parse_plain(mine, segment), TRANSLATED)
                except SegmentError:
                    unit = Unit(segment.id, segment, (mine,), REVIEW)
            unit.context = comments.get(key, "")
            units.append(store.apply(unit))
        return units

    def kept(self, lang: str) -> Kept:
        return Kept.load(kept_file(lang, self.root), self.exchange_id)

    def exchange_ids(self, name: str) -> dict[str, str]:
        """The page's segment ids as exchange files carry them: a block's position in its
        section (`trial.md#trial-steps/3`) becomes its kind and first English words
        (`trial.md#trial-steps/item-write-down-your-pain-levels-2`), so inserting or removing
        a block changes no other segment's id; titles, descriptions and headings keep theirs."""
        if name not in self._ids:
            self._ids[name] = stable_ids(self.english_page(name).segments)
        return self._ids[name]

    def exchange_id(self, id_: str) -> str:
        """A segment's id in exchange files and messages (its own id where it has no other)."""
        name = _page_of(id_)
        if name not in self.catalogue.pages:
            return id_
        return self.exchange_ids(name).get(id_, id_)

    def internal_ids(self, name: str) -> dict[str, str]:
        return {stable: own for own, stable in self.exchange_ids(name).items()}

    # --- export -------------------------------------------------------------------------------------

    def export(self, lang: str, fmt: str, out: Path) -> list[Path]:
        """pages.<ext> and strings.<ext> (XLIFF or PO), glossary.tbx and memory.tmx in out/<lang>/."""
        folder = out / lang
        folder.mkdir(parents=True, exist_ok=True)
        pages = {name: self.units(lang, name) for name in self.catalogue.pages}
        strings = {STRINGS: self.string_units(lang)}
        written = []
        for stem, groups in (("pages", pages), ("strings", strings)):
            path = folder / f"{stem}{EXPORTS[fmt].suffix}"
            path.write_bytes(EXPORTS[fmt].dump(EXPORTS[fmt].store(lang, groups, self.exchange_id, self.header(lang))))
            written.append(path)
        written.append(self._glossary(lang, folder / "glossary.tbx"))
        written.append(self._memory(lang, folder / "memory.tmx"))
        return written

    def header(self, lang: str) -> dict[str, str]:
        """The PO header's fields from the project: created (the English), revised (the newest
        review date of the language's own pages, else created) and the language's team."""
        dates = [str(page.source.meta.get("last_reviewed") or "") for name in self.catalogue.pages if (page := self.page(lang, name))]
        revised = max((d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)), default="")
        return {
            "POT-Creation-Date": self.created(),
            "PO-Revision-Date": f"{revised} 00:00+0000" if revised else self.created(),
            "Language-Team": f"{self.catalogue.language(lang).name} translators of the site",
        }

    def created(self) -> str:
        """The PO files' POT-Creation-Date: the newest English page's last review (the same
        on every export of unchanged English, so tools see no change)."""
        dates = [str(self.english_page(name).source.meta.get("last_reviewed") or "") for name in self.catalogue.pages]
        newest = max((d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)), default="2000-01-01")
        return f"{newest} 00:00+0000"

    def _glossary(self, lang: str, path: Path) -> Path:
        path.write_bytes(TBX.dump(TBX.store(self.concepts(lang), self.english, exchange_tag(lang))))
        return path

    def concepts(self, lang: str) -> list[Concept]:
        """The glossary as a termbase: each English term with the language's approved forms (the
        first preferred, the others admitted), its abbreviation in each language as a term of
        the same entry (CRPS and, in Spanish, SDRC), the forms not to use (`avoid:`) as
        deprecated terms, the comment written above a key as its note; then the units."""
        english = model.glossary(self.english, self.root)
        own = model.glossary(lang, self.root)
        notes = glossary_notes(model.l10n_file(lang, "glossary", self.root))
        english_abbreviations = _mapping(english.get("abbreviations"))
        own_terms, own_abbreviations, avoid = (_mapping(own.get(key)) for key in ("terms", "abbreviations", "avoid"))
        concepts: list[Concept] = []
        terms = {str(term): str(term) for term in _mapping(english.get("terms"))}
        for meaning in english_abbreviations.values():  # an abbreviation of no term: its own entry
            terms.setdefault(str(meaning), str(meaning))
        for term in terms:
            abbreviations = [str(a) for a, meaning in english_abbreviations.items() if str(meaning) == term]
            forms = _forms(own_terms.get(term))
            concept = Concept(
                _slug(term),
                [(term, "fullForm" if abbreviations else "")] + [(a, "abbreviation") for a in abbreviations],
                [(form, ADMITTED if number else PREFERRED, "fullForm" if abbreviations else "") for number, form in enumerate(forms)],
            )
            for short in abbreviations:
                theirs = _their_abbreviation(short, forms, own_abbreviations)
                if theirs:
                    concept.terms.append((theirs, PREFERRED, "abbreviation"))
                    concept.notes += [notes[("abbreviations", theirs)]] if ("abbreviations", theirs) in notes else []
            concept.terms += [(form, DEPRECATED, "") for form in _forms(avoid.get(term))]
            concept.notes = [notes[(group, term)] for group in ("terms", "avoid") if (group, term) in notes] + concept.notes
            concepts.append(concept)
        for word, forms in avoid.items():  # a word not to use for an English word that is not a term (implant)
            if str(word) not in terms:
                note = [notes[("avoid", str(word))]] if ("avoid", str(word)) in notes else []
                concepts.append(Concept(_slug(str(word)), [(str(word), "")], [(f, DEPRECATED, "") for f in _forms(forms)], note))
        own_units = _mapping(own.get("units"))
        for name, english_forms in _mapping(english.get("units")).items():  # the words after a number the gate reads as its unit
            concepts.append(
                Concept(
                    _slug(f"unit {name}"),
                    [(str(name), "")],
                    [(form, ADMITTED if number else PREFERRED, "") for number, form in enumerate(_forms(own_units.get(name)))],
                    entry_note=f"unit written after a number ({', '.join(map(str, english_forms or []))}): keep it with its number",
                )
            )
        used: set[str] = set()
        for concept in concepts:  # an entry's id is unique in the file ("Trial" and "trial" are two)
            number, stem = 1, concept.id
            while concept.id in used:
                number += 1
                concept.id = f"{stem}-{number}"
            used.add(concept.id)
        return concepts

    def _memory(self, lang: str, path: Path) -> Path:
        """Every translated segment with the English it was translated from (an outdated page's
        segments with their older English): words only, codes left out."""
        entries: list[Memory] = []
        seen = set()
        for name in self.catalogue.pages:
            followed, own = self.followed(lang, name), self.page(lang, name)
            if followed is None or own is None:
                continue
            mine = own.by_id
            review = self.catalogue.review(lang, name).state
            date = str(own.source.meta.get("last_reviewed") or "")
            for segment in followed[0].segments:
                theirs = mine.get(segment.id)
                pair = (segment.words, theirs.words if theirs else "")
                if theirs is not None and all(pair) and pair not in seen:
                    seen.add(pair)
                    entries.append(
                        Memory(pair[0], pair[1], f"{name} {segment.kind}" + ("" if followed[1] else " (outdated)"), review, date)
                    )
        for unit in self.string_units(lang):
            if unit.state == TRANSLATED and unit.target is not None:
                entries.append(Memory(unit.english.plain, plain(unit.target, unit.english.codes), unit.id, model.UNREVIEWED))
        path.write_bytes(TMX.dump(TMX.store(entries, self.english, exchange_tag(lang), self.created().split(" ")[0])))
        return path

    # --- import -------------------------------------------------------------------------------------

    def import_files(self, paths: list[Path], *, write: bool = True) -> Outcome:
        outcome = Outcome()
        plans: list[_Plan] = []
        for path in paths:
            shown = path.name
            try:
                lang, units = read_file(path, self)
            except ImportProblem as err:
                outcome.problems.append(Refusal(shown, err.where, err.message, err.fix))
                continue
            sources = units.pop("@english")
            file_ids = {own: theirs for own, (_, theirs, _) in units.pop("@file").items()}
            plans.append(_Plan(self, path, shown, lang, units, sources, outcome, file_ids=file_ids))
        _conflicts(plans, outcome)
        kept: dict[str, Kept] = {}  # one per language, shared by the files of that language
        for plan in plans:
            plan.kept = kept.setdefault(plan.lang, self.kept(plan.lang))
            plan.prepare()
        files: dict[Path, str | None] = {path: text for plan in plans for path, text in plan.files.items()}
        for lang, store in kept.items():
            path, text = kept_file(lang, self.root), store.dump()
            if text != (path.read_text(encoding="utf-8") if path.exists() else ""):
                files[path] = text or None  # None: nothing is kept any more, the file goes
        if outcome.refused or not write:
            return outcome
        outcome.written = write_files(files)
        return outcome


def _conflicts(plans: list[_Plan], outcome: Outcome) -> None:
    """Two files of one import that translate a segment differently: neither is taken over the other."""
    first: dict[tuple[str, str], tuple[str, Text | None, str]] = {}
    for plan in plans:
        for units in plan.units.values():
            for id_, (target, state, _) in units.items():
                if target is None or state == EMPTY:
                    continue
                shown, other, other_state = first.setdefault((plan.lang, id_), (plan.shown, target, state))
                if shown != plan.shown and (other, other_state) != (target, state):
                    outcome.problems.append(
                        Refusal(
                            plan.shown,
                            f"segment {plan.file_ids.get(id_, id_)}",
                            f"{shown} translates this segment differently{' (or marks it for review)' if other == target else ''}",
                            f"keep one translation: correct one of the two files, or import {plan.shown} and {shown} one at a time",
                        )
                    )


STAGED = ".importing"  # a file's temporary name while an import writes it (the gate refuses one left behind)


def write_files(files: dict[Path, str | None]) -> list[Path]:
    """Write every file (None: remove it), all or none: each is staged as a temporary file
    beside its target (`name.importing`), then all are renamed into place; on any failure
    the temporaries are removed and the files already replaced get their old bytes back,
    and the error is raised. Returns the files written."""
    before = {path: path.read_bytes() if path.exists() else None for path in files}
    made: list[Path] = []  # folders this import created
    staged: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for path, text in files.items():
            if text is None:
                continue
            for folder in reversed(path.parents):
                if not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            staged[path] = path.with_name(path.name + STAGED)
            staged[path].write_bytes(text.encode("utf-8"))
        for path, temporary in staged.items():
            temporary.replace(path)
            done.append(path)
        for path, text in files.items():
            if text is None and path.exists():
                path.unlink()
                done.append(path)
    except BaseException:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        for path in reversed(done):
            _restore(path, before[path])
        for folder in reversed(made):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    return list(staged)


def _restore(path: Path, data: bytes | None) -> None:
    """Put a file back as it was before the import (None: it did not exist)."""
    if data is None:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(path.name + STAGED)
    temporary.write_bytes(data)
    temporary.replace(path)


# --- what an imported file means for the project -----------------------------------------------------


@dataclass
class _Plan:
    """One imported file: the pages and strings it changes, checked before anything is written."""

    exchange: Exchange
    path: Path
    shown: str
    lang: str
    units: dict[str, dict[str, tuple[Text | None, str, str]]]  # group -> id -> (target, state, notes)
    sources: dict[str, tuple[Text | None, str, str]]  # id -> (the English the file carries, "", "")
    outcome: Outcome
    files: dict[Path, str] = field(default_factory=dict)  # the pages and strings it writes
    kept: Kept | None = None
    file_ids: dict[str, str] = field(default_factory=dict)  # project id -> the id the file gives the segment

    def refuse(self, where: str, message: str, fix: str, severity: str = "error") -> None:
        if where.startswith("segment "):  # named as the file names it (else as an export would)
            id_ = where.removeprefix("segment ")
            where = f"segment {self.file_ids.get(id_) or self.exchange.exchange_id(id_)}"
        self.outcome.problems.append(Refusal(self.shown, where, message, fix, severity))

    def prepare(self) -> None:
        ex = self.exchange
        for group, units in self.units.items():
            if group == STRINGS:
                self._strings(units)
            elif group not in ex.catalogue.pages:
                if group:
                    self.refuse(f"page {group}", "there is no such English page", f"pages are {', '.join(ex.catalogue.pages)}")
                else:
                    self.refuse("", "a unit has no segment id (its id or msgctxt is empty)", "keep each unit's id as the export wrote it")
            else:
                self._page(group, units)

    def _targets(
        self, english: list[Segment], units: dict[str, tuple[Text | None, str, str]], current: dict[str, Unit], own: dict[str, Unit]
    ) -> dict[str, Text] | None:
        """Each segment's checked translation; None when a segment stops the import. A segment
        the file leaves out keeps what it has (`current`); a translation for review that is
        not the page's own (`own`) is kept for the next export."""
        known = {segment.id for segment in english}
        for id_, (target, _, _) in units.items():
            if id_ not in known and target is not None:
                self.refuse(
                    f"segment {id_}",
                    "the English page no longer has this segment (it was removed since the file was exported): its translation is not used",
                    "nothing to do; export again to get the page's current segments",
                    KEPT,
                )
        targets: dict[str, Text] = {}
        ok = True
        for segment in english:
            target, state, notes = units.get(segment.id, (None, EMPTY, ""))
            assert self.kept is not None
            if segment.id in units:
                self.kept.note(segment, notes)
            else:
                unit = current[segment.id]
                target, state = unit.target, unit.state
            if target is None or state == EMPTY:
                continue
            if state == REVIEW and segment.id in current and target == current[segment.id].target:
                mine = own[segment.id]  # the suggestion the export offered, as it was: the page keeps its own
                if mine.state == TRANSLATED and mine.target is not None:
                    targets[segment.id] = mine.target
                continue
            problems = (
                string_problems(target, segment)
                if segment.kind == "string"
                else code_problems(target, segment)
                + number_problems(target, segment, self.exchange.gate.numbers(self.lang), self.exchange.gate.numbers(self.exchange.english))
            )
            for problem in problems:
                self.refuse(f"segment {problem.segment}", problem.message, problem.fix)
            ok = ok and not problems
            if state == TRANSLATED:
                targets[segment.id] = target
            elif target != own[segment.id].target or own[segment.id].state != REVIEW:
                self.kept.keep(segment, target, state)
        return targets if ok else None

    def _page(self, name: str, units: dict[str, tuple[Text | None, str, str]]) -> None:
        ex = self.exchange
        english = ex.english_page(name)
        current = {unit.id: unit for unit in ex.units(self.lang, name)}
        own = {unit.id: unit for unit in ex.units(self.lang, name, kept=False)}
        units = self._suggestions(english.segments, units, own)
        targets = self._targets(english.segments, units, current, own)
        if targets is None:
            return
        todo = [segment.id for segment in english.segments if segment.id not in targets]
        assert self.kept is not None
        if todo:
            for id_, text in targets.items():
                if own[id_].state != TRANSLATED or own[id_].target != text:
                    self.kept.keep(english.by_id[id_], text, TRANSLATED)
            if len(todo) < len(english.segments):
                self.outcome.waiting[f"{self.lang}/{name}"] = len(todo)
            return
        self.kept.forget_translations(english.segments, _settled(units))
        if all(own[s.id].state == TRANSLATED and own[s.id].target == targets[s.id] for s in english.segments):
            return
        self._write_page(name, english, targets)

    def _suggestions(
        self, english: list[Segment], units: dict[str, tuple[Text | None, str, str]], own: dict[str, Unit]
    ) -> dict[str, tuple[Text | None, str, str]]:
        """The file's units whose English is the current one; a translation made for an English
        that changed since the export is kept in the exchange store as a suggestion (with the
        English it was made for) and comes back marked for review in the next export."""
        taken = dict(units)
        assert self.kept is not None
        for segment in english:
            source = self.sources.get(segment.id)
            if segment.id not in units or source is None or source[0] is None:
                continue
            if shape(source[0], segment.codes) == shape(segment.text, segment.codes):
                continue
            target, _, notes = taken.pop(segment.id)
            self.kept.note(segment, notes)
            if target is None:
                continue
            if own[segment.id].target == target:
                continue  # the page has this translation already
            made_for = source[0]
            self.kept.suggest(
                segment, target, made_for[0] if len(made_for) == 1 and isinstance(made_for[0], str) else plain(made_for, segment.codes)
            )
            self.refuse(
                f"segment {segment.id}",
                "its English changed since this file was exported: the translation is not published, it is kept as a suggestion",
                "export again: it comes back marked for review (fuzzy) with the English it was made for; check it against the new English",
                KEPT,
            )
        return taken

    def _write_page(self, name: str, english: Page, targets: dict[str, Text]) -> None:
        ex = self.exchange
        path = model.page_file(self.lang, name, ex.root)
        own = ex.page(self.lang, name)
        body = [s.id for s in english.segments if s.kind not in ("title", "description")]
        wanted = {id_: shape(targets[id_], english.by_id[id_].codes) for id_ in body}
        escaped: frozenset[str] = frozenset()
        for _ in range(2):  # as written; then with Markdown's characters escaped in the segments that have any
            text, lines = page_text(ex, self.lang, name, english, targets, escaped, own)
            page = model.parse_page(path, text)
            got = {s.id: shape(s.text, s.codes) for s in Page(name, page, ex.gate.renderer).segments}
            misread = [id_ for id_ in body if got.get(id_) != wanted[id_]]
            if not misread or escaped:
                break
            escaped = frozenset(id_ for id_ in body if needs_escaping(targets[id_]))
        for id_ in misread:
            self.refuse(
                f"segment {id_}",
                "the translation does not read back as written once in the page's Markdown",
                "write it without Markdown characters (* _ [ ] ` < #) or report it to the site's editors",
            )
        if misread:
            return
        by_line = {line: id_ for id_, line in lines.items()}
        for problem in ex.gate.check_page(page, self.lang, name):
            where = f"segment {by_line[problem.line]}" if problem.line in by_line else f"page {self.lang}/{name}"
            self.refuse(where, problem.message, problem.fix, problem.severity)
        self.files[path] = text

    def _strings(self, units: dict[str, tuple[Text | None, str, str]]) -> None:
        ex = self.exchange
        current = {unit.id: unit for unit in ex.string_units(self.lang)}
        own = {unit.id: unit for unit in ex.string_units(self.lang, kept=False)}
        english = [unit.english for unit in current.values()]
        units = self._suggestions(english, units, own)
        targets = self._targets(english, units, current, own)
        if not targets:
            return
        values = {
            s.id.split(":", 1)[1]: plain(targets[s.id], s.codes) for s in english if s.id in targets and targets[s.id] != own[s.id].target
        }
        english_values = _strings(model.l10n_file(ex.english, "strings", ex.root))
        for key, value in values.items():  # the rule `docs.py check` and the build apply (model.string_faults)
            for message, fix in model.string_faults(key, value, english_values.get(key), self.lang):
                self.refuse(f"segment {STRINGS}:{key}", message, fix)
        assert self.kept is not None
        self.kept.forget_translations([segment for segment in english if segment.id in targets], _settled(units))
        if not values:
            return
        path = model.l10n_file(self.lang, "strings", ex.root)
        self.files[path] = set_fields(path.read_text(encoding="utf-8") if path.exists() else "", values)


def _settled(units: dict[str, tuple[Text | None, str, str]]) -> set[str]:
    """The ids a file translates (not for review)."""
    return {id_ for id_, (target, state, _) in units.items() if target is not None and state == TRANSLATED}


def _codes_of(text: Text) -> set[str]:
    found: set[str] = set()
    for part in text:
        if isinstance(part, Span):
            found.add(part.code)
            found |= _codes_of(part.parts)
    return found


def shape(text: Text, codes: dict[str, Code]) -> tuple[Text, tuple[tuple[str, str, str], ...]]:
    """A text as reading a written page gives it back: its codes numbered in the order they
    appear, with what each writes (so a translator may reorder codes)."""
    numbers: dict[str, str] = {}

    def walk(parts: Text) -> Text:
        out: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            else:
                numbers.setdefault(part.code, str(len(numbers) + 1))
                out.append(Span(numbers[part.code], walk(part.parts)))
        return tuple(out)

    renumbered = walk(text)
    signatures = tuple(
        (c.kind, c.open, c.close) for n, c in sorted(((numbers[k], codes[k]) for k in numbers if k in codes), key=lambda i: int(i[0]))
    )
    return renumbered, signatures


def string_problems(target: Text, segment: Segment) -> list[SegmentError]:
    """An interface string may leave a {placeholder} out (its language may not need it), never add one."""
    known = {code.open for code in segment.codes.values()}
    return [
        SegmentError(
            segment.id, f"the placeholder {found} is not in the English text", f"use only {', '.join(sorted(known)) or 'no placeholders'}"
        )
        for part in target
        if isinstance(part, str)
        for found in re.findall(r"\{[^{}]*\}", part)
        if found not in known
    ]


def number_problems(target: Text, segment: Segment, own: gate.Numbers, english: gate.Numbers) -> list[SegmentError]:
    """The gate's reading of numbers (with their units, in order), segment by segment."""
    differences = gate.figure_differences(own.read(_readable(target, segment.codes)), english.read(_readable(segment.text, segment.codes)))
    return [SegmentError(segment.id, message, fix) for message, fix in differences]


def _readable(text: Text, codes: dict[str, Code]) -> str:
    """A segment's words as readers read them (an image's code left out)."""
    return "".join(
        part if isinstance(part, str) else _readable(part.parts, codes)
        for part in text
        if isinstance(part, str) or codes.get(part.code, Code("x", "")).kind not in ("image",)
    )


def adopt(own: Segment, english: Segment) -> Text | None:
    """A translated segment's text with the English segment's code numbers (a translator may
    put the codes in another order): None when its codes are not the English segment's."""
    free = dict(english.codes)
    numbers: dict[str, str] = {}
    for number, code in own.codes.items():
        match = next((n for n, c in free.items() if (c.kind, c.open, c.close) == (code.kind, code.open, code.close)), None)
        if match is None:
            return None
        numbers[number] = match
        del free[match]

    def walk(parts: Text) -> Text:
        return tuple(p if isinstance(p, str) else Span(numbers[p.code], walk(p.parts)) for p in parts)

    return walk(own.text)


# --- writing a page -----------------------------------------------------------------------------------


def page_text(
    ex: Exchange, lang: str, name: str, english: Page, targets: dict[str, Text], escaped: frozenset[str], own: Page | None
) -> tuple[str, dict[str, int]]:
    """The translated page: its own front matter (every field kept, the translated ones set,
    source_hash the current English version) and the English page's blocks with the translation's words."""
    path = model.page_file(lang, name, ex.root)
    values = {key: plain(targets[f"{name}:{key}"], {}) for key in ("title", "description")}
    values["source_hash"] = model.source_hash(english.source, ex.root)
    head = _front_matter(path, english.source)
    head = set_fields(head, values, remove=("untranslated",))  # a review lives in l10n/<lang>/reviews.yml: new words lapse it
    same_blocks = own is not None and len(own.structure.blocks) == len(english.structure.blocks)
    body, lines = english.markdown(targets, escaped, own.comments if own is not None and same_blocks else {})
    body_line = head.count("\n") + 3  # ---, the fields, ---
    lines = {id_: body_line + line for id_, line in lines.items()}
    meta = model.compose_yaml(head) if head.strip() else None
    if meta is not None:
        for key_node, _ in meta.value:
            if key_node.value in ("title", "description"):
                lines[f"{name}:{key_node.value}"] = key_node.start_mark.line + 2
    return model.format_page(head, body), lines


def _front_matter(path: Path, english: model.PageSource) -> str:
    """The translation's own front matter text (a new page, or one whose front matter cannot
    be read: the English page's dates)."""
    if path.exists():
        try:
            return model.read_page(path).front_matter
        except model.PageError:
            pass
    return set_fields("", {key: str(english.meta.get(key, "")) for key in ("title", "description", *model.DATE_FIELDS)})


def set_fields(text: str, values: dict[str, str], remove: tuple[str, ...] = ()) -> str:
    """YAML mapping text with `values` set (each key's lines replaced, or added at the end) and
    `remove` taken out; every other line, comments included, stays as it was."""
    lines = text.split("\n") if text else []
    if lines and lines[-1] == "":
        lines.pop()
    node = model.compose_yaml("\n".join(lines)) if lines else None
    spans: dict[str, tuple[int, int, str]] = {}  # key -> its first line, the line after it, a comment after its value
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            end = value_node.end_mark
            after = lines[end.line][end.column :] if end.column and end.line < len(lines) else ""
            comment = after if after.strip().startswith("#") else ""
            spans[str(key_node.value)] = (
                key_node.start_mark.line,
                max(end.line + (1 if end.column else 0), key_node.start_mark.line + 1),
                comment,
            )
    current = model.load_yaml("\n".join(lines)) if lines else {}
    current = current if isinstance(current, dict) else {}

    def dumped(key: str) -> str:
        return yaml.safe_dump({key: values[key]}, allow_unicode=True, width=math.inf, sort_keys=False).rstrip("\n")

    for key in sorted((k for k in spans if k in values or k in remove), key=lambda k: -spans[k][0]):  # from the end: lines stay put
        start, end, comment = spans[key]
        if key in remove:
            del lines[start:end]
        elif str(current.get(key)) != values[key]:
            lines[start:end] = [dumped(key) + comment]
    lines += [dumped(key) for key in values if key not in spans and key not in remove]
    return "".join(line + "\n" for line in lines)


# --- interface strings ------------------------------------------------------------------------------


def _strings(path: Path) -> dict[str, Any]:
    data = model.read_yaml_file(path)
    return data if isinstance(data, dict) else {}


def string_comments(path: Path) -> dict[str, str]:
    """The comment lines written just above each key of a strings file (the file's opening
    comment, from its first line, is about the whole file, not a key)."""
    found: dict[str, str] = {}
    block: list[str] = []
    heading = True  # still in the comment the file opens with
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return found
    for line in lines:
        if line.startswith("#"):
            block.append(line.lstrip("#").strip())
            continue
        if re.match(r"[A-Za-z_]\w*:", line) and block and not heading:
            found[line.split(":", 1)[0]] = " ".join(block)
        block, heading = [], False
    return found


def glossary_notes(path: Path) -> dict[tuple[str, str], str]:
    """The comment lines written just above a key of a glossary's `terms:`, `abbreviations:`
    and `avoid:` (guidance such as words not to use), by (section, key)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return {}
    found: dict[tuple[str, str], str] = {}
    block: list[str] = []
    section = ""
    for line in lines:
        key = re.match(r"""\s+(?:"([^"]+)"|'([^']+)'|([^\s#"'][^:]*?))\s*:(?:\s|$)""", line)
        if re.match(r"[A-Za-z_]\w*:", line):
            section, block = line.split(":", 1)[0], []
        elif line.lstrip().startswith("#") and line.startswith(" "):
            block.append(line.strip().lstrip("#").strip())
        elif key and section in ("terms", "abbreviations", "avoid"):
            if block:
                found[(section, next(g for g in key.groups() if g))] = " ".join(block)
            block = []
        else:
            block = []
    return found


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _forms(value: Any) -> list[str]:
    """A glossary value's forms: one, or a list; empty ones left out."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(form) for form in values if isinstance(form, str) and form.strip()]


def _slug(text: str) -> str:
    """An XML id for a termbase entry, from its English term."""
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())
    return "term-" + "-".join(words)


def _their_abbreviation(short: str, forms: list[str], theirs: dict[Any, Any]) -> str | None:
    """The language's abbreviation of a term: the same letters (FBSS), or one whose meaning is
    the term's approved form (SDRC: síndrome de dolor regional complejo, for CRPS)."""
    if short in theirs:
        return short
    wanted = {form.casefold() for form in forms}
    return next((str(mine) for mine, meaning in theirs.items() if str(meaning).strip().casefold() in wanted), None)


def string_segment(key: str, value: Any) -> Segment:
    """An interface string as a segment: its {placeholders} as codes."""
    text: list[Any] = []
    codes: dict[str, Code] = {}
    position = 0
    value = str(value)
    for match in re.finditer(r"\{[A-Za-z_]\w*\}", value):
        text.append(value[position : match.start()])
        number = next((n for n, c in codes.items() if c.open == match.group()), None) or str(len(codes) + 1)
        codes[number] = Code("placeholder", match.group(), paired=False, detail=match.group())
        text.append(Span(number))
        position = match.end()
    text.append(value[position:])
    return Segment(f"{STRINGS}:{key}", "string", tuple(p for p in text if p != ""), codes)


# --- what no page can hold yet -------------------------------------------------------------------------


def kept_file(lang: str, root: Path) -> Path:
    return model.l10n_file(lang, "strings", root).parent / "exchange.yml"


@dataclass
class Kept:
    """l10n/<lang>/exchange.yml: translators' notes, and translations that wait for their page
    (a page is written only once all its segments are translated), each with its English."""

    entries: dict[str, dict[str, str]]  # by exchange id (Exchange.exchange_id), which a block keeps when others move
    ids: Callable[[str], str] = lambda id_: id_

    @classmethod
    def load(cls, path: Path, ids: Callable[[str], str] = lambda id_: id_) -> Kept:
        data = model.read_yaml_file(path)
        return cls({str(k): dict(v) for k, v in (data or {}).items() if isinstance(v, dict)}, ids)

    def entry(self, id_: str) -> dict[str, str] | None:
        """What is kept for a segment (its project id), under its exchange id (or, kept by an
        earlier version of this tool, its project id)."""
        stable = self.ids(id_)
        if stable != id_ and id_ in self.entries and stable not in self.entries:
            self.entries[stable] = self.entries.pop(id_)
        return self.entries.get(stable)

    def _entry(self, id_: str) -> dict[str, str]:
        found = self.entry(id_)
        if found is None:
            found = self.entries[self.ids(id_)] = {}
        return found

    def dump(self) -> str:
        entries = {key: value for key, value in sorted(self.entries.items()) if value.get("note") or "translation" in value}
        if not entries:
            return ""
        head = "# Kept by `docs.py import`: translators' notes, and translations waiting for the rest of their page.\n"
        return head + yaml.safe_dump(entries, allow_unicode=True, width=math.inf, sort_keys=False)

    def apply(self, unit: Unit) -> Unit:
        entry = self.entry(unit.id)
        if not entry:
            return unit
        unit.notes = entry.get("note", "")
        if "translation" in entry and entry.get("english") == unit.english.plain:
            try:
                unit.target = parse_plain(entry["translation"], unit.english)
                unit.state = TRANSLATED if entry.get("state") == TRANSLATED else REVIEW
            except SegmentError:  # a suggestion made for an English with other codes: offered as it is
                unit.target, unit.state = (entry["translation"],), REVIEW
            if "made_for" in entry:
                unit.state = REVIEW
                unit.before = Segment(unit.id, unit.english.kind, (entry["made_for"],))
        return unit

    def suggest(self, segment: Segment, target: Text, made_for: str) -> None:
        """A translation made for an earlier English (`made_for`): for review, never published as it is."""
        entry = self._entry(segment.id)
        entry.update(english=segment.plain, translation=plain(target, segment.codes), state=REVIEW, made_for=made_for)

    def note(self, segment: Segment, notes: str) -> None:
        entry = self._entry(segment.id)
        if notes.strip():
            entry["note"] = notes.strip()
        else:
            entry.pop("note", None)

    def keep(self, segment: Segment, target: Text, state: str) -> None:
        entry = self._entry(segment.id)
        entry.update(english=segment.plain, translation=plain(target, segment.codes), state=state)
        if state == TRANSLATED:
            entry.pop("made_for", None)

    def forget_translations(self, segments: list[Segment], settled: set[str] | frozenset[str] = frozenset()) -> None:
        """The translations kept for these segments (now in their page); a suggestion stays
        until the segment is translated (`settled`: ids the import translated)."""
        for segment in segments:
            entry = self.entry(segment.id)
            if entry and ("made_for" not in entry or segment.id in settled):
                for key in ("english", "translation", "state", "made_for"):
                    entry.pop(key, None)


def read_file(path: Path, ex: Exchange) -> tuple[str, dict[str, dict[str, tuple[Text | None, str, str]]]]:
    """An exchange file's language and its units, grouped by page (and STRINGS), plus the
    English each unit carries under '@english'."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportProblem("", f"cannot be read ({err.strerror})", "give the path of an exported .xlf or .po file") from None
    if len(data) > FILE_MAX:
        raise ImportProblem(
            "",
            f"is {len(data) / 1e6:.1f} MB, more than an export of this site can be ({FILE_MAX // 1_000_000} MB)",
            "import the file your tool saved from the export; send attachments to the site's editors, not inside the file",
        )
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.casefold())
    if not isinstance(fmt, Translatable):
        raise ImportProblem("", "is neither XLIFF (.xlf) nor PO (.po)", "import the .xlf or .po file an export wrote, translated")
    fmt.check_bytes(data)
    try:
        store = fmt.parse(data)
    except Exception as err:  # translate-toolkit raises lxml's and its own errors
        raise ImportProblem("", f"cannot be read as {fmt.name} ({err})", "import the file as your tool saved it from the export") from None
    codes = [language.code for language in ex.catalogue.languages[1:]]
    given = fmt.languages(store)
    if len(set(given)) > 1:
        raise ImportProblem(
            "",
            f"its <file> elements give different target languages ({', '.join(sorted(set(given)))})",
            "import one file per language, as the export wrote it",
        )
    lang = given[0] if given else ""
    lang = next((code for code in codes if exchange_tag(code).casefold() == lang.replace("_", "-").casefold()), lang)
    if lang.casefold() not in [code.casefold() for code in codes]:
        base = next((code for code in codes if code.casefold() == lang.replace("_", "-").split("-")[0].casefold()), None)
        tags = ", ".join(exchange_tag(code) for code in codes)
        raise ImportProblem(
            "",
            f"its target language is '{lang}', not a translated language of the site ({tags})"
            + (
                f": the site has one translation for all readers of '{base}', tagged '{exchange_tag(base)}'; a variant is not taken as it"
                if base
                else ""
            ),
            f"import a file translated for {exchange_tag(base)} (target language '{exchange_tag(base)}'), or ask the site's editors to add '{lang}' as a language"
            if base
            else "import a file exported for one of those languages",
        )
    lang = next(code for code in codes if code.casefold() == lang.casefold())
    groups: dict[str, dict[str, tuple[Text | None, str, str]]] = {"@english": {}}
    english_pages: dict[str, dict[str, Segment]] = {}

    def tidy(text: Text) -> Text:  # a page's words as readers get them; an interface string exactly
        return text if group == STRINGS else squeezed(text)

    strings = {unit.id: unit.english for unit in ex.string_units(lang)}
    seen: dict[str, str] = {}  # id -> where the file has it first
    place_of = fmt.places(data)
    files: dict[str, tuple[Text | None, str, str]] = {}  # project id -> (None, the file's id, "")
    groups["@file"] = files
    direct: set[str] = set()  # the project ids the file's ids name as they are
    for item in store.units:
        id_ = fmt.unit_id(item)
        name = _page_of(id_)
        if name in ex.catalogue.pages and not id_.startswith(f"{STRINGS}:"):
            english_pages.setdefault(name, ex.english_page(name).by_id)
            own = ex.internal_ids(name).get(id_, id_)
            if own in english_pages[name]:
                direct.add(own)
    for item in store.units:
        if item.isheader() or item.isobsolete():
            continue
        id_ = fmt.unit_id(item)
        place = place_of(item, id_)
        if id_ in seen:
            raise ImportProblem(
                f"segment {id_}",
                f"the file has this segment twice ({seen[id_]} and {place}): only one translation can be taken",
                "keep one of the two units and import the file again",
            )
        seen[id_] = place
        group = STRINGS if id_.startswith(f"{STRINGS}:") else _page_of(id_)
        file_id, id_ = id_, _resolve(ex, group, id_, fmt.source_plain(item), direct)
        if id_ in files and files[id_][1] != file_id:
            raise ImportProblem(
                f"segment {file_id}",
                f"the file has this segment twice ({files[id_][1]} and {file_id}, {place}): only one translation can be taken",
                "keep one of the two units and import the file again",
            )
        files[id_] = (None, file_id, "")
        english = strings.get(id_) if group == STRINGS else english_pages.get(group, {}).get(id_)
        if english is None:
            raw = fmt.target_plain(item)
            groups.setdefault(group, {})[file_id] = ((raw,) if raw.strip() else None, EMPTY if not raw.strip() else TRANSLATED, "")
            continue
        try:
            source = tidy(fmt.source_text(item, english))
        except SegmentError:  # the English changed since the export (its codes with it)
            source = (fmt.source_plain(item),)
        changed = shape(source, english.codes) != shape(english.text, english.codes)
        try:
            target, state = fmt.target(item, english)
            target = None if target is None else tidy(target)
        except SegmentError as err:
            if not changed:
                raise ImportProblem(f"segment {file_id}", err.message, err.fix) from None
            # made for an earlier English with other codes: kept as it is, for review
            target, state = (fmt.target_plain(item),), REVIEW
        notes = fmt.notes(item)
        if len(notes) > NOTE_MAX:
            raise ImportProblem(
                f"segment {id_}",
                f"its translator's note is {len(notes)} characters long (at most {NOTE_MAX}): it would be stored with the translations",
                "shorten the note; send long material (documents, screenshots) to the site's editors",
            )
        groups["@english"][id_] = (source, "", "")
        groups.setdefault(group, {})[id_] = (target, state, notes)
    return lang, groups


def stable_ids(segments: list[Segment]) -> dict[str, str]:
    """Each segment's exchange id (Exchange.exchange_ids) among a page's segments: a block's
    kind and first English words after its section, `~2` for a second block that begins alike."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for segment in segments:
        match = POSITIONAL.search(segment.id)
        if match is None:
            ids[segment.id] = segment.id
            continue
        words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", segment.words).encode("ascii", "ignore").decode().lower())
        slug = segment.kind
        for word in words:
            if len(slug) + len(word) + 1 > SLUG_MAX:
                break
            slug += "-" + word
        stable, number = f"{segment.id[: match.start()]}/{slug}", 1
        while stable in used:
            number += 1
            stable = f"{segment.id[: match.start()]}/{slug}~{number}"
        used.add(stable)
        ids[segment.id] = stable
    return ids


def _page_of(id_: str) -> str:
    return id_.split(":", 1)[0].split("#", 1)[0].split("/", 1)[0]


def _resolve(ex: Exchange, group: str, id_: str, source: str, direct: set[str]) -> str:
    """The project id of a file's segment: by its exchange id; by its project id (a file
    exported by an earlier version of this tool: the English it carries is compared all the
    same); or, for a block whose English changed since the export (so did its id), the block
    of its section and kind whose English is most like the file's, if no other unit has it."""
    if group == STRINGS or group not in ex.catalogue.pages:
        return id_
    english = ex.english_page(group).by_id
    own = ex.internal_ids(group).get(id_, id_)
    if own in english:
        return own
    section, _, slug = id_.rpartition("/")
    kind = slug.split("-", 1)[0]
    best, ratio = id_, 0.6
    for segment_id, stable in ex.exchange_ids(group).items():
        if segment_id in direct or stable.rpartition("/")[0] != section or not stable.rpartition("/")[2].startswith(kind + "-"):
            continue
        score = difflib.SequenceMatcher(None, source, english[segment_id].plain, autojunk=False).ratio()
        if score > ratio:
            best, ratio = segment_id, score
    if best != id_:
        direct.add(best)
    return best


# --- status and diff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentCount:
    total: int
    changed: int  # changed or new since the English version the translation follows
    waiting: int = 0  # translated, kept in l10n/<lang>/exchange.yml until the page is complete
    suggested: int = 0  # kept there for review (made for an earlier English, or marked for review)


def segment_count(ex: Exchange, lang: str, name: str) -> SegmentCount:
    current, _ = ex.page_changes(lang, name)
    english = {change.segment.id: change.segment.plain for change in current}
    kept = ex.kept(lang) if lang != ex.english else Kept({})
    held = [e for id_ in english if (e := kept.entry(id_)) and "translation" in e and e.get("english") == english[id_]]
    waiting = sum(1 for e in held if e.get("state") == TRANSLATED and "made_for" not in e)
    return SegmentCount(len(current), sum(1 for change in current if change.state != "same"), waiting, len(held) - waiting)
