"""The dApp's module graph, read from the source (no browser): ``app.js`` is the entry that
index.html loads and no module imports; the page modules it routes to import shared modules only,
never each other (a shop never downloads the citizen's page); there is no import cycle; every
module is reachable from the entry; and index.html preloads exactly what the entry imports
before its first page, so the shell arrives in one round of requests.

Imports are read with a regular expression over each file: static ``import ... from './x.js'``
(also spread over several lines), bare ``import './x.js'``, ``export ... from './x.js'`` and
dynamic ``import('./x.js')``. The dApp has no bundler, so these lines are the whole graph."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from webstack import ROOT

JS = ROOT / "web" / "js"
INDEX = ROOT / "web" / "index.html"
ENTRY = "app.js"

STATIC = re.compile(r"""^\s*(?:import|export)\b[^'"();]*?['"]\./([\w-]+\.js)['"]""", re.M)
DYNAMIC = re.compile(r"""\bimport\(\s*['"]\./([\w-]+\.js)['"]\s*\)""")


def _code(path: Path) -> str:
    """The source without its comment lines and one-line ``/* */`` comments (a comment may name
    a module it does not import; ``accept: 'image/*'`` is not a comment's start)."""
    text = re.sub(r"/\*[^\n]*?\*/", "", path.read_text())
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


@cache
def graph() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """module name -> (what it imports statically, what it loads with import())."""
    return {
        path.name: (
            frozenset(STATIC.findall(_code(path))),
            frozenset(DYNAMIC.findall(_code(path))),
        )
        for path in sorted(JS.glob("*.js"))
    }


def imports(module: str) -> frozenset[str]:
    static, dynamic = graph()[module]
    return static | dynamic


def pages() -> frozenset[str]:
    """The page modules: what the entry's router loads for a route."""
    return graph()[ENTRY][1]


def static_closure(module: str) -> set[str]:
    seen = {module}
    todo = [module]
    while todo:
        for target in graph()[todo.pop()][0]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_parser_reads_the_graph() -> None:
    """A guard for the test itself: it sees the router's pages and the imports it should."""
    assert pages() >= {"home.js", "citizen.js", "merchant.js", "city.js", "pay.js"}
    assert "ui.js" in graph()["citizen.js"][0]
    assert "map.js" in graph()["citizen.js"][1]
    multi_line = "import {\n  a,\n  b,\n} from './x.js';\nexport { c } from './y.js';\n"
    assert STATIC.findall(multi_line) == ["x.js", "y.js"]


def test_every_import_names_a_module_that_exists() -> None:
    for module in graph():
        missing = imports(module) - graph().keys()
        assert not missing, f"{module} imports {sorted(missing)}"


def test_index_html_loads_the_entry_and_no_module_imports_it() -> None:
    html = INDEX.read_text()
    scripts = re.findall(r'<script type="module" src="\{\{ASSETS\}\}/js/([\w-]+\.js)">', html)
    assert scripts == [ENTRY]
    importers = [module for module in graph() if ENTRY in imports(module)]
    assert importers == []


@pytest.mark.parametrize("page", sorted(pages()))
def test_a_page_imports_shared_modules_only(page: str) -> None:
    assert imports(page) & pages() == set(), f"{page} imports another page"
    assert ENTRY not in imports(page)


def test_the_import_graph_has_no_cycle() -> None:
    """Depth-first search over static and dynamic imports; a module met again while it is
    still on the path closes a cycle, which the message spells out."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(imports(module)):
            visit(target, [*path, module])
        done.add(module)

    for module in graph():
        visit(module, [])


def test_every_module_is_reachable_from_the_entry() -> None:
    reached: set[str] = set()
    todo = [ENTRY]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(imports(module))
    assert set(graph()) - reached == set()


def test_index_html_preloads_what_the_entry_imports_before_its_first_page() -> None:
    html = INDEX.read_text()
    preloaded = set(re.findall(r'rel="modulepreload" href="\{\{ASSETS\}\}/js/([\w-]+\.js)"', html))
    assert preloaded == static_closure(ENTRY)
