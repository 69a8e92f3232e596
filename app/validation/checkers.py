"""Per-field checkers compiled from the data dictionary and the policy.

A checker takes one cell (as read, or as edited text) and returns ``(value, issues, keep)``: the
normalized typed
value, the violations it found (row-less templates, ``None`` when there are none) and whether the value passed
(``keep``; warnings do not fail a value). Checkers are pure functions of the cell, so the engine memoizes them
per column: most columns of a real inventory repeat a few hundred distinct values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.ingest.types import EXCEL_ERROR_CODES, CellValue, ExcelError
from app.validation.cas import CAS_PATTERN, cas_check_digit
from app.validation.dictionary import FieldSpec, RecordType
from app.validation.normalize import clean_code, clean_code_keep_case, clean_text, enum_key
from app.validation.policy import Policy
from app.validation.rules import make_violation
from app.validation.violations import Violation

Issues = tuple[Violation, ...] | None
Checked3 = tuple[Any, Issues, bool]
Checked = tuple[Any, Issues, bool, str]  # (value, issues, keep, text as shown)
Checker = Callable[[CellValue | str, str], Checked]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$", re.ASCII)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MANIFEST = re.compile(r"^\d{9}[A-Z]{3}$", re.ASCII)
_EPA_ID = re.compile(r"^[A-Z]{2}[A-Z0-9]{10}$", re.ASCII)
_GHS_SPLIT = re.compile(r"[,;|/\s]+")
_PLUS_SPACES = re.compile(r"\s*\+\s*")
_RCRA_SPLIT = re.compile(r"[,;|/\s]+")
_TRUE = frozenset(
    {
        "yes",
        "y",
        "true",
        "t",
        "1",
        "x",
        "✓",
        "✔",
        "signed",
        "attested",
        "certified",
        "done",
        "complete",
        "completed",
    }
)
_FALSE = frozenset({"no", "n", "false", "f", "0", "notsigned", "unsigned", "pending", "notattested"})

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", re.ASCII
)
_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$",
    re.IGNORECASE | re.ASCII,
)
_D_MON_Y = re.compile(r"^(\d{1,2})[-\s/]([A-Za-z]{3,9})\.?[-\s/,]+(\d{2}|\d{4})$", re.ASCII)
_MON_D_Y = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.ASCII)
_Y_MON_D = re.compile(r"^(\d{4})[-\s]([A-Za-z]{3,9})[-\s](\d{1,2})$", re.ASCII)


def cell_text(value: CellValue | str) -> str:
    """A cell as the text the user sees and edits (Excel dates ISO, 123 not 123.0, errors as their code)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return format(value.to_integral_value(), "f")  # quantize() fails past 28 digits
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ExcelError):
        return value.code
    return str(value)


def _year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= pivot else 2000
    return year


def parse_date(text: str, order: str = "MDY", pivot: int = 69) -> dt.date | None:
    """Parse a date written as text; ``None`` when it is not a date. All-numeric dates follow ``order``."""
    try:
        m = _ISO.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _NUMERIC_DATE.match(text)
        if m:
            a, b = int(m[1]), int(m[3])
            month, day = (a, b) if order == "MDY" else (b, a)
            return dt.date(_year(m[4], pivot), month, day)
        m = _D_MON_Y.match(text)
        if m and m[2].lower() in _MONTHS:
            return dt.date(_year(m[3], pivot), _MONTHS[m[2].lower()], int(m[1]))
        m = _MON_D_Y.match(text)
        if m and m[1].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        m = _Y_MON_D.match(text)
        if m and m[2].lower() in _MONTHS:
            return dt.date(int(m[1]), _MONTHS[m[2].lower()], int(m[3]))
    except ValueError:
        return None
    return None


_ISO_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def parse_datetime(text: str) -> dt.datetime | None:
    """Parse an ISO 8601 date and time (``2026-03-01T14:05:09Z``, ``2026-03-01 14:05``, with an optional UTC
    offset); ``None`` when it is not one. A date without a time is not a timestamp (nothing is guessed)."""
    m = _ISO_DATETIME.match(text.strip())
    if m is None:
        return None
    try:
        micro = int((m[7] or "0").ljust(6, "0"))
        zone = m[8]
        tz: dt.tzinfo | None = None
        if zone is not None:
            if zone.upper() == "Z":
                tz = dt.UTC
            else:
                digits = zone[1:].replace(":", "")
                offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                tz = dt.timezone(-offset if zone[0] == "-" else offset)
        return dt.datetime(
            int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micro, tzinfo=tz
        )
    except ValueError:
        return None


def parse_decimal(text: str, *, money: bool = False, percent: bool = False) -> Decimal | None:
    """Parse a plain decimal number (no exponents, no NaN). Thousands separators must be well placed."""
    t = text
    negative = False
    if money:
        if t.startswith("(") and t.endswith(")"):
            negative, t = True, t[1:-1].strip()
        for prefix in ("US$", "USD", "$"):
            if t.startswith(prefix):
                t = t[len(prefix) :].strip()
                break
        if t.endswith("USD"):
            t = t[:-3].strip()
        if t.startswith(("-$", "+$")):
            t = t[0] + t[2:]
    if percent and t.endswith("%"):
        t = t[:-1].strip()
    if "," in t:
        if not _THOUSANDS.match(t):
            return None
        t = t.replace(",", "")
    if not _NUMBER.match(t):
        return None
    try:
        number = Decimal(t)
    except InvalidOperation:
        return None
    return -number if negative else number


class FieldCompiler:
    """Builds the checker of each field of one record type, bound to a policy and an as-of date."""

    def __init__(self, record: RecordType, policy: Policy, as_of: dt.date) -> None:
        self.record = record
        self.policy = policy
        self.as_of = as_of
        self.citation = record.citation
        ghs = policy.ghs
        self._ghs_exact = ghs.h_codes | ghs.h_suffixed | (ghs.euh_codes if ghs.accept_euh else frozenset())
        folded: dict[str, set[str]] = {}
        for code in self._ghs_exact:
            folded.setdefault(code.upper(), set()).add(code)
        # Case-insensitive spellings that identify exactly one code ("h361D" -> "H361d"); "H360fd" is
        # ambiguous.
        self._ghs_folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}
        self._rcra = policy.rcra.federal | policy.rcra.state_codes
        self._epa_locations = policy.waste.epa_id_location_codes
        self._sds_missing = policy.chemical_inventory.sds_missing_values

    def _v(self, code: str, spec: FieldSpec, value: str, message: str, hint: str | None = None) -> Violation:
        return make_violation(code, None, spec.name, value, message, record_citation=self.citation, hint=hint)

    def compile(self, spec: FieldSpec) -> Checker:
        typed = getattr(self, f"_check_{spec.type}")
        if spec.type in ("text", "code") and spec.missing_values is None:
            fast = self._fast_text_checker(spec, typed)
            if fast is not None:
                return fast
        return self._compile_general(spec, typed)

    def _compile_general(self, spec: FieldSpec, typed: Callable[..., Checked3]) -> Checker:
        label = spec.display
        required = spec.required
        missing_values = self._sds_missing if spec.missing_values == "sds" else None

        def check3(cell: CellValue | str, text: str) -> Checked3:
            if isinstance(cell, ExcelError) or ("#" in text and text.strip().upper() in EXCEL_ERROR_CODES):
                code = cell.code if isinstance(cell, ExcelError) else text.strip().upper()
                return (
                    None,
                    (
                        self._v(
                            "FORMULA_ERROR",
                            spec,
                            text,
                            f"The {label} cell shows the Excel error {code} instead of a value.",
                        ),
                    ),
                    False,
                )
            if cell is None or (isinstance(cell, str) and not clean_text(cell)):
                if required:
                    return (
                        None,
                        (self._v("REQUIRED_MISSING", spec, text, f"The {label} is empty; it is required."),),
                        False,
                    )
                return None, None, True
            if (
                missing_values is not None
                and isinstance(cell, str)
                and enum_key(cell).strip("/") in missing_values
            ):
                return None, None, True
            result: Checked3 = typed(spec, cell, text, label)
            return result

        def check(cell: CellValue | str, text: str) -> Checked:
            value, issues, keep = check3(cell, text)
            return value, issues, keep, text

        return check

    def _fast_text_checker(self, spec: FieldSpec, typed: Callable[..., Checked3]) -> Checker | None:
        """A text/code checker with the plain-ASCII case inlined (used for unique columns such as IDs,
        where the
        per-column cache never hits)."""
        slow = self._compile_general(spec, typed)
        upper = spec.type == "code"

        def check(cell: CellValue | str, text: str) -> Checked:
            if cell.__class__ is str and cell.isascii() and "#" not in cell:
                value = cell.strip()
                if value:
                    return (value.upper() if upper else value), None, True, text
            return slow(cell, text)

        return check

    # -- typed checks: (spec, cell, text, label) -> Checked; the cell is not blank and not an Excel error ----

    def _type_invalid(self, spec: FieldSpec, text: str, message: str, hint: str | None = None) -> Checked3:
        return None, (self._v("TYPE_INVALID", spec, text, message, hint),), False

    def _check_text(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return clean_text(cell_text(cell)), None, True

    def _check_code(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return clean_code(cell_text(cell)), None, True

    def _check_email(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        value = clean_text(cell_text(cell))
        if not _EMAIL.match(value):
            return self._type_invalid(
                spec,
                text,
                f"“{value}” is not an e-mail address.",
                "Enter an address like name@university.edu.",
            )
        return value, None, True

    def _check_cas(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        value = clean_code(cell_text(cell))
        m = CAS_PATTERN.match(value)
        if m is None:
            return (
                None,
                (
                    self._v(
                        "CAS_FORMAT",
                        spec,
                        text,
                        f"“{value}” is not written like a CAS number (2-7 digits, 2 digits, 1 check "
                        "digit, separated by hyphens).",
                    ),
                ),
                False,
            )
        expected = cas_check_digit(m.group(1) + m.group(2))
        if expected != int(m.group(3)):
            return (
                None,
                (
                    self._v(
                        "CAS_CHECKSUM",
                        spec,
                        text,
                        f"The CAS number {value} fails its check digit (the digits before it give "
                        f"{expected}, not {m.group(3)}): a digit is probably mistyped.",
                    ),
                ),
                False,
            )
        return value, None, True

    def _number(
        self,
        spec: FieldSpec,
        cell: CellValue | str,
        text: str,
        label: str,
        *,
        money: bool = False,
        percent: bool = False,
    ) -> Checked3:
        if isinstance(cell, (bool, dt.date)):
            return self._type_invalid(spec, text, f"The {label} “{text}” is not a number.")
        if isinstance(cell, int):
            number: Decimal | None = Decimal(cell)
        elif isinstance(cell, float):
            number = (
                Decimal(repr(cell)) if cell == cell and cell not in (float("inf"), float("-inf")) else None
            )
        elif isinstance(cell, Decimal):
            number = cell if cell.is_finite() else None
        else:
            number = parse_decimal(clean_text(cell_text(cell)), money=money, percent=percent)
        if number is None:
            hint = (
                "Enter the amount in dollars, e.g. 12500.00."
                if money
                else (
                    "Enter the number only; put the unit in its own column."
                    if spec.name == "quantity"
                    else None
                )
            )
            return self._type_invalid(spec, text, f"The {label} “{text}” is not a number.", hint)
        issues: list[Violation] = []
        if spec.type == "integer" and number != number.to_integral_value():
            return self._type_invalid(spec, text, f"The {label} “{text}” is not a whole number.")
        if spec.whole and number != number.to_integral_value():
            issues.append(
                self._v(
                    "QUANTITY_NOT_WHOLE",
                    spec,
                    text,
                    f"The {label} {number} is not a whole number; manifests report whole units.",
                )
            )
        bound = self._out_of_range(spec, number)
        if bound:
            issues.append(self._v("VALUE_OUT_OF_RANGE", spec, text, f"The {label} {number} is {bound}."))
        value: Any = int(number) if spec.type == "integer" else number
        if issues:
            return value, tuple(issues), False
        return value, None, True

    @staticmethod
    def _out_of_range(spec: FieldSpec, number: Decimal) -> str | None:
        if spec.gt is not None and not number > spec.gt:
            return "not positive" if spec.gt == 0 else f"not above {spec.gt}"
        if spec.min is not None and number < spec.min:
            return "negative" if spec.min == 0 else f"below the minimum of {spec.min}"
        if spec.lt is not None and not number < spec.lt:
            return f"not below {spec.lt}"
        if spec.max is not None and number > spec.max:
            return f"above the maximum of {spec.max}"
        return None

    def _check_decimal(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return self._number(spec, cell, text, label)

    def _check_integer(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return self._number(spec, cell, text, label)

    def _check_money(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return self._number(spec, cell, text, label, money=True)

    def _check_percent(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        return self._number(spec, cell, text, label, percent=True)

    def _check_date(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        if isinstance(cell, dt.datetime):
            day: dt.date | None = cell.date()
        elif isinstance(cell, dt.date):
            day = cell
        elif isinstance(cell, str):
            order, pivot = self.policy.dates.order, self.policy.dates.two_digit_pivot
            day = parse_date(clean_code_keep_case(cell), order, pivot)
        else:
            day = None
        if day is None:
            return self._type_invalid(
                spec,
                text,
                f"The {label} “{text}” is not a date.",
                "Enter a date such as 2025-03-31 (or format the Excel column as Date).",
            )
        if spec.not_after_as_of and day > self.as_of:
            return (
                day,
                (
                    self._v(
                        "DATE_IN_FUTURE",
                        spec,
                        text,
                        f"The {label} {day.isoformat()} is after the as-of date {self.as_of.isoformat()}.",
                    ),
                ),
                False,
            )
        if spec.expires and day < self.as_of:
            return (
                day,
                (
                    self._v(
                        "CONTAINER_EXPIRED",
                        spec,
                        text,
                        f"The container expired on {day.isoformat()} (before {self.as_of.isoformat()}).",
                    ),
                ),
                True,
            )
        return day, None, True

    def _check_datetime(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        """A timestamp (date and time), e.g. when an attestation was signed. DATE_IN_FUTURE compares its date
        (in its own time zone) with the as-of date."""
        stamp: dt.datetime | None
        if isinstance(cell, dt.datetime):
            stamp = cell
        elif isinstance(cell, str):
            stamp = parse_datetime(clean_text(cell))
        else:
            stamp = None  # a date alone (or a number) is not a timestamp
        if stamp is None:
            return self._type_invalid(
                spec,
                text,
                f"The {label} “{text}” is not a date and time.",
                "Enter a date and time such as 2025-03-31 14:05 (ISO 8601, optionally with a UTC offset).",
            )
        if spec.not_after_as_of and stamp.date() > self.as_of:
            return (
                stamp,
                (
                    self._v(
                        "DATE_IN_FUTURE",
                        spec,
                        text,
                        f"The {label} {stamp.isoformat()} is after the as-of date {self.as_of.isoformat()}.",
                    ),
                ),
                False,
            )
        return stamp, None, True

    def _check_bool(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        if isinstance(cell, bool):
            return cell, None, True
        key = enum_key(cell_text(cell))
        if key in _TRUE:
            return True, None, True
        if key in _FALSE:
            return False, None, True
        return self._type_invalid(spec, text, f"The {label} “{text}” is not yes or no.", "Enter yes or no.")

    def _check_enum(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        assert spec.enum is not None
        value = spec.enum.match(cell_text(cell))
        if value is None:
            allowed = ", ".join(spec.enum.values)
            return (
                None,
                (
                    self._v(
                        "VALUE_NOT_ALLOWED",
                        spec,
                        text,
                        f"The {label} “{clean_text(text)}” is not one of the allowed values: {allowed}.",
                        f"Use one of: {allowed}.",
                    ),
                ),
                False,
            )
        return value, None, True

    def _check_ghs_codes(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        raw = _PLUS_SPACES.sub("+", clean_code_keep_case(cell_text(cell)))
        codes: list[str] = []
        unknown: list[str] = []
        for token in _GHS_SPLIT.split(raw):
            if not token:
                continue
            parts = []
            for part in token.split("+"):
                canonical = part if part in self._ghs_exact else self._ghs_folded.get(part.upper())
                if canonical is None:
                    unknown.append(part or "+")
                    break
                parts.append(canonical)
            else:
                codes.append("+".join(parts))
        if unknown:
            listed = ", ".join(unknown)
            verb = "are not GHS hazard statements" if len(unknown) > 1 else "is not a GHS hazard statement"
            return (
                None,
                (
                    self._v(
                        "GHS_CODE_UNKNOWN",
                        spec,
                        text,
                        f"{listed} {verb} (expected codes like H225, H361d or H300+H310).",
                    ),
                ),
                False,
            )
        return codes or None, None, True

    def _check_rcra_codes(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        tokens = [t for t in _RCRA_SPLIT.split(clean_code(cell_text(cell))) if t]
        unknown = [t for t in tokens if t not in self._rcra]
        issues: list[Violation] = []
        if unknown:
            listed = ", ".join(unknown)
            issues.append(
                self._v(
                    "RCRA_CODE_UNKNOWN",
                    spec,
                    text,
                    f"{listed} {'are not' if len(unknown) > 1 else 'is not'} on the federal "
                    "hazardous waste code lists (D, F, K, P, U) or the policy's state codes.",
                )
            )
        if spec.max_items is not None and len(tokens) > spec.max_items:
            issues.append(
                self._v(
                    "VALUE_OUT_OF_RANGE",
                    spec,
                    text,
                    f"{len(tokens)} waste codes on one line; a manifest line holds at most {spec.max_items}.",
                    "Split the waste line, or keep the six most specific codes.",
                )
            )
        if issues:
            return None, tuple(issues), False
        return tokens or None, None, True

    def _check_epa_id(self, spec: FieldSpec, cell: CellValue | str, text: str, label: str) -> Checked3:
        value = clean_code(cell_text(cell))
        if not _EPA_ID.match(value) or value[:2] not in self._epa_locations:
            why = (
                "is not 12 letters and digits"
                if not _EPA_ID.match(value)
                else f"does not start with a state or location code ({value[:2]} is not one)"
            )
            return None, (self._v("EPA_ID_INVALID", spec, text, f"The {label} “{value}” {why}."),), False
        return value, None, True

    def _check_manifest_number(
        self, spec: FieldSpec, cell: CellValue | str, text: str, label: str
    ) -> Checked3:
        value = clean_code(cell_text(cell))
        if not _MANIFEST.match(value):
            return (
                None,
                (
                    self._v(
                        "MANIFEST_NUMBER_INVALID",
                        spec,
                        text,
                        f"The manifest tracking number “{value}” is not 9 digits followed by 3 letters.",
                    ),
                ),
                False,
            )
        return value, None, True


def is_blank_value(values: Mapping[str, Any], texts: Mapping[str, str], name: str) -> bool:
    """True when a field is empty or unmapped (not when it holds a value, valid or not)."""
    if name not in texts:
        return True
    return name in values and values[name] is None
