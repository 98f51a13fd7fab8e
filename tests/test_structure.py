"""The package's structure rules: layers import downwards only, no import cycles, modules under
500 lines and functions under 80 (the README's package map states the layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import gendexhand

ROOT = Path(gendexhand.__file__).parent
LAYERS = [
    {"__init__", "errors", "physics", "packaged", "yamlio", "parallel", "store"},
    {"assets", "embodiment"},
    {"config"},
    {"sim", "llm"},
    {"predicates", "sandbox", "motion"},
    {"plan", "propose"},
    {"learn", "dataset", "refine", "decompose"},
    {"stages"},
    {"cli", "examples"},
]
"""Top-level modules and packages, bottom layer first."""


def _layer(top: str) -> int:
    return next(k for k, names in enumerate(LAYERS) if top in names)


def _modules() -> dict[str, Path]:
    return {
        ".".join(p.relative_to(ROOT.parent).with_suffix("").parts): p
        for p in sorted(ROOT.rglob("*.py"))
    }


def _imports(path: Path) -> set[str]:
    """Every gendexhand module this file imports, at the top or inside functions."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("gendexhand"):
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("gendexhand"))
    return out


def test_every_top_level_name_has_a_layer() -> None:
    tops = {p.relative_to(ROOT).parts[0].removesuffix(".py") for p in ROOT.rglob("*.py")}
    tops.discard("py.typed")
    assert tops <= set().union(*LAYERS), tops - set().union(*LAYERS)


def test_layers_import_downwards_only() -> None:
    """Budget: < 1 s (static)."""
    bad = []
    for name, path in _modules().items():
        mine = _layer(name.split(".")[1] if "." in name else "__init__")
        for target in _imports(path):
            parts = target.split(".")
            if len(parts) < 2:
                continue
            tops = set().union(*LAYERS)
            theirs = _layer(parts[1]) if parts[1] in tops else 0  # a name of gendexhand itself
            if theirs > mine:
                bad.append(f"{name} imports {target}")
    assert not bad, "\n".join(sorted(set(bad)))


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {n: {t for t in _imports(p) if t in modules and t != n} for n, p in modules.items()}
    # a package's __init__ re-exports its submodules: count it as the package itself
    graph = {n.removesuffix(".__init__"): {t.removesuffix(".__init__") for t in e}
             for n, e in graph.items()}  # fmt: skip
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for t in sorted(graph.get(n, ())):
            if t.startswith(n + ".") or n.startswith(t + "."):
                continue  # a package and its own submodules
            if state.get(t) == 1:
                cycles.append(" -> ".join([*stack[stack.index(t) :], t]))
            elif t not in state:
                visit(t, [*stack, t])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert not cycles, "\n".join(cycles)


def test_modules_and_functions_are_small() -> None:
    long = []
    for name, path in _modules().items():
        text = path.read_text()
        if text.count("\n") > 500:
            long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 80:
                    long.append(f"{name}.{node.name}: {size} lines")
    assert not long, "\n".join(long)
