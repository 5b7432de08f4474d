"""Forms of the case file: the case itself, a new case with its first person and sanction, and its parts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from casefiles.cases.legal_records import HARM, PROCEEDING
from casefiles.cases.records import CASE, EVENT, SANCTION, TASK
from casefiles.enums import (
    CaseStatus,
    EventKind,
    InstitutionKind,
    Outcome,
    Priority,
    SanctionType,
)
from casefiles.forms_common import DayField, PartialDateField, strip
from casefiles.people.forms import NEW_CASE_PERSON_FIELDS, PersonForm
from casefiles.records.forms import form_values, record_form

LONG_TEXT = 50_000


def _long(label: Any, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, filters=[strip], validators=[Length(max=LONG_TEXT)], **kwargs)


class CaseForm(FlaskForm):
    """The case's own fields."""

    title = StringField(
        _l("Case title"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the case a title.")),
            Length(max=200, message=_l("Keep the title under %(max)d characters.")),
        ],
        description=_l("A short description staff will recognise, e.g. “Nursing student suspended over posts”."),
    )
    status = SelectField(_l("Status"), choices=CaseStatus.choices, default=CaseStatus.INTAKE.value)
    outcome = SelectField(_l("Outcome"), choices=Outcome.choices, default=Outcome.ONGOING.value)
    priority = SelectField(_l("Priority"), choices=Priority.choices, default=Priority.NORMAL.value)
    outcome_date = PartialDateField(_l("Outcome date"), description=_l("When the outcome was announced."))
    group_name = StringField(
        _l("Group name"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("For a case about a group, e.g. “Eleven activists arrested in Montréal”."),
    )
    group_name_fr = StringField(_l("Group name (French)"), filters=[strip], validators=[Length(max=200)])
    headcount = IntegerField(
        _l("How many people"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l("Enter a number between 1 and 100,000."))],
        description=_l("For a group: everyone it counts, named or not."),
    )
    institution_name = StringField(
        _l("Institution that imposed the sanction"),
        filters=[strip],
        validators=[Length(max=300)],
        description=_l("Pick an existing institution or type a new name."),
    )
    institution_kind = SelectField(
        _l("Kind of institution (if new)"), choices=InstitutionKind.choices, default=InstitutionKind.OTHER.value
    )
    institution_region = StringField(_l("Province or region (if new)"), filters=[strip], validators=[Length(max=100)])
    institution_country = StringField(
        _l("Country (if new)"), filters=[strip], default="Canada", validators=[Length(max=100)]
    )
    speech_text = _long(_l("What was said or done"))
    speech_platform = StringField(_l("Where (platform or channel)"), filters=[strip], validators=[Length(max=200)])
    speech_url = URLField(
        _l("Link to the speech"),
        filters=[strip],
        validators=[Optional(), Length(max=2000), URL(message=_l("Enter a full web address."))],
    )
    speech_date = PartialDateField(_l("When"))
    public_summary = _long(
        _l("Public summary"), description=_l("May be published once the case is reviewed. Markdown.")
    )
    private_notes = _long(_l("Private notes"), description=_l("Never published. Markdown."))
    tags = StringField(
        _l("Tags"), filters=[strip], validators=[Length(max=500)], description=_l("Separated by commas.")
    )
    assignee_ids = SelectMultipleField(_l("Assigned volunteers"), coerce=int, validate_choice=True, choices=[])
    version = HiddenField()

    record = CASE

    def case_values(self) -> dict[str, Any]:
        """The case's declared fields, and how to record its institution if it is new."""
        values = form_values(CASE, self)
        values["institution_new"] = {
            "kind": self.institution_kind.data,
            "region": self.institution_region.data or "",
            "country": self.institution_country.data or "Canada",
        }
        return values


class EventRowForm(Form):
    """One timeline event typed on the new-case form: its date, its kind and what happened."""

    date = PartialDateField(_l("Date"), description="")
    kind = SelectField(_l("Kind of event"), choices=EventKind.choices, default=EventKind.OTHER.value)
    title = StringField(_l("What happened"), filters=[strip], validators=[Length(max=200)])

    def is_blank(self) -> bool:
        return not self.title.data and not (self.date.typed and any(self.date.typed)) and not self.date.data

    def validate_title(self, field: Any) -> None:
        if not field.data and not self.is_blank():
            raise ValidationError(_l("Say what happened, or clear the event's date."))

    def validate_date(self, field: Any) -> None:
        if not field.data and not field.errors and field.parse_error is None and not self.is_blank():
            raise ValidationError(_l("Enter the date of the event."))


class NewCaseForm(CaseForm):
    """A new case with its first person, optionally its first sanction, and a few timeline events."""

    EVENT_ROWS = 3

    locals().update({name: getattr(PersonForm, name) for name in NEW_CASE_PERSON_FIELDS})

    title = StringField(
        _l("Case title"),
        filters=[strip],
        validators=[Length(max=200, message=_l("Keep the title under %(max)d characters."))],
        description=_l(
            "Leave it blank to use a title made from the person (as their consent allows), the sanction and the "
            "institution."
        ),
    )

    def person_values(self) -> dict[str, Any]:
        return {name: self._fields[name].data for name in NEW_CASE_PERSON_FIELDS}

    sanction_type = SelectField(
        _l("Sanction"), choices=lambda: [SelectChoice("", _l("— none yet —")), *SanctionType.choices()], default=""
    )
    sanction_date = PartialDateField(
        _l("Date of the sanction"), description=_l("It also goes on the timeline; the day or month may stay blank.")
    )
    sanction_duration = StringField(_l("Duration"), filters=[strip], validators=[Length(max=100)])
    appeal_deadline = DayField(_l("Appeal deadline"), description=_l("It will appear among the deadlines."))
    events = FieldList(FormField(EventRowForm), min_entries=EVENT_ROWS, max_entries=30)

    def sanction_values(self) -> dict[str, Any] | None:
        if not self.sanction_type.data:
            return None
        return {
            "type": self.sanction_type.data,
            "date": self.sanction_date.partial,
            "duration": self.sanction_duration.data or "",
            "appeal_deadline": self.appeal_deadline.data,
        }

    @property
    def errors(self) -> dict[Any, Any]:
        """The event rows' errors listed one per field, named by their row, for the summary at the top."""
        errors = dict(super().errors)
        if errors.pop("events", None):
            for number, entry in enumerate(self.events, start=1):
                for sub in entry.form:
                    for message in sub.errors:
                        text = _l(
                            "Event %(number)s, %(field)s: %(message)s",
                            number=number,
                            field=sub.label.text,
                            message=message,
                        )
                        errors.setdefault(sub.id, []).append(text)
        return errors

    def event_values(self) -> list[dict[str, Any]]:
        """The event rows that were filled in, as the kernel takes them."""
        return [
            {"date": row.date.data, "kind": row.kind.data, "title": row.title.data, "is_public": False}
            for row in (entry.form for entry in self.events)
            if not row.is_blank()
        ]

    def validate_appeal_deadline(self, field: Any) -> None:
        if field.data and not self.sanction_type.data:
            raise ValidationError(_l("Choose the sanction this deadline is for."))
        partial = self.sanction_date.partial
        if field.data and partial and field.data < partial.value:
            raise ValidationError(_l("The appeal deadline cannot be before the sanction date."))

    def validate_sanction_date(self, field: Any) -> None:
        if field.data and not self.sanction_type.data:
            raise ValidationError(_l("Choose the sanction this date is for."))


SanctionForm = record_form(SANCTION)
EventForm = record_form(EVENT)
TaskForm = record_form(TASK)
HarmForm = record_form(HARM)
ProceedingForm = record_form(PROCEEDING)


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token is the point (and, for a delete, the version that was shown)."""

    confirm = HiddenField(default="1")
    version = HiddenField()


class AdminDeleteForm(FlaskForm):
    """Deleting a case for good asks for its reference to be typed."""

    reference = StringField(
        _l("Type the case reference to confirm"),
        filters=[strip],
        validators=[DataRequired(message=_l("Type the case reference to confirm."))],
    )
