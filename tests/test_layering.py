"""The core packages never import Qt, so the CLI and the GUI share them (STYLE habit 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
CORE = ["ingest", "validation", "workspace", "sync", "config", "portal"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_package_does_not_import_qt(package: str) -> None:
    offenders = [
        f"{path.relative_to(APP)} imports {name}"
        for path in (APP / package).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"} or name.startswith("app.gui")
    ]
    assert offenders == []
