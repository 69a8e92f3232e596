"""The portal contract as the client sees it (``resources/portal-api.yaml``): paths, the request body built
from outbox entries, and the parsing of batch results into per-record outcomes.

Outbox entries come from ``app.workspace``; only the attributes below are read, so the client also runs
against the small in-memory outbox of the unit tests:
``id``, ``idempotency_key``, ``record_type``, ``classification``, ``payload``, and when present ``lab``,
``owner``, ``source_identity``/``source_ref`` (else ``batch_id``/``row_id`` build one).

The contract requires a ``lab`` on every record; the outbox entry does not carry one, so it comes from the
entry or its payload (``lab``/``lab_id``) when present, else from the client's configured/identity lab.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

BATCH_PATH = "/v1/records:batch"
RECORDS_PATH = "/v1/records"
VERSION_PATH = "/v1/version"
WHOAMI_PATH = "/v1/whoami"
REFERENCE_PATHS = {
    "awards": "/v1/reference/awards",
    "locations": "/v1/reference/locations",
    "personnel": "/v1/reference/personnel",
}
POLICY_PATH = "/v1/reference/policy"

PROBLEM_IN_FLIGHT = "idempotency-request-in-flight"
PROBLEM_KEY_REUSED = "idempotency-key-reused"

RecordStatus = Literal["accepted", "duplicate", "rejected", "missing"]


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON as the contract defines it (sorted keys, compact, UTF-8)."""
    return _dumps(value).encode()


def payload_hash(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(payload)).hexdigest()


def _payload_text(entry: Any) -> str:
    """The canonical JSON text of the entry's payload. The workspace keeps it (sorted keys, compact, plain
    JSON types): exactly what _dumps gives for its parsed form, so it is used as is instead of parsing and
    serializing again."""
    stored = getattr(entry, "payload_json", None)
    return stored if isinstance(stored, str) and stored else _dumps(dict(_attr(entry, "payload", {})))


def entry_payload_hash(entry: Any) -> str:
    """``payload_hash(entry.payload)``, from the stored payload text when the entry keeps it."""
    return hashlib.sha256(_payload_text(entry).encode()).hexdigest()


def structured_key(key: str) -> str:
    """An Idempotency-Key header value: a structured-field string (draft-ietf-httpapi-idempotency-key)."""
    if (
        not key
        or len(key) > 255
        or any(c in key for c in '"\\')
        or not key.isascii()
        or not key.isprintable()
    ):
        raise ValueError("an idempotency key is 1-255 visible ASCII characters without quotes or backslashes")
    return f'"{key}"'


def _attr(entry: Any, name: str, default: Any = None) -> Any:
    value = getattr(entry, name, default)
    return default if value is None else value


def wire_record(entry: Any, default_lab: str | None = None) -> dict[str, Any]:
    """One record of a batch request (RecordIn)."""
    record = _wire_fields(entry, default_lab)
    record["payload_hash"] = payload_hash(record["payload"])
    return record


_PEEKED = ("lab", "lab_id", "owner")  # the payload values a record's envelope needs
_DECODER = json.JSONDecoder()


def _peek(text: str) -> dict[str, Any] | None:
    """The top-level ``lab``/``lab_id``/``owner`` of a flat compact JSON object without parsing all of it;
    None when the object is not flat (then it is parsed). In compact JSON an unescaped ``"`` never occurs
    inside a string, so ``{"owner":`` or ``,"owner":`` only ever starts a top-level key of a flat object."""
    if not text.startswith("{") or "{" in text[1:] or "[" in text:
        return None
    found: dict[str, Any] = {}
    for name in _PEEKED:
        needle = f'"{name}":'
        for lead in ("{", ","):
            at = text.find(lead + needle)
            if at >= 0:
                found[name], _ = _DECODER.raw_decode(text, at + len(lead) + len(needle))
                break
    return found


def _wire_fields(
    entry: Any, default_lab: str | None = None, peeked: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record's fields; with ``peeked`` (from :func:`_peek`) the payload is not parsed and the record's
    ``payload`` is left None (the caller splices the stored text in)."""
    payload: Any = dict(_attr(entry, "payload", {})) if peeked is None else None
    values: Any = payload if peeked is None else peeked
    record_type = _attr(entry, "record_type")
    classification = _attr(entry, "classification")
    lab = _attr(entry, "lab") or values.get("lab") or values.get("lab_id") or default_lab
    source_ref = _attr(entry, "source_ref") or _attr(entry, "source_identity")
    if source_ref is None and getattr(entry, "batch_id", None) is not None:
        source_ref = f"{entry.batch_id}/{_attr(entry, 'row', _attr(entry, 'row_id', ''))}"
    record: dict[str, Any] = {
        "idempotency_key": str(entry.idempotency_key),
        "record_type": str(getattr(record_type, "value", record_type)),
        "classification": str(getattr(classification, "value", classification)),
        "lab": None if lab is None else str(lab),
        "payload": payload,
    }
    owner = _attr(entry, "owner") or values.get("owner")
    if owner is not None:
        record["owner"] = str(owner)
    if source_ref is not None:
        record["source_ref"] = str(source_ref)[:500]
    return record


def _record_text(entry: Any, default_lab: str | None) -> str:
    """``canonical_bytes(wire_record(entry))`` as text, serializing the payload once (it is also hashed).

    Canonical key order puts ``payload`` and ``payload_hash`` between the fields before "payload" and those
    after it, so the record is three serializations spliced: head, payload (+ its hash), tail."""
    stored = getattr(entry, "payload_json", None)
    peeked = _peek(stored) if isinstance(stored, str) and stored else None
    record = _wire_fields(entry, default_lab, peeked)
    del record["payload"]
    payload_text = _payload_text(entry)
    digest = hashlib.sha256(payload_text.encode()).hexdigest()
    head = _members({k: v for k, v in record.items() if k < "payload"})
    tail = _members({k: v for k, v in record.items() if k > "payload_hash"})
    middle = f'"payload":{payload_text},"payload_hash":"{digest}"'
    parts = [part for part in (head, middle, tail) if part]
    return "{" + ",".join(parts) + "}"


_encode_str = json.encoder.encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses for str


def _members(record: Mapping[str, Any]) -> str:
    """``_dumps(record)`` without its braces; string and null values written directly (the same text)."""
    parts = []
    for key in sorted(record):
        value = record[key]
        if isinstance(value, str):
            text = _encode_str(value)
        elif value is None:
            text = "null"
        else:
            text = _dumps(value)
        parts.append(f"{_encode_str(key)}:{text}")
    return ",".join(parts)


def batch_body(entries: Sequence[Any], default_lab: str | None = None) -> bytes:
    """The request body for ``entries``: canonical JSON, deterministic (ordered by entry id) so every retry of
    the same group has the same fingerprint on the portal, even after a restart."""
    ordered = sorted(entries, key=lambda e: int(e.id))
    return ('{"records":[' + ",".join(_record_text(e, default_lab) for e in ordered) + "]}").encode()


@dataclass(frozen=True)
class PortalResult:
    idempotency_key: str
    status: RecordStatus
    violations: list[dict[str, Any]] = field(default_factory=list)
    record_id: str | None = None
    payload_hash: str | None = None


def parse_batch_response(data: Any, sent_keys: Sequence[str]) -> dict[str, PortalResult]:
    """Per-record results by record key. A key the portal did not answer for is ``missing`` (resent later)."""
    results: dict[str, PortalResult] = {}
    items = data.get("results") if isinstance(data, dict) else None
    if isinstance(items, list):
        for item in items:
            if not isinstance(item, dict):
                continue
            key = item.get("idempotency_key")
            status = item.get("status")
            if not isinstance(key, str) or status not in ("accepted", "duplicate", "rejected"):
                continue
            violations = item.get("violations") or []
            results[key] = PortalResult(
                idempotency_key=key,
                status=status,
                violations=violations if isinstance(violations, list) else [],
                record_id=item.get("record_id") if isinstance(item.get("record_id"), str) else None,
                payload_hash=item.get("payload_hash") if isinstance(item.get("payload_hash"), str) else None,
            )
    for key in sent_keys:
        results.setdefault(key, PortalResult(idempotency_key=key, status="missing"))
    return results


def problem_code(data: Any) -> str | None:
    if isinstance(data, dict):
        code = data.get("code")
        if isinstance(code, str):
            return code
        kind = data.get("type")
        if isinstance(kind, str) and kind.startswith("urn:labsync:problem:"):
            return kind.rsplit(":", 1)[1]
    return None
