"""Shared fixtures for the validation tests: a base valid row per record type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from app.validation import RowValidator, load_policy

AS_OF = dt.date(2026, 1, 15)

VALID: dict[str, dict[str, Any]] = {
    "chemical_inventory": {
        "container_id": "UC000101",
        "chemical_name": "Acetone",
        "cas_number": "67-64-1",
        "quantity": "4",
        "unit": "L",
        "container_count": "2",
        "physical_state": "liquid",
        "building": "Hall B",
        "room": "2104",
        "storage_location": "Flammables cabinet",
        "owner": "Dr. Okafor",
        "hazard_codes": "H225, H319, H336",
        "sds_reference": "SDS binder 1 p.3",
        "date_received": "2025-03-14",
        "expiration_date": "2029-03-01",
        "concentration": "99.5%",
    },
    "equipment": {
        "asset_tag": "UA-004512",
        "description": "Confocal microscope",
        "award_number": "CHE-2304567",
        "acquisition_date": "2025-02-14",
        "unit_cost": "$612,400.00",
        "useful_life_years": "10",
        "depreciation_method": "straight-line",
        "building": "Life Sciences",
        "room": "B120",
        "custodian": "Dr. Nguyen",
        "utilization_percent": "85",
        "funding_source": "NSF MRI",
    },
    "waste_manifest": {
        "manifest_tracking_number": "012345678JJK",
        "generator_epa_id": "CAD009452657",
        "transporter_epa_id": "CAD982030173",
        "facility_epa_id": "AZD049318009",
        "generator_category": "LQG",
        "waste_codes": "D001, F003",
        "container_count": "4",
        "container_type": "DF",
        "total_quantity": "220",
        "unit": "G",
        "accumulation_start_date": "2025-12-01",
        "dot_description": "UN1993, Waste Flammable liquid",
    },
    "cost_share": {
        "award_number": "CHE-2304567",
        "sponsor": "NSF",
        "budget_period": "Year 1",
        "sponsor_amount": "450000",
        "cost_share_amount": "135000",
        "cost_share_type": "mandatory",
        "required_percent": "30",
        "source_of_funds": "Provost",
    },
    "attestation": {
        "attestation_type": "effort certification",
        "pi_name": "Dr. Nguyen",
        "pi_email": "cn@university.edu",
        "award_number": "R01GM145678",
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "attested": "yes",
        "signature_date": "2025-07-15",
        "annual_salary": "198000",
    },
}


def validator(record_type: str, **kwargs: Any) -> RowValidator:
    return RowValidator(
        record_type, kwargs.pop("policy", None) or load_policy(), kwargs.pop("as_of", AS_OF), **kwargs
    )


def codes(record_type: str, changes: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
    row = dict(VALID[record_type])
    for key, value in (changes or {}).items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    result = validator(record_type, **kwargs).check_row(7, row)
    return [v.code for v in result.violations]


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF
