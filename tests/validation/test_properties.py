"""Property tests: enumerations match insensitively, checkers never crash, memoized == fresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.types import ExcelError
from app.validation import RowValidator, load_dictionary, load_policy

AS_OF = dt.date(2026, 1, 15)
DICTIONARY = load_dictionary()
ENUM_VALUES = [(name, value) for name, enum in DICTIONARY.enums.items() for value in enum.values]


def _respell(value: str, data: st.DataObject) -> str:
    out = []
    for ch in value:
        if ch == " ":
            out.append(data.draw(st.sampled_from([" ", "-", "_", "  ", ""])))
        else:
            out.append(ch.upper() if data.draw(st.booleans()) else ch.lower())
    pad = data.draw(st.sampled_from(["", " ", "\u00a0", "\ufeff"]))
    return pad + "".join(out) + pad


@given(st.sampled_from(ENUM_VALUES), st.data())
def test_enums_match_insensitively(item: tuple[str, str], data: st.DataObject) -> None:
    name, value = item
    enum = DICTIONARY.enums[name]
    spelled = _respell(value, data)
    from app.validation.normalize import clean_text

    assert enum.match(clean_text(spelled)) == value


CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.sampled_from([ExcelError("#N/A"), ExcelError("#REF!")]),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(DICTIONARY.record_types)), st.data())
def test_checkers_never_crash_and_memo_equals_fresh(record_type: str, data: st.DataObject) -> None:
    fields = DICTIONARY.record_type(record_type).field_names
    raw = {f: data.draw(CELLS, label=f) for f in fields if data.draw(st.booleans())}
    shared = RowValidator(record_type, load_policy(), AS_OF)
    first = shared.check_row(2, raw)
    again = shared.check_row(2, raw)  # served from the per-column memo
    fresh = RowValidator(record_type, load_policy(), AS_OF).check_row(2, raw)
    assert first.violations == again.violations == fresh.violations
    assert set(first.raw) == set(raw)
    assert all(isinstance(t, str) for t in first.raw.values())
    for value in first.values.values():
        assert not isinstance(value, float)  # money and quantities are Decimal, never float
    # a field with an error is absent from values
    errored = {v.field for v in first.violations if v.is_error and v.field}
    assert not (errored & set(first.values))


@given(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**9), places=4))
def test_quantities_stay_decimal(number: Decimal) -> None:
    validator = RowValidator("chemical_inventory", load_policy(), AS_OF)
    result = validator.check_row(2, {"quantity": format(number, "f")})
    assert result.values["quantity"] == number
    assert isinstance(result.values["quantity"], Decimal)


SYNONYMS = [
    (rt.name, synonym, spec.name)
    for rt in DICTIONARY.record_types.values()
    for spec in rt.fields
    for synonym in (spec.name, *spec.synonyms)
]


@given(st.sampled_from(SYNONYMS), st.data())
def test_headers_match_case_punctuation_whitespace_insensitively(
    item: tuple[str, str, str], data: st.DataObject
) -> None:
    record_type, synonym, field = item
    noise = st.sampled_from(["", " ", "  ", "_", ".", "-", ":", "\u00a0", "\ufeff", "(", ")", "*"])
    spelled = "".join(
        (ch.upper() if data.draw(st.booleans()) else ch.lower()) + data.draw(noise) for ch in synonym
    )
    assert DICTIONARY.record_type(record_type).candidates(data.draw(noise) + spelled)[0] == field


def _batch_vs_rows(record_type: str, rows: list[dict[str, object]], **kwargs: object) -> None:
    """evaluate_batch (the CLI's path) must report exactly what check_row reports, row by row."""
    from app.validation.engine import KeySet

    validator = RowValidator(record_type, load_policy(), AS_OF, **kwargs)  # type: ignore[arg-type]
    mapped = tuple(f for f in validator.field_names if any(f in r for r in rows))
    plan = validator.plan_for(mapped)
    batch = [(n + 2, [r.get(f, "") for f in mapped], n % 5 == 0, frozenset()) for n, r in enumerate(rows)]
    found, invalid = validator.evaluate_batch(plan, batch, False, KeySet().add)
    expected = []
    keys = KeySet()
    bad = 0
    for row, cells, hidden, merged in batch:
        result = validator.check_cells(plan, row, cells, hidden, merged)
        key = validator.key_of(result)
        if key and not keys.add(key):
            result.violations.append(validator.duplicate_violation(row, key))
        bad += not result.is_valid
        expected += result.violations
    assert found == expected
    assert invalid == bad


def test_batch_path_matches_row_path_for_every_rule_case() -> None:
    from app.validation.reference import ReferenceData

    from .conftest import VALID
    from .test_rules import CASES

    ref = ReferenceData.build(awards=["CHE-2304567"], locations=[("Hall B", "2104")])
    for record_type in VALID:
        rows = [dict(VALID[record_type])]
        for _code, rt, breaking, passing in CASES:
            if rt != record_type:
                continue
            for changes in (breaking, passing):
                row = dict(VALID[record_type])
                for key, value in changes.items():
                    if value is None:
                        row.pop(key, None)
                    else:
                        row[key] = value
                rows.append(row)
        rows.append(dict(VALID[record_type]))  # a duplicate of the first row
        _batch_vs_rows(record_type, rows)
        _batch_vs_rows(record_type, rows, reference=ref)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(DICTIONARY.record_types)), st.data())
def test_batch_path_matches_row_path_on_random_rows(record_type: str, data: st.DataObject) -> None:
    fields = DICTIONARY.record_type(record_type).field_names
    present = [f for f in fields if data.draw(st.booleans())]
    rows = [{f: data.draw(CELLS, label=f) for f in present} for _ in range(data.draw(st.integers(1, 6)))]
    _batch_vs_rows(record_type, rows)
