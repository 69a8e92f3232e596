"""Helpers for the reference portal tests: valid records of every type, tokens, and a small API wrapper."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import httpx
from tls_helpers import Pki

from app.portal.run import RunningPortal, start_portal

AS_OF = dt.date(2026, 11, 1)
PORTAL_OPTIONS: dict[str, Any] = {"device_interval": 1, "device_slow_down_step": 1}


def fresh_portal(
    pki: Pki,
    directory: Path,
    *,
    options: dict[str, Any] | None = None,
    tls: bool = True,
    client_ca: bool = False,
    **kwargs: Any,
) -> RunningPortal:
    """A portal of its own (for tests that change its options); stop it when done."""
    tls_args: dict[str, Any] = pki.server_tls(client_ca=client_ca) if tls else {}
    return start_portal(
        directory / "portal.db",
        as_of=AS_OF,
        options={**PORTAL_OPTIONS, **(options or {})},
        **tls_args,
        **kwargs,
    )


def valid_payload(record_type: str, n: int = 0) -> dict[str, Any]:
    """A payload the validation engine accepts as of ``AS_OF`` (``n`` makes it unique)."""
    if record_type == "chemical_inventory":
        return {
            "container_id": f"C-{n:06d}",
            "chemical_name": "Acetone",
            "cas_number": "67-64-1",
            "quantity": str(1 + n % 5),
            "unit": "L",
            "building": "Hildebrand Hall",
            "room": "101",
        }
    if record_type == "equipment":
        return {
            "asset_tag": f"EQ-{n:06d}",
            "description": "Centrifuge",
            "acquisition_date": "2025-03-01",
            "unit_cost": "4200.00",
            "building": "Stanley Hall",
            "room": "201",
        }
    if record_type == "waste_manifest":
        return {
            "manifest_tracking_number": f"{100000000 + n:09d}ELC",
            "generator_epa_id": "CAD009452657",
            "generator_category": "LQG",
            "waste_codes": ["D001"],
            "container_count": "1",
            "container_type": "DM",
            "total_quantity": "55",
            "unit": "G",
            "accumulation_start_date": "2026-10-15",
        }
    if record_type == "cost_share":
        return {
            "award_number": "NSF-2400001",
            "sponsor": "NSF",
            "sponsor_amount": str(100000 + n),
            "cost_share_amount": "0",
            "cost_share_type": "none",
        }
    if record_type == "attestation":
        return {
            "attestation_type": "effort certification",
            "pi_name": "Dr. Alice Nguyen",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "attested": True,
            "signature_date": "2026-07-02",
        }
    raise ValueError(record_type)


CLASSIFICATION = {
    "chemical_inventory": "OSHA_INVENTORY",
    "equipment": "NSF_EQUIPMENT",
    "waste_manifest": "EPA_WASTE",
    "cost_share": "NSF_FINANCIAL",
    "attestation": "NIH_ATTESTATION",
}


def record(
    record_type: str = "chemical_inventory",
    *,
    lab: str = "LAB-A",
    key: str | None = None,
    n: int = 0,
    payload: dict[str, Any] | None = None,
    source_ref: str | None = None,
) -> dict[str, Any]:
    return {
        "idempotency_key": key or f"rec-{uuid.uuid4().hex}",
        "record_type": record_type,
        "classification": CLASSIFICATION[record_type],
        "lab": lab,
        "owner": "alice.nguyen@university.example",
        "source_ref": source_ref or f"ws-test/batch-1/row-{n + 2}",
        "payload": payload if payload is not None else valid_payload(record_type, n),
    }


def batch_key() -> str:
    return f'"batch-{uuid.uuid4().hex}"'


def client_token(
    http: httpx.Client, portal: RunningPortal, client_id: str | None = None, scope: str | None = None
) -> str:
    client_id = client_id or portal.client_id
    secret = portal.secret_of(client_id)
    assert secret is not None
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = http.post("/oauth/token", data=data, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit(
    http: httpx.Client, token: str, records: list[dict[str, Any]], key: str | None = None, **kwargs: Any
) -> httpx.Response:
    headers = {**bearer(token), "Idempotency-Key": key or batch_key()}
    return http.post("/v1/records:batch", json={"records": records}, headers=headers, **kwargs)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def user_tokens(
    http: httpx.Client,
    portal: RunningPortal,
    username: str,
    *,
    redirect_uri: str = "http://127.0.0.1:53682/callback",
) -> dict[str, Any]:
    """The authorization code + PKCE flow as a browser would do it (sign-in form POST), then the exchange."""
    verifier, challenge = pkce_pair()
    password = portal.secret_of(f"user:{username}")
    assert password is not None
    state = secrets.token_urlsafe(8)
    response = http.post(
        "/oauth/authorize",
        data={
            "response_type": "code",
            "client_id": "labsync-desktop",
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
            "username": username,
            "password": password,
        },
    )
    assert response.status_code == 302, response.text
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["location"]).query))
    assert query["state"] == state
    token = http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": "labsync-desktop",
            "code": query["code"],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    return dict(token.json())
