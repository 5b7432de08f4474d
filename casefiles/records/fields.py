"""The fields of a record: what kind of value each holds, how it is read, cleaned, written and shown.

A field's *plain* value is what the history records, the export writes and a merge compares: text, an enum's
stored value, a partial date as `2023-11`, a date as ISO text, a list of lines, a number, a boolean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casefiles.dates import PartialDate, PartialDateError

# Control characters other than tab and newlines break feeds and exports: refused in every text field.
_CONTROL = {chr(c) for c in range(32) if c not in (9, 10, 13)} | {"\x7f"}


class FieldError(ValueError):
    """A value the rules refuse: `field` names the field (or None for the whole record), `message` is translated."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


TEXT = "text"
LONG_TEXT = "long_text"
ENUM = "enum"
PARTIAL_DATE = "partial_date"
DATE = "date"
DATETIME = "datetime"
BOOL = "bool"
INT = "int"
LINES = "lines"
REF = "ref"


@dataclass(frozen=True)
class Field:
    """One field of a record, declared once; forms, history, export, import, search and review follow from it."""

    name: str
    label: Any
    kind: str = TEXT
    max_length: int | None = None
    enum: Any = None
    # Public-facing: on a published case, a change by someone who may not publish waits for review.
    public: bool = False
    # The name of this field's French twin (itself a declared field), if it has one.
    french: str | None = None
    export: bool = True
    import_: bool = True
    search: bool = False
    # The form field that edits it, when its name differs.
    form_name: str | None = None
    # Custom access for values that are not one column (tags, assignees, a referenced record's name).
    getter: Callable[[Any], Any] | None = None
    setter: Callable[[Any, Any], None] | None = None
    display_with: Callable[[Any], Any] | None = None
    cleaner: Callable[[Any], Any] | None = None
    required: Any = None
    minimum: int | None = None
    maximum: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def form_field(self) -> str:
        return self.form_name or self.name

    # -- reading and writing ---------------------------------------------------------------------

    def read(self, obj: Any) -> Any:
        """The plain value stored on the object."""
        if self.getter is not None:
            return self.getter(obj)
        if self.kind == PARTIAL_DATE:
            partial = PartialDate.from_columns(getattr(obj, self.name), getattr(obj, f"{self.name}_precision"))
            return partial.iso() if partial else None
        value = getattr(obj, self.name)
        if self.kind in (DATE, DATETIME):
            return value.isoformat() if value is not None else None
        if self.kind == LINES:
            return list(value or [])
        return value

    def write(self, obj: Any, plain: Any) -> None:
        """Store a cleaned plain value on the object."""
        if self.setter is not None:
            self.setter(obj, plain)
            return
        if self.kind == PARTIAL_DATE:
            partial = PartialDate.parse(plain) if plain else None
            setattr(obj, self.name, partial.value if partial else None)
            setattr(obj, f"{self.name}_precision", partial.precision.value if partial else None)
        elif self.kind == DATE:
            setattr(obj, self.name, date.fromisoformat(plain) if plain else None)
        elif self.kind == DATETIME:
            setattr(obj, self.name, datetime.fromisoformat(plain) if plain else None)
        else:
            setattr(obj, self.name, plain)

    # -- cleaning input ---------------------------------------------------------------------------

    def clean(self, value: Any) -> Any:
        """The plain value for any input (a form's data, an import cell, a plain value); FieldError if refused."""
        kind = self.kind
        if self.cleaner is not None:
            return self.cleaner(value)
        if kind in (TEXT, LONG_TEXT):
            text = "" if value is None else str(value).strip()
            if any(ch in _CONTROL for ch in text):
                raise FieldError(self.name, _l("This text contains a control character; remove it."))
            if self.max_length is not None and len(text) > self.max_length:
                raise FieldError(self.name, _l("This text is too long."))
            if self.required and not text:
                raise FieldError(self.name, self.required)
            return text
        if kind == ENUM:
            member = self.enum.coerce(value)
            if member is None:
                raise FieldError(
                    self.name,
                    _l(
                        "Choose a value from the list: %(values)s.",
                        values=", ".join(f"{m.value} ({m.label})" for m in self.enum),
                    ),
                )
            return member.value
        if kind == PARTIAL_DATE:
            if isinstance(value, PartialDate):
                return value.iso()
            if isinstance(value, date):
                return value.isoformat()
            try:
                partial = PartialDate.parse(value)
            except PartialDateError as error:
                raise FieldError(
                    self.name,
                    _l("Enter a real date as YYYY-MM-DD, YYYY-MM or YYYY (for example 2023-11 for November 2023)."),
                ) from error
            if partial is None and self.required:
                raise FieldError(self.name, self.required)
            return partial.iso() if partial else None
        if kind in (DATE, DATETIME):
            if value in (None, ""):
                if self.required:
                    raise FieldError(self.name, self.required)
                return None
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, date):
                if kind == DATETIME:
                    raise FieldError(self.name, _l("Enter a date and time."))
                return value.isoformat()
            try:
                parsed = (datetime if kind == DATETIME else date).fromisoformat(str(value).strip())
            except ValueError as error:
                raise FieldError(self.name, _l("Enter a real date as YYYY-MM-DD.")) from error
            return parsed.isoformat()
        if kind == BOOL:
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "y", "on", "oui", "o")
            return bool(value)
        if kind == INT:
            if value in (None, ""):
                if self.required:
                    raise FieldError(self.name, self.required)
                return None
            try:
                number = int(str(value).replace(",", "").replace(" ", "").replace("\u202f", "").replace("\xa0", ""))
            except ValueError as error:
                raise FieldError(self.name, _l("Enter a whole number.")) from error
            if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum
            ):
                raise FieldError(
                    self.name, _l("Enter a number between %(low)s and %(high)s.", low=self.minimum, high=self.maximum)
                )
            return number
        if kind == LINES:
            if value is None:
                return []
            items = value.splitlines() if isinstance(value, str) else list(value)
            lines = [" ".join(str(item).split())[: self.max_length or 500] for item in items if str(item).strip()]
            if any(ch in _CONTROL for line in lines for ch in line):
                raise FieldError(self.name, _l("This text contains a control character; remove it."))
            return lines[:100]
        if kind == REF:
            if isinstance(value, list):
                return sorted(value)
            if isinstance(value, str):
                value = " ".join(value.split())
                if any(ch in _CONTROL for ch in value):
                    raise FieldError(self.name, _l("This text contains a control character; remove it."))
                if self.max_length is not None and len(value) > self.max_length:
                    raise FieldError(self.name, _l("This text is too long."))
            return value if value not in ("",) else None
        return value

    # -- showing ----------------------------------------------------------------------------------

    def display(self, plain: Any) -> Any:
        """A plain value as a person reads it, in their language."""
        if plain is None or plain == "" or plain == []:
            return plain
        if self.display_with is not None:
            return self.display_with(plain)
        if self.kind == ENUM:
            member = self.enum.coerce(plain)
            return member.label if member else plain
        if self.kind == PARTIAL_DATE and isinstance(plain, str):
            try:
                partial = PartialDate.parse(plain)
            except PartialDateError:
                return plain
            return partial.display() if partial else plain
        if self.kind == DATE and isinstance(plain, str):
            try:
                return format_date(date.fromisoformat(plain), "long")
            except ValueError:
                return plain
        if self.kind == BOOL:
            return _("Yes") if plain else _("No")
        if self.kind == LINES and isinstance(plain, list):
            return "; ".join(str(v) for v in plain)
        return plain

    def form_value(self, plain: Any) -> Any:
        """A plain value as its form field holds it."""
        if self.kind == DATE and isinstance(plain, str) and plain:
            return date.fromisoformat(plain)
        if self.kind == LINES:
            return self.extra.get("separator", "\n").join(plain or [])
        if plain is None and self.kind in (TEXT, LONG_TEXT, PARTIAL_DATE):
            return ""
        return plain
