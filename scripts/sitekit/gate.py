"""The publishing gate: every rule a page must pass before readers get it, in one place.

`scripts/docs.py check` (translators, pre-commit) and the strict build
(overrides/hooks/page_source.py) both run `Gate.check_file` on every page, and
`Gate.layout_problems` on the docs folder: what one refuses, the other refuses, with the
same `path:line: problem — fix`.

Pages are read as readers get them (sitekit/structure.py: the build's own Python-Markdown).
Every page: readable front matter; HTML only through the allowlist below (nh3, the
Ammonia sanitizer: what it would remove is refused); images from the site itself; links
to pages and sections that exist; `{{ markers }}` the build fills in. English pages:
every heading has an explicit, unique id; links leave the site only for the hosts listed
in mkdocs.yml (`extra.link_hosts`). A translation is compared with the English version it
follows (the current page, or the recorded one in l10n/history/ when it is outdated):
the same headings (level and id), the same blocks section by section (paragraphs, list
items and nesting, tables, boxes), the same link targets, images, figures, markers and
raw HTML, and the glossary's approved terms.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nh3

from sitekit import model, translation
from sitekit.structure import GENERATED_ID_PREFIX, Item, Locator, Renderer, StartTag, Structure, start_tags

# --- what HTML a page may hold: what the site's Markdown makes, nothing that runs or loads --------
ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small "  # noqa: SIM905
    "span strong sub sup table tbody td tfoot th thead tr u ul".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ADMONITIONS = {"note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger", "bug", "example", "quote"}
ALLOWED_CLASSES = {"a": {"headerlink"}, "div": {"admonition", *ADMONITIONS}, "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
RUNS_CODE = frozenset({"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style", "svg", "math", "frame"})
PAGE_MARKERS = {"clinic_details": "the clinic's details (extra.clinic in mkdocs.yml)"}  # filled in by overrides/hooks/clinic.py

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


@dataclass
class Gate:
    """The rules, with what they need: the project's pages, languages, Markdown and link hosts."""

    root: Path
    catalogue: model.Catalogue
    renderer: Renderer
    link_hosts: frozenset[str]
    moved: dict[str, str] = field(default_factory=dict)  # redirect_maps: a page's old file name -> its new one
    _structures: dict[tuple[Path, str], Structure] = field(default_factory=dict, repr=False)
    _checked: dict[Path, tuple[bytes, list[model.Problem]]] = field(default_factory=dict, repr=False)

    @classmethod
    def for_project(cls, root: Path = model.REPO, catalogue: model.Catalogue | None = None) -> Gate:
        """The gate as the scripts run it: the project's mkdocs.yml, read as MkDocs reads it.
        A catalogue it loads itself has this gate as its judge."""
        config = model.load_mkdocs_config(root)
        made: list[Gate] = []
        catalogue = catalogue or model.Catalogue.load(root, judge=lambda lang, name: made[0].errors(lang, name))
        made.append(cls(root, catalogue, Renderer.for_project(root), _hosts(config.get("extra") or {}), model.redirect_maps(config)))
        return made[0]

    @classmethod
    def for_build(cls, config: Any) -> Gate:
        """The gate inside a build, one per build (its rendered English pages serve every
        language's build): the same Markdown extensions, from the loaded config. The build's
        catalogue (hooks/l10n.py) has it as its judge, so each page is checked once."""
        catalogue: model.Catalogue = config.extra["pp_catalogue"]
        current = config.extra.get("pp_gate")
        if not isinstance(current, Gate) or current.catalogue is not catalogue:
            renderer = Renderer(config.markdown_extensions, config.mdx_configs)
            moved = model.redirect_maps(model.load_mkdocs_config(catalogue.root))
            current = config.extra["pp_gate"] = cls(catalogue.root, catalogue, renderer, _hosts(config.extra), moved)
        return current

    def errors(self, lang: str, name: str) -> list[model.Problem]:
        """The errors that keep the page of `lang` from readers (the catalogue's judge)."""
        return [problem for problem in self.check_file(model.page_file(lang, name, self.root)) if problem.severity == "error"]

    # --- the docs folder --------------------------------------------------------------------

    def layout_problems(self) -> list[model.Problem]:
        """Files the build would drop or misplace: pages outside a site language, or named unlike any English page."""
        docs = model.docs_dir(self.root)
        return [problem for path in sorted(docs.rglob("*.md")) for problem in self._place_problems(path)]

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
        key, data = path.resolve(), path.read_bytes() if path.is_file() else b""
        if key not in self._checked or self._checked[key][0] != data:
            self._checked[key] = (data, self._check_file(path))
        return list(self._checked[key][1])

    def _check_file(self, path: Path) -> list[model.Problem]:
        placed = self._place_problems(path)
        if placed:
            return placed
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
        if translated and page.meta.get("untranslated"):
            return problems
        mine = self.read(page)
        problems += self._html_problems(page, mine)
        problems += self._marker_problems(page, mine)
        if not translated:
            return problems + self._english_problems(page, mine) + self._link_problems(page, mine, lang)
        return problems + self._translation_problems(page, mine, lang, name)

    def read(self, page: model.PageSource) -> Structure:
        key = (page.path, page.body)
        if key not in self._structures:
            self._structures[key] = self.renderer.read(page.body, page.body_line)
        return self._structures[key]

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
        """What the sanitizer would take out of the page's HTML is refused."""
        cleaned = nh3.clean(
            mine.html,
            tags=set(ALLOWED_TAGS),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel=None,
        )
        before, after = start_tags(mine.html), start_tags(cleaned)
        locator = Locator(page.body, page.body_line)

        def written(tag: StartTag) -> StartTag | None:
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
            current = model.source_hash(model.read_page(english), self.root)
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
        problems += same.items(
            mine.numbers,
            theirs.numbers,
            "number",
            "keep every number and duration exactly (Western digits)",
            "use the same numbers as the English page",
        )
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
        problems += _review_problems(page, lang, name, current, self.root)
        problems += _leftover_english(page, mine)
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
    """A translation's headings against its English page's: the same ids, at the same levels."""
    problems = []
    by_id = {h.id: h for h in mine.headings if h.id}
    for heading in theirs.headings:
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
    known = {h.id for h in theirs.headings}
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


def _hosts(extra: Any) -> frozenset[str]:
    hosts = extra.get("link_hosts") if hasattr(extra, "get") else None
    return frozenset(str(host).casefold() for host in hosts or [])


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
