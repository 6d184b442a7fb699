"""Page sources and the publishing gate: every page of the language being built passes
the same checks as `scripts/docs.py check` (sitekit/gate.py), each problem logged as
`path:line: problem — fix` (errors stop the strict build; an outdated translation is
reported, not refused). A translation with errors is refused: readers get the English
page, as for a missing one (the catalogue's state `refused`, judged by the same check, so
no page is checked twice). Files the build would drop are refused once per build. Pages are
read as MkDocs reads them (UTF-8 with or without a byte order mark, any line endings).
Review dates are shown in the page's language; a review that is due is reported without
failing the build; an untranslated stub is read as its English page."""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
from pathlib import Path

import yaml
from babel.dates import format_date
from mkdocs.exceptions import PluginError

from sitekit import disk, gate, model, sanitizer, structure
from sitekit.build import logger
from sitekit.build.state import Build, page_name

log = logger(__name__)


def on_env(build: Build, env, config, files):
    language = config.theme["language"]
    pattern = build.catalogue.strings(language)["date_format"]  # checked: model.string_faults
    env.filters["long_date"] = lambda value: _long_date(value, language, pattern)
    return env


ENGINE_MESSAGE = (
    "This site is built with ProperDocs, not the `mkdocs` command (under it mkdocs-static-i18n writes a site "
    "without its English pages): run `.venv/bin/properdocs build` or `.venv/bin/properdocs serve` "
    "(`bash scripts/serve.sh`; see the README). Nothing was built."
)


def on_config(build: Build, config):
    """The build stops at once, before it writes anything, unless ProperDocs runs it (the
    `mkdocs` command loads MkDocs 1.6.1, which the plugins require installed, and mixes it
    with ProperDocs' modules: see the README's Dependencies). A link to a folder in docs/
    stops the build before MkDocs walks the folder: MkDocs follows such links (a loop would
    never end). Every other refused file is left out of the build by on_files."""
    if not type(config).__module__.startswith("properdocs."):
        print(f"ERROR    -  {ENGINE_MESSAGE}", file=sys.stderr, flush=True)
        raise SystemExit(1)  # an exception class of the other engine would end in a traceback
    links = gate.folder_links(Path(config.docs_dir))
    if links:
        root = Path(config.config_file_path).parent
        for problem in links:
            log.error(problem.format(root))
        raise PluginError("docs/ holds a link to a folder, which MkDocs would follow: fix the errors above (nothing was built)")
    return config


def on_build_error(build: Build, error):
    """A full or read-only disk is named as such (MkDocs says "Error building page", or only a traceback)."""
    problem = disk.build_problem(error)
    if problem:
        log.error(problem)


def on_files(build: Build, files, config):
    """Files the build must not publish are refused and left out, in every language's build.
    The first language's build reports every problem of every page of every language, once
    (strict mode stops the build at the end of the first language with errors, so each
    language's own build would name only the first language's)."""
    catalogue: model.Catalogue = build.catalogue
    checker = build.gate
    problems = checker.layout_problems()
    if config.theme["language"] == catalogue.default.code and not build.nested(config):
        strings = [problem for lang in catalogue.languages for problem in model.strings_problems(lang.code, catalogue.root)]
        for problem in problems + strings:
            log.error(problem.format(catalogue.root))
        for problem in _page_problems(checker, catalogue, {problem.path.absolute() for problem in problems}):
            (log.error if problem.severity == "error" else log.info)(problem.format(catalogue.root))
        # A review record `docs.py review` did not write (by hand, in front matter, stale hashes): refused.
        for problem in gate.review_file_problems(catalogue.root):
            log.error(problem.format(catalogue.root))
    refused = {os.path.abspath(problem.path) for problem in problems}
    for file in [f for f in files if f.abs_src_path and os.path.abspath(f.abs_src_path) in refused]:
        files.remove(file)
    return files


def _page_problems(checker: gate.Gate, catalogue: model.Catalogue, refused: set[Path]) -> list[model.Problem]:
    """The gate's verdict on every page of every language (what on_page_read_source acts on)."""
    found = []
    for language in catalogue.languages:
        for name in catalogue.pages:
            path = model.page_file(language.code, name, catalogue.root)
            if path.absolute() in refused or not path.is_file():
                continue
            found += [problem for problem in checker.check_file(path) if problem.rule != "layout"]
    return found


def on_page_read_source(build: Build, page, config):
    """Hand MkDocs only what it can read without a traceback (on_files has logged the gate's verdict)."""
    catalogue: model.Catalogue = build.catalogue
    root, language = catalogue.root, config.theme["language"]
    path, name = Path(page.file.abs_src_path), page_name(page.file)
    english = model.page_file(catalogue.default.code, name, root)
    own = getattr(page.file, "locale", language) == language
    if own and catalogue.state(language, name) == model.REFUSED:
        return _english_text(english)  # readers get the English page, as for a missing translation (sitekit/build/l10n.py)
    try:
        text = model.read_text(path)
    except model.PageError:
        return ""  # a page that is not text: the gate has said why
    try:
        source = model.parse_page(path, text)  # the gate's reading (no YAML anchors or aliases)
    except model.PageError:
        return _without_front_matter(text)  # the gate has said why
    meta = source.meta
    if not own:
        log.info(f"Not translated into {language}: {name} (readers get the English page, with a notice)")
        return text
    if language != catalogue.default.code and meta.get(model.STUB_FIELD):
        # A stub made by `docs.py new-language`: readers get the English page until it is
        # translated, whatever else its file holds (decided from the gate's reading, first).
        return _english_text(english)
    if any(problem.rule == "html" for problem in build.gate.check_file(path)):
        return html.escape(source.body)  # shown as text, never run, until fixed
    if not _mkdocs_can_read(source):
        return source.body
    allowed = model.ALLOWED_FIELDS["source" if language == catalogue.default.code else "translation"]
    if set(meta) - allowed:  # the theme's `template:`, `hide:`…: refused by the gate, never acted on
        kept = {key: value for key, value in meta.items() if key in allowed}
        text = model.format_page(kept, source.body)
    due = model.as_date(meta.get("next_review"))
    if due is not None and due < dt.date.today():
        log.info(f"Review overdue: {page.file.src_uri} was due for review on {due.isoformat()}")
    return text


def on_page_content(build: Build, html, page, config, files):
    """Readers get the sanitizer's output (sitekit/sanitizer.py), never the Markdown's rendering
    as such, and only the body the publishing gate read: MkDocs renders the page again (the
    gate's verdict decides which files are built, before MkDocs resolves their links), and
    its rendering may differ from the gate's reading only in the links it resolves and the
    glossary's abbreviations (structure.publication_difference). Any other difference (a
    plugin or extension that changes the text after the gate) stops the build."""
    published = sanitizer.sanitize(html)
    catalogue: model.Catalogue = build.catalogue
    name = page_name(page.file)
    if name not in catalogue.pages:
        return published
    language = catalogue.content_language(config.theme["language"], name)
    path = model.page_file(language, name, catalogue.root)
    try:
        source = model.read_page(path)
    except model.PageError:
        return published  # the gate has said why
    if any(problem.severity == "error" for problem in build.gate.check_file(path)):
        return published  # shown as the gate decided (as text, or in English), and the strict build stops
    difference = structure.publication_difference(
        build.gate.read(source).published, published, model.abbreviations(language, catalogue.root)
    )
    if difference:
        log.error(
            f"{path.relative_to(catalogue.root)}: the page MkDocs renders is not the page the publishing gate read: "
            f"{difference} — remove the plugin, hook or Markdown extension that changes pages after the gate"
        )
    return published


def _english_text(path: Path) -> str:
    """The English page readers get instead of a translation; nothing when it cannot be read (the gate has said why)."""
    try:
        return model.read_text(path)
    except model.PageError:
        return ""


def _mkdocs_can_read(source: model.PageSource) -> bool:
    """MkDocs parses front matter with PyYAML's dates, and raises on an impossible one."""
    try:
        yaml.safe_load(source.front_matter)
    except Exception:
        return False
    return True


def _without_front_matter(text: str) -> str:
    """A page's text without what looks like front matter, for a page parse_page cannot read."""
    parts = text.split("---", 2)
    return parts[2] if len(parts) == 3 and not parts[0].strip() else text


def _long_date(value, language: str, pattern: str) -> str:
    """A date as the language writes it: CLDR's long form, or the pattern its strings.yml
    gives (`date_format`; Vietnamese: "24 tháng 11 năm 2026", not CLDR's "24 tháng 11, 2026")."""
    date = model.as_date(value)
    return format_date(date, format=pattern, locale=language.replace("-", "_")) if date else str(value)
