"""Material's main stylesheet cut down to the rules the built site can use.

The theme ships one `assets/stylesheets/main.<hash>.min.css` (134 KiB, 18.5 KiB over
Brotli) with rules for every feature it has; a page of this site uses a fraction of them.
Once every language is built, `purge_site` (scripts/sitekit/build/performance.py) rewrites it,
read with tinycss2 (a kept CSS parser, WeasyPrint's own):

- a selector is kept when every class and id it requires occurs as a token in the
  built HTML (every page of every language, 404 and redirect pages) or in the
  JavaScript the site ships, read as PurgeCSS's default extractor reads content
  (`[A-Za-z0-9_-]+`), or is in `SAFELIST`. What `:not(...)` holds requires nothing; an
  `:is/:where/:has(...)` requires one of its alternatives. A JavaScript token ending in
  `-` or `__` keeps every class it begins (the theme composes some names:
  `md-tag--${type}`). Tag, attribute and pseudo selectors are kept;
- a rule with no selector left is dropped; `@media`, `@supports` (and `@container`,
  `@layer` blocks) are purged inside and dropped when empty; every other at-rule
  (`@charset`, `@keyframes`, `@font-face`, `@page`) is kept as it is;
- a custom property (`--md-…`) is dropped unless something references it: `var(--name`
  in the kept rules (a chain: one kept property's value keeps those it uses), in the
  site's other stylesheets, in the HTML, or in the JavaScript, which may also read it
  by name (`getPropertyValue("--name")`): a JavaScript token `--name` counts too;
- comments (the source map's among them) are dropped.

The result gets a name of its own content's hash, and the HTML links it: the original
file and its source map are removed, since fingerprinted names are served as immutable
(sitekit/serving.py) and a changed content must never keep an old name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2
from tinycss2 import ast

from sitekit.site_files import SiteFiles

# Material's main stylesheet, as its templates name it; found in the theme's folders.
THEME_STYLESHEET = "assets/stylesheets/main.*.min.css"
# PurgeCSS's default extractor: what a class or id in a page or a script can be.
TOKEN = re.compile(r"[A-Za-z0-9_-]+")
VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
# A script token that begins class names the script completes (`md-tag--` + a tag's type).
PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:-|__)")

# Classes and ids that scripts add to a page without any text of the site spelling them
# out (no page, no script): name → the reason it is needed. None today: every class the
# theme's script composes begins with a word of it that keeps them (`md-tag--`,
# `md-source__fact--`, `tabbed-control--`). A name some text holds needs no entry.
SAFELIST: dict[str, str] = {}

# Scripts the site ships that never see a page: lunr's language support (stemmers,
# segmenters) runs inside the search worker. Their 6000 words of their own would keep
# rules no page can use (0.7 KiB over gzip).
WORKER_ONLY = ("assets/javascripts/lunr/",)

# At-rules whose rules are purged like the stylesheet's own; any other is kept whole.
GROUPING = frozenset({"media", "supports", "container", "layer"})
# Functional pseudo-classes that match when one of their alternatives does.
ALTERNATIVES = frozenset({"is", "where", "matches", "any", "-webkit-any", "-moz-any", "has"})


@dataclass(frozen=True)
class Usage:
    """What the built site's pages and scripts name."""

    tokens: frozenset[str]
    prefixes: tuple[str, ...] = ()  # script tokens that begin names a script completes
    variables: frozenset[str] = frozenset()  # custom properties referenced outside the purged stylesheet
    safelist: frozenset[str] = field(default_factory=lambda: frozenset(SAFELIST))

    @classmethod
    def read(cls, html: Iterable[str] = (), scripts: Iterable[str] = (), stylesheets: Iterable[str] = ()) -> Usage:
        """From the texts of the pages, the scripts and the site's other stylesheets."""
        tokens: set[str] = set()
        prefixes: set[str] = set()
        variables: set[str] = set()
        for text in html:
            tokens.update(TOKEN.findall(text))
            variables.update(VAR.findall(text))
        for text in scripts:
            found = set(TOKEN.findall(text))
            tokens |= found
            prefixes.update(token for token in found if PREFIX.fullmatch(token))
            variables.update(token for token in found if token.startswith("--") and len(token) > 2)
            variables.update(VAR.findall(text))
        for text in stylesheets:
            variables.update(VAR.findall(text))
        return cls(frozenset(tokens), tuple(sorted(prefixes)), frozenset(variables))

    def has(self, name: str) -> bool:
        """Whether a class or id of this name can be on a page."""
        return name in self.tokens or name in self.safelist or name.startswith(self.prefixes)


# --- selectors ------------------------------------------------------------------------


def alternatives(tokens: Sequence[ast.Node]) -> list[list[ast.Node]]:
    """A selector list split at its top-level commas, each part without surrounding whitespace."""
    parts: list[list[ast.Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        elif token.type != "comment":
            parts[-1].append(token)
    return [_strip(part) for part in parts if _strip(part)]


def _strip(tokens: list[ast.Node]) -> list[ast.Node]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].type == "whitespace":
        start += 1
    while end > start and tokens[end - 1].type == "whitespace":
        end -= 1
    return tokens[start:end]


def can_match(selector: Sequence[ast.Node], has: Callable[[str], bool]) -> bool:
    """Whether every class and id the selector requires is one `has` allows."""
    for index, token in enumerate(selector):
        if token.type == "hash" and token.is_identifier and not has(token.value):
            return False
        if token.type == "literal" and token.value == "." and index + 1 < len(selector):
            following = selector[index + 1]
            if following.type == "ident" and not has(following.value):
                return False
        if (
            token.type == "function"
            and token.lower_name in ALTERNATIVES
            and not any(can_match(part, has) for part in alternatives(token.arguments))
        ):
            return False
        # :not(), :nth-child(… of S), ::slotted(), :host(): they require nothing
    return True


# --- the stylesheet -------------------------------------------------------------------


@dataclass
class _Rule:
    selectors: list[str]
    declarations: list[ast.Declaration] | None  # None: content kept as it is (not a plain list)
    content: list[ast.Node]


@dataclass
class _Group:
    rule: ast.AtRule
    children: list[_Rule | _Group | ast.AtRule]


@dataclass(frozen=True)
class Purged:
    css: str
    rules: int  # style rules (each selector list counts once) in the original
    kept: int  # of them kept
    properties: int  # custom property declarations in the kept rules
    dropped_properties: int  # of them dropped, unreferenced


def purge(css: str, usage: Usage) -> Purged:
    """The stylesheet `css` with only what `usage` can match (see the module's help)."""
    counts = {"rules": 0, "kept": 0}
    tree = _purge_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), usage.has, counts)
    definitions: dict[str, list[ast.Declaration]] = {}
    referenced = set(usage.variables)
    for declaration in _declarations(tree):
        if declaration.name.startswith("--"):
            definitions.setdefault(declaration.name, []).append(declaration)
        else:
            referenced |= variables(declaration.value)
    for tokens in _kept_whole(tree):
        referenced |= variables(tokens)
    pending = list(referenced)
    while pending:  # a kept property keeps the properties its value uses
        for declaration in definitions.get(pending.pop(), []):
            for name in variables(declaration.value) - referenced:
                referenced.add(name)
                pending.append(name)
    total = sum(len(found) for found in definitions.values())
    dropped = sum(len(found) for name, found in definitions.items() if name not in referenced)
    tree = _without_properties(tree, referenced)
    return Purged(_serialize(tree), counts["rules"], counts["kept"], total, dropped)


def _purge_rules(nodes: Iterable[ast.Node], has: Callable[[str], bool], counts: dict[str, int]) -> list:
    kept: list = []
    for node in nodes:
        if node.type == "qualified-rule":
            counts["rules"] += 1
            selectors = [tinycss2.serialize(part) for part in alternatives(node.prelude) if can_match(part, has)]
            if selectors:
                counts["kept"] += 1
                kept.append(_Rule(selectors, _plain_declarations(node.content), node.content))
        elif node.type == "at-rule" and node.lower_at_keyword in GROUPING and node.content is not None:
            children = _purge_rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), has, counts)
            if children:
                kept.append(_Group(node, children))
        elif node.type == "at-rule":
            kept.append(node)
        elif node.type == "error":
            raise ValueError(f"{node.source_line}:{node.source_column}: {node.message}")
    return kept


def _plain_declarations(content: list[ast.Node]) -> list[ast.Declaration] | None:
    """The rule's declarations, or None when it holds anything else (nested rules, errors)."""
    found = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return found if all(node.type == "declaration" for node in found) else None


def _declarations(tree: list) -> Iterable[ast.Declaration]:
    for node in tree:
        if isinstance(node, _Rule) and node.declarations is not None:
            yield from node.declarations
        elif isinstance(node, _Group):
            yield from _declarations(node.children)


def _kept_whole(tree: list) -> Iterable[list[ast.Node]]:
    """The tokens of what the purge keeps as it is: other at-rules, rules that are not plain lists."""
    for node in tree:
        if isinstance(node, _Rule) and node.declarations is None:
            yield node.content
        elif isinstance(node, _Group):
            yield from _kept_whole(node.children)
        elif not isinstance(node, _Rule):
            yield [*node.prelude, *(node.content or [])]


def variables(tokens: Iterable[ast.Node]) -> set[str]:
    """The custom properties that `var(--name …)` calls name, at any depth."""
    found: set[str] = set()
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                first = next((t for t in token.arguments if t.type not in ("whitespace", "comment")), None)
                if first is not None and first.type == "ident" and first.value.startswith("--"):
                    found.add(first.value)
            found |= variables(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            found |= variables(token.content)
    return found


def _without_properties(tree: list, referenced: set[str]) -> list:
    kept: list = []
    for node in tree:
        if isinstance(node, _Rule) and node.declarations is not None:
            declarations = [d for d in node.declarations if not d.name.startswith("--") or d.name in referenced]
            if declarations:
                kept.append(_Rule(node.selectors, declarations, node.content))
        elif isinstance(node, _Group):
            children = _without_properties(node.children, referenced)
            if children:
                kept.append(_Group(node.rule, children))
        else:
            kept.append(node)
    return kept


def _serialize(tree: list) -> str:
    parts = []
    for node in tree:
        if isinstance(node, _Rule):
            if node.declarations is None:
                body = tinycss2.serialize(node.content)
            else:
                body = ";".join(f"{d.name}:{tinycss2.serialize(d.value)}{'!important' if d.important else ''}" for d in node.declarations)
            parts.append(",".join(node.selectors) + "{" + body + "}")
        elif isinstance(node, _Group):
            parts.append(f"@{node.rule.at_keyword}{tinycss2.serialize(node.rule.prelude)}{{{_serialize(node.children)}}}")
        else:
            parts.append(node.serialize())
    return "".join(parts)


# --- the built site -------------------------------------------------------------------


@dataclass(frozen=True)
class SiteResult:
    original: str  # the theme's file name
    name: str  # the purged file's name
    before: int  # bytes
    after: int
    purged: Purged


def theme_stylesheet(theme_dirs: Iterable[Path]) -> Path | None:
    """Material's main stylesheet, in the first of the theme's folders that has one."""
    for folder in theme_dirs:
        found = sorted(Path(folder).glob(THEME_STYLESHEET))
        if found:
            return found[0]
    return None


def site_usage(site: Path | SiteFiles, skip: str | None = None) -> Usage:
    """What every HTML page and script of the built site names (but `WORKER_ONLY`); the
    site's stylesheets other than `skip` (a path in the site) for the custom properties they use."""
    files = SiteFiles.of(site)

    def texts(suffix: str) -> Iterable[str]:
        return (files.read_text(rel, errors="replace") for rel in files.files(suffix) if rel != skip and not rel.startswith(WORKER_ONLY))

    return Usage.read(texts(".html"), texts(".js"), texts(".css"))


def fingerprinted_name(css: str) -> str:
    """`main.<the first 8 hex digits of the content's SHA-256>.min.css`, as the theme names its files."""
    return f"main.{hashlib.sha256(css.encode('utf-8')).hexdigest()[:8]}.min.css"


def purge_site(site: Path | SiteFiles, original: Path) -> SiteResult | None:
    """Replace the built site's copy of the theme's `original` stylesheet by its purged
    version under a new fingerprinted name, linked from every HTML file; None when the
    site has no copy of it."""
    files = SiteFiles.of(site)
    folder = Path(THEME_STYLESHEET).parent.as_posix()
    built = f"{folder}/{original.name}"
    if built not in files:
        return None
    css = files.read_text(built)
    purged = purge(css, site_usage(files, skip=built))
    name = fingerprinted_name(purged.css)
    files.write_text(f"{folder}/{name}", purged.css)
    if name != original.name:
        files.remove(built)
    files.remove(built + ".map")
    for page in files.files(".html"):
        text = files.read_text(page)
        if original.name in text:
            files.write_text(page, text.replace(original.name, name))
    return SiteResult(original.name, name, len(css.encode("utf-8")), len(purged.css.encode("utf-8")), purged)
