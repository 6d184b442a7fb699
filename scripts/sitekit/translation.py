"""Checks of submitted pages: each problem names the file, the line and the fix.

English pages are checked on their own; a translation is compared with its English page
(heading ids, list items, links, numbers, glossary terms) and with the English page's
recorded versions (l10n/history/) to tell an outdated translation from a wrong hash.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitekit import markdown, model

UNSAFE_HTML = [
    (re.compile(r"<\s*script\b", re.I), "a <script> tag"),
    (re.compile(r"<\s*iframe\b", re.I), "an <iframe> tag"),
    (re.compile(r"<\s*style\b", re.I), "a <style> tag"),
    (re.compile(r"<\s*(?:object|embed|form|base|meta|link)\b", re.I), "an <object>, <embed>, <form>, <base>, <meta> or <link> tag"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "an on…= event attribute"),
    (re.compile(r"javascript\s*:", re.I), "a javascript: address"),
    (re.compile(r"<[^>]*\sstyle\s*=", re.I), "a style= attribute"),
]
ENGLISH_STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "is",
        "are",
        "of",
        "to",
        "with",
        "for",
        "will",
        "can",
        "that",
        "this",
        "be",
        "have",
        "or",
        "from",
        "in",
        "it",
        "not",
        "during",
        "over",
        "an",
        "at",
        "on",
        "by",
        "if",
        "may",
        "what",
        "how",
        "when",
        "about",
        "after",
        "before",
        "some",
        "their",
        "there",
        "which",
        "who",
    ]
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def history_dir(root: Path) -> Path:
    return root / "l10n" / "history"


def snapshot_text(page: model.PageSource) -> str:
    """What a recorded English version holds: the translatable parts only."""
    return f"title: {page.meta.get('title', '')}\ndescription: {page.meta.get('description', '')}\n\n{page.body.strip()}\n"


def snapshot_path(name: str, digest: str, root: Path) -> Path:
    return history_dir(root) / name.removesuffix(".md") / f"{digest}.md"


def unsafe_html(body: str, first_line: int, path: Path) -> list[model.Problem]:
    problems = []
    for offset, line in enumerate(body.split("\n")):
        for pattern, what in UNSAFE_HTML:
            if pattern.search(line):
                problems.append(
                    model.Problem(
                        path,
                        first_line + offset,
                        f"{what} is not allowed: it could run code in a patient's browser",
                        "remove it; write plain Markdown (links as [text](page.md))",
                    )
                )
    return problems


def check_files(paths: list[Path], root: Path = model.REPO) -> list[model.Problem]:
    catalogue = model.Catalogue.load(root)
    english = {name: model.read_page(model.page_file(catalogue.default.code, name, root)) for name in catalogue.pages}
    problems: list[model.Problem] = []
    for path in paths:
        problems.extend(check_file(path, root, catalogue, english))
    return problems


def all_pages(root: Path = model.REPO) -> list[Path]:
    return sorted(model.docs_dir(root).glob("*/**/*.md"))


def check_file(path: Path, root: Path, catalogue: model.Catalogue, english: dict[str, model.PageSource]) -> list[model.Problem]:
    docs = model.docs_dir(root).resolve()
    try:
        relative = path.resolve().relative_to(docs)
    except ValueError:
        return [model.Problem(path, 1, "the file is not inside docs/", "put pages in docs/<language>/, e.g. docs/es/trial.md")]
    codes = [lang.code for lang in catalogue.languages]
    lang, name = relative.parts[0], "/".join(relative.parts[1:])
    if lang not in codes or not name:
        return [
            model.Problem(
                path,
                1,
                f"'{lang}' is not a language of the site ({', '.join(codes)})",
                f"move the page into one of those folders, or start the language with `python scripts/docs.py new-language {lang}`",
            )
        ]
    if name not in catalogue.pages:
        return [
            model.Problem(
                path,
                1,
                f"there is no English page '{name}' for this page to translate",
                f"name the file after its English original ({', '.join(catalogue.pages)})",
            )
        ]
    problems, text = _read_text(path)
    if text is None:
        return problems
    try:
        page = model.parse_page(path, text.replace("\r\n", "\n"))
    except model.FrontMatterError as err:
        return [*problems, model.Problem(path, err.line, err.message, err.fix)]
    translation = lang != catalogue.default.code
    problems += model.front_matter_problems(page, translation=translation)
    problems += unsafe_html(page.body, page.body_line, path)
    if not translation:
        problems += _english_problems(page, english)
    elif not page.meta.get("untranslated"):
        problems += _translation_problems(page, lang, name, english, root)
    return problems


def _read_text(path: Path) -> tuple[list[model.Problem], str | None]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return [
            model.Problem(path, line, "the file is not UTF-8 text", "save it as UTF-8 (in most editors: File › Save with encoding › UTF-8)")
        ], None
    problems = []
    if text.startswith("\ufeff"):
        problems.append(model.Problem(path, 1, "the file starts with a byte order mark (BOM)", "save it as UTF-8 without BOM"))
        text = text[1:]
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        problems.append(model.Problem(path, line, "the file has Windows line endings (CRLF)", "save it with Unix (LF) line endings"))
    return problems, text


def _english_problems(page: model.PageSource, english: dict[str, model.PageSource]) -> list[model.Problem]:
    problems = []
    for heading in markdown.headings(page.body, page.body_line):
        if not heading.id:
            problems.append(
                model.Problem(page.path, heading.line, f"heading '{heading.text}' has no id", "add a stable id: '## Heading {#heading-id}'")
            )
    problems += _broken_links(page, english)
    return problems


def _ids(page: model.PageSource) -> set[str]:
    return {h.id for h in markdown.headings(page.body) if h.id}


def _broken_links(page: model.PageSource, english: dict[str, model.PageSource]) -> list[model.Problem]:
    problems = []
    for link in markdown.links(page.body, page.body_line):
        if re.match(r"^[a-z]+:", link.target) or link.target.startswith("//"):
            continue
        target = english.get(link.page) if link.page else page
        if link.page and target is None:
            problems.append(
                model.Problem(
                    page.path, link.line, f"link to '{link.target}': there is no page '{link.page}'", f"link to one of {', '.join(english)}"
                )
            )
        elif link.anchor and target is not None and link.anchor not in _ids(target):
            problems.append(
                model.Problem(
                    page.path,
                    link.line,
                    f"link to '{link.target}': the page has no section '#{link.anchor}'",
                    f"use one of its heading ids: {', '.join(sorted(_ids(target)))}",
                )
            )
    return problems


def _translation_problems(
    page: model.PageSource, lang: str, name: str, english: dict[str, model.PageSource], root: Path
) -> list[model.Problem]:
    source = english[name]
    problems = _broken_links(page, english)
    problems += heading_problems(page, source)
    problems += _list_problems(page, source)
    problems += _link_problems(page, source)
    problems += _number_problems(page, source)
    problems += _glossary_problems(page, source, lang, root)
    problems += _source_hash_problems(page, source, lang, name, root)
    problems += _leftover_english(page, lang)
    return problems


def heading_problems(page: model.PageSource, source: model.PageSource) -> list[model.Problem]:
    """A translation's headings against its English page's: the same ids, at the same levels."""
    problems = []
    mine = markdown.headings(page.body, page.body_line)
    theirs = markdown.headings(source.body)
    by_id = {h.id: h for h in mine if h.id}
    for heading in theirs:
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
    known = {h.id for h in theirs}
    for heading in mine:
        if heading.id not in known:
            what = f"id '#{heading.id}' is not in the English page" if heading.id else "has no id"
            problems.append(
                model.Problem(
                    page.path,
                    heading.line,
                    f"heading '{heading.text}' {what}",
                    f"use the id of the English heading it translates ({', '.join('#' + i for i in sorted(known))})",
                )
            )
    return problems


def _list_problems(page: model.PageSource, source: model.PageSource) -> list[model.Problem]:
    mine, theirs = markdown.list_items(page.body, page.body_line), markdown.list_items(source.body)
    if len(mine) == len(theirs):
        return []
    line = mine[-1] if mine else page.body_line
    return [
        model.Problem(
            page.path,
            line,
            f"the page has {len(mine)} list items, the English page {len(theirs)}",
            "translate every list item of the English page, one item per item",
        )
    ]


def _link_problems(page: model.PageSource, source: model.PageSource) -> list[model.Problem]:
    problems = []
    mine = markdown.links(page.body, page.body_line)
    remaining = [link.target for link in mine]
    for link in markdown.links(source.body):
        if link.target in remaining:
            remaining.remove(link.target)
        else:
            problems.append(
                model.Problem(
                    page.path,
                    page.body_line,
                    f"the link to '{link.target}' of the English page is missing",
                    f"keep the link: [text]({link.target})",
                )
            )
    for link in mine:
        if link.target in remaining:
            remaining.remove(link.target)
            problems.append(
                model.Problem(
                    page.path,
                    link.line,
                    f"the link to '{link.target}' is not in the English page",
                    "link to the same targets as the English page",
                )
            )
    return problems


def _number_problems(page: model.PageSource, source: model.PageSource) -> list[model.Problem]:
    problems = []
    mine = markdown.numbers(page.body, page.body_line)
    remaining = [figure for _, figure in mine]
    for _, figure in markdown.numbers(source.body):
        if figure in remaining:
            remaining.remove(figure)
        else:
            problems.append(
                model.Problem(
                    page.path,
                    page.body_line,
                    f"the number '{figure}' of the English page is missing",
                    "keep every number and duration exactly (Western digits)",
                )
            )
    for line, figure in mine:
        if figure in remaining:
            remaining.remove(figure)
            problems.append(
                model.Problem(
                    page.path, line, f"the number '{figure}' is not in the English page", "use the same numbers as the English page"
                )
            )
    return problems


def _glossary_problems(page: model.PageSource, source: model.PageSource, lang: str, root: Path) -> list[model.Problem]:
    terms = model.glossary(lang, root).get("terms") or {}
    glossary_file = model.l10n_file(lang, "glossary", root).relative_to(root)
    text = page.body.casefold()
    english_text = source.body.casefold()
    problems = []
    for term in model.glossary(model.default_language(root).code, root).get("terms") or {}:
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


def _source_hash_problems(page: model.PageSource, source: model.PageSource, lang: str, name: str, root: Path) -> list[model.Problem]:
    digest = page.meta.get("source_hash")
    if not isinstance(digest, str) or digest == model.source_hash(source):
        return []
    line = page.line_of("source_hash")
    if snapshot_path(name, digest, root).exists():
        return [
            model.Problem(
                page.path,
                line,
                "the English page has changed since this translation was made (outdated)",
                f"see what changed with `python scripts/docs.py diff {lang} {name}`, update the translation, then set source_hash: {model.source_hash(source)}",
                severity="warning",
            )
        ]
    return [
        model.Problem(
            page.path,
            line,
            f"source_hash {digest} is not a version of the English page",
            f"copy the English page's current hash ({model.source_hash(source)}) after translating from its current text",
        )
    ]


def _leftover_english(page: model.PageSource, lang: str) -> list[model.Problem]:
    """Sentences that look English: several English stop words, or long Latin runs in a non-Latin script."""
    problems = []
    for offset, line in enumerate(page.body.split("\n")):
        text = re.sub(r"\{#[^}]*\}|\]\([^)]*\)|\*\[[^\]]*\]:.*", " ", line)
        words = [w.casefold() for w in LATIN_WORD.findall(text)]
        stop = sum(1 for w in words if w in ENGLISH_STOP_WORDS)
        if stop >= 3:
            problems.append(
                model.Problem(
                    page.path,
                    page.body_line + offset,
                    "this line looks like untranslated English",
                    "translate it (terms such as FBSS may stay in Latin letters)",
                    severity="warning",
                )
            )
    return problems
