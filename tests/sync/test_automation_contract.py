"""The automation contract of issue 4, as an IT script uses it.

`labsync portal serve` prints shell lines; `labsync sync --once` with exactly those variables (nothing else
configured) gets every valid record accepted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "chemical_inventory.xlsx"


def _labsync(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def served_portal(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    db = tmp_path / "portal.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABSYNC_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "portal", "serve", "--db", str(db), "--tls-self-signed", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: dict[str, str] = {}
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while "LABSYNC_CA_BUNDLE" not in lines and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        name, _, value = line.strip().partition("=")
        if name.startswith("LABSYNC_"):
            lines[name] = value
    try:
        assert set(lines) >= {
            "LABSYNC_PORTAL_URL",
            "LABSYNC_CLIENT_ID",
            "LABSYNC_CLIENT_SECRET",
            "LABSYNC_CA_BUNDLE",
        }
        yield lines, db
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_sync_with_only_the_printed_variables_delivers_every_valid_record(
    served_portal: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    printed, db = served_portal
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABSYNC_")}
    env.update(printed)
    env.update(
        LABSYNC_HOME=str(tmp_path / "home"),
        LABSYNC_SITE_CONFIG_DIR=str(tmp_path / "site"),
        LABSYNC_PASSPHRASE="automation passphrase",
    )
    imported = _labsync("import", str(SAMPLE), "--as-of", "2026-11-29", env=env)
    assert imported.returncode == 0, imported.stderr
    batch = imported.stdout.strip().splitlines()[-1]
    submitted = _labsync("submit", batch, env=env)
    assert submitted.returncode in (0, 1), submitted.stderr  # 1: some rows stay in quarantine
    queued = int(submitted.stdout.split(":", 1)[1].split("queued")[0].strip())
    assert queued > 0

    synced = _labsync("sync", "--once", env=env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    stats = json.loads(_labsync("portal", "stats", "--db", str(db), "--format", "json", env=env).stdout)
    assert stats["records"] == queued
    assert stats["duplicates"] == 0
    outbox = _labsync("outbox", env=env).stdout
    assert f"ACKED {queued}," in outbox
    assert "REJECTED 0," in outbox
