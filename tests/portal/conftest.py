"""Fixtures: a CA and certificates (tests/tls_helpers.py), a reference portal over real TLS on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from portal_support import AS_OF, PORTAL_OPTIONS
from tls_helpers import Pki, make_pki

from app.portal.run import RunningPortal, start_portal


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
