"""Short, translatable titles for the stable violation codes (the long message is the engine's)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

WARNING_CODES = frozenset(
    {
        "HIDDEN_ROW",
        "MERGED_CELL",
        "CONTAINER_EXPIRED",
        "SALARY_ABOVE_CAP",
        "AWARD_UNKNOWN",
        "LOCATION_UNKNOWN",
    }
)

_TITLES: dict[str, object] = {  # QT_TRANSLATE_NOOP returns its text; typed object in PySide's stubs
    "HEADER_MISSING": QT_TRANSLATE_NOOP("codes", "A required column is missing"),
    "REQUIRED_MISSING": QT_TRANSLATE_NOOP("codes", "A required value is empty"),
    "TYPE_INVALID": QT_TRANSLATE_NOOP("codes", "Not a number, date or yes/no"),
    "VALUE_NOT_ALLOWED": QT_TRANSLATE_NOOP("codes", "Not one of the allowed values"),
    "VALUE_OUT_OF_RANGE": QT_TRANSLATE_NOOP("codes", "Number outside the allowed range"),
    "DUPLICATE_KEY": QT_TRANSLATE_NOOP("codes", "The record key repeats"),
    "FORMULA_ERROR": QT_TRANSLATE_NOOP("codes", "Excel error value in the cell"),
    "DATE_IN_FUTURE": QT_TRANSLATE_NOOP("codes", "Date in the future"),
    "HIDDEN_ROW": QT_TRANSLATE_NOOP("codes", "Row was hidden in Excel"),
    "MERGED_CELL": QT_TRANSLATE_NOOP("codes", "Value came from a merged cell"),
    "CAS_FORMAT": QT_TRANSLATE_NOOP("codes", "CAS number malformed"),
    "CAS_CHECKSUM": QT_TRANSLATE_NOOP("codes", "CAS number check digit wrong"),
    "GHS_CODE_UNKNOWN": QT_TRANSLATE_NOOP("codes", "Not a GHS hazard statement"),
    "SDS_MISSING": QT_TRANSLATE_NOOP("codes", "Hazardous, but no safety data sheet"),
    "CONTAINER_EXPIRED": QT_TRANSLATE_NOOP("codes", "Container past its expiration date"),
    "DEPRECIATION_MISSING": QT_TRANSLATE_NOOP("codes", "Equipment without useful life and method"),
    "EPA_ID_INVALID": QT_TRANSLATE_NOOP("codes", "EPA ID number invalid"),
    "MANIFEST_NUMBER_INVALID": QT_TRANSLATE_NOOP("codes", "Manifest tracking number invalid"),
    "RCRA_CODE_UNKNOWN": QT_TRANSLATE_NOOP("codes", "Unknown RCRA waste code"),
    "QUANTITY_NOT_WHOLE": QT_TRANSLATE_NOOP("codes", "Manifest quantity not a whole number"),
    "ACCUMULATION_EXCEEDED": QT_TRANSLATE_NOOP("codes", "Waste stored longer than allowed"),
    "VOLUNTARY_COMMITTED_PROHIBITED": QT_TRANSLATE_NOOP(
        "codes", "Voluntary committed cost share on NSF award"
    ),
    "COST_SHARE_EXCEEDS_CAP": QT_TRANSLATE_NOOP("codes", "Cost share above the required percentage"),
    "ATTESTATION_UNSIGNED": QT_TRANSLATE_NOOP("codes", "Attestation not signed"),
    "PERIOD_INVALID": QT_TRANSLATE_NOOP("codes", "Period ends before it starts"),
    "CERTIFIED_BEFORE_PERIOD_END": QT_TRANSLATE_NOOP("codes", "Certified before the period ended"),
    "SALARY_ABOVE_CAP": QT_TRANSLATE_NOOP("codes", "Salary above the NIH cap"),
    "AWARD_UNKNOWN": QT_TRANSLATE_NOOP("codes", "Award not known to the portal"),
    "LOCATION_UNKNOWN": QT_TRANSLATE_NOOP("codes", "Building/room not known to the portal"),
}


def code_title(code: str) -> str:
    title = _TITLES.get(code)
    if not title:
        return code.replace("_", " ").capitalize()
    return QCoreApplication.translate("codes", str(title))


def code_severity(code: str) -> str:
    return "warning" if code in WARNING_CODES else "error"


_ACRONYMS = {"cas", "pi", "sds", "epa", "id", "ghs", "dot", "usd"}


def field_label(name: str) -> str:
    """A canonical field name as people write it: ``cas_number`` -> "CAS number", ``owner`` -> "Owner"."""
    words = [w.upper() if w in _ACRONYMS else w for w in name.split("_")]
    if words and words[0].islower():
        words[0] = words[0].capitalize()
    return " ".join(words)


_STATES: dict[str, object] = {
    "PENDING": QT_TRANSLATE_NOOP("states", "Pending"),
    "SENDING": QT_TRANSLATE_NOOP("states", "Sending"),
    "ACKED": QT_TRANSLATE_NOOP("states", "Accepted"),
    "REJECTED": QT_TRANSLATE_NOOP("states", "Rejected"),
    "RETRY_WAIT": QT_TRANSLATE_NOOP("states", "Waiting to retry"),
}


def state_title(state: str) -> str:
    """An outbox state in words ("ACKED" -> "Accepted")."""
    title = _STATES.get(state)
    return QCoreApplication.translate("states", str(title)) if title else state.replace("_", " ").title()
