"""TLS 1.3 only, mTLS, rate limiting, reproducible fault injection, and the `labsync portal` command line."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from portal_support import batch_key, client_token, fresh_portal, record, submit
from tls_helpers import Pki, client_context, tls12_only_client_context

from app.portal.run import RunningPortal
from app.portal.store import portal_stats


def test_tls12_only_client_is_refused(portal: RunningPortal, pki: Pki) -> None:
    with (
        httpx.Client(base_url=portal.url, verify=tls12_only_client_context(pki.ca_bundle)) as http,
        pytest.raises(httpx.ConnectError),
    ):
        http.get("/v1/health")
    with httpx.Client(base_url=portal.url, verify=pki.client_context()) as http:
        assert http.get("/v1/health").status_code == 200


def test_untrusted_server_certificate_is_refused(portal: RunningPortal, tmp_path: Path) -> None:
    from tls_helpers import make_pki

    other = make_pki(tmp_path)
    with (
        httpx.Client(base_url=portal.url, verify=other.client_context()) as http,
        pytest.raises(httpx.ConnectError),
    ):
        http.get("/v1/health")


def test_mtls_required_with_client_ca(pki: Pki, tmp_path: Path) -> None:
    with fresh_portal(pki, tmp_path, client_ca=True) as portal:
        with httpx.Client(base_url=portal.url, verify=pki.client_context(with_client_cert=True)) as http:
            assert http.get("/v1/health").status_code == 200
            assert client_token(http, portal)
        with (
            httpx.Client(base_url=portal.url, verify=pki.client_context()) as http,
            pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)),
        ):
            http.get("/v1/health")
        stranger = __import__("tls_helpers").make_pki(tmp_path / "other")
        foreign = client_context(pki.ca_bundle, stranger.client)
        with (
            httpx.Client(base_url=portal.url, verify=foreign) as http,
            pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)),
        ):
            http.get("/v1/health")


def test_rate_limit_429_with_retry_after(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(pki, tmp_path, rate_limit=2) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as http,
    ):
        statuses = [http.get("/v1/version") for _ in range(6)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, [r.status_code for r in statuses]
        assert statuses[0].status_code == 200
        assert int(limited[0].headers["retry-after"]) >= 1
        assert limited[0].json()["code"] == "rate-limited"
        assert http.get("/v1/health").status_code == 200  # exempt
        time.sleep(int(limited[0].headers["retry-after"]))
        assert http.get("/v1/version").status_code == 200


def _fault_run(
    pki: Pki, directory: Path, seed: int
) -> tuple[list[str], list[tuple[str, str]], dict[str, int]]:
    """Send the same 40 requests (fresh connection each) to a portal with 50 % faults; what came back."""
    outcomes: list[str] = []
    with fresh_portal(
        pki, directory, fault_rate=0.5, fault_seed=seed, fault_hang_seconds=1.0, fault_slow_seconds=0.05
    ) as portal:
        secret = portal.client_secret
        with httpx.Client(base_url=portal.url, verify=pki.client_context(), timeout=30) as http:
            token = None
            while token is None:  # the token endpoint is subject to faults too
                try:
                    response = http.post(
                        "/oauth/token",
                        data={"grant_type": "client_credentials"},
                        auth=(portal.client_id, secret),
                    )
                except httpx.TransportError:
                    continue
                if response.status_code == 200:
                    token = response.json()["access_token"]
        for i in range(40):
            with httpx.Client(base_url=portal.url, verify=pki.client_context(), timeout=30) as http:
                try:
                    response = submit(
                        http, token, [record(n=i, key=f"fault-rec-{i}")], key=f'"fault-batch-{i}"'
                    )
                    outcomes.append(str(response.status_code))
                except httpx.TransportError as exc:
                    outcomes.append(type(exc).__name__)
        assert portal.faults is not None
        log = list(portal.faults.log)
        stats = portal_stats(portal.db_path)
    return outcomes, log, stats


def test_fault_injection_is_reproducible_with_a_seed(pki: Pki, tmp_path: Path) -> None:
    first = _fault_run(pki, tmp_path / "one", seed=7)
    second = _fault_run(pki, tmp_path / "two", seed=7)
    assert first == second
    outcomes, log, stats = first
    kinds = {kind for _, kind in log}
    assert len(kinds) >= 4, kinds
    assert set(outcomes) - {"200"}, outcomes  # some requests failed
    # faults "after commit" stored the batch although the client saw an error
    after_commit = sum(
        1 for path, kind in log if path == "/v1/records:batch" and kind.endswith("_after_commit")
    )
    assert stats["records"] == outcomes.count("200") + after_commit  # slow/timeout faults answer 200
    other = _fault_run(pki, tmp_path / "three", seed=8)
    assert other[1] != log


def test_retry_after_a_lost_ack_replays_the_committed_response(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(
            pki, tmp_path, fault_rate=1.0, fault_seed=1, fault_weights={"500_after_commit": 1.0}
        ) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as http,
    ):
        assert http.get("/v1/health").status_code == 200
        token = http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(portal.client_id, portal.client_secret),
        )
        assert token.status_code == 500  # /oauth/* faults happen before processing
        assert portal.faults is not None
        portal.faults.rate = 0.0
        access = client_token(http, portal)
        portal.faults.rate = 1.0
        records = [record(n=i) for i in range(3)]
        key = batch_key()
        lost = submit(http, access, records, key)
        assert lost.status_code == 500
        assert portal_stats(portal.db_path)["records"] == 3  # committed before the answer was lost
        portal.faults.rate = 0.0
        retry = submit(http, access, records, key)
        assert retry.status_code == 200
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.json()["summary"]["accepted"] == 3
        assert portal_stats(portal.db_path)["records"] == 3


def test_dropped_connection_is_a_transport_error(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(pki, tmp_path, fault_rate=1.0, fault_seed=1, fault_weights={"drop": 1.0}) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as http,
    ):
        with pytest.raises(httpx.TransportError):
            http.get("/v1/version/../whoami")
        assert http.get("/v1/health").status_code == 200


def test_hang_makes_a_short_timeout_client_give_up(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(
            pki,
            tmp_path,
            fault_rate=1.0,
            fault_seed=1,
            fault_weights={"timeout": 1.0},
            fault_hang_seconds=2.0,
        ) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context(), timeout=0.5) as http,
        pytest.raises(httpx.ReadTimeout),
    ):
        http.get("/v1/whoami")


# -- the command line ---------------------------------------------------------------------------------


def _serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # the CLI must flush by itself
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "portal",
            "serve",
            "--db",
            str(tmp_path / "cli.db"),
            "--port",
            "0",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    values: dict[str, str] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while "LABSYNC_CLIENT_SECRET" not in values or (
        "--tls-self-signed" in extra and "LABSYNC_CA_BUNDLE" not in values
    ):
        line = proc.stdout.readline()
        if not line or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"no ready lines: {proc.stderr.read() if proc.stderr else ''}")
        name, _, value = line.strip().partition("=")
        values[name] = value
    return proc, values


def test_cli_serve_prints_sourceable_lines_and_stats(tmp_path: Path) -> None:
    proc, env = _serve(tmp_path, "--tls-self-signed")
    try:
        assert env["LABSYNC_PORTAL_URL"].startswith("https://127.0.0.1:")
        assert env["LABSYNC_CLIENT_ID"] == "labsync-demo"
        ctx = ssl.create_default_context(cafile=env["LABSYNC_CA_BUNDLE"])
        with httpx.Client(base_url=env["LABSYNC_PORTAL_URL"], verify=ctx) as http:
            token = http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(env["LABSYNC_CLIENT_ID"], env["LABSYNC_CLIENT_SECRET"]),
            ).json()["access_token"]
            records = [record(n=i) for i in range(4)]
            key = batch_key()
            for _ in range(3):
                assert submit(http, token, records, key).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert env["LABSYNC_CLIENT_SECRET"] not in err
    stats = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "portal",
            "stats",
            "--db",
            str(tmp_path / "cli.db"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(stats.stdout)
    assert data == {**data, "records": 4, "distinct_idempotency_keys": 4, "duplicates": 0}
    # the same database keeps the same demo credentials across restarts
    proc, again = _serve(tmp_path)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert again["LABSYNC_CLIENT_SECRET"] == env["LABSYNC_CLIENT_SECRET"]
    assert again["LABSYNC_PORTAL_URL"].startswith("http://")
    assert "LABSYNC_CA_BUNDLE" not in again


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "portal",
            "stats",
            "--db",
            str(tmp_path / "none.db"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    mtls = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "portal",
            "serve",
            "--db",
            str(tmp_path / "x.db"),
            "--client-ca",
            str(tmp_path / "ca.pem"),
        ],
        capture_output=True,
        text=True,
    )
    assert mtls.returncode == 2
