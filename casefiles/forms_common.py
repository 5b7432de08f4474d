"""Form fields shared by every domain."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError
from wtforms.validators import StopValidation

from casefiles.dates import PartialDate, PartialDateError
from casefiles.text_safety import has_control_characters


class PartialDateField(StringField):
    """A date typed as 2023, 2023-11 or 2023-11-14; the precision is kept."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "description", _l("YYYY-MM-DD, or YYYY-MM if only the month is known, or YYYY for only the year.")
        )
        super().__init__(label, validators, **kwargs)
        self.partial: PartialDate | None = None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, PartialDate):
            return self.data.iso()
        return self.data or ""

    def process_data(self, value: Any) -> None:
        self.data = value.iso() if isinstance(value, PartialDate) else (value or "")

    def pre_validate(self, form: Any) -> None:
        try:
            self.partial = PartialDate.parse(self.data)
        except PartialDateError as error:
            self.partial = None
            raise ValidationError(
                _l("Enter a real date as YYYY-MM-DD, YYYY-MM or YYYY (for example 2023-11 for November 2023).")
            ) from error


class Strip:
    """Filter: strip surrounding whitespace from text input."""

    def __call__(self, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


strip = Strip()


CONTROL_CHARACTERS_MESSAGE = _l(
    "This text contains invisible control characters (such as a NUL byte), which cannot be saved. "
    "Retype or paste it again as plain text."
)


def _text_pre_validate(field: StringField, form: Any) -> None:
    """Every text field (single line, textarea, email, URL, password, hidden) refuses control characters."""
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise StopValidation(CONTROL_CHARACTERS_MESSAGE)


def guard_text_fields() -> None:
    """Make every WTForms text field, in every form present and future, refuse NUL and the other control
    characters (tab and line breaks stay allowed) with a clear message next to the field. Installed once by
    create_app (web.init_app): one rule for all forms rather than a validator each form could forget."""
    if getattr(StringField.pre_validate, "_casefiles_guard", False):
        return
    _text_pre_validate._casefiles_guard = True  # type: ignore[attr-defined]
    StringField.pre_validate = _text_pre_validate  # type: ignore[method-assign, assignment]
