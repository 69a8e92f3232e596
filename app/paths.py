"""The one module that decides where LabSync's files live.

Everything is under platformdirs' per-user directories, unless ``LABSYNC_HOME`` (or ``--home DIR``, which
sets it) points all of LabSync's files at one directory, for tests and for several profiles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "LabSync"
APP_AUTHOR = "LabSync"
HOME_ENV = "LABSYNC_HOME"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path
    site_config_dir: Path

    @property
    def workspace_db(self) -> Path:
        return self.data_dir / "workspace.db"

    @property
    def user_config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def site_config_file(self) -> Path:
        return self.site_config_dir / "site.toml"

    @property
    def crash_dir(self) -> Path:
        return self.log_dir / "crash"


def current_paths() -> Paths:
    """The paths in effect now (reads ``LABSYNC_HOME`` on every call, so tests can change it)."""
    home = os.environ.get(HOME_ENV)
    site = Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR))
    if os.environ.get("LABSYNC_SITE_CONFIG_DIR"):
        site = Path(os.environ["LABSYNC_SITE_CONFIG_DIR"])
    if home:
        root = Path(home).expanduser()
        return Paths(
            data_dir=root / "data",
            config_dir=root / "config",
            log_dir=root / "logs",
            cache_dir=root / "cache",
            site_config_dir=site,
        )
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        site_config_dir=site,
    )


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only (0700)."""
    old = os.umask(0o077)
    try:
        path.mkdir(parents=True, exist_ok=True)
    finally:
        os.umask(old)
    if os.name == "posix":
        path.chmod(0o700)
    return path
