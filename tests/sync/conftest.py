"""Fixtures for the sync integration tests: a real workspace and the real reference portal over TLS."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/tls_helpers.py


@pytest.fixture
def pki(tmp_path: Path) -> Any:
    from tls_helpers import make_pki

    return make_pki(tmp_path / "pki")


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Any]:
    """The reference portal on 127.0.0.1 with a self-signed CA (TLS 1.3 only)."""
    run = pytest.importorskip("app.portal.run")
    running = run.start_portal(tmp_path / "portal.db", tls_self_signed=True)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def workspace(labsync_home: Path) -> Iterator[Any]:
    from app.workspace import Workspace

    ws = Workspace.open()
    try:
        yield ws
    finally:
        ws.close()


def tls12_only_portal(tmp_path: Path, pki: Any) -> Any:
    run = pytest.importorskip("app.portal.run")
    return run.start_portal(
        tmp_path / "portal12.db",
        tls_cert=pki.server.cert,
        tls_key=pki.server.key,
        tls_min_version=ssl.TLSVersion.TLSv1_2,
        tls_max_version=ssl.TLSVersion.TLSv1_2,
    )
