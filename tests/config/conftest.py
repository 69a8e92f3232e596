"""Tests here call setup_logging (directly or through the CLI): undo it after each test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from app.config.logs import teardown_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    teardown_logging()
    root.setLevel(level)
