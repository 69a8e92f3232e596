"""``labsync audit verify|export``: the workspace's hash-chained audit log.

``verify`` exits 0 when the chain is intact and 1 naming the first bad entry (modified, deleted, inserted,
reordered, or cut off at the end), or the first request whose members no longer match its send entry.
``export --format csv|jsonl [--since WHEN] [-o FILE]`` writes every entry with its hashes for auditors
(stdout when no file is given).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from app.cli.main import add_global_options
from app.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify or export the audit log",
        description="Verify or export the workspace's hash-chained audit log.",
    )
    add_global_options(parser, suppress_default=True)
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)

    verify = actions.add_parser("verify", help="check the whole chain (exit 1 naming the first bad entry)")
    add_global_options(verify, suppress_default=True)
    verify.set_defaults(func=run_verify)

    export = actions.add_parser("export", help="write the entries as csv or jsonl")
    add_global_options(export, suppress_default=True)
    export.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    export.add_argument("--since", metavar="WHEN", help="ISO date or date-time (UTC when no offset)")
    export.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    export.set_defaults(func=run_export)


def _since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--since: not an ISO date or date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def run_verify(args: argparse.Namespace) -> int:
    from app.workspace import Workspace

    with Workspace.open(create=False) as ws:
        result = ws.audit.verify()
        # the members of every request against its (chained, HMAC'd) send entry: which record keys were sent
        # under which request key stays provable
        sends = ws.verify_sends() if result.ok else None
    if sends is not None:
        print(f"audit log intact, but {sends}", file=sys.stderr)
        return 1
    print(result.describe(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def run_export(args: argparse.Namespace) -> int:
    from app.workspace import Workspace

    since = _since(args.since)
    with Workspace.open(create=False) as ws:
        if args.output:
            count = ws.audit.export(Path(args.output), args.format, since=since)
            print(f"{count} audit entries written to {args.output}", file=sys.stderr)
            return 0
        ws.audit.write_to(sys.stdout, args.format, since=since)
    return 0
