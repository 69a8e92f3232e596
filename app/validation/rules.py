"""The rule catalogue: every violation code with its severity, a plain-language title, a fix hint and the
regulation it enforces. Codes are a contract (GUI, sync, portal, auditors): never rename one.

Thresholds, caps, code lists and dates are not here: they live in the policy file (``app.validation.policy``).
Citations marked ``{record}`` take the record type's own basis from the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.validation.violations import Severity, Violation

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str
    hint: str
    citation: str  # "{record}" = the record type's basis (data dictionary)


_RULES = [
    Rule(
        "HEADER_MISSING",
        E,
        "A required column is missing",
        "Add the column, rename its header to one LabSync knows, or map it with --mapping FILE.",
        "{record}",
    ),
    Rule("REQUIRED_MISSING", E, "A required value is empty", "Fill in the value.", "{record}"),
    Rule(
        "TYPE_INVALID",
        E,
        "Not the expected kind of value",
        "Enter a number, a date (e.g. 2025-03-31) or yes/no as the column expects.",
        "{record}",
    ),
    Rule(
        "VALUE_NOT_ALLOWED",
        E,
        "Not one of the allowed values",
        "Use one of the allowed values listed.",
        "{record}",
    ),
    Rule("VALUE_OUT_OF_RANGE", E, "A number outside its allowed range", "Correct the number.", "{record}"),
    Rule(
        "DUPLICATE_KEY",
        E,
        "The record key repeats",
        "Each record needs its own identifier: correct the duplicate or remove the repeated row.",
        "{record}",
    ),
    Rule(
        "FORMULA_ERROR",
        E,
        "The cell holds an Excel error",
        "Fix the formula in Excel (or type the value) so the cell shows a real value.",
        "{record}",
    ),
    Rule(
        "DATE_IN_FUTURE",
        E,
        "A date after the as-of date",
        "Check the date: it cannot be later than the date the sheet is certified as of.",
        "{record}",
    ),
    Rule(
        "HIDDEN_ROW",
        W,
        "Data came from a hidden row",
        "Unhide the row in Excel and confirm it belongs in the submission, or delete it.",
        "{record}",
    ),
    Rule(
        "MERGED_CELL",
        W,
        "Value copied from a merged range",
        "Unmerge the cells in Excel and confirm each row has its own value.",
        "{record}",
    ),
    Rule(
        "CAS_FORMAT",
        E,
        "Not a CAS Registry Number",
        "Write the CAS number as digits-digits-digit, e.g. 7732-18-5; leave it blank for mixtures "
        "without one.",
        "29 CFR 1910.1200(e)(1)(i); CAS Registry Number format (cas.org)",
    ),
    Rule(
        "CAS_CHECKSUM",
        E,
        "CAS number check digit is wrong",
        "A digit is mistyped: copy the CAS number again from the container label or the SDS (section 3).",
        "29 CFR 1910.1200(e)(1)(i); CAS check digit (cas.org)",
    ),
    Rule(
        "GHS_CODE_UNKNOWN",
        E,
        "Not a GHS hazard statement code",
        "Copy the H-codes from section 2 of the SDS (e.g. H225, H319, H300+H310).",
        "29 CFR 1910.1200 Appendix C (GHS hazard statements)",
    ),
    Rule(
        "SDS_MISSING",
        E,
        "Hazardous chemical without a safety data sheet",
        "Record where the SDS is kept (link, binder or SDS number); obtain it from the supplier if missing.",
        "29 CFR 1910.1200(g)(1), (g)(8)",
    ),
    Rule(
        "CONTAINER_EXPIRED",
        W,
        "Container past its expiration date",
        "Dispose of the container as hazardous waste or record its re-test date.",
        "29 CFR 1910.1450(e)(3)(i) (chemical hygiene plan: storage and inspection)",
    ),
    Rule(
        "DEPRECIATION_MISSING",
        E,
        "Equipment without a depreciation basis",
        "Enter the useful life (years) and the depreciation method for equipment at or above the threshold.",
        "2 CFR 200.1 (Equipment); 2 CFR 200.436; 2 CFR 200.313(d)(1)",
    ),
    Rule(
        "EPA_ID_INVALID",
        E,
        "Not a valid EPA identification number",
        "An EPA ID is 12 characters starting with the site's state code, e.g. CAD009452657.",
        "40 CFR 262.18; EPA Form 8700-22 items 1, 6, 7, 8",
    ),
    Rule(
        "MANIFEST_NUMBER_INVALID",
        E,
        "Not a valid manifest tracking number",
        "Copy the number printed in item 4 of the manifest: 9 digits followed by 3 letters, "
        "e.g. 123456789JJK.",
        "40 CFR 262.21(f); EPA Form 8700-22 item 4",
    ),
    Rule(
        "RCRA_CODE_UNKNOWN",
        E,
        "Not a federal hazardous waste code",
        "Use EPA waste codes (D001-D043, F, K, P, U lists), e.g. D001, F003, U002; state codes only where "
        "the institution's policy lists them.",
        "40 CFR 261.20-261.33; EPA Form 8700-22 item 13",
    ),
    Rule(
        "QUANTITY_NOT_WHOLE",
        E,
        "Manifest quantity is not a whole number",
        "Round the total quantity to a whole number in the manifest's unit (item 12).",
        "EPA Form 8700-22 instructions, item 11 (appendix to 40 CFR part 262)",
    ),
    Rule(
        "ACCUMULATION_EXCEEDED",
        E,
        "Waste stored longer than allowed",
        "Arrange a pickup now and document the date; check the generator category.",
        "40 CFR 262.16(b)(2), 262.17(a), 262.208(a)",
    ),
    Rule(
        "VOLUNTARY_COMMITTED_PROHIBITED",
        E,
        "Voluntary committed cost sharing on an NSF award",
        "Remove the commitment or record it as voluntary uncommitted; NSF does not allow it.",
        "NSF PAPPG Chapter II.D.2.g.xii; Chapter VII.B",
    ),
    Rule(
        "COST_SHARE_EXCEEDS_CAP",
        E,
        "Mandatory cost share above the required level",
        "Reduce the mandatory amount to the required percentage; anything above it is voluntary committed "
        "cost sharing.",
        "NSF PAPPG Chapter II.D.2.g.xii; 2 CFR 200.306",
    ),
    Rule(
        "ATTESTATION_UNSIGNED",
        E,
        "Attestation not signed",
        "Have the certifier attest (yes) and record the signature date.",
        "{record}",
    ),
    Rule(
        "PERIOD_INVALID",
        E,
        "Period ends before it starts",
        "Correct the period start or end date.",
        "{record}",
    ),
    Rule(
        "CERTIFIED_BEFORE_PERIOD_END",
        E,
        "Effort certified before the period ended",
        "Effort can only be certified after the period is over: re-certify on or after the period end.",
        "2 CFR 200.430(i)(1); NIH Grants Policy Statement 7.9.1",
    ),
    Rule(
        "SALARY_ABOVE_CAP",
        W,
        "Salary above the NIH salary cap",
        "Charge the NIH award at the capped rate; the excess must come from non-federal funds.",
        "NIH Grants Policy Statement 4.1.12 and 7.9.1 (Salary Limitation)",
    ),
    Rule(
        "AWARD_UNKNOWN",
        W,
        "Award not found in the portal's reference data",
        "Check the award number against the award notice; sync to refresh the reference data.",
        "2 CFR 200.302(b)(1) (identification of federal awards)",
    ),
    Rule(
        "LOCATION_UNKNOWN",
        W,
        "Building/room not found in the portal's reference data",
        "Check the building and room names; sync to refresh the reference data.",
        "29 CFR 1910.1200(e)(1)(i) (work area of the list)",
    ),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def make_violation(
    code: str,
    row: int | None,
    field: str | None,
    value: str | None,
    message: str,
    *,
    record_citation: str = "",
    hint: str | None = None,
) -> Violation:
    """A violation of rule ``code`` with its catalogue severity, hint and citation."""
    rule = RULES[code]
    citation = rule.citation.replace("{record}", record_citation or "LabSync data dictionary")
    return Violation(code, rule.severity, row, field, value, message, hint or rule.hint, citation)
