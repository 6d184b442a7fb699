"""Clinic details: one set in mkdocs.yml (extra.clinic), shown on the contact page (large,
with a tap-to-call button), at the top of every page ("Call the clinic"), in the footer and
on printed pages. Details that are words (opening hours, urgent help) have one value per
language and fall back to English (sitekit/clinic.py). A malformed entry stops the build;
placeholders are marked on the page, and a production build (PRODUCTION=1) refuses to
build while any remains, or while a published language's urgent-help text is English only."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from sitekit import clinic as details
from sitekit import jinja_cache, model
from sitekit.build.state import Build, page_name

MARKER = "<p>{{ clinic_details }}</p>"


def on_config(build: Build, config):
    clinic = config.extra.get("clinic") or {}
    languages = [lang.code for lang in model.languages(Path(config.config_file_path).parent)]
    if problems := details.problems(clinic, languages):
        raise PluginError("The clinic details in mkdocs.yml cannot be shown:\n" + "\n".join(f"  - {p}" for p in problems))
    if config.extra.get("production") and (placeholders := details.placeholders(clinic)):
        listed = "\n".join(f"  - {path}: {value}" for path, value in placeholders)
        raise PluginError(
            "Production build refused: the clinic details still hold placeholders.\n"
            f"{listed}\nReplace each in mkdocs.yml (extra.clinic), then build again."
        )
    if clinic.get("logo"):
        config.theme["logo"] = clinic["logo"]
    return config


def on_pre_build(build: Build, config):
    """A production build publishes no language whose urgent-help text is English only
    (the catalogue, sitekit/build/l10n.py, says which languages are published)."""
    if not config.extra.get("production") or build.nested(config):
        return
    catalogue: model.Catalogue = build.catalogue
    published = {lang.code: lang.name for lang in catalogue.languages if catalogue.published(lang.code)}
    if problems := details.english_only(config.extra.get("clinic") or {}, published, catalogue.default.code):
        raise PluginError(
            "Production build refused: a published language would show the clinic's urgent-help text in English.\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def on_env(build: Build, env, config, files):
    env.tests["placeholder"] = model.is_placeholder
    env.filters["tel"] = tel
    env.globals["pp_clinic"] = _for_reader(build, config)
    env.globals["pp_english"] = build.catalogue.default.code
    return env


def on_page_content(build: Build, html, page, config, files):
    if MARKER not in html:
        return html
    env = on_env(build, jinja_cache.theme_env(config), config, files)
    catalogue: model.Catalogue = build.catalogue
    language = config.theme["language"]
    # On a page shown in English (not translated yet) the card is still in the reader's language.
    shown_in_english = catalogue.content_language(language, page_name(page.file)) != language
    card = env.get_template("partials/clinic.html").module.clinic_card(
        _for_reader(build, config),
        catalogue.strings(language),
        large=True,
        language=catalogue.language(language) if shown_in_english else None,
    )
    return html.replace(MARKER, str(card))


def tel(number: str) -> str:
    """A phone number as a tel: address: '+1 (555) 010-0123' → '+15550100123'."""
    return re.sub(r"[^\d+]", "", number)


def _for_reader(build: Build, config) -> dict[str, details.Value]:
    catalogue: model.Catalogue = build.catalogue
    return details.for_reader(config.extra.get("clinic") or {}, config.theme["language"], catalogue.default.code)
