"""The public petition form: name, email, province or postal code, optional city and comment, and two separate
choices (emails about the campaign; first name and city listed). A honeypot field no person fills in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from casefiles.forms_common import strip


class SignForm(FlaskForm):
    name = StringField(
        _l("Your name"), filters=[strip], validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)]
    )
    email = EmailField(
        _l("Email"),
        filters=[strip],
        description=_l("We send you a link to confirm your signature. It counts once confirmed."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    region = StringField(
        _l("Province or postal code"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter your province or postal code.")), Length(max=60)],
    )
    city = StringField(_l("City (optional)"), filters=[strip], validators=[Length(max=100)])
    comment = TextAreaField(_l("Comment (optional)"), filters=[strip], validators=[Length(max=2000)])
    consent_updates = BooleanField(
        _l("Yes, email me about this campaign and related cases. I can unsubscribe at any time.")
    )
    listed = BooleanField(_l("Show my first name and city among the signers."))
    # Honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"), filters=[strip])
    started = HiddenField()
