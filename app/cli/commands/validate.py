"""``labsync validate FILE``: check a spreadsheet against the data dictionary and policy, row by row.

``--format json`` is the automation contract (keep the keys stable)::

    {"file", "record_type", "sheet", "rows", "valid_rows", "invalid_rows",
     "file_issues": [violation...], "violations": [violation...]}

where a violation is ``{"row", "field", "code", "severity", "message", "hint", "value", "citation"}`` and
``row`` is
the row number shown by Excel (for delimited text: the record number, header record = 1). Exit codes: 0 no
error-severity violation, 1 at least one, 2 unreadable input or usage error. Violations are streamed to a
temporary
file while the rows are checked, so memory stays flat however many there are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from app.cli.main import add_global_options
from app.errors import EXIT_OK, EXIT_VIOLATIONS, UserError

TEXT_LIMIT_DEFAULT = 200


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a spreadsheet (CSV/TSV/TXT/XLSX) row by row against the data dictionary and policy",
        description="Check a spreadsheet against LabSync's data dictionary and compliance policy. "
        "Exit status: "
        "0 no errors, 1 errors found, 2 unreadable file or usage error.",
    )
    add_global_options(parser, suppress_default=True)
    parser.add_argument("file", metavar="FILE", help="the spreadsheet to check")
    parser.add_argument(
        "--type",
        dest="record_type",
        metavar="TYPE",
        help="record type: chemical_inventory, equipment, waste_manifest, cost_share, attestation "
        "(default: told from the headers)",
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="worksheet to read (default: the first visible sheet whose header maps the required fields)",
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        metavar="YYYY-MM-DD",
        help="date the sheet is certified as of (default: today)",
    )
    parser.add_argument("--mapping", metavar="FILE", help="JSON or TOML file mapping source header -> field")
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="policy file merged over the policy in force (bundled or pulled pack, then the settings' "
        "policy_file and policy_overrides)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--limit",
        type=int,
        default=TEXT_LIMIT_DEFAULT,
        metavar="N",
        help=f"text format: list at most N violations (default {TEXT_LIMIT_DEFAULT}; 0 = all)",
    )
    parser.set_defaults(func=run)


def _parse_as_of(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of: {text!r} is not a date in the form YYYY-MM-DD") from None


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, rows: int, done: int, total: int) -> None:
        if time.monotonic() - self.start < 0.5:  # small files finish before a bar is worth drawing
            return
        width = 30
        fraction = min(1.0, done / total) if total else 0.0
        bar = "#" * int(fraction * width)
        rate = rows / max(1e-6, time.monotonic() - self.start)
        self.stream.write(f"\r[{bar:<{width}}] {fraction:4.0%} {rows:,} rows ({rate:,.0f}/s)")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")  # erase the bar's line (stderr is a terminal)
            self.stream.flush()


def _policy(policy_file: str | None) -> Any:
    """The policy in force (``app.validation.policy.policy_for``): the bundled or newer pulled portal pack,
    the settings' ``policy_file`` and ``policy_overrides``, then ``--policy FILE`` on top."""
    from app.config.settings import load_settings
    from app.validation.policy import policy_for

    pulled = pulled_policy_path()
    return policy_for(
        load_settings(),
        pulled if pulled.is_file() else None,
        extra_file=Path(policy_file) if policy_file else None,
    )


def pulled_policy_path() -> Path:
    """Where ``labsync pull`` installs the portal's policy pack: the same path as
    ``app.workspace.validation_context.pulled_policy_path`` (a test keeps them equal), computed here so that
    ``labsync validate`` does not import the workspace package (and SQLCipher) to find one file."""
    from app.paths import current_paths

    return current_paths().data_dir / "policy" / "portal-policy.toml"


def run(args: argparse.Namespace) -> int:
    from app.validation.engine import open_validation

    path = Path(args.file)
    as_of = _parse_as_of(args.as_of)
    policy = _policy(args.policy)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    mapping = Path(args.mapping) if args.mapping else None
    out = sys.stdout
    try:
        with open_validation(
            path,
            record_type=args.record_type,
            sheet=args.sheet,
            mapping=mapping,
            as_of=as_of,
            policy=policy,
            progress=progress,
        ) as run_:
            if args.format == "json":
                errors = _write_json(run_, path, out)
            else:
                errors = _write_text(run_, path, out, args.limit, as_of, policy.version, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
    return EXIT_VIOLATIONS if errors else EXIT_OK


def _write_json(run_: Any, path: Path, out: IO[str]) -> bool:
    errors = any(v.is_error for v in run_.file_issues)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        first = True
        write = spool.write
        for violation in run_.violations():
            write(("" if first else ",\n") + "    " + dumps(violation.to_json()))
            first = False
            if violation.is_error:
                errors = True
        head = {
            "file": str(path),
            "record_type": run_.record_type,
            "sheet": run_.sheet,
            "rows": run_.rows_read,
            "valid_rows": run_.valid_rows,
            "invalid_rows": run_.invalid_rows,
            "file_issues": [v.to_json() for v in run_.file_issues],
        }
        text = json.dumps(head, ensure_ascii=False, indent=2)
        out.write(text[:-2] + ',\n  "violations": [')
        spool.seek(0)
        if not first:
            out.write("\n")
            shutil.copyfileobj(spool, out, 1 << 20)
            out.write("\n  ")
        out.write("]\n}\n")
    out.flush()
    return errors


def _clip(text: str | None, width: int) -> str:
    text = "" if text is None else " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _write_text(
    run_: Any,
    path: Path,
    out: IO[str],
    limit: int,
    as_of: dt.date,
    policy_version: str,
    *,
    progress: _Progress | None = None,
) -> bool:
    from app.validation.rules import RULES

    final = out
    buffer: io.StringIO | None = None
    if progress is not None and limit:
        # keep the (at most `limit`) table lines until the progress bar is gone, so they do not interleave
        buffer = io.StringIO()
        out = buffer
    counts: Counter[str] = Counter()
    errors = any(v.is_error for v in run_.file_issues)
    shown = 0
    header_done = False
    for violation in run_.violations():
        counts[violation.code] += 1
        if violation.is_error:
            errors = True
        if limit and shown >= limit:
            continue
        if not header_done:
            out.write(f"{'Row':>7}  {'Field':<20} {'Code':<24} {'Sev':<7} {'Value':<22} Message\n")
            out.write(f"{'-' * 7}  {'-' * 20} {'-' * 24} {'-' * 7} {'-' * 22} {'-' * 40}\n")
            header_done = True
        out.write(
            f"{violation.row if violation.row is not None else '':>7}  "
            f"{_clip(violation.field, 20):<20} {violation.code:<24} {violation.severity.value:<7} "
            f"{_clip(violation.value, 22):<22} {violation.message}\n"
        )
        shown += 1
    if buffer is not None:
        if progress is not None:
            progress.finish()
        final.write(buffer.getvalue())
        out = final
    total = sum(counts.values())
    if limit and total > shown:
        out.write(
            f"... {total - shown:,} more violations not listed (use --limit 0 or --format json for all)\n"
        )
    if header_done:
        out.write("\n")
    out.write(f"File:         {path}\n")
    out.write(f"Record type:  {run_.record_type} ({run_.record.title})\n")
    out.write(f"Sheet:        {run_.sheet} (header on row {run_.header_row})\n")
    out.write(f"As of:        {as_of.isoformat()}   policy {policy_version}\n")
    mapped = ", ".join(f"{src} -> {field}" for src, field in run_.mapping.items())
    out.write(f"Columns:      {mapped}\n")
    unmapped = [h for i, h in enumerate(run_.headers) if h and i not in run_.columns]
    if unmapped:
        out.write(f"Not used:     {', '.join(unmapped)}\n")
    out.write(
        f"Rows:         {run_.rows_read:,} read, {run_.valid_rows:,} valid, {run_.invalid_rows:,} invalid\n"
    )
    for issue in run_.file_issues:
        out.write(f"FILE {issue.code}: {issue.message} {issue.hint}\n")
    if counts:
        out.write("\nViolations by code:\n")
        for code, n in counts.most_common():
            rule = RULES.get(code)
            severity = rule.severity.value if rule else "?"
            title = rule.title if rule else ""
            out.write(f"  {code:<30} {severity:<7} {n:>9,}  {title}\n")
            if rule:
                out.write(f"  {'':<30} fix: {rule.hint}\n")
    status = "FAILED: errors block submission" if errors else "OK: no errors"
    out.write(f"\n{status}\n")
    out.flush()
    return errors
