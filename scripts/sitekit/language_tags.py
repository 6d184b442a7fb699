"""A new language's tag (BCP 47) and what the site's libraries accept of it.

The tag is the language's folder (docs/<tag>/, l10n/<tag>/), its address and its `lang`.
mkdocs-static-i18n, which builds one site per language, takes only the locales its own
pattern allows (`mkdocs_static_i18n.config.RE_LOCALE`: a two-letter language, an optional
four-letter script, an optional two-letter region); a tag it refuses cannot be a language
of the site without patching it. Material for MkDocs words its own interface (search,
navigation) in the languages it has a file for; a tag it lacks (fr-CA) is given the words
of the nearest language it has (fr), from a file the site keeps
(overrides/partials/languages/<tag>.html), while the page still says `lang="fr-CA"`.
"""

from __future__ import annotations

import re
from pathlib import Path

import material

from sitekit.build.config import I18N_LOCALE

SHAPE = re.compile(r"([a-z]{2,3})(?:-([A-Z][a-z]{3}))?(?:-([A-Z]{2}|\d{3}))?")
THEME_LANGUAGES = Path(material.__file__).parent / "templates" / "partials" / "languages"


def language_tag(given: str) -> str | None:
    """A BCP 47 tag (language, optional script, optional region) in its usual case: pt-br → pt-BR,
    zh-hant → zh-Hant; None when it is not one."""
    parts = given.replace("_", "-").split("-")
    fixed = [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
    tag = "-".join(fixed)
    return tag if SHAPE.fullmatch(tag) else None


def plugin_refusal(tag: str) -> str | None:
    """Why mkdocs-static-i18n cannot build `tag` as a language (None: it can)."""
    if I18N_LOCALE.match(tag):
        return None
    language, *rest = tag.split("-")
    if len(language) == 3:
        what = f"its language subtag '{language}' has three letters"
    else:
        what = f"its region '{rest[-1]}' is a number" if rest and rest[-1].isdigit() else "it is not of the form the plugin allows"
    return (
        f"'{tag}' is a BCP 47 tag, but the site's language plugin (mkdocs-static-i18n) builds only locales of the form"
        f" ll, ll-Scrp, ll-RR or ll-Scrp-RR (its RE_LOCALE: a two-letter language, an optional script, an optional two-letter region),"
        f" and {what}; the site cannot have it as a language without changing that plugin"
    )


def theme_languages() -> set[str]:
    """Languages Material for MkDocs has interface translations for."""
    return {path.stem for path in THEME_LANGUAGES.glob("*.html") if path.stem != "custom"}


def theme_fallback(tag: str, supported: set[str] | None = None) -> str | None:
    """The language whose theme words `tag` uses: its own, else the tag less its region, else
    its language alone (fr-CA → fr, sr-Latn-RS → sr-Latn → sr); None when the theme has none."""
    supported = theme_languages() if supported is None else supported
    parts = tag.split("-")
    for size in range(len(parts), 0, -1):
        if "-".join(parts[:size]) in supported:
            return "-".join(parts[:size])
    return None


def theme_partial(tag: str, fallback: str) -> str:
    """overrides/partials/languages/<tag>.html: the theme's words of `fallback`, the page's language `tag`."""
    return (
        f"{{#- {tag}: the theme has no interface translation for it; its words are the theme's '{fallback}' until"
        f" l10n/{tag}/strings.yml words them (theme.*). Written by `docs.py new-language`. -#}}\n"
        f'{{% import "partials/languages/{fallback}.html" as theirs %}}\n'
        f'{{% macro t(key) %}}{{{{ "{tag}" if key == "language" else theirs.t(key) }}}}{{% endmacro %}}\n'
    )
