"""`labsync --demo`: a throwaway workspace, the bundled samples and the reference portal on loopback.

Everything lives in a temporary LABSYNC_HOME with a generated passphrase in the environment, so the demo never
touches the user's real workspace or keyring, and is deleted on exit.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.resources import resource_path

log = logging.getLogger(__name__)

DEMO_ENV = (
    "LABSYNC_HOME",
    "LABSYNC_PASSPHRASE",
    "LABSYNC_PORTAL_URL",
    "LABSYNC_CLIENT_ID",
    "LABSYNC_CLIENT_SECRET",
    "LABSYNC_CA_BUNDLE",
    "LABSYNC_SYNC_INTERVAL",
    "LABSYNC_LAB",
)
DEMO_LAB = "LAB-A"  # the reference portal's demo client may submit for every lab; the demo speaks for one


@dataclass
class DemoContext:
    home: Path
    samples_dir: Path
    portal: Any = None
    saved_env: dict[str, str | None] = field(default_factory=dict)
    keep: bool = False

    def samples(self) -> list[Path]:
        if not self.samples_dir.is_dir():
            return []
        return sorted(
            p for p in self.samples_dir.iterdir() if p.suffix.lower() in {".xlsx", ".csv", ".tsv", ".txt"}
        )

    def first_sample(self) -> Path | None:
        samples = self.samples()
        preferred = [p for p in samples if "chemical" in p.name or "inventory" in p.name]
        found = preferred or samples
        return found[0] if found else None

    def close(self) -> None:
        if self.portal is not None:
            try:
                self.portal.stop()
            except Exception:
                log.exception("stopping the demo portal")
            self.portal = None
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if not self.keep:
            shutil.rmtree(self.home, ignore_errors=True)


def start_demo(*, with_portal: bool = True, home: Path | None = None) -> DemoContext:
    """Point LabSync at a fresh temporary home and start the reference portal (when installed)."""
    root = home or Path(tempfile.mkdtemp(prefix="labsync-demo-"))
    ctx = DemoContext(home=root, samples_dir=resource_path("samples"), keep=home is not None)
    ctx.saved_env = {name: os.environ.get(name) for name in DEMO_ENV}
    os.environ["LABSYNC_HOME"] = str(root)
    passphrase = secrets.token_urlsafe(24)
    os.environ["LABSYNC_PASSPHRASE"] = passphrase
    os.environ["LABSYNC_SYNC_INTERVAL"] = "15"
    _register_secret(passphrase)
    if with_portal:
        try:
            from app.portal.run import start_portal

            portal = start_portal(root / "portal.db", "127.0.0.1", port=0)
        except Exception as exc:  # the portal extra may be missing: the demo still opens, offline
            log.warning("the demo portal could not start: %s", exc)
        else:
            ctx.portal = portal
            os.environ["LABSYNC_PORTAL_URL"] = portal.url
            os.environ["LABSYNC_CLIENT_ID"] = portal.client_id
            os.environ["LABSYNC_CLIENT_SECRET"] = portal.client_secret
            os.environ["LABSYNC_LAB"] = DEMO_LAB
            _register_secret(portal.client_secret)
            if getattr(portal, "ca_bundle", None):
                os.environ["LABSYNC_CA_BUNDLE"] = str(portal.ca_bundle)
            else:
                os.environ.pop("LABSYNC_CA_BUNDLE", None)
    return ctx


def _register_secret(value: str) -> None:
    try:
        from app.config.logs import register_secret

        register_secret(value)
    except ImportError:
        pass
