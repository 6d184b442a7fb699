"""The catalogue: every language's translation state for every page, read once, with the
publishing gate's verdict (its `judge`), the share of each language that is translated,
what readers are offered, and the pages' addresses.

Nothing here makes a gate: sitekit/gate.py imports this package, and
`gate.project_catalogue` makes the project's catalogue with its gate as the judge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitekit.model.config import REPO, Language, default_language, languages, page_file, page_names
from sitekit.model.pages import PageError, Problem, english_version, read_page, text_hash
from sitekit.model.reviews import Review, ReviewFile, read_reviews, review_of
from sitekit.model.strings import ui_strings

SOURCE, TRANSLATED, OUTDATED, MISSING, STUB, REFUSED = "source", "translated", "outdated", "missing", "stub", "refused"
SHOWN_IN_ENGLISH = (MISSING, STUB, REFUSED)  # readers get the English page with a notice
JUDGED = (TRANSLATED, OUTDATED)  # what the files say, until the publishing gate has checked the page


def translation_state(lang: str, name: str, root: Path = REPO, english_hash: str | None = None) -> str:
    """What the page's file says: source (English), translated, outdated (English changed
    since), missing, stub, or refused when it cannot be read. Whether the publishing gate
    accepts a translated or outdated page is the catalogue's business (`Catalogue.state`).
    `english_hash`: the English page's source_hash, when the caller already has it."""
    return _read_state(lang, name, root, english_hash)[0]


def _read_state(lang: str, name: str, root: Path, english_hash: str | None, reviews: ReviewFile | None = None) -> tuple[str, Review]:
    """The page's file state (as translation_state) and its review (from `reviews`, the
    language's reviewers' file, read when not given)."""
    if lang == default_language(root).code:
        return SOURCE, Review()
    path = page_file(lang, name, root)
    if not path.exists():
        return MISSING, Review()
    try:
        page = read_page(path)
    except PageError:
        return REFUSED, Review()  # the gate says why
    if page.meta.get("untranslated"):
        return STUB, Review()
    if english_hash is None:
        english_hash = english_version(name, root)
    state = TRANSLATED if page.meta.get("source_hash") == english_hash else OUTDATED
    record = (reviews if reviews is not None else read_reviews(lang, root)).records.get(name)
    return state, review_of(record, english_hash, page.meta.get("source_hash"), text_hash(page, root))


def page_url(name: str) -> str:
    """The page's URL inside its language folder: '' for index.md, 'trial/' for trial.md."""
    stem = name[: -len(".md")]
    if stem == "index":
        return ""
    return stem[: -len("/index")] + "/" if stem.endswith("/index") else stem + "/"


def language_url(lang: str, root: Path = REPO) -> str:
    """The language's folder in the site: '' for the default language, 'es/' for Spanish."""
    return _folder(lang, default_language(root).code)


def _folder(lang: str, default: str) -> str:
    return "" if lang == default else f"{lang}/"


PUBLISH_THRESHOLD = 0.8  # share of pages translated (outdated ones count, refused ones do not) before readers are offered a language


Judge = Callable[[str, str], list[Problem]]  # the publishing gate's errors in page `name` of language `lang`


class Unjudged(RuntimeError):
    """What readers get of a translated page was asked of a catalogue no gate judges."""


def _accepts_every_page(lang: str, name: str) -> list[Problem]:
    """The judge of `Catalogue.as_given`: no errors in any page."""
    return []


@dataclass
class Catalogue:
    """Every language's state for every page, read once (per build, per command).

    A translated (or outdated) page is offered to readers only when the publishing gate
    (sitekit/gate.py) accepts it: `judge` returns its errors, and a page with any is
    REFUSED (shown in English, not counted towards publication). Each page is judged
    once, when its state is first asked for. A catalogue without a judge (judge None) says
    what the files say (`file_state`) but not what readers get: `state` raises Unjudged for
    a translated page until a gate takes the catalogue (sitekit/gate.py: a Gate made with
    it becomes its judge; `gate.project_catalogue(root)` is the project's, judged). Tests
    that set states by hand say so: `as_given` accepts every page."""

    root: Path
    languages: list[Language]
    pages: list[str]
    states: dict[tuple[str, str], str]  # what the files say (translation_state); `state()` adds the gate's verdict
    reviews: dict[tuple[str, str], Review] = field(default_factory=dict)
    review_files: dict[str, ReviewFile] = field(default_factory=dict)  # each language's reviewers' file, as read
    judge: Judge | None = field(default=None, repr=False, compare=False)
    _errors: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _shares: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)
    _strings: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, root: Path = REPO, judge: Judge | None = None) -> Catalogue:
        """The project's catalogue as its files say, judged by `judge` (None: not yet judged; the
        project's catalogue with its gate as the judge is `gate.project_catalogue(root)`)."""
        langs, pages = languages(root), page_names(root)
        hashes = {name: english_version(name, root) for name in pages}
        files = {lang.code: read_reviews(lang.code, root) for lang in langs[1:]}
        read = {
            (lang.code, name): _read_state(lang.code, name, root, hashes[name], files.get(lang.code)) for lang in langs for name in pages
        }
        catalogue = cls(
            root, langs, pages, {key: state for key, (state, _) in read.items()}, {key: review for key, (_, review) in read.items()}
        )
        catalogue.review_files = files
        catalogue.judge = judge
        return catalogue

    @classmethod
    def as_given(cls, root: Path, languages: list[Language], pages: list[str], states: dict[tuple[str, str], str]) -> Catalogue:
        """A catalogue whose states are what readers get, as given (no gate: every translated
        page is accepted); for tests that set the states themselves."""
        return cls(root, languages, pages, states, judge=_accepts_every_page)

    @property
    def default(self) -> Language:
        return self.languages[0]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def state(self, lang: str, name: str) -> str:
        """What readers get: the file's state, or REFUSED when the publishing gate finds errors in the page."""
        state = self.file_state(lang, name)
        return REFUSED if state in JUDGED and self.errors(lang, name) else state

    def file_state(self, lang: str, name: str) -> str:
        """What the page's file says (translation_state), before the gate's verdict."""
        return self.states.get((lang, name), MISSING)

    def errors(self, lang: str, name: str) -> int:
        """How many errors the publishing gate finds in the page (0 for a page it has no verdict on:
        the source, a missing page, a stub)."""
        key = (lang, name)
        if key not in self._errors:
            if self.file_state(lang, name) not in (*JUDGED, REFUSED):
                return 0
            if self.judge is None:
                raise Unjudged(
                    f"no publishing gate has judged {lang}/{name}: make the catalogue with gate.project_catalogue(root) "
                    "(or Catalogue.as_given, for states taken as they are)"
                )
            self._errors[key] = len(self.judge(lang, name))
        return self._errors[key]

    def review(self, lang: str, name: str) -> Review:
        """The translation's review: reviewed, lapsed or unreviewed, with its record."""
        return self.reviews.get((lang, name), Review())

    def language_url(self, lang: str) -> str:
        """As model.language_url, without reading mkdocs.yml again."""
        return _folder(lang, self.default.code)

    def url(self, lang: str, name: str) -> str:
        """The page's address in the language, from the site's root: 'es/trial/'."""
        return _folder(lang, self.default.code) + page_url(name)

    def strings(self, lang: str) -> dict[str, str]:
        """The language's interface strings (model.ui_strings), read once. Do not modify."""
        if lang not in self._strings:
            self._strings[lang] = ui_strings(lang, self.root)
        return self._strings[lang]

    def share(self, lang: str) -> float:
        if lang not in self._shares:  # asked for every page of every language: counted once
            done = [name for name in self.pages if self.state(lang, name) not in SHOWN_IN_ENGLISH]
            self._shares[lang] = len(done) / len(self.pages) if self.pages else 0.0
        return self._shares[lang]

    def readable(self, name: str) -> list[Language]:
        """The languages readers are offered this page in, as a real translation (or the source)."""
        return [lang for lang in self.languages if self.published(lang.code) and self.state(lang.code, name) not in SHOWN_IN_ENGLISH]

    def content_language(self, lang: str, name: str, *, judged: bool = True) -> str:
        """The language of the page's text for readers of `lang`: English where they are shown the
        English page. judged=False: as the page's file says (the gate, while it judges pages)."""
        state = self.state(lang, name) if judged else self.file_state(lang, name)
        return self.default.code if state in SHOWN_IN_ENGLISH else lang

    def published(self, lang: str) -> bool:
        """A language is offered to readers (switcher, hreflang, suggestion) once PUBLISH_THRESHOLD of its pages are translated."""
        return self.share(lang) >= PUBLISH_THRESHOLD
