"""Fixes to the theme's markup that no template block reaches. Each one warns (and so
fails the strict build) when a theme upgrade changes the markup it expects."""

from __future__ import annotations

import re

from sitekit.build import logger
from sitekit.build.state import Build

log = logger(__name__)

# Material's search is a role="dialog" without a name (axe: aria-dialog-name). The search
# field's own label, already in the page's language, names the dialog.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_FIELD_LABEL = re.compile(r'<input type="text" class="md-search__input" name="query" aria-label="([^"]*)"')


def name_search_dialog(html: str, where: str) -> str:
    label = SEARCH_FIELD_LABEL.search(html)
    if SEARCH_DIALOG not in html or label is None:
        log.warning(f"{where}: the theme's search dialog markup changed; update scripts/sitekit/build/accessibility.py")
        return html
    return html.replace(SEARCH_DIALOG, f'{SEARCH_DIALOG[:-1]} aria-label="{label.group(1)}">', 1)


def on_post_page(build: Build, output, page, config):
    return name_search_dialog(output, page.file.src_uri)


def on_post_template(build: Build, output, template_name, config):
    return name_search_dialog(output, template_name) if template_name == "404.html" else output
