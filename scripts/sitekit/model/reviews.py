"""A translation's review by a qualified medical translator: the records of a language's
reviewers' file (l10n/<lang>/reviews.yml), written only by `scripts/docs.py review`, read
back exactly as written, and the reviewed texts kept beside them (snapshots)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitekit.model.config import REPO, page_names
from sitekit.model.pages import (
    REVIEW_FIELD,
    PageError,
    PageSource,
    Problem,
    _MetaLoader,
    as_date,
    decode_text,
    english_version,
    is_hash,
    read_text,
    text_hash,
)

REVIEW_KEYS = ("reviewer", "qualification", "date", "source_hash", "text_hash")
REVIEWED, LAPSED, UNREVIEWED = "reviewed", "lapsed", "unreviewed"


@dataclass(frozen=True)
class ReviewRecord:
    """A qualified medical translator's review of a translation: who (name and qualification),
    when, the English version it follows (source_hash) and the translation's text (text_hash).
    As `scripts/docs.py review` writes it in l10n/<lang>/reviews.yml:

        trial.md:
          reviewer: Ana Pérez
          qualification: Certified medical translator (English to Spanish)
          date: 2026-12-01
          source_hash: 398796eba817
          text_hash: 0b9d1c7a2e51
    """

    reviewer: str
    qualification: str
    date: dt.date
    source_hash: str
    text_hash: str

    def lines(self, name: str) -> list[str]:
        """The record's lines in the reviewers' file."""
        record = {
            "reviewer": self.reviewer,
            "qualification": self.qualification,
            "date": self.date,
            "source_hash": self.source_hash,
            "text_hash": self.text_hash,
        }
        text = yaml.safe_dump({name: record}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
        return text.rstrip("\n").split("\n")


@dataclass(frozen=True)
class Review:
    """What readers are told about a translation's review: REVIEWED while its record covers
    exactly the current translation (text_hash) of the current English version (source_hash,
    which the translation follows), LAPSED once either has changed, UNREVIEWED without a
    (valid) record. `text`: the translation's current text hash."""

    state: str = UNREVIEWED
    record: ReviewRecord | None = None
    text: str = ""

    @property
    def why(self) -> str:
        """Why a lapsed review no longer holds ('' otherwise)."""
        if self.state != LAPSED or self.record is None:
            return ""
        if self.record.text_hash != self.text:
            return f"the translation's text changed since (reviewed {self.record.text_hash}, now {self.text})"
        return f"the English page changed since (reviewed English {self.record.source_hash})"


def review_of(record: ReviewRecord | None, english_hash: str, follows: Any, text: str) -> Review:
    """A translation's review: its record, the English page's current version, the version the
    translation follows (its source_hash) and the translation's current text hash."""
    if record is None:
        return Review(text=text)
    current = record.source_hash == english_hash == follows and record.text_hash == text
    return Review(REVIEWED if current else LAPSED, record, text)


def review_command(lang: str = "LANGUAGE", name: str = "PAGE") -> str:
    """The command that records a review (the fix named by every message about a record)."""
    return f'python scripts/docs.py review {lang} {name} --by "NAME" --qualification "QUALIFICATION"'


def reviews_file(lang: str, root: Path = REPO) -> Path:
    """The language's reviewers' file: its translations' review records."""
    return root / "l10n" / lang / "reviews.yml"


def reviewed_text_path(lang: str, name: str, digest: str, root: Path = REPO) -> Path:
    """Where `docs.py review` keeps the translation's text it recorded a review of."""
    return root / "l10n" / lang / "reviewed" / name.removesuffix(".md") / f"{digest}.md"


def reviewed_text(page: PageSource) -> str:
    """A reviewed translation's text as kept in l10n/<lang>/reviewed/: its translatable parts."""
    return f"title: {page.meta.get('title', '')}\ndescription: {page.meta.get('description', '')}\n\n{page.body.strip()}\n"


def read_snapshot(path: Path) -> PageSource | None:
    """A recorded page (an English version in l10n/history/, a reviewed text in l10n/<lang>/reviewed/)."""
    if not path.is_file():
        return None
    head, _, body = read_text(path).partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.split("\n") if ": " in line)
    return PageSource(path=path, meta=meta, body=body, body_line=head.count("\n") + 3)


def reviews_header(lang: str) -> list[str]:
    return [
        f"# Reviews of the {lang} translation by qualified medical translators.",
        '# Written only by `python scripts/docs.py review` (see TRANSLATING.md, "Reviews"): a record',
        "# edited by hand is refused by `docs.py check` and the build. Owned by the reviewers",
        "# (.github/CODEOWNERS).",
    ]


def reviews_text(lang: str, records: dict[str, ReviewRecord]) -> str:
    """The reviewers' file as `docs.py review` writes it: the header, then the records by page."""
    lines = reviews_header(lang)
    for name in sorted(records):
        lines += records[name].lines(name)
    return "\n".join(lines) + "\n"


@dataclass
class ReviewFile:
    """A language's reviewers' file as read: the valid records, each record's line, and what is wrong."""

    path: Path
    records: dict[str, ReviewRecord] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, name: str) -> int:
        return self.lines.get(name, 1)


_REVIEW_FILES: dict[tuple[Path, bytes, tuple[tuple[str, bytes], ...]], ReviewFile] = {}


def read_reviews(lang: str, root: Path = REPO) -> ReviewFile:
    """The language's review records that are exactly what `docs.py review` writes: fields,
    layout, an English version the page had, and a translation text it recorded. Every other
    record is left out (the translation reads as unreviewed) and reported with its line."""
    path = reviews_file(lang, root)
    if not path.is_file():
        return ReviewFile(path)
    raw = path.read_bytes()
    kept = root / "l10n" / lang / "reviewed"
    snapshots = tuple(sorted((p.relative_to(kept).as_posix(), p.read_bytes()) for p in kept.rglob("*.md"))) if kept.is_dir() else ()
    key = (path.resolve(), raw, snapshots)
    if key not in _REVIEW_FILES:
        _REVIEW_FILES[key] = _read_reviews(lang, root, path, raw)
    cached = _REVIEW_FILES[key]
    return ReviewFile(cached.path, dict(cached.records), dict(cached.lines), list(cached.problems))


def _read_reviews(lang: str, root: Path, path: Path, raw: bytes) -> ReviewFile:
    out = ReviewFile(path)
    command = review_command(lang)
    try:
        text = decode_text(raw)
        node = yaml.compose(text, Loader=_MetaLoader)
        data = yaml.load(text, Loader=_MetaLoader)
    except PageError as err:
        out.problems.append(Problem(path, err.line, err.message, err.fix))
        return out
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        out.problems.append(
            Problem(
                path,
                (mark.line + 1) if mark else 1,
                "the reviewers' file is not valid YAML",
                f"restore it from git; record reviews only with `{command}`",
            )
        )
        return out
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, (yaml.MappingNode, type(None))):
        out.problems.append(
            Problem(
                path,
                1,
                "the reviewers' file is not a list of records by page",
                f"restore it from git; record reviews only with `{command}`",
            )
        )
        return out
    names = set(page_names(root))
    for key_node, _ in node.value if node is not None else []:
        out.lines[str(key_node.value)] = key_node.start_mark.line + 1
    parsed: dict[str, ReviewRecord] = {}
    for name, value in data.items():
        name = str(name)
        line = out.line(name)
        command = review_command(lang, name)
        if name not in names:
            out.problems.append(
                Problem(path, line, f"there is a review record for '{name}', which is not a page of the site", "remove the record")
            )
            continue
        if not isinstance(value, dict):
            out.problems.append(
                Problem(path, line, f"the review record of {name} is not a record", f"remove it and record the review with `{command}`")
            )
            continue
        faults = _record_faults(value, command)
        if faults:
            out.problems += [Problem(path, line, f"{name}: {message}", fix) for _, message, fix in faults]
            continue
        date = as_date(value["date"])
        assert date is not None  # _record_faults checked it
        record = ReviewRecord(value["reviewer"], value["qualification"], date, value["source_hash"], value["text_hash"])
        current = english_version(name, root)
        recorded = root / "l10n" / "history" / name.removesuffix(".md") / f"{record.source_hash}.md"
        if record.source_hash != current and not recorded.is_file():
            out.problems.append(
                Problem(
                    path,
                    line,
                    f"the review record of {name} names English version {record.source_hash}, which the English page never had",
                    f"remove the record; have the translation reviewed and record it with `{command}` (it writes the current version, {current})",
                )
            )
            continue
        kept = read_snapshot(reviewed_text_path(lang, name, record.text_hash, root))
        if kept is None or text_hash(kept, root) != record.text_hash:
            out.problems.append(
                Problem(
                    path,
                    line,
                    f"the review record of {name} names translation text {record.text_hash}, which `docs.py review` never recorded",
                    f"remove the record; only `{command}` writes one (with the reviewed text in "
                    f"{reviewed_text_path(lang, name, record.text_hash, root).relative_to(root).as_posix()})",
                )
            )
            continue
        parsed[name] = record
    # The layout, too, must be the tool's: a record edited by hand is not one it wrote.
    expected = reviews_text(lang, parsed).split("\n")
    given = text.split("\n")
    if not out.problems and given != expected:
        first = next((i for i, (a, b) in enumerate(zip(given, expected, strict=False)) if a != b), min(len(given), len(expected)) - 1)
        by_line = sorted((line, name) for name, line in out.lines.items())
        owner = next((name for line, name in reversed(by_line) if line <= first + 1), None)
        out.problems.append(
            Problem(
                path,
                first + 1,
                "the reviewers' file is not as `docs.py review` writes it (edited by hand)",
                f"restore it from git and record reviews only with `{review_command(lang)}`",
            )
        )
        if owner:
            parsed.pop(owner, None)
    out.records = parsed
    return out


def _record_faults(value: dict[Any, Any], command: str = "") -> list[tuple[str, str, str]]:
    """What is wrong with a review record: (its field, the problem, the fix)."""
    again = f"record the review with `{command or review_command()}`"
    faults = [
        (str(key), f"the review record has an unknown field '{key}'", f"remove it: a record has {', '.join(REVIEW_KEYS)}")
        for key in value
        if key not in REVIEW_KEYS
    ]
    for key in REVIEW_KEYS:
        if value.get(key) in (None, ""):
            faults.append((key, f"the review record has no '{key}'", again))
    for key in ("reviewer", "qualification"):
        if value.get(key) not in (None, "") and not (isinstance(value[key], str) and value[key].strip()):
            faults.append((key, f"the review record's '{key}' must be text", f"write '{key}:' followed by one line of text"))
    if value.get("date") not in (None, ""):
        date = as_date(value["date"])
        if date is None:
            faults.append(
                ("date", f"the review record's 'date' is not a date ({value['date']!r})", "write it as YYYY-MM-DD, e.g. 'date: 2026-12-01'")
            )
        elif date > dt.date.today():
            faults.append(("date", f"the review record's date {date.isoformat()} is in the future", "write the day the review was done"))
    for key in ("source_hash", "text_hash"):
        if value.get(key) not in (None, "") and not is_hash(value[key]):
            faults.append((key, f"the review record's '{key}' is not a 12-character hash ({value[key]!r})", again))
    return faults


def review_record_problems(page: PageSource, *, translation: bool, command: str) -> list[Problem]:
    """A review record in the page's front matter: never accepted (only `docs.py review` writes a
    record, in the language's reviewers' file)."""
    if REVIEW_FIELD not in page.meta:
        return []
    line = page.line_of(REVIEW_FIELD)
    if not translation:
        return [Problem(page.path, line, f"an English page has no '{REVIEW_FIELD}'", "remove the field: only translations are reviewed")]
    return [
        Problem(
            page.path,
            line,
            f"a review record in the page's front matter ('{REVIEW_FIELD}') is not accepted: readers are told the translation is unreviewed",
            f"remove the field; a review is recorded only by `{command}`, in l10n/<language>/reviews.yml",
        )
    ]
