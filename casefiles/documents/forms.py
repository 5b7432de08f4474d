"""Forms of the documents pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, Length, Optional

from casefiles.documents.models import DocumentKind
from casefiles.forms_common import PartialDateField, strip


class DocumentFieldsForm(FlaskForm):
    """What describes a document."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)], filters=[strip])
    kind = SelectField(_l("Kind of document"), choices=DocumentKind.choices, default=DocumentKind.OTHER.value)
    date = PartialDateField(_l("Date of the document"))
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)], filters=[strip])
    source_url = StringField(
        _l("Source address (for captured evidence)"),
        validators=[Optional(), URL(require_tld=False, message=_l("Enter a full web address.")), Length(max=2000)],
        filters=[strip],
    )
    captured_at = StringField(
        _l("Captured on (UTC)"),
        description=_l("When the page or post was captured, for example 2023-11-14 09:30."),
        validators=[Optional(), Length(max=40)],
        filters=[strip],
    )

    def values(self) -> dict:
        """Plain values for the services."""
        from casefiles.documents.services import parse_captured_at

        return {
            "title": self.title.data or "",
            "kind": self.kind.data,
            "date": self.date.partial,
            "description": self.description.data or "",
            "source_url": self.source_url.data or "",
            "captured_at": parse_captured_at(self.captured_at.data),
        }


class UploadForm(DocumentFieldsForm):
    """One or several files, described together."""

    files = MultipleFileField(
        _l("Files"),
        description=_l("PDF, images (PNG, JPEG, WebP, GIF), Word (DOCX), OpenDocument (ODT) or plain text."),
    )
    title = StringField(
        _l("Title"),
        description=_l("Leave empty to use each file's name."),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
    )


class EditDocumentForm(DocumentFieldsForm):
    """Change the description of a document."""


class VersionForm(FlaskForm):
    """A new version of a document."""

    file = FileField(_l("New version"))


class ConfirmForm(FlaskForm):
    """A POST with its CSRF token, nothing else."""
