"""Decide the text encoding of a delimited file from a leading sample of its bytes.

Order: a byte-order mark; then a strict UTF-8 trial; then charset-normalizer. A file whose sample is plain
ASCII is read as UTF-8 with a cp1252 fallback for any stray byte later in the file, so a legacy micro sign on
row 900 000 still comes through as ``µ`` instead of failing or turning into mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

import charset_normalizer

UTF8_CP1252_FALLBACK = "labsync-cp1252-fallback"
"""Codec error handler: a byte that is not valid UTF-8 is decoded as cp1252 (latin-1 for cp1252's 5 holes)."""

CP1252_HOLES = "labsync-latin1-holes"
"""Codec error handler for cp1252: the 5 undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) decode as latin-1."""

_WESTERN = {"cp1252", "iso8859_1", "iso8859_15", "latin_1"}


fallback_bytes = 0
"""Bytes decoded by the cp1252 fallback so far (process-wide; readers report the change as a ReadNote)."""


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    global fallback_bytes
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    fallback_bytes += len(bad)
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
    """How to decode a file: Python codec, error handler, BOM length to skip, and a label for people."""

    codec: str
    errors: str
    bom: int
    label: str


_CP1252 = Encoding("cp1252", CP1252_HOLES, 0, "Windows-1252 (cp1252)")

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
    return _legacy(sample)


def _legacy(sample: bytes) -> Encoding:
    """Pick a single-byte/legacy codec.

    charset-normalizer is weak on short, mostly-ASCII tables (it calls a cp1252 micro sign Shift_JIS), so
    cp1252, what Excel and Windows write, wins unless the best guess reads the sample as a recognisably more
    coherent language (Greek, Hebrew, Turkish, Korean, ...) than cp1252 does.
    """
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        if _plausible_cp1252(sample):
            return _CP1252  # e.g. a table of dashes and quotes: too little text for any detector
        raise NotTextError("not text in any known encoding")
    if _normal(best.encoding) in _WESTERN or _same_text(sample, best.encoding):
        return _CP1252
    letters, latin = _high_letters(sample, best.encoding)
    if latin and letters < _high_letters(sample, "cp1252")[0]:
        # Both read Latin script, and cp1252 reads more non-ASCII bytes as letters ("5 µg", not "5 ”g").
        return _CP1252
    if not _plausible_cp1252(sample) or _more_coherent(sample, best.encoding, best.coherence):
        return Encoding(best.encoding, "strict", 0, f"{best.encoding} (detected)")
    return _CP1252


# Legacy code pages that real spreadsheet exports use, and that may overrule cp1252 when the language reads
# clearly better. Latin look-alikes (ISO 8859-2/4/9/10/13/14/15/16, DOS 437/850/852/775, Mac Roman...) fit
# short Western samples by chance ("5 µg" -> "5 ṁg") and never overrule cp1252.
_OVERRULING = (
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "koi8",
    "mac_cyrillic",
    "iso8859_5",
    "iso8859_6",
    "iso8859_7",
    "iso8859_8",
    "big5",
    "gb",
    "hz",
    "cp936",
    "cp932",
    "shift_jis",
    "euc",
    "cp949",
    "johab",
    "iso2022",
    "tis_620",
    "cp874",
)


def _more_coherent(sample: bytes, codec: str, coherence: float) -> bool:
    """Does a language read clearly better than under cp1252, in a code page people really export?"""
    if not _normal(codec).startswith(_OVERRULING) or coherence < 0.3:
        return False
    western = charset_normalizer.from_bytes(sample, cp_isolation=["cp1252"]).best()
    return western is None or coherence >= western.coherence + 0.04


_CP1252_SYMBOLS = set("µ°©®±²³€“”‘’„–—•…·™§¼½¾×÷¿¡«»")


def _plausible_cp1252(sample: bytes) -> bool:
    """cp1252 decodes the sample to text whose non-ASCII characters are Latin letters or common symbols (a
    cp949/Big5 sample decodes to runs of ¡¢£¤-style symbols and C1 controls instead)."""
    high = sample.translate(None, bytes(range(128)))
    if not high:
        return True
    text = high.decode("cp1252", errors="replace")
    good = sum(1 for ch in text if ch.isalpha() or ch in _CP1252_SYMBOLS)
    return good >= 0.9 * len(text)


def _high_letters(sample: bytes, codec: str) -> tuple[int, bool]:
    """How many non-ASCII bytes decode to letters, and whether those are mostly Latin script."""
    high = sample.translate(None, bytes(range(128)))
    try:
        text = high.decode(codec, errors=CP1252_HOLES if codec == "cp1252" else "replace")
    except LookupError:
        return 0, False
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return len(letters), latin * 2 >= len(letters) > 0


def _same_text(sample: bytes, codec: str) -> bool:
    try:
        return sample.decode(codec) == sample.decode("cp1252", errors=CP1252_HOLES)
    except (UnicodeDecodeError, LookupError):
        return False


def _normal(codec: str) -> str:
    return codecs.lookup(codec).name.replace("-", "_")
