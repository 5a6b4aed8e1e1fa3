"""The package's import graph: no cycles, and imports point only down the layers.

Every module's imports are read with :mod:`ast`, those inside functions included (a lazy import
is still a dependency); only ``if TYPE_CHECKING:`` blocks are skipped, since they never run.
The layer order is the one written in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = "mxnet_r_compat"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

# Lowest first; a module may import from its own layer or a lower one (docs/ARCHITECTURE.md).
# Each entry names a top-level module or subpackage of mxnet_r_compat.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_native", "_version", "errors", "_args", "console", "_lib"),
    ("ops", "formats"),
    ("ndarray", "graph"),
    ("learn",),
    ("io",),
    ("engine",),
    ("dist",),
    ("training",),
    ("viz", "datasets"),
    ("api",),
    ("rbridge",),
    ("__init__", "__main__"),  # the package itself (lazy `mx`) and `python -m mxnet_r_compat`
)


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Every Import/ImportFrom node, at any depth, except under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules that ``module`` imports (``from pkg import sub`` names the submodule)."""
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        target = _resolve(module, path, node)
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            found.add(sub if sub in known else target)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    files = module_files()
    known = set(files)
    return {name: imports_of(name, path, known) for name, path in files.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module: each is an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layer_of(module: str) -> int:
    """The layer index of a package module (its first component below the package)."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    for i, names in enumerate(LAYERS):
        if head in names:
            return i
    raise AssertionError(f"{module} belongs to no layer; add `{head}` to LAYERS and the doc")


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_import_cycles():
    cycles = strongly_connected(import_graph())
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_imports_point_down():
    upward = [f"{src} (layer {layer_of(src)}) imports {dst} (layer {layer_of(dst)})"
              for src, targets in sorted(import_graph().items()) for dst in sorted(targets)
              if layer_of(dst) > layer_of(src)]
    assert upward == [], "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_the_graph_sees_lazy_imports():
    """The parser must see a function-level import and skip a TYPE_CHECKING one."""
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n"
              "def f():\n    from .c import x\n")
    tree = ast.parse(source)
    names = [n.module for n in _import_nodes(tree) if isinstance(n, ast.ImportFrom)]
    assert sorted(names) == ["c", "typing"]


def test_a_file_format_module_loads_no_trainer():
    """Importing a low layer loads only that layer and what it needs, not the trainer."""
    code = (f"import sys, {PACKAGE}.formats.atomic\n"
            f"print(sorted(m for m in sys.modules if m.startswith('{PACKAGE}')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)  # a printed list of module names
    assert f"{PACKAGE}.formats.atomic" in loaded
    higher = [m for m in loaded if m != PACKAGE and layer_of(m) > layer_of(f"{PACKAGE}.formats")]
    assert higher == []


@pytest.mark.parametrize("name", ["mx"])
def test_the_dotted_names_still_import_from_the_package(name):
    code = f"from {PACKAGE} import {name}; print(type({name}).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Namespace"
