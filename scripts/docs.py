#!/usr/bin/env python3
"""Tools for editors and translators of the pain pump site.

Every command reads the list of languages from mkdocs.yml. Exit status: 0 when all is
well, 1 when problems were found, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import re
import sys
import textwrap
from pathlib import Path

import yaml
from sitekit import disk, exchange, gate, language_tags, model, readability, search, tables, translation
from sitekit.gate import project_catalogue
from sitekit.structure import ConfigError

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder


def cmd_status(args: argparse.Namespace) -> int:
    """Show, per language and page, whether the translation is done, outdated, missing or
    refused by the check, how many of its segments changed in English since the
    translation, and whether a qualified medical translator's review covers it."""
    root = args.root
    catalogue = project_catalogue(root)
    codes = [lang.code for lang in catalogue.languages]
    if args.lang and args.lang not in codes:
        return usage_error(f"unknown language '{args.lang}': the site has {', '.join(codes)}")
    segmented = exchange.Exchange(root)
    report = []
    for lang in catalogue.languages:
        if args.lang and lang.code != args.lang:
            continue
        pages = []
        for name in catalogue.pages:
            state = catalogue.state(lang.code, name)
            path = model.page_file(lang.code, name, root)
            score = None
            if state not in model.SHOWN_IN_ENGLISH:
                score = readability.score(lang.code, model.read_page(path).body)
            english_hash = model.english_version(name, root)
            count = exchange.segment_count(segmented, lang.code, name)
            segments = {"total": count.total, "changed": count.changed, "waiting": count.waiting, "suggested": count.suggested}
            entry = {"page": name, "state": state, "readability": score, "english_hash": english_hash, "segments": segments}
            if state == model.REFUSED:
                entry["errors"] = catalogue.errors(lang.code, name)
                entry["check"] = f"python scripts/docs.py check {path.relative_to(root).as_posix()}"
            if not lang.default:
                entry["review"] = _review_entry(catalogue.review(lang.code, name))
            pages.append(entry)
        report.append(
            {
                "language": lang.code,
                "name": lang.name,
                "complete": round(catalogue.share(lang.code) * 100),
                "published": catalogue.published(lang.code),
                "readability_formula": readability.formula(lang.code),
                "pages": pages,
                **({} if lang.default else {"search_words": _words_review_entry(lang.code, root)}),
            }
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for entry in report:
        shown = "shown to readers" if entry["published"] else f"not yet shown to readers (needs {model.PUBLISH_THRESHOLD:.0%})"
        print(f"\n{entry['language']} — {entry['name']}: {entry['complete']}% complete, {shown}")
        formula = entry["readability_formula"] or "no formula for this language"
        rows = [
            (
                p["page"],
                _state_cell(p),
                segments_shown(p["state"], p["segments"]),
                *_review_cells(p.get("review")),
                "—" if p["readability"] is None else f"{p['readability']:.1f}",
            )
            for p in entry["pages"]
        ]
        header = ("page", "state", "segments", "review", "reviewer", f"readability ({formula})")
        print(textwrap.indent(tables.table(header, rows), "  "))
        if "search_words" in entry:
            words = entry["search_words"]
            when = f", by {words['reviewer']} on {words['date']}" if words["reviewer"] else ""
            print(f"  search words (synonyms.yml, stopwords.yml): {words['state']}{when}")
    return 0


def _words_review_entry(lang: str, root: Path) -> dict[str, str | None]:
    """Whether the language's search words' review covers them (search.words_review_state)."""
    state, review = search.words_review_state(lang, root)
    return {
        "state": state,
        "reviewer": review.reviewer if review else None,
        "date": review.date.isoformat() if review else None,
        "words_hash": review.words_hash if review else None,
    }


def _review_entry(review: model.Review) -> dict[str, str | None]:
    record = review.record
    return {
        "state": review.state,
        "reviewer": record.reviewer if record else None,
        "qualification": record.qualification if record else None,
        "date": record.date.isoformat() if record else None,
        "source_hash": record.source_hash if record else None,
        "text_hash": record.text_hash if record else None,
        "current_text_hash": review.text or None,
        "holds": review.state == model.REVIEWED,
        "why": review.why or None,
    }


def _state_cell(page: dict) -> str:
    if page["state"] != model.REFUSED:
        return page["state"]
    count = page["errors"]
    return f"refused: {count} error{'s' if count != 1 else ''} — run {page['check']}"


def _review_cells(review: dict[str, str | None] | None) -> tuple[str, str]:
    """(review, reviewer) for the table: when, which English version and which translation
    text it covers, and whether it still holds (a lapsed one says why)."""
    if review is None:
        return "—", "—"
    if review["state"] == model.UNREVIEWED:
        return model.UNREVIEWED, "—"
    covers = f"reviewed {review['date']}: English {review['source_hash']}, text {review['text_hash']}"
    when = f"{covers}, holds" if review["state"] == model.REVIEWED else f"lapsed: {covers}; {review['why']}"
    return when, f"{review['reviewer']}, {review['qualification']}"


def cmd_diff(args: argparse.Namespace) -> int:
    """Show what changed in the English page since the translation's recorded version:
    each changed or new segment, then the line diff."""
    root = args.root
    catalogue = project_catalogue(root)
    if args.lang not in [lang.code for lang in catalogue.languages[1:]]:
        return usage_error(f"'{args.lang}' is not a translated language of the site")
    name = args.page if args.page.endswith(".md") else f"{args.page}.md"
    if name not in catalogue.pages:
        return usage_error(f"no page '{name}': pages are {', '.join(catalogue.pages)}")
    path = model.page_file(args.lang, name, root)
    if not path.exists():
        print(f"{path.relative_to(root)} does not exist yet: translate the whole English page.")
        return 1
    digest = model.read_page(path).meta.get("source_hash")
    english = model.read_page(model.page_file(catalogue.default.code, name, root))
    if digest == model.source_hash(english, root):
        print(f"{path.relative_to(root)} is up to date with the English page.")
        return 0
    old = translation.snapshot_path(name, str(digest), root)
    if not old.exists():
        print(
            f"{path.relative_to(root)}: source_hash {digest} is not a recorded version of the English page; compare it with the whole English page."
        )
        return 1
    print_segment_changes(exchange.Exchange(root), args.lang, name)
    diff = difflib.unified_diff(
        old.read_text(encoding="utf-8").splitlines(),
        translation.snapshot_text(english).splitlines(),
        f"en/{name} (version {digest}, translated)",
        f"en/{name} (version {model.source_hash(english, root)}, now)",
        lineterm="",
    )
    print("\n".join(diff))
    print(f"\nWhen the translation is updated, set source_hash: {model.source_hash(english, root)}")
    return 1


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Record the current version of every English page in l10n/history/ (for `diff`)."""
    root = args.root
    catalogue = model.Catalogue.load(root)  # pages and languages only: no verdict needed
    for name in catalogue.pages:
        page = model.read_page(model.page_file(catalogue.default.code, name, root))
        target = translation.snapshot_path(name, model.source_hash(page, root), root)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(translation.snapshot_text(page), encoding="utf-8")
            print(f"recorded {target.relative_to(root)}")
    return 0


def name_problem(name: str) -> str | None:
    """What is wrong with a language's name as the language menu shows it (None: nothing)."""
    if not name.strip():
        return "it is empty"
    if not name.isprintable():
        bad = next(c for c in name if not c.isprintable())
        return f"it has the character U+{ord(bad):04X}, which is not printable (a line break or a control character)"
    if name != name.strip():
        return "it begins or ends with a space"
    if len(name) > 40:
        return f"it is {len(name)} characters long (at most 40)"
    return None


def cmd_new_language(args: argparse.Namespace) -> int:
    """Start a new language: docs folder of stubs, mkdocs.yml entry, strings and glossary.
    CODE is a BCP 47 tag (fr, pt-BR, zh-Hant); every file is written, or none."""
    root = args.root
    code = language_tags.language_tag(args.code)
    if code is None:
        return usage_error(
            f"'{args.code}' is not a BCP 47 language tag (a language, then an optional script and region: fr, pt-BR, zh-Hant)"
        )
    refusal = language_tags.plugin_refusal(code)
    if refusal:
        return usage_error(
            f"{refusal} — nothing was written; another tag (a two-letter code of a related language) is the site's editors' choice"
        )
    supported = language_tags.theme_languages()
    fallback = language_tags.theme_fallback(code, supported)
    if fallback is None:
        return usage_error(
            f"the theme (Material for MkDocs) has no interface translation for '{code}' nor for its language; it has: {', '.join(sorted(supported))}"
        )
    name = args.name if args.name is not None else code
    problem = name_problem(name)
    if problem:
        return usage_error(
            f"--name {json.dumps(name, ensure_ascii=False)}: {problem} — give the language's name as its readers write it, e.g. --name Français"
        )
    catalogue = model.Catalogue.load(root)  # pages and languages only: no verdict needed
    folder = model.docs_dir(root) / code
    if code in [lang.code for lang in catalogue.languages] or folder.exists() or model.l10n_file(code, "strings", root).parent.exists():
        print(f"{code} already exists (in mkdocs.yml, docs/{code}/ or l10n/{code}/): nothing was changed.", file=sys.stderr)
        return 1
    english = catalogue.default.code
    files: dict[Path, str | None] = {}
    for page_name in catalogue.pages:
        source = model.read_page(model.page_file(english, page_name, root))
        files[model.page_file(code, page_name, root)] = model.format_page(
            f"title: {json.dumps(source.meta['title'], ensure_ascii=False)}\n"
            f"description: {json.dumps(source.meta['description'], ensure_ascii=False)}\n"
            f"last_reviewed: {source.meta['last_reviewed']}\n"
            f"next_review: {source.meta['next_review']}\n"
            "untranslated: true  # UNTRANSLATED STUB: readers see the English page until this page is translated\n",
            f"\n<!-- Translate docs/{english}/{page_name} here; see TRANSLATING.md. -->\n",
        )
    files[model.l10n_file(code, "strings", root)] = (
        f"# Interface strings for {name}: translate each value (still English).\n"
        # The theme's own words (theme.*) are left out: the theme's translation shows until they are added.
        + "".join(
            line
            for line in model.l10n_file(english, "strings", root).read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("theme.")
        )
    )
    terms = model.glossary(english, root).get("terms") or {}
    files[model.l10n_file(code, "glossary", root)] = (
        f"# Glossary for {name}: write the approved translation of each term (see TRANSLATING.md).\nterms:\n"
        + "".join(f'  {json.dumps(term)}: ""\n' for term in terms)
        + "abbreviations: {}\n"
        + "# Words not to use: under an English word, the forms readers would misread (see TRANSLATING.md).\navoid: {}\n"
        + "# The words written after a number for each unit, and the words for numbers (see l10n/en/glossary.yml).\nunits:\n"
        + "".join(f"  {json.dumps(str(unit))}: []\n" for unit in model.glossary(english, root).get("units") or {})
        + "numbers: {}\n"
    )
    if fallback != code:  # the theme's words of the nearest language it has; the page's lang stays the tag
        files[root / "overrides" / "partials" / "languages" / f"{code}.html"] = language_tags.theme_partial(code, fallback)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entries = list(re.finditer(r"^        - locale: .*\n(?:          .*\n)*", text, re.M))
    if not entries:
        print(
            "mkdocs.yml: no language entry (`        - locale: …`) under the i18n plugin's languages — nothing was changed", file=sys.stderr
        )
        return 1
    entry = f"        - locale: {code}\n          name: {json.dumps(name, ensure_ascii=False)}\n          build: true\n"
    files[config] = text[: entries[-1].end()] + entry + text[entries[-1].end() :]
    for path, content in files.items():  # everything it would write reads back as meant, before anything is written
        try:
            if path == config:
                languages = model._parse_languages(content)
                if next((lang.name for lang in languages if lang.code == code), None) != name:
                    raise ValueError(f"the new entry does not read back as {code} ({name})")
            elif path.suffix == ".md":
                model.parse_page(path, content)
            elif path.suffix != ".html":
                model.load_yaml(content)
        except Exception as err:
            print(f"{path.relative_to(root)}: would not read back ({err}) — nothing was changed", file=sys.stderr)
            return 1
    exchange.write_files(files)
    print(f"Started {code} ({name}): docs/{code}/ ({len(catalogue.pages)} stubs), l10n/{code}/, and its entry in mkdocs.yml.")
    if fallback != code:
        print(
            f"The theme has no interface translation for {code}: its own words (search, navigation) are its '{fallback}' ones"
            f" (overrides/partials/languages/{code}.html) until l10n/{code}/strings.yml words them (theme.* keys)."
        )
    print(
        f"It is 0% translated and stays hidden from readers until {model.PUBLISH_THRESHOLD:.0%} of its pages are translated."
        f" Next: `python scripts/docs.py status --lang {code}`."
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Record a qualified medical translator's review of a translation: who (--by, and
    --qualification), when (--date, default today), the English version it follows and the
    translation's text (their hashes, over the segments). The record goes into the language's
    reviewers' file, l10n/<lang>/reviews.yml, and the reviewed text into l10n/<lang>/reviewed/;
    the page itself is not changed. Readers are told the page was reviewed, with the date,
    until its words or the English page's words change: then the review lapses, and the page
    says it is not reviewed. Only this command writes a record: one written by hand is refused.
    `review LANG search` records the review of the language's search words (synonyms.yml,
    stopwords.yml) in l10n/<lang>/search-review.yml: any change to them lapses it."""
    root = args.root
    if args.lang not in [lang.code for lang in model.languages(root)[1:]]:
        return usage_error(f"'{args.lang}' is not a translated language of the site")
    name = args.page if args.page.endswith(".md") or args.page == search.SEARCH_WORDS else f"{args.page}.md"
    if name not in [*model.page_names(root), search.SEARCH_WORDS]:
        return usage_error(
            f"no page '{name}': pages are {', '.join(model.page_names(root))} (or `{search.SEARCH_WORDS}`: the search words)"
        )
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        return usage_error(f"--date {args.date!r} is not a date: write it as YYYY-MM-DD")
    if date > dt.date.today():
        return usage_error(f"--date {date.isoformat()} is in the future: give the day the review was done")
    if not (args.by.strip() and args.qualification.strip()):
        return usage_error("--by and --qualification must name the reviewer and their qualification")
    if name == search.SEARCH_WORDS:
        return _review_search_words(args.lang, root, args.by.strip(), args.qualification.strip(), date)
    checker = gate.Gate.for_project(root)
    catalogue = checker.catalogue
    path = model.page_file(args.lang, name, root)
    shown = path.relative_to(root).as_posix()
    state = catalogue.state(args.lang, name)
    refusal = {
        model.MISSING: f"{shown} does not exist: there is no translation to review",
        model.STUB: f"{shown} is not translated yet (untranslated: true)",
        model.OUTDATED: f"{shown} is outdated: the English page changed since it was translated. Update it first "
        f"(`python scripts/docs.py diff {args.lang} {name}`); a review covers the current English version",
        model.REFUSED: f"{shown} is refused by the check: run `python scripts/docs.py check {shown}` and fix it first",
    }
    if state in refusal:
        print(f"docs.py: {refusal[state]}. Nothing was recorded.", file=sys.stderr)
        return 1
    reviews = model.read_reviews(args.lang, root)
    if reviews.problems:
        for problem in reviews.problems:
            print(problem.format(root), file=sys.stderr)
        print(
            f"docs.py: {reviews.path.relative_to(root).as_posix()} was edited by hand; restore it from git first. Nothing was recorded.",
            file=sys.stderr,
        )
        return 1
    page = model.read_page(path)
    record = model.ReviewRecord(
        args.by.strip(), args.qualification.strip(), date, model.english_version(name, root), model.text_hash(page, root)
    )
    kept = model.reviewed_text_path(args.lang, name, record.text_hash, root)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(model.reviewed_text(page), encoding="utf-8")
    reviews.path.write_text(model.reviews_text(args.lang, {**reviews.records, name: record}), encoding="utf-8")
    again = model.read_reviews(args.lang, root)
    if again.records.get(name) != record:  # never: the tool reads back what it wrote
        for problem in again.problems:
            print(problem.format(root), file=sys.stderr)
        return 1
    where = reviews.path.relative_to(root).as_posix()
    print(
        f"Recorded in {where}: {shown} reviewed by {record.reviewer} ({record.qualification}) on {date.isoformat()}, "
        f"English version {record.source_hash}, translation text {record.text_hash}."
    )
    print("Readers are told it was reviewed by a qualified medical translator, with the date, until its words or the English words change.")
    return 0


def _review_search_words(lang: str, root: Path, by: str, qualification: str, date: dt.date) -> int:
    """`review LANG search`: the language's synonyms and stop words, as they are now."""
    problems = [p for f in (search.read_synonyms, search.read_stop_words) for p in f(lang, root)[1]]
    problems += search.read_words_review(lang, root)[1]
    if problems:
        for problem in problems:
            print(problem.format(root), file=sys.stderr)
        print("docs.py: fix the search words' files first. Nothing was recorded.", file=sys.stderr)
        return 1
    review = search.record_words_review(lang, root, by, qualification, date)
    where = search.search_review_file(lang, root).relative_to(root).as_posix()
    print(
        f"Recorded in {where}: the {lang} search words reviewed by {by} ({qualification}) on {date.isoformat()}, words {review.words_hash}."
    )
    print("Any change to a synonym or a stop word lapses the review: `docs.py check` and the build say so.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check pages (all of docs/, every l10n/<lang>/strings.yml, synonyms.yml, stopwords.yml and reviews.yml by default): every problem as path:line: what — fix."""
    root = args.root
    paths, synonym_files, stop_word_files, string_files = [], [], [], []
    languages = model.languages(root)
    reviews = [model.reviews_file(lang.code, root) for lang in languages[1:]]
    defaults = [model.docs_dir(root), *(model.l10n_file(lang.code, "strings", root) for lang in languages)]
    for given in args.files or [
        *defaults,
        *(search.synonyms_file(lang.code, root) for lang in languages),
        *(search.stop_words_file(lang.code, root) for lang in languages),
        *(path for path in reviews if path.exists()),
    ]:
        path = Path(given)
        if path.is_dir() and not path.is_symlink():
            paths.extend(gate.tree_files(path))  # every file and link, never following one: the gate says which may not be there
        elif path.name == search.synonyms_file("xx", root).name:
            synonym_files.extend([path] if path.exists() or given in (args.files or []) else [])
        elif path.name == search.stop_words_file("xx", root).name:
            stop_word_files.extend([path] if path.exists() or given in (args.files or []) else [])
        elif path.name == "strings.yml" and path.parent.parent.name == "l10n":
            string_files.extend([path] if path.exists() else [])
        elif path.exists() or path.is_symlink():
            paths.append(path)
        else:
            return usage_error(f"no such file or folder: {given}")
    problems = gate.check_paths(paths, root)
    if not args.files:  # the translators' YAML files the build reads (l10n/<lang>/*.yml)
        problems += model.l10n_problems(root)
    for path in synonym_files:  # the same reading as the build's (scripts/sitekit/build/language_outputs.py)
        problems.extend(search.read_synonyms(path.parent.name, path.parents[2])[1])
    for path in stop_word_files:
        problems.extend(search.read_stop_words(path.parent.name, path.parents[2])[1])
    for lang_dir in dict.fromkeys(path.parent for path in synonym_files + stop_word_files):  # their review, once per language
        problems.extend(search.words_review_problems(lang_dir.name, lang_dir.parent.parent))
    for path in string_files:  # the build reads them alike (model.ui_strings: a refused value is the English one)
        problems.extend(model.strings_problems(path.parent.name, root))
    paths += synonym_files + stop_word_files + string_files
    if args.format == "json":
        print(json.dumps([{**vars(p), "path": str(p.path)} for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem.format(root), file=sys.stderr)
    errors = [p for p in problems if p.severity == "error"]
    if args.format != "json":
        summary = (
            f"{counted(len(paths), 'file')} checked: {counted(len(errors), 'error')}, {counted(len(problems) - len(errors), 'warning')}."
        )
        print(summary, file=sys.stderr)
    return 1 if errors else 0


def segments_shown(state: str, segments: dict[str, int]) -> str:
    """The segment column of `status`: what is left to translate, in segments, and what an
    import keeps in l10n/<lang>/exchange.yml (translations waiting for their page, suggestions to review)."""
    held = [
        f"{segments[key]} {label}"
        for key, label in (("waiting", "waiting in exchange.yml"), ("suggested", "to review in exchange.yml"))
        if segments.get(key)
    ]
    shown = _segments_left(state, segments)
    return f"{shown}, {', '.join(held)}" if held else shown


def _segments_left(state: str, segments: dict[str, int]) -> str:
    if state == model.SOURCE:
        return str(segments["total"])
    if state == model.OUTDATED:
        return f"{segments['changed']} of {segments['total']} changed"
    if state in model.SHOWN_IN_ENGLISH:
        return f"{segments['total']} to translate"
    return "up to date"


def print_segment_changes(ex: exchange.Exchange, lang: str, name: str) -> None:
    """`diff`, segment by segment: which English segments changed or are new since the
    translation, by the ids the exported XLIFF and PO files give them."""
    current, removed = ex.page_changes(lang, name)
    changed = [change for change in current if change.state != "same"]
    followed = ex.followed(lang, name)
    earlier = exchange.stable_ids(followed[0].segments) if followed else {}  # a removed block's id, as the exported files gave it
    print(f"{lang}/{name}: {len(changed)} of {len(current)} segments changed since your translation")
    for change in changed:
        print(f"\n  {change.state}: {ex.exchange_id(change.segment.id)}")
        if change.before is not None:
            print(f"    before: {change.before.plain}")
        print(f"    now:    {change.segment.plain}")
    for segment in removed:
        print(f"\n  removed: {earlier.get(segment.id, segment.id)}\n    before: {segment.plain}")
    print()


def cmd_export(args: argparse.Namespace) -> int:
    """Write a language's segments for CAT tools: pages and interface strings as XLIFF or PO,
    the glossary as TBX, the current translations as a TMX memory (in OUT/<lang>/).

    One segment per title, description, heading, paragraph, list item, table cell and box
    title, with the English text it is translated from; Markdown, links and ids are numbered inline
    codes. Segments whose English changed since the translation are marked for review
    (XLIFF needs-review-translation, PO fuzzy), new ones are empty."""
    root = args.root
    ex = exchange.Exchange(root)
    codes = [lang.code for lang in ex.catalogue.languages[1:]]
    if args.lang not in codes:
        return usage_error(f"'{args.lang}' is not a translated language of the site ({', '.join(codes)})")
    for path in ex.export(args.lang, args.format, args.out or root / "exchange"):
        print(f"wrote {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read translated XLIFF or PO files (from `export`) back into the pages and strings.

    Every page it would write is checked by the publishing gate first: if any segment is
    refused, no file is changed, and each problem is printed as `file: segment: problem — fix`.
    A page is written only once all its segments are translated; other translations and
    translators' notes wait in l10n/<lang>/exchange.yml for the next export."""
    root = args.root
    paths = [Path(given) for given in args.files]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        return usage_error(f"no such file: {', '.join(missing)}")
    try:
        outcome = exchange.Exchange(root).import_files(paths, write=not args.check)
    except OSError as err:  # writes all its files or none (exchange.write_files)
        print(f"docs.py: {disk.write_problem(err)}; nothing was changed: run the import again then", file=sys.stderr)
        return 1
    for problem in outcome.problems:
        print(problem.format(), file=sys.stderr)
    if outcome.refused:
        print(f"Nothing was written: {counted(sum(p.severity == 'error' for p in outcome.problems), 'problem')} to fix.", file=sys.stderr)
        return 1
    for path in outcome.written:
        print(f"wrote {path.relative_to(root) if path.is_relative_to(root) else path}")
    suggestions = sum(p.severity == exchange.KEPT and "suggestion" in p.message for p in outcome.problems)
    if suggestions:
        print(
            f"{counted(suggestions, 'translation')} kept for review, not published (made for an English that changed since the export):"
            " they wait in l10n/<lang>/exchange.yml and the next export marks them for review with the English they were made for"
        )
    for page, left in sorted(outcome.waiting.items()):
        print(f"{page}: {counted(left, 'segment')} still to translate — the page is written once every segment is translated")
    if args.check:
        print("Checked: the import would be accepted (nothing written).")
    elif not outcome.written:
        print("Nothing changed.")
    return 0


def counted(number: int, noun: str) -> str:
    """'1 problem', '2 problems'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def usage_error(message: str) -> int:
    print(f"docs.py: {message}", file=sys.stderr)
    return 2


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="scripts/docs.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    commands = main.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, function, **kwargs) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=function.__doc__.strip().splitlines()[0], description=function.__doc__, **kwargs)
        sub.set_defaults(run=function)
        return sub

    status = add("status", cmd_status)
    status.add_argument("--lang", help="one language only, e.g. es")
    status.add_argument("--json", action="store_true", help="print JSON for machines")
    diff = add("diff", cmd_diff)
    diff.add_argument("lang", help="the translation's language, e.g. es")
    diff.add_argument("page", help="the page, e.g. trial.md")
    add("snapshot", cmd_snapshot)
    new = add("new-language", cmd_new_language)
    new.add_argument(
        "code",
        help="BCP 47 tag the language plugin can build: a two-letter language, optional script and region (fr, pt-BR, zh-Hant, fr-CA)",
    )
    new.add_argument("--name", help="the language's name in itself, e.g. Français (shown in the switcher)")
    review = add("review", cmd_review)
    review.add_argument("lang", help="the translation's language, e.g. es")
    review.add_argument("page", help="the page, e.g. trial.md, or `search`: the language's synonyms and stop words")
    review.add_argument("--by", required=True, help='the reviewer\'s name, e.g. "Ana Pérez"')
    review.add_argument(
        "--qualification", required=True, help='the reviewer\'s qualification, e.g. "Certified medical translator (English to Spanish)"'
    )
    review.add_argument("--date", help="the day of the review, YYYY-MM-DD (default: today)")
    check = add("check", cmd_check)
    check.add_argument("files", nargs="*", help="pages or folders to check (default: all of docs/)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    export = add("export", cmd_export)
    export.add_argument("lang", help="the language to translate, e.g. es")
    export.add_argument(
        "--format",
        choices=sorted(exchange.FORMATS),
        default="xliff",
        help="xliff (CAT tools) or po (Weblate, Crowdin, Poedit); default xliff",
    )
    export.add_argument("--out", type=Path, help="folder to write into (default: exchange/); files go to OUT/<lang>/")
    imported = add("import", cmd_import)
    imported.add_argument("files", nargs="+", help="translated .xlf or .po files")
    imported.add_argument("--check", action="store_true", help="check only: report what the import would refuse, write nothing")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, yaml.YAMLError) as err:
        first = str(err).replace("\n", " ")
        print(f"docs.py: mkdocs.yml cannot be read ({first}) — fix mkdocs.yml", file=sys.stderr)
        return 2
    except model.YAMLFileError as err:
        print(err, file=sys.stderr)
        return 1
    except (model.PageError, OSError, KeyError) as err:
        if isinstance(err, OSError) and disk.is_disk_problem(err):  # the disk, not a page: `check` would find nothing
            print(f"docs.py: {disk.access_problem(err)}", file=sys.stderr)
            return 1
        print(f"docs.py: {err} — run `python scripts/docs.py check` to see what is wrong", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
