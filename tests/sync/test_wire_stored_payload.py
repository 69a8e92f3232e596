"""The batch body uses the workspace's stored canonical payload text as is: it must be byte-identical to the
body built by serializing the parsed payload (request fingerprints must not change)."""

from __future__ import annotations

import datetime as dt
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
