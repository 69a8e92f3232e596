"""Removal of invisible formatting artifacts, never of meaning.

What is removed or unified: a byte-order mark, zero-width characters, non-breaking and other exotic spaces
(become a plain space), stray leading/trailing whitespace; inside *codes* also Unicode dashes (become ``-``),
smart quotes (become ``'``/``"``) and letter case (codes are upper-cased). Nothing else changes: a value
that is
wrong after this stays wrong and is reported.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no visible content: BOM / zero-width no-break space, zero-width space/joiners, word
# joiner, soft hyphen, left-to-right/right-to-left marks and embeddings.
_INVISIBLE = (
    "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Spaces that look like a space: NBSP, narrow NBSP, figure space, en/em/thin/hair spaces, ideographic space.
_SPACES = "\u00a0\u202f\u2007\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"

_TEXT_TABLE = str.maketrans({**dict.fromkeys(_INVISIBLE, None), **dict.fromkeys(_SPACES, " ")})
_CODE_TABLE = str.maketrans(
    {
        **dict.fromkeys(_INVISIBLE, None),
        **dict.fromkeys(_SPACES, " "),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    }
)
_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)
_ENUM_DROP = re.compile(r"[\s\-_.]+", re.UNICODE)


def clean_text(value: str) -> str:
    """Free text: remove invisible characters, turn exotic spaces into spaces, strip the ends."""
    if value.isascii():
        return value.strip()
    return value.translate(_TEXT_TABLE).strip()


def clean_code(value: str) -> str:
    """A code (CAS number, EPA ID, tag...): :func:`clean_text`, plus dashes, quotes and case unified."""
    if not value.isascii():
        value = value.translate(_CODE_TABLE)
    return value.strip().upper()


def clean_code_keep_case(value: str) -> str:
    """Like :func:`clean_code` but keeps the letter case (for codes whose case is meaningful, e.g. H360Fd)."""
    if not value.isascii():
        value = value.translate(_CODE_TABLE)
    return value.strip()


def header_key(value: str) -> str:
    """Header matching key: case-, punctuation- and whitespace-insensitive (``"CAS No."`` -> ``"casno"``)."""
    value = unicodedata.normalize("NFKC", value.translate(_CODE_TABLE)).casefold()
    key = _KEY_DROP.sub("", value)
    if key:
        return key
    # A header made only of punctuation ("#", "%") keeps it, so it can still be mapped explicitly.
    return value.strip()


def enum_key(value: str) -> str:
    """Enumeration matching key: case-, space-, hyphen-, underscore- and period-insensitive."""
    value = unicodedata.normalize("NFKC", value.translate(_CODE_TABLE)).casefold()
    return _ENUM_DROP.sub("", value)
