"""Bundled resources: JSON Schemas up to date, dictionary well formed, samples reproducible and documented."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from app.ingest import open_table
from app.resources import resource_path
from app.validation import load_dictionary, open_validation
from app.validation.models import schema_text

TYPES = ["chemical_inventory", "equipment", "waste_manifest", "cost_share", "attestation"]


@pytest.mark.parametrize("record_type", TYPES)
def test_exported_schema_is_up_to_date(record_type: str) -> None:
    path = resource_path("schemas", f"{record_type}.json")
    assert path.read_text(encoding="utf-8") == schema_text(record_type), (
        "resources/schemas is stale: run `python -m app.validation.models`"
    )
    schema = json.loads(path.read_text(encoding="utf-8"))
    required = set(schema.get("required", []))
    assert required == set(load_dictionary().record_type(record_type).required)


def test_dictionary_types_and_classifications() -> None:
    dictionary = load_dictionary()
    assert list(dictionary.record_types) == TYPES
    for record in dictionary.record_types.values():
        assert record.citation
        assert record.required
        if record.key:
            assert record.key in record.field_names
        for spec in record.fields:
            if spec.type == "enum":
                assert spec.enum is not None
                assert spec.enum.values
    units = dictionary.enums["chem_unit"]
    for spelling, canonical in {
        "ug": "µg",
        "mcg": "µg",
        "uL": "µL",
        "ml": "mL",
        "liters": "L",
        "lbs": "lb",
        "Gallons": "gal",
        "qt": "qt",
        "oz": "oz",
        "KG": "kg",
    }.items():
        assert units.match(spelling) == canonical, spelling


def _load_maker() -> object:
    spec = importlib.util.spec_from_file_location("make_samples", resource_path("samples", "make_samples.py"))
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[tuple[object, ...]]:
    with open_table(path) as reader:
        out = []
        for sheet in reader.sheets():
            out += [
                (sheet.name, r.number, tuple(r.values), r.hidden, r.merged_columns)
                for r in reader.rows(sheet.name)
            ]
        return out


@pytest.mark.parametrize(
    "name",
    ["chemical_inventory.xlsx", "equipment.csv", "waste_manifest.xlsx", "cost_share.csv", "attestation.csv"],
)
def test_samples_are_reproducible(tmp_path: Path, name: str) -> None:
    maker = _load_maker()
    builder = getattr(maker, name.replace(".", "_"))
    builder(tmp_path / name)
    assert _rows(tmp_path / name) == _rows(resource_path("samples", name))


EXPECTED = {
    "chemical_inventory.xlsx": {
        "HIDDEN_ROW",
        "MERGED_CELL",
        "FORMULA_ERROR",
        "CAS_CHECKSUM",
        "SDS_MISSING",
        "VALUE_NOT_ALLOWED",
        "DUPLICATE_KEY",
        "CONTAINER_EXPIRED",
        "DATE_IN_FUTURE",
        "GHS_CODE_UNKNOWN",
        "TYPE_INVALID",
    },
    "equipment.csv": {
        "DEPRECIATION_MISSING",
        "VALUE_OUT_OF_RANGE",
        "DATE_IN_FUTURE",
        "DUPLICATE_KEY",
        "TYPE_INVALID",
        "REQUIRED_MISSING",
    },
    "waste_manifest.xlsx": {
        "ACCUMULATION_EXCEEDED",
        "QUANTITY_NOT_WHOLE",
        "MANIFEST_NUMBER_INVALID",
        "EPA_ID_INVALID",
        "RCRA_CODE_UNKNOWN",
        "VALUE_NOT_ALLOWED",
    },
    "cost_share.csv": {
        "COST_SHARE_EXCEEDS_CAP",
        "VOLUNTARY_COMMITTED_PROHIBITED",
        "VALUE_OUT_OF_RANGE",
        "VALUE_NOT_ALLOWED",
    },
    "attestation.csv": {
        "CERTIFIED_BEFORE_PERIOD_END",
        "SALARY_ABOVE_CAP",
        "TYPE_INVALID",
        "ATTESTATION_UNSIGNED",
        "PERIOD_INVALID",
    },
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_samples_show_their_mistakes(name: str) -> None:
    with open_validation(resource_path("samples", name), as_of=dt.date(2026, 1, 15)) as run:
        found = {v.code for r in run.results() for v in r.violations}
        assert run.valid_rows > 0
        assert run.invalid_rows > 0
    assert found == EXPECTED[name]
    assert name.split(".")[0] == run.record_type


def _payload_text(value: object) -> str:
    """A payload value as text, the way the portal feeds payloads back to the RowValidator."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_payloads_revalidate_to_the_same_outcome(name: str) -> None:
    from app.validation import RowValidator, load_policy, payload_of

    as_of = dt.date(2026, 1, 15)
    with open_validation(resource_path("samples", name), as_of=as_of) as run:
        results = [r for r in run.results() if r.is_valid]
        record_type = run.record_type
    assert results
    validator = RowValidator(record_type, load_policy(), as_of)
    layout = {"HIDDEN_ROW", "MERGED_CELL", "DUPLICATE_KEY"}
    for result in results:
        payload = payload_of(result, record_type)
        again = validator.check_row(result.row, {k: _payload_text(v) for k, v in payload.items()})
        assert again.is_valid, (result.row, again.violations)
        assert [v.code for v in again.violations] == [
            v.code for v in result.violations if v.code not in layout
        ]
        assert payload_of(again, record_type) == payload
