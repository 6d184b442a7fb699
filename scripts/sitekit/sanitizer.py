"""What HTML a page body may hold, and the one sanitizer that enforces it (nh3: Ammonia,
parsing with html5ever as browsers do): what the site's Markdown makes, nothing that runs
or loads. Its output is what readers get (sitekit/build/page_source.py publishes it) and what the
publishing gate reads (sitekit/structure.py); the gate refuses a page from which it would
remove anything (sitekit/gate.py), comparing the tags of both as an HTML5 parser sees them."""

from __future__ import annotations

from dataclasses import dataclass

import nh3
from selectolax.lexbor import LexborHTMLParser

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br code dd del div dl dt em h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small "  # noqa: SIM905
    "span strong sub sup table tbody td tfoot th thead tr u ul".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ADMONITIONS = {"note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger", "bug", "example", "quote"}
ALLOWED_CLASSES = {"a": {"headerlink"}, "div": {"admonition", *ADMONITIONS}, "p": {"admonition-title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Elements an HTML5 parser makes around any fragment: compared only when they carry attributes.
IMPLIED = frozenset({"html", "head", "body"})


def sanitize(html: str) -> str:
    """The HTML with everything outside the allowlist removed (comments too), serialised from html5ever's tree."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )


@dataclass(frozen=True)
class Element:
    """An element as a browser builds it: its name and attributes (entities decoded)."""

    name: str
    attrs: dict[str, str]


def elements(html: str) -> list[Element]:
    """Every element of an HTML fragment, in document order, as an HTML5 parser (Lexbor) builds them:
    `<!-->` and `<![CDATA[` close at once there, as in browsers, and what follows them counts."""
    found: list[Element] = []
    root = LexborHTMLParser(html).root
    for node in root.traverse(include_text=False) if root is not None else []:
        tag = node.tag or ""
        if not tag or tag.startswith("-") or tag == "!doctype":
            continue
        attrs = {name: value or "" for name, value in node.attributes.items()}
        if tag in IMPLIED and not attrs:
            continue
        found.append(Element(tag, attrs))
    return found
