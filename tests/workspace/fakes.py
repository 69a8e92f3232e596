"""A small, deterministic validation backend for workspace tests (independent of the real rule set).

Record type ``chem`` (classification OSHA_INVENTORY): fields cas, name, qty. Rules: CAS_FORMAT (error) when
cas
does not look like a CAS number, NAME_MISSING (error) when name is empty, QTY_NOT_NUMBER (warning) when qty is
not an integer; the key is the CAS number; DUPLICATE_KEY (error) on every later row with a key seen before.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.validation.violations import RowResult, Severity, Violation

CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
FIELDS = ["cas", "name", "qty"]


def _v(code: str, sev: Severity, row: int, field: str | None, value: str | None, msg: str) -> Violation:
    return Violation(code, sev, row, field, value, msg, f"hint for {code}", f"cite {code}")


class FakeChecker:
    classification = "OSHA_INVENTORY"

    def check_row(
        self,
        row: int,
        raw: Mapping[str, Any],
        *,
        hidden: bool = False,
        merged_fields: frozenset[str] = frozenset(),
    ) -> RowResult:
        text = {k: str(v) for k, v in raw.items() if v is not None and str(v) != ""}
        values: dict[str, Any] = {}
        viols: list[Violation] = []
        cas = text.get("cas", "")
        if CAS.match(cas):
            values["cas"] = cas
        else:
            viols.append(
                _v("CAS_FORMAT", Severity.ERROR, row, "cas", cas or None, f"not a CAS number: {cas!r}")
            )
        name = text.get("name", "").strip()
        if name:
            values["name"] = name
        else:
            viols.append(_v("NAME_MISSING", Severity.ERROR, row, "name", None, "name is required"))
        qty = text.get("qty")
        if qty is not None:
            if qty.isdigit():
                values["qty"] = Decimal(qty)
            else:
                viols.append(
                    _v("QTY_NOT_NUMBER", Severity.WARNING, row, "qty", qty, "quantity is not a number")
                )
        if hidden:
            viols.append(_v("HIDDEN_ROW", Severity.WARNING, row, None, None, "hidden row"))
        return RowResult(
            row=row,
            raw=dict(text),
            values=values,
            violations=viols,
            hidden=hidden,
            merged_fields=merged_fields,
        )

    def key_of(self, result: RowResult) -> str | None:
        return result.values.get("cas")

    def duplicate_violation(self, row: int, key: str) -> Violation:
        return _v("DUPLICATE_KEY", Severity.ERROR, row, "cas", key, f"duplicate key {key}")


class FakeRun:
    def __init__(
        self, path: Path, mapping: Mapping[str, str] | None, progress: Callable[[int, int, int], None] | None
    ) -> None:
        self.path = path
        self.record_type = "chem"
        self.sheet: str | None = None
        self._fh = path.open(encoding="utf-8", newline="")
        self._reader = csv.reader(self._fh)
        header = next(self._reader)
        self.mapping = dict(mapping) if mapping else {h: h.strip().lower() for h in header}
        self._columns = [self.mapping.get(h) for h in header]
        self.file_issues: list[Violation] = []
        self.rows_read = 0
        self._progress = progress
        self._checker = FakeChecker()

    def results(self) -> Iterator[RowResult]:
        seen: set[str] = set()
        for number, record in enumerate(self._reader, start=2):
            raw = {f: v for f, v in zip(self._columns, record, strict=False) if f and v != ""}
            result = self._checker.check_row(number, raw)
            key = self._checker.key_of(result)
            if key is not None:
                if key in seen:
                    result.violations.append(self._checker.duplicate_violation(number, key))
                else:
                    seen.add(key)
            self.rows_read += 1
            if self._progress is not None and self.rows_read % 1000 == 0:
                self._progress(self.rows_read, 0, 0)
            yield result

    def close(self) -> None:
        self._fh.close()


class FakePolicy:
    version = "fake-1"


class FakeValidation:
    def load_policy(self, path: Path | None = None) -> Any:
        policy = FakePolicy()
        if path is not None:
            policy.version = path.read_text(encoding="utf-8").strip()  # type: ignore[misc]
        return policy

    def policy_version(self, policy: Any) -> str:
        return str(policy.version)

    def policy_for(self, settings: Any, pulled_policy: Path | None, extra_file: Path | None) -> Any:
        return self.load_policy(extra_file)

    def policy_snapshot(self, policy: Any) -> str:
        return str(policy.version)

    def policy_from_snapshot(self, text: str) -> Any:
        policy = FakePolicy()
        policy.version = text  # type: ignore[misc]
        return policy

    @contextmanager
    def open_run(
        self,
        path: Path,
        *,
        record_type: str | None,
        sheet: str | None,
        mapping: Mapping[str, str] | None,
        as_of: dt.date,
        policy: Any,
        progress: Callable[[int, int, int], None] | None,
        reference: Any = None,
    ) -> Iterator[FakeRun]:
        run = FakeRun(path, mapping, progress)
        try:
            yield run
        finally:
            run.close()

    def row_validator(
        self, record_type: str, policy: Any, as_of: dt.date, reference: Any = None
    ) -> FakeChecker:
        return FakeChecker()

    def payload_of(self, result: RowResult, record_type: str) -> dict[str, Any]:
        return {"record_type": record_type, **result.values}

    def fields_of(self, record_type: str) -> list[str]:
        return list(FIELDS)


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["CAS", "Name", "Qty"])
        writer.writerows(rows)
    return path
