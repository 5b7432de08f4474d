"""Forms derived from a record's declaration: its fields, and the version it carries back."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from casefiles.forms_common import DayField, PartialDateField, strip
from casefiles.records import fields as kinds
from casefiles.records.fields import Field
from casefiles.records.registry import Record


def _unbound(field: Field) -> Any:
    """The WTForms field that edits one declared field."""
    extra = dict(field.extra.get("form", {}))
    validators = list(extra.pop("validators", []))
    options: dict[str, Any] = {"description": field.extra.get("help")} if field.extra.get("help") else {}
    options.update(extra)
    label = field.extra.get("form_label", field.label)
    if field.kind in (kinds.TEXT, kinds.LONG_TEXT, kinds.LINES):
        if field.required:
            validators.insert(0, DataRequired(message=field.required))
        if field.max_length and field.kind != kinds.LINES:
            validators.append(Length(max=field.max_length))
        cls = StringField if field.kind == kinds.TEXT else TextAreaField
        return cls(label, filters=[strip], validators=validators, **options)
    if field.extra.get("select"):
        return SelectField(label, choices=[], validators=validators, **options)
    if field.kind == kinds.ENUM:
        choices = field.extra.get("choices", field.enum.choices)
        return SelectField(label, choices=choices, validators=validators, **options)
    if field.kind == kinds.PARTIAL_DATE:
        if field.required:
            validators.insert(0, InputRequired(message=field.required))
        return PartialDateField(label, validators=validators, **options)
    if field.kind == kinds.DATE:
        validators.insert(0, InputRequired(message=field.required) if field.required else Optional())
        return DayField(label, validators=validators, **options)
    if field.kind == kinds.BOOL:
        return BooleanField(label, validators=validators, **options)
    return StringField(label, filters=[strip], validators=validators, **options)


class RecordForm(FlaskForm):
    """Every record form carries back the version it was shown at."""

    version = HiddenField()
    record: Record

    def values(self) -> dict[str, Any]:
        """The declared fields this form edits, as the services take them."""
        return form_values(self.record, self)


def form_values(rec: Record, form: Any) -> dict[str, Any]:
    """The values of a form's declared fields (a partial date stays as typed: the kernel parses it)."""
    values = {}
    for field in rec.fields:
        widget = form._fields.get(field.form_field)
        if widget is None or field.form_field in ("version", "csrf_token"):
            continue
        values[field.name] = widget.data
    return values


def record_form(rec: Record, *, names: list[str] | None = None, base: type = RecordForm, **extra: Any) -> type:
    """A form class with a field for each declared field (or the named ones), in declaration order."""
    if names is None:
        chosen = [f for f in rec.fields if f.extra.get("in_form", True)]
    else:
        chosen = [rec.by_name[n] for n in names]
    attrs: dict[str, Any] = {"record": rec}
    for field in chosen:
        attrs[field.form_field] = _unbound(field)
    attrs.update(extra)
    return type(f"{rec.model.__name__}Form", (base,), attrs)


def fill_form(form: Any, rec: Record, obj: Any) -> None:
    """Put a stored record's values into its form (and the version it is shown at)."""
    for field in rec.fields:
        widget = form._fields.get(field.form_field)
        if widget is not None and field.form_field not in ("version", "csrf_token"):
            widget.data = field.form_value(field.read(obj))
    if "version" in form._fields:
        form.version.data = getattr(obj, "version", None)


CONFIRM_DELETE = _l("Delete")
