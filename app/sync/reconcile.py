"""Reconciliation: compare what the workspace believes the portal holds with what the portal says it has.

Walks the portal's record cursor (``GET /v1/records``) and compares each ACKED outbox entry's payload hash
with the portal's. Reports every mismatch; changes nothing (a person decides what to do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from app.sync import wire

if TYPE_CHECKING:
    from app.sync.client import SyncClient

MismatchKind = Literal["hash_mismatch", "missing_on_portal", "not_acked_locally"]


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    idempotency_key: str
    outbox_id: int | None
    local_state: str | None
    local_hash: str | None
    portal_hash: str | None
    portal_record_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "idempotency_key": self.idempotency_key,
            "outbox_id": self.outbox_id,
            "local_state": self.local_state,
            "local_hash": self.local_hash,
            "portal_hash": self.portal_hash,
            "portal_record_id": self.portal_record_id,
        }


@dataclass
class ReconcileReport:
    acked_local: int = 0
    portal_records: int = 0
    matched: int = 0
    portal_only: int = 0  # records on the portal this workspace never sent (other workstations)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def to_json(self) -> dict[str, Any]:
        return {
            "acked_local": self.acked_local,
            "portal_records": self.portal_records,
            "matched": self.matched,
            "portal_only": self.portal_only,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


def _state(entry: Any) -> str:
    state = getattr(entry, "state", "")
    return str(getattr(state, "value", state))


def reconcile(client: SyncClient, *, page_size: int = 1000) -> ReconcileReport:
    # a superseded entry shares nothing with its successor's key; keep the latest state per key
    local = {str(e.idempotency_key): e for e in client.workspace.outbox()}
    report = ReconcileReport(acked_local=sum(1 for e in local.values() if _state(e) == "ACKED"))
    seen: set[str] = set()
    for item in client.iter_pages(wire.RECORDS_PATH, limit=page_size):
        report.portal_records += 1
        key = str(item.get("idempotency_key"))
        seen.add(key)
        entry = local.get(key)
        portal_hash = item.get("payload_hash")
        record_id = item.get("record_id")
        if entry is None:
            report.portal_only += 1
            continue
        local_hash = wire.entry_payload_hash(entry)
        state = _state(entry)
        if state != "ACKED":
            kind: MismatchKind = "not_acked_locally"
        elif local_hash != portal_hash:
            kind = "hash_mismatch"
        else:
            report.matched += 1
            continue
        report.mismatches.append(
            Mismatch(kind, key, int(entry.id), state, local_hash, str(portal_hash), str(record_id))
        )
    for key, entry in local.items():
        if _state(entry) == "ACKED" and key not in seen:
            report.mismatches.append(
                Mismatch(
                    "missing_on_portal",
                    key,
                    int(entry.id),
                    "ACKED",
                    wire.entry_payload_hash(entry),
                    None,
                    None,
                )
            )
    return report
