"""Forms of sign-on letters: the letter, the pasted signatory list, and its confirmation."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casefiles.forms_common import strip
from casefiles.organizations.models import OrganizationKind


class LetterForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the letter a title.")), Length(max=200)],
    )
    addressee = StringField(
        _l("Addressed to"), filters=[strip], validators=[Length(max=300)], description=_l("e.g. “Minister of Justice”.")
    )
    letter_date = DateField(_l("Date of the letter"), validators=[Optional()])
    campaign_id = SelectField(_l("Campaign"), coerce=str, choices=[], default="")
    body_en = TextAreaField(_l("Text (English)"), filters=[strip], validators=[Length(max=100_000)])
    body_fr = TextAreaField(_l("Text (French)"), filters=[strip], validators=[Length(max=100_000)])
    version = HiddenField()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "addressee": self.addressee.data or "",
            "letter_date": self.letter_date.data,
            "body_en": self.body_en.data or "",
            "body_fr": self.body_fr.data or "",
            "campaign_id": int(self.campaign_id.data) if (self.campaign_id.data or "").isdigit() else None,
        }


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
    confirm = HiddenField(default="1")
