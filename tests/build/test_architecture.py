"""The layers of docs/architecture.md hold: no package imports one above it, and no module imports
itself back through others (an import cycle). Read from the source with ``ast``, so an import
inside a function counts as much as one at the top of a file."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from wesh.artifacts import ROOT

#: What each top-level package may import of ours (besides itself). web/ is JavaScript: tests/web
#: checks its module graph.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "wesh": frozenset(),
    "indexer": frozenset({"wesh"}),
    # The relayer journals in the indexer's database and reads signers' roles from its tables.
    "relayer": frozenset({"indexer", "wesh"}),
    "api": frozenset({"indexer", "relayer", "wesh"}),
    # `ape run relayer status|fund|quota` manages the relayer's own tables.
    "scripts": frozenset({"relayer", "wesh"}),
    # The demo starts the whole stack: chain, indexer, relayer and API, and seeds with the
    # scripts' rules.
    "demo": frozenset({"api", "indexer", "relayer", "wesh"}),
    "bench": frozenset({"api", "indexer", "relayer", "wesh", "demo"}),
}
OURS = frozenset(MAY_IMPORT)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in sorted(OURS)
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts[:2] or path.name != "env.py"
    }


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[str]:
    """The modules of ours that ``module`` imports (``from a import b`` counts as ``a.b`` when
    that is a module, else ``a``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            if name.split(".")[0] not in OURS:
                continue
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name


GRAPH = {module: sorted(set(_imports(module, path))) for module, path in MODULES.items()}


@pytest.mark.parametrize("package", sorted(OURS))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] not in MAY_IMPORT[package] | {package}
    ]
    assert not wrong, "\n".join(wrong)


def _cycle() -> list[str] | None:
    """One import cycle among our modules, if there is any (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in GRAPH.get(module, []):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in GRAPH:
        if module not in state and (found := visit(module)):
            return found
    return None


def test_there_is_no_import_cycle() -> None:
    cycle = _cycle()
    assert cycle is None, " -> ".join(cycle or [])


def test_routes_do_not_import_routes() -> None:
    """An API domain's routes use services and schemas, never another domain's routes (what two
    domains share lives in a shared module: deps, responses, page_cache ...)."""
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.startswith("api.") and module.endswith(".routes")
        for target in targets
        if target.endswith(".routes")
    ]
    assert not wrong, "\n".join(wrong)
    assert sum(module.endswith(".routes") for module in GRAPH if module.startswith("api.")) > 5


def test_the_graph_sees_the_imports_it_checks() -> None:
    """The checks above would pass on an empty graph: make sure the parser finds real edges."""
    assert "wesh.rules" in GRAPH["wesh.deadlines"]
    assert any(target.startswith("indexer") for target in GRAPH["indexer.sync"])
