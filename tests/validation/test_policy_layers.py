"""Policy layers: bundled or pulled portal pack < settings' policy_file < policy_overrides < --policy FILE."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.errors import ConfigError
from app.validation.policy import (
    is_newer_version,
    load_policy,
    load_policy_layers,
    policy_for,
    policy_layers,
)


def _toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_policy_merges_file_then_overrides(tmp_path: Path) -> None:
    text = '[equipment]\ncapitalization_level = "3000"\n[dates]\norder = "DMY"\n'
    site = _toml(tmp_path / "site.toml", text)
    policy = load_policy(site, {"equipment.capitalization_level": "2500"})
    assert policy.equipment.capitalization_level == Decimal("2500")  # override beats the file
    assert policy.dates.order == "DMY"  # the file's other values stay
    assert load_policy(site).equipment.capitalization_level == Decimal("3000")
    assert load_policy().equipment.capitalization_level is None  # the bundled pack is untouched
    assert "policy_overrides" in policy.source
    assert str(site.resolve()) in policy.source


def test_overrides_nested_tables_and_lists() -> None:
    policy = load_policy(overrides={"rcra": {"state_codes": ["CA123"]}, "dates.two_digit_pivot": 50})
    assert "CA123" in policy.rcra.state_codes
    assert policy.dates.two_digit_pivot == 50


def test_bad_override_names_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"policy_overrides: invalid policy value at dates\.order"):
        load_policy(overrides={"dates.order": "YMD"})
    with pytest.raises(ConfigError, match="policy_overrides"):
        load_policy(overrides={"no_such_table.value": 1})
    with pytest.raises(ConfigError, match="bad key"):
        load_policy(overrides={"dates..order": "DMY"})


def test_bad_file_value_names_the_file(tmp_path: Path) -> None:
    bad = _toml(tmp_path / "bad.toml", '[dates]\norder = "YMD"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: invalid policy value at dates\.order"):
        load_policy(bad, {"equipment.capitalization_level": "1"})


def test_edited_file_is_read_again(tmp_path: Path) -> None:
    site = _toml(tmp_path / "site.toml", '[equipment]\ncapitalization_level = "3000"\n')
    assert load_policy(site).equipment.capitalization_level == Decimal("3000")
    _toml(site, '[equipment]\ncapitalization_level = "4000.5"\n')
    os.utime(site, ns=(1, 10**18))  # a different mtime even on a coarse clock
    assert load_policy(site).equipment.capitalization_level == Decimal("4000.5")


def test_version_order() -> None:
    assert is_newer_version("2026.12.0", "2026.11.1")
    assert is_newer_version("2027.1", "2026.11.1")
    assert not is_newer_version("2026.11.1", "2026.11.1")
    assert not is_newer_version("2025.1.0", "2026.11.1")


def test_policy_for_picks_the_newer_pulled_pack(tmp_path: Path) -> None:
    bundled = load_policy()
    newer = _toml(tmp_path / "new.toml", 'version = "9999.1"\n[equipment]\ncapitalization_level = "7000"\n')
    older = _toml(tmp_path / "old.toml", 'version = "2000.1"\n[equipment]\ncapitalization_level = "6000"\n')
    broken = _toml(tmp_path / "broken.toml", 'version = "9999.2"\n[dates]\norder = "nope"\n')
    assert policy_for(None, newer).version == "9999.1"
    assert policy_for(None, newer).equipment.capitalization_level == Decimal("7000")
    assert policy_for(None, older).version == bundled.version  # an older pulled pack is ignored
    assert policy_for(None, broken).version == bundled.version  # so is one our engine cannot load
    assert policy_for(None, tmp_path / "missing.toml").version == bundled.version
    assert policy_layers(None, newer) == [newer]


def test_policy_for_layers_settings_and_run_file(tmp_path: Path) -> None:
    pulled = _toml(tmp_path / "pulled.toml", 'version = "9999.1"\n[dates]\norder = "DMY"\n')
    site = _toml(
        tmp_path / "site.toml", '[equipment]\ncapitalization_level = "3000"\n[dates]\ntwo_digit_pivot = 40\n'
    )
    run_file = _toml(tmp_path / "run.toml", '[equipment]\ncapitalization_level = "1000"\n')
    settings = SimpleNamespace(policy_file=site, policy_overrides={"equipment.capitalization_level": "2000"})
    policy = policy_for(settings, pulled)
    assert policy.version == "9999.1"
    assert policy.dates.order == "DMY"
    assert policy.dates.two_digit_pivot == 40  # the settings' policy file over it
    assert policy.equipment.capitalization_level == Decimal("2000")  # then the overrides
    on_top = policy_for(settings, pulled, extra_file=run_file)
    assert on_top.equipment.capitalization_level == Decimal("1000")  # --policy FILE on top of all
    assert on_top.dates.two_digit_pivot == 40
    no_settings = policy_for(None, None, extra_file=run_file)
    assert no_settings == load_policy(run_file)


def test_policy_for_real_settings_object(tmp_path: Path) -> None:
    from app.config.settings import Settings

    site = _toml(tmp_path / "site.toml", '[equipment]\ncapitalization_level = "3000"\n')
    settings = Settings(policy_file=site, policy_overrides={"dates.order": "DMY"})
    policy = policy_for(settings)
    assert policy.equipment.capitalization_level == Decimal("3000")
    assert policy.dates.order == "DMY"
    assert policy_for(Settings()) == load_policy_layers([])
