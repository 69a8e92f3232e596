"""GUI fixtures: a real encrypted workspace in the per-test LABSYNC_HOME, the job runner, the window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LABSYNC_GUI_NONINTERACTIVE", "1")

CHEMICAL_CSV = "\n".join(
    [
        "Container ID,Chemical Name,CAS Number,Quantity,Unit,Physical State,Building,Room,PI Name,"
        "Hazard Codes,SDS Reference,Date Received",
        "C-001,Acetone,67-64-1,4,L,liquid,Chem,101,Smith,H225,SDS-1,2024-01-10",
        "C-002,Ethanol,64-17-5,-2,L,liquid,Chem,101,Smith,H225,SDS-2,2024-01-10",
        "C-003,Toluene,108-88-4,1,furlongs,liquid,Chem,102,Jones,H225,,2024-02-01",
        "C-003,Water,7732-18-5,1,L,liquid,Chem,,Jones,,,2030-01-01",
        "C-005,Methanol,67-56-1,2,L,liquid,Chem,103,Jones,H225,SDS-5,2024-03-01",
        "",
    ]
)


@pytest.fixture
def chemical_csv(tmp_path: Path) -> Path:
    path = tmp_path / "chem-inventory.csv"
    path.write_text(CHEMICAL_CSV, encoding="utf-8")
    return path


@pytest.fixture
def service(qapp: object, labsync_home: Path) -> Iterator[object]:
    from app.gui.jobs import JobRunner
    from app.gui.service import WorkspaceService
    from app.workspace import Workspace

    runner = JobRunner()
    svc = WorkspaceService(Workspace.open, runner)
    yield svc
    svc.close()


@pytest.fixture
def imported(service: object, chemical_csv: Path) -> object:
    """The sample imported straight through the workspace (no GUI)."""
    return service.workspace.import_file(chemical_csv)  # type: ignore[attr-defined]


@pytest.fixture
def window(qtbot: object, service: object) -> Iterator[object]:
    from app.gui.main_window import MainWindow

    win = MainWindow(service)  # type: ignore[arg-type]
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    yield win
    win.sync.stop()
    service.runner.wait()  # type: ignore[attr-defined]
