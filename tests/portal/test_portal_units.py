"""Unit and property tests of the portal's pure parts: keys, hashes, cursors, ETags, rate limits, faults."""

from __future__ import annotations

import string
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from portal_support import batch_key, client_token, fresh_portal, record, submit
from tls_helpers import Pki

from app.portal.contract import canonical_json, format_idempotency_key, parse_idempotency_key, payload_hash
from app.portal.faults import FaultInjector, RateLimiter
from app.portal.server import HTTPProblem, decode_cursor, encode_cursor, etag_matches
from app.portal.store import portal_stats

KEY_CHARS = "".join(ch for ch in string.printable if 0x21 <= ord(ch) <= 0x7E and ch not in '"\\')


@given(st.text(alphabet=KEY_CHARS, min_size=1, max_size=255))
def test_idempotency_key_round_trip(key: str) -> None:
    assert parse_idempotency_key(format_idempotency_key(key)) == key
    assert parse_idempotency_key(key) == key


@given(st.text(max_size=300))
def test_parse_never_returns_an_invalid_key(header: str) -> None:
    key = parse_idempotency_key(header)
    if key is not None:
        assert 1 <= len(key) <= 255
        assert all(ch in KEY_CHARS for ch in key)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=8))
def test_payload_hash_ignores_key_order(payload: dict[str, object]) -> None:
    reordered = dict(reversed(list(payload.items())))
    assert payload_hash(payload) == payload_hash(reordered)
    assert b" " not in canonical_json({"a": [1, 2]})


@given(st.integers(min_value=0, max_value=10**17))
def test_cursor_round_trip(last_id: int) -> None:
    assert decode_cursor(encode_cursor(last_id)) == last_id


@given(st.text(max_size=40))
def test_garbage_cursor_is_a_400_problem(cursor: str) -> None:
    status = 200
    try:
        assert decode_cursor(cursor) >= 0
    except HTTPProblem as exc:
        status = exc.response.status_code
    assert status in (200, 400)


def test_etag_matching() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches(None, '"a"')


def test_rate_limiter_token_bucket() -> None:
    limiter = RateLimiter(app=None, rate=2)  # type: ignore[arg-type]
    assert limiter.take("x", now=0.0) == 0
    assert limiter.take("x", now=0.0) == 0
    assert limiter.take("x", now=0.0) == pytest.approx(0.5)
    assert limiter.take("y", now=0.0) == 0  # per client address
    assert limiter.take("x", now=0.5) == 0


def test_fault_draws_depend_only_on_the_seed() -> None:
    def draws(seed: int) -> list[str | None]:
        injector = FaultInjector(app=None, rate=0.3, seed=seed)  # type: ignore[arg-type]
        return [injector.draw("/v1/records:batch") for _ in range(200)]

    first = draws(42)
    assert first == draws(42)
    assert first != draws(43)
    assert 30 <= sum(d is not None for d in first) <= 90
    with pytest.raises(ValueError, match="unknown fault"):
        FaultInjector(app=None, rate=0.1, weights={"fire": 1.0})  # type: ignore[arg-type]


def test_stored_responses_survive_a_restart(pki: Pki, tmp_path: Path) -> None:
    records = [record(n=i) for i in range(3)]
    key = batch_key()
    with (
        fresh_portal(pki, tmp_path) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as h,
    ):
        first = submit(h, client_token(h, portal), records, key)
    with (
        fresh_portal(pki, tmp_path) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as h,
    ):
        again = submit(h, client_token(h, portal), records, key)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content
        assert portal_stats(portal.db_path)["records"] == 3


def test_injected_checker_decides(pki: Pki, tmp_path: Path) -> None:
    import datetime as dt
    from collections.abc import Mapping
    from typing import Any

    from app.validation.violations import Severity, Violation

    class NoAcetone:
        policy_version = "test"

        def check(self, record_type: str, payload: Mapping[str, Any], as_of: dt.date) -> list[Violation]:
            if payload.get("chemical_name") == "Acetone":
                return [
                    Violation(
                        "CHEMICAL_NOT_APPROVED",
                        Severity.ERROR,
                        None,
                        "chemical_name",
                        "Acetone",
                        "not approved",
                        "use a substitute",
                        "policy 4.2",
                    )
                ]
            return []

    with (
        fresh_portal(pki, tmp_path, checker=NoAcetone()) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as h,
    ):
        ok = {**record(n=1), "payload": {"chemical_name": "Ethanol"}}
        results = submit(h, client_token(h, portal), [record(n=0), ok]).json()["results"]
        assert [r["status"] for r in results] == ["rejected", "accepted"]
        assert results[0]["violations"][0]["code"] == "CHEMICAL_NOT_APPROVED"


def test_the_contract_is_valid_openapi_31_and_matches_the_routes(tmp_path: Path) -> None:
    import schemathesis
    import yaml
    from starlette.routing import Route

    from app.portal.server import PortalConfig, create_app

    spec_path = Path(__file__).resolve().parents[2] / "resources" / "portal-api.yaml"
    schemathesis.openapi.from_path(spec_path).validate()  # the OpenAPI 3.1 meta-schema
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    app, portal = create_app(PortalConfig(db_path=tmp_path / "p.db"))
    served = {
        (route.path, method)
        for route in app.routes
        if isinstance(route, Route)
        for method in (route.methods or ())
        if method != "HEAD"
    }
    portal.store.close()
    assert served == documented


def test_self_signed_certificates_survive_a_restart(tmp_path: Path) -> None:
    from app.portal.run import self_signed_tls

    first = self_signed_tls(tmp_path, "127.0.0.1")
    ca = first[2].read_bytes()
    assert self_signed_tls(tmp_path, "127.0.0.1")[2].read_bytes() == ca  # clients keep trusting it
    assert self_signed_tls(tmp_path, "::1")[2].read_bytes() == ca  # ::1 is one of the loopback names
    assert self_signed_tls(tmp_path, "10.0.0.7")[2].read_bytes() != ca  # a new host needs a new certificate
