"""What search engines and link previews read: Open Graph tags for every page
(partials/open-graph.html, included in the page's head), and robots.txt at the site's
root pointing at the absolute sitemap. The canonical and hreflang links come from
sitekit/build/l10n.py, the sitemaps from sitekit/build/language_outputs.py."""

from __future__ import annotations

from sitekit import model
from sitekit.build.state import Build, page_name


def on_page_context(build: Build, context, page, config, nav):
    catalogue: model.Catalogue = build.catalogue
    name = page_name(page.file)
    if name not in catalogue.pages:
        return context
    language = catalogue.content_language(config.theme["language"], name)
    context["pp_og"] = {
        "title": page.meta.get("title") or page.title,
        "description": page.meta.get("description") or config.site_description,
        "locale": model.og_locale(language, catalogue.root),
        "alternates": [model.og_locale(lang.code, catalogue.root) for lang in catalogue.readable(name) if lang.code != language],
    }
    return context


def on_post_build(build: Build, config):
    if build.nested(config):
        return  # wait for the last language's build
    sitemap = (config.site_url or "/") + "sitemap.xml"
    robots = (
        f"# Generated at build time from site_url (scripts/sitekit/build/metadata.py).\nUser-agent: *\nDisallow:\n\nSitemap: {sitemap}\n"
    )
    build.site.write_text("robots.txt", robots)
