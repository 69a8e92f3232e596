"""Batches in the workspace: ``labsync import``, ``batches``, ``show``, ``export``, ``submit``, ``outbox``,
``quarantine`` and ``retry``.

``labsync import FILE`` prints the new batch id alone on the last line of its output (scripts take it with
``tail -n 1``). Exit codes: 0 ok; 1 when work is left (``submit`` leaving rows in quarantine, a non-empty
``quarantine``, ``retry --all-rejected`` that could not requeue everything); 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.cli.main import add_global_options
from app.errors import UserError

STATES = ("PENDING", "SENDING", "ACKED", "REJECTED", "RETRY_WAIT")
PAGE = 1000


def _parser(subparsers: Any, name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, **kwargs)
    add_global_options(parser, suppress_default=True)
    return parser


def register(subparsers: Any) -> None:
    p = _parser(
        subparsers,
        "import",
        "validate FILE and store its rows as a new batch in the workspace",
        description="Validate FILE and store every row and its violations as a new batch. The new batch "
        "id is printed alone on the last line.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--type", dest="record_type", metavar="TYPE", help="record type (default: from the headers)"
    )
    p.add_argument("--sheet", metavar="NAME", help="worksheet (default: the first visible one)")
    p.add_argument(
        "--as-of", dest="as_of", metavar="YYYY-MM-DD", help="date the rules apply at (default today)"
    )
    p.add_argument("--mapping", metavar="FILE", help="column mapping file (source header -> field)")
    p.add_argument(
        "--policy",
        metavar="FILE",
        help="policy file merged over the policy in force (portal pack, policy_file, policy_overrides)",
    )
    p.add_argument("--label", default="", help="a name for the batch")
    p.set_defaults(func=run_import)

    p = _parser(subparsers, "batches", "list the batches in the workspace")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_batches)

    p = _parser(subparsers, "show", "a batch's rows with their violations")
    p.add_argument("batch", type=int, metavar="BATCH")
    p.add_argument("--invalid", action="store_true", help="only rows with errors")
    p.add_argument("--search", metavar="TEXT", help="only rows containing TEXT")
    p.add_argument("--limit", type=int, metavar="N", help="at most N rows")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_show)

    p = _parser(subparsers, "export", "write a batch's corrected rows to an .xlsx or .csv file")
    p.add_argument("batch", type=int, metavar="BATCH")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--format", choices=("csv", "xlsx"), help="default: from the file name")
    p.set_defaults(func=run_export)

    p = _parser(
        subparsers, "submit", "queue a batch's valid rows for the portal; invalid rows stay in quarantine"
    )
    p.add_argument("batch", type=int, metavar="BATCH")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_submit)

    p = _parser(subparsers, "outbox", "records queued for (or sent to) the portal")
    p.add_argument("--state", choices=STATES, type=str.upper)
    p.add_argument("--batch", type=int, metavar="BATCH")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_outbox)

    p = _parser(
        subparsers, "quarantine", "rows held back: invalid, or rejected by the portal, with the reasons"
    )
    p.add_argument("--batch", type=int, metavar="BATCH")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_quarantine)

    p = _parser(subparsers, "retry", "re-queue a rejected (remediated) or waiting outbox entry")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?", type=int, metavar="ID", help="outbox entry id")
    target.add_argument(
        "--all-rejected", action="store_true", help="every rejected entry whose row was fixed"
    )
    p.set_defaults(func=run_retry)


def open_workspace() -> Any:
    """The workspace. It validates imports and edits against its own validation context: the reference data
    ``labsync pull`` stored in it (AWARD_UNKNOWN / LOCATION_UNKNOWN offline), the portal's policy pack when
    newer than the bundled one, and the settings' ``policy_file`` / ``policy_overrides``."""
    from app.workspace import Workspace

    return Workspace.open()


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of: not a date (YYYY-MM-DD): {text!r}") from None


class _Progress:
    """A one-line progress display on stderr when it is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, rows: int, done: int, total: int) -> None:
        if not self.enabled:
            return
        pct = f" {100 * done // total:3d}%" if total else ""
        print(f"\rimporting:{pct} {rows:,} rows", end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    mapping: Any = Path(args.mapping) if args.mapping else None
    progress = _Progress()
    with open_workspace() as ws:
        try:
            batch = ws.import_file(
                path,
                record_type=args.record_type,
                sheet=args.sheet,
                mapping=mapping,
                as_of=_date(args.as_of),
                progress=progress,
                label=args.label,
                policy=args.policy,  # merged over the settings' policy layers
            )
        finally:
            progress.finish()
    print(
        f"imported {batch.source_name} ({batch.record_type}, {batch.classification}): {batch.row_count} "
        "rows, "
        f"{batch.valid_count} valid, {batch.invalid_count} with errors, {batch.warning_rows} with warnings "
        "only"
    )
    for issue in batch.file_issues:
        print(f"file issue {issue.code}: {issue.message}")
    print(batch.id)
    return 0


def run_batches(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        batches = ws.batches()
    if args.format == "json":
        print(json.dumps([b.to_json() for b in batches], indent=2))
        return 0
    if not batches:
        print("no batches")
        return 0
    print(
        f"{'ID':>5}  {'CREATED (UTC)':19}  {'TYPE':18}  {'ROWS':>8}  {'INVALID':>8}  {'SUBMITTED':9}  SOURCE"
    )
    for b in batches:
        print(
            f"{b.id:>5}  {b.created_at[:19].replace('T', ' '):19}  {b.record_type:18}  {b.row_count:>8}  "
            f"{b.invalid_count:>8}  {'yes' if b.submitted_at else 'no':9}  {b.source_name}"
        )
    return 0


def _pages(ws: Any, ids: list[int]) -> Iterator[Any]:
    for start in range(0, len(ids), PAGE):
        yield from ws.rows_by_id(ids[start : start + PAGE])


def _print_row(row: Any, fields: list[str]) -> None:
    state = f"  [{row.outbox_state.value}]" if row.outbox_state is not None else ""
    values = "; ".join(f"{f}={row.raw[f]!r}" for f in fields if f in row.raw)
    print(f"row {row.row_no} (id {row.id}){state}: {values}")
    for v in [*row.violations, *row.portal_violations]:
        where = f" {v.field}" if v.field else ""
        print(f"    {v.severity.value:7} {v.code}{where}: {v.message}")


def run_show(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        batch = ws.batch(args.batch)
        ids = ws.row_ids(batch.id, only_invalid=args.invalid, search=args.search)
        if args.limit is not None:
            ids = ids[: args.limit]
        if args.format == "json":
            out = {
                "batch": batch.to_json(),
                "violation_counts": ws.violation_counts(batch.id),
                "rows": [r.to_json() for r in _pages(ws, ids)],
            }
            print(json.dumps(out, indent=2, ensure_ascii=False))
            return 0
        print(
            f"batch {batch.id}: {batch.source_name} ({batch.record_type}), {batch.row_count} rows, "
            f"{batch.invalid_count} with errors; policy {batch.policy_version}, as of {batch.as_of}"
        )
        counts = ws.violation_counts(batch.id)
        if counts:
            print("violations: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))
        for issue in batch.file_issues:
            print(f"file issue {issue.code}: {issue.message}")
        fields = batch.fields
        for row in _pages(ws, ids):
            _print_row(row, fields)
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        count = ws.export(args.batch, Path(args.output), fmt=args.format)
    print(f"exported {count} rows of batch {args.batch} to {args.output}")
    return 0


def run_submit(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        summary = ws.submit(args.batch)
    if args.format == "json":
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print(
            f"batch {summary.batch_id}: {summary.queued} queued, {summary.unchanged} unchanged (already "
            "queued), "
            f"{summary.quarantined} in quarantine, {summary.superseded} older entries superseded"
        )
    return 1 if summary.quarantined else 0


def run_outbox(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        entries = ws.outbox(args.state, batch_id=args.batch, limit=args.limit)
        counts = ws.outbox_counts()
    if args.format == "json":
        print(
            json.dumps(
                {
                    "counts": {k.value: v for k, v in counts.items()},
                    "entries": [e.to_json() for e in entries],
                },
                indent=2,
            )
        )
        return 0
    print("outbox: " + ", ".join(f"{k.value} {v}" for k, v in counts.items()))
    for e in entries:
        when = f" next {e.next_attempt_at.isoformat()}" if e.next_attempt_at else ""
        err = f" ({e.last_error})" if e.last_error else ""
        print(
            f"{e.id:>7}  {e.state.value:10}  batch {e.batch_id} row-id {e.row_id}  {e.classification:15}  "
            f"key {e.idempotency_key[:16]}  attempts {e.attempts}{when}{err}"
        )
    return 0


def run_quarantine(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        ids = ws.quarantine_ids(args.batch)
        shown = ids if args.limit is None else ids[: args.limit]
        if args.format == "json":
            print(
                json.dumps(
                    {"count": len(ids), "rows": [r.to_json() for r in _pages(ws, shown)]},
                    indent=2,
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{len(ids)} rows in quarantine")
            fields_of: dict[int, list[str]] = {}
            for row in _pages(ws, shown):
                fields = fields_of.setdefault(row.batch_id, ws.fields(row.batch_id))
                print(f"batch {row.batch_id} ", end="")
                _print_row(row, fields)
    return 1 if ids else 0


def run_retry(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        if args.all_rejected:
            counts = ws.retry_all_rejected()
            print(
                f"{counts['requeued']} requeued, {counts['unchanged']} unchanged since rejection, "
                f"{counts['invalid']} still invalid"
            )
            return 1 if counts["unchanged"] or counts["invalid"] else 0
        entry = ws.retry(args.id)
    print(f"outbox entry {entry.id} is {entry.state.value} (key {entry.idempotency_key[:16]})")
    return 0
