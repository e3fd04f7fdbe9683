"""The sandbox stands on its own: no client code, no Babel at run time."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.sandbox.clickbook as package

ALLOWED_ROOTS = {"starlette", "uvicorn", "httpx", "defusedxml", "bot"}


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_imports_only_stdlib_and_the_allowed_libraries() -> None:
    import sys

    modules = sorted(Path(package.__file__).parent.glob("*.py"))
    assert len(modules) > 10
    for module in modules:
        for name in _imported_modules(module):
            root = name.split(".")[0]
            assert root in ALLOWED_ROOTS or root in sys.stdlib_module_names or root == "__future__"
            if root == "bot":
                assert name.startswith("bot.sandbox.clickbook"), (module.name, name)
