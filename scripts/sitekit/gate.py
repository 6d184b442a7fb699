"""The publishing gate: every rule a page must pass before readers get it, in one place.

`scripts/docs.py check` (translators, pre-commit) and the strict build
(scripts/sitekit/build/page_source.py) both run `Gate.check_file` on every page, and
`Gate.layout_problems` on the docs folder: what one refuses, the other refuses, with the
same `path:line: problem — fix`.

Pages are read as readers get them (sitekit/structure.py: the build's own Python-Markdown).
Every page: readable front matter; HTML only through the allowlist below (nh3, the
Ammonia sanitizer: what it would remove is refused); images from the site itself; links
to pages and sections that exist; `{{ markers }}` the build fills in; no invisible bidi or
zero-width characters, and digits only of the language's own systems. English pages:
every heading has an explicit, unique id; links leave the site only for the hosts listed
in mkdocs.yml (`extra.link_hosts`). A translation is compared with the English version it
follows (the current page, or the recorded one in l10n/history/ when it is outdated):
the same headings (level, id and order, each id once), the same blocks section by section
(paragraphs, list items and nesting, tables, boxes and whether they have a title), the same
numbers segment by segment, in order, with their units (read as readers read them: digits,
number words, fractions, attributes, the title and description; the glossary's `units:`
and `numbers:`), no tooltip the English page lacks, the same link targets, images,
markers and raw HTML, and the glossary's approved terms.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitekit import model, sanitizer, translation
from sitekit.structure import GENERATED_ID_PREFIX, Block, Item, Locator, Renderer, Segment, StartTag, Structure, western

# --- what HTML a page may hold (sitekit/sanitizer.py): what the site's Markdown makes, nothing that runs or loads
ALLOWED_TAGS = sanitizer.ALLOWED_TAGS
RUNS_CODE = frozenset({"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style", "svg", "math", "frame"})
PAGE_MARKERS = {"clinic_details": "the clinic's details (extra.clinic in mkdocs.yml)"}  # filled in by scripts/sitekit/build/clinic.py

PLAIN_MARKDOWN = "remove it; write plain Markdown (links as [text](page.md))"
SAME_BLOCKS = (
    "translate the English section block for block: each paragraph, list item and table cell in its place "
    "(do not merge, split, add or drop them)"
)
ENGLISH_STOP_WORDS = frozenset(
    "the and you your is are of to with for will can that this be have or from in it not during over an at on by if may what "  # noqa: SIM905
    "how when about after before some their there which who".split()
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")

# --- what readers read as numbers --------------------------------------------------------------
# Digits a language's readers read as digits: Western 0-9 everywhere, and the language's own
# system where it has one. Look-alikes of other scripts (Bengali ৪ reads as 8, full-width ２４)
# are refused.
WESTERN_DIGITS = "0123456789"
OWN_DIGITS = {"ar": "٠١٢٣٤٥٦٧٨٩", "fa": "۰۱۲۳۴۵۶۷۸۹", "ur": "۰۱۲۳۴۵۶۷۸۹"}
# Characters a reader does not see that change what is shown: bidi marks, embeddings,
# overrides and isolates (an override makes 24 display as 42), and zero-width characters.
INVISIBLE = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff")
KEEP_NUMBERS = "keep every number and duration exactly (Western digits)"
SAME_NUMBERS = "use the same numbers as the English page"
FIGURE = re.compile(r"(?P<num>\d+)\s*/\s*(?P<den>\d+)|(?P<figure>\d+(?:[.,٫٬]\d+)*)(?:\s*(?P<and>[½¼¾⅓⅔]))?|(?P<vulgar>[½¼¾⅓⅔])")
VULGAR = {"½": Fraction(1, 2), "¼": Fraction(1, 4), "¾": Fraction(3, 4), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3)}
CJK_NUMERAL = re.compile(r"[零〇一二两兩三四五六七八九十百千万萬]+")
CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CJK_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "萬": 10_000}
BETWEEN_NUMBER_AND_UNIT = r"[\s\u00a0-]*(?:个|個)?"  # '24 hours', '3-day', '24小时', '两个月'


@dataclass(frozen=True)
class Figure:
    """A number as readers read it (its value, whatever the digits or words) and the unit after it
    (its English name in the glossaries' `units:`, '' when none)."""

    value: str
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.value} {self.unit}".strip()


class Numbers:
    """A language's numbers, read from its glossary (l10n/<lang>/glossary.yml): `units:` (English
    unit -> the words written after a number), `numbers:` (value -> words for it),
    `numbers_before_a_unit:` (words that are numbers only when a unit follows),
    `not_numbers:` (words that contain a number word but say none: 十分, 'very') and
    `prefixes:` (letters written onto a number word: Arabic و ف ب ل ك)."""

    def __init__(self, glossary: dict[str, Any]) -> None:
        def forms(entry: Any) -> list[str]:
            return [str(f) for f in (entry if isinstance(entry, list) else [entry]) if isinstance(f, str | int) and str(f).strip()]

        def table(key: str) -> dict[str, str]:
            found = glossary.get(key)
            return {
                form.casefold(): str(name) for name, entry in (found.items() if isinstance(found, dict) else []) for form in forms(entry)
            }

        self.units, self.words, self.before_a_unit = table("units"), table("numbers"), table("numbers_before_a_unit")
        not_numbers = glossary.get("not_numbers")
        self.not_numbers = [f.casefold() for f in forms(not_numbers)] if isinstance(not_numbers, list) else []
        prefixes = _alternatives(forms(glossary.get("prefixes")) if isinstance(glossary.get("prefixes"), list) else [])
        self._prefix = f"(?:{prefixes})?" if prefixes else ""
        self._words = _alternatives([*self.words, *self.before_a_unit])
        units = _alternatives(list(self.units))
        self._unit = re.compile(BETWEEN_NUMBER_AND_UNIT + f"({units})", re.I) if units else None

    def read(self, text: str) -> list[Figure]:
        """The figures of a text, in order, each with the unit that follows it."""
        text = text.casefold()
        for phrase in self.not_numbers:
            text = text.replace(phrase, " " * len(phrase))
        found: list[tuple[int, int, str, bool]] = []  # start, end, value, only before a unit
        for match in FIGURE.finditer(text):
            found.append((match.start(), match.end(), _figure_value(match), False))
        for match in CJK_NUMERAL.finditer(text):
            if match.group() != "一" and not any(start <= match.start() < end for start, end, _, _ in found):  # 一 alone: 'a', as in 一周
                found.append((match.start(), match.end(), _decimal(Fraction(_cjk_value(match.group()))), False))
        if self._words:
            for match in re.finditer(rf"(?<!\w){self._prefix}({self._words})(?!\w)", text):
                word = match.group(1)
                value = self.words.get(word) or self.before_a_unit[word]
                found.append((match.start(), match.end(), value, word not in self.words))
        figures = []
        for _start, end, value, needs_unit in sorted(found):
            unit = self._unit_at(text, end)
            if unit or not needs_unit:
                figures.append(Figure(value, unit))
        return figures

    def _unit_at(self, text: str, end: int) -> str:
        match = self._unit.match(text, end) if self._unit else None
        if not match:
            return ""
        after = text[match.end() : match.end() + 1]
        form = match.group(1)
        if after and after.isalpha() and not _is_cjk(form[-1]):
            return ""  # a word that only starts like a unit ('days' in 'daysbed')
        return self.units[form]


def _alternatives(forms: list[str]) -> str:
    return "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _figure_value(match: re.Match[str]) -> str:
    if match.group("num"):
        return _decimal(Fraction(int(western(match.group("num"))), int(western(match.group("den"))) or 1))
    if match.group("vulgar"):
        return _decimal(VULGAR[match.group("vulgar")])
    figure = western(match.group("figure"))
    if match.group("and"):
        return _decimal(Fraction(figure) + VULGAR[match.group("and")]) if figure.count(".") <= 1 else figure
    return figure


def _decimal(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


def _cjk_value(numeral: str) -> int:
    """二十四 -> 24, 十二 -> 12, 一百零五 -> 105, 两 -> 2."""
    total, section, digit = 0, 0, 0
    for char in numeral:
        if char in CJK_DIGITS:
            digit = CJK_DIGITS[char]
        elif CJK_POWERS[char] == 10_000:
            total += (section + digit) * 10_000
            section, digit = 0, 0
        else:
            section += (digit or 1) * CJK_POWERS[char]
            digit = 0
    return total + section + digit


# --- what docs/ may hold: pages and the declared assets (mkdocs.yml, extra: assets:), nothing else -
PAGE_SIZE_LIMIT = model.PAGE_SIZE_LIMIT  # why 256 KiB: see sitekit/model/pages.py
IMPORT_LEFTOVER = ".importing"  # the temporary name `docs.py import` stages a file under (sitekit/exchange.py: STAGED)
SYMLINK_FIX = "replace the link with the file itself (a copy), or remove it: docs/ holds only real files and folders"
LEFTOVER_FIX = "remove it (rm it), then run `python scripts/docs.py import` again with the same file; the page {page} is as it was"


@dataclass
class Gate:
    """The rules, with what they need: the project's pages, languages, Markdown and link hosts."""

    root: Path
    catalogue: model.Catalogue
    renderer: Renderer
    link_hosts: frozenset[str]
    moved: dict[str, str] = field(default_factory=dict)  # redirect_maps: a page's old file name -> its new one
    _checked: dict[Path, tuple[bytes, list[model.Problem]]] = field(default_factory=dict, repr=False)
    _numbers: dict[str, Numbers] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.catalogue.judge is None:  # a catalogue no gate judges yet takes this one's verdicts: each page checked once
            self.catalogue.judge = self.errors

    @classmethod
    def load(cls, root: Path, renderer: Renderer, extra: Any, moved: dict[str, str], catalogue: model.Catalogue | None = None) -> Gate:
        """The gate of a project (`extra`: mkdocs.yml's extra, for its link hosts; `moved`:
        its redirect_maps). A catalogue it loads itself has this gate as its judge: each
        page's state is the gate's verdict, so each page is checked once."""
        return cls(root, catalogue or model.Catalogue.load(root), renderer, _hosts(extra), moved)

    @classmethod
    def for_project(cls, root: Path = model.REPO, catalogue: model.Catalogue | None = None) -> Gate:
        """The gate as the scripts run it: the project's mkdocs.yml, read as MkDocs reads it
        (the build makes its own from its loaded config: sitekit/build/state.py)."""
        config = model.load_mkdocs_config(root)
        return cls.load(root, Renderer.for_project(root), config.get("extra") or {}, model.redirect_maps(config), catalogue)

    def errors(self, lang: str, name: str) -> list[model.Problem]:
        """The errors that keep the page of `lang` from readers (the catalogue's judge)."""
        return [problem for problem in self.check_file(model.page_file(lang, name, self.root)) if problem.severity == "error"]

    # --- the docs folder --------------------------------------------------------------------

    def layout_problems(self) -> list[model.Problem]:
        """Every file of docs/ the build must not publish as it is: a symbolic link (never
        followed), an import's leftover, a file that is neither a page nor a declared asset, a
        page over the size limit, outside a site language, or named unlike any English page."""
        return [problem for path in tree_files(model.docs_dir(self.root)) for problem in self.file_problems(path)]

    def file_problems(self, path: Path) -> list[model.Problem]:
        """What keeps the file itself out of the site, before its text is read (rule "layout")."""
        docs = model.docs_dir(self.root)
        link = _symlink_in(path, docs)
        if link is not None:
            what = "folder" if link != path or _points_to_folder(link) else "file"
            return [_layout(link, f"the {what} is a symbolic link: the build never follows links", SYMLINK_FIX)]
        if path.name.endswith(IMPORT_LEFTOVER):
            page = path.name[: -len(IMPORT_LEFTOVER)]
            return [
                _layout(
                    path, "an interrupted `docs.py import` left this file (the page itself was not changed)", LEFTOVER_FIX.format(page=page)
                )
            ]
        try:
            relative = path.absolute().relative_to(docs.absolute()).as_posix()
        except ValueError:
            relative = ""
        if relative in model.declared_assets(self.root):
            return []
        if path.suffix != ".md":
            return [
                _layout(
                    path,
                    "the file is neither a page nor a declared asset: the build would publish it as it is",
                    "remove it; a page is docs/<language>/<English page name>.md, and a file of the site's own is listed under "
                    "extra: assets: in mkdocs.yml",
                )
            ]
        size = path.lstat().st_size
        if size > PAGE_SIZE_LIMIT:
            return [
                _layout(
                    path,
                    f"the page is {size // 1024} KiB, over the {PAGE_SIZE_LIMIT // 1024} KiB limit for a page",
                    "split it into pages of a readable length (the longest page of the site is a few KiB)",
                )
            ]
        return self._place_problems(path)

    def _place_problems(self, path: Path) -> list[model.Problem]:
        docs = model.docs_dir(self.root).resolve()
        try:
            relative = path.resolve().relative_to(docs)
        except ValueError:
            return [
                model.Problem(
                    path, 1, "the file is not inside docs/", "put pages in docs/<language>/, e.g. docs/es/trial.md", rule="layout"
                )
            ]
        codes = [lang.code for lang in self.catalogue.languages]
        lang, name = relative.parts[0], "/".join(relative.parts[1:])
        if not name:
            return [
                model.Problem(
                    path,
                    1,
                    "the page is not in a language folder: the build would leave it out",
                    f"move it into docs/<language>/ ({', '.join(codes)}), named after its English page",
                    rule="layout",
                )
            ]
        if lang not in codes:
            return [
                model.Problem(
                    path,
                    1,
                    f"'{lang}' is not a language of the site ({', '.join(codes)}): the build would leave this page out",
                    f"move the page into one of those folders, or start the language with `python scripts/docs.py new-language {lang}`",
                    rule="layout",
                )
            ]
        if name in self.catalogue.pages:
            return []
        same = [page for page in self.catalogue.pages if page.casefold() == name.casefold()]
        if same:
            return [
                model.Problem(
                    path,
                    1,
                    f"the file name '{name}' differs from the English page '{same[0]}' in case",
                    f"rename it {same[0]}",
                    rule="layout",
                )
            ]
        return [
            model.Problem(
                path,
                1,
                f"there is no English page '{name}' for this page to translate",
                f"name the file after its English original ({', '.join(self.catalogue.pages)})",
                rule="layout",
            )
        ]

    # --- one page ---------------------------------------------------------------------------

    def check_file(self, path: Path) -> list[model.Problem]:
        """Every problem of the file, checked once per gate while its bytes stay the same (the
        build asks for each page's verdict, then logs its messages). A gate lives for one build
        or one command: the files a page is compared with do not change under it."""
        key = path.absolute()
        data = path.read_bytes() if not path.is_symlink() and path.is_file() and path.stat().st_size <= PAGE_SIZE_LIMIT else b""
        if key not in self._checked or self._checked[key][0] != data:
            self._checked[key] = (data, self._check_file(path))
        return list(self._checked[key][1])

    def _check_file(self, path: Path) -> list[model.Problem]:
        placed = self.file_problems(path)
        if placed or path.suffix != ".md":
            return placed  # a declared asset has nothing more to check
        relative = path.resolve().relative_to(model.docs_dir(self.root).resolve())
        try:
            page = model.read_page(path)
        except model.PageError as err:
            return [model.Problem(path, err.line, err.message, err.fix)]
        return self.check_page(page, relative.parts[0], "/".join(relative.parts[1:]))

    def check_page(self, page: model.PageSource, lang: str, name: str) -> list[model.Problem]:
        """Every rule, for the page `name` of language `lang`."""
        translated = lang != self.catalogue.default.code
        problems = model.front_matter_problems(page, translation=translated)
        problems += model.review_record_problems(page, translation=translated, command=model.review_command(lang, name))
        problems += _character_problems(page, lang)
        if translated and page.meta.get("untranslated"):
            return problems
        mine = self.read(page)
        problems += self._html_problems(page, mine)
        problems += self._marker_problems(page, mine)
        if not translated:
            return problems + self._english_problems(page, mine) + self._link_problems(page, mine, lang)
        return problems + self._translation_problems(page, mine, lang, name)

    def numbers(self, lang: str) -> Numbers:
        """How the language's readers read numbers (its glossary's units and number words)."""
        if lang not in self._numbers:
            self._numbers[lang] = Numbers(model.glossary(lang, self.root))
        return self._numbers[lang]

    def read(self, page: model.PageSource) -> Structure:
        return self.renderer.read(page.body, page.body_line)

    def ids(self, lang: str, name: str, *, judged: bool = True) -> set[str]:
        """The section ids readers of `lang` get on the page (the English page's where they get
        English). judged=False: the ids of the page's file, for checking links while pages are
        being judged (a page's verdict never waits for another's)."""
        path = model.page_file(self.catalogue.content_language(lang, name, judged=judged), name, self.root)
        try:
            return self.read(model.read_page(path)).ids
        except model.PageError:
            return set()

    def english_ids(self, lang: str, name: str) -> set[str]:
        """The section ids of the English version that readers of `lang` get the page in, or follow."""
        english = self.catalogue.default.code
        try:
            if self.catalogue.content_language(lang, name) == english:
                return self.read(model.read_page(model.page_file(english, name, self.root))).ids
            source, _ = self.english_version(model.read_page(model.page_file(lang, name, self.root)), name)
        except model.PageError:
            return set()
        return self.read(source).ids

    def published_ids(self, lang: str, name: str) -> set[str]:
        """The section ids that may be published for the page in `lang`: those readers get that
        the English version it follows has too (a mistranslated id is refused, never recorded)."""
        return self.ids(lang, name) & self.english_ids(lang, name)

    def english_version(self, page: model.PageSource, name: str) -> tuple[model.PageSource, bool]:
        """The English version a translation follows, and whether it is a known one: the current
        page, or the recorded version its source_hash names (the current page when unknown)."""
        current = model.read_page(model.page_file(self.catalogue.default.code, name, self.root))
        digest = page.meta.get("source_hash")
        if digest == model.source_hash(current, self.root):
            return current, True
        recorded = translation.recorded_version(name, str(digest), self.root)
        return (recorded, True) if recorded is not None else (current, False)

    # --- rules for every page -----------------------------------------------------------------

    def _html_problems(self, page: model.PageSource, mine: Structure) -> list[model.Problem]:
        """What the sanitizer takes out of the page's HTML (as an HTML5 parser reads both) is refused."""
        before, after = sanitizer.elements(mine.html), sanitizer.elements(mine.published)
        locator = Locator(page.body, page.body_line)

        def written(tag: sanitizer.Element) -> StartTag | None:
            """The tag as the author wrote it in raw HTML (for its source lines), if it was raw HTML."""
            return next((raw for raw in mine.raw_tags if raw.name == tag.name and raw.attrs == tag.attrs), None)

        problems = []
        matcher = difflib.SequenceMatcher(None, [tag.name for tag in before], [tag.name for tag in after], autojunk=False)
        for op, i1, i2, j1, _ in matcher.get_opcodes():
            if op == "equal":
                for tag, kept in zip(before[i1:i2], after[j1 : j1 + i2 - i1], strict=True):
                    for name, value in tag.attrs.items():
                        if name in kept.attrs and (name != "class" or kept.attrs[name].split() == value.split()):
                            continue
                        raw = written(tag)
                        line = raw.attr_lines[name] if raw else locator.item(value or f"{name}=", page.body_line)
                        problems.append(
                            model.Problem(
                                page.path, line, _attribute_message(tag.name, name, value), "remove it; write plain Markdown", rule="html"
                            )
                        )
            elif op in ("delete", "replace"):
                for tag in before[i1:i2]:
                    raw = written(tag)
                    line = raw.line if raw else locator.item(f"<{tag.name}", page.body_line)
                    why = ": it could run code in a patient's browser" if tag.name in RUNS_CODE else ""
                    article = "an" if tag.name[0] in "aeiou" else "a"
                    message = f"{article} <{tag.name}> tag is not allowed{why}"
                    problems.append(model.Problem(page.path, line, message, PLAIN_MARKDOWN, rule="html"))
        for image in mine.images:
            if urlsplit(image.value).scheme or image.value.startswith("//"):
                problems.append(
                    model.Problem(
                        page.path,
                        image.line,
                        f"the image '{image.value}' would be loaded from another host",
                        "put the image in docs/assets/ and show it from there: the site makes no request to another host",
                        rule="html",
                    )
                )
        return problems

    def _marker_problems(self, page: model.PageSource, mine: Structure) -> list[model.Problem]:
        problems = []
        for marker in mine.markers:
            if marker.value not in PAGE_MARKERS:
                known = ", ".join(f"{{{{ {name} }}}}" for name in PAGE_MARKERS)
                problems.append(
                    model.Problem(
                        page.path,
                        marker.line,
                        f"'{{{{ {marker.value} }}}}' is not something the build fills in",
                        f"write one of {known}, as the English page does",
                    )
                )
        alone = sum(1 for block in mine.blocks if block.kind == "marker")
        if alone < len(mine.markers):
            line = next((m.line for m in mine.markers), page.body_line)
            problems.append(
                model.Problem(
                    page.path,
                    line,
                    "a {{ marker }} shares its paragraph with other text",
                    "put it alone on its own line, with an empty line before and after",
                )
            )
        return problems

    def _link_problems(self, page: model.PageSource, mine: Structure, lang: str) -> list[model.Problem]:
        """Links to the site's own pages and sections that do not exist."""
        problems = []
        for link in mine.links:
            parts = urlsplit(link.value)
            if parts.scheme or link.value.startswith("//"):
                continue
            target = parts.path
            if target and target not in self.catalogue.pages:
                problems.append(
                    model.Problem(
                        page.path,
                        link.line,
                        f"link to '{link.value}': there is no page '{target}'",
                        f"link to one of {', '.join(self.catalogue.pages)}",
                    )
                )
                continue
            ids = self.ids(lang, target, judged=False) if target else mine.ids
            if parts.fragment and parts.fragment not in ids:
                problems.append(
                    model.Problem(
                        page.path,
                        link.line,
                        f"link to '{link.value}': the page has no section '#{parts.fragment}'",
                        f"use one of its heading ids: {', '.join(sorted(ids))}",
                    )
                )
        return problems

    # --- English pages ------------------------------------------------------------------------

    def _english_problems(self, page: model.PageSource, mine: Structure) -> list[model.Problem]:
        problems = []
        seen: set[str] = set()
        for heading in mine.headings:
            if not heading.id:
                problems.append(
                    model.Problem(
                        page.path, heading.line, f"heading '{heading.text}' has no id", "add a stable id: '## Heading {#heading-id}'"
                    )
                )
            elif heading.id in seen:
                problems.append(
                    model.Problem(page.path, heading.line, f"the id '#{heading.id}' is used twice", "give each heading its own id")
                )
            elif heading.id.startswith(GENERATED_ID_PREFIX):
                problems.append(
                    model.Problem(page.path, heading.line, f"ids starting with '{GENERATED_ID_PREFIX}' are reserved", "choose another id")
                )
            seen.add(heading.id or "")
        for link in mine.links:
            host = urlsplit(link.value).hostname
            if urlsplit(link.value).scheme in ("http", "https") and host not in self.link_hosts:
                problems.append(
                    model.Problem(
                        page.path,
                        link.line,
                        f"the link to '{link.value}' leaves the site for {host}, which is not an approved host",
                        "link to a page of the site, or have the clinic approve the host: add it under extra: link_hosts: in mkdocs.yml",
                    )
                )
        return problems

    # --- translations -------------------------------------------------------------------------

    def _translation_problems(self, page: model.PageSource, mine: Structure, lang: str, name: str) -> list[model.Problem]:
        english = model.page_file(self.catalogue.default.code, name, self.root)
        try:
            source, known = self.english_version(page, name)
            english_page = model.read_page(english)
            current = model.source_hash(english_page, self.root)
        except model.PageError as err:
            where = english.relative_to(self.root)
            return [model.Problem(page.path, 1, f"its English page cannot be read ({err.message})", f"fix {where}:{err.line} first")]
        theirs = self.read(source)
        problems = self._link_problems(page, mine, lang)
        problems += heading_problems(page, mine, theirs)
        problems += _block_problems(page, mine, theirs)
        same = _Comparison(page, mine, theirs)
        problems += same.items(
            self._followed(mine.links),
            self._followed(theirs.links),
            "link to",
            "keep the link: [text]({})",
            "link to the same targets as the English page",
        )
        problems += same.items(
            mine.images, theirs.images, "image", "keep the image: ![text]({})", "show the same images as the English page"
        )
        problems += self._number_problems(page, source, mine, theirs, lang)
        problems += same.items(
            mine.markers, theirs.markers, "marker", "keep the line {{{{ {} }}}} as it is", "keep only the English page's markers"
        )
        problems += same.items(
            [Item(f"<{tag.name}>", tag.line) for tag in mine.raw_tags if tag.name in ALLOWED_TAGS],  # the others are refused already
            [Item(f"<{tag.name}>", tag.line) for tag in theirs.raw_tags if tag.name in ALLOWED_TAGS],
            "HTML tag",
            "write it as the English page does",
            "write plain Markdown, as the English page does",
        )
        problems += self._glossary_problems(page, mine, theirs, lang)
        problems += _source_hash_problems(page, lang, name, known, current)
        problems += _date_problems(page, english_page)
        problems += _review_problems(page, lang, name, current, self.root)
        problems += _leftover_english(page, mine)
        return problems

    def _number_problems(
        self, page: model.PageSource, source: model.PageSource, mine: Structure, theirs: Structure, lang: str
    ) -> list[model.Problem]:
        """Segment by segment (a paragraph, list item, table cell, heading, the title…), the
        English segment's numbers with their units, in the same order; tooltips only where the
        English page has them. What cannot be paired (a section whose blocks differ, reported
        already) is compared over the page."""
        own, english = self.numbers(lang), self.numbers(self.catalogue.default.code)
        problems: list[model.Problem] = []
        for key in ("title", "description"):
            line = page.line_of(key)
            mine_figures = own.read(str(page.meta.get(key) or ""))
            their_figures = english.read(str(source.meta.get(key) or ""))
            problems += _figure_problems(page.path, line, mine_figures, their_figures, f"page's {key}")
        pairs, own_rest, their_rest = _paired_segments(mine, theirs)
        for segment, theirs_segment in pairs:
            problems += _figure_problems(page.path, segment.line, own.read(segment.read), english.read(theirs_segment.read), "page")
            for tooltip in dict.fromkeys(segment.tooltips[len(theirs_segment.tooltips) :]):
                problems.append(_tooltip_problem(page.path, segment.line, tooltip))
        same = _Comparison(page, mine, theirs)
        mine_items = [Item(str(f), segment.line) for segment in own_rest for f in own.read(segment.read)]
        their_items = [Item(str(f), -1, block) for block, segment in their_rest for f in english.read(segment.read)]
        problems += same.items(mine_items, their_items, "number", KEEP_NUMBERS, SAME_NUMBERS)
        their_tooltips = sum(len(segment.tooltips) for _, segment in their_rest)
        own_tooltips = [(segment.line, tip) for segment in own_rest for tip in segment.tooltips]
        problems += [_tooltip_problem(page.path, line, tip) for line, tip in own_tooltips[their_tooltips:]]
        return problems

    def _followed(self, links: list[Item]) -> list[Item]:
        """Links to a page that moved, as links to its new name (a redirect in mkdocs.yml): an
        outdated translation that already links to the new name follows its English version."""
        followed = []
        for link in links:
            page, hash_, fragment = link.value.partition("#")
            new = self.moved.get(page)
            if new is not None:
                new_page, new_hash, new_fragment = new.partition("#")
                page, hash_, fragment = new_page, hash_ or new_hash, fragment or new_fragment
            followed.append(Item(page + hash_ + fragment, link.line, link.block))
        return followed

    def _glossary_problems(self, page: model.PageSource, mine: Structure, theirs: Structure, lang: str) -> list[model.Problem]:
        terms = model.glossary(lang, self.root).get("terms") or {}
        glossary_file = model.l10n_file(lang, "glossary", self.root).relative_to(self.root)
        text, english_text = mine.text.casefold(), theirs.text.casefold()
        problems = []
        for term in model.glossary(self.catalogue.default.code, self.root).get("terms") or {}:
            if not re.search(rf"\b{re.escape(term.casefold())}", english_text):
                continue
            approved = terms.get(term)
            forms = [approved] if isinstance(approved, str) else list(approved or [])
            forms = [form for form in forms if isinstance(form, str) and form.strip()]
            if not forms:
                problems.append(
                    model.Problem(
                        page.path,
                        page.body_line,
                        f"the glossary has no approved translation of '{term}'",
                        f"add '{term}: …' under terms: in {glossary_file}",
                    )
                )
            elif not any(form.casefold() in text for form in forms):
                problems.append(
                    model.Problem(
                        page.path,
                        page.body_line,
                        f"the glossary term '{term}' is not translated as approved",
                        f"use {' or '.join(repr(f) for f in forms)} (see {glossary_file})",
                    )
                )
        return problems


def _paired_segments(mine: Structure, theirs: Structure) -> tuple[list[tuple[Segment, Segment]], list[Segment], list[tuple[int, Segment]]]:
    """The translation's segments paired with the English ones they translate: headings by id,
    the blocks of a section when the section has the English blocks (as `_block_problems`
    requires), a block's segments when it has as many. The rest of each side, unpaired (the
    English ones with the index of their block)."""
    pairs: list[tuple[Segment, Segment]] = []
    paired_own: set[int] = set()
    paired_theirs: set[int] = set()

    def pair(own_index: int, their_index: int) -> None:
        own, english = mine.blocks[own_index].segments, theirs.blocks[their_index].segments
        if len(own) == len(english):
            pairs.extend(zip(own, english, strict=True))
            paired_own.add(own_index)
            paired_theirs.add(their_index)

    own_headings = {}
    for index, block in enumerate(mine.blocks):
        if block.kind == "heading":
            heading = next((h for h in mine.headings if h.line == block.line and h.text == block.text), None)
            if heading and heading.id and heading.id not in own_headings:
                own_headings[heading.id] = index
    for index, block in enumerate(theirs.blocks):
        if block.kind == "heading":
            heading = next((h for h in theirs.headings if h.line == block.line and h.text == block.text), None)
            if heading and heading.id in own_headings:
                pair(own_headings[heading.id], index)
    for section in dict.fromkeys(block.section for block in theirs.blocks):
        english = [i for i, b in enumerate(theirs.blocks) if b.section == section and b.kind != "heading"]
        own = [i for i, b in enumerate(mine.blocks) if b.section == section and _compared(b)]
        if [mine.blocks[i].shape for i in own] == [theirs.blocks[i].shape for i in english]:
            for own_index, their_index in zip(own, english, strict=True):
                pair(own_index, their_index)
    own_rest = [segment for i, block in enumerate(mine.blocks) if i not in paired_own and _counted(block) for segment in block.segments]
    their_rest = [(i, segment) for i, block in enumerate(theirs.blocks) if i not in paired_theirs for segment in block.segments]
    return pairs, own_rest, their_rest


def _compared(block: Block) -> bool:
    """A block the English page's blocks are compared with (the others are refused already)."""
    return block.kind != "heading" and _counted(block)


def _counted(block: Block) -> bool:
    return block.kind != "html" or block.tag in ALLOWED_TAGS


def _figure_problems(path: Path, line: int, mine: list[Figure], theirs: list[Figure], where: str) -> list[model.Problem]:
    return [model.Problem(path, line, message, fix) for message, fix in figure_differences(mine, theirs, where)]


def figure_differences(mine: list[Figure], theirs: list[Figure], where: str = "page") -> list[tuple[str, str]]:
    """(problem, fix) for a segment's figures against the English segment's, which must be the
    same, in the same order (`where`: what the segment is on the English side, 'page' or
    "page's title"). The rule of the gate and of a translation's import (sitekit/exchange.py)."""
    if mine == theirs:
        return []
    extra = Counter(mine) - Counter(theirs)
    missing = Counter(theirs) - Counter(mine)
    if not extra and not missing:
        english, own = ", ".join(map(str, theirs)), ", ".join(map(str, mine))
        return [
            (
                f"the numbers here are in another order than in the English {where} ({english}): {own}",
                "keep each number, with its unit, where the English sentence has it",
            )
        ]
    problems = [(f"the number '{figure}' of the English {where} is missing", KEEP_NUMBERS) for figure in missing.elements()]
    return problems + [(f"the number '{figure}' is not in the English {where}", SAME_NUMBERS) for figure in extra.elements()]


def _tooltip_problem(path: Path, line: int, tooltip: str) -> model.Problem:
    return model.Problem(
        path,
        line,
        f"the tooltip '{tooltip}' is not on the English page",
        "remove it (an abbreviation '*[…]: …' or a title= the English page lacks); the site adds the glossary's abbreviations itself",
    )


def _character_problems(page: model.PageSource, lang: str) -> list[model.Problem]:
    """Characters a reader cannot see that change what is shown, and digits of another script."""
    own = WESTERN_DIGITS + OWN_DIGITS.get(lang, "")
    texts = [(page.line_of(key), str(page.meta[key])) for key in ("title", "description") if isinstance(page.meta.get(key), str)]
    texts += [(page.body_line + index, line) for index, line in enumerate(page.body.split("\n"))]
    problems = []
    for line, text in texts:
        for char in dict.fromkeys(text):
            code = f"U+{ord(char):04X}"
            name = unicodedata.name(char, code)
            if char in INVISIBLE:
                problems.append(
                    model.Problem(
                        page.path,
                        line,
                        f"the invisible character {code} ({name}) changes how the text is shown",
                        "remove it; the site isolates phone numbers and addresses itself",
                    )
                )
            elif unicodedata.category(char) == "Nd" and char not in own:
                digits = "0-9" + (f" or {own[10]}-{own[19]}" if len(own) > 10 else "")
                problems.append(
                    model.Problem(
                        page.path,
                        line,
                        f"the digit '{char}' ({name}) looks like a digit but is not one the page's readers read",
                        f"write {unicodedata.decimal(char)} in the digits of the language ({digits})",
                    )
                )
    return problems


def _source_hash_problems(page: model.PageSource, lang: str, name: str, known: bool, current: str) -> list[model.Problem]:
    digest = page.meta.get("source_hash")
    if not isinstance(digest, str) or digest == current:
        return []
    line = page.line_of("source_hash")
    if known:
        return [
            model.Problem(
                page.path,
                line,
                "the English page has changed since this translation was made (outdated)",
                f"see what changed with `python scripts/docs.py diff {lang} {name}`, update the translation, then set source_hash: {current}",
                severity="warning",
            )
        ]
    return [
        model.Problem(
            page.path,
            line,
            f"source_hash {digest} is not a version of the English page",
            f"copy the English page's current hash ({current}) after translating from its current text",
        )
    ]


def _date_problems(page: model.PageSource, english: model.PageSource) -> list[model.Problem]:
    """The review dates are the clinic's, of the English page: readers of every language are shown
    the English page's (sitekit/build/l10n.py). A translation's copy may lag behind them (a warning, once
    the clinic has reviewed the English page again), never claim a later review or a later due date."""
    problems = []
    where = english.path.as_posix().rsplit("docs/", 1)[-1]
    for key in model.DATE_FIELDS:
        mine, theirs = model.review_date(page.meta, key), model.review_date(english.meta, key)
        if mine is None or theirs is None or mine == theirs:
            continue
        later = mine > theirs
        problems.append(
            model.Problem(
                page.path,
                page.line_of(key),
                f"'{key}' is {mine.isoformat()}, {'later than' if later else 'not'} the English page's ({theirs.isoformat()})",
                f"write '{key}: {theirs.isoformat()}' as docs/{where} does: the review dates are the clinic's, of the English page",
                severity="error" if later else "warning",
            )
        )
    return problems


def _review_problems(page: model.PageSource, lang: str, name: str, current: str, root: Path) -> list[model.Problem]:
    """A review record covers one translation text of one English version: once either has
    changed, it has lapsed (a warning, at the record's line in the reviewers' file). A record
    the tool did not write is refused with the reviewers' file (`review_file_problems`)."""
    reviews = model.read_reviews(lang, root)
    record = reviews.records.get(name)
    if record is None:
        return []
    review = model.review_of(record, current, page.meta.get("source_hash"), model.text_hash(page, root))
    if review.state == model.REVIEWED:
        return []
    who = f"the review of {name} by {record.reviewer} on {record.date.isoformat()}"
    if record.text_hash != review.text:
        why = f"{who} covers translation text {record.text_hash}; the translation's words have changed since ({review.text})"
    elif record.source_hash == current:
        why = f"{who} covers the current English version, but the translation follows {page.meta.get('source_hash')}"
    else:
        why = f"{who} covers English version {record.source_hash}; the English page has changed since ({current})"
    return [
        model.Problem(
            reviews.path,
            reviews.line(name),
            f"{why}: readers are told the translation has not been reviewed",
            f"once the translation follows the current English page, have it reviewed again and record it with `{model.review_command(lang, name)}`",
            severity="warning",
        )
    ]


def review_file_problems(root: Path, langs: list[str] | None = None) -> list[model.Problem]:
    """Every review record that is not exactly what `docs.py review` writes, in each language's
    reviewers' file (`docs.py check` and the build report them; such a record counts for nothing)."""
    codes = langs if langs is not None else [lang.code for lang in model.languages(root)[1:]]
    return [problem for code in codes for problem in model.read_reviews(code, root).problems]


def heading_problems(page: model.PageSource, mine: Structure, theirs: Structure) -> list[model.Problem]:
    """A translation's headings against its English page's: the same ids, each once, at the same
    levels, in the same order."""
    problems = []
    by_id = {h.id: h for h in mine.headings if h.id}
    for heading in theirs.headings:
        if heading.id is None:  # an English heading without its {#id}: the English page's own problem, reported there
            continue
        found = by_id.get(heading.id)
        if found is None:
            problems.append(
                model.Problem(
                    page.path,
                    page.body_line,
                    f"the heading with id '#{heading.id}' (English: '{heading.text}') is missing",
                    f"translate the heading and keep its id: '{'#' * heading.level} … {{#{heading.id}}}'",
                )
            )
        elif found.level != heading.level:
            problems.append(
                model.Problem(
                    page.path,
                    found.line,
                    f"heading '#{heading.id}' is level {found.level}, English has {heading.level}",
                    f"start it with {'#' * heading.level}",
                )
            )
    known = {h.id for h in theirs.headings if h.id}
    seen: set[str] = set()
    for heading in mine.headings:
        if heading.id and heading.id in seen:
            problems.append(
                model.Problem(
                    page.path,
                    heading.line,
                    f"the id '#{heading.id}' is used twice",
                    "give each heading the id of the English heading it translates, once",
                )
            )
        seen.add(heading.id or "")
    shared = [h for h in mine.headings if h.id in known]
    order = [h.id for h in theirs.headings if h.id and h.id in {s.id for s in shared}]
    for heading, expected in zip(shared, order, strict=False):
        if heading.id != expected:
            problems.append(
                model.Problem(
                    page.path,
                    heading.line,
                    f"heading '#{heading.id}' comes where the English page has '#{expected}'",
                    f"keep the English page's order of sections: {', '.join('#' + i for i in order)}",
                )
            )
            break
    for heading in mine.headings:
        if heading.id not in known:
            what = f"id '#{heading.id}' is not in the English page" if heading.id else "has no id"
            problems.append(
                model.Problem(
                    page.path,
                    heading.line,
                    f"heading '{heading.text}' {what}",
                    f"use the id of the English heading it translates ({', '.join('#' + i for i in sorted(i for i in known if i))})",
                )
            )
    return problems


def _block_problems(page: model.PageSource, mine: Structure, theirs: Structure) -> list[model.Problem]:
    """Section by section (the part under each heading id), the same blocks in the same order."""
    problems = []
    for section in dict.fromkeys(block.section for block in theirs.blocks if block.kind != "heading"):
        if section is not None and section not in mine.ids:
            continue  # the missing heading is reported
        english = [block for block in theirs.blocks if block.section == section and block.kind != "heading"]
        own = [b for b in mine.blocks if b.section == section and b.kind != "heading" and (b.kind != "html" or b.tag in ALLOWED_TAGS)]
        if [b.shape for b in own] == [b.shape for b in english]:
            continue
        first = next((i for i, (a, b) in enumerate(zip(own, english, strict=False)) if a.shape != b.shape), min(len(own), len(english)))
        line = own[first].line if first < len(own) else (own[-1].line if own else page.body_line)
        where = f"section '#{section}'" if section else "the top of the page"
        problems.append(
            model.Problem(
                page.path,
                line,
                f"{where} has {_describe(own)}; the English page has {_describe(english)}",
                SAME_BLOCKS,
            )
        )
    return problems


def _describe(blocks: list[Any]) -> str:
    return ", ".join(block.shape for block in blocks) or "nothing"


@dataclass
class _Comparison:
    """A translation against its English version: what one has and the other lacks, each
    at the translation's line where it is (or, when missing, where its block would be)."""

    page: model.PageSource
    mine: Structure
    theirs: Structure

    def items(self, mine: list[Item], theirs: list[Item], what: str, keep: str, same: str) -> list[model.Problem]:
        problems = []
        extra = Counter(item.value for item in mine) - Counter(item.value for item in theirs)
        missing = Counter(item.value for item in theirs) - Counter(item.value for item in mine)
        for item in theirs:
            if missing[item.value] > 0:
                missing[item.value] -= 1
                message = f"the {what} '{item.value}' of the English page is missing"
                problems.append(model.Problem(self.page.path, self.line_for(item), message, keep.format(item.value)))
        for item in mine:
            if extra[item.value] > 0:
                extra[item.value] -= 1
                problems.append(model.Problem(self.page.path, item.line, f"the {what} '{item.value}' is not in the English page", same))
        return problems

    def line_for(self, english: Item) -> int:
        """Where an English item belongs in the translation: the block in the same place of
        the same section (else the section's first block, else the body's first line)."""
        if english.block < 0:
            return self.page.body_line
        block = self.theirs.blocks[english.block]
        place = [b for b in self.theirs.blocks if b.section == block.section].index(block)
        own = [b for b in self.mine.blocks if b.section == block.section]
        if place < len(own):
            return own[place].line
        return own[0].line if own else self.page.body_line


def _leftover_english(page: model.PageSource, mine: Structure) -> list[model.Problem]:
    """Blocks that look English: several English stop words (terms such as FBSS may stay)."""
    problems = []
    for block in mine.blocks:
        words = [w.casefold() for w in LATIN_WORD.findall(block.text)]
        if sum(1 for w in words if w in ENGLISH_STOP_WORDS) >= 3:
            problems.append(
                model.Problem(
                    page.path,
                    block.line,
                    "this looks like untranslated English",
                    "translate it (terms such as FBSS may stay in Latin letters)",
                    severity="warning",
                )
            )
    return problems


def _attribute_message(tag: str, name: str, value: str) -> str:
    if name.startswith("on"):
        return f"an {name}= attribute on <{tag}> is not allowed: it could run code in a patient's browser"
    if name in ("href", "src"):
        scheme = urlsplit(value).scheme.casefold()
        if scheme in ("javascript", "vbscript", "data"):
            return f"the address '{value}' is not allowed: it could run code in a patient's browser"
        return (
            f"the address '{value}' is not allowed: only web (https:), e-mail (mailto:) and phone (tel:) addresses and the site's own pages"
        )
    if name == "style":
        return f"a style= attribute on <{tag}> is not allowed: the site's Content-Security-Policy blocks inline styles"
    if name == "id":
        return f"an id on <{tag}> is not allowed: only headings carry ids"
    if name == "class":
        return f"the class '{value}' on <{tag}> is not allowed"
    return f"a {name}= attribute on <{tag}> is not allowed"


def tree_files(docs: Path) -> list[Path]:
    """Every file of docs/, and every symbolic link (to a file, to a folder, dangling or in a
    loop), walked without following any link."""
    found: list[Path] = []
    for folder, folders, names in os.walk(docs, followlinks=False):
        here = Path(folder)
        found += [here / name for name in folders if (here / name).is_symlink()]  # listed, never entered
        found += [here / name for name in names]
    return sorted(found)


def folder_links(docs: Path) -> list[model.Problem]:
    """The symbolic links of docs/ to a folder (or in a loop through one), which MkDocs would follow."""
    return [
        _layout(path, "the folder is a symbolic link: the build never follows links", SYMLINK_FIX)
        for path in tree_files(docs)
        if path.is_symlink() and _points_to_folder(path)
    ]


def _points_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a loop of links
        return False


def _symlink_in(path: Path, docs: Path) -> Path | None:
    """The path itself, or the folder on its way from docs/, that is a symbolic link."""
    try:
        parts = path.absolute().relative_to(docs.absolute()).parts
    except ValueError:
        return path if path.is_symlink() else None
    here = docs
    for part in parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def _layout(path: Path, message: str, fix: str) -> model.Problem:
    return model.Problem(path, 1, message, fix, rule="layout")


def _hosts(extra: Any) -> frozenset[str]:
    hosts = extra.get("link_hosts") if hasattr(extra, "get") else None
    return frozenset(str(host).casefold() for host in hosts or [])


def project_catalogue(root: Path = model.REPO) -> model.Catalogue:
    """The project's catalogue, judged by its publishing gate (made here, once: the gate is
    the catalogue's judge, and each page is judged when its state is first asked for)."""
    return Gate.for_project(root).catalogue


def check_paths(paths: list[Path], root: Path = model.REPO) -> list[model.Problem]:
    """`docs.py check`: every problem of each file (a page, or a language's reviewers' file), as the build would report it."""
    gate = Gate.for_project(root)
    problems: list[model.Problem] = []
    for path in paths:
        if path.name == model.reviews_file("xx", root).name:
            problems += model.read_reviews(path.parent.name, path.parents[2]).problems
        else:
            problems += gate.check_file(path)
    return problems
