"""Decide the text encoding of a delimited file from a leading sample of its bytes.

Order: a byte-order mark; then a strict UTF-8 trial; then charset-normalizer. A file whose sample is plain
ASCII is
read as UTF-8 with a cp1252 fallback for any stray byte later in the file, so a legacy micro sign on row
900 000
still comes through as ``µ`` instead of failing or turning into mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer

UTF8_CP1252_FALLBACK = "labsync-cp1252-fallback"
"""Codec error handler: a byte that is not valid UTF-8 is decoded as cp1252 (latin-1 for cp1252's 5 holes)."""

CP1252_HOLES = "labsync-latin1-holes"
"""Codec error handler for cp1252: the 5 undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) decode as latin-1."""

_WESTERN = {"cp1252", "iso8859_1", "iso8859_15", "latin_1"}


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors=CP1252_HOLES), err.end


def _latin1_holes(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error(UTF8_CP1252_FALLBACK, _cp1252_fallback)
codecs.register_error(CP1252_HOLES, _latin1_holes)


class NotTextError(ValueError):
    """The sample is not text in any encoding we accept (binary data)."""


@dataclass(frozen=True, slots=True)
class Encoding:
    """How to decode a file: the Python codec, the error handler, the BOM length to skip, and a human
    label."""

    codec: str
    errors: str
    bom: int
    label: str


_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (BOM)"),
)


def _utf8_prefix_ok(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """Recognise BOM-less UTF-16 of mostly-ASCII text by its NUL bytes on one parity."""
    n = len(sample) - len(sample) % 2
    if n < 4:
        return None
    even, odd = sample[0:n:2].count(0), sample[1:n:2].count(0)
    half = n // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def detect(sample: bytes, *, complete: bool) -> Encoding:
    """Choose the encoding of a file from its first bytes (``complete`` when the sample is the whole file)."""
    for bom, codec, label in _BOMS:
        if sample.startswith(bom):
            return Encoding(codec, "strict", len(bom), label)
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        return Encoding(
            utf16, "strict", 0, utf16.upper().replace("-", " ", 1).replace("-", " ") + " (no BOM)"
        )
    if b"\x00" in sample:
        raise NotTextError("contains NUL bytes: binary data, not delimited text")
    if sample.isascii():
        return Encoding("utf-8", UTF8_CP1252_FALLBACK, 0, "ASCII/UTF-8")
    if _utf8_prefix_ok(sample, complete):
        return Encoding("utf-8", UTF8_CP1252_FALLBACK, 0, "UTF-8")
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        raise NotTextError("not text in any known encoding")
    for match in matches:
        # Short samples fit several single-byte codecs equally well; Excel and Windows write cp1252, so it
        # wins
        # whenever it reads the sample about as cleanly as the best guess.
        if _normal(match.encoding) in _WESTERN and match.chaos <= best.chaos + 0.05:
            return Encoding("cp1252", CP1252_HOLES, 0, "Windows-1252 (cp1252)")
    return Encoding(best.encoding, "strict", 0, best.encoding)


def _normal(codec: str) -> str:
    return codecs.lookup(codec).name.replace("-", "_")
