"""Header synonyms a lab manager expects; the attestation e-signature fields (statement, signer, time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.validation import load_dictionary, open_validation
from app.validation.checkers import parse_datetime
from app.validation.engine import payload_of
from app.validation.models import json_schema, record_models

from .conftest import validator


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Responsible PI", "owner"),
        ("Responsible  P.I.", "owner"),
        ("PI Last Name", "owner"),
        ("Bench / shelf", "storage_location"),
        ("Bench/Shelf", "storage_location"),
        ("Shelf", "storage_location"),
        ("Cabinet", "storage_location"),
        ("Storage Location", "storage_location"),
        ("Cabinet / Shelf", "storage_location"),
        ("Container Volume", "quantity"),
        ("Amount Units", "unit"),
        ("Lab/Room", "room"),
        ("Date of Receipt", "date_received"),
        ("Expire Date", "expiration_date"),
    ],
)
def test_chemical_inventory_synonyms(header: str, field: str) -> None:
    assert load_dictionary().record_type("chemical_inventory").candidates(header)[0] == field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Statement", "statement_text"),
        ("Certification Statement", "statement_text"),
        ("Statement Version", "statement_version"),
        ("Form Version", "statement_version"),
        ("Signed By", "signed_by"),
        ("Signer", "signed_by"),
        ("Signed At", "signed_at"),
        ("Signature Timestamp", "signed_at"),
    ],
)
def test_attestation_signature_synonyms(header: str, field: str) -> None:
    assert load_dictionary().record_type("attestation").candidates(header)[0] == field


def test_attestation_signature_fields_are_optional_in_model_and_schema() -> None:
    record = load_dictionary().record_type("attestation")
    for name in ("statement_text", "statement_version", "signed_by", "signed_at"):
        assert name in record.field_names
        assert not record.field(name).required
    schema = json_schema("attestation")
    assert schema["properties"]["signed_at"]["anyOf"][0] == {"format": "date-time", "type": "string"}
    assert "signed_at" not in schema.get("required", [])


def test_parse_datetime() -> None:
    assert parse_datetime("2025-07-15T09:41:07Z") == dt.datetime(2025, 7, 15, 9, 41, 7, tzinfo=dt.UTC)
    assert parse_datetime("2025-07-15 09:41") == dt.datetime(2025, 7, 15, 9, 41)
    assert parse_datetime("2025-07-15T09:41:07.25-07:00") == dt.datetime(
        2025, 7, 15, 9, 41, 7, 250000, tzinfo=dt.timezone(-dt.timedelta(hours=7))
    )
    for bad in ("2025-07-15", "07/15/2025 9:41", "2025-02-30 10:00", "2025-07-15T24:00", "soon"):
        assert parse_datetime(bad) is None, bad


def test_e_signed_attestation_payload_and_model() -> None:
    row = {
        "attestation_type": "chemical inventory review",
        "pi_name": "Dr. Nguyen",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "attested": "yes",
        "statement_text": "I certify that my chemical inventory is complete and accurate.",
        "statement_version": "cheminv-2025.2",
        "signed_by": "cnguyen@university.edu",
        "signed_at": "2026-01-05T10:15:00Z",
    }
    result = validator("attestation").check_row(2, row)
    assert result.is_valid, result.violations  # signed electronically: no signature date needed
    payload = payload_of(result, "attestation")
    assert payload["signed_at"] == "2026-01-05T10:15:00+00:00"
    assert payload["statement_version"] == "cheminv-2025.2"  # kept exactly as written
    assert payload["signed_by"] == "cnguyen@university.edu"
    assert payload["signature_date"] is None
    record_models()["attestation"].model_validate(payload)
    again = validator("attestation").check_row(2, {k: v or "" for k, v in payload.items() if k in row})
    assert again.is_valid
    assert payload_of(again, "attestation") == payload


def test_e_signature_columns_read_from_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "att.csv"
    path.write_text(
        "Attestation Type,PI Name,Period Start,Period End,Attested,Statement,Form Version,Signer,Signed At\n"
        "Training completion,Eli Haddad,2025-01-01,2025-06-30,Y,I completed the training.,T-3,eh,"
        "2025-07-01 08:00\n",
        encoding="utf-8",
    )
    with open_validation(path, as_of=dt.date(2026, 1, 15)) as run:
        results = list(run.results())
        assert run.record_type == "attestation"
    assert results[0].is_valid, results[0].violations
    assert results[0].values["signed_at"] == dt.datetime(2025, 7, 1, 8, 0)
