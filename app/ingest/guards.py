"""Defences against hostile or mislabelled files, applied before any parser sees the bytes.

* :func:`sniff_kind` classifies a file by its first bytes (zip, OLE2 compound file, text, empty).
* :func:`check_zip` refuses zip bombs from the central directory alone (member count, declared sizes, ratio)
  before anything is inflated, and XML parts that declare a DOCTYPE (entity bombs, external entities).
Actual inflation is always capped by the declared size (Python's zipfile stops there and checks the CRC), so a
lying central directory cannot make us inflate more than the caps allow.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from app.errors import InputFileError
from app.ingest import limits

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_HEAD = 64 << 10
_ROOT_START = re.compile(r"<[A-Za-z_]")
_DECL = re.compile(r"<\?.*?\?>|<!--.*?-->", re.S)


def sniff_kind(path: Path) -> str:
    """Return "zip", "ole2", "empty" or "other" from the first bytes of ``path``."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE2_MAGIC:
        return "ole2"
    return "other"


def describe_ole2(path: Path) -> str:
    """Explain an OLE2 compound file: a password-protected (encrypted) workbook or a legacy Excel 97-2003
    file."""
    with path.open("rb") as f:
        head = f.read(4 << 20)
    if "EncryptionInfo".encode("utf-16-le") in head or "EncryptedPackage".encode("utf-16-le") in head:
        return "the workbook is encrypted (password-protected); save an unprotected copy as .xlsx and retry"
    return (
        "an OLE2 compound file: a legacy Excel 97-2003 .xls or an encrypted workbook; "
        "save it as .xlsx (without a password) and retry"
    )


def check_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose central directory describes a bomb, or whose XML parts carry a DOCTYPE."""
    infos = zf.infolist()
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise InputFileError(path, f"refused: the workbook has {len(infos)} parts (zip bomb?)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputFileError(path, "the workbook is encrypted (password-protected zip part)")
        size = info.file_size
        total += size
        if size > limits.MAX_ZIP_MEMBER_BYTES:
            raise InputFileError(
                path, f"refused: part {info.filename} inflates to {size >> 20} MiB (zip bomb?)"
            )
        if size >= limits.ZIP_RATIO_MIN_BYTES and size > limits.MAX_ZIP_RATIO * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            raise InputFileError(path, f"refused: part {info.filename} is compressed {ratio}:1 (zip bomb?)")
    if total > limits.MAX_ZIP_TOTAL_BYTES:
        raise InputFileError(path, f"refused: the workbook inflates to {total >> 20} MiB in all (zip bomb?)")
    for info in infos:
        if info.file_size and not info.is_dir():
            _check_xml_part(path, zf, info)  # every part: calamine follows rels, not file extensions


def _check_xml_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part with a DOCTYPE/ENTITY declaration (the prolog is all we need to read).

    XML parts other than worksheets and shared strings (both scanned later, before calamine reads them) are
    inflated to the end, so that a central directory lying about their size fails here on the CRC instead of
    inside calamine.
    """
    try:
        with zf.open(info) as f:
            head = f.read(_XML_HEAD)
            text = _decode_head(head)
            is_xml = text.lstrip("\ufeff \t\r\n").startswith("<")
            scanned_later = "worksheets/" in info.filename or info.filename.lower().endswith(
                "sharedstrings.xml"
            )
            if is_xml and not scanned_later:
                while f.read(1 << 20):
                    pass
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise InputFileError(path, f"damaged workbook: cannot inflate {info.filename} ({exc})") from exc
    if not is_xml:
        return  # not XML (an image, a binary part)
    bare = _DECL.sub("", text)
    root = _ROOT_START.search(bare)
    prolog = bare if root is None else bare[: root.start()]
    upper = prolog.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise InputFileError(path, f"refused: {info.filename} declares a DOCTYPE/ENTITY (XML entity bomb?)")
    if root is None and len(head) == _XML_HEAD:
        raise InputFileError(path, f"refused: {info.filename} has no root element in its first 64 KiB")


def _decode_head(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")
