"""The module import graph of data/ and dashboard/: no cycles, data/ knows nothing of the web,
dashboard/callbacks/ never imports dashboard/pages/ (both take their component ids from
dashboard/ids.py), and every name of data/ and dashboard/ is imported from the module that
defines it (no re-export façades).

Read from the source with ast (nothing is imported), so the test also sees imports inside
functions and under TYPE_CHECKING: a cycle that only type hints close is still two modules
that cannot be understood one without the other. An import of a package's submodule is an
edge to that submodule only; the package's __init__ running first is Python's business.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("data", "dashboard")
# Where data/'s names are imported from: everything but the virtualenv and the migrations.
IMPORTERS = ("bench", "dashboard", "data", "scripts", "tests")
# data/ is the layer under the web app: it imports neither the app nor its web frameworks.
WEB_MODULES = ("dashboard", "flask", "dash", "werkzeug", "flask_caching", "flask_login")

Graph = dict[str, set[str]]


def module_files(package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py of the package (migrations' versions too)."""
    files = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name an import statement of the file names, relative ones resolved; for
    `from X import Y` both X and X.Y (Y may be a submodule)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph(packages: tuple[str, ...] = PACKAGES) -> Graph:
    """Module -> the modules of `packages` it imports (no self-edges, no parent packages)."""
    files = {name: path for package in packages for name, path in module_files(package).items()}
    graph: Graph = {}
    for module, path in files.items():
        targets = {name for name in imported_names(module, path) if name in files}
        # `from data import validation` names the package and its submodule: keep the module.
        targets -= {name for name in targets if any(t.startswith(name + ".") for t in targets)}
        graph[module] = targets - {module}
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Every elementary cycle, each once, starting at its smallest module (small graphs only)."""
    found: list[list[str]] = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for target in sorted(graph.get(node, ())):
            if target == start:
                found.append([*path])
            elif target > start and target not in path:
                walk(start, target, [*path, target])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_data_and_dashboard_have_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert found == [], "\n".join(" -> ".join([*cycle, cycle[0]]) for cycle in found)


def test_data_imports_nothing_of_the_web() -> None:
    offending = sorted(
        f"{module} imports {name}"
        for module, path in module_files("data").items()
        for name in imported_names(module, path)
        if name.split(".")[0] in WEB_MODULES
    )
    assert offending == []


def defined_names(path: Path) -> set[str]:
    """Names a module binds itself at top level (functions, classes, assignments), not imports."""
    names: set[str] = set()
    pending: list[ast.AST] = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif not isinstance(node, ast.Import | ast.ImportFrom):
            pending.extend(ast.iter_child_nodes(node))
    return names


def reexported_imports(package: str, attributes: bool = True) -> list[str]:
    """`from <package>.X import name` or, with `attributes`, `X.name` (after
    `from <package> import X`) where <package>.X does not define name but only imports it."""
    modules = module_files(package)
    defined = {module: defined_names(path) for module, path in modules.items()}
    found = []
    for package in IMPORTERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            # `from data import writes as w`: w.name is a name taken from data.writes too.
            aliases = {
                alias.asname or alias.name: f"{node.module}.{alias.name}"
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module in defined
                for alias in node.names
                if f"{node.module}.{alias.name}" in defined
            }
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in defined:
                    source, names = node.module, [alias.name for alias in node.names]
                elif (
                    attributes
                    and isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in aliases
                ):
                    source, names = aliases[node.value.id], [node.attr]
                else:
                    continue
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} takes {name} via {source}"
                    for name in names
                    if name not in defined[source] and f"{source}.{name}" not in modules
                ]
    return found


def test_data_names_are_imported_from_where_they_live() -> None:
    assert reexported_imports("data") == []


def test_dashboard_names_are_imported_from_where_they_live() -> None:
    # The `from dashboard.X import name` form only: dashboard's short module names (page,
    # stored, ...) are also local variable names, which the attribute form cannot tell apart.
    assert reexported_imports("dashboard", attributes=False) == []


def test_callbacks_never_import_pages() -> None:
    # A page is its layout; what a callback needs of it (ids, shared layout pieces) lives in
    # dashboard/ids.py, dashboard/components.py or dashboard/transaction_forms.py.
    offending = sorted(
        f"{module} imports {name}"
        for module, path in module_files("dashboard").items()
        if module.startswith("dashboard.callbacks")
        for name in imported_names(module, path)
        if name == "dashboard.pages" or name.startswith("dashboard.pages.")
    )
    assert offending == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above is only as good as this: a two-module loop and a three-module loop.
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"b"}}
    assert cycles(graph) == [["a", "b"], ["b", "c", "d"]]
