"""The installed theme, as the site's overrides and build steps (sitekit/build/) use it.

The overrides extend the theme's blocks and never copy its internals; what they still
name of it (a template to extend or include, a block to extend, a file under assets/)
must exist in the installed theme, or a theme upgrade would break the site without a
word. `problems` finds every such name that does not, with its file and line: the
build (sitekit/build/theme.py) and the tests run it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import jinja2
from jinja2 import nodes

from sitekit import model

TEMPLATE_SUFFIXES = (".html", ".xml")
# A relative file name in a template or a build step's string: 'assets/site.js', 'partials/share.html'.
FILE_NAME = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.(?:html|xml|js|css|json|svg|png|ico|woff2?)")
# A file name with the theme's build fingerprint ('bundle.79ae519e.min.js'): it changes
# with every release, so only the theme's own templates may write one.
FINGERPRINTED = re.compile(r"[\w-]+\.[0-9a-f]{8}\.min\.(?:js|css)")
BUILD_STEPS = Path(__file__).parent / "build"  # the build's steps (sitekit/build/), which name theme files too
FIX = "name a file or block the installed theme has (see its templates folder), or extend a block and call super()"


@dataclass(frozen=True)
class Reference:
    """A name one override or build step uses: a 'template', a 'block' or a 'file'."""

    path: Path
    line: int
    kind: str
    name: str
    parent: str = ""  # for a block: the template the file extends


def problems(overrides: Path, theme_dirs: Sequence[Path], docs_dir: Path, code: Path = BUILD_STEPS) -> list[model.Problem]:
    """Every template, block or file that the templates under `overrides` and the build's
    steps name and the theme (`theme_dirs`, searched in order as the build does) or `docs_dir` lacks."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs]))
    found = []
    for ref in references(overrides, env, code):
        if ref.kind == "template" and not _template_exists(env, ref.name):
            found.append(model.Problem(ref.path, ref.line, f"template '{ref.name}' is not in the theme", FIX))
        elif ref.kind == "block" and ref.name not in _blocks(env, ref.parent, skip=ref.path):
            found.append(model.Problem(ref.path, ref.line, f"'{ref.parent}' has no block '{ref.name}'", FIX))
        elif ref.kind == "file" and not any((d / ref.name).is_file() for d in [*theme_dirs, docs_dir]):
            found.append(model.Problem(ref.path, ref.line, f"'{ref.name}' is neither in the theme nor in the docs folder", FIX))
    return sorted(found, key=lambda problem: (str(problem.path), problem.line))


def references(overrides: Path, env: jinja2.Environment, code: Path = BUILD_STEPS) -> Iterator[Reference]:
    """What the templates under `overrides` and the build's code under `code` name of the theme."""
    for path in sorted([*overrides.rglob("*"), *code.glob("*.py")]):
        if path.suffix in TEMPLATE_SUFFIXES:
            yield from template_references(path, env)
        elif path.suffix == ".py":
            yield from hook_references(path)


def template_references(path: Path, env: jinja2.Environment) -> Iterator[Reference]:
    """Read with Jinja's own parser: extends/include/import targets, the blocks a template
    that extends another overrides, and file names in its string constants."""
    tree = env.parse(path.read_text(encoding="utf-8"))
    named = set()
    parent = ""
    # Jinja's find_all types a tuple of node classes as their base (Stmt), which has no .template
    loads = cast(
        "Iterator[nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport]",
        tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)),
    )
    for node in loads:
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            named.add(id(node.template))
            yield Reference(path, node.lineno, "template", node.template.value)
            if isinstance(node, nodes.Extends):
                parent = node.template.value
    if parent:
        for block in tree.find_all(nodes.Block):
            yield Reference(path, block.lineno, "block", block.name, parent)
    for const in tree.find_all(nodes.Const):
        if id(const) not in named and isinstance(const.value, str) and FILE_NAME.fullmatch(const.value):
            yield Reference(path, const.lineno, "file", const.value)


def hook_references(path: Path) -> Iterator[Reference]:
    """Read with Python's parser: templates a build step loads (`get_template("…")`) or waits for
    (`template_name == "…"`), and the files under assets/ it names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_template":
            yield from (Reference(path, arg.lineno, "template", name) for arg in node.args if (name := _string(arg)) is not None)
        elif isinstance(node, ast.Compare) and getattr(node.left, "id", "") == "template_name":
            yield from (Reference(path, c.lineno, "template", name) for c in node.comparators if (name := _string(c)) is not None)
        elif isinstance(node, ast.Constant) and (name := _string(node)) and name.startswith("assets/") and FILE_NAME.fullmatch(name):
            yield Reference(path, node.lineno, "file", name)


def _string(node: ast.AST) -> str | None:
    """The text of a string constant (None: any other node)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _template_exists(env: jinja2.Environment, name: str) -> bool:
    if env.loader is None:
        return False
    try:
        env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        return False
    return True


def _blocks(env: jinja2.Environment, name: str, skip: Path) -> set[str]:
    """The blocks of template `name` and the templates it extends. A template that extends
    one of its own name (main.html → base.html is the usual case; an override of
    base.html itself extends the theme's) is looked up past `skip`, the overriding file."""
    blocks: set[str] = set()
    folders = env.loader.searchpath if isinstance(env.loader, jinja2.FileSystemLoader) else []
    for source_dir in folders:
        candidate = Path(source_dir) / name
        if candidate.is_file() and candidate.resolve() != skip.resolve():
            tree = env.parse(candidate.read_text(encoding="utf-8"))
            blocks.update(block.name for block in tree.find_all(nodes.Block))
            for extends in tree.find_all(nodes.Extends):
                if isinstance(extends.template, nodes.Const):
                    blocks |= _blocks(env, extends.template.value, skip=candidate)
            break
    return blocks
