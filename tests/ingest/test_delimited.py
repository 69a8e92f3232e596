"""Unit tests for the delimited-text reader (CSV, TSV, Excel Unicode text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InputFileError
from app.ingest import open_table


def _read(path: Path) -> list[tuple[int, list[object]]]:
    with open_table(path) as reader:
        return [(row.number, row.values) for row in reader.rows()]


def test_cp1252_micro_sign_accents_and_smart_quotes(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_bytes("Name,Amount\nCafé “X”,5 µg\n".encode("cp1252"))
    assert _read(path) == [(1, ["Name", "Amount"]), (2, ["Café “X”", "5 µg"])]


def test_multiline_record_counts_once_and_blank_lines_advance(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b'a,b\r\n"x\r\ny",2\r\n\r\nz,3\r\n')
    assert _read(path) == [(1, ["a", "b"]), (2, ["x\r\ny", "2"]), (3, []), (4, ["z", "3"])]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        open_table(path)
