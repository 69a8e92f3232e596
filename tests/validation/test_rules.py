"""Every rule: one row that breaks it and one that does not (starting from a valid row of its record type)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from app.validation import RULES, ReferenceData, Severity, load_policy
from app.validation.engine import payload_of
from app.validation.models import record_models

from .conftest import VALID, codes, validator

# (code, record type, breaking changes, passing changes)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("REQUIRED_MISSING", "chemical_inventory", {"chemical_name": "  "}, {"chemical_name": "Acetone"}),
    ("REQUIRED_MISSING", "chemical_inventory", {"room": None}, {"room": "2104"}),
    ("TYPE_INVALID", "chemical_inventory", {"quantity": "500 mL"}, {"quantity": "500"}),
    ("TYPE_INVALID", "chemical_inventory", {"date_received": "last spring"}, {"date_received": "03/14/2025"}),
    ("TYPE_INVALID", "attestation", {"attested": "maybe"}, {"attested": "Y"}),
    ("TYPE_INVALID", "chemical_inventory", {"quantity": "9e42"}, {"quantity": "1,000"}),
    ("TYPE_INVALID", "chemical_inventory", {"container_count": "2.5"}, {"container_count": "2.0"}),
    ("VALUE_NOT_ALLOWED", "chemical_inventory", {"unit": "bottle"}, {"unit": "liters"}),
    ("VALUE_NOT_ALLOWED", "chemical_inventory", {"physical_state": "powder"}, {"physical_state": "SOLID"}),
    ("VALUE_NOT_ALLOWED", "waste_manifest", {"container_type": "box"}, {"container_type": "cf"}),
    (
        "VALUE_NOT_ALLOWED",
        "cost_share",
        {"cost_share_type": "in-kind"},
        {"cost_share_type": "Voluntary_Uncommitted"},
    ),
    ("VALUE_OUT_OF_RANGE", "chemical_inventory", {"quantity": "0"}, {"quantity": "0.5"}),
    ("VALUE_OUT_OF_RANGE", "equipment", {"utilization_percent": "101"}, {"utilization_percent": "100%"}),
    ("VALUE_OUT_OF_RANGE", "equipment", {"unit_cost": "-1"}, {"unit_cost": "0"}),
    ("VALUE_OUT_OF_RANGE", "chemical_inventory", {"container_count": "0"}, {"container_count": "1"}),
    (
        "VALUE_OUT_OF_RANGE",
        "waste_manifest",
        {"waste_codes": "D001 D002 D003 D004 D005 D006 D007"},
        {"waste_codes": "D001 D002 D003 D004 D005 D006"},
    ),
    ("FORMULA_ERROR", "chemical_inventory", {"cas_number": "#N/A"}, {"cas_number": "67-64-1"}),
    ("FORMULA_ERROR", "equipment", {"unit_cost": "#DIV/0!"}, {"unit_cost": "100"}),
    (
        "DATE_IN_FUTURE",
        "chemical_inventory",
        {"date_received": "2026-01-16"},
        {"date_received": "2026-01-15"},
    ),
    ("DATE_IN_FUTURE", "equipment", {"acquisition_date": "2027-01-01"}, {"acquisition_date": "2025-12-31"}),
    ("DATE_IN_FUTURE", "attestation", {"signature_date": "2026-02-01"}, {"signature_date": "2026-01-15"}),
    ("CAS_FORMAT", "chemical_inventory", {"cas_number": "67641"}, {"cas_number": "67-64-1"}),
    ("CAS_CHECKSUM", "chemical_inventory", {"cas_number": "67-64-2"}, {"cas_number": "67‑64‑1"}),
    (
        "GHS_CODE_UNKNOWN",
        "chemical_inventory",
        {"hazard_codes": "H225, H433"},
        {"hazard_codes": "H361d, H300+H310"},
    ),
    ("GHS_CODE_UNKNOWN", "chemical_inventory", {"hazard_codes": "H999"}, {"hazard_codes": "h350i; EUH019"}),
    ("SDS_MISSING", "chemical_inventory", {"sds_reference": "TBD"}, {"sds_reference": "SDS-4411"}),
    (
        "SDS_MISSING",
        "chemical_inventory",
        {"sds_reference": None},
        {"sds_reference": None, "hazard_codes": ""},
    ),
    (
        "CONTAINER_EXPIRED",
        "chemical_inventory",
        {"expiration_date": "2026-01-14"},
        {"expiration_date": "2026-01-15"},
    ),
    (
        "DEPRECIATION_MISSING",
        "equipment",
        {"useful_life_years": ""},
        {"unit_cost": "9,999.99", "useful_life_years": ""},
    ),
    (
        "DEPRECIATION_MISSING",
        "equipment",
        {"acquisition_date": "2024-09-30", "unit_cost": "5000", "depreciation_method": ""},
        {"acquisition_date": "2024-10-01", "unit_cost": "5000", "depreciation_method": ""},
    ),
    (
        "EPA_ID_INVALID",
        "waste_manifest",
        {"generator_epa_id": "ZZD009452657"},
        {"generator_epa_id": "cad009452657"},
    ),
    (
        "EPA_ID_INVALID",
        "waste_manifest",
        {"facility_epa_id": "AZD04931800"},
        {"facility_epa_id": "AZD049318009"},
    ),
    (
        "MANIFEST_NUMBER_INVALID",
        "waste_manifest",
        {"manifest_tracking_number": "12345678JJK"},
        {"manifest_tracking_number": "012345678jjk"},
    ),
    ("RCRA_CODE_UNKNOWN", "waste_manifest", {"waste_codes": "D044"}, {"waste_codes": "U411, P205, K181"}),
    ("RCRA_CODE_UNKNOWN", "waste_manifest", {"waste_codes": "K012"}, {"waste_codes": "K011"}),
    ("QUANTITY_NOT_WHOLE", "waste_manifest", {"total_quantity": "37.5"}, {"total_quantity": "38"}),
    (
        "ACCUMULATION_EXCEEDED",
        "waste_manifest",
        {"accumulation_start_date": "2025-10-16"},
        {"accumulation_start_date": "2025-10-17"},
    ),
    (
        "ACCUMULATION_EXCEEDED",
        "waste_manifest",
        {"generator_category": "SQG", "accumulation_start_date": "2025-07-18"},
        {"generator_category": "SQG", "accumulation_start_date": "2025-07-19"},
    ),
    (
        "ACCUMULATION_EXCEEDED",
        "waste_manifest",
        {"generator_category": "LAB", "accumulation_start_date": "2025-01-14"},
        {"generator_category": "LAB", "accumulation_start_date": "2025-01-15"},
    ),
    (
        "ACCUMULATION_EXCEEDED",
        "waste_manifest",
        {"generator_category": "LQG", "accumulation_start_date": "2020-01-01"},
        {"generator_category": "VSQG", "accumulation_start_date": "2020-01-01"},
    ),
    (
        "VOLUNTARY_COMMITTED_PROHIBITED",
        "cost_share",
        {"cost_share_type": "voluntary committed", "sponsor": "National Science Foundation"},
        {"cost_share_type": "voluntary committed", "sponsor": "NIH"},
    ),
    (
        "COST_SHARE_EXCEEDS_CAP",
        "cost_share",
        {"cost_share_amount": "135000.01"},
        {"cost_share_amount": "135000.00"},
    ),
    ("ATTESTATION_UNSIGNED", "attestation", {"attested": "no"}, {"attested": "yes"}),
    ("ATTESTATION_UNSIGNED", "attestation", {"signature_date": ""}, {"signature_date": "2025-07-01"}),
    (
        "ATTESTATION_UNSIGNED",
        "attestation",
        {"signature_date": "", "signed_at": ""},
        {"signature_date": "", "signed_at": "2025-07-01T10:00:00Z"},
    ),
    ("TYPE_INVALID", "attestation", {"signed_at": "2025-07-15"}, {"signed_at": "2025-07-15 09:30"}),
    (
        "TYPE_INVALID",
        "attestation",
        {"signed_at": "2025-07-15T25:00"},
        {"signed_at": "2025-07-15T23:59:59+02:00"},
    ),
    (
        "DATE_IN_FUTURE",
        "attestation",
        {"signed_at": "2026-01-16T00:00:01"},
        {"signed_at": "2026-01-15T23:59:59"},
    ),
    (
        "CERTIFIED_BEFORE_PERIOD_END",
        "attestation",
        {"signature_date": None, "signed_at": "2025-06-29T23:00:00-05:00"},
        {"signature_date": None, "signed_at": "2025-06-30T08:00:00-05:00"},
    ),
    (
        "PERIOD_INVALID",
        "attestation",
        {"period_end": "2024-12-31"},
        {"period_end": "2025-01-01", "signature_date": "2025-01-02"},
    ),
    (
        "CERTIFIED_BEFORE_PERIOD_END",
        "attestation",
        {"signature_date": "2025-06-29"},
        {"signature_date": "2025-06-30"},
    ),
    ("SALARY_ABOVE_CAP", "attestation", {"annual_salary": "$225,700.01"}, {"annual_salary": "$225,700.00"}),
    (
        "SALARY_ABOVE_CAP",
        "attestation",
        {"period_start": "2024-01-01", "annual_salary": "221,900.01"},
        {"period_start": "2024-01-01", "annual_salary": "221,900"},
    ),
]


@pytest.mark.parametrize(
    ("code", "record_type", "breaking", "passing"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_breaks_and_passes(
    code: str, record_type: str, breaking: dict[str, Any], passing: dict[str, Any]
) -> None:
    assert code in codes(record_type, breaking)
    assert code not in codes(record_type, passing)


@pytest.mark.parametrize("record_type", list(VALID))
def test_base_rows_are_valid_and_payload_matches_model(record_type: str) -> None:
    result = validator(record_type).check_row(3, VALID[record_type])
    assert result.violations == []
    assert result.is_valid
    payload = payload_of(result, record_type)
    record_models()[record_type].model_validate(payload)  # consistent with the pydantic model / JSON Schema
    assert all(not isinstance(v, float) for v in payload.values())


def test_every_catalogue_code_is_exercised() -> None:
    tested = {c[0] for c in CASES} | {
        "HEADER_MISSING",
        "DUPLICATE_KEY",
        "HIDDEN_ROW",
        "MERGED_CELL",
        "AWARD_UNKNOWN",
        "LOCATION_UNKNOWN",
    }
    assert set(RULES) == tested


def test_catalogue_entries_are_complete() -> None:
    for rule in RULES.values():
        assert rule.title
        assert rule.hint
        assert rule.citation
    assert RULES["HIDDEN_ROW"].severity is Severity.WARNING
    assert RULES["CONTAINER_EXPIRED"].severity is Severity.WARNING
    assert RULES["SALARY_ABOVE_CAP"].severity is Severity.WARNING
    assert RULES["DUPLICATE_KEY"].severity is Severity.ERROR


def test_cross_field_error_removes_the_field_from_values() -> None:
    changes = {"signature_date": "2025-06-29"}
    result = validator("attestation").check_row(3, {**VALID["attestation"], **changes})
    assert [v.code for v in result.violations] == ["CERTIFIED_BEFORE_PERIOD_END"]
    assert "signature_date" not in result.values
    assert result.raw["signature_date"] == "2025-06-29"


def test_violation_carries_row_field_value_message_hint_citation() -> None:
    result = validator("chemical_inventory").check_row(
        12, {**VALID["chemical_inventory"], "cas_number": "108-88-4"}
    )
    (v,) = result.violations
    assert (v.code, v.row, v.field, v.value) == ("CAS_CHECKSUM", 12, "cas_number", "108-88-4")
    assert "108-88-4" in v.message
    assert v.hint
    assert "1910.1200" in v.citation
    assert "cas_number" not in result.values
    assert not result.is_valid


def test_warning_keeps_row_valid() -> None:
    result = validator("chemical_inventory").check_row(
        2, {**VALID["chemical_inventory"], "expiration_date": "2020-01-01"}
    )
    assert [v.code for v in result.violations] == ["CONTAINER_EXPIRED"]
    assert result.is_valid
    assert result.values["expiration_date"] == dt.date(2020, 1, 1)


def test_hidden_and_merged_warnings() -> None:
    result = validator("chemical_inventory").check_row(
        9, VALID["chemical_inventory"], hidden=True, merged_fields=frozenset({"building"})
    )
    assert [(v.code, v.field) for v in result.violations] == [
        ("HIDDEN_ROW", None),
        ("MERGED_CELL", "building"),
    ]
    assert result.is_valid
    assert result.hidden
    assert result.merged_fields == {"building"}


def test_reference_data_warnings() -> None:
    ref = ReferenceData.build(awards=["CHE-2304567"], locations=[("Hall B", "2104"), ("Life Sciences", None)])
    assert "LOCATION_UNKNOWN" not in codes("chemical_inventory", reference=ref)
    assert "LOCATION_UNKNOWN" in codes("chemical_inventory", {"room": "2105"}, reference=ref)
    assert "LOCATION_UNKNOWN" not in codes(
        "equipment", {"room": "Z99"}, reference=ref
    )  # whole building known
    assert "AWARD_UNKNOWN" not in codes("equipment", {"award_number": "che‑2304567"}, reference=ref)
    assert "AWARD_UNKNOWN" in codes("equipment", {"award_number": "CHE-9999999"}, reference=ref)
    assert "AWARD_UNKNOWN" in codes("cost_share", {"award_number": "X1"}, reference=ref)
    assert "AWARD_UNKNOWN" not in codes(
        "equipment", {"award_number": "CHE-9999999"}
    )  # no reference: no check


def test_duplicate_violation_and_key_of() -> None:
    v = validator("equipment")
    result = v.check_row(4, {**VALID["equipment"], "asset_tag": " ua-004512 "})
    assert v.key_of(result) == "UA-004512"
    dup = v.duplicate_violation(5, "UA-004512")
    assert (dup.code, dup.row, dup.field, dup.severity) == ("DUPLICATE_KEY", 5, "asset_tag", Severity.ERROR)
    assert validator("cost_share").key_of(validator("cost_share").check_row(1, VALID["cost_share"])) is None


def test_classification_per_type() -> None:
    assert {t: validator(t).classification for t in VALID} == {
        "chemical_inventory": "OSHA_INVENTORY",
        "equipment": "NSF_EQUIPMENT",
        "waste_manifest": "EPA_WASTE",
        "cost_share": "NSF_FINANCIAL",
        "attestation": "NIH_ATTESTATION",
    }


def test_institution_policy_override(tmp_path: Path) -> None:
    override = tmp_path / "institution.toml"
    override.write_text(
        'version = "inst-7"\n[equipment]\ncapitalization_level = "2500"\n'
        '[rcra]\nstate_codes = ["CA331", "CA141"]\n',
        encoding="utf-8",
    )
    policy = load_policy(override)
    assert policy.version == "inst-7"
    assert policy.equipment.capitalization_level == 2500
    assert "DEPRECIATION_MISSING" in codes(
        "equipment", {"unit_cost": "3000", "useful_life_years": ""}, policy=policy
    )
    assert "DEPRECIATION_MISSING" not in codes("equipment", {"unit_cost": "3000", "useful_life_years": ""})
    assert "RCRA_CODE_UNKNOWN" not in codes("waste_manifest", {"waste_codes": "D001, CA331"}, policy=policy)
    assert "RCRA_CODE_UNKNOWN" in codes("waste_manifest", {"waste_codes": "D001, CA331"})
    assert load_policy().version != "inst-7"


def test_cost_share_required_percent_from_policy(tmp_path: Path) -> None:
    override = tmp_path / "p.toml"
    override.write_text('[cost_share.required_percent_by_award]\n"CHE-2304567" = "10"\n', encoding="utf-8")
    changes = {"required_percent": ""}
    assert "COST_SHARE_EXCEEDS_CAP" in codes("cost_share", changes, policy=load_policy(override))
    assert "COST_SHARE_EXCEEDS_CAP" not in codes("cost_share", changes)  # no percentage known: nothing to cap


def test_sqg_far_tsdf_policy(tmp_path: Path) -> None:
    override = tmp_path / "p.toml"
    override.write_text("[waste]\nsqg_far_tsdf = true\n", encoding="utf-8")
    changes = {"generator_category": "SQG", "accumulation_start_date": "2025-05-01"}
    assert "ACCUMULATION_EXCEEDED" in codes("waste_manifest", changes)
    assert "ACCUMULATION_EXCEEDED" not in codes("waste_manifest", changes, policy=load_policy(override))
