"""The canonical data dictionary (``resources/dictionary/dictionary.toml``): record types, fields, synonyms.

Header matching is case-, punctuation- and whitespace-insensitive
(:func:`app.validation.normalize.header_key`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from app.errors import ConfigError
from app.resources import resource_path
from app.validation.normalize import enum_key, header_key

FIELD_TYPES = frozenset(
    {
        "text",
        "code",
        "cas",
        "decimal",
        "integer",
        "percent",
        "money",
        "date",
        "datetime",
        "bool",
        "enum",
        "email",
        "ghs_codes",
        "rcra_codes",
        "epa_id",
        "manifest_number",
    }
)
LIST_TYPES = frozenset({"ghs_codes", "rcra_codes"})


@dataclass(frozen=True, slots=True)
class Enumeration:
    name: str
    values: tuple[str, ...]  # canonical values in order
    spellings: Mapping[str, str]  # enum_key(spelling) -> canonical value

    def match(self, text: str) -> str | None:
        return self.spellings.get(enum_key(text))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    enum: Enumeration | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    gt: Decimal | None = None
    lt: Decimal | None = None
    whole: bool = False
    not_after_as_of: bool = False
    expires: bool = False
    max_items: int | None = None
    multi: bool = False
    missing_values: str | None = None
    synonyms: tuple[str, ...] = ()
    weak_synonyms: tuple[str, ...] = ()
    label: str = ""

    @property
    def display(self) -> str:
        """How messages name the field ("CAS number")."""
        return self.label or self.name.replace("_", " ")

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


@dataclass(frozen=True, slots=True)
class RecordType:
    name: str
    title: str
    classification: str
    key: str | None
    fields: tuple[FieldSpec, ...]
    citation: str = ""
    _by_name: Mapping[str, FieldSpec] = field(repr=False, compare=False, default_factory=dict)
    _strong: Mapping[str, str] = field(repr=False, compare=False, default_factory=dict)
    _weak: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False, default_factory=dict)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> FieldSpec:
        return self._by_name[name]

    def candidates(self, header: str) -> tuple[str, ...]:
        """Canonical fields a source header may map to, best first (empty when it maps to nothing)."""
        key = header_key(header)
        if not key:
            return ()
        strong = self._strong.get(key)
        weak = self._weak.get(key, ())
        return ((strong,) if strong else ()) + tuple(w for w in weak if w != strong)

    def map_headers(self, headers: Iterable[str]) -> dict[int, str]:
        """Map column index -> canonical field for the given header cells.

        Headers with a strong synonym claim their field first (leftmost wins); then a header with only weak
        synonyms takes the first of its candidate fields still free. Several columns may map to a ``multi``
        field (e.g. "Waste Code 1".."Waste Code 6").
        """
        cells = list(headers)
        taken: dict[str, int] = {}
        out: dict[int, str] = {}
        for index, header in enumerate(cells):
            strong = self._strong.get(header_key(header)) if header else None
            if strong and (strong not in taken or self._by_name[strong].multi):
                taken.setdefault(strong, index)
                out[index] = strong
        for index, header in enumerate(cells):
            if index in out or not header:
                continue
            for candidate in self._weak.get(header_key(header), ()):
                if candidate not in taken:
                    taken[candidate] = index
                    out[index] = candidate
                    break
        return out


@dataclass(frozen=True, slots=True)
class DataDictionary:
    version: str
    record_types: Mapping[str, RecordType]
    enums: Mapping[str, Enumeration]

    def record_type(self, name: str) -> RecordType:
        try:
            return self.record_types[name]
        except KeyError:
            known = ", ".join(self.record_types)
            raise ConfigError(f"unknown record type {name!r} (known: {known})") from None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _build(data: dict[str, Any], source: str) -> DataDictionary:
    enums: dict[str, Enumeration] = {}
    for name, table in data.get("enums", {}).items():
        spellings: dict[str, str] = {}
        for canonical, alternatives in table.items():
            for spelling in (canonical, *alternatives):
                key = enum_key(spelling)
                if spellings.get(key, canonical) != canonical:
                    raise ConfigError(f"{source}: enum {name}: {spelling!r} is a spelling of two values")
                spellings[key] = canonical
        enums[name] = Enumeration(name, tuple(table), spellings)
    types: dict[str, RecordType] = {}
    for rt_name, rt in data["record_types"].items():
        specs: list[FieldSpec] = []
        strong: dict[str, str] = {}
        weak: dict[str, list[str]] = {}
        for f in rt["fields"]:
            if f["type"] not in FIELD_TYPES:
                raise ConfigError(f"{source}: {rt_name}.{f['name']}: unknown type {f['type']!r}")
            enum = None
            if f["type"] == "enum":
                enum = enums[f["enum"]]
            spec = FieldSpec(
                name=f["name"],
                type=f["type"],
                required=bool(f.get("required", False)),
                enum=enum,
                min=_decimal(f.get("min")),
                max=_decimal(f.get("max")),
                gt=_decimal(f.get("gt")),
                lt=_decimal(f.get("lt")),
                whole=bool(f.get("whole", False)),
                not_after_as_of=bool(f.get("not_after_as_of", False)),
                expires=bool(f.get("expires", False)),
                max_items=f.get("max_items"),
                multi=bool(f.get("multi", False)),
                missing_values=f.get("missing_values"),
                synonyms=tuple(f.get("synonyms", ())),
                weak_synonyms=tuple(f.get("weak_synonyms", ())),
                label=str(f.get("label", "")),
            )
            specs.append(spec)
            for synonym in (spec.name, *spec.synonyms):
                key = header_key(synonym)
                if strong.get(key, spec.name) != spec.name:
                    raise ConfigError(
                        f"{source}: {rt_name}: header {synonym!r} is a synonym of "
                        f"{strong[key]} and {spec.name}"
                    )
                strong[key] = spec.name
            for synonym in spec.weak_synonyms:
                weak.setdefault(header_key(synonym), []).append(spec.name)
        by_name = {s.name: s for s in specs}
        key_field = rt.get("key") or None
        types[rt_name] = RecordType(
            name=rt_name,
            title=rt.get("title", rt_name),
            classification=rt["classification"],
            key=key_field,
            fields=tuple(specs),
            citation=rt.get("citation", ""),
            _by_name=by_name,
            _strong=strong,
            _weak={k: tuple(v) for k, v in weak.items()},
        )
    return DataDictionary(version=str(data.get("version", "")), record_types=types, enums=enums)


def bundled_dictionary_path() -> Path:
    return resource_path("dictionary", "dictionary.toml")


@cache
def load_dictionary(path: Path | None = None) -> DataDictionary:
    """The data dictionary (the bundled one unless ``path`` names another)."""
    source = path or bundled_dictionary_path()
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the data dictionary ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from exc
    return _build(data, str(source))
