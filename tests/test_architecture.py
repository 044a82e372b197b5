"""The layout's rules, read from the import statements of the three packages (stdlib ``ast``, nothing imported):

- the arrows run one way: napkg_cli -> napkg_server -> napkg_graph (no back-import);
- no import cycle between modules, direct (two modules importing each other) or longer;
- no import cycle between sub-packages either (``napkg_server.http``, ``napkg_graph.shacl``, ...; a module
  directly in a package, such as ``napkg_server.settings``, counts as one of its own). The server's layers:
  ``settings``, ``formats``, ``templating`` < ``http`` < ``data`` and ``engine`` (side by side) < ``sparql`` <
  ``web``, ``remote_dataset`` < ``reload`` < ``app``; ``napkg_graph.shacl`` needs nothing else of the build.

Imports inside functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = {"napkg_graph": REPO / "graph", "napkg_server": REPO / "server", "napkg_cli": REPO / "cli"}
# Lower may not import higher.
RANK = {"napkg_graph": 0, "napkg_server": 1, "napkg_cli": 2}

Graph = Mapping[str, set[str]]


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's __init__)."""
    found: dict[str, tuple[Path, bool]] = {}
    for package, root in ROOTS.items():
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imported(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*parent, base] if base else parent)
        # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return []


def import_graph(found: Mapping[str, tuple[Path, bool]]) -> dict[str, set[str]]:
    """Module -> the project's modules it imports (the most specific module each import names)."""
    graph: dict[str, set[str]] = {name: set() for name in found}
    for name, (path, is_package) in found.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            for target in _imported(node, package):
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def back_imports(graph: Graph) -> list[tuple[str, str]]:
    """(importer, imported) where a lower package imports a higher one."""
    rank = {name: RANK[name.split(".")[0]] for name in graph}
    return sorted((a, b) for a, targets in graph.items() for b in targets if rank[b] > rank[a])


def sub_package(module: str) -> str:
    """The unit of the package-level rule: ``a.b`` for ``a.b`` and everything under it, ``a`` for ``a`` itself."""
    return ".".join(module.split(".")[:2])


def sub_package_graph(graph: Graph) -> dict[str, set[str]]:
    """Sub-package -> the other sub-packages its modules import."""
    packages: dict[str, set[str]] = {sub_package(name): set() for name in graph}
    for name, targets in graph.items():
        packages[sub_package(name)] |= {sub_package(t) for t in targets} - {sub_package(name)}
    return packages


def test_the_checks_find_what_they_look_for() -> None:
    """The checks themselves, on a made-up graph with one two-module cycle, one longer one and a back-import."""
    graph = {
        "napkg_graph.a": {"napkg_graph.b"},
        "napkg_graph.b": {"napkg_graph.a"},
        "napkg_server.x": {"napkg_server.y", "napkg_graph.a"},
        "napkg_server.y": {"napkg_server.z"},
        "napkg_server.z": {"napkg_server.x", "napkg_cli.main"},
        "napkg_cli.main": {"napkg_server.x"},
    }
    assert cycles(graph) == [
        ["napkg_cli.main", "napkg_server.x", "napkg_server.y", "napkg_server.z"],
        ["napkg_graph.a", "napkg_graph.b"],
    ]
    assert back_imports(graph) == [("napkg_server.z", "napkg_cli.main")]


def test_the_sub_package_check_finds_a_cycle_the_modules_do_not_have() -> None:
    """Made up: http.problems renders with web.rendering while web.pages raises http.problems' error; no two
    modules import each other, but the sub-packages do."""
    graph = {
        "napkg_server.app": {"napkg_server.web.pages", "napkg_server.settings"},
        "napkg_server.settings": set(),
        "napkg_server.http.problems": {"napkg_server.web.rendering", "napkg_server.settings"},
        "napkg_server.web.rendering": set(),
        "napkg_server.web.pages": {"napkg_server.http.problems"},
        "napkg_graph.shacl.validate": {"napkg_graph.config"},
        "napkg_graph.config": set(),
    }
    assert cycles(graph) == []
    assert sub_package_graph(graph) == {
        "napkg_server.app": {"napkg_server.web", "napkg_server.settings"},
        "napkg_server.settings": set(),
        "napkg_server.http": {"napkg_server.web", "napkg_server.settings"},
        "napkg_server.web": {"napkg_server.http"},
        "napkg_graph.shacl": {"napkg_graph.config"},
        "napkg_graph.config": set(),
    }
    assert cycles(sub_package_graph(graph)) == [["napkg_server.http", "napkg_server.web"]]


def test_relative_imports_resolve_to_modules() -> None:
    package = "napkg_graph.shacl"
    tree = ast.parse("from . import fast_checks as checks\nfrom ..config import BuildSettings")
    assert [_imported(node, package) for node in tree.body] == [
        ["napkg_graph.shacl", "napkg_graph.shacl.fast_checks"],
        ["napkg_graph.config", "napkg_graph.config.BuildSettings"],
    ]


def test_the_layout_has_no_import_cycle_and_no_back_import() -> None:
    graph = import_graph(modules())
    # The graph is real: the CLI reaches both packages, the server reaches the build.
    assert {"napkg_graph.pipeline", "napkg_cli.serve"} <= graph["napkg_cli.main"]
    assert "napkg_graph.union_graph" in graph["napkg_server.data.store"]
    assert cycles(graph) == []
    assert back_imports(graph) == []


def test_the_sub_packages_have_no_import_cycle() -> None:
    packages = sub_package_graph(import_graph(modules()))
    # The graph is real: the layers the docstring names are there, with some of their arrows.
    assert {"napkg_server.http", "napkg_server.formats", "napkg_server.templating"} <= packages["napkg_server.sparql"]
    assert "napkg_server.sparql" in packages["napkg_server.web"]
    assert cycles(packages) == [], {name: sorted(targets) for name, targets in sorted(packages.items())}


def test_the_shacl_engines_need_nothing_else_of_the_build() -> None:
    """napkg_graph.shacl is the build's validator, kept apart (issue 14, item 9): the build imports it, never back."""
    packages = sub_package_graph(import_graph(modules()))
    assert packages["napkg_graph.shacl"] == set()
    assert "napkg_graph.shacl" in packages["napkg_graph.pipeline"]
