"""``labsync validate`` through a real subprocess: exit codes, JSON contract, text output, clean failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["file", "record_type", "sheet", "rows", "valid_rows", "invalid_rows", "file_issues", "violations"]
VKEYS = ["row", "field", "code", "severity", "message", "hint", "value", "citation"]


def labsync(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "Container ID,Chemical Name,CAS,Quantity,Unit,Building,Room,Hazard Codes,SDS\n"
    "C1,Acetone,67-64-1,4,L,B,1,H225,S1\n"
)


def test_clean_file_exit_0_and_json_contract(tmp_path: Path) -> None:
    proc = labsync(str(write(tmp_path / "ok.csv", GOOD)), "--format", "json", "--as-of", "2026-01-15")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == KEYS
    assert data["rows"] == 1
    assert data["valid_rows"] == 1
    assert data["invalid_rows"] == 0
    assert data["violations"] == []
    assert data["file_issues"] == []
    assert data["record_type"] == "chemical_inventory"
    assert proc.stderr == ""


def test_violations_exit_1_and_json_shape() -> None:
    sample = resource_path("samples", "chemical_inventory.xlsx")
    proc = labsync(str(sample), "--format", "json", "--as-of", "2026-01-15")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == KEYS
    assert data["sheet"] == "Room 2104"
    assert data["rows"] == 16
    assert data["valid_rows"] + data["invalid_rows"] == data["rows"]
    assert all(list(v) == VKEYS for v in data["violations"])
    by_code = {v["code"]: v for v in data["violations"]}
    assert by_code["CAS_CHECKSUM"]["row"] == 9
    assert by_code["CAS_CHECKSUM"]["value"] == "108-88-4"
    assert by_code["FORMULA_ERROR"]["value"] == "#N/A"
    assert by_code["HIDDEN_ROW"]["severity"] == "warning"


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    text = GOOD.replace("Hazard Codes,SDS", "Hazard Codes,SDS,Expiration Date").replace(
        "S1\n", "S1,2020-01-01\n"
    )
    proc = labsync(str(write(tmp_path / "w.csv", text)), "--format", "json", "--as-of", "2026-01-15")
    assert proc.returncode == 0
    assert [v["code"] for v in json.loads(proc.stdout)["violations"]] == ["CONTAINER_EXPIRED"]


def test_header_missing_exit_1(tmp_path: Path) -> None:
    text = "Chemical Name,Quantity,Unit,Building\nAcetone,1,L,B\n"
    proc = labsync(str(write(tmp_path / "h.csv", text)), "--type", "chemical_inventory", "--format", "json")
    assert proc.returncode == 1
    issues = json.loads(proc.stdout)["file_issues"]
    assert [(i["code"], i["field"], i["row"]) for i in issues] == [("HEADER_MISSING", "room", None)]


def test_text_output(tmp_path: Path) -> None:
    proc = labsync(str(resource_path("samples", "equipment.csv")), "--as-of", "2026-01-15", "--limit", "3")
    assert proc.returncode == 1
    out = proc.stdout
    assert "DEPRECIATION_MISSING" in out
    assert "Rows:" in out
    assert "FAILED" in out
    assert "more violations not listed" in out
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("make", "args", "needle"),
    [
        (lambda p: p / "nope.csv", (), "no such file"),
        (lambda p: write(p / "empty.csv", ""), (), "empty"),
        (lambda p: (p / "bin.xlsx").write_bytes(os.urandom(2048)) and p / "bin.xlsx", (), "bin.xlsx"),
        (lambda p: write(p / "ok.csv", GOOD), ("--as-of", "15/01/2026"), "--as-of"),
        (lambda p: write(p / "ok.csv", GOOD), ("--type", "furniture"), "unknown record type"),
        (lambda p: write(p / "ok.csv", GOOD), ("--mapping", "/nonexistent/map.json"), "mapping"),
        (lambda p: write(p / "x.csv", "a,b\n1,2\n"), (), "no header row"),
    ],
)
def test_unreadable_or_usage_exit_2_one_line(
    tmp_path: Path, make: object, args: tuple[str, ...], needle: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    proc = labsync(str(path), *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Traceback" not in proc.stderr
    assert needle in lines[0]
    assert proc.stdout == ""


def test_mapping_option(tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "Thing,Where,Lab,Qty,UoM\nAcetone,B,1,2,L\n")
    mapping = write(tmp_path / "m.json", json.dumps({"Thing": "chemical_name", "Where": "building"}))
    proc = labsync(str(data), "--mapping", str(mapping), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr


EQUIPMENT = "Asset Tag,Description,Acquisition Date,Unit Cost\nA1,Microscope,2025-01-10,3000\n"


def _codes(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode in (0, 1), proc.stderr
    return [v["code"] for v in json.loads(proc.stdout)["violations"]]


def test_policy_from_settings_then_policy_option_on_top(tmp_path: Path) -> None:
    """The settings' policy_file and policy_overrides apply; --policy FILE is merged over them."""
    home, site_dir = tmp_path / "home", tmp_path / "site"
    (home / "config").mkdir(parents=True)
    site_dir.mkdir()
    data = write(tmp_path / "eq.csv", EQUIPMENT)
    env = {"LABSYNC_HOME": str(home), "LABSYNC_SITE_CONFIG_DIR": str(site_dir)}

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "app.cli.main",
                "validate",
                str(data),
                "--format",
                "json",
                "--as-of",
                "2026-01-15",
                *extra,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
            timeout=120,
            check=False,
        )

    assert "DEPRECIATION_MISSING" not in _codes(run())  # $3,000 is under the federal $10,000
    policy_file = write(tmp_path / "campus.toml", '[equipment]\ncapitalization_level = "2500"\n')
    config = home / "config" / "config.toml"
    config.write_text(f"policy_file = {json.dumps(str(policy_file))}\n", encoding="utf-8")
    assert "DEPRECIATION_MISSING" in _codes(run())  # the campus level from the settings' policy_file
    config.write_text(
        f"policy_file = {json.dumps(str(policy_file))}\n\n[policy_overrides]\n"
        '"equipment.capitalization_level" = "3500"\n',
        encoding="utf-8",
    )
    assert "DEPRECIATION_MISSING" not in _codes(run())  # the override raises it above $3,000
    on_top = write(tmp_path / "run.toml", '[equipment]\ncapitalization_level = "1000"\n')
    assert "DEPRECIATION_MISSING" in _codes(run("--policy", str(on_top)))  # --policy beats the settings


def test_pulled_policy_path_matches_the_workspace() -> None:
    from app.cli.commands.validate import pulled_policy_path
    from app.workspace.validation_context import pulled_policy_path as workspace_path

    assert pulled_policy_path() == workspace_path()


def test_newer_pulled_policy_pack_is_used(tmp_path: Path) -> None:
    home, site_dir = tmp_path / "home", tmp_path / "site"
    (home / "data" / "policy").mkdir(parents=True)
    site_dir.mkdir()
    (home / "data" / "policy" / "portal-policy.toml").write_text(
        'version = "9999.1"\n[equipment]\ncapitalization_level = "2500"\n', encoding="utf-8"
    )
    data = write(tmp_path / "eq.csv", EQUIPMENT)
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "validate", str(data), "--as-of", "2026-01-15"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LABSYNC_HOME": str(home), "LABSYNC_SITE_CONFIG_DIR": str(site_dir)},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "policy 9999.1" in proc.stdout
    assert "DEPRECIATION_MISSING" in proc.stdout
