"""Imports, edits and the CLI validate against one context: the reference data pulled into the workspace, the
portal's policy pack when newer, and the settings' policy_file / policy_overrides (real validation engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from app.paths import current_paths
from app.workspace import Workspace
from app.workspace.validation_context import pulled_policy_path

HEADER = "Container ID,Chemical Name,CAS Number,Quantity,Unit,Building,Room,Owner\n"


def _csv(path: Path, n: int = 3) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(n):
            fh.write(f"C{i:07d},Water sample {i},7732-18-5,{i + 1},L,Chemistry,101,Alice\n")
    return path


def _codes(ws: Workspace, batch_id: int) -> dict[str, int]:
    return ws.violation_counts(batch_id)


def _user_config(text: str) -> None:
    path = current_paths().user_config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_pulled_reference_data_flows_into_import_and_edits(labsync_home: Path, tmp_path: Path) -> None:
    with Workspace.open() as ws:
        plain = ws.import_file(_csv(tmp_path / "a.csv"), record_type="chemical_inventory")
        assert "LOCATION_UNKNOWN" not in _codes(ws, plain.id)  # nothing pulled yet: no reference check
        # what `labsync pull` stores (no set_reference_data call: the workspace uses its own store)
        ws.store_reference("locations", {"items": [{"building": "Physics", "room": "1"}]})
        batch = ws.import_file(_csv(tmp_path / "b.csv"), record_type="chemical_inventory")
        assert _codes(ws, batch.id).get("LOCATION_UNKNOWN") == 3
        # an edit re-validates with the same reference data
        first = ws.row_ids(batch.id)[0]
        ws.edit_cell(first, "building", "Physics")
        result = ws.edit_cell(first, "room", "1")
        assert "LOCATION_UNKNOWN" not in {v.code for v in result.row.violations}
        assert _codes(ws, batch.id).get("LOCATION_UNKNOWN") == 2
    # and so does the CLI (a new process would see the same: the data is in the workspace)
    assert main(["import", str(_csv(tmp_path / "c.csv")), "--type", "chemical_inventory"]) == 0
    with Workspace.open() as ws:
        assert _codes(ws, ws.batches()[0].id).get("LOCATION_UNKNOWN") == 3


def test_policy_layers_portal_pack_settings_and_overrides(labsync_home: Path, tmp_path: Path) -> None:
    from app.validation.policy import bundled_policy_path, load_policy

    bundled = load_policy().version
    with Workspace.open() as ws:
        assert (
            ws.import_file(_csv(tmp_path / "a.csv"), record_type="chemical_inventory").policy_version
            == bundled
        )
    # the portal's pack, installed by `labsync pull`, newer than the bundled one
    pack = pulled_policy_path()
    pack.parent.mkdir(parents=True, exist_ok=True)
    text = bundled_policy_path().read_text(encoding="utf-8")
    pack.write_text(text.replace(f'version = "{bundled}"', 'version = "2999.1.0"'), encoding="utf-8")
    with Workspace.open() as ws:
        batch = ws.import_file(_csv(tmp_path / "b.csv"), record_type="chemical_inventory")
        assert batch.policy_version == "2999.1.0"
    # an older pack never replaces the bundled one
    pack.write_text(text.replace(f'version = "{bundled}"', 'version = "1999.1.0"'), encoding="utf-8")
    with Workspace.open() as ws:
        assert (
            ws.import_file(_csv(tmp_path / "c.csv"), record_type="chemical_inventory").policy_version
            == bundled
        )
    # the settings' policy_file, then policy_overrides on top (app.config precedence)
    institution = tmp_path / "institution.toml"
    institution.write_text('version = "3000.0.0"\ninstitution = "Test U"\n', encoding="utf-8")
    _user_config(f'policy_file = "{institution}"\n')
    with Workspace.open() as ws:
        assert (
            ws.import_file(_csv(tmp_path / "d.csv"), record_type="chemical_inventory").policy_version
            == "3000.0.0"
        )
    _user_config(f'policy_file = "{institution}"\n[policy_overrides]\n"version" = "3000.0.1"\n')
    with Workspace.open() as ws:
        batch = ws.import_file(_csv(tmp_path / "e.csv"), record_type="chemical_inventory")
        assert batch.policy_version == "3000.0.1"
        # the batch keeps its policy: later edits use that snapshot even after the settings change
        _user_config("")
        ws._checkers.clear()
        ws._batch_policies.clear()
        ws.edit_cell(ws.row_ids(batch.id)[0], "quantity", "5")
        assert ws._batch_policies[batch.id].version == "3000.0.1"


def test_a_bad_override_is_a_configuration_error(labsync_home: Path, tmp_path: Path) -> None:
    from app.errors import ConfigError

    _user_config('[policy_overrides]\n"dates.order" = "YMD"\n')
    with Workspace.open() as ws, pytest.raises(ConfigError, match="policy_overrides"):
        ws.import_file(_csv(tmp_path / "a.csv"), record_type="chemical_inventory")
