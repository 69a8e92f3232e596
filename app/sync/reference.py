"""``labsync pull``: reference data (awards, locations, personnel) and the policy pack, into the workspace.

Every page of every list is fetched with ``If-None-Match`` (the ETag stored with that page last time); a 304
reuses the stored page, so an unchanged list costs one small request per page. Rate limits (429 with
Retry-After) are honoured by the client's retry policy. Validation then works offline from the stored
lists (AWARD_UNKNOWN / LOCATION_UNKNOWN), and the portal's policy pack replaces the bundled policy when its
version is newer.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.paths import current_paths, ensure_private_dir
from app.sync import wire
from app.sync.errors import ProtocolError

if TYPE_CHECKING:
    from app.sync.client import SyncClient

log = logging.getLogger(__name__)

KINDS = tuple(wire.REFERENCE_PATHS)
POLICY_KIND = "policy"


@dataclass
class KindReport:
    items: int = 0
    pages: int = 0
    not_modified: int = 0
    changed: bool = False


@dataclass
class PullReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    policy_version: str | None = None
    policy_installed: bool = False
    policy_note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": {
                k: {"items": r.items, "pages": r.pages, "not_modified": r.not_modified, "changed": r.changed}
                for k, r in self.kinds.items()
            },
            "policy": {
                "version": self.policy_version,
                "installed": self.policy_installed,
                "note": self.policy_note,
            },
        }


# --- storage: the workspace's reference store ---------------------------------------------------------------


def load_cached(workspace: Any, kind: str) -> dict[str, Any] | None:
    value: dict[str, Any] | None = workspace.reference_data(kind)
    return value


def store_cached(workspace: Any, kind: str, data: dict[str, Any]) -> None:
    workspace.store_reference(kind, data)


# --- pulling ------------------------------------------------------------------------------------------------


def _pull_list(client: SyncClient, kind: str, page_size: int) -> KindReport:
    path = wire.REFERENCE_PATHS[kind]
    cached = load_cached(client.workspace, kind) or {}
    old_pages: list[dict[str, Any]] = [p for p in cached.get("pages", []) if isinstance(p, dict)]
    pages: list[dict[str, Any]] = []
    report = KindReport()
    cursor: str | None = None
    while True:
        index = len(pages)
        previous = old_pages[index] if index < len(old_pages) else None
        if previous is not None and previous.get("cursor") != cursor:
            previous = None
        headers = {"If-None-Match": str(previous["etag"])} if previous and previous.get("etag") else None
        params: dict[str, Any] = {"limit": page_size}
        if cursor:
            params["cursor"] = cursor
        response = client.get_json(path, params=params, headers=headers)
        if response.status_code == 304 and previous is not None:
            page = previous
            report.not_modified += 1
        else:
            data = response.json()
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                raise ProtocolError(f"GET {path}: not a page")
            page = {
                "cursor": cursor,
                "etag": response.headers.get("ETag"),
                "items": [i for i in data["items"] if isinstance(i, dict)],
                "next_cursor": data.get("next_cursor"),
            }
            report.changed = True
        pages.append(page)
        report.pages += 1
        report.items += len(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    if len(pages) != len(old_pages):
        report.changed = True
    if report.changed or not cached:
        items = [item for page in pages for item in page["items"]]
        store_cached(
            client.workspace,
            kind,
            {"fetched_at": datetime.now(UTC).isoformat(), "pages": pages, "items": items},
        )
    return report


def _version_key(version: str) -> tuple[tuple[int, object], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-+]", version))


def is_newer(candidate: str, current: str) -> bool:
    return _version_key(candidate) > _version_key(current)


def policy_dir() -> Path:
    return current_paths().data_dir / "policy"


def installed_policy_path() -> Path:
    """Where the portal's policy pack is kept once installed (validation loads it over the bundled one)."""
    from app.workspace.validation_context import pulled_policy_path

    return pulled_policy_path()


def _pull_policy(client: SyncClient, report: PullReport) -> None:
    cached = load_cached(client.workspace, POLICY_KIND) or {}
    headers = {"If-None-Match": str(cached["etag"])} if cached.get("etag") else None
    response = client.get_json(wire.POLICY_PATH, headers=headers)
    if response.status_code == 304:
        report.policy_version = cached.get("version")
        report.policy_note = "unchanged"
        return
    pack = response.json()
    if not isinstance(pack, dict) or not isinstance(pack.get("content"), str) or not pack.get("version"):
        raise ProtocolError("the portal's policy pack is malformed")
    content: str = pack["content"]
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    if pack.get("sha256") and pack["sha256"] != digest:
        raise ProtocolError("the portal's policy pack does not match its sha256")
    version = str(pack["version"])
    report.policy_version = version
    store_cached(
        client.workspace,
        POLICY_KIND,
        {
            "etag": response.headers.get("ETag"),
            "version": version,
            "sha256": digest,
            "published_at": pack.get("published_at"),
            "content": content,
        },
    )
    current = _current_policy_version()
    if current is not None and not is_newer(version, current):
        report.policy_note = f"portal policy {version} is not newer than the policy in use ({current})"
        return
    _install_policy(content)
    report.policy_installed = True
    report.policy_note = f"installed portal policy {version}" + (f" (was {current})" if current else "")


def _current_policy_version() -> str | None:
    try:
        from app.validation.policy import load_policy
    except ImportError:  # pragma: no cover
        return None
    path = installed_policy_path()
    try:
        return str(load_policy(path if path.is_file() else None).version)
    except Exception:  # an unreadable installed pack must not stop a pull that can replace it
        log.warning("the installed policy pack cannot be loaded; it will be replaced")
        return None


def _install_policy(content: str) -> None:
    from app.validation.policy import load_policy

    directory = ensure_private_dir(policy_dir())
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    tmp = directory / f".portal-policy-{digest}.toml.tmp"  # unique: load_policy caches by path
    tmp.write_text(content, "utf-8")
    load_policy(tmp)  # refuse a pack our engine cannot load (raises ConfigError naming the problem)
    tmp.replace(installed_policy_path())


def pull_reference(client: SyncClient, *, page_size: int = 500) -> PullReport:
    report = PullReport()
    for kind in KINDS:
        report.kinds[kind] = _pull_list(client, kind, page_size)
    _pull_policy(client, report)
    return report


# --- for validation: what the workspace hands to the engine offline -----------------------------------------


def reference_for_validation(workspace: Any) -> Any:
    """``app.validation.reference.ReferenceData`` built from the pulled lists, or None before the first pull
    (the workspace builds the same itself for its imports and edits: ``Workspace.validation_context``)."""
    from app.workspace.validation_context import reference_from

    return reference_from(lambda kind: load_cached(workspace, kind))


def policy_file_for_validation() -> Path | None:
    """The portal's policy pack once ``labsync pull`` installed it (newer than the bundled one), else None.

    The workspace loads the policy with ``load_policy(policy_file_for_validation())``."""
    path = installed_policy_path()
    return path if path.is_file() else None
