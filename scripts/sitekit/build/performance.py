"""What keeps the build quick and the pages light: one compiled copy of each template for
all the per-language builds (sitekit.jinja_cache), no work whose result the site does not
use, pages without the indentation the templates leave (a fifth of a page's bytes), the
site's own CSS and JavaScript (docs/assets/) minified in the built site, with rcssmin
and rjsmin (their sources keep their comments: a third of their compressed bytes), and
Material's main stylesheet cut to the rules the built pages and scripts can use, under a
new fingerprinted name (sitekit/css.py)."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import rcssmin
import rjsmin

from sitekit import css, jinja_cache
from sitekit.build import logger
from sitekit.build.state import Build
from sitekit.site_files import SiteFiles

log = logger(__name__)
MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}

# Whitespace-sensitive elements, kept as they are; elsewhere a line break followed by
# indentation reads the same as a line break.
_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def on_config(build: Build, config):
    """mkdocs-static-i18n 1.3.1 works out, in every language's build, each page's version in
    every language: its cost grows with languages³ × pages (two thirds of a 30-language
    build). The result only feeds the theme's own language switcher, which sitekit/build/l10n.py
    replaces (switcher, hreflang, sitemaps): skipped for this build's plugin, in the
    version whose code was checked (the site's files are byte for byte the same)."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and version("mkdocs-static-i18n") == "1.3.1":
        i18n.reconfigure_files_alternates = _skip
    return config


def _skip(*args, **kwargs) -> None:
    return None


def on_env(build: Build, env, config, files):
    return jinja_cache.shared(env)


def on_post_page(build: Build, output, page, config):
    return trim(output)


def on_post_build(build: Build, config):
    if build.nested(config):
        return
    site = build.site
    for source in sorted(Path(config.docs_dir, "assets").iterdir()):
        minify = MINIFIERS.get(source.suffix)
        target = f"assets/{source.name}"
        if minify is not None and target in site:
            site.write_text(target, minify(source.read_text(encoding="utf-8")))
    purge_theme_stylesheet(site, config)


def purge_theme_stylesheet(site: SiteFiles, config) -> None:
    """Material's main.css, only with what the built site can use (every language's pages
    are written: this runs in the last language's build)."""
    original = css.theme_stylesheet(Path(folder) for folder in config.theme.dirs)
    fix = "update sitekit/css.py (THEME_STYLESHEET) to the theme's stylesheet"
    if original is None:
        log.warning(f"the theme has no {css.THEME_STYLESHEET} — {fix}")
        return
    try:
        result = css.purge_site(site, original)
    except ValueError as err:
        log.error(f"{original}:{err} — the theme's stylesheet cannot be read; {fix}")
        return
    if result is None:
        log.warning(f"the built site has no copy of the theme's {original.name} — {fix}")
        return
    purged = result.purged
    log.info(
        f"Material's {result.original}: {result.before / 1024:.0f} KiB → {result.name}, {result.after / 1024:.0f} KiB "
        f"({purged.kept} of {purged.rules} rules, {purged.properties - purged.dropped_properties} of {purged.properties} custom properties)"
    )


def trim(html: str) -> str:
    parts = _KEPT.split(html)
    # re.split with two groups yields: text, whole kept element, tag name, text, ...
    return "".join(part if index % 3 else _INDENT.sub("\n", part) for index, part in enumerate(parts) if index % 3 != 2)
