"""The code's imports point one way: no module of `community/` imports, directly or
through others, a module that imports it back.

A cycle is what makes a newcomer's first change fail with "partially initialised
module", and what used to push imports to the bottom of files or inside functions.
Imports inside functions count as edges too: moving an import into a function hides
a cycle, it does not remove it. Such imports are allowed only where listed below.
Imports under `if TYPE_CHECKING:` do not count: they never run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "community"

# Imports inside a function, allowed only here, each with its reason.
# (module, function) -> why the import cannot be at module level.
FUNCTION_IMPORTS_ALLOWED = {
    # The app factory's steps assemble the app from every feature: importing them at
    # the top of community/__init__.py would load the whole app with any module of it.
    ("community", "register_templates"): "the app factory",
    ("community", "register_extensions"): "the app factory",
    ("community", "register_blueprints"): "the app factory",
    ("community", "register_signals"): "the app factory",
    ("community", "register_errorhandlers"): "the app factory",
    ("community", "register_security"): "the app factory",
    ("community", "register_commands"): "the app factory",
    ("community.search.backends", "backend"): (
        "an optional backend: each search backend is loaded only on the database that uses it"
    ),
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    function: str | None  # the enclosing function's name, None at module level


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def community_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    parts = importer.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    return f"{base}.{module}" if module else base


def imports_of(name: str, source: str, is_package: bool, modules: set[str]) -> list[Import]:
    """Every import of a `community` module in `source`, with the function it sits in."""
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = function or child.name
            if _only_for_type_checkers(child):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _known(alias.name, modules)
                    if target:
                        found.append(Import(name, target, child.lineno, function))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = _resolve_relative(name, is_package, child.level, child.module)
                else:
                    base = child.module or ""
                for alias in child.names:
                    submodule = f"{base}.{alias.name}"
                    target = submodule if submodule in modules else _known(base, modules)
                    if target:
                        found.append(Import(name, target, child.lineno, function))
            visit(child, inner)

    visit(ast.parse(source), None)
    return found


def _only_for_type_checkers(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` blocks never run, so they cannot make a cycle at import time
    (they name a type another module defines, e.g. a relationship's other side)."""
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _known(dotted: str, modules: set[str]) -> str | None:
    """`dotted` if it is a module of ours; an import of an unknown attribute path is
    taken as its nearest known module."""
    while dotted:
        if dotted in modules:
            return dotted
        if "." not in dotted:
            return None
        dotted = dotted.rsplit(".", 1)[0]
    return None


def import_graph() -> tuple[dict[str, set[str]], list[Import]]:
    modules = community_modules()
    names = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in names}
    every: list[Import] = []
    for name, path in modules.items():
        found = imports_of(name, path.read_text(), path.name == "__init__.py", names)
        every.extend(found)
        for imp in found:
            if imp.imported != name:
                graph[name].add(imp.imported)
    return graph, every


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each
    sorted, plus any module that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def strongconnect(start: str) -> None:
        nonlocal counter
        # Iterative, so a long chain of imports cannot hit the recursion limit.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    return sorted(found)


def a_path_round(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One concrete loop through a component, for the failure message."""
    members = set(component)
    start = component[0]
    # Breadth-first from start's neighbours back to start, inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [start]
                    while node != start:
                        path.append(node)
                        node = previous[node]
                    return [start, *reversed(path[1:]), start]
                if child not in seen:
                    seen.add(child)
                    previous[child] = node
                    following.append(child)
        frontier = following
    return component


# The finder itself, on graphs small enough to check by eye.


def test_the_cycle_finder_finds_a_loop_of_three_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert a_path_round(["a", "b", "c"], graph) == ["a", "b", "c", "a"]


def test_the_cycle_finder_finds_no_loop_in_a_tree_and_a_self_import():
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"a"}}) == [["a"]]


def test_imports_resolve_to_submodules_relative_imports_and_functions():
    modules = {"community", "community.a", "community.a.b", "community.c"}
    source = (
        "from community.a import b\n"
        "from community.a import helper\n"
        "from . import c\n"
        "import community.a.b\n"
        "def f():\n"
        "    from community.c import thing\n"
        "if TYPE_CHECKING:\n"
        "    from community.c import Other\n"
    )
    found = imports_of("community.a.d", source, False, modules)
    assert [(i.imported, i.function) for i in found] == [
        ("community.a.b", None),  # a submodule named in a from-import
        ("community.a", None),  # a name defined in the package
        ("community.a", None),  # relative: c is not a submodule of community.a
        ("community.a.b", None),  # the module itself, not its parent package
        ("community.c", "f"),  # inside a function still counts
    ]


# The rules, on the real code.


def test_no_module_of_community_is_part_of_an_import_cycle():
    graph, _ = import_graph()
    found = cycles(graph)
    assert not found, "Import cycles (each loop is one way round its component):\n" + "\n".join(
        " -> ".join(a_path_round(component, graph)) + f"   ({len(component)} modules)"
        for component in found
    )


def test_imports_inside_functions_are_only_the_allowed_ones():
    _, every = import_graph()
    hidden = sorted(
        f"{imp.importer}:{imp.line} ({imp.function}) imports {imp.imported}"
        for imp in every
        if imp.function and (imp.importer, imp.function) not in FUNCTION_IMPORTS_ALLOWED
    )
    assert not hidden, "Imports inside functions, move them to the top of the file:\n" + (
        "\n".join(hidden)
    )


def test_every_allowed_function_import_is_still_needed():
    """The allow-list only shrinks: an entry nothing uses any more goes."""
    _, every = import_graph()
    used = {(imp.importer, imp.function) for imp in every if imp.function}
    assert set(FUNCTION_IMPORTS_ALLOWED) <= used, set(FUNCTION_IMPORTS_ALLOWED) - used


# What the two shared layers may import besides themselves (see docs/architecture.md).
LAYER_EXCEPTIONS = {
    ("community.core.database", "community.caching.changes"): "every transaction tells caching",
    ("community.web.form_rendering", "community.caching"): "a form on a kept page",
    ("community.web.form_rendering", "community.caching.pages"): "a form on a kept page",
    ("community.web.templating", "community.caching"): "the header, drawn once per reader",
    ("community.web.templating", "community.caching.pages"): "the header's hole",
    ("community.web.templating", "community.notifications.inbox"): "the header's unread count",
}


def test_core_and_web_import_no_feature():
    """core/ is what every feature builds on and web/ what every feature's pages share:
    neither imports a feature (a feature's change cannot break them)."""
    graph, _ = import_graph()
    below = {"core": ("community.core",), "web": ("community.core", "community.web")}
    wrong = sorted(
        f"{module} imports {imported}"
        for layer, allowed in below.items()
        for module, imports in graph.items()
        if module.startswith(f"community.{layer}")
        for imported in imports
        if not imported.startswith(allowed) and (module, imported) not in LAYER_EXCEPTIONS
    )
    assert not wrong, "\n".join(wrong)
