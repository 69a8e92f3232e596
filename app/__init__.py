"""LabSync: validate, fix and sync university lab compliance spreadsheets."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("labsync")
except _metadata.PackageNotFoundError:  # frozen build or source checkout without install
    from app.resources import read_project_version as _read_version

    __version__ = _read_version()

__all__ = ["__version__"]
