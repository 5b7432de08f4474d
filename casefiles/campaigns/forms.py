"""Forms of campaigns: the campaign itself, a supporter count, a case link, partner organizations."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from casefiles.campaigns.models import CampaignKind, CampaignStatus, Channel
from casefiles.enums import Outcome
from casefiles.forms_common import PartialDateField, strip


def _text(label: Any, limit: int, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, filters=[strip], validators=[Length(max=limit)], **kwargs)


class CampaignForm(FlaskForm):
    """The campaign's own fields, in English and French."""

    title_en = StringField(_l("Title (English)"), filters=[strip], validators=[Length(max=200)])
    title_fr = StringField(_l("Title (French)"), filters=[strip], validators=[Length(max=200)])
    kind = SelectField(_l("Kind of campaign"), choices=CampaignKind.choices, default=CampaignKind.PETITION.value)
    status = SelectField(_l("Status"), choices=CampaignStatus.choices, default=CampaignStatus.PLANNED.value)
    outcome = SelectField(_l("Outcome"), choices=Outcome.choices, default=Outcome.ONGOING.value)
    description_en = _text(_l("Description (English)"), 50_000, description=_l("Markdown."))
    description_fr = _text(_l("Description (French)"), 50_000, description=_l("Markdown."))
    call_to_action_en = _text(_l("Call to action (English)"), 5_000)
    call_to_action_fr = _text(_l("Call to action (French)"), 5_000)
    targets = _text(
        _l("Decision-makers targeted"),
        20_000,
        description=_l("One per line, e.g. “Minister of Justice”, “Peel District School Board”."),
    )
    asks = _text(_l("What we ask"), 20_000, description=_l("One ask per line, in order."))
    start_date = PartialDateField(_l("Start"))
    end_date = PartialDateField(_l("End"))
    goal = IntegerField(
        _l("Supporter goal"),
        validators=[Optional(), NumberRange(min=1, max=2_000_000_000, message=_l("Enter a number greater than zero."))],
    )
    external_url = URLField(
        _l("External link"),
        filters=[strip],
        validators=[Optional(), Length(max=2000), URL(message=_l("Enter a full web address."))],
        description=_l("The petition or campaign page, if any."),
    )
    external_ref = StringField(
        _l("Your reference"), filters=[strip], validators=[Length(max=100)], description=_l("Used by CSV re-imports.")
    )
    version = HiddenField()

    def values(self) -> dict[str, Any]:
        return {
            "title_en": self.title_en.data or "",
            "title_fr": self.title_fr.data or "",
            "kind": self.kind.data,
            "status": self.status.data,
            "outcome": self.outcome.data,
            "description_en": self.description_en.data or "",
            "description_fr": self.description_fr.data or "",
            "call_to_action_en": self.call_to_action_en.data or "",
            "call_to_action_fr": self.call_to_action_fr.data or "",
            "targets": self.targets.data or "",
            "asks": self.asks.data or "",
            "start_date": self.start_date.partial,
            "end_date": self.end_date.partial,
            "goal": self.goal.data,
            "external_url": self.external_url.data or "",
            "external_ref": self.external_ref.data or "",
        }


class SnapshotForm(FlaskForm):
    """A supporter count on a date."""

    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date as YYYY-MM-DD."))])
    count = IntegerField(
        _l("Supporters"),
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(min=0, max=2_000_000_000, message=_l("Enter a number of zero or more.")),
        ],
    )
    source = StringField(
        _l("Source"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Where the count comes from, e.g. “House of Commons e-petition”."),
    )
    channel = SelectField(_l("Signed"), choices=Channel.choices, default=Channel.ONLINE.value)

    def values(self) -> dict[str, Any]:
        return {
            "date": self.date.data,
            "count": self.count.data,
            "source": self.source.data,
            "channel": self.channel.data,
        }


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

    names = _text(
        _l("Partner organizations"),
        100_000,
        description=_l("One organization per line, as it is already recorded under Organizations."),
    )


class DeleteCampaignForm(FlaskForm):
    """Confirm deletion."""

    confirm = HiddenField(default="1")
