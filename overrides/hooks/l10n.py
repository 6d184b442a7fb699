"""What a reader of each language sees: interface strings, the translation notices
(statement, review status, outdated, English fallback), abbreviations from the
language's glossary, the language switcher and the hreflang alternates."""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils import get_relative_url
from sitekit import gate, model


def on_config(config):
    """Read every page's translation state once per build: mkdocs-static-i18n runs the
    whole build again for each language with the same config, which keeps the catalogue.
    `mkdocs serve` loads a new config, hence a new catalogue, for every rebuild. The
    build's own publishing gate judges the pages (hooks/page_source.py logs its messages)."""
    if not (model.nested_language_build(config) and isinstance(config.extra.get("pp_catalogue"), model.Catalogue)):
        config.extra["pp_catalogue"] = model.Catalogue.load(
            _root(config), judge=lambda lang, name: gate.Gate.for_build(config).errors(lang, name)
        )
    return config


def on_env(env, config, files):
    env.globals["ui"] = model.ui_strings(config.theme["language"], _root(config))
    return env


def on_page_markdown(markdown, page, config, files):
    language = _content_language(page, config)
    abbreviations = model.glossary(language, _root(config)).get("abbreviations") or {}
    definitions = "\n".join(f"*[{short}]: {long}" for short, long in abbreviations.items())
    return f"{markdown}\n\n{definitions}\n" if definitions else markdown


def on_page_content(html, page, config, files):
    if _state(config, model.page_name(page.file)) in model.SHOWN_IN_ENGLISH:
        english = config.extra["pp_catalogue"].default
        return f'<div lang="{english.code}" dir="{english.direction}">{html}</div>'
    return html


def on_page_context(context, page, config, nav):
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    language, name = config.theme["language"], model.page_name(page.file)
    if name not in catalogue.pages:
        return context
    state = catalogue.state(language, name)
    site_url = config.site_url or "/"
    readable = catalogue.readable(name)

    def url(code: str) -> str:
        return catalogue.url(code, name)

    review = catalogue.review(language, name)
    record = review.record
    context["pp_page"] = {
        "state": state,
        "shown_in_english": state in model.SHOWN_IN_ENGLISH,
        # The review: "reviewed" only while the record covers the current English version
        # ("lapsed": it covers an earlier one); the record's reviewer, qualification and
        # ISO date (for <time datetime> and the long_date filter), also when lapsed.
        "review": review.state,
        "reviewer": record.reviewer if record else None,
        "qualification": record.qualification if record else None,
        "review_date": record.date.isoformat() if record else None,
        "english_url": url(catalogue.default.code),
        "language_root": get_relative_url(catalogue.language_url(language) or ".", page.url),
    }
    context["pp_switcher"] = [
        {"code": lang.code, "name": lang.name, "url": url(lang.code), "current": lang.code == language}
        for lang in catalogue.languages
        if catalogue.published(lang.code) or lang.code == language
    ]
    context["pp_suggestions"] = [
        {"lang": lang.code, "url": get_relative_url(url(lang.code) or ".", page.url), **_suggestion(lang, catalogue)}
        for lang in readable
        if lang.code != language
    ]
    # hreflang alternates: only real translations, absolute, plus x-default (English).
    config.extra.alternate = [{"name": lang.name, "lang": lang.code, "link": site_url + url(lang.code)} for lang in readable] + [
        {"name": catalogue.default.name, "lang": "x-default", "link": site_url + url(catalogue.default.code)}
    ]
    if state in model.SHOWN_IN_ENGLISH:
        page.canonical_url = site_url + url(catalogue.default.code)
    return context


def on_post_page(output, page, config):
    """Material sets the direction on <body>; screen readers and print want it on <html> too."""
    return model.with_direction(output, config.extra["pp_catalogue"].language(config.theme["language"]))


def _suggestion(lang: model.Language, catalogue: model.Catalogue) -> dict[str, str]:
    strings = catalogue.strings(lang.code)
    return {
        "text": strings["language_suggestion"].format(language=lang.name),
        "action": strings["language_suggestion_action"].format(language=lang.name),
        "dismiss": strings["dismiss"],
        "dir": lang.direction,
    }


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def _state(config, name: str) -> str:
    return config.extra["pp_catalogue"].state(config.theme["language"], name)


def _content_language(page, config) -> str:
    """The language the page's text is in: English for a fallback or a stub."""
    return config.extra["pp_catalogue"].content_language(config.theme["language"], model.page_name(page.file))
