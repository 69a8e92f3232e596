"""The one place bundled resources are found, frozen (PyInstaller) or not."""

from __future__ import annotations

import sys
import tomllib
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """Directory holding the data dictionary, policy, schemas, samples and icons."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("policy", "policy.toml")``."""
    return resources_dir().joinpath(*parts)


def read_project_version() -> str:
    """Version from pyproject.toml (bundled as a resource when frozen)."""
    for candidate in (resources_dir() / "VERSION", resources_dir().parent / "pyproject.toml"):
        if candidate.name == "VERSION" and candidate.is_file():
            return candidate.read_text(encoding="utf-8").strip()
        if candidate.is_file():
            with candidate.open("rb") as handle:
                return str(tomllib.load(handle)["project"]["version"])
    return "0+unknown"
