"""Entry point of the ``labsync`` command: global options, command dispatch, and the error boundary.

``labsync`` alone starts the desktop app on the user's workspace; ``labsync --demo`` starts it on a throwaway
workspace with the bundled samples and a reference portal on loopback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from app import __version__
from app.cli.commands import COMMAND_MODULES
from app.errors import EXIT_USAGE, LabSyncError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labsync",
        description="Validate, fix and sync lab compliance spreadsheets. Without a command, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"labsync {__version__}")
    add_global_options(parser)
    parser.add_argument("--demo", action="store_true", help="start the app on a throwaway demo workspace")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"app.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.cli.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def add_global_options(parser: argparse.ArgumentParser, *, suppress_default: bool = False) -> None:
    """Options taken before or after the command: ``labsync --home D validate`` == ``validate --home D``."""
    default = argparse.SUPPRESS if suppress_default else None
    parser.add_argument("--home", metavar="DIR", default=default, help="keep all LabSync files under DIR")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress_default else False,
        help="verbose logging",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "home", None):
        os.environ["LABSYNC_HOME"] = str(args.home)
    _setup_logging(debug=bool(getattr(args, "debug", False)))
    try:
        if getattr(args, "func", None) is None:
            return _start_gui(demo=bool(args.demo))
        return int(args.func(args))
    except LabSyncError as exc:
        print(f"labsync: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("labsync: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: a report, not a traceback
        return _report_crash(exc)


def _setup_logging(*, debug: bool) -> None:
    try:
        from app.config.logs import setup_logging
    except ImportError:
        logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)
        return
    setup_logging(debug=debug)


def _start_gui(*, demo: bool) -> int:
    from app.gui.launch import run_gui

    return run_gui(demo=demo)


def _report_crash(exc: BaseException) -> int:
    try:
        from app.config.crash import write_crash_report

        report = write_crash_report(exc)
        print(
            f"labsync: internal error: {type(exc).__name__}. A crash report was written to {report}",
            file=sys.stderr,
        )
    except Exception:
        log.exception("crash while reporting a crash")
        print(f"labsync: internal error: {type(exc).__name__}", file=sys.stderr)
    return EXIT_USAGE if isinstance(exc, OSError) else 70


if __name__ == "__main__":
    sys.exit(main())
