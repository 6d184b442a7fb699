"""Production serving, from the build itself (sitekit/serving.py holds the policy):

- `extra.scope` is fixed to the site's path (from site_url), so the theme's inline head
  script is the same on every page and one Content-Security-Policy hash list fits all;
- once every language is built, the hashes of every inline script in every HTML file
  (the theme's, redirect pages', anything) go into the Content-Security-Policy, written
  with the other security headers to `_headers` (Netlify, Cloudflare Pages) and to
  `_nginx/painpump-headers.conf` (for deploy/nginx/painpump-site.conf); inline code no
  hash can allow (onclick=, javascript: links, style attributes) fails the build;
- every text file gets a `.gz` and a `.br` beside it (sitemaps and robots.txt only a
  `.gz`), for nginx's gzip_static and brotli_static (not under `mkdocs serve`, where it
  would only slow each reload).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority, get_plugin_logger
from sitekit import model, serving

log = get_plugin_logger(__name__)
CLOUDFLARE_LINE_LIMIT = 2000  # characters per _headers line
_command = {"name": "build"}


def on_startup(command, dirty):
    _command["name"] = command


def on_config(config):
    # Material's head script stores settings under `new URL(scope, location)`; by default
    # scope is the page's relative base_url ("../.."), which differs with page depth.
    config.extra.setdefault("scope", urlsplit(config.site_url or "/").path or "/")
    return config


@event_priority(-300)  # after mkdocs-static-i18n (-100) and hooks/language_outputs.py (-200)
def on_post_build(config):
    if model.nested_language_build(config):
        return  # wait for the last language's build
    site = Path(config.site_dir)
    policy, problems = serving.site_policy(site)
    for problem in problems:
        log.error(problem)
    headers = serving.response_headers(policy)
    (site / serving.HEADERS_FILE).write_text(serving.render_headers_file(site, headers), encoding="utf-8")
    snippet = site / serving.NGINX_SNIPPET
    snippet.parent.mkdir(parents=True, exist_ok=True)
    snippet.write_text(serving.render_nginx_snippet(headers), encoding="utf-8")
    if len(f"  Content-Security-Policy: {policy}") > CLOUDFLARE_LINE_LIMIT:
        log.warning(
            f"The Content-Security-Policy is longer than Cloudflare Pages accepts in _headers ({CLOUDFLARE_LINE_LIMIT} "
            "characters): fewer distinct inline scripts (e.g. redirect pages) would shorten it"
        )
    if _command["name"] != "serve":
        serving.precompress(site)
