"""The dossier request form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import URL, Email, Length, Optional

from casefiles.briefs.dossiers import AUDIENCE_LABELS, PUBLIC
from casefiles.forms_common import strip

LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class DossierForm(FlaskForm):
    """Which cases (chosen one by one, or all active ones at an institution), in which language."""

    title = StringField(_l("Title of the dossier"), filters=[strip], validators=[Optional(), Length(max=200)])
    audience = SelectField(
        _l("Who is it for?"),
        choices=[SelectChoice(value, label) for value, label in AUDIENCE_LABELS.items()],
        default=PUBLIC,
        description=_l("A public dossier and an advocacy pack hold published cases only."),
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    institution_id = SelectField(
        _l("All active cases at an institution"),
        coerce=int,
        default=0,
        description=_l("Leave at “none” to use the cases ticked below."),
    )
    case_ids = MultiCheckboxField(_l("Cases"), coerce=int)

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        """Either an institution or at least one ticked case."""
        if not super().validate(extra_validators):
            return False
        if not self.institution_id.data and not self.case_ids.data:
            self.case_ids.errors = [_l("Tick at least one case, or choose an institution.")]
            return False
        return True


class OrganizationForm(FlaskForm):
    """The organization's details printed on briefs and dossiers."""

    name_en = StringField(_l("Name in English"), filters=[strip], validators=[Optional(), Length(max=200)])
    name_fr = StringField(_l("Name in French"), filters=[strip], validators=[Optional(), Length(max=200)])
    address = TextAreaField(_l("Postal address"), filters=[strip], validators=[Optional(), Length(max=500)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=50)])
    email = StringField(
        _l("Email"),
        filters=[strip],
        validators=[Optional(), Length(max=200), Email(message=_l("Enter a valid email address."))],
    )
    website = StringField(
        _l("Website"),
        filters=[strip],
        validators=[Optional(), Length(max=200), URL(message=_l("Enter a full web address."))],
    )
    page_size = SelectField(
        _l("Page size of briefs"),
        choices=[SelectChoice("letter", _l("Letter (North America)")), SelectChoice("a4", _l("A4"))],
        default="letter",
    )
    logo = FileField(_l("Logo"), description=_l("A PNG or JPEG image; it is re-encoded, at most 600 × 200 pixels."))
    remove_logo = BooleanField(_l("Remove the logo"))
