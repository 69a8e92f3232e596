"""Settings precedence (built-in < site < user < environment < command line), site locks, and errors."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from app.config.settings import (
    ENV_VARS,
    Settings,
    dump_toml,
    load_settings,
    parse_override,
    save_user_setting,
    setting_keys,
)
from app.errors import ConfigError
from app.paths import current_paths


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)


def write_site(text: str) -> Path:
    path = current_paths().site_config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_user(text: str) -> Path:
    path = current_paths().user_config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- precedence, one level at a time ---


def test_builtin_defaults_when_nothing_is_configured() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.batch_size == 200
    assert settings.tls_min_version == "1.3"
    assert settings.portal_url is None
    assert all(settings.source_of(key) == "built-in" for key in setting_keys())
    assert settings.locked_keys == frozenset()


def test_site_overrides_builtin() -> None:
    site = write_site('portal_url = "https://portal.example.edu/api/"\nbatch_size = 100\n')
    settings = load_settings()
    assert settings.portal_url == "https://portal.example.edu/api"  # trailing slash dropped
    assert settings.batch_size == 100
    assert settings.source_of("batch_size") == "site"
    assert settings.origin_of("batch_size").detail == str(site)
    assert settings.source_of("proxy") == "built-in"


def test_user_overrides_site() -> None:
    write_site("batch_size = 100\nsync_interval_seconds = 600\n")
    user = write_user("batch_size = 50\n")
    settings = load_settings()
    assert settings.batch_size == 50
    assert settings.source_of("batch_size") == "user"
    assert settings.origin_of("batch_size").detail == str(user)
    assert settings.sync_interval_seconds == 600
    assert settings.source_of("sync_interval_seconds") == "site"


def test_environment_overrides_user(monkeypatch: pytest.MonkeyPatch) -> None:
    write_site("batch_size = 100\n")
    write_user("batch_size = 50\n")
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "25")
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "lab-42")
    monkeypatch.setenv("LABSYNC_AUTO_SYNC", "false")
    settings = load_settings()
    assert settings.batch_size == 25
    assert settings.source_of("batch_size") == "environment"
    assert settings.origin_of("batch_size").detail == "LABSYNC_BATCH_SIZE"
    assert settings.oauth_client_id == "lab-42"
    assert settings.auto_sync is False


def test_command_line_overrides_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    write_site("batch_size = 100\n")
    write_user("batch_size = 50\n")
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "25")
    settings = load_settings({"batch_size": "10", "proxy": None})
    assert settings.batch_size == 10
    assert settings.source_of("batch_size") == "command line"
    assert settings.source_of("proxy") == "built-in"  # None means "option not given"


def test_empty_environment_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    write_user("batch_size = 50\n")
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "")
    assert load_settings().source_of("batch_size") == "user"


def test_every_setting_but_the_policy_table_has_an_environment_variable() -> None:
    assert set(ENV_VARS) == set(setting_keys()) - {"policy_overrides"}
    assert all(var.startswith("LABSYNC_") for var in ENV_VARS.values())


def test_relative_paths_in_a_file_are_relative_to_that_file(tmp_path: Path) -> None:
    site = write_site('ca_bundle = "campus-ca.pem"\n')
    (site.parent / "campus-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    assert load_settings().ca_bundle == site.parent / "campus-ca.pem"


def test_relative_paths_in_the_environment_are_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ca.pem").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LABSYNC_CA_BUNDLE", "ca.pem")
    assert load_settings().ca_bundle == tmp_path / "ca.pem"


def test_policy_overrides_table_is_replaced_whole() -> None:
    write_site("[policy_overrides]\nexpiry_warning_days = 30\nstrict_units = true\n")
    write_user("[policy_overrides]\nexpiry_warning_days = 60\n")
    settings = load_settings()
    assert settings.policy_overrides == {"expiry_warning_days": 60}
    assert settings.source_of("policy_overrides") == "user"


def test_tls_version_written_as_a_toml_number_is_accepted() -> None:
    write_site("tls_min_version = 1.2\n")
    assert load_settings().tls_min_version == "1.2"


# --- locks ---


def test_locked_key_ignores_user_file_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    write_site('portal_url = "https://portal.example.edu"\nlocked = ["portal_url", "batch_size"]\n')
    user = write_user('portal_url = "https://evil.example.com"\nbatch_size = 7\nsync_interval_seconds = 60\n')
    monkeypatch.setenv("LABSYNC_PORTAL_URL", "https://other.example.com")
    settings = load_settings()
    assert settings.portal_url == "https://portal.example.edu"
    assert settings.source_of("portal_url") == "site"
    assert settings.is_locked("portal_url")
    # Locked without a site value: the built-in default stays.
    assert settings.batch_size == 200
    assert settings.source_of("batch_size") == "built-in"
    assert settings.is_locked("batch_size")
    # Unlocked keys still follow the precedence.
    assert settings.sync_interval_seconds == 60
    assert not settings.is_locked("sync_interval_seconds")
    assert any(str(user) in n and "portal_url" in n for n in settings.notices)
    assert any("LABSYNC_PORTAL_URL" in n for n in settings.notices)


def test_locked_key_refuses_a_command_line_override() -> None:
    write_site('portal_url = "https://portal.example.edu"\nlocked = ["portal_url"]\n')
    with pytest.raises(ConfigError, match="portal_url is locked"):
        load_settings({"portal_url": "https://elsewhere.example.edu"})


def test_save_user_setting_refuses_a_locked_key() -> None:
    write_site('locked = ["ca_bundle"]\n')
    with pytest.raises(ConfigError, match="ca_bundle is locked"):
        save_user_setting("ca_bundle", None)
    assert not current_paths().user_config_file.exists()


def test_only_the_site_file_can_lock() -> None:
    user = write_user('locked = ["portal_url"]\n')
    with pytest.raises(ConfigError, match="only the site configuration file can lock") as info:
        load_settings()
    assert str(user) in str(info.value)


def test_locking_an_unknown_key_is_an_error() -> None:
    write_site('locked = ["portal_ulr"]\n')
    with pytest.raises(ConfigError, match=r"unknown setting 'portal_ulr' \(did you mean 'portal_url'\?\)"):
        load_settings()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_world_writable_site_file_is_reported() -> None:
    site = write_site("batch_size = 100\n")
    site.chmod(0o666)
    assert any("writable by other users" in n for n in load_settings().notices)


# --- errors name the file, the key and the problem ---


def test_bad_toml_names_file_and_line() -> None:
    site = write_site('portal_url = "https://portal.example.edu"\nbatch_size = = 3\n')
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert str(site) in message
    assert "invalid TOML" in message
    assert "line 2" in message


def test_unknown_key_is_named_with_a_suggestion() -> None:
    user = write_user("batch_sise = 3\n")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value) == f"{user}: unknown setting 'batch_sise' (did you mean 'batch_size'?)"


def test_wrong_type_in_a_file_is_named() -> None:
    site = write_site('batch_size = "lots"\n')
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{site}: batch_size: ")
    assert "integer" in message
    assert "'lots'" in message


def test_files_are_strict_about_types_but_the_environment_is_text(monkeypatch: pytest.MonkeyPatch) -> None:
    write_user('batch_size = "50"\n')
    with pytest.raises(ConfigError, match="batch_size"):
        load_settings()
    current_paths().user_config_file.unlink()
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "50")
    assert load_settings().batch_size == 50


def test_out_of_range_value_is_named() -> None:
    write_site("batch_size = 0\n")
    with pytest.raises(ConfigError, match=r"batch_size: Input should be greater than or equal to 1"):
        load_settings()


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABSYNC_BATCH_SIZE", "many")
    with pytest.raises(ConfigError, match=r"^environment variable LABSYNC_BATCH_SIZE: batch_size: "):
        load_settings()


def test_missing_certificate_file_is_named(tmp_path: Path) -> None:
    site = write_site(f'ca_bundle = "{(tmp_path / "nope.pem").as_posix()}"\n')
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith(f"{site}: ca_bundle: file not found: ")


def test_bad_url_is_named() -> None:
    write_site('portal_url = "portal.example.edu"\n')
    with pytest.raises(ConfigError, match=r"portal_url: must be an http:// or https:// URL"):
        load_settings()


def test_plain_http_is_refused_off_loopback_and_allowed_on_it() -> None:
    site = write_site('portal_url = "http://portal.example.edu"\n')
    with pytest.raises(ConfigError, match="plain http://") as info:
        load_settings()
    assert str(site) in str(info.value)
    write_site('portal_url = "http://127.0.0.1:8443"\n')
    assert load_settings().portal_url == "http://127.0.0.1:8443"
    write_site('portal_url = "http://portal.example.edu"\nallow_insecure_http = true\n')
    assert load_settings().portal_url == "http://portal.example.edu"


def test_key_without_certificate_names_both_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "client.key"
    key.write_text("k", encoding="utf-8")
    monkeypatch.setenv("LABSYNC_CLIENT_KEY", str(key))
    with pytest.raises(ConfigError, match=r"LABSYNC_CLIENT_KEY.*client_key is set but client_cert is not"):
        load_settings()


@pytest.mark.parametrize("key", ["client_secret", "password", "oauth_token", "workspace_passphrase"])
def test_secret_in_a_file_is_refused_without_echoing_it(key: str) -> None:
    write_user(f'{key} = "hunter2-very-secret"\n')
    with pytest.raises(ConfigError, match="secrets are not read from configuration") as info:
        load_settings()
    assert "hunter2" not in str(info.value)


# --- save_user_setting (the GUI) ---


def test_save_user_setting_writes_a_private_file_and_keeps_other_keys(tmp_path: Path) -> None:
    write_user("# my settings\nsync_interval_seconds = 60\n")
    settings = save_user_setting("batch_size", "75")
    assert settings.batch_size == 75
    assert settings.source_of("batch_size") == "user"
    path = current_paths().user_config_file
    with path.open("rb") as handle:
        assert tomllib.load(handle) == {"sync_interval_seconds": 60, "batch_size": 75}
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = save_user_setting("batch_size", None)
    assert settings.source_of("batch_size") == "built-in"


def test_save_user_setting_validates_and_refuses_unknown_keys() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        save_user_setting("batch_size", 0)
    with pytest.raises(ConfigError, match="unknown setting"):
        save_user_setting("colour", "blue")
    with pytest.raises(ConfigError, match="secrets are not read"):
        save_user_setting("client_secret", "s3cret")
    assert not current_paths().user_config_file.exists()


def test_save_user_setting_round_trips_paths_and_tables(tmp_path: Path) -> None:
    ca = tmp_path / 'we"ird ca.pem'
    ca.write_text("x", encoding="utf-8")
    save_user_setting("ca_bundle", ca)
    settings = save_user_setting("policy_overrides", {"expiry warning": 14, "units": ["kg", "L"]})
    assert settings.ca_bundle == ca
    assert settings.policy_overrides == {"expiry warning": 14, "units": ["kg", "L"]}


def test_dump_toml_is_read_back_by_tomllib() -> None:
    table = {"a": 'x\n"y"\\ é', "b": 1.5, "c": True, "d": [1, 2], "t": {"k k": "v"}}
    assert tomllib.loads(dump_toml(table)) == table


def test_parse_override() -> None:
    assert parse_override("batch_size=50") == ("batch_size", "50")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("batch_size")
    with pytest.raises(ConfigError, match="unknown setting"):
        parse_override("nope=1")


def test_the_example_site_file_shipped_to_it_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "packaging" / "site.example.toml"
    site = write_site(example.read_text(encoding="utf-8"))
    (site.parent / "campus-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    settings = load_settings()
    assert settings.portal_url == "https://research-portal.example.edu/api"
    assert settings.ca_bundle == site.parent / "campus-ca.pem"
    assert settings.is_locked("portal_url")
    assert settings.source_of("batch_size") == "site"


def test_a_misspelled_environment_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABSYNC_PORTAL_ULR", "https://portal.example.edu")
    monkeypatch.setenv("LABSYNC_COLOR_SCHEME", "dark")  # someone else's variable: not close to a setting
    settings = load_settings()
    assert settings.portal_url is None
    assert settings.notices == (
        "LABSYNC_PORTAL_ULR is not a LabSync setting and is ignored (did you mean LABSYNC_PORTAL_URL?)",
    )
