"""Workspace test fixtures: a real SQLCipher workspace in the test's LABSYNC_HOME, with the fake
validation."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeValidation, write_csv

from app.workspace import Workspace

ROWS = [
    ("7732-18-5", "Water", "1"),
    ("64-17-5", "Ethanol", "x"),
    ("bad", "", ""),
    ("7732-18-5", "Water again", "3"),
    ("67-64-1", "Acetone", "2"),
]


@pytest.fixture
def ws(labsync_home: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(validation=FakeValidation())
    yield workspace
    workspace.close()


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1_000_000))

    def make(rows: list[tuple[str, str, str]] | None = None, name: str | None = None) -> Path:
        return write_csv(tmp_path / (name or f"in{next(counter)}.csv"), ROWS if rows is None else rows)

    return make


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI's workspaces use the fake validation."""
    import app.workspace.workspace as module

    monkeypatch.setattr(module, "DefaultValidation", FakeValidation)
