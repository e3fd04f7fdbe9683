"""The storage package knows nothing of Telegram or ClickBook, except its PTB adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.storage

PACKAGE_DIR = Path(bot.storage.__file__).parent
TELEGRAM_ADAPTER = "persistence.py"


def _imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _outside_storage(names: set[str]) -> set[str]:
    project = ("bot", "conversations", "locales")
    return {
        name
        for name in names
        if name.split(".")[0] in project and not name.startswith("bot.storage")
    }


def test_storage_modules_import_neither_telegram_nor_the_rest_of_the_project() -> None:
    modules = [p for p in PACKAGE_DIR.glob("*.py") if p.name != TELEGRAM_ADAPTER]
    assert len(modules) >= 10
    for module in modules:
        imported = _imported_modules(module)
        assert not {n for n in imported if n.split(".")[0] == "telegram"}, module.name
        assert not _outside_storage(imported), module.name


def test_the_ptb_adapter_uses_only_the_store_from_the_project() -> None:
    imported = _imported_modules(PACKAGE_DIR / TELEGRAM_ADAPTER)
    assert "telegram.ext" in imported
    assert not _outside_storage(imported)
