"""The follow form: an email address, a honeypot no person fills in, and the time the form was shown.

It appears on cached public pages (the same bytes for every reader), so it cannot carry a session's CSRF token:
its `started` stamp is signed for the page it sits on instead, and the only thing a forged post could do is send
a confirmation link to an address, which nothing follows until that address's owner confirms it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from casefiles.forms_common import strip


class FollowForm(FlaskForm):
    class Meta:
        csrf = False  # see the module's docstring: a signed `started` stamp instead

    email = EmailField(
        _l("Your email"),
        filters=[strip],
        description=_l("We email you when something published here changes. One click unsubscribes."),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    # Honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"), filters=[strip])
    started = HiddenField()
