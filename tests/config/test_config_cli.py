"""`labsync config paths|show|set|unset` through the real argument parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.config.settings import ENV_VARS, setting_keys
from app.paths import current_paths


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("LABSYNC_CLIENT_SECRET", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_site(text: str) -> Path:
    path = current_paths().site_config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_paths_json(capsys: pytest.CaptureFixture[str], labsync_home: Path) -> None:
    code, out, _ = run(capsys, "config", "paths", "--format", "json")
    assert code == 0
    report = json.loads(out)
    paths = current_paths()
    assert report["data_dir"] == str(paths.data_dir)
    assert report["workspace_db"] == str(paths.workspace_db)
    assert report["site_config_file"] == str(paths.site_config_file)
    assert report["user_config_file"] == str(paths.user_config_file)
    assert report["log_dir"] == str(paths.log_dir)
    assert report["crash_dir"] == str(paths.crash_dir)
    assert report["home_override"] == str(labsync_home)


def test_config_paths_text_honours_home(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "config", "paths", "--home", str(tmp_path / "profile"))
    assert code == 0
    assert f"workspace database     {tmp_path / 'profile' / 'data' / 'workspace.db'}  (not present)" in out
    assert "site config file" in out


def test_config_show_json_sources_locks_and_masking(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = write_site(
        'portal_url = "https://portal.example.edu"\nproxy = "http://ops:pr0xy-pw@proxy.example.edu:3128"\n'
        'locked = ["portal_url"]\n'
    )
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "40")
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", "the-client-secret")
    code, out, _ = run(capsys, "config", "show", "--format", "json", "--set", "sync_interval_seconds=60")
    assert code == 0
    assert "the-client-secret" not in out
    assert "pr0xy-pw" not in out
    report = json.loads(out)
    assert report["precedence"] == ["built-in", "site", "user", "environment", "command line"]
    assert set(report["settings"]) == set(setting_keys())
    assert report["settings"]["portal_url"] == {
        "value": "https://portal.example.edu",
        "source": "site",
        "origin": str(site),
        "locked": True,
    }
    assert report["settings"]["proxy"]["value"] == "http://ops:***@proxy.example.edu:3128"
    assert report["settings"]["batch_size"] == {
        "value": 40,
        "source": "environment",
        "origin": "LABSYNC_BATCH_SIZE",
        "locked": False,
    }
    assert report["settings"]["sync_interval_seconds"]["source"] == "command line"
    assert report["settings"]["tls_min_version"]["source"] == "built-in"
    assert report["secrets"]["client_secret"] == {
        "set": True,
        "source": "environment",
        "variable": "LABSYNC_CLIENT_SECRET",
    }
    assert report["files"]["site"] == {"path": str(site), "exists": True}


def test_config_show_text(capsys: pytest.CaptureFixture[str]) -> None:
    write_site('batch_size = 100\nlocked = ["batch_size"]\n')
    code, out, _ = run(capsys, "config", "show")
    assert code == 0
    line = next(line for line in out.splitlines() if line.strip().startswith("batch_size"))
    assert "100" in line
    assert "[locked by site]" in line


def test_config_show_reports_invalid_configuration_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site("batch_size = [1, 2]\n")
    code, out, err = run(capsys, "config", "show")
    assert code == 2
    assert out == ""
    assert err.startswith(f"labsync: error: {site}: batch_size: Input should be a valid integer")
    assert err.count("\n") == 1


def test_config_set_and_unset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "set", "batch_size", "75")
    assert code == 0
    assert "batch_size = 75" in out
    code, out, _ = run(capsys, "config", "set", "policy_overrides", '{"expiry_warning_days": 30}')
    assert code == 0
    code, out, _ = run(capsys, "config", "show", "--format", "json")
    report = json.loads(out)
    assert report["settings"]["batch_size"]["source"] == "user"
    assert report["settings"]["policy_overrides"]["value"] == {"expiry_warning_days": 30}
    code, out, _ = run(capsys, "config", "unset", "batch_size")
    assert code == 0
    assert "now 200 (built-in)" in out


def test_config_set_refuses_a_locked_key(capsys: pytest.CaptureFixture[str]) -> None:
    write_site('locked = ["portal_url"]\n')
    code, _, err = run(capsys, "config", "set", "portal_url", "https://elsewhere.example.edu")
    assert code == 2
    assert "portal_url is locked by the site configuration" in err
