"""Production serving, from the build itself (sitekit/serving.py holds the policy):

- `extra.scope` is fixed to the site's path (from site_url), so the theme's inline head
  script is the same on every page and one Content-Security-Policy hash list fits all;
- once every language is built, the offline copies are described to the site's service
  worker (sitekit/offline.py); then the output gate (sitekit/output_gate.py) reads the whole
  site: a fault fails the build, naming its source, and the faulty file is removed, so
  nothing it refused is compressed, served or deployed;
- the Content-Security-Policy allows the inline scripts the site ships
  (sitekit/inline_scripts.py), never what the output contains; it is written with the
  other security headers to `_headers` (Netlify, Cloudflare Pages) and to
  `_nginx/painpump-headers.conf` (for deploy/nginx/painpump-site.conf);
- every text file gets a `.gz` and a `.br` beside it (sitemaps and robots.txt only a
  `.gz`), for nginx's gzip_static and brotli_static (not under `mkdocs serve`, where it
  would only slow each reload).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from sitekit import inline_scripts, model, offline, output_gate, serving
from sitekit.build import logger
from sitekit.build.state import Build

log = logger(__name__)
CLOUDFLARE_LINE_LIMIT = 2000  # characters per _headers line
_command = {"name": "build"}


def on_config(build: Build, config):
    # Material's head script stores settings under `new URL(scope, location)`; by default
    # scope is the page's relative base_url ("../.."), which differs with page depth.
    config.extra.setdefault("scope", urlsplit(config.site_url or "/").path or "/")
    return config


def on_post_build(build: Build, config):
    if build.nested(config):
        return  # wait for the last language's build
    site = build.site
    catalogue: model.Catalogue = build.catalogue
    source = (Path(config.theme.custom_dir) / offline.SOURCE).read_text(encoding="utf-8")
    offline.write_worker(site, config.site_url or "/", catalogue, source, enabled=bool(config.extra.get("offline", True)))
    for fault in output_gate.check(site, output_rules(build, config)):
        log.error(fault.format())
        site.remove(fault.path)  # a refused file never reaches readers, even from a failed build's folder
    policy = inline_scripts.policy(config.extra["scope"])
    headers = serving.response_headers(policy)
    site.write_text(serving.HEADERS_FILE, serving.render_headers_file(site, headers))
    site.write_text(serving.NGINX_SNIPPET, serving.render_nginx_snippet(headers))
    if len(f"  Content-Security-Policy: {policy}") > CLOUDFLARE_LINE_LIMIT:
        log.warning(f"The Content-Security-Policy is longer than Cloudflare Pages accepts in _headers ({CLOUDFLARE_LINE_LIMIT} characters)")
    if build.command != "serve":
        serving.precompress(site)
    site.forget()  # the site is written: its content need not stay in memory (under serve, until the next build)


def output_rules(build: Build, config) -> output_gate.Rules:
    """What this build may write (sitekit/output_gate.py: project_rules), from its config."""
    return output_gate.project_rules(
        build.catalogue,
        site_url=config.site_url or "",
        scope=config.extra["scope"],
        theme_dirs=[Path(d) for d in config.theme.dirs],
        link_hosts=config.extra.get("link_hosts") or [],
    )
