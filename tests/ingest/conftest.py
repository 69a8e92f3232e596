"""Fixtures for the reader tests."""

from __future__ import annotations

import pytest

from app.ingest import limits


@pytest.fixture(params=["calamine", "stream"])
def xlsx_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with both XLSX paths: calamine (normal sheets) and the streaming decoder (huge sheets)."""
    if request.param == "stream":
        monkeypatch.setattr(limits, "LARGE_SHEET_BYTES", -1)
    return str(request.param)
