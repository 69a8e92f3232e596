"""Canonical JSON and the idempotency key.

The canonical form is what gets hashed (idempotency keys, audit entries), so it must never change:
sorted keys, compact separators, Unicode NFC for every string (keys and values),
``Decimal``/``date``/``datetime``
as strings (``str(Decimal)``, ISO 8601), sets and tuples as lists, UTF-8 without ASCII escaping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any


def canonical_value(value: Any) -> Any:
    """``value`` turned into plain JSON types, strings NFC-normalized."""
    kind = type(value)
    if kind is str:
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if value is None or kind is int or kind is bool:
        return value
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Enum):
        return canonical_value(value.value)
    if isinstance(value, float):
        # floats are not expected in payloads (money and quantities are Decimals); keep them exact as text
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {unicodedata.normalize("NFC", str(k)): canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical_value(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return unicodedata.normalize("NFC", str(value))


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (see the module docstring)."""
    return json.dumps(
        canonical_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def idempotency_key(source_identity: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over the record's source identity and its canonical JSON payload.

    Computed once when a row enters the outbox and stored; never recomputed for that entry.
    """
    return idempotency_key_of_canonical(source_identity, canonical_json(payload))


def idempotency_key_of_canonical(source_identity: str, payload_json: str) -> str:
    """:func:`idempotency_key` for a payload already in canonical JSON form."""
    identity = unicodedata.normalize("NFC", source_identity)
    return sha256_hex(identity + "\n" + payload_json)
