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
from pathlib import Path

import yaml
from babel.dates import format_date
from mkdocs.plugins import event_priority, get_plugin_logger
from sitekit import gate, model

log = get_plugin_logger(__name__)


def on_env(env, config, files):
    language = config.theme["language"]
    pattern = config.extra["pp_catalogue"].strings(language).get("date_format") or "long"
    try:
        _long_date(dt.date(2026, 11, 24), language, pattern)
    except Exception as err:  # Babel raises several kinds on a pattern it cannot read
        log.error(
            f"l10n/{language}/strings.yml: date_format {pattern!r} is not a date pattern Babel can read ({err}) — "
            "write 'long' or a CLDR pattern such as \"d MMMM y\" (see the comment in l10n/en/strings.yml)"
        )
        pattern = "long"
    env.filters["long_date"] = lambda value: _long_date(value, language, pattern)
    return env


@event_priority(100)  # before mkdocs-static-i18n sorts the files into languages (and raises on some)
def on_files(files, config):
    """Files the build would drop or misplace are refused (once per build) and left out."""
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    problems = gate.Gate.for_build(config).layout_problems()
    if config.theme["language"] == catalogue.default.code and not model.nested_language_build(config):
        for problem in problems:
            log.error(problem.format(catalogue.root))
        # A review record `docs.py review` did not write (by hand, in front matter, stale hashes): refused.
        for problem in gate.review_file_problems(catalogue.root):
            log.error(problem.format(catalogue.root))
    refused = {problem.path.resolve() for problem in problems}
    for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve() in refused]:
        files.remove(file)
    return files


def on_page_read_source(page, config):
    """Check the page; hand MkDocs only what it can read without a traceback."""
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    root, language = catalogue.root, config.theme["language"]
    path, name = Path(page.file.abs_src_path), model.page_name(page.file)
    english = model.page_file(catalogue.default.code, name, root)
    own = getattr(page.file, "locale", language) == language
    if own:
        for problem in gate.Gate.for_build(config).check_file(path):
            if problem.rule != "layout":  # reported once per build, by on_files
                (log.error if problem.severity == "error" else log.info)(problem.format(root))
        if catalogue.state(language, name) == model.REFUSED:
            return _english_text(english)  # readers get the English page, as for a missing translation (hooks/l10n.py)
    try:
        text = model.read_text(path)
    except model.PageError:
        return ""  # an English page that is not UTF-8: the gate has said so
    if not own:
        log.info(f"Not translated into {language}: {name} (readers get the English page, with a notice)")
        return text
    if any(problem.rule == "html" for problem in gate.Gate.for_build(config).check_file(path)):
        return html.escape(_without_front_matter(text))  # shown as text, never run, until fixed
    if not _mkdocs_can_read(text):
        return _without_front_matter(text)
    meta = yaml.safe_load(text.split("---", 2)[1]) or {}
    due = model.as_date(meta.get("next_review")) if isinstance(meta, dict) else None
    if due is not None and due < dt.date.today():
        log.info(f"Review overdue: {page.file.src_uri} was due for review on {due.isoformat()}")
    if isinstance(meta, dict) and meta.get("untranslated"):
        # A stub made by `docs.py new-language`: readers get the English page until it is translated.
        return _english_text(english)
    return text


def _english_text(path: Path) -> str:
    """The English page readers get instead of a translation; nothing when it cannot be read (the gate has said why)."""
    try:
        return model.read_text(path)
    except model.PageError:
        return ""


def _mkdocs_can_read(text: str) -> bool:
    """MkDocs parses front matter with PyYAML's dates, and raises on an impossible one."""
    try:
        yaml.safe_load(text.split("---", 2)[1])
    except Exception:
        return False
    return True


def _without_front_matter(text: str) -> str:
    parts = text.split("---", 2)
    return parts[2] if len(parts) == 3 and not parts[0].strip() else text


def _long_date(value, language: str, pattern: str) -> str:
    """A date as the language writes it: CLDR's long form, or the pattern its strings.yml
    gives (`date_format`; Vietnamese: "24 tháng 11 năm 2026", not CLDR's "24 tháng 11, 2026")."""
    date = model.as_date(value)
    return format_date(date, format=pattern, locale=language) if date else str(value)
