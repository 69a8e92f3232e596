"""Background sync: a timer runs ``SyncClient.sync_once`` on the workspace thread and reports a status.

The client writes to the workspace (begin_send / record_results), so it lives on the DB thread with the writer
connection. The status bar shows online / offline / syncing and the pending count; rejections and a stopped
sync
(circuit open, sign-in needed) raise a desktop notification.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from app.gui.jobs import JobContext, JobHandle
from app.gui.service import WorkspaceService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    state: str  # online | offline | syncing | not_configured | signed_out | paused
    detail: str = ""


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatus
    synced = Signal(object)  # SyncReport
    notify = Signal(str, str)  # title, message
    progress = Signal(int, int)

    def __init__(
        self, service: WorkspaceService, settings_loader: Callable[[], Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._settings_loader = settings_loader
        self._client: Any = None  # lives on the DB thread
        self._client_key: tuple[Any, ...] | None = None
        self._stop = threading.Event()
        self._job: JobHandle | None = None
        self._again = False
        self.status = SyncStatus("idle")
        self.identity: str | None = None  # the configured client, or the portal identity once confirmed
        self.portal_identity: str | None = None  # the subject the portal confirmed (sign-in, whoami)
        self._asked_identity = False
        self.last_report: Any = None
        self._was_stopped = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        self.reload_settings()

    # -- configuration ------------------------------------------------------------------------------------
    def _sync_settings(self) -> Any:
        from app.sync.settings import load_sync_settings

        return load_sync_settings()

    def reload_settings(self) -> None:
        self._client_key = None
        self._asked_identity = False  # the identity belongs to a configuration: ask again after a change
        self.portal_identity = None
        try:
            settings = self._sync_settings()
        except Exception as exc:
            self._set(SyncStatus("not_configured", str(exc)))
            return
        if not settings.portal_url or not settings.client_id:
            self._set(
                SyncStatus(
                    "not_configured",
                    QCoreApplication.translate("SyncController", "Set the portal URL in Settings."),
                )
            )
            self.timer.stop()
            return
        self.identity = settings.client_id
        interval = max(15.0, float(settings.watch_interval))
        auto = True
        try:
            app_settings = self._settings_loader()
            if app_settings is not None:
                auto = bool(getattr(app_settings, "auto_sync", True))
        except Exception:
            log.debug("settings not loaded", exc_info=True)
        if auto:
            self.timer.start(int(interval * 1000))
        if self.status.state == "not_configured":
            self._set(SyncStatus("idle", QCoreApplication.translate("SyncController", "Not synced yet")))

    @property
    def configured(self) -> bool:
        return self.status.state != "not_configured"

    # -- running -------------------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if not self.configured:
            return
        if self._job is not None and self._job.running:
            self._again = True
            return
        self._stop.clear()
        self._set(SyncStatus("syncing"))
        stop = self._stop

        def job(ws: Any, ctx: JobContext) -> Any:
            client = self._client_for(ws)
            return client.sync_once(lambda done, total: ctx.report((done, total)), stop=stop)

        self._job = self.service.write("sync", job, self._done, self._failed, self._progress)

    def _client_for(self, ws: Any) -> Any:
        """Create (or reuse) the client; runs on the DB thread only."""
        from app.sync.client import SyncClient

        settings = self._sync_settings()
        key = (settings.portal_url, settings.client_id, str(settings.ca_bundle), settings.batch_size)
        if self._client is None or self._client_key != key:
            if self._client is not None:
                self._client.close()
            self._client = SyncClient(ws, settings)
            self._client_key = key
        return self._client

    def _progress(self, value: Any) -> None:
        done, total = value
        self.progress.emit(int(done), int(total))
        self._set(
            SyncStatus(
                "syncing", QCoreApplication.translate("SyncController", "{0} of {1} sent").format(done, total)
            )
        )

    def _done(self, report: Any) -> None:
        self.last_report = report
        if getattr(report, "circuit_open", False):
            self._set(SyncStatus("paused", report.reason or ""))
            if not self._was_stopped:
                self.notify.emit(
                    QCoreApplication.translate("SyncController", "Sync stopped"),
                    QCoreApplication.translate(
                        "SyncController", "The portal keeps failing; LabSync will try again by itself. {0}"
                    ).format(report.reason or ""),
                )
            self._was_stopped = True
        elif getattr(report, "remaining", 0) and getattr(report, "reason", None):
            self._set(SyncStatus("offline", report.reason))
        else:
            self._set(
                SyncStatus(
                    "online",
                    QCoreApplication.translate("SyncController", "Everything is sent")
                    if not report.remaining
                    else "",
                )
            )
            self._was_stopped = False
        if getattr(report, "rejected", 0):
            self.notify.emit(
                QCoreApplication.translate("SyncController", "The portal rejected records"),
                QCoreApplication.translate(
                    "SyncController",
                    "{0} records were refused; they are back in Quarantine with the portal's reasons.",
                ).format(report.rejected),
            )
        self.synced.emit(report)
        if self.portal_identity is None and not self._asked_identity:
            # once per configuration: who the portal says we are (the settings and the attestation form show
            # it; the audit log records it with later entries)
            self._asked_identity = True
            self.confirm_identity(lambda _who: None)
        self.service.outbox_changed.emit()
        self.service.audit_changed.emit()
        self._maybe_again()

    def _failed(self, exc: BaseException) -> None:
        from app.errors import ConfigError
        from app.sync.errors import AuthError

        if isinstance(exc, AuthError):
            self._set(SyncStatus("signed_out", str(exc)))
            self.notify.emit(
                QCoreApplication.translate("SyncController", "Sign-in needed"),
                QCoreApplication.translate("SyncController", "Sync stopped: {0}").format(exc),
            )
        elif isinstance(exc, ConfigError):
            self._set(SyncStatus("not_configured", str(exc)))
        else:
            log.warning("sync failed: %s", exc, exc_info=exc)
            self._set(SyncStatus("offline", str(exc)))
        self._maybe_again()

    def _maybe_again(self) -> None:
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.sync_now)

    def _set(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    # -- account ---------------------------------------------------------------------------------------------
    def sign_in(self) -> None:
        """Client credentials when a secret is configured (IT automation, the demo), else the browser
        (authorization code + PKCE with a loopback redirect). Runs on the general pool: it waits for the
        browser without holding up the workspace thread."""
        self.reload_settings()
        if not self.configured:
            return

        def job(_ctx: JobContext) -> str | None:
            import webbrowser

            from app.sync.auth import BearerAuth, login_browser
            from app.sync.client import token_manager_for

            settings = self._sync_settings()
            http, tokens, has_secret = token_manager_for(settings)
            try:
                if has_secret:
                    tokens.client_credentials()
                else:
                    login_browser(tokens, open_browser=webbrowser.open)
                response = http.get("/v1/whoami", auth=BearerAuth(tokens))
                who = response.json().get("subject") if response.status_code == 200 else None
                return str(who or tokens.client_id)
            finally:
                http.close()

        def done(who: str | None) -> None:
            self.identity = who
            self.portal_identity = who
            self._client_key = None  # the next sync builds its client with the new tokens

            def tell(ws: Any, _ctx: JobContext) -> None:
                ws.set_portal_identity(who)  # recorded with the actor of later audit entries

            self.service.write("identity", tell)
            self._set(
                SyncStatus(
                    "idle", QCoreApplication.translate("SyncController", "Signed in as {0}").format(who)
                )
            )
            self.sync_now()

        self.service.runner.run("sign in", job, done, self._failed)

    def sign_out(self) -> None:
        def job(ws: Any, _ctx: JobContext) -> None:
            client = self._client_for(ws)
            client.tokens.logout()

        self.service.write(
            "sign out",
            job,
            lambda _r: self._set(
                SyncStatus("signed_out", QCoreApplication.translate("SyncController", "Signed out"))
            ),
        )
        self.identity = None
        self.portal_identity = None

    def confirm_identity(self, on_done: Callable[[str | None], None]) -> None:
        """Ask the portal who we are (``GET /v1/whoami`` with the stored tokens); ``on_done(subject)``, or
        ``on_done(None)`` when the portal cannot be reached or the tokens are not valid (offline)."""
        if not self.configured:
            on_done(None)
            return

        def job(ws: Any, _ctx: JobContext) -> str | None:
            from app.sync import wire

            response = self._client_for(ws).get_json(wire.WHOAMI_PATH)
            data = response.json() if response.status_code == 200 else {}
            who = data.get("subject") if isinstance(data, dict) else None
            if who:
                ws.set_portal_identity(str(who))
            return str(who) if who else None

        def done(who: str | None) -> None:
            if who:
                self.portal_identity = who
            on_done(who)

        def failed(exc: BaseException) -> None:
            log.info("portal identity not confirmed: %s", exc)
            on_done(None)

        self.service.write("who am i", job, done, failed)

    def stop(self) -> None:
        self.timer.stop()
        self._stop.set()

        def close(_ws: Any, _ctx: JobContext) -> None:
            if self._client is not None:
                self._client.close()
                self._client = None

        self.service.write("close sync", close)
