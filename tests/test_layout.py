"""The package's layering: imports run from the composition root down, never round in a circle.

Every import counts, at module level or inside a function, except those under ``if TYPE_CHECKING:``
(types only, never run). ``forum.extension`` (with the package's ``__init__``, which re-exports it) is the composition root.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("forum", "plugin_api")
#: The composition root (the extension, and the package's public face that re-exports it) may import anything.
COMPOSITION_ROOT = ("forum", "forum.extension")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of every node inside an ``if TYPE_CHECKING:`` block."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of this repository it imports when it runs."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        skip = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
                    # importing a.b.c runs the packages a and a.b first (the importer's own are already running)
                    parent = target.rpartition(".")[0]
                    while parent:
                        if parent in modules and not (name == parent or name.startswith(parent + ".")):
                            graph[name].add(parent)
                        parent = parent.rpartition(".")[0]
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_except_through_the_composition_root() -> None:
    graph = import_graph()
    graph = {name: targets - set(COMPOSITION_ROOT) for name, targets in graph.items()}
    for root in COMPOSITION_ROOT:
        graph[root] = set()
    assert circles(graph) == []


def test_the_checker_sees_a_circle_when_there_is_one() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_plugin_api_imports_nothing_of_the_forum() -> None:
    graph = import_graph()
    assert {
        name: sorted(t for t in targets if t.startswith("forum"))
        for name, targets in graph.items()
        if name.startswith("plugin_api") and any(t.startswith("forum") for t in targets)
    } == {}


def test_forum_has_a_small_top_level() -> None:
    """Capabilities live in subpackages; the top holds the extension, the state and small shared modules."""
    top = sorted(p.name for p in (ROOT / "forum").glob("*.py"))
    assert len(top) <= 16, top
