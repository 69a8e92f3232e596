"""Root test configuration: Qt offscreen, and every test gets its own LabSync home and passphrase."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
if os.environ.get("LABSYNC_CORPORA"):
    CORPORA = Path(os.environ["LABSYNC_CORPORA"])


@pytest.fixture(autouse=True)
def labsync_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated LABSYNC_HOME and a test passphrase: no test touches the user's real files or keyring."""
    home = tmp_path_factory.mktemp("labsync-home")
    monkeypatch.setenv("LABSYNC_HOME", str(home))
    monkeypatch.setenv("LABSYNC_PASSPHRASE", "test passphrase, not a secret")
    monkeypatch.setenv("LABSYNC_SITE_CONFIG_DIR", str(home / "site"))
    for name in ("LABSYNC_PORTAL_URL", "LABSYNC_CLIENT_ID", "LABSYNC_CLIENT_SECRET", "LABSYNC_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def corpora() -> Path:
    """The shared public test corpora; tests that need them skip (with the reason) when absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA} (set LABSYNC_CORPORA)")
    return CORPORA
