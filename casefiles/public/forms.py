"""Staff forms of the public side: the publication review checklist and the public content."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casefiles.cases.records import CASE
from casefiles.forms_common import strip


class PublishForm(FlaskForm):
    """The review checklist a staff member confirms before a case goes public."""

    consent_recorded = BooleanField(_l("Each person's consent to publication, and how they may be named, is recorded."))
    no_private_data = BooleanField(
        _l("I have read every public field: no address, contact detail, private note or unconsented name appears.")
    )


class UnpublishForm(FlaskForm):
    """Confirmation before taking a case off the public side."""

    reason = StringField(_l("Reason (kept in the history)"), filters=[strip], validators=[Length(max=300)])


class PublicContentForm(FlaskForm):
    """What the public page says, in English and French."""

    title = StringField(
        _l("Public title (English)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the case a title.")), Length(max=200)],
    )
    title_fr = StringField(
        _l("Public title (French)"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Left empty, the English title is shown to French readers."),
    )
    public_summary = TextAreaField(
        _l("Public summary (English)"), filters=[strip], validators=[Length(max=50_000)], description=_l("Markdown.")
    )
    public_summary_fr = TextAreaField(
        _l("Public summary (French)"),
        filters=[strip],
        validators=[Length(max=50_000)],
        description=_l("Left empty, the English summary is shown to French readers. Markdown."),
    )
    speech_public = TextAreaField(
        _l("What was said, as the public page tells it (English)"),
        filters=[strip],
        validators=[Length(max=50_000)],
        description=_l("A short public account of the words or act the person was punished for. Markdown."),
    )
    speech_public_fr = TextAreaField(
        _l("What was said, as the public page tells it (French)"),
        filters=[strip],
        validators=[Length(max=50_000)],
        description=_l("Left empty, the English account is shown to French readers. Markdown."),
    )
    featured = BooleanField(_l("Feature this case on the home page"))
    correction_note = TextAreaField(
        _l("Correction note (English)"),
        filters=[strip],
        validators=[Length(max=2000)],
        description=_l("If a published fact changed, say so here: the note is shown on the public page."),
    )
    correction_note_fr = TextAreaField(_l("Correction note (French)"), filters=[strip], validators=[Length(max=2000)])
    version = HiddenField()
    record = CASE

    def correction(self) -> dict[str, str]:
        return {"note": self.correction_note.data or "", "note_fr": self.correction_note_fr.data or ""}


class DeleteCorrectionForm(FlaskForm):
    """Confirmation before a correction note leaves the public page (the form carries only its CSRF token)."""


class PhotoForm(FlaskForm):
    """The case's public photo, the person it shows and its description in both languages."""

    photo = FileField(
        _l("Photo"),
        description=_l(
            "JPEG, PNG, WebP or GIF, up to 15 MB. Its hidden details (camera, place, date) are removed; only a clean "
            "copy is kept."
        ),
    )
    person_id = SelectField(_l("Person shown"), coerce=int, validate_choice=False)
    alt = StringField(_l("Description for people who cannot see it (English)"), filters=[strip])
    alt_fr = StringField(_l("Description for people who cannot see it (French)"), filters=[strip])


class RemovePhotoForm(FlaskForm):
    """Confirmation of taking the photo off the case."""
