"""Clinic details: one set in mkdocs.yml (extra.clinic), shown on the contact page and
in the footer. Placeholders are marked on the page; a production build
(PRODUCTION=1) refuses to build while any remains."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from sitekit import jinja_cache, model

MARKER = "<p>{{ clinic_details }}</p>"


def on_config(config):
    clinic = config.extra.get("clinic") or {}
    if config.extra.get("production"):
        placeholders = [key for key, value in clinic.items() if model.PLACEHOLDER_PREFIX in str(value)]
        if placeholders:
            listed = "\n".join(f"  - extra.clinic.{key}: {clinic[key]}" for key in placeholders)
            raise PluginError(
                "Production build refused: the clinic details still hold placeholders.\n"
                f"{listed}\nReplace each in mkdocs.yml (extra.clinic), then build again."
            )
    if clinic.get("logo"):
        config.theme["logo"] = clinic["logo"]
    return config


def on_env(env, config, files):
    env.tests["placeholder"] = model.is_placeholder
    return env


def on_page_content(html, page, config, files):
    if MARKER not in html:
        return html
    env = on_env(jinja_cache.theme_env(config), config, files)
    card = env.get_template("partials/clinic.html").module.clinic_card(
        config.extra.get("clinic") or {}, config.extra["pp_catalogue"].strings(config.theme["language"])
    )
    return html.replace(MARKER, str(card))
