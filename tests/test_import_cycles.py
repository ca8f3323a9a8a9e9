"""No import cycle among the bot's modules: every wing depends on the others one way.

Every ``import bot...`` and ``from bot... import`` counts, at the top of a module, under
``TYPE_CHECKING`` or inside a function: an import deferred into a function hides a cycle from
Python, not from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

Graph = dict[str, set[str]]


def _module_name(path: Path, root: Path) -> str:
    """``bot/cli/__init__.py`` is ``bot.cli``; ``bot/cli/common.py`` is ``bot.cli.common``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.Import | ast.ImportFrom, package: str, modules: set[str]) -> set[str]:
    """The modules of ``modules`` an import statement names.

    ``from m import n`` names ``m.n`` when that is a module, otherwise ``m``; a relative import
    is resolved in ``package``.
    """
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & modules
    base = node.module or ""
    if node.level:
        parents = package.split(".")
        parents = parents[: len(parents) - node.level + 1]
        base = ".".join([*parents, base] if base else parents)
    named = (f"{base}.{alias.name}" for alias in node.names)
    return {name if name in modules else base for name in named} & modules


def import_graph(root: Path) -> Graph:
    """Module -> the modules of the package at ``root`` it imports."""
    paths = {_module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    modules = set(paths)
    graph: Graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        graph[name] = {
            target for node in imports for target in _targets(node, package, modules)
        } - {name}
    return graph


def find_cycle(graph: Graph) -> list[str]:
    """One cycle of ``graph`` as ``[a, b, ..., a]``, or ``[]`` when there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        path.append(module)
        for imported in sorted(graph[module]):
            if imported in path:
                return [*path[path.index(imported) :], imported]
            if imported not in done:
                cycle = visit(imported)
                if cycle:
                    return cycle
        path.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle:
                return cycle
    return []


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        pytest.param(
            {"a.py": "from pkg.b import run\n", "b.py": "def run():\n    from pkg.a import x\n"},
            ["pkg.a", "pkg.b", "pkg.a"],
            id="through-an-import-in-a-function",
        ),
        pytest.param(
            {"__init__.py": "from . import c\n", "c.py": "import pkg\n"},
            ["pkg", "pkg.c", "pkg"],
            id="through-a-relative-import-and-the-package",
        ),
        pytest.param(
            {"a.py": "from pkg.b import run\n", "b.py": "from . import c\n", "c.py": ""},
            [],
            id="none",
        ),
    ],
)
def test_a_cycle_is_found_however_it_is_imported(
    tmp_path: Path, files: dict[str, str], cycle: list[str]
) -> None:
    """Top-level, in-function and relative imports all count; a chain without a loop doesn't."""
    package = tmp_path / "pkg"
    package.mkdir()
    for name, text in {"__init__.py": "", **files}.items():
        (package / name).write_text(text)
    assert find_cycle(import_graph(package)) == cycle


def test_the_bot_has_no_import_cycle() -> None:
    """No module of ``bot`` imports, however indirectly, a module that imports it."""
    assert find_cycle(import_graph(REPO / "bot")) == []
