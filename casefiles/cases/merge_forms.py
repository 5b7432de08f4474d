"""Forms of merging two cases: which other case, and the confirmation that carries both versions shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from casefiles.forms_common import strip


class OtherCaseForm(FlaskForm):
    """The other case, by its reference (CF-00012, an imported reference) or its number."""

    class Meta:
        csrf = False  # a GET form that only leads to the confirmation page

    other = StringField(
        _l("The other case"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Type the other case's reference.")),
            Length(max=100, message=_l("Keep the reference under %(max)d characters.")),
        ],
        description=_l("Its reference, e.g. CF-00012, or its number."),
    )


class MergeForm(FlaskForm):
    """Confirm a merge: the two cases, and the versions the page showed (a change since then refuses the merge)."""

    keep = HiddenField()
    merged = HiddenField()
    keep_version = HiddenField()
    merged_version = HiddenField()
