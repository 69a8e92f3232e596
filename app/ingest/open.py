"""``open_table``: choose the reader for a file by sniffing its content, with the extension as a hint."""

from __future__ import annotations

from pathlib import Path

from app.errors import InputFileError
from app.ingest.delimited import DelimitedReader
from app.ingest.guards import describe_ole2, sniff_kind
from app.ingest.types import TableReader
from app.ingest.xlsx import XlsxReader

_TEXT_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "txt"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods"}


def open_table(path: Path) -> TableReader:
    """Open ``path`` for reading.

    The content decides the reader (a zip is a workbook, an OLE2 file is refused as encrypted or legacy .xls,
    anything else is delimited text); the extension only hints the delimiter and names the format. Raises
    :class:`~app.errors.InputFileError` for a missing, empty, unreadable, mislabelled or hostile file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file" if not path.exists() else "not a regular file")
    suffix = path.suffix.lower()
    kind = sniff_kind(path)
    if kind == "empty":
        raise InputFileError(path, "the file is empty")
    if kind == "ole2":
        raise InputFileError(path, describe_ole2(path))
    if kind == "zip":
        if suffix in (".xlsb", ".ods"):
            raise InputFileError(path, f"{suffix} files are not supported; save as .xlsx or .csv")
        return XlsxReader(path, "xlsm" if suffix == ".xlsm" else "xlsx")
    if suffix in _EXCEL_SUFFIXES:
        raise InputFileError(
            path, f"named {suffix} but is not an Excel workbook (content is not a zip package)"
        )
    return DelimitedReader(path, _TEXT_FORMATS.get(suffix, "csv"))
