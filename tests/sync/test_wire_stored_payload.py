"""The batch body uses the workspace's stored canonical payload text as is: it must be byte-identical to the
body built by serializing the parsed payload (request fingerprints must not change)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.sync import wire

from .harness import fill_outbox


def test_body_from_stored_payload_text_is_byte_identical(workspace: Any, tmp_path: Path) -> None:
    names = {0: "Äthanol ‘quoted’ \\ back", 1: 'He said "x"', 2: "Ｆｕｌｌ　width", 3: "e\u0301 combining"}
    fill_outbox(workspace, tmp_path, 6, names=names)
    entries = workspace.due_outbox(10, dt.datetime.now(dt.UTC))
    assert all(e.payload_json for e in entries)
    plain = [
        SimpleNamespace(
            **{
                k: getattr(e, k)
                for k in (
                    "id",
                    "idempotency_key",
                    "record_type",
                    "classification",
                    "source_identity",
                    "batch_id",
                    "row_id",
                )
            },
            payload=e.payload,
        )
        for e in entries
    ]
    assert wire.batch_body(entries, "LAB-A") == wire.batch_body(plain, "LAB-A")
    # and each record is exactly the canonical JSON of the contract's record
    for entry in entries:
        assert wire._record_text(entry, "LAB-A").encode() == wire.canonical_bytes(
            wire.wire_record(entry, "LAB-A")
        )


def test_envelope_values_read_from_the_stored_text_match_a_full_parse() -> None:
    from app.workspace.canonical import canonical_json

    payloads = [
        {"owner": "Alice", "room": "101"},
        {"lab": "LAB-B", "owner": 'O\'Neil \\ "x"', "z": None},
        {"lab_id": "LAB-C", "note": '{"owner":"Mallory"}'},  # not flat: parsed in full
        {"items": [1, 2], "owner": "Bob"},
        {"a": "ends with a backslash \\", "owner": "Eve", "x": ',"lab":"LAB-X"'},
        {"owner": 7, "lab": ""},
        {},
    ]
    for number, payload in enumerate(payloads, start=1):
        text = canonical_json(payload)
        entry = SimpleNamespace(
            id=number,
            idempotency_key=f"k{number}",
            record_type="chemical_inventory",
            classification="OSHA_INVENTORY",
            source_identity="s",
            payload_json=text,
            payload=json.loads(text),
        )
        expected = wire.canonical_bytes(wire.wire_record(entry, "LAB-A"))
        assert wire._record_text(entry, "LAB-A").encode() == expected, payload
