"""What a reader of each language sees: interface strings, the translation notices
(statement, review status, outdated, English fallback), abbreviations from the
language's glossary, the language switcher, the hreflang alternates and the language
suggestion's words."""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url, normalize_url

from sitekit import model
from sitekit.build import logger
from sitekit.build.state import Build, page_name

FULL_WIDTH_END = "。！？：；）」』"  # after these a sentence needs no space
SUGGESTIONS = "language-suggestions.json"  # at the site's top, beside sitemap.xml
log = logger(__name__)


def on_config(build: Build, config):
    """Read every page's translation state once per build (sitekit/build/state.py): the
    first language's build makes the catalogue and its publishing gate, the others keep
    them; `mkdocs serve` makes new ones for every rebuild. The gate judges the pages
    (sitekit/build/page_source.py logs its messages)."""
    if build.started(config):
        return config
    problems = model.l10n_problems(_root(config))  # read through model.load_yaml: no anchors or aliases
    if problems:
        for problem in problems:
            log.error(problem.format(_root(config)))
        raise PluginError("a file of l10n/ cannot be read: fix the errors above (nothing was built)")
    build.start(config)
    return config


def on_env(build: Build, env, config, files):
    env.globals["ui"] = model.ui_strings(config.theme["language"], _root(config))
    # The theme's own strings, as the site words them (overrides/partials/language.html): the
    # language's own only (never English's, which would hide the theme's translation).
    own = model.l10n_file(config.theme["language"], "strings", _root(config))
    mine = (model.parsed_file(own, model._read_yaml) or {}) if own.exists() else {}
    env.globals["pp_theme"] = {key.removeprefix("theme."): value for key, value in mine.items() if key.startswith("theme.") and value}
    # The language the site's name is in: a language without a site_name of its own in
    # mkdocs.yml (one just started) shows the English name, marked as English.
    env.globals["pp_site_lang"] = model.site_name_languages(_root(config)).get(config.theme["language"], config.theme["language"])
    env.filters["sentences"] = sentences
    return env


def sentences(text: str | list[str]) -> Markup:
    """Sentences as the language writes them one after another: a space after each, except
    after a full-width mark (Chinese "。" is followed by no space). Given one sentence, it
    and the gap before what follows; given a list, the sentences joined. Plain text is
    escaped, a macro's HTML (Markup) kept (the partials that use it autoescape)."""
    if isinstance(text, str):
        text = escape(text).strip()
        return text + ("" if not text or text[-1] in FULL_WIDTH_END else " ")
    parts = [escape(part).strip() for part in text if str(part).strip()]
    return Markup("").join(sentences(part) for part in parts[:-1]) + (parts[-1] if parts else "")


def on_page_markdown(build: Build, markdown, page, config, files):
    language = _content_language(build, page, config)
    abbreviations = model.abbreviations(language, _root(config))
    definitions = "\n".join(f"*[{short}]: {long}" for short, long in abbreviations.items())
    return f"{markdown}\n\n{definitions}\n" if definitions else markdown


def on_page_content(build: Build, html, page, config, files):
    if _state(build, config, page_name(page.file)) in model.SHOWN_IN_ENGLISH:
        english = build.catalogue.default
        return f'<div lang="{english.code}" dir="{english.direction}">{html}</div>'
    return html


def on_page_context(build: Build, context, page, config, nav):
    catalogue: model.Catalogue = build.catalogue
    language, name = config.theme["language"], page_name(page.file)
    if name not in catalogue.pages:
        return context
    state = catalogue.state(language, name)
    site_url = config.site_url or "/"
    readable = catalogue.readable(name)

    def url(code: str) -> str:
        return catalogue.url(code, name)

    english = catalogue.default
    shown_in_english = state in model.SHOWN_IN_ENGLISH
    site_name = model.load_mkdocs_config(catalogue.root)["site_name"] if shown_in_english else config.site_name
    title = page.meta.get("title") or page.title
    review = catalogue.review(language, name)
    record = review.record
    try:  # the clinic's review dates are the English page's, shown in every language
        dates = model.read_page(model.page_file(english.code, name, catalogue.root)).meta
    except model.PageError:
        dates = {}
    context["pp_page"] = {
        "state": state,
        "shown_in_english": shown_in_english,
        # The review: "reviewed" only while the record covers the current English version
        # ("lapsed": it covers an earlier one); the record's reviewer, qualification and
        # ISO date (for <time datetime> and the long_date filter), also when lapsed.
        "review": review.state,
        "reviewer": record.reviewer if record else None,
        "qualification": record.qualification if record else None,
        "review_date": record.date.isoformat() if record else None,
        "english_url": url(english.code),
        "last_reviewed": model.review_date(dates, "last_reviewed"),
        "next_review": model.review_date(dates, "next_review"),
        "language_root": get_relative_url(catalogue.language_url(language) or ".", page.url),
        # The window's title: the site's name alone on the home page; a page shown in English
        # gets the English site name too, so the whole title is one language (lang="en").
        "title": _window_title(title, site_name, name == "index.md", shown_in_english or _site_lang(config) == language),
        "language": language,
        "direction": catalogue.language(language).direction,
        "content_lang": english.code if shown_in_english else language,
        "title_lang": english.code if shown_in_english or (name == "index.md" and _site_lang(config) != language) else language,
        "content_dir": english.direction if shown_in_english else catalogue.language(language).direction,
    }
    # Links to pages readers of this language get in English (navigation, previous/next),
    # as the theme writes them: their titles are marked lang="en" (sitekit/build/theme.py).
    context["pp_english_links"] = sorted(
        normalize_url(other.url, page=page)
        for other in (nav.pages if nav else [])
        if catalogue.state(language, page_name(other.file)) in model.SHOWN_IN_ENGLISH
    )
    context["pp_switcher"] = [
        {"code": lang.code, "name": lang.name, "url": url(lang.code), "current": lang.code == language}
        for lang in catalogue.languages
        if catalogue.published(lang.code) or lang.code == language
    ]
    # hreflang alternates: only real translations, absolute, plus x-default (English).
    config.extra.alternate = [{"name": lang.name, "lang": lang.code, "link": site_url + url(lang.code)} for lang in readable] + [
        {"name": catalogue.default.name, "lang": "x-default", "link": site_url + url(catalogue.default.code)}
    ]
    if state in model.SHOWN_IN_ENGLISH:
        page.canonical_url = site_url + url(catalogue.default.code)
    return context


def on_post_build(build: Build, config):
    """The language suggestion's words, one shared file (assets/site.js fetches it only to
    show a suggestion): which languages a page is offered in, and where, each page already
    says (its hreflang alternates and language switcher)."""
    if build.nested(config):
        return
    catalogue: model.Catalogue = build.catalogue
    words = {lang.code: _suggestion(lang, catalogue) for lang in catalogue.languages if catalogue.published(lang.code)}
    build.site.write_text(SUGGESTIONS, json.dumps(words, ensure_ascii=False, sort_keys=True))


def on_post_page(build: Build, output, page, config):
    """Material sets the direction on <body>; screen readers and print want it on <html> too."""
    return model.with_direction(output, build.catalogue.language(config.theme["language"]))


def _suggestion(lang: model.Language, catalogue: model.Catalogue) -> dict[str, str]:
    strings = catalogue.strings(lang.code)
    return {
        "text": strings["language_suggestion"].format(language=lang.name),
        "action": strings["language_suggestion_action"].format(language=lang.name),
        # On a page that does not exist (404.html): the site is offered, at its home page.
        "site_text": strings["language_suggestion_site"].format(language=lang.name),
        "home_action": strings["language_suggestion_home"].format(language=lang.name),
        "dismiss": strings["dismiss"],
        "dir": lang.direction,
    }


def _window_title(title: str, site_name: str, home: bool, same_language: bool) -> str:
    """The page's title and the site's name, once; without the site's name where it is in
    another language than the page (a <title> cannot mark a part of itself English)."""
    if home:
        return site_name
    return f"{title} - {site_name}" if same_language else title


def _site_lang(config) -> str:
    return model.site_name_languages(_root(config)).get(config.theme["language"], config.theme["language"])


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def _state(build: Build, config, name: str) -> str:
    return build.catalogue.state(config.theme["language"], name)


def _content_language(build: Build, page, config) -> str:
    """The language the page's text is in: English for a fallback or a stub."""
    return build.catalogue.content_language(config.theme["language"], page_name(page.file))
