"""``labsync config paths|show|set|unset``: where files live, and the effective settings with their sources.

``config show --format json`` is a contract (keys stay stable)::

    {"precedence": [...], "settings": {KEY: {"value", "source", "origin", "locked"}},
     "secrets": {NAME: {"set", "source", "variable"}}, "notices": [...],
     "files": {"site": {"path", "exists"}, "user": {"path", "exists"}}}

Secrets are never printed: only whether they are set, and where from. The OS keyring is not queried here
(it may prompt or block); ``labsync login``/``sync`` use it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from app.cli.main import add_global_options
from app.config.settings import (
    SECRET_ENV_VARS,
    Source,
    display_value,
    load_settings,
    parse_override,
    save_user_setting,
    setting_keys,
)
from app.errors import ConfigError
from app.paths import HOME_ENV, current_paths

PRECEDENCE = [source.value for source in Source]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="where LabSync keeps its files; the effective settings and where each came from",
        description="Show LabSync's file locations and settings, or change a user setting. "
        "Precedence: built-in < site file < user file < environment (LABSYNC_*) < command line; "
        "keys the site file locks cannot be changed by users.",
    )
    add_global_options(parser, suppress_default=True)
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)

    paths = actions.add_parser(
        "paths", help="data, config, site config, log and crash directories, workspace"
    )
    add_global_options(paths, suppress_default=True)
    paths.add_argument("--format", choices=("text", "json"), default="text")
    paths.set_defaults(func=run_paths)

    show = actions.add_parser("show", help="effective settings, the source of each, secrets masked")
    add_global_options(show, suppress_default=True)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="preview a command-line override (repeatable)",
    )
    show.set_defaults(func=run_show)

    set_ = actions.add_parser("set", help="set a value in your user configuration file")
    add_global_options(set_, suppress_default=True)
    set_.add_argument("key", choices=setting_keys(), metavar="KEY")
    set_.add_argument("value", metavar="VALUE")
    set_.set_defaults(func=run_set)

    unset = actions.add_parser("unset", help="remove a value from your user configuration file")
    add_global_options(unset, suppress_default=True)
    unset.add_argument("key", choices=setting_keys(), metavar="KEY")
    unset.set_defaults(func=run_unset)


def paths_report() -> dict[str, Any]:
    from app.config.logs import log_file
    from app.resources import resources_dir

    paths = current_paths()
    return {
        "home_override": os.environ.get(HOME_ENV) or None,
        "data_dir": str(paths.data_dir),
        "workspace_db": str(paths.workspace_db),
        "config_dir": str(paths.config_dir),
        "user_config_file": str(paths.user_config_file),
        "site_config_dir": str(paths.site_config_dir),
        "site_config_file": str(paths.site_config_file),
        "log_dir": str(paths.log_dir),
        "log_file": str(log_file()),
        "crash_dir": str(paths.crash_dir),
        "cache_dir": str(paths.cache_dir),
        "resources_dir": str(resources_dir()),
    }


_PATH_LABELS = {
    "data_dir": "data directory",
    "workspace_db": "workspace database",
    "config_dir": "config directory",
    "user_config_file": "user config file",
    "site_config_dir": "site config directory",
    "site_config_file": "site config file",
    "log_dir": "log directory",
    "log_file": "log file",
    "crash_dir": "crash reports",
    "cache_dir": "cache directory",
    "resources_dir": "bundled resources",
}


def run_paths(args: argparse.Namespace) -> int:
    report = paths_report()
    if args.format == "json":
        print(json.dumps(report, indent=2))
        return 0
    if report["home_override"]:
        print(f"(all user files under {HOME_ENV}={report['home_override']})")
    for key, label in _PATH_LABELS.items():
        value = report[key]
        note = ""
        if key in ("user_config_file", "site_config_file", "workspace_db"):
            note = "" if os.path.exists(value) else "  (not present)"
        print(f"{label:<22} {value}{note}")
    return 0


def show_report(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = load_settings(overrides)
    paths = current_paths()
    entries: dict[str, Any] = {}
    for key in setting_keys():
        origin = settings.origin_of(key)
        entries[key] = {
            "value": display_value(key, getattr(settings, key)),
            "source": origin.source.value,
            "origin": origin.detail or None,
            "locked": settings.is_locked(key),
        }
    secrets: dict[str, Any] = {}
    for name, var in SECRET_ENV_VARS.items():
        present = bool(os.environ.get(var))
        secrets[name] = {"set": present, "source": "environment" if present else None, "variable": var}
    return {
        "precedence": PRECEDENCE,
        "settings": entries,
        "secrets": secrets,
        "notices": list(settings.notices),
        "files": {
            "site": {"path": str(paths.site_config_file), "exists": paths.site_config_file.is_file()},
            "user": {"path": str(paths.user_config_file), "exists": paths.user_config_file.is_file()},
        },
    }


def run_show(args: argparse.Namespace) -> int:
    overrides = dict(parse_override(item) for item in args.overrides)
    report = show_report(overrides)
    if args.format == "json":
        print(json.dumps(report, indent=2))
        return 0
    out = sys.stdout
    out.write("Precedence: " + " < ".join(report["precedence"]) + "\n")
    for kind in ("site", "user"):
        info = report["files"][kind]
        out.write(f"{kind} file: {info['path']}{'' if info['exists'] else ' (not present)'}\n")
    out.write("\n")
    for key, entry in report["settings"].items():
        value = entry["value"]
        shown = "(not set)" if value is None or value == {} else _text(value)
        source = entry["source"] + (f" ({entry['origin']})" if entry["origin"] else "")
        if entry["locked"]:
            source += " [locked by site]"
        out.write(f"  {key:<24} {shown:<44} {source}\n")
    out.write("\nSecrets (never read from files, never shown):\n")
    hints = {
        "client_secret": "not in the environment; `labsync login` keeps it in the OS keyring",
        "workspace_passphrase": "not in the environment; the workspace key is in the OS keyring",
    }
    for name, entry in report["secrets"].items():
        state = f"set ({entry['variable']})" if entry["set"] else hints.get(name, "not set")
        out.write(f"  {name:<24} {state}\n")
    if report["notices"]:
        out.write("\nNotices:\n")
        for notice in report["notices"]:
            out.write(f"  - {notice}\n")
    return 0


def run_set(args: argparse.Namespace) -> int:
    value: Any = args.value
    if args.key == "policy_overrides":  # a table: given as JSON on the command line
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"command line: policy_overrides: expected a JSON object ({exc.msg})") from None
    settings = save_user_setting(args.key, value)
    print(
        f"{args.key} = {_text(display_value(args.key, getattr(settings, args.key)))}  "
        f"(in {current_paths().user_config_file}; effective source: {settings.source_of(args.key)})"
    )
    return 0


def run_unset(args: argparse.Namespace) -> int:
    settings = save_user_setting(args.key, None)
    value = display_value(args.key, getattr(settings, args.key))
    print(
        f"{args.key} removed from {current_paths().user_config_file}; now {_text(value)} "
        f"({settings.source_of(args.key)})"
    )
    return 0


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)
