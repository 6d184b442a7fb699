"""Redirects for moved pages, in every language (the mkdocs-redirects plugin).

mkdocs.yml lists each move once, with the English file names:

    plugins:
      - redirects:
          redirect_maps:
            trial.md: trial-phase.md

Under mkdocs-static-i18n the plugin alone cannot serve this: it sees the files before
the i18n plugin places them, so a redirect at the site's root points into `en/`, and
each other language would need its own `es/trial.md: es/trial-phase.md` line. This step
hands the plugin, in each language's build, that language's redirects and pages; it
also makes the redirect pages carry the visitor's #section with assets/redirect.js
instead of the plugin's inline script (the Content-Security-Policy allows no inline
script), in the language of the folder they are in (the plugin writes lang="en"), and
stops the build on an entry that would not work, naming its line."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs_redirects.plugin import get_html_path

from sitekit import model, urls
from sitekit.build import logger
from sitekit.build.state import Build, page_name

log = logger(__name__)
INLINE_SCRIPT = re.compile(r"<script>.*?</script>", re.S)
HTML_LANG = re.compile(r'<html lang="[^"]*">')


def on_config(build: Build, config):
    plugin = config.plugins.get("redirects")
    catalogue: model.Catalogue = build.catalogue
    if plugin is not None and config.theme["language"] == catalogue.default.code:
        for problem in urls.redirect_problems(plugin.config["redirect_maps"], build.gate):
            log.error(problem.format(catalogue.root))
    return config


def on_files(build: Build, files, config):
    plugin = config.plugins.get("redirects")
    if plugin is None:
        return files
    catalogue: model.Catalogue = build.catalogue
    prefix = catalogue.language_url(config.theme["language"])
    maps = {old: new for old, new in plugin.config["redirect_maps"].items() if old not in catalogue.pages}
    plugin.redirects = {prefix + old: new for old, new in maps.items()}
    plugin.doc_pages = {page_name(file): file for file in files.documentation_pages()}
    return files


def on_post_build(build: Build, config):
    plugin = config.plugins.get("redirects")
    if plugin is None:
        return
    for old in getattr(plugin, "redirects", {}):
        page = get_html_path(old, config.use_directory_urls)
        path = Path(config.site_dir) / page
        if path.exists():
            script = posixpath.relpath(urls.REDIRECT_SCRIPT, posixpath.dirname(page))
            html = INLINE_SCRIPT.sub(f'<script src="{script}"></script>', path.read_text(encoding="utf-8"))
            language = build.catalogue.language(config.theme["language"])  # the plugin writes lang="en" everywhere
            html = HTML_LANG.sub(f'<html lang="{language.code}" dir="{language.direction}">', html, count=1)
            path.write_text(html, encoding="utf-8")
