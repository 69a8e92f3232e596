"""Reference data pulled from the portal (awards, locations, personnel), used for AWARD_UNKNOWN and
LOCATION_UNKNOWN warnings. The workspace/sync fills it; validation only reads it.

Comparison is on normalized keys: award numbers as codes (case, dashes and invisible characters unified),
buildings and rooms case-, space- and punctuation-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.validation.normalize import clean_code, enum_key


def award_key(value: str) -> str:
    return clean_code(value)


def place_key(value: str) -> str:
    return enum_key(value)


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """Known awards, locations and personnel.

    ``locations`` holds ``(building, room)`` pairs; a pair with room ``None`` (or ``""``) makes every
    room of that
    building known. An empty collection means "not provided": no warning is raised for that kind.
    """

    awards: frozenset[str] = field(default_factory=frozenset)
    locations: frozenset[tuple[str, str | None]] = field(default_factory=frozenset)
    personnel: frozenset[str] = field(default_factory=frozenset)
    version: str = ""

    @classmethod
    def build(
        cls,
        *,
        awards: Iterable[str] = (),
        locations: Iterable[tuple[str, str | None]] = (),
        personnel: Iterable[str] = (),
        version: str = "",
    ) -> ReferenceData:
        return cls(
            awards=frozenset(award_key(a) for a in awards if a and a.strip()),
            locations=frozenset((place_key(b), place_key(r) if r else None) for b, r in locations if b),
            personnel=frozenset(place_key(p) for p in personnel if p),
            version=version,
        )

    def knows_award(self, award: str) -> bool:
        return not self.awards or award_key(award) in self.awards

    def knows_location(self, building: str, room: str | None) -> bool:
        if not self.locations:
            return True
        b = place_key(building)
        if (b, None) in self.locations:
            return True
        return room is not None and (b, place_key(room)) in self.locations

    def knows_person(self, name: str) -> bool:
        return not self.personnel or place_key(name) in self.personnel
