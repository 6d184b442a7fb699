"""The output gate: one pass over the whole built site, after every language is written and
before it is compressed and its headers are written (sitekit/build/production.py). Whatever
channel a byte came through (a page body, front matter, interface strings, a template, a
file or a symlink under docs/), readers get it only if it passes here.

- Every file is one the build makes (`expected`: each language's pages, not-found page,
  search index and sitemap, the handouts, redirect pages, the site's declared assets, the
  theme's files), and nothing is a symlink.
- Every HTML file is parsed as browsers parse it (Lexbor, a WHATWG HTML parser): no inline
  script but those sitekit/inline_scripts.py names, no inline style, no event-handler or
  style attribute, no `javascript:`/`vbscript:`/`data:` address, no address on another host
  than the site's own and `extra.link_hosts`, no `<base>`, no `<meta http-equiv>` (a
  refresh only on the redirect pages mkdocs.yml asks for, to a page of the site), nothing
  that embeds (`iframe`, `object`, `embed`, `frame`); the `<title>` and
  the meta description are plain text.
- The search indexes' titles and texts (shown as HTML by the theme's search) pass the same
  rules as a page.

Each fault names the built file and, where it can be found, the source file and line
that produced it (the page, the language's strings.yml or glossary, mkdocs.yml)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from sitekit import handout, inline_scripts, model, serving, urls
from sitekit.site_files import SiteFiles

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background", "ping", "srcset", "manifest", "codebase"}
)
# The theme's search box is a <form> without an action (its address is checked like any other).
RUNS_CODE = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "base", "applet", "portal", "fencedframe"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Theme files the build never copies: templates and the theme's Python.
THEME_SKIPPED = (".html", ".py", ".pyc", ".yml")
PURGED_CSS = re.compile(r"assets/stylesheets/main\.[0-9a-f]{8}\.min\.css")  # sitekit/css.py's new name for the theme's main.css
WHITESPACE = re.compile(r"[\s\x00-\x1f]+")


@dataclass(frozen=True)
class Fault:
    """One fault in the built site: where it is, what, how to fix, and its source if known."""

    path: str  # relative to the site
    message: str
    fix: str
    source: str = ""  # 'docs/es/trial.md:3' — where the build took it from

    def format(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message} (in site/{self.path}) — {self.fix}"


@dataclass
class Rules:
    """What the site may hold: its files, its inline scripts, the hosts it may link to."""

    root: Path  # the project
    catalogue: model.Catalogue
    scripts: dict[str, str]  # inline script text -> where it comes from (sitekit/inline_scripts.py)
    hosts: frozenset[str]  # the site's own host and extra.link_hosts
    files: set[str] = field(default_factory=set)  # every path the build may write
    assets: set[str] = field(default_factory=set)  # the paths of docs/ files the build copies as they are (docs/assets/)
    docs: Path = Path()  # the docs folder (default: the project's, from mkdocs.yml)

    def __post_init__(self) -> None:
        if self.docs == Path():
            self.docs = model.docs_dir(self.root)

    redirects: set[str] = field(default_factory=set)  # redirect pages' paths
    theme_dirs: list[Path] = field(default_factory=list)


def expected(
    catalogue: model.Catalogue, *, assets: Iterable[str], theme_dirs: Iterable[Path], redirects: Iterable[str], handouts: Iterable[str]
) -> set[str]:
    """Every file the build may write, by path in the site (before compression and headers)."""
    paths = set(assets) | set(handouts) | {"robots.txt", "language-suggestions.json", "sw.js"}
    for lang in catalogue.languages:
        folder = catalogue.language_url(lang.code)
        paths |= {folder + model.page_url(name) + "index.html" for name in catalogue.pages}
        paths |= {folder + "404.html", folder + "search/search_index.json", folder + "sitemap.xml", folder + "sitemap.xml.gz"}
    paths |= set(redirects)
    for theme in theme_dirs:
        for folder, dirs, files in os.walk(theme):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "partials"]  # MkDocs copies no hidden folder, no template
            paths |= {
                (Path(folder) / name).relative_to(theme).as_posix()
                for name in files
                if not name.endswith(THEME_SKIPPED) and not name.startswith(".")
            }
    return paths


def project_rules(catalogue: model.Catalogue, *, site_url: str, scope: str, theme_dirs: list[Path], link_hosts: Iterable[str]) -> Rules:
    """The rules of a build of the project: its languages' pages and outputs, the redirects
    mkdocs.yml asks for, the handouts, the declared assets (extra: assets:), the theme's files."""
    root = catalogue.root
    redirects = {
        old.lstrip("/") + "index.html" for old in urls.expand_redirects(model.redirect_maps(model.load_mkdocs_config(root)), catalogue)
    }
    assets = set(model.declared_assets(root))  # mkdocs.yml, extra: assets:
    files = expected(
        catalogue,
        assets=assets,
        theme_dirs=theme_dirs,
        redirects=redirects,
        handouts=[made.path(catalogue) for made in handout.handouts(catalogue)],
    )
    return Rules(
        root=root,
        catalogue=catalogue,
        scripts=inline_scripts.allowed(scope),
        hosts=hosts(site_url, link_hosts),
        files=files,
        assets=assets,
        redirects=redirects,
    )


def check(site: Path | SiteFiles, rules: Rules) -> list[Fault]:
    """Every fault of the built site in `site` (a folder, or the build's shared view of it)."""
    files = SiteFiles.of(site)
    faults: list[Fault] = []
    for rel in sorted(files.links | set(files.files()), key=lambda rel: rel.split("/")):
        if rel in files.links:
            faults.append(
                Fault(
                    rel,
                    "a symbolic link is in the built site",
                    "remove the link from docs/ (the build copies files only)",
                    _source_file(rules, rel),
                )
            )
        elif rel not in rules.files and not PURGED_CSS.fullmatch(rel):
            faults.append(
                Fault(
                    rel,
                    "the build does not make this file",
                    "remove it from docs/, or declare it as an asset of the site",
                    _source_file(rules, rel),
                )
            )
        elif rel not in rules.assets and (source := _source_file(rules, rel)) and not source.endswith(".md:1"):
            # In place of a file the build makes (a handout, an index): copied from docs/, not made.
            faults.append(
                Fault(rel, "the file was copied from docs/, where only pages and declared assets belong", "remove it from docs/", source)
            )
    for rel in files.files(".html"):
        faults += page_faults(files.read_text(rel, errors="replace"), rel, rules)
    for rel in files.files():
        if rel.rpartition("/")[2] == "search_index.json":
            faults += index_faults(files, rel, rules)
    return faults


def page_faults(html: str, rel: str, rules: Rules) -> list[Fault]:
    """What a built HTML file holds that readers must not get."""
    tree = LexborHTMLParser(html)
    faults = _element_faults(tree.root, rel, rules, redirect=rel in rules.redirects)
    titles = tree.css("title")
    for title in titles:
        text = title.text(deep=True)
        if "<" in text or ">" in text or title.parent is None or title.parent.tag != "head":
            faults.append(
                Fault(
                    rel, f"the page's <title> is not plain text ({text[:60]!r})", "write the title as plain text", _locate(rules, rel, text)
                )
            )
    if len(titles) > 1:
        faults.append(
            Fault(
                rel, f"the page has {len(titles)} <title> elements", "write the title as plain text", _locate(rules, rel, titles[1].text())
            )
        )
    for meta in tree.css('meta[name="description"]'):
        content = meta.attributes.get("content") or ""
        if "<" in content or ">" in content:
            faults.append(
                Fault(
                    rel,
                    f"the page's description is not plain text ({content[:60]!r})",
                    "write the description as plain text",
                    _locate(rules, rel, content),
                )
            )
    return faults


def index_faults(site: SiteFiles, rel: str, rules: Rules) -> list[Fault]:
    """The search index `rel`'s titles and texts, which the theme's search shows as HTML."""
    try:
        docs = json.loads(site.read_text(rel)).get("docs", [])
    except (ValueError, AttributeError):
        return [Fault(rel, "the search index is not the build's JSON", "build again")]
    faults = []
    for doc in docs:
        for key in ("title", "text"):
            fragment = LexborHTMLParser(f"<body>{doc.get(key) or ''}</body>")
            for fault in _element_faults(fragment.root, rel, rules, redirect=False):
                faults.append(Fault(rel, f"{fault.message} (search entry {doc.get('location', '')!r})", fault.fix, fault.source))
    return faults


def _element_faults(root: LexborNode | None, rel: str, rules: Rules, *, redirect: bool) -> list[Fault]:
    faults: list[Fault] = []
    if root is None:
        return faults
    for node in root.traverse(include_text=False):
        tag = node.tag
        if not tag or tag.startswith("-"):
            continue
        attrs = {name.casefold(): value or "" for name, value in node.attributes.items()}
        if tag == "script":
            faults += _script_faults(node, attrs, rel, rules)
        elif tag == "style":
            faults.append(Fault(rel, "an inline <style> element", "style the page from assets/site.css", _locate(rules, rel, node.text())))
        elif tag == "meta" and "http-equiv" in attrs:
            faults += _meta_faults(attrs, rel, rules, redirect)
        elif tag in RUNS_CODE:
            article = "an" if tag[0] in "aeiou" else "a"
            faults.append(
                Fault(
                    rel, f"{article} <{tag}> element", "remove it: pages hold text, links and images only", _locate(rules, rel, f"<{tag}")
                )
            )
        for name, value in attrs.items():
            if name.startswith("on"):
                faults.append(Fault(rel, f"an {name}= attribute on <{tag}>: it runs code", "remove it", _locate(rules, rel, value or name)))
            elif name == "style":
                faults.append(
                    Fault(
                        rel,
                        f"a style= attribute on <{tag}>",
                        "give the element a class and style it in assets/site.css",
                        _locate(rules, rel, value),
                    )
                )
            elif name in URL_ATTRIBUTES:
                faults += _url_faults(tag, name, value, rel, rules)
    return faults


def _script_faults(node: LexborNode, attrs: dict[str, str], rel: str, rules: Rules) -> list[Fault]:
    if "src" in attrs:
        return []  # its address is checked with the other addresses: a file of the site
    if attrs.get("type", "").strip().casefold() not in serving.JAVASCRIPT_TYPES:
        return []  # a data block (the theme's settings, application/json): browsers never run it
    text = (node.text(deep=True) or "").replace("\r\n", "\n")
    if text in rules.scripts:
        return []
    return [
        Fault(
            rel,
            f"an inline script that is not one the site ships ({text[:60]!r})",
            "remove it; the site's scripts are files in docs/assets/, and the theme's are listed in scripts/sitekit/inline_scripts.py",
            _locate(rules, rel, text[:40]),
        )
    ]


def _meta_faults(attrs: dict[str, str], rel: str, rules: Rules, redirect: bool) -> list[Fault]:
    equiv = attrs.get("http-equiv", "").strip().casefold()
    if equiv == "refresh" and redirect:
        target = re.sub(r"^\s*\d+\s*[;,]?\s*(url\s*=\s*)?", "", attrs.get("content", ""), flags=re.I).strip("'\" ")
        return _url_faults("meta", "content", target, rel, rules)
    return [
        Fault(
            rel,
            f'a <meta http-equiv="{equiv}">',
            "remove it: moved pages are redirected from mkdocs.yml (redirect_maps)",
            _locate(rules, rel, attrs.get("content", "") or "http-equiv"),
        )
    ]


def _url_faults(tag: str, name: str, value: str, rel: str, rules: Rules) -> list[Fault]:
    addresses = [part.strip().split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
    faults = []
    for address in addresses:
        plain = WHITESPACE.sub("", address)
        parts = urlsplit(plain)
        scheme = parts.scheme.casefold()
        if scheme and scheme not in SAFE_SCHEMES:
            faults.append(
                Fault(
                    rel,
                    f"the address '{address[:80]}' on <{tag} {name}> is not allowed",
                    "link to a page of the site, or to a web, e-mail or phone address",
                    _locate(rules, rel, address),
                )
            )
        elif (
            (parts.netloc or plain.startswith("//"))
            and scheme not in ("mailto", "tel")
            and (parts.hostname or "").casefold() not in rules.hosts
        ):
            faults.append(
                Fault(
                    rel,
                    f"the address '{address[:80]}' on <{tag} {name}> leaves the site for {parts.hostname}",
                    "link to a page of the site, or have the clinic approve the host (extra.link_hosts in mkdocs.yml)",
                    _locate(rules, rel, address),
                )
            )
    return faults


# --- where a fault came from --------------------------------------------------------------


def _page_of(rules: Rules, rel: str) -> tuple[str, str | None]:
    """The language and page (or None) a built file belongs to."""
    codes = [lang.code for lang in rules.catalogue.languages]
    first, _, rest = rel.partition("/")
    lang, inner = (first, rest) if first in codes and first != rules.catalogue.default.code else (rules.catalogue.default.code, rel)
    for name in rules.catalogue.pages:
        if inner == model.page_url(name) + "index.html":
            return lang, name
    return lang, None


def _source_file(rules: Rules, rel: str) -> str:
    """The docs/ file a built file was copied from, if any."""
    for candidate in (rel, f"{rules.catalogue.default.code}/{rel}"):  # docs/es/x → es/x; docs/en/x → x
        path = rules.docs / candidate
        if path.exists() or path.is_symlink():
            return f"{(rules.docs.name / path.relative_to(rules.docs)).as_posix()}:1"
    return ""


def _locate(rules: Rules, rel: str, snippet: str) -> str:
    """`file:line` of the first source that holds `snippet`: the page the built file was made
    from (in the language readers got), the language's strings and glossary, mkdocs.yml."""
    snippet = snippet.strip()
    if not snippet:
        return ""
    lang, name = _page_of(rules, rel)
    candidates = []
    if name is not None:
        content = rules.catalogue.content_language(lang, name)
        candidates += [model.page_file(lang, name, rules.root), model.page_file(content, name, rules.root)]
    candidates += [model.l10n_file(lang, "strings", rules.root), model.l10n_file(lang, "glossary", rules.root), rules.root / "mkdocs.yml"]
    for path in dict.fromkeys(candidates):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for needle in (snippet, snippet[:40], snippet.split()[0] if snippet.split() else snippet):
            at = text.find(needle)
            if at >= 0:
                return f"{path.relative_to(rules.root).as_posix()}:{text.count(chr(10), 0, at) + 1}"
    return ""


def hosts(site_url: str, link_hosts: Iterable[str]) -> frozenset[str]:
    own = (urlsplit(site_url).hostname or "").casefold()
    return frozenset({own, *(str(host).casefold() for host in link_hosts)} - {""})
