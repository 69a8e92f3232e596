"""``labsync workspace info|rekey|backup|restore``: the encrypted workspace itself.

``workspace info --format json`` is a contract: ``{"path", "schema_version", "schema_latest", "journal_mode",
"cipher": {...}, "sizes": {...}, "counts": {...}, "outbox": {...}, "created_at"}``. It never shows a key.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from app.cli.main import add_global_options
from app.errors import UserError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "workspace",
        help="the encrypted workspace: info, rekey, backup, restore",
        description="Inspect and maintain the encrypted workspace (one SQLCipher database per profile).",
    )
    add_global_options(parser, suppress_default=True)
    actions = parser.add_subparsers(dest="workspace_action", metavar="ACTION", required=True)

    info = actions.add_parser(
        "info", help="path, schema version, cipher settings, sizes, counts (no secrets)"
    )
    add_global_options(info, suppress_default=True)
    info.add_argument("--format", choices=("text", "json"), default="text")
    info.set_defaults(func=run_info)

    rekey = actions.add_parser(
        "rekey",
        help="re-encrypt with a new key; the old one stops working",
        description="Re-encrypt the workspace. The new passphrase comes from LABSYNC_NEW_PASSPHRASE or a "
        "prompt; with --keyring (or when the workspace uses the OS keyring) a new random key is stored there "
        "instead.",
    )
    add_global_options(rekey, suppress_default=True)
    rekey.add_argument("--keyring", action="store_true", help="use a new random key kept in the OS keyring")
    rekey.add_argument(
        "--passphrase",
        action="store_true",
        help="switch to a passphrase (prompted or from LABSYNC_NEW_PASSPHRASE)",
    )
    rekey.set_defaults(func=run_rekey)

    backup = actions.add_parser("backup", help="write an encrypted, verified checkpoint to FILE")
    add_global_options(backup, suppress_default=True)
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(func=run_backup)

    restore = actions.add_parser("restore", help="replace the workspace with a checked backup FILE")
    add_global_options(restore, suppress_default=True)
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(func=run_restore)


def open_workspace() -> Any:
    from app.workspace import Workspace

    return Workspace.open()


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def run_info(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        info = ws.info()
    if args.format == "json":
        print(json.dumps(info, indent=2, sort_keys=True))
        return 0
    print(f"path:                  {info['path']}")
    print(f"schema version:        {info['schema_version']} (latest {info['schema_latest']})")
    print(f"journal mode:          {info['journal_mode']}")
    for key, value in info["cipher"].items():
        print(f"{key + ':':<23}{value}")
    for name, size in info["sizes"].items():
        print(f"{name + ':':<23}{_human(size)}")
    print("counts:                " + ", ".join(f"{k} {v}" for k, v in info["counts"].items()))
    print("outbox:                " + ", ".join(f"{k} {v}" for k, v in info["outbox"].items()))
    return 0


def run_rekey(args: argparse.Namespace) -> int:
    from app.workspace.keys import NEW_PASSPHRASE_ENV, SOURCE_PASSPHRASE, is_interactive, prompt_passphrase

    if args.keyring and args.passphrase:
        raise UserError("choose --keyring or --passphrase, not both")
    with open_workspace() as ws:
        current = ws.info()["cipher"].get("key_source")
        new_passphrase: str | None = None
        if not args.keyring:
            new_passphrase = os.environ.get(NEW_PASSPHRASE_ENV) or None
            if new_passphrase is None and (args.passphrase or current == SOURCE_PASSPHRASE):
                if not is_interactive():
                    raise UserError(
                        f"set {NEW_PASSPHRASE_ENV} or run interactively to choose the new passphrase"
                    )
                new_passphrase = prompt_passphrase(confirm=True, what="new workspace passphrase")
        source = ws.rekey(new_passphrase)
    if source == SOURCE_PASSPHRASE:
        print("workspace re-encrypted: unlock it with the new passphrase from now on")
    else:
        print("workspace re-encrypted with a new random key kept in the OS keyring")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    with open_workspace() as ws:
        report = ws.backup(args.file)
    print(
        f"backup written and verified: {report['path']} (schema {report['schema_version']}, "
        f"{report['audit_entries']} audit entries, {report['counts']['rows']} rows)"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.workspace import Workspace

    with Workspace.restore(args.file) as ws:
        result = ws.audit.verify()
        info = ws.info()
    print(f"workspace restored from {args.file}: {result.describe()}; {info['counts']['rows']} rows")
    return 0
