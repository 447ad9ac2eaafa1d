"""No import cycle between modules, nor between folders (core's subpackages count as folders).

A cycle is what makes a layer impossible to understand or test on its own; this test reads
every module of `sync/` with `ast` and fails naming the cycle. Imports under
`if TYPE_CHECKING:` are left out: they are annotations, not dependencies at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sync"


def module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every statement, at any depth, except the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and is_type_checking(node):
            for other in node.orelse:
                yield other
                yield from statements(other)
            continue
        yield node
        yield from statements(node)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in statements(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {resolve(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {name for name in names if name in MODULES}


def resolve(module: str, name: str) -> str:
    """`from sync.core import findings` imports the module sync.core.findings."""
    full = f"{module}.{name}"
    return full if full in MODULES else module


def folder(module: str) -> str:
    """The layer a module belongs to: `sync.run`, `sync.targets`, …; core's subpackages
    (`sync.core.lived`, `sync.core.tabs`, …) are layers of their own."""
    parts = module.split(".")
    depth = 3 if parts[:2] == ["sync", "core"] and len(parts) > 3 else 2
    if MODULES[module].name == "__init__.py" and len(parts) == depth:
        return module
    return ".".join(parts[:depth]) if len(parts) > depth else module


def module_graph() -> dict[str, set[str]]:
    return {module: imported(path) - {module} for module, path in MODULES.items()}


def folder_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, targets in modules.items():
        for target in targets:
            if folder(module) != folder(target):
                graph.setdefault(folder(module), set()).add(folder(target))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root not in index:
            found += components_from(root, graph, index, low, stack)
    return found


def components_from(root: str, graph: dict[str, set[str]], index: dict[str, int],
                    low: dict[str, int], stack: list[str]) -> list[list[str]]:
    found: list[list[str]] = []
    work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.get(root, ()))))]
    index[root] = low[root] = len(index)
    stack.append(root)
    while work:
        node, children = work[-1]
        child = next(children, None)
        if child is None:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                found += closed_component(node, stack)
        elif child not in index:
            index[child] = low[child] = len(index)
            stack.append(child)
            work.append((child, iter(sorted(graph.get(child, ())))))
        elif child in stack:
            low[node] = min(low[node], index[child])
    return found


def closed_component(node: str, stack: list[str]) -> list[list[str]]:
    component = stack[stack.index(node):]
    del stack[stack.index(node):]
    return [sorted(component)] if len(component) > 1 else []


def describe(found: Iterable[list[str]]) -> str:
    return "; ".join(" <-> ".join(component) for component in found)


def test_no_module_imports_itself_in_a_cycle() -> None:
    found = cycles(module_graph())
    assert not found, f"import cycle between modules: {describe(found)}"


def test_no_folder_imports_another_both_ways() -> None:
    found = cycles(folder_graph(module_graph()))
    assert not found, f"import cycle between folders: {describe(found)}"


def test_core_imports_no_other_layer() -> None:
    """The core is pure: it may not reach sources, targets, clients, config, run or cli."""
    outside = {target for module, targets in module_graph().items()
               if module.startswith("sync.core") for target in targets
               if not target.startswith("sync.core")}
    assert outside == set()


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
])
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]],
                                       expected: list[list[str]]) -> None:
    assert cycles(graph) == expected
