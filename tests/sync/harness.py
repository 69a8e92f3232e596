"""Shared helpers for the sync integration tests and the benchmark: a real Workspace (SQCipher file) with
records in its outbox, the real reference portal on 127.0.0.1 over TLS, and a SyncClient between them."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.sync.auth import MemoryTokenStore
from app.sync.client import SyncClient
from app.sync.settings import SyncSettings

LAB = "LAB-A"
HEADER = "Container ID,Chemical Name,CAS Number,Quantity,Unit,Building,Room,Owner\n"


def write_inventory_csv(path: Path, n: int, *, start: int = 0, names: dict[int, str] | None = None) -> Path:
    """``n`` valid chemical inventory rows (unique container ids), optionally renaming some rows."""
    names = names or {}
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(start, start + n):
            name = names.get(i, f"Water sample {i}")
            fh.write(f"C{i:07d},{name},7732-18-5,{i % 50 + 1},L,Chemistry,101,Alice\n")
    return path


def fill_outbox(
    workspace: Any, directory: Path, n: int, *, start: int = 0, names: dict[int, str] | None = None
) -> int:
    """Import ``n`` rows into a new batch and submit it; returns the batch id."""
    csv = write_inventory_csv(directory / f"inventory-{start}-{n}.csv", n, start=start, names=names)
    batch = workspace.import_file(csv, record_type="chemical_inventory")
    assert batch.invalid_count == 0, workspace.violation_counts(batch.id)
    summary = workspace.submit(batch.id)
    assert summary.queued == n
    return int(batch.id)


def settings_for(portal: Any, **changes: Any) -> SyncSettings:
    values: dict[str, Any] = {
        "portal_url": portal.url,
        "client_id": portal.client_id,
        "client_secret": portal.client_secret,
        "ca_bundle": portal.ca_bundle,
        "lab": LAB,
        "batch_size": 500,
    }
    values.update(changes)
    return SyncSettings(**values)


def client_for(workspace: Any, portal: Any, **kw: Any) -> SyncClient:
    settings = kw.pop("settings", None) or settings_for(portal, **kw.pop("settings_changes", {}))
    return SyncClient(workspace, settings, token_store=MemoryTokenStore(), **kw)


def states(workspace: Any) -> dict[str, int]:
    return {str(getattr(k, "value", k)): v for k, v in workspace.outbox_counts().items() if v}


def child_env(portal: Any, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``labsync`` child process: its own home, the portal from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABSYNC_")}
    env.update(
        LABSYNC_HOME=str(home),
        LABSYNC_PASSPHRASE=os.environ.get("LABSYNC_PASSPHRASE", "test passphrase, not a secret"),
        LABSYNC_SITE_CONFIG_DIR=str(home / "site"),
        LABSYNC_PORTAL_URL=portal.url,
        LABSYNC_CLIENT_ID=portal.client_id,
        LABSYNC_CLIENT_SECRET=portal.client_secret,
        LABSYNC_LAB=LAB,
        PYTHONDONTWRITEBYTECODE="1",
    )
    if portal.ca_bundle is not None:
        env["LABSYNC_CA_BUNDLE"] = str(portal.ca_bundle)
    env.update(extra)
    return env


def labsync_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def keys_of(entries: Iterable[Any]) -> list[str]:
    return [str(e.idempotency_key) for e in entries]
