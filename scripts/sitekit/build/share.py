"""The share panel and the printed handout: the page's absolute address (from site_url)
and a QR code of it, made at build time as inline SVG (segno; no network, no script)."""

from __future__ import annotations

import segno
from markupsafe import Markup

from sitekit.build.state import Build


def on_page_context(build: Build, context, page, config, nav):
    url = (config.site_url or "/") + page.url
    context["pp_share"] = {"url": url, "qr": qr_svg(url)}
    return context


def qr_svg(url: str) -> Markup:
    """A scalable QR code (error correction M, the standard 4-module quiet zone) as inline
    SVG; the template names it for screen readers in the page's language."""
    svg = segno.make(url, error="m").svg_inline(border=4, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))
