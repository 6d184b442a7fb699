"""The whole guide as PDF handouts (sitekit/handout.py): one per published language, and
a bilingual one (the language beside English) for each other language.

- Every page of a published language links to its language's guide (after the review
  dates) and, in the share panel, to the bilingual one (English pages: the guide); the
  link says the file's size, written in once the handouts exist.
- A build makes each handout in worker processes as soon as the languages it is made
  from are written (mkdocs-static-i18n builds one language after the other), so they
  are printed while the build goes on; the last language's build waits for them. A
  handout is copied from the cache when nothing it is made from changed; one over
  2 MiB, or one that would load anything from outside the built site, fails the strict
  build.
- Under `serve`, a handout is made when it is first asked for, not on every rebuild;
  until then its links show no size.
- Other builds make none (and link none) unless HANDOUTS=1 (`extra.handouts`): a
  production build (PRODUCTION=1) always makes them.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.utils import get_relative_url

from sitekit import handout, jinja_cache, model
from sitekit.build import logger
from sitekit.build.state import Build, page_name
from sitekit.site_files import SiteFiles

log = logger(__name__)
TOKEN = re.compile(re.escape(handout.SIZE_TOKEN) + r"([\w./-]+?\.pdf)")


def on_page_context(build: Build, context, page, config, nav):
    catalogue: model.Catalogue = build.catalogue
    if not _wanted(build, config) or page_name(page.file) not in catalogue.pages:
        return context
    guide, bilingual = handout.for_language(catalogue, config.theme["language"])
    if guide is None:
        return context  # a language not offered to readers has no handout

    def link(made: handout.Handout | None) -> dict | None:
        return {"url": get_relative_url(made.path(catalogue), page.url), "size": made.token(catalogue)} if made else None

    context["pp_handout"] = {"guide": link(guide), "bilingual": link(bilingual)}
    return context


def language_written(build: Build, config):
    if not _wanted(build, config):
        return
    catalogue: model.Catalogue = build.catalogue
    if not build.nested(config):  # the first language: a new build
        _close(build)
        job = _job(build, config)
        build.handouts.update(built=set(), job=job)
        if job is not None and build.command != "serve":
            build.handouts["maker"] = handout.Maker(job)
    build.handouts["built"].add(config.theme["language"])
    maker: handout.Maker | None = build.handouts.get("maker")
    if maker is None:
        return  # under serve: made on request
    ready = [made for made in handout.handouts(catalogue) if set(made.codes) <= build.handouts["built"]]
    for made in sorted(ready, key=lambda made: made.partner is None):  # the longer, bilingual ones first
        maker.submit(made)


def site_written(build: Build, config):
    if build.nested(config) or not _wanted(build, config):
        return  # wait for the last language's build
    catalogue: model.Catalogue = build.catalogue
    job: handout.Job | None = build.handouts.get("job")
    if job is None:
        log.error(f"Handouts need an absolute site_url (it is '{config.site_url or ''}'): set site_url in mkdocs.yml or SITE_URL")
        return
    sizes: dict[str, str] = {}
    maker: handout.Maker | None = build.handouts.pop("maker", None)
    made_now = maker.outcomes() if maker is not None else _offer_on_request(job, build.handouts["built"])  # serve
    for outcome in made_now:
        for error in outcome.errors:
            log.error(error)
        result = outcome.result
        if result is None:
            continue
        how = "unchanged, reused" if result.reused else f"made in {result.seconds:.1f} s"
        log.info(f"Handout {outcome.path}: {result.size / 1024:.0f} KiB ({how})")
        sizes[outcome.path] = handout.size_label(result.size, catalogue.strings(outcome.handout.language.code))
    for made in handout.handouts(catalogue):
        build.site.noted(made.path(catalogue))  # written by the workers, beside the shared view
    _write_sizes(build.site, catalogue, sizes)


def on_build_error(build: Build, error):
    _close(build, kill=True)  # a failed build's handouts are never finished


def on_serve(build: Build, server, config, builder):
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


def _wanted(build: Build, config) -> bool:
    """Handouts are made by a production build, under serve (on request), or with HANDOUTS=1."""
    return build.command == "serve" or bool(config.extra.get("production")) or bool(config.extra.get("handouts"))


def _job(build: Build, config) -> handout.Job | None:
    site_url = config.site_url or ""
    if not site_url.startswith(("http://", "https://")):
        return None  # the site's last build reports it
    template = jinja_cache.theme_env(config).get_template(handout.TEMPLATE)
    return handout.Job(build.catalogue, Path(config.site_dir), site_url, template)


def _offer_on_request(job: handout.Job, built: set[str]) -> list[handout.Outcome]:
    """Under serve: the handouts the cache has; the others are made when asked for."""
    handout.ON_REQUEST.clear()
    found = []
    for made in handout.handouts(job.catalogue):
        if not set(made.codes) <= built:
            continue
        path = made.path(job.catalogue)
        try:
            doc = handout.document(made, job.site, job.site_url, job.catalogue, job.template)
        except handout.HandoutError as err:
            found.append(handout.Outcome(made, path, None, [str(err)]))
            continue
        result = handout.reuse(doc, job.site, job.site_url, job.site / path)
        if result is None:
            handout.ON_REQUEST[path] = (doc, job.site, job.site_url, job.site / path)
        found.append(handout.Outcome(made, path, result, []))
    return found


def _close(build: Build, *, kill: bool = False) -> None:
    maker: handout.Maker | None = build.handouts.pop("maker", None)
    if maker is not None:
        maker.close(kill=kill)


def _write_sizes(site: SiteFiles, catalogue: model.Catalogue, sizes: dict[str, str]) -> None:
    """Each page's handout links get the real size (unknown under serve until made)."""
    unknown = {h.path(catalogue): handout.size_label(None, catalogue.strings(h.language.code)) for h in handout.handouts(catalogue)}
    for page in site.files(".html"):
        text = site.read_text(page)
        if handout.SIZE_TOKEN in text:
            site.write_text(page, TOKEN.sub(lambda m: sizes.get(m[1]) or unknown.get(m[1], "…"), text))
