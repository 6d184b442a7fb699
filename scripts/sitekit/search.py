"""Search data outside the pages: each language's synonyms (l10n/<lang>/synonyms.yml) and stop
words (l10n/<lang>/stopwords.yml), which translators maintain and the build writes into the
language's search index with the guide's page order (`index_config`), and the query sets
patients' searches are tested and measured with (tests/search_queries.yml, the tuning set;
tests/search_heldout.yml, the held-out set).

How words match (accents, tone marks, Arabic prefixes, word pairs, stems) is defined once,
in docs/assets/search-worker.js, for the index and the query alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitekit import model

SYNONYMS = "synonyms"  # l10n/<lang>/synonyms.yml
STOP_WORDS = "stopwords"  # l10n/<lang>/stopwords.yml


@dataclass(frozen=True)
class Synonym:
    """A word patients type (`word`) and the words the pages use for it (`targets`)."""

    word: str
    targets: tuple[str, ...]
    line: int


def synonyms_file(lang: str, root: Path = model.REPO) -> Path:
    return model.l10n_file(lang, SYNONYMS, root)


def _yaml_node(path: Path, fix: str) -> tuple[yaml.Node | None, list[model.Problem]]:
    """A translator's search file read as YAML nodes (their lines kept): None and no problem
    when the file is absent or empty, None and the problem when it is not valid YAML."""
    if not path.exists():
        return None, []
    try:
        return model.compose_yaml(model.read_text(path)), []
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [model.Problem(path, line, f"not valid YAML ({getattr(err, 'problem', err)})", fix)]


def read_synonyms(lang: str, root: Path = model.REPO) -> tuple[list[Synonym], list[model.Problem]]:
    """The language's synonyms and the problems of its file (none when it has no file)."""
    path = synonyms_file(lang, root)
    fix = "write one `word: word the pages use` (or a [list]) per line"
    node, refused = _yaml_node(path, fix)
    if node is None:
        return [], refused
    if not isinstance(node, yaml.MappingNode):
        return [], [model.Problem(path, node.start_mark.line + 1, "synonyms must be a mapping of words", fix)]
    found, problems = [], []
    for key, value in node.value:
        line = key.start_mark.line + 1
        targets = [value] if isinstance(value, yaml.ScalarNode) else value.value if isinstance(value, yaml.SequenceNode) else None
        words = [t.value.strip() for t in targets or [] if isinstance(t, yaml.ScalarNode)]
        if not isinstance(key, yaml.ScalarNode) or not key.value.strip() or targets is None or len(words) != len(targets) or not all(words):
            problems.append(model.Problem(path, line, "a synonym needs a word and the word (or list of words) the pages use", fix))
            continue
        found.append(Synonym(key.value.strip(), tuple(words), line))
    return found, problems


def unused_targets(synonyms: list[Synonym], text: str, path: Path) -> list[model.Problem]:
    """Targets no page of the language contains (`text`: its pages' searchable text):
    the synonym finds nothing. Reported, never refused: a page may be waiting for its
    translation."""
    haystack = text.casefold()
    return [
        model.Problem(
            path,
            s.line,
            f"'{target}' is on no page of this language, so '{s.word}' finds nothing",
            "write the word as the pages write it",
            "warning",
        )
        for s in synonyms
        for target in s.targets
        if target.casefold() not in haystack
    ]


def index_synonyms(synonyms: list[Synonym]) -> dict[str, list[str]]:
    """The synonyms as the search index carries them: {"sonda": ["catéter"]}."""
    result: dict[str, list[str]] = {}
    for s in synonyms:
        result.setdefault(s.word, []).extend(s.targets)
    return result


def stop_words_file(lang: str, root: Path = model.REPO) -> Path:
    return model.l10n_file(lang, STOP_WORDS, root)


def read_stop_words(lang: str, root: Path = model.REPO) -> tuple[list[str], list[model.Problem]]:
    """The language's stop words (words search leaves out of a query of several words) and
    the problems of its file (none when it has no file: the language then has lunr's own,
    where lunr has them). Each entry is one word; anything else is refused with its line."""
    path = stop_words_file(lang, root)
    fix = "write the stop words as one YAML list of single words: [de, la, el]"
    node, refused = _yaml_node(path, fix)
    if node is None:
        return [], refused
    if not isinstance(node, yaml.SequenceNode):
        return [], [model.Problem(path, node.start_mark.line + 1, "stop words must be a list of words", fix)]
    words, problems = [], []
    for item in node.value:
        word = item.value.strip() if isinstance(item, yaml.ScalarNode) else ""
        if not word or any(ch.isspace() for ch in word):
            problems.append(model.Problem(path, item.start_mark.line + 1, "a stop word must be one word", fix))
            continue
        words.append(word)
    return words, problems


def guide_order(nav: Any, pages: list[str]) -> list[str]:
    """Search's order among equally good pages: the pages' addresses as the guide's
    navigation (mkdocs.yml `nav`) lists them, then the pages it leaves out, by name; the
    home page last (it sums up every page: an even match goes to the page on the subject)."""
    found: list[str] = []

    def walk(entry: Any) -> None:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                walk(value)
        elif isinstance(entry, list):
            for value in entry:
                walk(value)

    walk(nav or [])
    listed = [name for name in dict.fromkeys(found) if name in pages]
    ordered = [model.page_url(name) for name in listed + sorted(set(pages) - set(listed))]
    return [url for url in ordered if url] + [url for url in ordered if not url]


def index_config(lang: str, root: Path, text: str, order: list[str]) -> tuple[dict[str, Any], list[model.Problem]]:
    """What the language's search index carries besides the theme's settings, read as
    `docs.py check` reads it: its synonyms, its stop words and the guide's page order
    (`order`); and the problems of its files (`text`: its pages' searchable text, for the
    synonyms no page uses)."""
    synonyms, problems = read_synonyms(lang, root)
    problems += unused_targets(synonyms, text, synonyms_file(lang, root))
    stop_words, stop_problems = read_stop_words(lang, root)
    config = {"synonyms": index_synonyms(synonyms), "stop_words": stop_words, "pages": order}
    return config, problems + stop_problems


# --- the query set -------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A query a patient types in `lang`, and the page (file name) it must find in the top 3;
    `page` is "" when the guide does not answer it (`page: null` in the set)."""

    lang: str
    query: str
    page: str
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.lang}:{self.query}"


def load_queries(path: Path) -> list[Query]:
    """Every query of the set, language by language."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Query(lang, str(entry["query"]), str(entry["page"] or ""), str(entry.get("note", "")))
        for lang, entries in data.items()
        for entry in entries or []
    ]


# --- in the browser (Playwright) ------------------------------------------------------

SEARCH_TOGGLE = "button[data-pp-toggle=__search]"  # the header's Search button (phones)
SEARCH_INPUT = "input[data-md-component=search-query]"
RESULT_ITEM = ".md-search-result__item"
SEARCH_HELP = "[data-pp-search-help]"  # the no-dead-end help under the results (partials/search-help.html)
WATCH_JS = """() => {
  if (window.__ppResults) return;
  window.__ppResults = {changed: 0};
  new MutationObserver(() => { window.__ppResults.changed = performance.now(); })
    .observe(document.querySelector(".md-search-result"), {childList: true, subtree: true, characterData: true});
}"""
_SETTLED_JS = "(quiet) => window.__ppResults.changed > 0 && performance.now() - window.__ppResults.changed > quiet"


def open_search(page: Any) -> None:
    """Open the theme's search as a reader does (the search button on phones, the field on
    wider screens), ready to type."""
    toggle = page.locator(SEARCH_TOGGLE)
    page.click(SEARCH_TOGGLE if toggle.is_visible() else SEARCH_INPUT)
    page.wait_for_selector(SEARCH_INPUT, state="visible")
    page.evaluate(WATCH_JS)


def type_query(page: Any, query: str, timeout: float = 10000, quiet: float = 200) -> float:
    """Put `query` in the open search field and wait until the results stopped changing
    for `quiet` ms; returns when (the page's performance.now()) they last changed. The
    field is emptied first (a new query always changes the list). Playwright types
    non-Latin text without key events, and the theme searches on key events: End is pressed."""
    for text in ("", query):
        page.evaluate("() => { window.__ppResults.changed = 0; }")
        page.fill(SEARCH_INPUT, text)
        page.press(SEARCH_INPUT, "End")
        if text or page.locator(RESULT_ITEM).count():
            page.wait_for_function(_SETTLED_JS, arg=quiet, timeout=timeout)
    return float(page.evaluate("() => window.__ppResults.changed"))


def result_pages(page: Any) -> list[str]:
    """The addresses (path, no query or #section) of the pages found, best first."""
    return page.locator(RESULT_ITEM).evaluate_all(
        "items => items.map(item => { const a = item.querySelector('a.md-search-result__link'); return new URL(a.href).pathname; })"
    )
