"""The public "add your organization" form of a sign-on letter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from casefiles.forms_common import strip


class EntryForm(FlaskForm):
    organization_name = StringField(
        _l("Name of your organization"),
        filters=[strip],
        description=_l("As it should appear among the signatories."),
        validators=[DataRequired(message=_l("Enter the name of your organization.")), Length(max=300)],
    )
    contact_name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)],
    )
    contact_email = EmailField(
        _l("Your email"),
        filters=[strip],
        description=_l("So that our team can check the request with you. Never shown publicly."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    city = StringField(_l("City (optional)"), filters=[strip], validators=[Length(max=100)])
    # Honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"), filters=[strip])
    started = HiddenField()
