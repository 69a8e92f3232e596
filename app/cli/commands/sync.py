"""``labsync login|logout|sync|pull|reconcile``: the portal side of LabSync.

- ``labsync login [--device]``: sign in through the system browser (authorization code + PKCE, loopback
  redirect) or with a device code; with a client secret configured, checks the client credentials instead.
- ``labsync logout``: revoke and forget the stored tokens.
- ``labsync sync [--once|--watch]``: drain the outbox. ``--once`` exits 0 when nothing is left PENDING,
  SENDING or RETRY_WAIT; 1 when records remain queued (portal unreachable, circuit open); 2 on configuration
  or authentication errors, with a one-line reason.
- ``labsync pull``: reference data and the policy pack into the workspace.
- ``labsync reconcile``: compare ACKED records with the portal's payload hashes; exit 1 on any mismatch.

``--format json`` outputs are contracts (keys stay stable).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from app.cli.main import add_global_options
from app.errors import EXIT_OK, EXIT_USAGE, EXIT_VIOLATIONS, UserError


def register(subparsers: Any) -> None:
    login = subparsers.add_parser("login", help="sign in to the portal (browser, or --device)")
    add_global_options(login, suppress_default=True)
    login.add_argument(
        "--device", action="store_true", help="sign in with a code on another device (RFC 8628)"
    )
    login.add_argument(
        "--no-browser", action="store_true", help="print the sign-in URL instead of opening it"
    )
    login.set_defaults(func=run_login)

    logout = subparsers.add_parser("logout", help="revoke and forget the portal tokens")
    add_global_options(logout, suppress_default=True)
    logout.set_defaults(func=run_logout)

    sync = subparsers.add_parser(
        "sync",
        help="send the outbox to the portal",
        description="Send queued records to the portal. Exit 0: nothing left queued; "
        "1: records remain queued (portal unreachable, circuit open); "
        "2: configuration or authentication error.",
    )
    add_global_options(sync, suppress_default=True)
    mode = sync.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", default=True, help="one pass, then exit (default)")
    mode.add_argument("--watch", action="store_true", help="keep syncing until interrupted")
    sync.add_argument("--batch-size", type=int, metavar="N", help="records per request (1-500)")
    sync.add_argument("--format", choices=("text", "json"), default="text")
    sync.add_argument("--quiet", action="store_true", help="no progress display")
    sync.set_defaults(func=run_sync)

    pull = subparsers.add_parser("pull", help="fetch reference data and the policy pack from the portal")
    add_global_options(pull, suppress_default=True)
    pull.add_argument("--format", choices=("text", "json"), default="text")
    pull.set_defaults(func=run_pull)

    reconcile = subparsers.add_parser(
        "reconcile", help="compare acknowledged records with the portal's copies (changes nothing)"
    )
    add_global_options(reconcile, suppress_default=True)
    reconcile.add_argument("--format", choices=("text", "json"), default="text")
    reconcile.set_defaults(func=run_reconcile)


# --------------------------------------------------------------------------------------------- plumbing


def _settings(args: argparse.Namespace) -> Any:
    from app.sync.client import check_configured
    from app.sync.settings import load_sync_settings

    overrides: dict[str, Any] = {}
    if getattr(args, "batch_size", None) is not None:
        if not 1 <= args.batch_size <= 500:
            raise UserError("--batch-size must be between 1 and 500")
        overrides["batch_size"] = args.batch_size
    settings = load_sync_settings(overrides)
    check_configured(settings)
    return settings


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    from app.sync.client import SyncClient

    settings = _settings(args)  # configuration errors first (exit 2), before the workspace is unlocked
    from app.workspace import Workspace  # type: ignore[attr-defined,unused-ignore]

    with Workspace.open() as workspace:
        client = SyncClient(workspace, settings)
        setter = getattr(workspace, "set_portal_identity", None)
        if callable(setter):
            setter(settings.client_id)
        try:
            yield client
        finally:
            client.close()


class _Progress:
    """A one-line progress display on stderr (only when it is a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0 or done == self.last:
            return
        self.last = done
        width = 30
        filled = int(width * done / total)
        print(f"\rsync [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    def finish(self) -> None:
        if self.enabled and self.last >= 0:
            print(file=sys.stderr)
            self.last = -1


def _print_report(report: Any, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(report.to_json(), sort_keys=True))
        return
    print(
        f"sent {report.acked + report.rejected} records: {report.accepted} accepted, "
        f"{report.duplicates} already on the portal, {report.rejected} rejected; "
        f"{report.remaining} still queued ({report.requests} requests, {report.retries} retries)"
    )


# --------------------------------------------------------------------------------------------- commands


def run_sync(args: argparse.Namespace) -> int:
    progress = _Progress(enabled=not args.quiet and args.format == "text")
    with _client(args) as client:
        if args.watch:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())

            last: list[tuple[int, str | None]] = []

            def show(report: Any) -> None:
                progress.finish()
                state = (report.remaining, report.reason)
                if not report.requests and last and last[-1] == state:
                    return  # an idle round: nothing new to say
                last[:] = [state]
                _print_report(report, args.format)
                if report.remaining and report.reason:
                    print(f"labsync: {report.reason}; retrying by itself", file=sys.stderr)
                sys.stdout.flush()

            try:
                client.watch(stop=stop, progress=progress, on_report=show)
            except KeyboardInterrupt:
                stop.set()
            return EXIT_OK
        report = client.sync_once(progress)
        progress.finish()
        _print_report(report, args.format)
        if report.remaining:
            print(f"labsync: {report.remaining} records remain queued: {report.reason}", file=sys.stderr)
            return EXIT_VIOLATIONS
        return EXIT_OK


def run_pull(args: argparse.Namespace) -> int:
    with _client(args) as client:
        report = client.pull()
    if args.format == "json":
        print(json.dumps(report.to_json(), sort_keys=True))
        return EXIT_OK
    for kind, r in report.kinds.items():
        state = "changed" if r.changed else "unchanged"
        print(f"{kind}: {r.items} ({state}; {r.pages} pages, {r.not_modified} not modified)")
    print(f"policy: {report.policy_version or '-'} ({report.policy_note})")
    return EXIT_OK


def run_reconcile(args: argparse.Namespace) -> int:
    with _client(args) as client:
        report = client.reconcile()
    if args.format == "json":
        print(json.dumps(report.to_json(), sort_keys=True))
    else:
        print(
            f"{report.matched} of {report.acked_local} acknowledged records match the portal; "
            f"{len(report.mismatches)} mismatches; "
            f"{report.portal_only} portal records not from this workspace"
        )
        for m in report.mismatches:
            print(f"  {m.kind}: outbox {m.outbox_id} key {m.idempotency_key} ({m.local_state})")
    return EXIT_OK if report.ok else EXIT_VIOLATIONS


def _token_manager(settings: Any) -> tuple[Any, Any]:
    from app.sync.auth import BearerAuth
    from app.sync.client import token_manager_for

    _http, tokens, _has_secret = token_manager_for(settings)
    return tokens, BearerAuth(tokens)


def run_login(args: argparse.Namespace) -> int:
    import webbrowser

    from app.sync.auth import DevicePrompt, KeyringTokenStore, login_browser, login_device
    from app.sync.errors import AuthError

    settings = _settings(args)
    tokens, auth = _token_manager(settings)
    if not isinstance(tokens.store, KeyringTokenStore) and not tokens._client_secret:
        raise AuthError(
            "no OS keyring is available to keep the sign-in; automation should use LABSYNC_CLIENT_ID and "
            "LABSYNC_CLIENT_SECRET (client credentials)"
        )
    if tokens._client_secret and not args.device:
        tokens.client_credentials()
    elif args.device:

        def show(prompt: DevicePrompt) -> None:
            where = prompt.verification_uri_complete or prompt.verification_uri
            print(f"To sign in, open {where} and enter the code {prompt.user_code}", file=sys.stderr)

        login_device(tokens, show=show)
    else:

        def open_browser(url: str) -> None:
            if args.no_browser or not webbrowser.open(url):
                print(f"Open this address in your browser to sign in:\n{url}", file=sys.stderr)

        login_browser(tokens, open_browser=open_browser)
    response = tokens._http.get("/v1/whoami", auth=auth)
    who = response.json().get("subject") if response.status_code == 200 else settings.client_id
    print(f"signed in to {settings.portal_url} as {who}")
    return EXIT_OK


def run_logout(args: argparse.Namespace) -> int:
    settings = _settings(args)
    tokens, _ = _token_manager(settings)
    tokens.logout()
    print("signed out; the portal tokens were revoked and removed from the keyring")
    return EXIT_OK


__all__ = ["EXIT_USAGE", "register"]
