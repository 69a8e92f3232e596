"""The one place that decides what imports and edits are validated against: (policy, reference data).

- Reference data: the portal's awards, locations and personnel that ``labsync pull`` stored in the workspace
  (table ``reference_data``), so AWARD_UNKNOWN / LOCATION_UNKNOWN work offline. None before the first pull.
- Policy (``app.validation.policy.policy_for``): the bundled pack, or the portal's pack installed by
  ``labsync pull`` when its version is newer; then the settings' ``policy_file``; then ``policy_overrides``
  (``app.config.settings``, with its precedence and site locks); then a file named for one import
  (``labsync import --policy FILE``).

``Workspace.import_file`` builds the context itself (the CLI and the GUI only call workspace methods); the
batch keeps a snapshot of the policy it was validated with, and its edits and submission use that snapshot
(with the current reference data), so a batch never mixes two policies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.paths import current_paths

KINDS = ("awards", "locations", "personnel")


@dataclass(frozen=True)
class ValidationContext:
    policy: Any
    reference: Any  # app.validation.reference.ReferenceData | None


def pulled_policy_path() -> Path:
    """Where ``labsync pull`` installs the portal's policy pack (this profile's data directory)."""
    return current_paths().data_dir / "policy" / "portal-policy.toml"


def pulled_policy_file() -> Path | None:
    """The installed portal policy pack, when there is one."""
    path = pulled_policy_path()
    return path if path.is_file() else None


def reference_from(cached: Callable[[str], Mapping[str, Any] | None]) -> Any:
    """``ReferenceData`` from the pulled lists (``cached(kind)`` -> the stored data), None before a pull."""
    from app.validation.reference import ReferenceData

    data = {kind: cached(kind) for kind in KINDS}
    if not any(data.values()):
        return None

    def items(kind: str) -> list[dict[str, Any]]:
        stored = data.get(kind) or {}
        return [i for i in stored.get("items", []) if isinstance(i, dict)]

    people: list[str] = []
    for person in items("personnel"):
        people += [str(person[k]) for k in ("name", "email", "person_id") if person.get(k)]
    versions = [str((data.get(k) or {}).get("fetched_at", "")) for k in KINDS]
    return ReferenceData.build(
        awards=[str(a["award_number"]) for a in items("awards") if a.get("award_number")],
        locations=[
            (str(loc["building"]), str(loc["room"]) if loc.get("room") else None)
            for loc in items("locations")
            if loc.get("building")
        ],
        personnel=people,
        version=max(versions),
    )


def load_app_settings() -> Any:
    """The effective application settings (``app.config.settings.load_settings``)."""
    from app.config.settings import load_settings

    return load_settings()
