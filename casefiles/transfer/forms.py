"""Import forms: the upload, and the confirmation after the preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField

KINDS = [
    SelectChoice("cases", _l("Cases")),
    SelectChoice("campaigns", _l("Campaigns")),
    SelectChoice("organizations", _l("Organizations")),
]


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=KINDS, default="cases")
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
        description=_l("UTF-8 (“CSV UTF-8” in spreadsheets). The columns are listed below."),
    )
    publication_reviewed = BooleanField(
        _l(
            "For cases marked published: I confirm each person's consent to publication is recorded and no private "
            "information appears in the public fields."
        )
    )


class ConfirmImportForm(FlaskForm):
    publication_reviewed = HiddenField()
