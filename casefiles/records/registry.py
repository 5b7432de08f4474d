"""One declaration per record type, and the registry every shared mechanism reads.

Each domain declares its records in its own `records.py` (fields, labels, which are public, French twins,
export/import/search) and registers them here; `casefiles.models` imports every declaration with every
model. Editing, the merge view, public review, the history's display,
export and import all read these declarations; adding a field is one line there plus a migration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from casefiles.records.fields import Field, FieldError


@dataclass
class Record:
    """How one type of record is edited, reviewed, audited and exported."""

    name: str  # the audit's object_type: "case", "person", "sanction"...
    model: type
    label: Any
    fields: list[Field]
    # The case a record belongs to (its history and public review follow the case), or None.
    case_of: Callable[[Any], Any] = lambda obj: None
    # A short label of one record for the history ("Suspension", the person's name...).
    summary: Callable[[Any], str] = lambda obj: ""
    # Whether the record shows on a public surface at all when its case is published (events: their flag).
    shown_publicly: Callable[[Any], bool] | None = None
    # The field that decides whether the record shows publicly (always reviewed when it changes).
    visibility_field: str | None = None
    # Rules across fields, run after every change: raise FieldError.
    validate: Callable[[Any], None] | None = None
    # Work that follows a change (search entries, an appeal deadline's task): (obj, actor, changes).
    after_change: Callable[[Any, Any, dict[str, Any]], None] | None = None
    # Columns of the table that are bookkeeping rather than declared fields, exported as they are.
    parent_key: str | None = None
    export_order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        REGISTRY[self.name] = self
        _BY_MODEL[self.model] = self

    def field(self, name: str) -> Field:
        return self.by_name[name]

    @property
    def public_fields(self) -> list[Field]:
        return [f for f in self.fields if f.public]

    def snapshot(self, obj: Any, names: Iterable[str] | None = None) -> dict[str, Any]:
        """The plain value of every declared field (or of the named ones)."""
        wanted = self.fields if names is None else [self.by_name[n] for n in names if n in self.by_name]
        return {f.name: f.read(obj) for f in wanted}

    def clean(self, values: dict[str, Any]) -> dict[str, Any]:
        """The declared fields among the values, cleaned; FieldError on the first refused value."""
        return {f.name: f.clean(values[f.name]) for f in self.fields if f.name in values}


REGISTRY: dict[str, Record] = {}
_BY_MODEL: dict[type, Record] = {}


def record_for(obj_or_model: Any) -> Record:
    """The declaration of a record (by instance or model class)."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _BY_MODEL[model]


def records() -> list[Record]:
    """Every declared record type."""
    return list(REGISTRY.values())


__all__ = ["Field", "FieldError", "Record", "REGISTRY", "record_for", "records"]
