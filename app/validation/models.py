"""pydantic v2 models of the canonical records, generated from the data dictionary, and their JSON Schemas.

The models describe the payload :func:`app.validation.engine.payload_of` produces (what the portal receives):
Decimals travel as strings, never floats; dates as ISO strings; code lists as arrays. The JSON Schemas in
``resources/schemas/`` are exported from these models (``python -m app.validation.models``); a test keeps them
in step.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.resources import resource_path
from app.validation.dictionary import DataDictionary, FieldSpec, RecordType, load_dictionary

_PATTERNS = {
    "cas": r"^\d{2,7}-\d{2}-\d$",
    "manifest_number": r"^\d{9}[A-Z]{3}$",
    "epa_id": r"^[A-Z]{2}[A-Z0-9]{10}$",
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s.]+$",
}


class CanonicalRecord(BaseModel):
    """Base of the generated record models."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _annotation(spec: FieldSpec) -> tuple[Any, dict[str, Any]]:
    constraints: dict[str, Any] = {}
    kind: Any
    if spec.type in ("decimal", "money", "percent"):
        kind = Decimal
        for name in ("gt", "lt"):
            if getattr(spec, name) is not None:
                constraints[name] = getattr(spec, name)
        if spec.min is not None:
            constraints["ge"] = spec.min
        if spec.max is not None:
            constraints["le"] = spec.max
    elif spec.type == "integer":
        kind = int
        if spec.min is not None:
            constraints["ge"] = int(spec.min)
        if spec.max is not None:
            constraints["le"] = int(spec.max)
    elif spec.type == "date":
        kind = dt.date
    elif spec.type == "datetime":
        kind = dt.datetime
    elif spec.type == "bool":
        kind = bool
    elif spec.type == "enum":
        assert spec.enum is not None
        kind = Literal[spec.enum.values]
    elif spec.is_list:
        kind = list[str]
        constraints["min_length"] = 1
        if spec.max_items is not None:
            constraints["max_length"] = spec.max_items
    else:
        kind = str
        constraints["min_length"] = 1
        if spec.type in _PATTERNS:
            constraints["pattern"] = _PATTERNS[spec.type]
    return kind, constraints


def _model_name(record: RecordType) -> str:
    return "".join(part.capitalize() for part in record.name.split("_")) + "Record"


def build_model(record: RecordType) -> type[CanonicalRecord]:
    fields: dict[str, Any] = {}
    for spec in record.fields:
        kind, constraints = _annotation(spec)
        constraints["title"] = spec.display[:1].upper() + spec.display[1:]
        if spec.required:
            fields[spec.name] = (kind, Field(..., **constraints))
        else:
            fields[spec.name] = (kind | None, Field(None, **constraints))
    model = create_model(_model_name(record), __base__=CanonicalRecord, __doc__=record.title, **fields)
    return model


@cache
def record_models(dictionary: DataDictionary | None = None) -> dict[str, type[CanonicalRecord]]:
    """One model per record type, keyed by record type name."""
    dictionary = dictionary or load_dictionary()
    return {name: build_model(record) for name, record in dictionary.record_types.items()}


def json_schema(record_type: str) -> dict[str, Any]:
    model = record_models()[record_type]
    schema = model.model_json_schema(mode="validation")
    record = load_dictionary().record_type(record_type)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://labsync.example.edu/schemas/{record_type}.json"
    schema["x-labsync-classification"] = record.classification
    schema["x-labsync-key"] = record.key
    schema["x-labsync-dictionary-version"] = load_dictionary().version
    return schema


def schema_text(record_type: str) -> str:
    return json.dumps(json_schema(record_type), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(directory: Path | None = None) -> list[Path]:
    """Write ``<record_type>.json`` for every record type; returns the paths written."""
    directory = directory or resource_path("schemas")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in load_dictionary().record_types:
        path = directory / f"{name}.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for written_path in export_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written_path)
