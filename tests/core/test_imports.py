"""The package's import graph: no module imports, even for types only or inside a function, a
module that imports it back, however far round."""

from __future__ import annotations

import ast
from pathlib import Path

import canned

PACKAGE = Path(canned.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The canned modules `path` imports anywhere in it (`from canned.x import y` counts as
    `canned.x.y` when that is a module, else `canned.x`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in known else node.module for name in names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph = {name: imported_modules(path, known) for name, path in paths.items()}
    for name, imports in graph.items():  # a package's own __init__ runs first: not an edge
        imports.discard(name)
        imports.difference_update(parent for parent in known if name.startswith(parent + "."))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return found


def test_no_module_of_canned_is_part_of_an_import_circle() -> None:
    assert cycles(import_graph()) == []


def test_the_core_imports_no_adapter_and_no_compatibility_module() -> None:
    graph = import_graph()
    reached = {
        target
        for name, imports in graph.items()
        if name.startswith("canned._core.")
        for target in imports
        if target.startswith(("canned._adapters", "canned._compat"))
    }
    assert reached == set()
