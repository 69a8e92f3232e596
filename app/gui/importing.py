"""What the GUI needs to know about a file before importing it: sheets, header row, suggested mapping,
preview.

The decisions (which record type, which column is which field) are the validation package's; this module only
collects them for the sheet chooser and the mapping dialog, and remembers a user's mapping per template (files
with the same header cells), which is a preference of the desktop user.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.gui.delegates import FieldSpec, field_specs
from app.paths import current_paths, ensure_private_dir

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30
PREVIEW_ROWS = 5


@dataclass
class ImportRequest:
    path: Path
    sheet: str | None
    record_type: str | None
    mapping: dict[str, str] | None


@dataclass
class FileInspection:
    path: Path
    sheet: str | None
    headers: list[str]
    record_type: str | None
    suggested: dict[str, str | None]  # source header -> canonical field (None: unmapped)
    preview: list[list[str]]
    problems: list[str] = field(default_factory=list)
    remembered: bool = False

    @property
    def unmapped(self) -> list[str]:
        return [h for h in self.headers if h and not self.suggested.get(h)]

    @property
    def needs_mapping(self) -> bool:
        """Ask when the type is unknown, a required column is missing, or a column is not recognised."""
        if self.remembered:
            return False
        return self.record_type is None or bool(self.problems) or bool(self.unmapped)

    def request(self) -> ImportRequest:
        mapping = {h: f for h, f in self.suggested.items() if f} if self.remembered else None
        return ImportRequest(self.path, self.sheet, self.record_type, mapping)


def list_sheets(path: Path) -> list[str]:
    from app.ingest import open_table

    with open_table(path) as reader:
        return [s.name for s in reader.sheets() if s.visible]


def record_types() -> list[str]:
    from app.validation.dictionary import load_dictionary

    return list(load_dictionary().record_types)


def fields_of(record_type: str) -> list[FieldSpec]:
    return list(field_specs(record_type).values())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value).strip()


def _scan(
    path: Path, sheet: str | None
) -> tuple[list[str], list[list[str]], str | None, dict[str, str | None]]:
    """Find the header row (the one mapping most fields of some record type) and the rows after it."""
    from app.ingest import open_table
    from app.validation.dictionary import load_dictionary

    dictionary = load_dictionary()
    best: tuple[int, int, str | None, list[str]] = (0, -1, None, [])
    rows: list[list[str]] = []
    with open_table(path) as reader:
        for i, source in enumerate(reader.rows(sheet)):
            if source.is_blank():
                continue
            cells = [_cell(v) for v in source.values]
            rows.append(cells)
            if len(rows) <= HEADER_SCAN_ROWS:
                for rt in dictionary.record_types.values():
                    mapped = rt.map_headers(cells)
                    required = sum(1 for f in mapped.values() if rt.field(f).required)
                    score = len(mapped) * 10 + required
                    if score > best[0]:
                        best = (score, len(rows) - 1, rt.name, cells)
            if len(rows) > HEADER_SCAN_ROWS and len(rows) > best[1] + PREVIEW_ROWS + 1:
                break
            if i > HEADER_SCAN_ROWS + PREVIEW_ROWS + 5:
                break
    _score, header_at, rtype, headers = best
    if header_at < 0:
        headers = rows[0] if rows else []
        header_at = 0
    suggested: dict[str, str | None] = {h: None for h in headers if h}
    if rtype is not None:
        rt = dictionary.record_type(rtype)
        for index, fname in rt.map_headers(headers).items():
            suggested[headers[index]] = fname
    preview = rows[header_at + 1 : header_at + 1 + PREVIEW_ROWS]
    return headers, preview, rtype, suggested


def inspect_file(path: Path, sheet: str | None) -> FileInspection:
    headers, preview, guessed_type, suggested = _scan(path, sheet)
    problems: list[str] = []
    record_type = guessed_type
    if _has_engine():
        from app.validation.engine import open_validation

        try:
            with open_validation(path, sheet=sheet) as run:
                record_type = run.record_type
                for header, fname in dict(run.mapping).items():
                    suggested[str(header)] = fname
                problems = [v.message for v in run.file_issues if v.code == "HEADER_MISSING"]
        except Exception as exc:  # an ambiguous or unknown type: the dialog lets the user choose
            log.info("validation could not settle %s: %s", path, exc)
            problems = [str(exc)]
            record_type = guessed_type
    info = FileInspection(path, sheet, [h for h in headers if h], record_type, suggested, preview, problems)
    remembered = recall_mapping(info.headers)
    if remembered is not None:
        rtype, mapping = remembered
        info.record_type = rtype
        info.suggested = {h: mapping.get(h) for h in info.headers}
        info.remembered = True
        info.problems = []
    return info


def _has_engine() -> bool:
    import importlib.util

    return importlib.util.find_spec("app.validation.engine") is not None


# -- remembered templates
# ----------------------------------------------------------------------------------------
def _templates_file() -> Path:
    return ensure_private_dir(current_paths().config_dir) / "mapping-templates.json"


def template_signature(headers: Sequence[str]) -> str:
    norm = "\x1f".join(h.strip().casefold() for h in headers if h and h.strip())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]


def _load_templates() -> dict[str, Any]:
    path = _templates_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_mapping(headers: Sequence[str], record_type: str, mapping: dict[str, str]) -> None:
    data = _load_templates()
    data[template_signature(headers)] = {
        "record_type": record_type,
        "mapping": mapping,
        "headers": list(headers),
    }
    path = _templates_file()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def recall_mapping(headers: Sequence[str]) -> tuple[str, dict[str, str]] | None:
    entry = _load_templates().get(template_signature(headers))
    if not isinstance(entry, dict):
        return None
    return str(entry["record_type"]), {str(k): str(v) for k, v in dict(entry["mapping"]).items()}
