"""The theme's own blocks, adjusted, never copied (overrides/main.html extends them and
passes `super()` through these filters), so a theme upgrade cannot leave a stale copy:

- `with_search_base`: the theme's settings (`__config`) with search's `base` set to the
  language's folder, so search loads that language's index (sitekit/build/language_outputs.py);
- `bundle_on_demand`: the theme's bundle left out of the page: in its place the site's loader
  (assets/search-on-demand.js), deferred and told the bundle's address, which adds the
  bundle when the reader reaches for search (every other control works without it);
- `header_controls`: the header's menu and search controls as real buttons (the theme's
  labels stay for readers without JavaScript), its landmark named in the page's language,
  its icons hidden from screen readers, the page title marked English where it is, and
  no empty "Search" landmark around the search's clear button;
- `with_search_help`: under the search results, the help shown when nothing (or nothing
  good) matches (partials/search-help.html, shown by assets/search-on-demand.js), and the
  loading message in the reader's language;
- `after_title`: the theme's page content with what the site shows under a page's title
  (the translation notice, a long page's contents on phones) right after its <h1>;
- `without_empty_contents`: the sidebars, the table of contents hidden on a page with no
  sections (an empty "Table of contents" landmark tells a screen reader nothing);
- `english_parts`: in the navigation and the footer, the titles of pages readers of this
  language get in English marked `lang="en"`, and the footer's links named by their text
  (the theme's "Next: <title>" label cannot mark one part English), landmark named.

Each filter warns (and so fails the strict build) when the theme's markup no longer has
what it adjusts. Once per build, every template, block and assets/ file that the
overrides and the build's steps name is checked against the installed theme (sitekit/theme.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape

from sitekit import model, theme
from sitekit.build import logger
from sitekit.build.state import Build

log = logger(__name__)
HEADER_NAV = re.compile(r'(<nav class="md-header__inner md-grid" aria-label=")[^"]*(")')
HEADER_LABEL = re.compile(r'<label class="md-header__button md-icon" for="(__drawer|__search)">.*?</label>', re.S)
HEADER_TOPIC = '<div class="md-header__topic" data-md-component="header-topic">'
SITE_TOPIC = '<div class="md-header__topic">'
LOGO_LINK = re.compile(r'<a [^>]*class="md-(?:header|nav)__button md-logo"[^>]*>')
DRAWER_TITLE = '<label class="md-nav__title" for="__drawer">'
FOOTER_NAV = re.compile(r'(<nav class="md-footer__inner md-grid" aria-label=")[^"]*(")')
FOOTER_LINK = re.compile(
    r'(<a href="([^"]*)" class="md-footer__link md-footer__link--(?:prev|next)") aria-label="[^"]*">(.*?<div class="md-ellipsis")', re.S
)
NAV_LINK = re.compile(r'(<a href="([^"]*)" class="md-nav__link[^"]*">\s*<span class="md-ellipsis")')
# The current page's entry, as the theme also writes it: a label opening its contents.
NAV_CURRENT = re.compile(r'(<label class="md-nav__link md-nav__link--active" for="__toc">\s*<span class="md-ellipsis")')
CONTENTS_SIDEBAR = '<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" >'
EMPTY_CONTENTS = re.compile(r'<nav class="md-nav md-nav--secondary" aria-label="[^"]*">\s*</nav>')
TITLE_END = re.compile(r'</h1>(?:<a class="headerlink"[^>]*></a></div>)?')
# The search's clear button sits in a "Search" navigation landmark of its own that holds
# nothing a reader can reach (the button is out of the Tab order): a plain group instead.
SEARCH_OPTIONS = re.compile(r'<nav class="md-search__options" aria-label="[^"]*">(.*?)</nav>', re.S)
ICON = re.compile(r"<svg (?![^>]*aria-hidden)")
RESULT_LIST = re.compile(r'<ol class="md-search-result__list" role="presentation"></ol>\s*</div>')
RESULT_META = re.compile(r'(<div class="md-search-result__meta">)[^<]*(</div>)')


def with_search_help(block: str, help_html: str, loading: str) -> str:
    """The header with `help_html` (partials/search-help.html) right after the search's
    results (inside them, the theme would take it for its list: its last child), and the
    results' first words, while search loads, `loading` (the reader's language: the
    theme's are English in some)."""
    if not RESULT_LIST.search(block) or not RESULT_META.search(block):
        log.warning("the theme's search result markup changed; update scripts/sitekit/build/theme.py (with_search_help)")
        return block
    block = RESULT_META.sub(lambda m: m[1] + str(escape(loading)) + m[2], block, count=1)
    return RESULT_LIST.sub(lambda m: m[0] + str(help_html), block, count=1)


CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
THEME_BUNDLE = re.compile(r'<script src="([^"]*/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')


def on_env(build: Build, env, config, files):
    env.filters["with_search_base"] = with_search_base
    env.filters["bundle_on_demand"] = bundle_on_demand
    env.filters["header_controls"] = header_controls
    env.filters["with_search_help"] = with_search_help
    env.filters["english_parts"] = english_parts
    env.filters["after_title"] = after_title
    env.filters["without_empty_contents"] = without_empty_contents
    env.globals["pp_long_page_sections"] = model.LONG_PAGE_SECTIONS
    if not build.nested(config):  # once, in the last language's build
        root = Path(config.config_file_path).parent
        dirs = [Path(d) for d in config.theme.dirs]
        for problem in theme.problems(Path(config.theme.custom_dir), dirs, Path(config.docs_dir)):
            log.warning(problem.format(root))
    return env


def with_search_base(block: str, base: str) -> str:
    """The theme's config block, with "base" (where search finds its index) set to `base`."""
    match = CONFIG.search(block)
    if match is None:
        log.warning("the theme's __config script changed; update scripts/sitekit/build/theme.py (with_search_base)")
        return block
    settings = {**json.loads(match[2]), "base": base}
    return block[: match.start(2)] + str(htmlsafe_json_dumps(settings, sort_keys=True)) + block[match.end(2) :]


def bundle_on_demand(block: str, loader: str) -> str:
    """The theme's scripts block with its bundle replaced by `loader`, deferred, which is
    told the bundle's address (data-pp-theme) and adds it once the reader reaches for search."""
    if not THEME_BUNDLE.search(block):
        log.warning("the theme's scripts block has no bundle <script src>; update scripts/sitekit/build/theme.py (bundle_on_demand)")
        return block
    return THEME_BUNDLE.sub(lambda m: f'<script src="{loader}" data-pp-theme="{m[1]}" defer></script>', block, count=1)


def header_controls(block: str, buttons: dict[str, str], label: str, topic_lang: str | None = None, site_lang: str | None = None) -> str:
    """The theme's header with its menu and search labels replaced (`buttons`: '__drawer'
    and '__search' → the HTML, from partials/header-buttons.html: a label that works
    without JavaScript and a real button that site.css shows instead once scripts run)."""
    labels = {match[1] for match in HEADER_LABEL.finditer(block)}
    if not HEADER_NAV.search(block) or not set(buttons) <= labels or HEADER_TOPIC not in block:
        log.warning("the theme's header markup changed; update scripts/sitekit/build/theme.py (header_controls)")
        return block
    block = HEADER_NAV.sub(lambda m: m[1] + str(escape(label)) + m[2], block, count=1)
    block = HEADER_LABEL.sub(lambda m: str(buttons.get(m[1], m[0])), block)
    if topic_lang:
        block = block.replace(HEADER_TOPIC, f'{HEADER_TOPIC[:-1]} lang="{topic_lang}" dir="ltr">', 1)
    if site_lang:  # the site's name in another language than the page's (a language just started)
        block = block.replace(SITE_TOPIC, f'{SITE_TOPIC[:-1]} lang="{site_lang}">', 1)
        block = LOGO_LINK.sub(lambda m: f'{m[0][:-1]} lang="{site_lang}">', block)
    block = SEARCH_OPTIONS.sub(r'<div class="md-search__options">\1</div>', block)
    return ICON.sub('<svg aria-hidden="true" focusable="false" ', block)


def english_parts(block: str, english_links: list[str], label: str | None = None, site_lang: str | None = None) -> str:
    """The theme's navigation or footer block with the titles of the pages in
    `english_links` (as the block writes their addresses) marked English."""
    english = set(english_links)
    mark = ' lang="en" dir="ltr"'

    def nav_link(match: re.Match) -> str:
        return match[1] + mark if match[2] in english else match[1]

    def footer_link(match: re.Match) -> str:
        return match[1] + ">" + match[3] + (mark if match[2] in english else "")

    block = NAV_LINK.sub(nav_link, block)
    if site_lang:  # the drawer's title: the logo and the site's name
        block = block.replace(DRAWER_TITLE, f'{DRAWER_TITLE[:-1]} lang="{site_lang}">', 1)
    if "./" in english:
        block = NAV_CURRENT.sub(lambda m: m[1] + mark, block)
    if label is not None:
        if not FOOTER_NAV.search(block) and 'class="md-footer__link' in block:
            log.warning("the theme's footer markup changed; update scripts/sitekit/build/theme.py (english_parts)")
        block = FOOTER_NAV.sub(lambda m: m[1] + str(escape(label)) + m[2], block, count=1)
        block = FOOTER_LINK.sub(footer_link, block)
    return ICON.sub('<svg aria-hidden="true" focusable="false" ', block)


def after_title(block: str, insert: str) -> str:
    """The content block with `insert` right after the page's title (its first </h1>, and
    the section link beside it: sitekit/build/permalinks.py)."""
    if not str(insert).strip():
        return block
    title = TITLE_END.search(block)
    return block[: title.end()] + str(insert) + block[title.end() :] if title else str(insert) + block


def without_empty_contents(block: str) -> str:
    """The sidebars block, its table of contents hidden when it lists nothing."""
    if not EMPTY_CONTENTS.search(block):
        return block
    if CONTENTS_SIDEBAR not in block:
        log.warning("the theme's table of contents markup changed; update scripts/sitekit/build/theme.py (without_empty_contents)")
        return block
    return block.replace(CONTENTS_SIDEBAR, CONTENTS_SIDEBAR[:-2] + " hidden>", 1)
