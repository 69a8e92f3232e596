"""The sync settings come from app.config (precedence and site locks); only the client secret is read from the
environment by the sync package itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.paths import current_paths
from app.sync.settings import load_sync_settings


def _site(text: str) -> Path:
    path = current_paths().site_config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_locked_site_value_beats_the_environment(
    labsync_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(
        'portal_url = "https://portal.university.example/api"\n'
        'oauth_client_id = "site-client"\n'
        'lab = "LAB-SITE"\n'
        'locked = ["portal_url", "oauth_client_id", "lab"]\n'
    )
    monkeypatch.setenv("LABSYNC_PORTAL_URL", "https://evil.example/api")
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "env-client")
    monkeypatch.setenv("LABSYNC_LAB", "LAB-ENV")
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", "s3cret-from-env")
    settings = load_sync_settings()
    assert settings.portal_url == "https://portal.university.example/api"
    assert settings.client_id == "site-client"
    assert settings.lab == "LAB-SITE"
    assert settings.client_secret == "s3cret-from-env"  # the secret: environment only
    assert "s3cret" not in repr(settings)


def test_unlocked_environment_beats_the_site_file(
    labsync_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read here\n")
    _site('portal_url = "https://portal.university.example/api"\nlab = "LAB-SITE"\nbatch_size = 300\n')
    monkeypatch.setenv("LABSYNC_PORTAL_URL", "https://other.example/api")
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "env-client")
    monkeypatch.setenv("LABSYNC_CA_BUNDLE", str(ca))
    monkeypatch.setenv("LABSYNC_LAB", "LAB-ENV")
    monkeypatch.setenv("LABSYNC_TLS_MIN_VERSION", "1.2")
    settings = load_sync_settings()
    assert settings.portal_url == "https://other.example/api"
    assert settings.client_id == "env-client"
    assert settings.ca_bundle == ca
    assert settings.lab == "LAB-ENV"
    assert settings.min_tls_version == "1.2"
    assert settings.batch_size == 300
    assert settings.client_secret is None


def test_cli_sync_honours_a_locked_portal_url(
    labsync_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``labsync sync`` with a locked (unreachable) site portal and another portal in the environment: the
    client goes to the locked one (never to the environment's)."""
    from app.cli.commands import sync as sync_cmd

    _site('portal_url = "https://portal.university.example/api"\nlocked = ["portal_url"]\n')
    monkeypatch.setenv("LABSYNC_PORTAL_URL", "https://127.0.0.1:9/api")
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "c")

    class Args:
        batch_size = None

    settings = sync_cmd._settings(Args())  # type: ignore[arg-type]
    assert settings.portal_url == "https://portal.university.example/api"
