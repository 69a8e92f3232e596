"""Demo data for the reference portal: labs, clients, users, awards, locations, personnel and the policy pack.

Reference implementation only. Reference data is deterministic (same content, same ETags, on every
machine); secrets (client secrets, user passwords) are random per database and kept in ``demo_credentials`` so
the portal can print the demo client's on every start.

Identities:

- ``labsync-demo``: confidential client, every lab, roles submitter + pi, every record type (stands for a
  PI-delegated service account, so it may submit attestations).
- ``lab-a-client``: confidential client, LAB-A only, role submitter (attestations need a PI: refused).
- ``reader-client``: confidential client, scopes ``reference:read records:read`` only.
- ``labsync-desktop``: public client; authorization code + PKCE (loopback redirect), device flow, refresh.
  Its tokens carry the signed-in user's labs and roles.
- users ``alice`` (PI, LAB-A), ``ben`` (PI, LAB-B), ``carol`` (lab manager of LAB-A and LAB-B, not a PI).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.portal.contract import (
    ALL_LABS,
    ALL_SCOPES,
    GRANT_AUTHORIZATION_CODE,
    GRANT_CLIENT_CREDENTIALS,
    GRANT_DEVICE_CODE,
    GRANT_REFRESH_TOKEN,
    RECORD_TYPES,
    ROLE_PI,
    SCOPE_READ,
    SCOPE_REFERENCE,
)
from app.portal.store import PortalStore, hash_password, token_digest

DEMO_CLIENT_ID = "labsync-demo"
LAB_A_CLIENT_ID = "lab-a-client"
READER_CLIENT_ID = "reader-client"
DESKTOP_CLIENT_ID = "labsync-desktop"
PI_USERNAME = "alice"
PI_B_USERNAME = "ben"
MANAGER_USERNAME = "carol"

LABS: tuple[tuple[str, str], ...] = (
    ("LAB-A", "Nguyen Lab (Chemistry)"),
    ("LAB-B", "Okafor Lab (Molecular Biology)"),
    ("LAB-C", "Shared Instrumentation Core"),
)

_BUILDINGS: tuple[tuple[str, str], ...] = (
    ("Hildebrand Hall", "LAB-A"),
    ("Stanley Hall", "LAB-B"),
    ("Tan Hall", "LAB-C"),
    ("Latimer Hall", "LAB-A"),
)


@dataclass(frozen=True)
class _Identity:
    client_id: str
    name: str
    public: bool
    labs: tuple[str, ...]
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    grants: tuple[str, ...]


_CLIENTS: tuple[_Identity, ...] = (
    _Identity(
        DEMO_CLIENT_ID,
        "LabSync demo automation (PI-delegated)",
        False,
        (ALL_LABS,),
        ("submitter", ROLE_PI),
        ALL_SCOPES,
        (GRANT_CLIENT_CREDENTIALS,),
    ),
    _Identity(
        LAB_A_CLIENT_ID,
        "Lab A automation",
        False,
        ("LAB-A",),
        ("submitter",),
        ALL_SCOPES,
        (GRANT_CLIENT_CREDENTIALS,),
    ),
    _Identity(
        READER_CLIENT_ID,
        "Read-only reporting",
        False,
        (ALL_LABS,),
        ("reader",),
        (SCOPE_REFERENCE, SCOPE_READ),
        (GRANT_CLIENT_CREDENTIALS,),
    ),
    _Identity(
        DESKTOP_CLIENT_ID,
        "LabSync desktop app",
        True,
        (),
        (),
        ALL_SCOPES,
        (GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN, GRANT_DEVICE_CODE),
    ),
)

# username, person_id, name, email, labs, roles
_USERS: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (PI_USERNAME, "P0001", "Dr. Alice Nguyen", "alice.nguyen@university.example", ("LAB-A",), (ROLE_PI,)),
    (PI_B_USERNAME, "P0002", "Dr. Ben Okafor", "ben.okafor@university.example", ("LAB-B",), (ROLE_PI,)),
    (
        MANAGER_USERNAME,
        "P0003",
        "Carol Reyes",
        "carol.reyes@university.example",
        ("LAB-A", "LAB-B"),
        ("manager",),
    ),
)

_FIRST = ("Maya", "Jonas", "Priya", "Tomás", "Wen", "Fatima", "Lukas", "Aisha", "Diego", "Hana")
_LAST = ("Schmidt", "Patel", "García", "Kim", "Haddad", "Novak", "Silva", "Ito", "Brown", "Mensah")


def seed_demo_data(store: PortalStore, *, policy_file: Path | None = None) -> None:
    """Seed an empty store (does nothing to a store already seeded) and publish the policy pack."""
    if store.meta("seeded") is None:
        _seed(store)
    publish_policy_file(store, policy_file)


def _seed(store: PortalStore) -> None:
    with store.transaction() as conn:
        for lab_id, name in LABS:
            conn.execute("INSERT INTO labs (lab_id, name) VALUES (?, ?)", (lab_id, name))
        for ident in _CLIENTS:
            secret = None if ident.public else secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO clients (client_id, name, secret_sha256, labs, roles, record_types, scopes,"
                " grants) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ident.client_id,
                    ident.name,
                    None if secret is None else token_digest(secret),
                    json.dumps(list(ident.labs)),
                    json.dumps(list(ident.roles)),
                    json.dumps(list(RECORD_TYPES)),
                    " ".join(ident.scopes),
                    " ".join(ident.grants),
                ),
            )
            if secret is not None:
                conn.execute(
                    "INSERT INTO demo_credentials (subject, secret) VALUES (?, ?)", (ident.client_id, secret)
                )
        people: list[dict[str, object]] = []
        for username, person_id, name, email, labs, roles in _USERS:
            password = secrets.token_urlsafe(12)
            conn.execute(
                "INSERT INTO users (username, person_id, password_hash, labs, roles) VALUES (?, ?, ?, ?, ?)",
                (
                    username,
                    person_id,
                    hash_password(password),
                    json.dumps(list(labs)),
                    json.dumps(list(roles)),
                ),
            )
            conn.execute(
                "INSERT INTO demo_credentials (subject, secret) VALUES (?, ?)", (f"user:{username}", password)
            )
            people.append(
                {
                    "person_id": person_id,
                    "name": name,
                    "email": email,
                    "roles": list(roles),
                    "labs": list(labs),
                }
            )
        for i in range(37):
            first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 3) % len(_LAST)]
            lab = LABS[i % len(LABS)][0]
            role = ("postdoc", "graduate student", "technician", "custodian")[i % 4]
            people.append(
                {
                    "person_id": f"P{i + 100:04d}",
                    "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}{i}@university.example".replace("á", "a"),
                    "roles": [role],
                    "labs": [lab],
                }
            )
        for person in people:
            conn.execute(
                "INSERT INTO personnel (person_id, data) VALUES (?, ?)",
                (person["person_id"], json.dumps(person, sort_keys=True)),
            )
        for i in range(120):
            sponsor = ("NSF", "NIH", "DOE", "NSF")[i % 4]
            lab = LABS[i % 2][0]
            number = (
                f"NSF-{2400001 + i}"
                if sponsor == "NSF"
                else (f"R01GM{140000 + i}" if sponsor == "NIH" else f"DE-SC{20000 + i:07d}")
            )
            start = dt.date(2023, 1 + i % 12, 1)
            award = {
                "award_number": number,
                "sponsor": sponsor,
                "title": f"Demo award {i + 1}",
                "pi_person_id": "P0001" if lab == "LAB-A" else "P0002",
                "lab": lab,
                "start_date": start.isoformat(),
                "end_date": start.replace(year=start.year + 4).isoformat(),
                "required_cost_share_percent": "30" if i % 10 == 0 and sponsor == "NSF" else None,
            }
            conn.execute(
                "INSERT INTO awards (award_number, data) VALUES (?, ?)",
                (number, json.dumps(award, sort_keys=True)),
            )
        for building, lab in _BUILDINGS:
            for floor in range(1, 4):
                for n in range(1, 6):
                    room = f"{floor}{n:02d}"
                    loc = {
                        "building": building,
                        "room": room,
                        "lab": lab,
                        "description": f"{building} room {room}",
                    }
                    conn.execute(
                        "INSERT INTO locations (building, room, data) VALUES (?, ?, ?)",
                        (building, room, json.dumps(loc, sort_keys=True)),
                    )
        store.set_meta(conn, "seeded", "1")


def policy_version_of(content: str) -> str:
    """The ``version`` of a policy TOML text (top level, or in a ``[policy]``/``[meta]`` table)."""
    data = tomllib.loads(content)
    for candidate in (data, data.get("policy", {}), data.get("meta", {})):
        if isinstance(candidate, dict) and isinstance(candidate.get("version"), str | int | float):
            return str(candidate["version"])
    raise ValueError("the policy file has no version")


def bundled_policy_file() -> Path | None:
    from app.resources import resource_path

    path = resource_path("policy", "policy.toml")
    return path if path.is_file() else None


def publish_policy_file(store: PortalStore, policy_file: Path | None) -> str | None:
    """Publish ``policy_file`` (default: the bundled policy) unless that version is already published."""
    path = policy_file or bundled_policy_file()
    if path is None:
        return None
    content = path.read_text(encoding="utf-8")
    version = policy_version_of(content)
    store.publish_policy(version, content)
    return version
