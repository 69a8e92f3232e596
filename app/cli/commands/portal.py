"""``labsync portal serve|stats|credentials``: the reference portal (a reference implementation of
``resources/portal-api.yaml`` for tests, demos and IT rehearsals; not a production portal).

Automation contract (keep stable):

- ``labsync portal serve --db PATH ...`` prints, once it accepts connections, shell-sourceable lines
  ``LABSYNC_PORTAL_URL=...``, ``LABSYNC_CLIENT_ID=...``, ``LABSYNC_CLIENT_SECRET=...`` and, when it generated
  its own certificate (``--tls-self-signed``), ``LABSYNC_CA_BUNDLE=...``; then serves until SIGINT/SIGTERM.
- ``labsync portal stats --db PATH --format json`` prints at least
  ``{"records": N, "distinct_idempotency_keys": K, "duplicates": D}``.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from app.cli.main import add_global_options
from app.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "portal",
        help="run the reference portal (for tests, demos and IT rehearsals)",
        description="The reference research portal: a reference implementation of LabSync's portal API "
        "(resources/portal-api.yaml), not a production portal.",
    )
    add_global_options(parser, suppress_default=True)
    actions = parser.add_subparsers(dest="portal_action", metavar="ACTION", required=True)

    serve = actions.add_parser("serve", help="serve the portal on loopback until interrupted")
    add_global_options(serve, suppress_default=True)
    serve.add_argument("--db", type=Path, required=True, metavar="PATH", help="the portal's SQLite file")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: pick a free one)")
    serve.add_argument(
        "--tls-cert", type=Path, metavar="PEM", help="server certificate (enables TLS 1.3 only)"
    )
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="server private key")
    serve.add_argument(
        "--tls-self-signed",
        action="store_true",
        help="generate a CA and a loopback certificate (printed as LABSYNC_CA_BUNDLE)",
    )
    serve.add_argument(
        "--tls-dir", type=Path, metavar="DIR", help="where --tls-self-signed writes (<db>.tls)"
    )
    serve.add_argument("--client-ca", type=Path, metavar="PEM", help="require client certificates (mTLS)")
    serve.add_argument("--rate-limit", type=_rate, metavar="R/s", help="requests per second (429 beyond)")
    serve.add_argument("--fault-rate", type=_probability, default=0.0, metavar="P", help="fault probability")
    serve.add_argument("--fault-seed", type=int, metavar="S", help="seed of the fault sequence")
    serve.add_argument(
        "--fault-mix",
        metavar="KIND=W,...",
        help="fault weights, e.g. 429=1,500=1,503=1,drop=1,slow=1,timeout=1,500_after_commit=1,"
        "drop_after_commit=1",
    )
    serve.add_argument(
        "--fault-hang-seconds", type=float, default=5.0, help="how long a 'timeout' fault hangs"
    )
    serve.add_argument("--fault-slow-seconds", type=float, default=0.3, help="delay of a 'slow' fault")
    serve.add_argument(
        "--policy", type=Path, metavar="TOML", help="publish this policy pack (default: bundled)"
    )
    serve.add_argument("--as-of", metavar="YYYY-MM-DD", help="validate as of this date (default: today)")
    serve.add_argument("--max-batch", type=int, metavar="N", help="records per batch (default 500)")
    serve.add_argument("--device-interval", type=int, metavar="S", help="device flow polling interval (5)")
    serve.add_argument("--auto-approve", metavar="USER", help="demo only: sign USER in without a form")
    serve.add_argument("--access-log", action="store_true", help="log every request (no secrets are logged)")
    serve.set_defaults(func=run_serve)

    stats = actions.add_parser(
        "stats", help="records, distinct idempotency keys and duplicates in a portal db"
    )
    add_global_options(stats, suppress_default=True)
    stats.add_argument("--db", type=Path, required=True, metavar="PATH")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.set_defaults(func=run_stats)

    creds = actions.add_parser("credentials", help="print the demo credentials of a portal db (shell lines)")
    add_global_options(creds, suppress_default=True)
    creds.add_argument("--db", type=Path, required=True, metavar="PATH")
    creds.add_argument("--client", default=None, help="client id (default: the demo client)")
    creds.add_argument("--user", default=None, help="also print this demo user's password")
    creds.set_defaults(func=run_credentials)


def _rate(text: str) -> float:
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:/s)?\s*", text)
    if match is None or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"expected requests per second like 20 or 20/s, got {text!r}")
    return float(match.group(1))


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability 0-1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a probability 0-1, got {text!r}")
    return value


def _fault_mix(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    from app.portal.faults import FAULT_KINDS

    mix: dict[str, float] = {}
    for part in text.split(","):
        kind, sep, weight = part.partition("=")
        kind = kind.strip()
        try:
            value = float(weight) if sep else 1.0
        except ValueError:
            raise UserError(f"--fault-mix: bad weight in {part!r}") from None
        if kind not in FAULT_KINDS:
            raise UserError(f"--fault-mix: unknown fault {kind!r} (known: {', '.join(FAULT_KINDS)})")
        mix[kind] = value
    return mix


def _portal_modules() -> Any:
    try:
        from app.portal import run
    except ImportError as exc:
        raise UserError(
            f"the reference portal needs the 'portal' extra (pip install 'labsync[portal]'): {exc}"
        ) from exc
    return run


def run_serve(args: argparse.Namespace) -> int:
    import datetime as dt
    import ssl

    run = _portal_modules()
    if (args.tls_cert is None) != (args.tls_key is None):
        raise UserError("--tls-cert and --tls-key go together")
    if args.client_ca is not None and args.tls_cert is None and not args.tls_self_signed:
        raise UserError("--client-ca (mTLS) needs TLS: add --tls-cert/--tls-key or --tls-self-signed")
    for path in (args.tls_cert, args.tls_key, args.client_ca, args.policy):
        if path is not None and not path.is_file():
            raise UserError(f"{path}: no such file")
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise UserError(f"--as-of: expected YYYY-MM-DD, got {args.as_of!r}") from None
    options: dict[str, Any] = {}
    if args.max_batch:
        options["max_batch_records"] = args.max_batch
    if args.device_interval:
        options["device_interval"] = args.device_interval
    if args.auto_approve:
        options["auto_approve_user"] = args.auto_approve
    try:
        portal = run.start_portal(
            args.db,
            args.host,
            args.port,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            client_ca=args.client_ca,
            tls_self_signed=args.tls_self_signed,
            tls_dir=args.tls_dir,
            tls_min_version=ssl.TLSVersion.TLSv1_3,
            rate_limit=args.rate_limit,
            fault_rate=args.fault_rate,
            fault_seed=args.fault_seed,
            fault_weights=_fault_mix(args.fault_mix),
            fault_hang_seconds=args.fault_hang_seconds,
            fault_slow_seconds=args.fault_slow_seconds,
            policy_file=args.policy,
            as_of=as_of,
            options=options,
            access_log=args.access_log,
        )
    except OSError as exc:
        raise UserError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        sys.stdout.write("".join(f"{line}\n" for line in portal.env_lines()))
        sys.stdout.flush()
        print(f"labsync portal: serving {portal.url} (reference portal; Ctrl+C stops)", file=sys.stderr)
        while not stop.wait(0.5):
            if not portal.alive:
                print("labsync portal: the server stopped unexpectedly", file=sys.stderr)
                return 1
    finally:
        portal.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from app.portal.store import portal_stats

    if not args.db.is_file():
        raise UserError(f"{args.db}: no such portal database")
    stats = portal_stats(args.db)
    if args.format == "json":
        print(json.dumps(stats, sort_keys=True))
    else:
        print(f"records:                   {stats['records']}")
        print(f"distinct idempotency keys: {stats['distinct_idempotency_keys']}")
        print(f"duplicates:                {stats['duplicates']}")
        for record_type, count in stats["records_by_type"].items():
            print(f"  {record_type}: {count}")
        print(f"stored batch responses:    {stats['stored_responses']}")
    return 0


def run_credentials(args: argparse.Namespace) -> int:
    import shlex

    from app.portal.seed import DEMO_CLIENT_ID
    from app.portal.store import PortalStore

    if not args.db.is_file():
        raise UserError(f"{args.db}: no such portal database")
    store = PortalStore(args.db)
    try:
        client_id = args.client or DEMO_CLIENT_ID
        secret = store.demo_secret(client_id)
        if secret is None:
            raise UserError(f"no demo secret for client {client_id!r}")
        print(f"LABSYNC_CLIENT_ID={shlex.quote(client_id)}")
        print(f"LABSYNC_CLIENT_SECRET={shlex.quote(secret)}")
        if args.user:
            password = store.demo_secret(f"user:{args.user}")
            if password is None:
                raise UserError(f"no demo user {args.user!r}")
            print(f"LABSYNC_DEMO_USER={shlex.quote(args.user)}")
            print(f"LABSYNC_DEMO_PASSWORD={shlex.quote(password)}")
    finally:
        store.close()
    return 0
