"""Forms of the documents pages: what describes a document comes from its declaration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, MultipleFileField, StringField
from wtforms.validators import Length, Optional

from casefiles.documents.records import DOCUMENT
from casefiles.forms_common import strip
from casefiles.records.forms import record_form

EditDocumentForm = record_form(DOCUMENT)

# One or several files, described together; the title may stay empty (each file's name is used).
UploadForm = record_form(
    DOCUMENT,
    files=MultipleFileField(
        _l("Files"),
        description=_l("PDF, images (PNG, JPEG, WebP, GIF), Word (DOCX), OpenDocument (ODT) or plain text."),
    ),
    title=StringField(
        _l("Title"),
        description=_l("Leave empty to use each file's name."),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
    ),
)


class VersionForm(FlaskForm):
    """A new version of a document."""

    file = FileField(_l("New version"))


class ConfirmForm(FlaskForm):
    """A POST with its CSRF token, nothing else."""
