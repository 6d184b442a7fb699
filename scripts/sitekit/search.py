"""Search data outside the pages: each language's synonyms (l10n/<lang>/synonyms.yml) and stop
words (l10n/<lang>/stopwords.yml), which translators maintain and the build writes into the
language's search index with the guide's page order (`index_config`), and the query sets
patients' searches are tested and measured with (tests/search_queries.yml, the tuning set;
tests/search_heldout.yml, the held-out set).

How words match (accents, tone marks, Arabic prefixes, word pairs, stems) is defined once,
in docs/assets/search-worker.js, for the index and the query alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitekit import model

SYNONYMS = "synonyms"  # l10n/<lang>/synonyms.yml
STOP_WORDS = "stopwords"  # l10n/<lang>/stopwords.yml
SEARCH_REVIEW = "search-review"  # l10n/<lang>/search-review.yml, written only by `docs.py review <lang> search`
SEARCH_WORDS = "search"  # what `docs.py review <lang> search` reviews: the language's synonyms and stop words


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
    synonyms no page uses), with their review's (a lapsed review is a warning)."""
    synonyms, problems = read_synonyms(lang, root)
    problems += unused_targets(synonyms, text, synonyms_file(lang, root))
    stop_words, stop_problems = read_stop_words(lang, root)
    config = {"synonyms": index_synonyms(synonyms), "stop_words": stop_words, "pages": order}
    return config, problems + stop_problems + words_review_problems(lang, root, words_of(synonyms, stop_words))


# --- the review of a language's search words --------------------------------------------
#
# The synonyms and stop words are part of what the language's medical reviewer signs: a
# synonym leads a patient's word to a page. `docs.py review <lang> search` records their
# review in l10n/<lang>/search-review.yml (who, when, and the hash of the words as read:
# comments and layout change nothing) and keeps the reviewed words in
# l10n/<lang>/reviewed/search/<hash>.yml; any change to a synonym or a stop word lapses it:
# `docs.py check`, `status` and the build say so until the words are reviewed again.

REVIEW_FIELDS = ("reviewer", "qualification", "date", "words_hash")


@dataclass(frozen=True)
class WordsReview:
    """A qualified medical translator's review of a language's search words."""

    reviewer: str
    qualification: str
    date: dt.date
    words_hash: str


def search_words(lang: str, root: Path = model.REPO) -> dict[str, Any]:
    """The language's search words as search uses them (comments and layout aside)."""
    return words_of(read_synonyms(lang, root)[0], read_stop_words(lang, root)[0])


def words_of(synonyms: list[Synonym], stop_words: list[str]) -> dict[str, Any]:
    """Synonyms and stop words as read, in the form their review's hash is taken of."""
    return {"synonyms": [[s.word, list(s.targets)] for s in synonyms], "stop_words": stop_words}


def words_text(words: dict[str, Any]) -> str:
    return json.dumps(words, ensure_ascii=False, indent=1) + "\n"


def words_hash(words: dict[str, Any]) -> str:
    return hashlib.sha256(words_text(words).encode("utf-8")).hexdigest()[:12]


def search_review_file(lang: str, root: Path = model.REPO) -> Path:
    return model.l10n_file(lang, SEARCH_REVIEW, root)


def reviewed_words_path(lang: str, digest: str, root: Path = model.REPO) -> Path:
    """Where `docs.py review <lang> search` keeps the search words it recorded a review of."""
    return root / "l10n" / lang / "reviewed" / SEARCH_WORDS / f"{digest}.json"


def review_command(lang: str) -> str:
    return f'python scripts/docs.py review {lang} {SEARCH_WORDS} --by "NAME" --qualification "QUALIFICATION"'


def record_words_review(lang: str, root: Path, reviewer: str, qualification: str, date: dt.date) -> WordsReview:
    """Record the review of the language's current search words (and keep them)."""
    words = search_words(lang, root)
    review = WordsReview(reviewer, qualification, date, words_hash(words))
    kept = reviewed_words_path(lang, review.words_hash, root)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(words_text(words), encoding="utf-8")
    record = {"reviewer": reviewer, "qualification": qualification, "date": date, "words_hash": review.words_hash}
    header = [
        f"# Review of the {lang} search words (synonyms.yml, stopwords.yml) by a qualified medical translator.",
        f"# Written only by `{review_command(lang)}`: any change to the words lapses it.",
    ]
    body = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    search_review_file(lang, root).write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    return review


def read_words_review(lang: str, root: Path = model.REPO) -> tuple[WordsReview | None, list[model.Problem]]:
    """The language's search-word review record (None without a file), and what is wrong
    with it: a record the command did not write (a field missing or unknown, a hash of words
    it never kept) is refused with its line, and reads as no review."""
    path = search_review_file(lang, root)
    fix = f"restore it from git; record the review only with `{review_command(lang)}`"
    node, problems = _yaml_node(path, fix)
    if node is None:
        return None, problems
    data = model.load_yaml(model.read_text(path))
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return None, [model.Problem(path, node.start_mark.line + 1, "the search words' review is not a record", fix)]
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    wrong = [key for key in map(str, data) if key not in REVIEW_FIELDS] + [key for key in REVIEW_FIELDS if data.get(key) in (None, "")]
    if wrong:
        return None, [
            model.Problem(path, lines.get(key, 1), f"the search words' review has a wrong or missing field '{key}'", fix) for key in wrong
        ]
    date = model.as_date(data["date"])
    review = WordsReview(str(data["reviewer"]), str(data["qualification"]), date or dt.date.min, str(data["words_hash"]))
    kept = reviewed_words_path(lang, review.words_hash, root)
    if date is None or not kept.is_file() or words_hash(json.loads(kept.read_text(encoding="utf-8"))) != review.words_hash:
        line = lines["date" if date is None else "words_hash"]
        return None, [
            model.Problem(
                path, line, f"the search words' review names words {review.words_hash}, which `docs.py review` never recorded", fix
            )
        ]
    return review, []


def words_review_state(lang: str, root: Path = model.REPO) -> tuple[str, WordsReview | None]:
    """model.REVIEWED while the record covers the current search words, model.LAPSED once a
    synonym or a stop word changed, model.UNREVIEWED without a (valid) record."""
    review, _ = read_words_review(lang, root)
    if review is None:
        return model.UNREVIEWED, None
    return (model.REVIEWED if review.words_hash == words_hash(search_words(lang, root)) else model.LAPSED), review


def words_review_problems(lang: str, root: Path = model.REPO, words: dict[str, Any] | None = None) -> list[model.Problem]:
    """The record's problems, and a warning when the words changed since their review (the
    language's synonyms file named, or its stop words file when it has no synonyms);
    `words`: the language's search words, when the caller has read them (`words_of`)."""
    review, problems = read_words_review(lang, root)
    if review is None or review.words_hash == words_hash(search_words(lang, root) if words is None else words):
        return problems
    path = synonyms_file(lang, root) if synonyms_file(lang, root).exists() else stop_words_file(lang, root)
    message = (
        f"the search words (synonyms, stop words) changed since {review.reviewer} reviewed them on "
        f"{review.date.isoformat()} (words {review.words_hash}): their review has lapsed"
    )
    return [model.Problem(path, 1, message, f"have the language's reviewer check them, then `{review_command(lang)}`", "warning")]


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


def shared_queries(tuning: list[Query], held_out: list[Query]) -> list[Query]:
    """The held-out queries the tuning set also holds (in the same language, as typed
    without accents, case or extra spaces): a held-out query search was tuned on no longer
    measures it."""

    def typed(query: Query) -> tuple[str, str]:
        bare = "".join(c for c in unicodedata.normalize("NFD", query.query) if not unicodedata.combining(c))
        return query.lang, " ".join(bare.casefold().split())

    tuned = {typed(query) for query in tuning}
    return [query for query in held_out if typed(query) in tuned]


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
# Shown: the results changed since the field did, and no query is waiting for its answer
# (assets/search-on-demand.js keeps the results aria-busy from a query sent until its
# answer is shown). The theme clears the list before it shows an answer, in the same task.
_SETTLED_JS = "() => window.__ppResults.changed > 0 && document.querySelector('[data-md-component=search-result]').getAttribute('aria-busy') !== 'true'"


def open_search(page: Any) -> None:
    """Open the theme's search as a reader does (the search button on phones, the field on
    wider screens), ready to type."""
    toggle = page.locator(SEARCH_TOGGLE)
    page.click(SEARCH_TOGGLE if toggle.is_visible() else SEARCH_INPUT)
    page.wait_for_selector(SEARCH_INPUT, state="visible")
    page.evaluate(WATCH_JS)


def type_query(page: Any, query: str, timeout: float = 10000) -> float:
    """Put `query` in the open search field and wait until its answer is shown (_SETTLED_JS);
    returns when (the page's performance.now()) the results last changed. The field is
    emptied first (the theme asks nothing for a query unchanged). Playwright types
    non-Latin text without key events, and the theme searches on key events: End is pressed."""
    for text in ("", query):
        page.evaluate("() => { window.__ppResults.changed = 0; }")
        page.fill(SEARCH_INPUT, text)
        page.press(SEARCH_INPUT, "End")
        if text or page.locator(RESULT_ITEM).count():
            page.wait_for_function(_SETTLED_JS, timeout=timeout)
    return float(page.evaluate("() => window.__ppResults.changed"))


def result_pages(page: Any) -> list[str]:
    """The addresses (path, no query or #section) of the pages found, best first."""
    return page.locator(RESULT_ITEM).evaluate_all(
        "items => items.map(item => { const a = item.querySelector('a.md-search-result__link'); return new URL(a.href).pathname; })"
    )
