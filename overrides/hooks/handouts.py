"""The whole guide as PDF handouts (sitekit/handout.py): one per published language, and
a bilingual one (the language beside English) for each other language.

- Every page of a published language links to its language's guide (after the review
  dates) and, in the share panel, to the bilingual one (English pages: the guide); the
  link says the file's size, written in once the handouts exist.
- Once every language is built, each handout is made from the built pages, or copied
  from the cache when nothing it is made from changed; one over 2 MiB, or one that
  would load anything from outside the built site, fails the strict build.
- Under `serve`, a handout is made when it is first asked for, not on every rebuild;
  until then its links show no size.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.utils import get_relative_url
from sitekit import handout, jinja_cache, model

log = get_plugin_logger(__name__)
TOKEN = re.compile(re.escape(handout.SIZE_TOKEN) + r"([\w./-]+?\.pdf)")
_command = {"name": "build"}


def on_startup(command, dirty):
    _command["name"] = command


def on_page_context(context, page, config, nav):
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    if model.page_name(page.file) not in catalogue.pages:
        return context
    guide, bilingual = handout.for_language(catalogue, config.theme["language"])
    if guide is None:
        return context  # a language not offered to readers has no handout

    def link(made: handout.Handout | None) -> dict | None:
        return {"url": get_relative_url(made.path(catalogue), page.url), "size": made.token(catalogue)} if made else None

    context["pp_handout"] = {"guide": link(guide), "bilingual": link(bilingual)}
    return context


@event_priority(-250)  # after hooks/language_outputs.py (-200); before hooks/production.py (-300) hashes and compresses
def on_post_build(config):
    if model.nested_language_build(config):
        return  # wait for the last language's build
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    site, site_url = Path(config.site_dir), config.site_url or ""
    if not site_url.startswith(("http://", "https://")):
        log.error(f"Handouts need an absolute site_url (it is '{site_url}'): set site_url in mkdocs.yml or SITE_URL")
        return
    built = _built_languages(config)
    template = jinja_cache.theme_env(config).get_template(handout.TEMPLATE)
    sizes: dict[str, str] = {}
    styles = handout.Styles(site, site_url)  # parsed once for every handout
    handout.ON_REQUEST.clear()
    for made in handout.handouts(catalogue):
        if not set(made.codes) <= built:
            continue  # a build of some languages only (build: false in mkdocs.yml): no pages to make it from
        path = made.path(catalogue)
        try:
            doc = handout.document(made, site, site_url, catalogue, template)
        except handout.HandoutError as err:
            log.error(str(err))
            continue
        target = site / path
        result = handout.reuse(doc, site, site_url, target) if _command["name"] == "serve" else handout.build(doc, site, site_url, target, styles=styles)
        if result is None:
            handout.ON_REQUEST[path] = (doc, site, site_url, target)
            continue
        for problem in result.problems + handout.size_problems(result):
            log.error(problem)
        how = "unchanged, reused" if result.reused else f"made in {result.seconds:.1f} s"
        log.info(f"Handout {path}: {result.size / 1024:.0f} KiB ({how})")
        sizes[path] = handout.size_label(result.size, catalogue.strings(made.language.code))
    _write_sizes(site, catalogue, sizes)


def on_serve(server, config, builder):
    """Make a handout the first time it is asked for (then the cache has it)."""
    app = server.get_app()

    def serve(environ, start_response):
        wanted = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")[len(server.mount_path) :]
        with handout.ON_REQUEST_LOCK:
            if wanted in handout.ON_REQUEST:
                doc, site, site_url, target = handout.ON_REQUEST.pop(wanted)
                result = handout.build(doc, site, site_url, target)
                log.info(f"Handout {wanted}: {result.size / 1024:.0f} KiB (made on request in {result.seconds:.1f} s)")
        return app(environ, start_response)

    server.set_app(serve)
    return server


def _built_languages(config) -> set[str]:
    """The languages this build writes (mkdocs.yml's i18n languages with `build: true`)."""
    i18n = config.plugins.get("i18n")
    catalogue: model.Catalogue = config.extra["pp_catalogue"]
    if i18n is None:
        return {catalogue.default.code}
    return {str(lang.locale) for lang in i18n.config.languages if lang.build}


def _write_sizes(site: Path, catalogue: model.Catalogue, sizes: dict[str, str]) -> None:
    """Each page's handout links get the real size (unknown under serve until made)."""
    unknown = {h.path(catalogue): handout.size_label(None, catalogue.strings(h.language.code)) for h in handout.handouts(catalogue)}
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if handout.SIZE_TOKEN in text:
            page.write_text(TOKEN.sub(lambda m: sizes.get(m[1]) or unknown.get(m[1], "…"), text), encoding="utf-8")
