"""Form fields shared by every domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field as WTFField
from wtforms import StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from casefiles.dates import PartialDate, PartialDateError
from casefiles.enums import DatePrecision
from casefiles.text_safety import has_control_characters


class DateParts:
    """The widget of a date typed in three labelled parts — year, month (by name), day — rendered as one field.

    No browser date picker: its mm/dd/yyyy in an en-US browser is read as dd/mm by half of Canada. The year
    input carries the field's id, so a label or an error link pointing at the field lands on it.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        from babel.dates import get_month_names
        from flask_babel import get_locale
        from flask_babel import gettext as _

        year, month, day = field.parts()
        common: dict[str, Any] = {}
        described = kwargs.pop("aria-describedby", None) or kwargs.pop("aria_describedby", None)
        if described:
            common["aria-describedby"] = described
        if kwargs.pop("aria-invalid", None) or kwargs.pop("aria_invalid", None):
            common["aria-invalid"] = "true"
        numeric = {"type": "text", "inputmode": "numeric", "autocomplete": "off"}
        year_input = _tag(
            "input",
            id=field.id,
            name=f"{field.name}-year",
            maxlength=4,
            size=4,
            value=year,
            autofocus=bool(kwargs.pop("autofocus", None)),
            required=bool(kwargs.pop("required", None) or field.flags.required),
            **numeric,
            **common,
        )
        names = get_month_names("wide", locale=str(get_locale() or "en"))
        options = [_tag("option", Markup.escape(_("(month)")), value="")] + [
            _tag("option", Markup.escape(name), value=number, selected=str(number) == month.lstrip("0"))
            for number, name in names.items()
        ]
        month_select = _tag(
            "select", Markup("").join(options), id=f"{field.id}-month", name=f"{field.name}-month", **common
        )
        day_input = _tag(
            "input", id=f"{field.id}-day", name=f"{field.name}-day", maxlength=2, size=2, value=day, **numeric, **common
        )

        def part(css: str, for_id: str, label: str, control: Markup) -> Markup:
            return _tag("span", _tag("label", Markup.escape(label), for_=for_id) + control, class_=f"date-part {css}")

        return _tag(
            "span",
            part("date-year", field.id, _("Year"), year_input)
            + part("date-month", f"{field.id}-month", _("Month"), month_select)
            + part("date-day", f"{field.id}-day", _("Day"), day_input),
            class_="date-parts",
        )


def _tag(tag: str, content: Markup | None = None, **attrs: Any) -> Markup:
    """One element; html_params escapes every attribute value, `content` is already markup."""
    opening = Markup(f"<{tag} {html_params(**attrs)}>")  # noqa: S704 - every value escaped by html_params
    if tag == "input":
        return opening
    return opening + (content or Markup("")) + Markup(f"</{tag}>")  # noqa: S704 - a fixed tag name


def _date_parts_error(year: str, month: str, day: str, precision_required: str) -> Any:
    """What is wrong with a date typed in parts, or None; the message says how to put it right."""
    if not year:
        if month or day:
            return _l("Enter the year too (four digits, for example 2023).")
        return None
    if not (year.isascii() and year.isdigit() and len(year) == 4 and year != "0000"):
        return _l("Enter the year with four digits, for example 2023.")
    if month and not (month.isascii() and month.isdigit() and 1 <= int(month) <= 12):
        return _l("Choose the month from the list.")
    if day and not month:
        return _l("Choose the month too, or leave the day blank.")
    if precision_required in ("month", "day") and not month:
        return _l("Choose the month.")
    if precision_required == "day" and not day:
        return _l("Enter the day of the month.")
    if day:
        if not (day.isascii() and day.isdigit()):
            return _l("Enter the day as a number, for example 14.")
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            from flask_babel import format_date

            return _l(
                "%(month)s has no day %(day)s; check the day.",
                month=format_date(date(int(year), int(month), 1), "LLLL y"),
                day=day,
            )
    return None


class PartialDateField(WTFField):
    """A date known to the year, the month or the day (2023, 2023-11, 2023-11-14): the precision is kept.

    Typed in three parts (year, optional month, optional day); a script may still post the ISO text under the
    field's own name. `data` holds the ISO text, `partial` the parsed PartialDate.
    """

    widget = DateParts()
    precision_required = "year"

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("description", _l("Leave the day, or the month and the day, blank if they are not known."))
        super().__init__(label, validators, **kwargs)
        self.partial: PartialDate | None = None
        self.typed: tuple[str, str, str] | None = None
        self.parse_error: Any = None

    def parts(self) -> tuple[str, str, str]:
        """The year, month and day shown in the inputs: as typed, else from the value."""
        if self.typed is not None:
            return self.typed
        value = self.data
        if isinstance(value, PartialDate):
            value = value.iso()
        if isinstance(value, date):
            value = value.isoformat()
        pieces = (str(value or "").split("-") + ["", "", ""])[:3]
        return pieces[0], pieces[1].lstrip("0"), pieces[2].lstrip("0")

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.typed = None
        self.parse_error = None
        super().process(formdata, data, extra_filters)
        if formdata is None:
            return
        keys = [f"{self.name}-{part}" for part in ("year", "month", "day")]
        if not any(key in formdata for key in keys):
            return
        year, month, day = (" ".join(str(formdata.get(key, "")).split()) for key in keys)
        self.typed = (year, month, day)
        self.raw_data = [year, month, day]
        self.parse_error = _date_parts_error(year, month, day, self.precision_required)
        if self.parse_error is not None or not year:
            self.data = self._empty()
            return
        text = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")
        self.data = self._from_text(text)

    def _empty(self) -> Any:
        return ""

    def _from_text(self, text: str) -> Any:
        return text

    def process_data(self, value: Any) -> None:
        self.data = value.iso() if isinstance(value, PartialDate) else (value or "")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self.data = str(valuelist[0]).strip()

    def pre_validate(self, form: Any) -> None:
        if self.parse_error is not None:
            self.partial = None
            raise StopValidation(self.parse_error)
        try:
            self.partial = PartialDate.parse(self.data)
        except PartialDateError as error:
            self.partial = None
            raise StopValidation(
                _l("Enter a real date as YYYY-MM-DD, YYYY-MM or YYYY (for example 2023-11 for November 2023).")
            ) from error


class DayField(PartialDateField):
    """A date to the day (a deadline): year, month and day typed in three parts; `data` is a date or None."""

    precision_required = "day"

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("description", None)
        super().__init__(label, validators, **kwargs)

    def _empty(self) -> Any:
        return None

    def _from_text(self, text: str) -> Any:
        return date.fromisoformat(text)

    def process_data(self, value: Any) -> None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        self.data = value if isinstance(value, date) else None

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            self.parse_error = _l("Enter a real date: year, month and day.")

    def pre_validate(self, form: Any) -> None:
        if self.parse_error is not None:
            raise StopValidation(self.parse_error)
        self.partial = PartialDate(self.data, DatePrecision.DAY) if self.data else None


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
