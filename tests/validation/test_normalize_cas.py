"""Normalization of invisible artifacts (never of meaning) and the CAS check digit, with property tests."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.validation.cas import cas_check_digit, cas_is_valid, cas_is_well_formed
from app.validation.checkers import cell_text, parse_date, parse_decimal
from app.validation.normalize import clean_code, clean_code_keep_case, clean_text, enum_key, header_key

INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"]
SPACES = ["\u00a0", "\u202f", "\u2007", "\u2009", " ", "\t"]


def test_clean_text_removes_artifacts_only() -> None:
    assert clean_text("\ufeffAcetone\u00a0") == "Acetone"
    assert clean_text("Hall\u00a0B") == "Hall B"
    assert clean_text("So\u200bdium chloride") == "Sodium chloride"
    assert clean_text("  Café µ  ") == "Café µ"
    assert clean_text("a  b") == "a  b"  # inner spacing is content


def test_clean_code_unifies_dashes_quotes_case() -> None:
    assert clean_code("67\u201164\u20131") == "67-64-1"
    assert clean_code(" cad009452657\u200b ") == "CAD009452657"
    assert clean_code("\u2018x\u2019") == "'X'"
    assert clean_code_keep_case("H361d\u00a0") == "H361d"


def test_header_and_enum_keys() -> None:
    assert header_key("CAS No.") == header_key("cas_no") == header_key(" CAS  No ") == "casno"
    assert header_key("Unit Wt./Vol.") == "unitwtvol"
    assert header_key("#") == "#"
    assert (
        enum_key("Voluntary-Committed") == enum_key("voluntary_committed") == enum_key("VOLUNTARY committed")
    )
    assert enum_key("µL") == enum_key("μL") == enum_key("uL".replace("u", "µ"))


@given(st.text(), st.sampled_from(INVISIBLE), st.sampled_from(SPACES))
def test_clean_text_is_idempotent_and_ignores_artifacts(text: str, invisible: str, space: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert clean_text(invisible + text + space) == clean_text(text)


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",))))
def test_ascii_text_only_loses_surrounding_whitespace(text: str) -> None:
    assert clean_text(text) == text.strip()


@given(st.text())
def test_clean_code_idempotent(text: str) -> None:
    assert clean_code(clean_code(text)) == clean_code(text)


def test_cas_examples() -> None:
    assert cas_check_digit("773218") == 5  # water, the example from cas.org
    assert cas_is_valid("7732-18-5")
    assert not cas_is_valid("7732-18-4")
    assert cas_is_valid("50-00-0")
    assert cas_is_valid("26628-22-8")
    assert cas_is_valid("9012-36-6")
    assert not cas_is_well_formed("7732185")
    assert not cas_is_well_formed("1-00-0")
    assert not cas_is_well_formed("12345678-00-0")


@given(st.from_regex(r"\A[1-9][0-9]{1,6}\Z"), st.from_regex(r"\A[0-9]{2}\Z"))
def test_cas_with_computed_check_digit_is_valid(head: str, mid: str) -> None:
    check = cas_check_digit(head + mid)
    assert cas_is_valid(f"{head}-{mid}-{check}")
    for wrong in range(10):
        if wrong != check:
            assert not cas_is_valid(f"{head}-{mid}-{wrong}")  # a wrong check digit is never accepted


@given(st.from_regex(r"\A[1-9][0-9]{1,6}\Z"), st.from_regex(r"\A[0-9]{2}\Z"))
def test_transposition_of_adjacent_different_digits_is_caught(head: str, mid: str) -> None:
    digits = head + mid
    check = cas_check_digit(digits)
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            # weights of neighbours differ by 1, so a swap changes the sum by the digit difference (mod
            # 10 != 0)
            assert cas_check_digit(swapped) != check


def test_real_government_cas_lists_pass(corpora: Path) -> None:
    folder = corpora / "chemical-lists-realworld"
    checked = 0
    for name in ("NTP_ROC15.csv", "CompTox_IARC1.csv"):
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    value = clean_code(cell)
                    if cas_is_well_formed(value) and not value.startswith("NOCAS"):
                        assert cas_is_valid(value), value
                        checked += 1
    assert checked > 50


def test_cell_text_as_excel_shows_it() -> None:
    import datetime as dt
    from decimal import Decimal

    from app.ingest.types import ExcelError

    assert cell_text(123.0) == "123"
    assert cell_text(0.1) == "0.1"
    assert cell_text(7) == "7"
    assert cell_text(dt.datetime(2025, 3, 14)) == "2025-03-14"
    assert cell_text(dt.datetime(2025, 3, 14, 9, 30)) == "2025-03-14 09:30:00"
    assert cell_text(dt.date(2025, 3, 14)) == "2025-03-14"
    assert cell_text(ExcelError("#N/A")) == "#N/A"
    assert cell_text(None) == ""
    assert cell_text(True) == "TRUE"
    assert cell_text(Decimal("12.50")) == "12.50"
    assert cell_text("00123") == "00123"


def test_parse_date_and_decimal() -> None:
    import datetime as dt
    from decimal import Decimal

    assert parse_date("03/04/2025") == dt.date(2025, 3, 4)
    assert parse_date("03/04/2025", "DMY") == dt.date(2025, 4, 3)
    assert parse_date("2025-03-04T10:00") == dt.date(2025, 3, 4)
    assert parse_date("4-Mar-25") == dt.date(2025, 3, 4)
    assert parse_date("March 4, 2025") == dt.date(2025, 3, 4)
    assert parse_date("02/30/2025") is None
    assert parse_date("45123") is None
    assert parse_decimal("1,234.50") == Decimal("1234.50")
    assert parse_decimal("1,23") is None
    assert parse_decimal("$12,500.00", money=True) == Decimal("12500.00")
    assert parse_decimal("(500)", money=True) == Decimal("-500")
    assert parse_decimal("25%", percent=True) == Decimal("25")
    assert parse_decimal("9e42") is None
    assert parse_decimal("NaN") is None
    assert parse_decimal("Infinity") is None


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_parse_decimal_round_trips(number: object) -> None:
    text = format(number, "f")
    assert parse_decimal(text) == number
