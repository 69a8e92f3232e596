"""Sync benchmark: records/s to the loopback reference portal, first sync and replay side by side in one run.

Usage: .venv/bin/python bench/bench_sync.py [--records 20000] [--batch-size 500] [--in-process] [--no-tls]

The portal runs as its own program (``labsync portal serve --tls-self-signed``, TLS 1.3 on 127.0.0.1) unless
``--in-process`` (then it shares this process and its GIL). A throwaway LabSync home gets an encrypted
workspace with ``--records`` valid chemical inventory rows imported and submitted (not timed). Then, timed:

* first sync: ``SyncClient.sync_once()`` drains the outbox: begin_send (key persisted), POST, record_results,
  per batch, with the audit entries, exactly what ``labsync sync --once`` does;
* full replay: every acknowledged batch sent again under its ORIGINAL request key and body, through the same
  client path as crash recovery (``SyncClient.resend``, pipelined like a sync): the portal answers its
  stored response (``Idempotent-Replayed: true``); outcomes of already-resolved entries are counted, not
  written;
* re-send under NEW request keys (informational): the portal re-checks every record key and answers
  ``duplicate`` (HTTP + parsing only, nothing stored).

Targets: first sync >= 5,000 records/s with batches of ~500; full replay >= 5x faster than the first sync.
The markdown table is printed (and saved to bench/out/, gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


class Portal:
    def __init__(
        self, url: str, client_id: str, secret: str, ca: Path | None, stop: Any, pid: int | None = None
    ) -> None:
        self.url, self.client_id, self.client_secret, self.ca_bundle, self.stop = (
            url,
            client_id,
            secret,
            ca,
            stop,
        )
        self.pid = pid

    def cpu(self) -> float:
        """CPU seconds (user + system) the portal process has used so far (0 when in-process or unknown)."""
        if self.pid is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_portal_process(db: Path, tls: bool) -> Portal:
    cmd = [sys.executable, "-m", "app", "portal", "serve", "--db", str(db)]
    if tls:
        cmd.append("--tls-self-signed")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    env: dict[str, str] = {}
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "=" in line and line.startswith("LABSYNC_"):
            key, _, value = line.strip().partition("=")
            env[key] = value.strip("'\"")
        if "LABSYNC_CLIENT_SECRET" in env and (not tls or "LABSYNC_CA_BUNDLE" in env):
            break
    if "LABSYNC_PORTAL_URL" not in env:
        proc.kill()
        raise SystemExit("the portal did not start")

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()

    ca = Path(env["LABSYNC_CA_BUNDLE"]) if env.get("LABSYNC_CA_BUNDLE") else None
    return Portal(
        env["LABSYNC_PORTAL_URL"], env["LABSYNC_CLIENT_ID"], env["LABSYNC_CLIENT_SECRET"], ca, stop, proc.pid
    )


def start_portal_in_process(db: Path, tls: bool) -> Portal:
    from app.portal.run import start_portal

    p = start_portal(db, tls_self_signed=tls)
    return Portal(p.url, p.client_id, p.client_secret, p.ca_bundle, p.stop)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--in-process", action="store_true", help="run the portal in this process")
    parser.add_argument("--no-tls", action="store_true", help="plain http on loopback")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs (fresh workspace and portal each); the "
        "table shows the run with the median first-sync rate",
    )
    args = parser.parse_args()
    runs = [one_run(args) for _ in range(max(1, args.repeat))]
    runs.sort(key=lambda r: r["rows"][0][1] / r["rows"][0][3])
    chosen = runs[len(runs) // 2]
    report(
        args,
        chosen,
        [r["rows"][0][1] / r["rows"][0][3] for r in runs],
        [(r["rows"][1][1] / r["rows"][1][3]) / (r["rows"][0][1] / r["rows"][0][3]) for r in runs],
    )
    return 0


def one_run(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="labsync-bench-sync-"))
    os.environ["LABSYNC_HOME"] = str(home)
    os.environ.setdefault("LABSYNC_PASSPHRASE", "bench passphrase, not a secret")
    os.environ["LABSYNC_SITE_CONFIG_DIR"] = str(home / "site")

    from app.sync import wire
    from app.sync.auth import MemoryTokenStore
    from app.sync.client import SyncClient
    from app.sync.settings import SyncSettings
    from app.workspace import Workspace
    from tests.sync.harness import fill_outbox

    tls = not args.no_tls
    starter = start_portal_in_process if args.in_process else start_portal_process
    portal = starter(home / "portal.db", tls)
    rows: list[tuple[str, int, int, float, float, float]] = []

    def clocks() -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), portal.cpu()

    def row(name: str, n: int, requests: int, start: tuple[float, float, float]) -> None:
        end = clocks()
        rows.append((name, n, requests, end[0] - start[0], end[1] - start[1], end[2] - start[2]))

    try:
        with Workspace.open() as ws:
            t0 = time.perf_counter()
            fill_outbox(ws, home, args.records)
            prep = time.perf_counter() - t0
            settings = SyncSettings(
                portal_url=portal.url,
                client_id=portal.client_id,
                client_secret=portal.client_secret,
                ca_bundle=portal.ca_bundle,
                lab="LAB-A",
                batch_size=args.batch_size,
            )
            with SyncClient(ws, settings, token_store=MemoryTokenStore()) as client:
                client.tokens.access_token()  # sign in before the clock starts (one token request)
                t0 = clocks()
                first = client.sync_once()
                assert first.done, first
                assert first.accepted == args.records, first
                row("first sync", first.acked, first.requests, t0)

                groups: dict[str, list[Any]] = defaultdict(list)
                for entry in ws.outbox(state="ACKED"):
                    groups[str(entry.request_key)].append(entry)
                t0 = clocks()
                replay = client.resend(groups.items())
                assert replay.replayed == len(groups), replay
                assert replay.acked == args.records, replay
                row("full replay (same request keys)", replay.acked, replay.requests, t0)

                t0 = clocks()
                dup = requests = 0
                for entries in groups.values():
                    body = wire.batch_body(entries, client.lab())
                    response = client.http.post(
                        wire.BATCH_PATH,
                        content=body,
                        auth=client.auth,
                        headers={
                            "Idempotency-Key": wire.structured_key(f"bench-{uuid.uuid4()}"),
                            "Content-Type": "application/json",
                        },
                    )
                    requests += 1
                    results = wire.parse_batch_response(
                        response.json(), [str(e.idempotency_key) for e in entries]
                    )
                    dup += sum(1 for r in results.values() if r.status == "duplicate")
                assert dup == args.records
                row("re-send, new request keys (per-record duplicate)", dup, requests, t0)
            assert ws.verify_audit().ok
    finally:
        portal.stop()
        shutil.rmtree(home, ignore_errors=True)

    return {"rows": rows, "prep": prep}


def report(
    args: argparse.Namespace, run: dict[str, Any], first_rates: list[float], speedups: list[float]
) -> None:
    rows, prep, tls = run["rows"], run["prep"], not args.no_tls
    first_rate = rows[0][1] / rows[0][3]
    where = "in-process" if args.in_process else "own process"
    scheme = "TLS 1.3" if tls else "plain http"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"Sync benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; portal {where} over {scheme} on 127.0.0.1; "
        f"{args.records} records, batch {args.batch_size};"
        f" workspace preparation (import + submit, untimed) {prep:.1f}s",
        "",
        f"Load average at the end: {load} (other work on the machine "
        "slows the wall-clock figures; the CPU columns do not depend on it).",
        "",
        "| scenario | records | requests | wall s | records/s | vs first sync "
        "| client CPU s | portal CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, n, req, secs, ccpu, pcpu in rows:
        rate = n / secs
        lines.append(
            f"| {name} | {n:,} | {req} | {secs:.2f} | {rate:,.0f} | {rate / first_rate:.1f}x "
            f"| {ccpu:.2f} | {pcpu:.2f} |"
        )
    replay_speedup = (rows[1][1] / rows[1][3]) / first_rate
    replay_verdict = "met" if replay_speedup >= 5 else "NOT met"
    lines += [
        "",
        f"Targets: first sync >= 5,000 records/s: {'met' if first_rate >= 5000 else 'NOT met'} "
        f"({first_rate:,.0f}); full replay >= 5x the first sync: {replay_verdict} "
        f"({replay_speedup:.1f}x).",
    ]
    text = "\n".join(lines)
    text += (
        f"\n\nAll {len(first_rates)} runs: first sync {', '.join(f'{r:,.0f}' for r in sorted(first_rates))} "
        f"records/s; replay speed-up {', '.join(f'{s:.1f}x' for s in sorted(speedups))}."
    )
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_sync.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
