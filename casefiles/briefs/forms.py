"""The dossier request form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import Length, Optional

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
