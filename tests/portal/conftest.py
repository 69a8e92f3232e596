"""Fixtures: a CA and certificates (tests/tls_helpers.py), a reference portal over real TLS on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.portal.run import RunningPortal, start_portal

# tests/tls_helpers.py and tests/portal/portal_support.py, whether or not tests/ is a package
for _dir in (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent):
    if str(_dir) not in sys.path:
        sys.path.insert(0, str(_dir))

from portal_support import AS_OF, PORTAL_OPTIONS  # noqa: E402
from tls_helpers import Pki, make_pki  # noqa: E402


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def portal(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    """One TLS 1.3 portal per test module (its own database)."""
    db = tmp_path_factory.mktemp("portal") / "portal.db"
    running = start_portal(db, **pki.server_tls(), as_of=AS_OF, options=PORTAL_OPTIONS)
    yield running
    running.stop()


@pytest.fixture
def http(portal: RunningPortal, pki: Pki) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal.url, verify=pki.client_context(), timeout=30) as client:
        yield client
