"""The structure docs/ARCHITECTURE.md promises, checked: layers point down, modules and functions stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"akhbar": 0, "tasks": 1, "flows": 2, "interfaces": 3}   # a module may import only its layer or below
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 800, 80


def modules():
    for top in LAYERS:
        yield from sorted((ROOT / top).rglob("*.py"))


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    layer = LAYERS[path.relative_to(ROOT).parts[0]]
    up = sorted(n for n in imported(ast.parse(path.read_text())) if LAYERS.get(n.split(".")[0], -1) > layer)
    assert not up, f"{path.relative_to(ROOT)} imports a higher layer: {up}"


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_are_small(path):
    source = path.read_text()
    assert source.count("\n") <= MAX_MODULE_LINES, f"{path.name}: {source.count(chr(10))} lines"
    long = [f"{n.name} ({n.end_lineno - n.lineno + 1} lines)" for n in ast.walk(ast.parse(source))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: {long}"


def test_stages_do_not_import_prefect_or_the_worker_pool():
    for path in sorted((ROOT / "tasks").rglob("*.py")):
        names = imported(ast.parse(path.read_text()))
        assert not any(n.split(".")[0] == "prefect" for n in names), path.name
