"""Forms of the case file: the case itself, a new case with its first person and sanction, and its parts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional

from casefiles.enums import (
    CaseStatus,
    EventKind,
    InstitutionKind,
    NameConsent,
    Outcome,
    PersonCategory,
    Priority,
    SanctionType,
)
from casefiles.forms_common import PartialDateField, strip

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

    def case_values(self) -> dict[str, Any]:
        """Plain values for the services."""
        values: dict[str, Any] = {
            "title": self.title.data,
            "status": self.status.data,
            "outcome": self.outcome.data,
            "priority": self.priority.data,
            "speech_text": self.speech_text.data or "",
            "speech_platform": self.speech_platform.data or "",
            "speech_url": self.speech_url.data or "",
            "speech_date": self.speech_date.partial,
            "public_summary": self.public_summary.data or "",
            "private_notes": self.private_notes.data or "",
            "tags": [t for t in (self.tags.data or "").split(",") if t.strip()],
            "institution": {
                "name": self.institution_name.data or "",
                "kind": self.institution_kind.data,
                "region": self.institution_region.data or "",
                "country": self.institution_country.data or "Canada",
            },
        }
        return values


class PersonFields:
    """Fields of a person, shared by the new-case form and the person form."""

    legal_name = StringField(
        _l("Legal name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=200)],
    )
    name_consent = SelectField(
        _l("Name shown publicly"),
        choices=NameConsent.choices,
        default=NameConsent.NONE.value,
        description=_l("As the person has consented. Nothing is shown until they agree."),
    )
    pseudonym = StringField(_l("Pseudonym"), filters=[strip], validators=[Length(max=200)])
    pronouns = StringField(_l("Pronouns"), filters=[strip], validators=[Length(max=50)])
    category = SelectField(_l("Category"), choices=PersonCategory.choices, default=PersonCategory.STUDENT.value)
    contact_email = EmailField(
        _l("Private email"),
        filters=[strip],
        validators=[Optional(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )
    contact_phone = StringField(_l("Private phone"), filters=[strip], validators=[Length(max=50)])

    def person_values(self) -> dict[str, Any]:
        return {
            "legal_name": self.legal_name.data,
            "name_consent": self.name_consent.data,
            "pseudonym": self.pseudonym.data or "",
            "pronouns": self.pronouns.data or "",
            "category": self.category.data,
            "contact_email": self.contact_email.data or "",
            "contact_phone": self.contact_phone.data or "",
        }

    def validate_pseudonym(self, field: Any) -> None:
        from wtforms import ValidationError

        if self.name_consent.data == NameConsent.PSEUDONYM.value and not (field.data or "").strip():
            raise ValidationError(_l("Enter the pseudonym the person chose."))


class NewCaseForm(CaseForm, PersonFields):
    """A new case with its first person and, optionally, its first sanction."""

    sanction_type = SelectField(
        _l("Sanction"), choices=lambda: [("", _l("— none yet —")), *SanctionType.choices()], default=""
    )
    sanction_date = PartialDateField(_l("Date of the sanction"))
    sanction_duration = StringField(_l("Duration"), filters=[strip], validators=[Length(max=100)])
    appeal_deadline = DateField(
        _l("Appeal deadline"), validators=[Optional()], description=_l("It will appear among the deadlines.")
    )

    def sanction_values(self) -> dict[str, Any] | None:
        if not self.sanction_type.data:
            return None
        return {
            "type": self.sanction_type.data,
            "date": self.sanction_date.partial,
            "duration": self.sanction_duration.data or "",
            "appeal_deadline": self.appeal_deadline.data,
        }

    def validate_appeal_deadline(self, field: Any) -> None:
        from wtforms import ValidationError

        if field.data and not self.sanction_type.data:
            raise ValidationError(_l("Choose the sanction this deadline is for."))
        partial = self.sanction_date.partial
        if field.data and partial and field.data < partial.value:
            raise ValidationError(_l("The appeal deadline cannot be before the sanction date."))


class PersonForm(FlaskForm, PersonFields):
    contact_notes = _long(_l("Private contact notes"))

    def values(self) -> dict[str, Any]:
        return {**self.person_values(), "contact_notes": self.contact_notes.data or ""}


class SanctionForm(FlaskForm):
    type = SelectField(_l("Type of sanction"), choices=SanctionType.choices)
    imposed_by = StringField(
        _l("Imposed by"),
        filters=[strip],
        validators=[Length(max=300)],
        description=_l("Leave blank to use the case's institution."),
    )
    date = PartialDateField(_l("Date"))
    duration = StringField(
        _l("Duration"),
        filters=[strip],
        validators=[Length(max=100)],
        description=_l("For example “two weeks” or “indefinite”."),
    )
    appeal_deadline = DateField(_l("Appeal deadline"), validators=[Optional()])
    notes = _long(_l("Notes"))

    def validate_appeal_deadline(self, field: Any) -> None:
        from wtforms import ValidationError

        partial = self.date.partial
        if field.data and partial and field.data < partial.value:
            raise ValidationError(_l("The appeal deadline cannot be before the sanction date."))

    def values(self) -> dict[str, Any]:
        return {
            "type": self.type.data,
            "imposed_by": self.imposed_by.data or "",
            "date": self.date.partial,
            "duration": self.duration.data or "",
            "appeal_deadline": self.appeal_deadline.data,
            "notes": self.notes.data or "",
        }


class EventForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=EventKind.choices)
    date = PartialDateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date of the event."))])
    title = StringField(
        _l("What happened"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the event a title.")), Length(max=200)],
    )
    description = _long(_l("Details"))
    is_public = BooleanField(_l("May appear on the public timeline once the case is published"))

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.data,
            "date": self.date.partial,
            "title": self.title.data,
            "description": self.description.data or "",
            "is_public": bool(self.is_public.data),
        }


class TaskForm(FlaskForm):
    title = StringField(
        _l("Task or deadline"),
        filters=[strip],
        validators=[DataRequired(message=_l("Describe the task.")), Length(max=200)],
    )
    due_date = DateField(_l("Due date"), validators=[InputRequired(message=_l("Enter the due date."))])
    owner_id = SelectField(_l("Owner"), coerce=lambda v: int(v) if v not in (None, "", "None") else None, choices=[])
    done = BooleanField(_l("Done"))

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "due_date": self.due_date.data,
            "owner_id": self.owner_id.data,
            "done": bool(self.done.data),
        }


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token is the point."""

    confirm = HiddenField(default="1")


class AdminDeleteForm(FlaskForm):
    """Deleting a case for good asks for its reference to be typed."""

    reference = StringField(
        _l("Type the case reference to confirm"),
        filters=[strip],
        validators=[DataRequired(message=_l("Type the case reference to confirm."))],
    )
