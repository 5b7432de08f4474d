"""The public "Ask for help" form, and the small forms of the triage queue."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from casefiles.enums import SanctionType
from casefiles.forms_common import PartialDateField, strip

EMAIL_MAX = 100  # room in the outbox for the sealed address


class CalendarDayField(StringField):
    """A calendar day (a date input in browsers; typed as YYYY-MM-DD without one)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "date"})
        kwargs.setdefault("description", _l("YYYY-MM-DD"))
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.day: date | None = None

    def pre_validate(self, form: Any) -> None:
        self.day = None
        if not self.data:
            return
        try:
            self.day = date.fromisoformat(self.data)
        except ValueError:
            raise ValidationError(_l("Enter a real date as YYYY-MM-DD, for example 2026-12-03.")) from None


def _sanction_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("I don't know, or something else")), *SanctionType.choices()]


class HelpForm(FlaskForm):
    """Ask for help: what happened, who sanctioned, what is coming, how to reach the person safely."""

    for_whom = RadioField(
        _l("Who needs help?"),
        choices=[
            SelectChoice("myself", _l("I do")),
            SelectChoice("someone_else", _l("Someone else: I am writing for them")),
        ],
        default="myself",
        validators=[InputRequired(message=_l("Say whether you are asking for yourself or for someone else."))],
    )
    person_name = StringField(
        _l("Name of the person who was punished"),
        filters=[strip],
        description=_l("Your own name if it is you. A first name or a nickname is enough to begin."),
        validators=[DataRequired(message=_l("Enter a name we can call them by.")), Length(max=200)],
    )
    helper_name = StringField(
        _l("Your name, if you are writing for someone else"), filters=[strip], validators=[Length(max=200)]
    )
    person_role = StringField(
        _l("Their role or situation"),
        filters=[strip],
        description=_l("For example nursing student, teacher, physician, city councillor."),
        validators=[Length(max=200)],
    )
    what_happened = TextAreaField(
        _l("What was said or done"),
        filters=[strip],
        description=_l("In your own words. You can paste the words that were said or posted."),
        validators=[DataRequired(message=_l("Tell us what was said or done.")), Length(max=20_000)],
    )
    where = StringField(
        _l("Where"),
        filters=[strip],
        description=_l("For example a social media post, a class, a rally, an interview."),
        validators=[Length(max=300)],
    )
    when = PartialDateField(_l("When"))
    institution = StringField(
        _l("Who punished them"),
        filters=[strip],
        description=_l("The school, employer, professional order, party, police or government."),
        validators=[Length(max=300)],
    )
    sanction_type = SelectField(_l("What kind of punishment"), choices=_sanction_choices, default="")
    sanction_details = TextAreaField(
        _l("How they were punished"),
        filters=[strip],
        description=_l("For example suspended for two weeks, fired, charged, expelled."),
        validators=[Length(max=5_000)],
    )
    sanction_date = PartialDateField(_l("Date of the punishment"))
    hearing_date = CalendarDayField(_l("Next hearing or meeting"))
    appeal_deadline = CalendarDayField(_l("Deadline to appeal or to answer"))
    other_dates = TextAreaField(_l("Other dates we should know"), filters=[strip], validators=[Length(max=2_000)])
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=EMAIL_MAX, message=_l("Enter an email address of at most %(max)d characters.")),
        ],
    )
    phone = StringField(_l("Phone"), filters=[strip], validators=[Length(max=50)])
    safe_contact = TextAreaField(
        _l("A safe way and time to contact you"),
        filters=[strip],
        description=_l("For example: text messages only, weekday evenings; do not leave a voicemail."),
        validators=[Length(max=1_000)],
    )
    consent_contact = BooleanField(
        _l("I agree to be contacted by the team about this request."),
        validators=[DataRequired(message=_l("We need your agreement to contact you."))],
    )
    consent_store = BooleanField(
        _l("I agree that this information is kept, encrypted, for the team to read."),
        validators=[DataRequired(message=_l("We need your agreement to keep what you send."))],
    )
    files = MultipleFileField(_l("Documents or screenshots (optional)"))
    # Honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"), filters=[strip])
    started = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            self.email.errors = [*self.email.errors, _l("Give an email address or a phone number so we can reach you.")]
            valid = False
        return valid


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Volunteer"), coerce=str, validators=[DataRequired(message=_l("Choose someone."))])


class ConvertForm(FlaskForm):
    title = StringField(
        _l("Case title"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the case a title.")), Length(max=200)],
    )


class DeclineForm(FlaskForm):
    send_reply = BooleanField(_l("Send the kind reply to the person"), default=True)


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""
