"""Property-based API test: schemathesis generates requests from resources/portal-api.yaml and checks every
response of the live reference portal (over TLS on loopback) against the contract.

The browser-facing sign-in pages (``/oauth/authorize``, ``/oauth/device``) are left out: they answer HTML and
redirect to the client's loopback listener, which schemathesis would follow; test_portal_oauth covers them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from portal_support import client_token, fresh_portal
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tls_helpers import Pki

from app.portal.run import RunningPortal

SPEC = Path(__file__).resolve().parents[2] / "resources" / "portal-api.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(SPEC).exclude(path_regex=r"^/oauth/(authorize|device)$")


@pytest.fixture(scope="module")
def live(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    portal: RunningPortal = fresh_portal(pki, tmp_path_factory.mktemp("schemathesis"))
    with httpx.Client(base_url=portal.url, verify=pki.client_context()) as http:
        token = client_token(http, portal)
    yield {"url": portal.url, "token": token, "verify": str(pki.ca_bundle)}
    portal.stop()


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_portal_conforms_to_its_openapi_contract(case: schemathesis.Case, live: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {live['token']}"} if not case.path.startswith("/oauth/") else {}
    case.call_and_validate(
        base_url=live["url"], headers=headers, verify=live["verify"], checks=CHECKS, allow_redirects=False
    )
