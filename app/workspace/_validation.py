"""The workspace's seam to ``app.validation`` (imported lazily, so the store opens without it).

Everything the workspace needs from validation goes through :class:`ValidationBackend`; tests may pass another
implementation (``Workspace.open(..., validation=...)``) to pin behaviour independent of the rule set.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, cast

from app.validation.violations import RowResult, Violation

Progress = Callable[[int, int, int], None]


class RowChecker(Protocol):
    """What ``app.validation.engine.RowValidator`` offers (single-row rules, the record key,
    DUPLICATE_KEY)."""

    @property
    def classification(self) -> str: ...

    def check_row(
        self,
        row: int,
        raw: Mapping[str, Any],
        *,
        hidden: bool = False,
        merged_fields: frozenset[str] = frozenset(),
    ) -> RowResult: ...

    def key_of(self, result: RowResult) -> str | None: ...

    def duplicate_violation(self, row: int, key: str) -> Violation: ...


class ValidationRunLike(Protocol):
    record_type: str
    sheet: str | None
    mapping: dict[str, str]
    file_issues: list[Violation]

    def results(self) -> Iterator[RowResult]: ...


class ValidationBackend(Protocol):
    def load_policy(self, path: Path | None = None) -> Any: ...

    def policy_version(self, policy: Any) -> str: ...

    def policy_for(self, settings: Any, pulled_policy: Path | None, extra_file: Path | None) -> Any: ...

    def policy_snapshot(self, policy: Any) -> str: ...

    def policy_from_snapshot(self, text: str) -> Any: ...

    def open_run(
        self,
        path: Path,
        *,
        record_type: str | None,
        sheet: str | None,
        mapping: Mapping[str, str] | Path | None,
        as_of: dt.date,
        policy: Any,
        progress: Progress | None,
        reference: Any = None,
    ) -> AbstractContextManager[ValidationRunLike]: ...

    def row_validator(
        self, record_type: str, policy: Any, as_of: dt.date, reference: Any = None
    ) -> RowChecker: ...

    def payload_of(self, result: RowResult, record_type: str) -> dict[str, Any]: ...

    def fields_of(self, record_type: str) -> list[str]: ...


class DefaultValidation:
    """``app.validation`` as documented in docs/architecture.md."""

    def load_policy(self, path: Path | None = None) -> Any:
        from app.validation.policy import load_policy

        return load_policy(path) if path is not None else load_policy()

    def policy_version(self, policy: Any) -> str:
        return str(getattr(policy, "version", "unknown"))

    def policy_for(self, settings: Any, pulled_policy: Path | None, extra_file: Path | None) -> Any:
        from app.validation.policy import policy_for

        return policy_for(settings, pulled_policy, extra_file=extra_file)

    def policy_snapshot(self, policy: Any) -> str:
        return json.dumps(policy.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)

    def policy_from_snapshot(self, text: str) -> Any:
        from app.validation.policy import Policy

        return Policy.model_validate(json.loads(text))

    def open_run(
        self,
        path: Path,
        *,
        record_type: str | None,
        sheet: str | None,
        mapping: Mapping[str, str] | Path | None,
        as_of: dt.date,
        policy: Any,
        progress: Progress | None,
        reference: Any = None,
    ) -> AbstractContextManager[ValidationRunLike]:
        from app.validation.engine import open_validation

        kwargs: dict[str, Any] = {
            "record_type": record_type,
            "sheet": sheet,
            "mapping": mapping,
            "as_of": as_of,
            "policy": policy,
            "reference": reference,
        }
        if progress is not None:
            kwargs["progress"] = progress
        return cast("AbstractContextManager[ValidationRunLike]", open_validation(path, **kwargs))

    def row_validator(
        self, record_type: str, policy: Any, as_of: dt.date, reference: Any = None
    ) -> RowChecker:
        from app.validation.engine import RowValidator

        checker: RowChecker = RowValidator(record_type, policy, as_of, reference)
        return checker

    def payload_of(self, result: RowResult, record_type: str) -> dict[str, Any]:
        from app.validation.engine import payload_of

        payload: dict[str, Any] = payload_of(result, record_type)
        return payload

    def fields_of(self, record_type: str) -> list[str]:
        from app.validation.dictionary import load_dictionary

        record: Any = load_dictionary().record_type(record_type)
        return [str(name) for name in record.field_names]
