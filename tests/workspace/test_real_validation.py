"""End to end with the real validation engine and the CLI: import, show, edit, export, submit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.workspace import Workspace

gen = pytest.importorskip("bench._gen")


@pytest.fixture
def chem_csv(tmp_path: Path) -> Path:
    path: Path = gen.write_chemical_csv(tmp_path / "inventory.csv", 2000, seed=11)
    return path


def test_cli_import_prints_the_batch_id_last(
    chem_csv: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["import", str(chem_csv)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "1"
    assert "2000 rows" in lines[0]
    assert main(["batches", "--format", "json"]) == 0
    [batch] = json.loads(capsys.readouterr().out)
    assert batch["record_type"] == "chemical_inventory"
    assert batch["classification"] == "OSHA_INVENTORY"
    assert batch["policy_version"]
    assert batch["rows"] == 2000
    assert batch["invalid"] > 0
    assert main(["show", "1", "--invalid", "--limit", "5"]) == 0
    shown = capsys.readouterr().out
    assert "error" in shown
    out = tmp_path / "fixed.xlsx"
    assert main(["export", "1", "-o", str(out)]) == 0
    assert out.stat().st_size > 0
    code = main(["submit", "1"])
    assert code == 1  # invalid rows stay in quarantine
    assert main(["audit", "verify"]) == 0


def test_edit_with_real_rules_fixes_a_row(chem_csv: Path) -> None:
    with Workspace.open() as ws:
        batch = ws.import_file(chem_csv)
        invalid = ws.rows_by_id(ws.row_ids(batch.id, only_invalid=True))
        target = next(r for r in invalid if any(v.code == "CAS_CHECKSUM" for v in r.violations))
        with chem_csv.open(newline="", encoding="utf-8") as fh:
            names = {row[1]: row[2] for row in csv.reader(fh)}
        good_cas = names[target.raw["chemical_name"]]
        assert good_cas != target.raw["cas_number"]
        result = ws.edit_cell(target.id, "cas_number", good_cas)
        assert all(v.code != "CAS_CHECKSUM" for v in result.row.violations)
        undo = ws.undo(result.edit_id or 0)
        assert any(v.code == "CAS_CHECKSUM" for v in undo.row.violations)
        assert ws.audit.verify().ok


def test_reference_data_from_the_workspace_gives_location_warnings(chem_csv: Path) -> None:
    reference = pytest.importorskip("app.sync.reference")
    with Workspace.open() as ws:
        ws.store_reference("locations", {"items": [{"building": "Chemistry", "room": None}]})
        ws.set_reference_data(reference.reference_for_validation(ws))
        batch = ws.import_file(chem_csv)
        counts = ws.violation_counts(batch.id)
        assert counts.get("LOCATION_UNKNOWN", 0) > 0
        rows = ws.rows_by_id(ws.row_ids(batch.id)[:200])
        flagged = {
            r.raw.get("building") for r in rows if any(v.code == "LOCATION_UNKNOWN" for v in r.violations)
        }
        assert flagged
        assert "Chemistry" not in flagged
