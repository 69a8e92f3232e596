"""The streaming validation engine.

``RowValidator`` checks one row at a time (everything but DUPLICATE_KEY); ``open_validation`` opens a file,
chooses the sheet, finds the header row, maps the columns and streams :class:`RowResult`s with DUPLICATE_KEY
applied in-stream (memory grows only by about 11 bytes per distinct key, see :class:`KeySet`).

Speed: each field's checker is compiled once from the dictionary and policy, and memoized per column in a
bounded cache (value -> result), so a typical row costs a few dictionary look-ups.
``ValidationRun.violations()`` goes further for the CLI: it checks rows in batches, column by column, without
building RowResults.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import chain, count, islice, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from app.errors import InputFileError, UserError
from app.ingest import open_table
from app.ingest.types import CellValue, SourceRow, TableReader
from app.ingest.xlsx import native_value
from app.validation.checkers import Checked, Checker, FieldCompiler, cell_text, is_blank_value
from app.validation.dictionary import DataDictionary, RecordType, load_dictionary
from app.validation.normalize import enum_key, header_key
from app.validation.policy import Policy, amount_on, load_policy
from app.validation.reference import ReferenceData
from app.validation.rules import make_violation
from app.validation.violations import RowResult, Severity, Violation

__all__ = [
    "HEADER_SCAN_ROWS",
    "ProgressCallback",
    "RowValidator",
    "ValidationRun",
    "load_mapping",
    "open_validation",
    "payload_of",
]

HEADER_SCAN_ROWS: Final = 30
CACHE_LIMIT: Final = 8192  # distinct values memoized per column
BATCH_ROWS: Final = 512  # rows checked column by column at a time by ValidationRun.violations()
PROGRESS_EVERY: Final = 8192  # rows between progress callbacks (a power of two)

ProgressCallback = Callable[[int, int, int], None]


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


_VALUE = itemgetter(0)
_ISSUES = itemgetter(1)
_TEXT = itemgetter(3)


# The fields each record type's row rule reads (values and texts), reference checks included. The batch path
# hands a rule only these; tests check it against the row-by-row path for every rule.
_REFERENCE_FIELDS = ("award_number", "building", "room")
RULE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "chemical_inventory": ("hazard_codes", "sds_reference", *_REFERENCE_FIELDS),
    "equipment": (
        "unit_cost",
        "acquisition_date",
        "useful_life_years",
        "depreciation_method",
        *_REFERENCE_FIELDS,
    ),
    "waste_manifest": ("generator_category", "accumulation_start_date"),
    "cost_share": (
        "cost_share_type",
        "sponsor",
        "required_percent",
        "award_number",
        "cost_share_amount",
        "sponsor_amount",
    ),
    "attestation": (
        "attested",
        "signature_date",
        "signed_at",
        "period_start",
        "period_end",
        "attestation_type",
        "annual_salary",
        "award_number",
    ),
}


class _ColumnCache(dict[Any, Checked]):
    """Memo of one column's checker: cell -> result, computed on a miss (``__missing__``), bounded in size."""

    __slots__ = ("check",)

    def __init__(self, check: Checker) -> None:
        super().__init__()
        self.check = check

    def __missing__(self, cell: Any) -> Checked:
        # Bools never get here (check_cells turns them into "TRUE"/"FALSE" first): True == 1 as a dict key.
        hit = self.check(cell, cell if cell.__class__ is str else cell_text(cell))
        if len(self) < CACHE_LIMIT:
            self[cell] = hit
        return hit


_getitem = _ColumnCache.__getitem__
_VALUES = attrgetter("values")
_NUMBER = attrgetter("number")
_HIDDEN = attrgetter("hidden")
_MERGED = attrgetter("merged_columns")
_FIRST = itemgetter(0)
_ERROR = Severity.ERROR


_NATIVE_PLAIN = frozenset({str, int, dt.date, dt.datetime, type(None)})
_TEXTS = frozenset({str, type(None)})
_NUMBERS_AND_TEXT = frozenset({float, int, str, type(None)})
_MAX_EXACT = 2**53


def _native_column(col: Sequence[Any]) -> Sequence[Any]:
    """A column of calamine values (``app.ingest.xlsx.native_value``) as reader values: the common column
    kinds (all text, all numbers) without a call per cell."""
    types = set(map(type, col))
    if types <= _NATIVE_PLAIN:
        if str in types and "" in col:
            return [None if v == "" else v for v in col] if types - _TEXTS else [v or None for v in col]
        return col
    if types == {float}:
        return [int(v) if v.is_integer() and -_MAX_EXACT < v < _MAX_EXACT else v for v in col]
    if types <= _NUMBERS_AND_TEXT:  # numbers with some text (often "" for an empty cell)
        return [
            (v or None)
            if v.__class__ is str
            else int(v)
            if v.__class__ is float and v.is_integer() and -_MAX_EXACT < v < _MAX_EXACT
            else v
            for v in col
        ]
    return list(map(_native_cell, col))


def _native_cell(v: Any) -> Any:
    if v.__class__ is bool:
        return "TRUE" if v else "FALSE"
    return native_value(v)


class _BatchTexts(Mapping[str, str]):
    """The texts of row ``i`` of a batch, read from its columns on demand (rules rarely need them)."""

    __slots__ = ("_cols", "_hits", "_index", "i")

    def __init__(
        self, names: tuple[str, ...], cols: list[Sequence[Any]] | None, hits: list[list[Checked]]
    ) -> None:
        self._index = {name: j for j, name in enumerate(names)}
        self._cols = cols
        self._hits = hits
        self.i = 0

    def __getitem__(self, name: str) -> str:
        j = self._index[name]
        if self._cols is not None:
            text: str = self._cols[j][self.i]
            return text
        return self._hits[j][self.i][3]

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class _Plan:
    """Per-column caches and checkers for one set of mapped fields; unmapped fields' outcome precomputed."""

    __slots__ = (
        "absent_issues",
        "absent_values",
        "caches",
        "names",
        "rule_absent",
        "rule_index",
        "rule_names",
    )

    def __init__(self, validator: RowValidator, mapped: tuple[str, ...]) -> None:
        self.names = mapped
        self.caches = [_ColumnCache(validator.checkers[name]) for name in mapped]
        self.absent_values: dict[str, Any] = {}
        issues: list[Violation] = []
        for name in validator.field_names:
            if name in mapped:
                continue
            value, found, keep, _text = validator.checkers[name](None, "")
            if keep:
                self.absent_values[name] = value
            issues.extend(found or ())
        self.absent_issues = tuple(issues)
        # what the record type's row rule reads: mapped ones by column, unmapped ones from absent_values
        wanted = [f for f in RULE_FIELDS.get(validator.record_type, ()) if f in validator.field_names]
        self.rule_names = tuple(f for f in wanted if f in mapped)
        self.rule_index = tuple(mapped.index(f) for f in self.rule_names)
        self.rule_absent = {
            f: self.absent_values[f] for f in wanted if f not in mapped and f in self.absent_values
        }


class RowValidator:
    """Single-row validation for one record type (all rules but DUPLICATE_KEY)."""

    def __init__(
        self,
        record_type: str,
        policy: Policy,
        as_of: dt.date,
        reference: ReferenceData | None = None,
        *,
        dictionary: DataDictionary | None = None,
    ) -> None:
        self.dictionary = dictionary or load_dictionary()
        self.record: RecordType = self.dictionary.record_type(record_type)
        self.record_type = record_type
        self.policy = policy
        self.as_of = as_of
        self.reference = reference
        compiler = FieldCompiler(self.record, policy, as_of)
        self.field_names: tuple[str, ...] = self.record.field_names
        checkers: list[Checker] = [compiler.compile(spec) for spec in self.record.fields]
        self.checkers: dict[str, Checker] = dict(zip(self.field_names, checkers, strict=True))
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._row_rule: Callable[[int, dict[str, Any], Mapping[str, str], list[Violation]], None] | None = (
            getattr(self, f"_rules_{record_type}", None)
        )
        self.key_field: str | None = self.record.key
        self._labels = {spec.name: spec.display for spec in self.record.fields}

    @property
    def classification(self) -> str:
        return self.record.classification

    # -- public API
    # ----------------------------------------------------------------------------------------------

    def check_row(
        self,
        row: int,
        raw: Mapping[str, CellValue | str],
        *,
        hidden: bool = False,
        merged_fields: frozenset[str] = frozenset(),
    ) -> RowResult:
        """Validate one row given as canonical field -> value (as read, or edited text).

        Fields absent from ``raw`` are treated as unmapped: empty, and left out of ``RowResult.raw``.
        """
        plan = self.plan_for(tuple(name for name in self.field_names if name in raw))
        return self.check_cells(plan, row, [raw[name] for name in plan.names], hidden, merged_fields)

    def key_of(self, result: RowResult) -> str | None:
        """The normalized record key used by DUPLICATE_KEY (None: the type has none, or the row lacks it)."""
        if self.key_field is None:
            return None
        key = result.values.get(self.key_field)
        return key if isinstance(key, str) and key else None

    def duplicate_violation(self, row: int, key: str) -> Violation:
        assert self.key_field is not None
        label = self._labels[self.key_field]
        return make_violation(
            "DUPLICATE_KEY",
            row,
            self.key_field,
            key,
            f"The {label} {key} already appears on an earlier row; each record needs its own {label}.",
            record_citation=self.record.citation,
        )

    # -- the hot path
    # ----------------------------------------------------------------------------------------------

    def plan_for(self, mapped: tuple[str, ...]) -> _Plan:
        """The compiled plan for rows whose mapped fields are ``mapped`` (in dictionary order)."""
        plan = self._plans.get(mapped)
        if plan is None:
            plan = self._plans[mapped] = _Plan(self, mapped)
        return plan

    def check_cells(
        self,
        plan: _Plan,
        row: int,
        cells: Sequence[Any],
        hidden: bool = False,
        merged_fields: frozenset[str] = frozenset(),
        text_cells: bool = False,
    ) -> RowResult:
        """Validate one row given as the cells of ``plan.names`` (in that order).

        ``text_cells`` promises every cell is a ``str`` (delimited text), which saves building the texts.
        """
        texts, values, found = self.evaluate(plan, row, cells, hidden, merged_fields, text_cells)
        return RowResult(row, texts, values, found, hidden, merged_fields)

    def evaluate(
        self,
        plan: _Plan,
        row: int,
        cells: Sequence[Any],
        hidden: bool = False,
        merged_fields: frozenset[str] = frozenset(),
        text_cells: bool = False,
    ) -> tuple[dict[str, str], dict[str, Any], list[Violation]]:
        """The parts of a :class:`RowResult` (texts, values, violations) without building one."""
        if not text_cells and bool in set(map(type, cells)):
            # Excel TRUE/FALSE are checked as the text Excel shows (same outcome): 1 and True share no memo
            cells = [("TRUE" if c else "FALSE") if c.__class__ is bool else c for c in cells]
        hits = list(map(_getitem, plan.caches, cells))
        # zip without strict=: cells are aligned with plan.names by construction (and this is the hot path)
        texts = dict(zip(plan.names, cells if text_cells else map(_TEXT, hits)))  # noqa: B905
        if plan.absent_issues or any(map(_ISSUES, hits)):
            values: dict[str, Any] = {}
            found: list[Violation] = []
            for name, hit in zip(plan.names, hits):  # noqa: B905
                if hit[2]:
                    values[name] = hit[0]
                if hit[1] is not None:
                    for t in hit[1]:
                        found.append(
                            Violation(
                                t.code, t.severity, row, t.field, t.value, t.message, t.hint, t.citation
                            )
                        )
            for t in plan.absent_issues:
                found.append(
                    Violation(t.code, t.severity, row, t.field, t.value, t.message, t.hint, t.citation)
                )
            values.update(plan.absent_values)
        else:
            values = dict(zip(plan.names, map(_VALUE, hits)))  # noqa: B905
            if plan.absent_values:
                values.update(plan.absent_values)
            found = []
        if self._row_rule is not None:
            self._row_rule(row, values, texts, found)
        if found:
            for v in found:  # a field with an error is absent from values (cross-field rules included)
                if v.field is not None and v.severity is _ERROR:
                    values.pop(v.field, None)
        if hidden or merged_fields:
            found[:0] = self._layout_warnings(row, hidden, merged_fields, texts)
        return texts, values, found

    def evaluate_batch(
        self,
        plan: _Plan,
        batch: list[tuple[int, Sequence[Any], bool, frozenset[str]]],
        text_cells: bool = False,
        add_key: Callable[[str], bool] | None = None,
        native: bool = False,
    ) -> tuple[list[Violation], int]:
        """The violations of the rows of ``batch`` (``(row, cells, hidden, merged_fields)`` tuples) in order,
        with DUPLICATE_KEY when ``add_key`` (a key-set's ``add``) is given, and the number of invalid rows.

        The same outcome as :meth:`evaluate` row by row, computed column by column: the memo look-ups run in C
        over whole columns, and a row rule sees only the fields it reads (:data:`RULE_FIELDS`); no texts are
        built unless a rule reports something. Rows with a field issue go through :meth:`evaluate`.
        ``native``: cells may be calamine's own values (``app.ingest.xlsx.native_value``), converted here
        column by column, and only in the columns that need it.
        """
        names = plan.names
        cols: list[Sequence[Any]] = list(zip(*[b[1] for b in batch], strict=True)) if names else []
        if native:
            cols = list(map(_native_column, cols))
        elif not text_cells:
            cols = [
                [("TRUE" if c else "FALSE") if c.__class__ is bool else c for c in col]
                if bool in set(map(type, col))
                else col
                for col in cols
            ]
        hit_cols = [list(map(cache.__getitem__, col)) for cache, col in zip(plan.caches, cols, strict=True)]
        bad: set[int] = set()
        for hits in hit_cols:
            if any(map(_ISSUES, hits)):
                bad.update(i for i, h in enumerate(hits) if h[1] is not None)
        texts = _BatchTexts(names, cols if text_cells else None, hit_cols)
        rule = self._row_rule
        need_names = plan.rule_names
        need_rows: Iterator[tuple[Any, ...]] = (
            zip(*[list(map(_VALUE, hit_cols[j])) for j in plan.rule_index], strict=True)
            if need_names
            else repeat(())
        )
        need_absent = plan.rule_absent
        key_field = self.key_field
        key_col: list[Any] | None = None
        if add_key is not None and key_field in names:
            key_col = list(map(_VALUE, hit_cols[names.index(key_field)]))
        duplicate = self.duplicate_violation
        slow = bool(plan.absent_issues)
        out: list[Violation] = []
        invalid = 0
        for i, (row, cells, hidden, merged), needed in zip(count(), batch, need_rows):
            key: Any = None
            if slow or i in bad:
                if native:
                    cells = [col[i] for col in cols]
                _texts, values, found = self.evaluate(plan, row, cells, hidden, merged, text_cells)
                if key_col is not None:
                    key = values.get(key_field)  # type: ignore[arg-type]
            else:
                found = []
                texts.i = i
                if rule is not None:
                    values = dict(zip(need_names, needed))  # noqa: B905 - aligned by construction
                    if need_absent:
                        values.update(need_absent)
                    rule(row, values, texts, found)
                if hidden or merged:
                    found[:0] = self._layout_warnings(row, hidden, merged, texts)
                if key_col is not None:
                    key = key_col[i]
                    if found and any(v.field == key_field and v.severity is _ERROR for v in found):
                        key = None  # a key with an error is not a key (as in evaluate's values)
            if key and add_key is not None and not add_key(key):
                found.append(duplicate(row, key))
            if found:
                if any(v.severity is _ERROR for v in found):
                    invalid += 1
                out += found
        return out, invalid

    def _layout_warnings(
        self, row: int, hidden: bool, merged: frozenset[str], texts: Mapping[str, str]
    ) -> list[Violation]:
        out = []
        if hidden:
            out.append(
                self._v(
                    "HIDDEN_ROW",
                    row,
                    None,
                    None,
                    f"Row {row} is hidden in the workbook; its data was read and will be submitted.",
                )
            )
        for name in self.field_names:
            if name in merged:
                out.append(
                    self._v(
                        "MERGED_CELL",
                        row,
                        name,
                        texts.get(name),
                        f"The {self._labels[name]} of row {row} was copied from a merged range above it.",
                    )
                )
        return out

    def _v(
        self, code: str, row: int, field: str | None, value: str | None, message: str, hint: str | None = None
    ) -> Violation:
        return make_violation(
            code, row, field, value, message, record_citation=self.record.citation, hint=hint
        )

    # -- cross-field rules, one method per record type
    # ---------------------------------------------------------------

    def _reference_checks(
        self,
        row: int,
        values: dict[str, Any],
        texts: Mapping[str, str],
        out: list[Violation],
        *,
        location: bool = False,
    ) -> None:
        ref = self.reference
        if ref is None:
            return
        award = values.get("award_number")
        if award and not ref.knows_award(award):
            out.append(
                self._v(
                    "AWARD_UNKNOWN",
                    row,
                    "award_number",
                    texts.get("award_number"),
                    f"The award {award} is not among the awards the portal knows.",
                )
            )
        if location:
            building = values.get("building")
            if building and not ref.knows_location(building, values.get("room")):
                where = f"{building}, room {values['room']}" if values.get("room") else building
                out.append(
                    self._v(
                        "LOCATION_UNKNOWN",
                        row,
                        "room" if values.get("room") else "building",
                        texts.get("room") or texts.get("building"),
                        f"The location {where} is not among the locations the portal knows.",
                    )
                )

    def _rules_chemical_inventory(
        self, row: int, values: dict[str, Any], texts: Mapping[str, str], out: list[Violation]
    ) -> None:
        if (
            values.get("hazard_codes")
            and values.get("sds_reference") is None
            and is_blank_value(values, texts, "sds_reference")
        ):
            codes = ", ".join(values["hazard_codes"])
            out.append(
                self._v(
                    "SDS_MISSING",
                    row,
                    "sds_reference",
                    texts.get("sds_reference"),
                    f"The chemical carries hazard statements ({codes}) but no safety data sheet is "
                    "referenced.",
                )
            )
        if self.reference is not None:
            self._reference_checks(row, values, texts, out, location=True)

    def _rules_equipment(
        self, row: int, values: dict[str, Any], texts: Mapping[str, str], out: list[Violation]
    ) -> None:
        cost, acquired = values.get("unit_cost"), values.get("acquisition_date")
        if cost is not None and acquired is not None:
            threshold = self.policy.equipment.threshold_on(acquired)
            if threshold is not None and cost >= threshold:
                missing = [
                    f
                    for f in ("useful_life_years", "depreciation_method")
                    if is_blank_value(values, texts, f)
                ]
                if missing:
                    what = " and ".join(self._labels[f] for f in missing)
                    out.append(
                        self._v(
                            "DEPRECIATION_MISSING",
                            row,
                            missing[0],
                            texts.get(missing[0]),
                            f"Unit cost ${cost:,.2f} is at or above the ${threshold:,.0f} equipment "
                            "threshold for "
                            f"items acquired {acquired.isoformat()}, but the {what} "
                            f"{'are' if len(missing) > 1 else 'is'} missing.",
                        )
                    )
        if self.reference is not None:
            self._reference_checks(row, values, texts, out, location=True)

    def _rules_waste_manifest(
        self, row: int, values: dict[str, Any], texts: Mapping[str, str], out: list[Violation]
    ) -> None:
        category, start = values.get("generator_category"), values.get("accumulation_start_date")
        if category is None or start is None:
            return
        waste = self.policy.waste
        limit: dt.date | None = None
        rule = ""
        if category in waste.accumulation_limit_days:
            days = waste.accumulation_limit_days[category]
            if category == "SQG" and waste.sqg_far_tsdf:
                days = waste.sqg_far_tsdf_days
            limit, rule = start + dt.timedelta(days=days), f"{days} days"
        elif category in waste.accumulation_limit_months:
            months = waste.accumulation_limit_months[category]
            limit, rule = _add_months(start, months), f"{months} months"
        if limit is not None and self.as_of > limit:
            held = (self.as_of - start).days
            out.append(
                self._v(
                    "ACCUMULATION_EXCEEDED",
                    row,
                    "accumulation_start_date",
                    texts.get("accumulation_start_date"),
                    f"Waste accumulating since {start.isoformat()} has been held {held} days by "
                    f"{self.as_of.isoformat()}; a {category} may hold it at most {rule}.",
                )
            )

    def _rules_cost_share(
        self, row: int, values: dict[str, Any], texts: Mapping[str, str], out: list[Violation]
    ) -> None:
        kind, sponsor = values.get("cost_share_type"), values.get("sponsor")
        policy = self.policy.cost_share
        if (
            kind == "voluntary committed"
            and sponsor
            and enum_key(sponsor) in policy.prohibit_voluntary_committed
        ):
            out.append(
                self._v(
                    "VOLUNTARY_COMMITTED_PROHIBITED",
                    row,
                    "cost_share_type",
                    texts.get("cost_share_type"),
                    f"Voluntary committed cost sharing is not allowed on {sponsor} awards.",
                )
            )
        if kind == "mandatory":
            percent = values.get("required_percent")
            award = values.get("award_number")
            if percent is None and award:
                percent = policy.required_percent_by_award.get(award)
            share, base = values.get("cost_share_amount"), values.get("sponsor_amount")
            if percent is not None and share is not None and base is not None:
                cap = base * percent / Decimal(100)
                if share > cap:
                    out.append(
                        self._v(
                            "COST_SHARE_EXCEEDS_CAP",
                            row,
                            "cost_share_amount",
                            texts.get("cost_share_amount"),
                            f"Mandatory cost share ${share:,.2f} is above the required {percent}% of the "
                            "sponsor "
                            f"amount (${cap:,.2f}).",
                        )
                    )
        if self.reference is not None:
            self._reference_checks(row, values, texts, out)

    def _rules_attestation(
        self, row: int, values: dict[str, Any], texts: Mapping[str, str], out: list[Violation]
    ) -> None:
        attested = values.get("attested")
        signed = values.get("signature_date")
        signed_field = "signature_date"
        if signed is None and values.get("signed_at") is not None:
            signed = values["signed_at"].date()  # the e-signature's timestamp dates the signature
            signed_field = "signed_at"
        if attested is False:
            out.append(
                self._v(
                    "ATTESTATION_UNSIGNED",
                    row,
                    "attested",
                    texts.get("attested"),
                    "The attestation is marked as not attested.",
                )
            )
        elif (
            attested is True
            and is_blank_value(values, texts, "signature_date")
            and is_blank_value(values, texts, "signed_at")
        ):
            out.append(
                self._v(
                    "ATTESTATION_UNSIGNED",
                    row,
                    "signature_date",
                    texts.get("signature_date"),
                    "The attestation has no signature date (nor an e-signature time).",
                )
            )
        start, end = values.get("period_start"), values.get("period_end")
        if start is not None and end is not None and end < start:
            out.append(
                self._v(
                    "PERIOD_INVALID",
                    row,
                    "period_end",
                    texts.get("period_end"),
                    f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
                )
            )
        kind = values.get("attestation_type")
        if (
            kind in self.policy.attestation.after_period_types
            and signed is not None
            and end is not None
            and signed < end
        ):
            out.append(
                self._v(
                    "CERTIFIED_BEFORE_PERIOD_END",
                    row,
                    signed_field,
                    texts.get(signed_field),
                    f"The {kind} was signed {signed.isoformat()}, before the period it certifies ends "
                    f"({end.isoformat()}).",
                )
            )
        salary = values.get("annual_salary")
        if salary is not None and start is not None:
            cap = amount_on(self.policy.attestation.nih_salary_caps, start)
            if cap is not None and salary > cap.amount:
                out.append(
                    self._v(
                        "SALARY_ABOVE_CAP",
                        row,
                        "annual_salary",
                        texts.get("annual_salary"),
                        f"Annual salary ${salary:,.2f} is above the NIH salary cap of ${cap.amount:,.0f} "
                        "in effect "
                        f"since {cap.from_.isoformat()}.",
                    )
                )
        if self.reference is not None:
            self._reference_checks(row, values, texts, out)


#
# ----------------------------------------------------------------------------------------------------
# Payloads


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def payload_of(result: RowResult, record_type: str | RecordType) -> dict[str, Any]:
    """The canonical JSON-ready payload of a row (every field of the type; Decimals as strings, dates ISO)."""
    record = (
        record_type if isinstance(record_type, RecordType) else load_dictionary().record_type(record_type)
    )
    values = result.values
    return {name: _jsonable(values.get(name)) for name in record.field_names}


#
# ----------------------------------------------------------------------------------------------------
# Duplicate keys in bounded memory


_ZERO: Final = (0,)


class KeySet:
    """A set of 64-bit key hashes in one flat array, for DUPLICATE_KEY in bounded memory.

    Open addressing with linear probing, up to 3/4 full: about 11 bytes per key (a Python ``set`` of ints
    costs
    ~60). :meth:`reserve` sizes it once when the number of rows can be estimated, so it does not grow in
    steps.
    Two different keys share a 64-bit hash with negligible probability (~3e-8 at a million keys).
    """

    __slots__ = ("_cap", "_limit", "_n", "_slots")
    MAX_LOAD: Final = 0.75

    def __init__(self, capacity: int = 4096) -> None:
        self._n = 0
        self._alloc(capacity)

    def _alloc(self, capacity: int) -> None:
        self._cap = capacity
        self._limit = int(capacity * self.MAX_LOAD)
        self._slots = array("Q", _ZERO) * capacity

    def __len__(self) -> int:
        return self._n

    def __contains__(self, key: str) -> bool:
        h = hash(key) & 0xFFFFFFFFFFFFFFFF or 1
        slots, cap = self._slots, self._cap
        i = h % cap
        while True:
            current = slots[i]
            if current == 0:
                return False
            if current == h:
                return True
            i += 1
            if i == cap:
                i = 0

    def add(self, key: str) -> bool:
        """Add ``key``; False when it was already present."""
        h = hash(key) & 0xFFFFFFFFFFFFFFFF or 1
        slots, cap = self._slots, self._cap
        i = h % cap
        while True:
            current = slots[i]
            if current == 0:
                break
            if current == h:
                return False
            i += 1
            if i == cap:
                i = 0
        slots[i] = h
        self._n += 1
        if self._n > self._limit:
            self._rehash(self._cap * 3 // 2)
        return True

    def reserve(self, keys: int) -> None:
        """Make room for ``keys`` keys in one step (no-op when there is room already)."""
        capacity = int(keys / self.MAX_LOAD) + 1
        if capacity > self._cap * 1.2:  # small corrections are left to the normal growth
            self._rehash(capacity)

    def _rehash(self, capacity: int) -> None:
        old = self._slots
        self._alloc(capacity)
        slots, cap = self._slots, self._cap
        for h in old:
            if h:
                i = h % cap
                while slots[i]:
                    i += 1
                    if i == cap:
                        i = 0
                slots[i] = h
        del old


#
# ----------------------------------------------------------------------------------------------------
# Header detection, sheet choice and the run


def load_mapping(path: Path) -> dict[str, str]:
    """A ``--mapping`` file: JSON or TOML, source header -> canonical field ("" or null ignores the column).

    TOML may put the pairs in a ``[mapping]`` table; JSON may be ``{"mapping": {...}}``.
    """
    try:
        data_bytes = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot read the mapping file ({exc.strerror or exc})") from exc
    data: Any
    try:
        if Path(path).suffix.lower() == ".toml":
            data = tomllib.loads(data_bytes.decode("utf-8-sig"))
        else:
            data = json.loads(data_bytes.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a valid JSON/TOML mapping ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise UserError(f"{path}: a mapping file maps source header -> canonical field name (strings)")
    return {k: (v or "") for k, v in data.items()}


class _Candidate:
    __slots__ = ("columns", "header_index", "headers", "missing", "record", "score")

    def __init__(
        self, record: RecordType, header_index: int, headers: list[str], columns: dict[int, str]
    ) -> None:
        self.record = record
        self.header_index = header_index
        self.headers = headers  # the header row's cells as text, stripped
        self.columns = columns
        mapped = set(columns.values())
        self.missing = [f for f in record.required if f not in mapped]
        self.score = len(mapped)

    def rank(self) -> tuple[int, int, int]:
        return (int(not self.missing), self.score, -self.header_index)


def _map_with_override(
    record: RecordType, headers: list[str], wanted: Mapping[str, str] | None
) -> dict[int, str] | None:
    """Column index -> field; None when the user mapping names fields this record type does not have.

    ``wanted`` is the user mapping keyed by the :func:`header_key` of each source header (see ``_setup``)."""
    if not wanted:
        return record.map_headers(headers)
    if any(v and v not in record.field_names for v in wanted.values()):
        return None
    fixed: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = wanted.get(header_key(header)) if header else None
        if target is not None:
            fixed[index] = target  # "" = ignore this column
    taken = {v for v in fixed.values() if v}
    rest = record.map_headers([h if i not in fixed else "" for i, h in enumerate(headers)])
    out = {i: f for i, f in fixed.items() if f}
    for index, name in rest.items():
        if name not in taken or record.field(name).multi:
            out[index] = name
    return dict(sorted(out.items()))


class ValidationRun:
    """An open validation of one file. Use :func:`open_validation`; iterate :meth:`results` once."""

    def __init__(
        self,
        path: Path,
        *,
        record_type: str | None = None,
        sheet: str | None = None,
        mapping: Mapping[str, str] | Path | None = None,
        as_of: dt.date | None = None,
        policy: Policy | None = None,
        reference: ReferenceData | None = None,
        progress: ProgressCallback | None = None,
        dictionary: DataDictionary | None = None,
    ) -> None:
        self.path = Path(path)
        self.dictionary = dictionary or load_dictionary()
        self.policy = policy or load_policy()
        self.as_of = as_of or dt.date.today()
        self.reference = reference
        self.progress = progress
        if record_type is not None:
            self.dictionary.record_type(record_type)  # unknown type -> ConfigError (exit 2)
        user_mapping = load_mapping(mapping) if isinstance(mapping, Path | str) else mapping
        self.rows_read = 0
        self.valid_rows = 0
        self.invalid_rows = 0
        self.file_issues: list[Violation] = []
        self._reader: TableReader = open_table(self.path)
        try:
            self._setup(record_type, sheet, user_mapping)
        except BaseException:
            self._reader.close()
            raise

    # -- choosing sheet, header row and record type
    # ---------------------------------------------------------------

    def _setup(self, record_type: str | None, sheet: str | None, mapping: Mapping[str, str] | None) -> None:
        sheets = self._reader.sheets()
        if sheet is not None:
            if sheet not in {s.name for s in sheets}:
                names = ", ".join(s.name for s in sheets)
                raise InputFileError(self.path, f"no sheet named {sheet!r} (sheets: {names})")
            order = [sheet]
        else:
            order = [s.name for s in sheets if s.visible] or [s.name for s in sheets[:1]]
        types = (
            [self.dictionary.record_type(record_type)]
            if record_type
            else list(self.dictionary.record_types.values())
        )
        if mapping:
            targets = {v for v in mapping.values() if v}
            fitting = [t for t in types if targets <= set(t.field_names)]
            if not fitting:
                known = sorted({f for t in types for f in t.field_names})
                unknown = sorted(targets - set(known)) or sorted(targets)
                where = f"a {record_type} field" if record_type else "a field of any one record type"
                raise UserError(
                    f"mapping: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not {where}"
                )
            types = fitting
        # the user mapping's source headers normalized once, not for every row and record type tried
        wanted = {header_key(k): v for k, v in mapping.items()} if mapping else None
        chosen: tuple[str, list[SourceRow], Iterator[SourceRow], _Candidate | None] | None = None
        for name in order:
            stream = iter(self._reader.rows(name))
            buffered = self._scan(stream)
            best = self._best(buffered, types, wanted)
            if chosen is None or (
                best is not None and not best.missing and (chosen[3] is None or chosen[3].missing)
            ):
                if chosen is not None:
                    _close(chosen[2])
                chosen = (name, buffered, stream, best)
            else:
                _close(stream)
            if best is not None and not best.missing:
                break
        assert chosen is not None
        name, buffered, stream, best = chosen
        if best is None:
            if not buffered:
                raise InputFileError(self.path, "no data: the sheet has no rows")
            raise InputFileError(
                self.path,
                f"no header row recognised in the first {HEADER_SCAN_ROWS} rows; pass --type and --mapping",
            )
        if record_type is None:
            self._check_ambiguous(types, wanted, best)
        self.sheet = name
        self.record_type = best.record.name
        self.record = best.record
        self.header_row = buffered[best.header_index].number
        self.headers = best.headers
        self.columns = best.columns
        self.mapping = {self.headers[i] or f"column {i + 1}": f for i, f in best.columns.items()}
        for missing in best.missing:
            self.file_issues.append(
                make_violation(
                    "HEADER_MISSING",
                    None,
                    missing,
                    None,
                    f"No column for the required field “{missing.replace('_', ' ')}” was found in the "
                    "header row "
                    f"(row {self.header_row}).",
                    record_citation=self.record.citation,
                )
            )
        self._pending = buffered[best.header_index + 1 :]
        self._stream = stream
        self.validator = RowValidator(
            self.record_type, self.policy, self.as_of, self.reference, dictionary=self.dictionary
        )

    def _scan(self, stream: Iterator[SourceRow]) -> list[SourceRow]:
        buffered: list[SourceRow] = []
        for row in stream:
            if not row.is_blank():
                buffered.append(row)
                if len(buffered) >= HEADER_SCAN_ROWS:
                    break
        return buffered

    def _best(
        self, rows: list[SourceRow], types: list[RecordType], wanted: Mapping[str, str] | None
    ) -> _Candidate | None:
        best: _Candidate | None = None
        for index, row in enumerate(rows):
            headers = [cell_text(v).strip() for v in row.values]
            for record in types:
                columns = _map_with_override(record, headers, wanted)
                if not columns:
                    continue
                cand = _Candidate(record, index, headers, columns)
                if cand.score < 2 and len(types) > 1:
                    continue
                if best is None or cand.rank() > best.rank():
                    best = cand
        return best

    def _check_ambiguous(
        self, types: list[RecordType], wanted: Mapping[str, str] | None, best: _Candidate
    ) -> None:
        headers = best.headers
        rivals = []
        for record in types:
            if record is best.record:
                continue
            columns = _map_with_override(record, headers, wanted)
            if columns:
                cand = _Candidate(record, best.header_index, headers, columns)
                if cand.rank()[:2] == best.rank()[:2]:
                    rivals.append(record.name)
        if rivals:
            names = " or ".join([best.record.name, *rivals])
            raise UserError(f"{self.path}: the headers fit {names} equally well; pass --type")

    # -- streaming
    # ------------------------------------------------------------------------------------------------

    def results(self) -> Iterator[RowResult]:
        """Stream the validated data rows (blank rows skipped and not counted)."""
        validator = self.validator
        plan, prepared, _batches, key_field = self._prepare()
        text_cells = self._text_cells()
        keys = KeySet() if key_field else None
        check = validator.check_cells
        count = 0
        for row, cells, hidden, merged in prepared():
            result = check(plan, row, cells, hidden, merged, text_cells)
            found = result.violations
            if keys is not None:
                key = result.values.get(key_field)  # type: ignore[arg-type]
                if key and not keys.add(key):
                    found.append(validator.duplicate_violation(row, key))
            count += 1
            if found and any(v.severity is _ERROR for v in found):
                self.invalid_rows += 1
            else:
                self.valid_rows += 1
            self.rows_read = count
            if count % PROGRESS_EVERY == 0:
                self._tick(count, keys, count == PROGRESS_EVERY)
            yield result
        self._tick(count, None, False, final=True)

    def violations(self) -> Iterator[Violation]:
        """Stream only the violations (same rows, counts and DUPLICATE_KEY as :meth:`results`).

        Faster when the rows themselves are not needed (``labsync validate``): rows are checked
        ``BATCH_ROWS`` at a time, column by column, and no RowResult is built.
        """
        validator = self.validator
        plan, _prepared, batches, key_field = self._prepare()
        text_cells = self._text_cells()
        keys = KeySet() if key_field else None
        add_key = keys.add if keys is not None else None
        evaluate_batch = validator.evaluate_batch
        native_values: Callable[[], None] | None = getattr(self._reader, "native_values", None)
        native = native_values is not None
        if native_values is not None:
            native_values()  # rows still buffered were converted: both kinds go through _native_cell
        rows = 0
        for batch in batches():
            if not batch:
                continue
            found, invalid = evaluate_batch(plan, batch, text_cells, add_key, native)
            before = rows
            rows += len(batch)
            self.invalid_rows += invalid
            self.valid_rows += len(batch) - invalid
            self.rows_read = rows
            if rows // PROGRESS_EVERY != before // PROGRESS_EVERY:
                self._tick(rows, keys, before < PROGRESS_EVERY)
            yield from found
        self._tick(rows, None, False, final=True)

    def _text_cells(self) -> bool:
        return getattr(self._reader, "format", "") in ("csv", "tsv", "txt")

    def _tick(self, count: int, keys: KeySet | None, first: bool, *, final: bool = False) -> None:
        """Progress callback; and, early on, size the key set once for the whole file."""
        bytes_done: Callable[[], int] = getattr(self._reader, "bytes_done", lambda: 0)
        bytes_total = int(getattr(self._reader, "bytes_total", 0) or _size(self.path))
        if final:
            self.rows_read = count
            if self.progress is not None:
                self.progress(count, bytes_total, bytes_total)
            return
        done = bytes_done()
        if self.progress is not None:
            self.progress(count, done, bytes_total)
        if keys is not None and first and 0 < done < bytes_total:
            keys.reserve(int(count * bytes_total / done * 1.05))

    def _prepare(
        self,
    ) -> tuple[
        _Plan,
        Callable[[], Iterator[tuple[int, Sequence[Any], bool, frozenset[str]]]],
        Callable[[], Iterator[list[tuple[int, Sequence[Any], bool, frozenset[str]]]]],
        str | None,
    ]:
        """The plan, generators of ``(row, cells, hidden, merged_fields)`` per data row (one by one, and in
        batches), and the key field."""
        validator = self.validator
        by_field: dict[str, list[int]] = {}
        for index, name in self.columns.items():
            by_field.setdefault(name, []).append(index)
        mapped = tuple(n for n in validator.field_names if n in by_field)
        plan = validator.plan_for(mapped)
        picks = [by_field[n][0] for n in mapped]
        multi = [(mapped.index(n), idx) for n, idx in by_field.items() if len(idx) > 1]
        getter: Callable[[list[Any]], Sequence[Any]]
        if len(picks) == 1:
            only = picks[0]
            getter = lambda vals: (vals[only],)  # noqa: E731
        elif picks:
            getter = itemgetter(*picks)
        else:
            getter = lambda vals: ()  # noqa: E731
        width = max(self.columns, default=-1) + 1
        filler: list[Any] = [""] * width
        field_of_col = dict(self.columns)
        no_merge: frozenset[str] = frozenset()
        key_field = validator.key_field if validator.key_field in by_field else None

        def prepare(src: SourceRow) -> tuple[int, Sequence[Any], bool, frozenset[str]] | None:
            vals = src.values
            if not any(vals):
                return None
            first = vals[0]
            if (first is None or (first.__class__ is str and not first.strip())) and src.is_blank():
                return None
            if len(vals) < width:
                vals = vals + filler
            cells = getter(vals)
            if multi:
                cells = list(cells)
                for pos, idx in multi:
                    parts = [cell_text(vals[i]).strip() for i in idx]
                    cells[pos] = ", ".join(p for p in parts if p)
            merged = no_merge
            if src.merged_columns:
                merged = frozenset(field_of_col[c] for c in src.merged_columns if c in field_of_col)
            return src.number, cells, src.hidden, merged

        def prepared() -> Iterator[tuple[int, Sequence[Any], bool, frozenset[str]]]:
            pending, self._pending = self._pending, []
            for src in chain(pending, self._stream):
                item = prepare(src)
                if item is not None:
                    yield item

        def slow_batch(sources: list[SourceRow]) -> list[tuple[int, Sequence[Any], bool, frozenset[str]]]:
            return [item for item in map(prepare, sources) if item is not None]

        def batches() -> Iterator[list[tuple[int, Sequence[Any], bool, frozenset[str]]]]:
            """``BATCH_ROWS`` prepared rows at a time; the common case (no blank, short, hidden or merged row)
            runs in C."""
            pending, self._pending = self._pending, []
            simple = not multi and width > 0
            text_only = self._text_cells()  # delimited text has no hidden rows or merges
            native_block: Callable[[int], tuple[int, list[list[Any]]] | None] | None = (
                getattr(self._reader, "native_block", None) if simple and not text_only else None
            )
            if native_block is not None:
                # rows buffered by the header search first, then calamine's rows in blocks (no SourceRow)
                sources_iter: Iterator[SourceRow] = iter(pending)
                while sources := list(islice(sources_iter, BATCH_ROWS)):
                    yield from_sources(sources)
                while (block := native_block(BATCH_ROWS)) is not None and block[1]:
                    first, vals_list = block
                    if min(map(len, vals_list)) < width:
                        vals_list = [v if len(v) >= width else v + filler for v in vals_list]
                    firsts = list(map(_FIRST, vals_list))
                    if all(f.__class__ is str for f in firsts) and all(map(str.strip, firsts)):
                        numbers = range(first, first + len(vals_list))
                        yield list(zip(numbers, map(getter, vals_list), repeat(False), repeat(no_merge)))
                    else:
                        yield slow_batch([SourceRow(first + i, v) for i, v in enumerate(vals_list)])
                pending = []
            stream = chain(pending, self._stream)
            while sources := list(islice(stream, BATCH_ROWS)):
                yield from_sources(sources)

        def from_sources(sources: list[SourceRow]) -> list[tuple[int, Sequence[Any], bool, frozenset[str]]]:
            """One batch of prepared rows; the common case (no blank, short, hidden or merged row) in C."""
            if not multi and width > 0:
                text_only = self._text_cells()  # delimited text has no hidden rows or merges
                vals_list = list(map(_VALUES, sources))
                if min(map(len, vals_list)) < width:  # workbooks drop trailing empty cells
                    vals_list = [v if len(v) >= width else v + filler for v in vals_list]
                firsts = list(map(_FIRST, vals_list))
                # all as wide as the header needs, with a non-blank text first cell: none is blank
                if (
                    (text_only or all(f.__class__ is str for f in firsts))
                    and all(map(str.strip, firsts))
                    and (text_only or not (any(map(_HIDDEN, sources)) or any(map(_MERGED, sources))))
                ):
                    return list(
                        zip(map(_NUMBER, sources), map(getter, vals_list), repeat(False), repeat(no_merge))
                    )
            return slow_batch(sources)

        return plan, prepared, batches, key_field

    @property
    def notes(self) -> list[Any]:
        return self._reader.notes()

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> ValidationRun:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _close(stream: Iterator[SourceRow]) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def open_validation(
    path: Path | str,
    *,
    record_type: str | None = None,
    sheet: str | None = None,
    mapping: Mapping[str, str] | Path | None = None,
    as_of: dt.date | None = None,
    policy: Policy | None = None,
    reference: ReferenceData | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationRun:
    """Open ``path`` for validation (a context manager). Raises ``UserError``/``InputFileError`` (exit 2)
    when the
    file cannot be read or its record type cannot be told; a missing required column is a file issue
    instead."""
    return ValidationRun(
        Path(path),
        record_type=record_type,
        sheet=sheet,
        mapping=mapping,
        as_of=as_of,
        policy=policy,
        reference=reference,
        progress=progress,
    )
