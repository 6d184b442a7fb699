"""Page sources: every page's front matter is validated and raw HTML that could run code
is refused (all problems listed, with file and line, before strict mode stops the
build); review dates are shown in the page's language; a review that is due is reported
without failing the build; an untranslated stub is read as its English page."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import yaml
from babel.dates import format_date
from mkdocs.plugins import get_plugin_logger
from sitekit import model, translation

log = get_plugin_logger(__name__)


def on_env(env, config, files):
    language = config.theme["language"]
    env.filters["long_date"] = lambda value: _long_date(value, language)
    return env


def on_page_read_source(page, config):
    """Validate the page; hand MkDocs only what it can read without a traceback."""
    if getattr(page.file, "locale", None) != config.theme["language"]:
        return None  # an English page shown as a fallback: checked in the English build
    path = Path(page.file.abs_src_path)
    root = Path(config.config_file_path).parent
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        log.error(model.Problem(path, line, "the file is not UTF-8 text", "save it as UTF-8 in your editor").format(root))
        return ""
    try:
        source = model.parse_page(path, text.replace("\r\n", "\n"))
    except model.FrontMatterError as err:
        log.error(model.Problem(path, err.line, err.message, err.fix).format(root))
        return _without_front_matter(text)
    is_translation = page.file.locale != model.default_language(root).code
    unsafe = translation.unsafe_html(source.body, source.body_line, path)
    for problem in model.front_matter_problems(source, translation=is_translation) + unsafe:
        log.error(problem.format(root))
    due = model.review_date(source.meta, "next_review")
    if due is not None and due < dt.date.today():
        log.info(f"Review overdue: {page.file.src_uri} was due for review on {due.isoformat()}")
    if unsafe:
        return html.escape(_without_front_matter(text))  # shown as text, never run, until fixed
    if not _mkdocs_can_read(text):
        return _without_front_matter(text)
    if source.meta.get("untranslated"):
        # A stub made by `docs.py new-language`: readers get the English page until it is translated.
        english = model.page_file(model.default_language(root).code, page.file.norm_src_uri, root)
        return english.read_text(encoding="utf-8-sig")
    return None


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


def _long_date(value, language: str) -> str:
    date = model.as_date(value)
    return format_date(date, format="long", locale=language) if date else str(value)
