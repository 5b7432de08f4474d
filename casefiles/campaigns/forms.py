"""Forms of campaigns: the campaign itself and a supporter count (derived from their declarations), a case link,
partner organizations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casefiles.campaigns.records import CAMPAIGN, SNAPSHOT
from casefiles.forms_common import strip
from casefiles.records.forms import record_form

CampaignForm = record_form(CAMPAIGN)
SnapshotForm = record_form(SNAPSHOT)


class LinkCaseForm(FlaskForm):
    """Link a case by its reference."""

    reference = StringField(
        _l("Case reference"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a case reference.")), Length(max=100)],
        description=_l("Your own reference, or CF-00042."),
    )


class PartnersForm(FlaskForm):
    """Partner organizations, one name per line."""

    names = TextAreaField(
        _l("Partner organizations"),
        filters=[strip],
        validators=[Length(max=100_000)],
        description=_l("One organization per line, as it is already recorded under Organizations."),
    )


class DeleteCampaignForm(FlaskForm):
    """Confirm a deletion (and, for a record, the version that was shown)."""

    confirm = HiddenField(default="1")
    version = HiddenField()
