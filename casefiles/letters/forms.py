"""Forms of sign-on letters: the letter (derived from its declaration), a pasted signatory list, a confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from casefiles.letters.records import LETTER
from casefiles.organizations.models import OrganizationKind
from casefiles.records.forms import record_form

LetterForm = record_form(LETTER)


class PasteForm(FlaskForm):
    """A pasted list of signatory organizations, one per line."""

    names = TextAreaField(
        _l("Signatory organizations"),
        validators=[DataRequired(message=_l("Paste at least one organization.")), Length(max=1_000_000)],
        description=_l("One organization per line. Nothing is saved before you confirm the preview."),
    )
    kind = SelectField(
        _l("Kind of the new organizations"), choices=OrganizationKind.choices, default=OrganizationKind.OTHER.value
    )
    separate = HiddenField()


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token is the point (and, for a delete, the version that was shown)."""

    confirm = HiddenField(default="1")
    version = HiddenField()
