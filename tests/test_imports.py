"""sitekit's modules import one another without a circle (issue 28): read from the source
with `ast`, every import counts, at the top of a module or inside a function (a lazy
import is a circle that only shows when the function runs); only imports under `if
TYPE_CHECKING:` do not, since they never run. A circle is named module by module; the
fixture `tests/fixtures/import_cycle_lazy/` (two modules, one importing the other inside
a function) shows the check catches a lazy one."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from conftest import FIXTURES, REPO


def _type_checking_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): its body never runs."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: module level, in functions and classes, not under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if _type_checking_only(node):
            assert isinstance(node, ast.If)
            children = [*node.orelse, node.test]
        todo += children
    return found


def import_graph(folder: Path) -> dict[str, set[str]]:
    """The package in `folder` (its name: the folder's): each module -> the modules of the
    package it imports. Importing `a.b.c` runs the packages `a` and `a.b` too, except those
    the importing module is inside (they are running already)."""
    top = folder.name
    modules: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [top, *path.relative_to(folder).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = path
    packages = {name for name, path in modules.items() if path.name == "__init__.py"}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if name in packages else name.rpartition(".")[0]  # the package relative imports start from
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)} | ({name} if name in packages else set())
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` the module mod
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            for target in targets:
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    module = ".".join(parts[:i])
                    if module in modules and module not in ancestors and module != name:
                        graph[name].add(module)
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """A circle of imports in `graph`, first module repeated at the end ([] when there is none)."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        return list(reversed(err.args[1]))  # graphlib lists it against the imports' direction
    return []


def test_sitekit_imports_have_no_circle():
    graph = import_graph(REPO / "scripts" / "sitekit")
    assert "sitekit.model" in graph and "sitekit.gate" in graph["sitekit.build.state"]  # the graph is sitekit's, read whole
    cycle = import_cycle(graph)
    assert not cycle, f"sitekit's imports go round in a circle: {' → '.join(cycle)} — move what both need into one of them, or pass it in"


def test_the_check_catches_a_lazy_circle():
    """tests/fixtures/import_cycle_lazy/pkg: `a` imports `b` at its top, `b` imports `a` inside
    a function, and `c` imports `a` only under TYPE_CHECKING (no circle)."""
    graph = import_graph(FIXTURES / "import_cycle_lazy" / "pkg")
    assert graph["pkg.c"] == set()
    cycle = import_cycle(graph)
    assert cycle in (["pkg.a", "pkg.b", "pkg.a"], ["pkg.b", "pkg.a", "pkg.b"]), cycle
