"""The declarations of a campaign and of its supporter counts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import ValidationError
from wtforms.validators import URL, Optional

from casefiles.campaigns.models import Campaign, CampaignKind, CampaignStatus, Channel, SupporterSnapshot
from casefiles.db import utcnow
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.records.fields import DATE, ENUM, INT, LINES, LONG_TEXT, PARTIAL_DATE, Field, FieldError
from casefiles.records.registry import REGISTRY, Record

LONG = 50_000
MAX_COUNT = 2_000_000_000
_MARKDOWN = {"help": _l("Markdown.")}


class Declared:
    """Form validator: the declared field's own rules, so a form refuses what the record would (a number typed
    as words is shown next to its field even when another field of the form is wrong too)."""

    def __init__(self, record: str, name: str) -> None:
        self.record, self.name = record, name

    def __call__(self, form: Any, field: Any) -> None:
        try:
            REGISTRY[self.record].by_name[self.name].clean(field.data)
        except FieldError as error:
            raise ValidationError(str(error.message)) from error


def _set_external_ref(campaign: Campaign, ref: str | None) -> None:
    # An empty reference is no reference: the column is unique.
    campaign.external_ref = ref or None


def _validate_campaign(campaign: Campaign) -> None:
    if not campaign.title_en and not campaign.title_fr:
        raise FieldError("title_en", _l("Give the campaign a title in English or in French."))
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise FieldError("end_date", _l("The end cannot be before the start."))
    if campaign.external_ref:
        others = select(Campaign.id).where(
            Campaign.external_ref == campaign.external_ref, Campaign.id != (campaign.id or -1)
        )
        clash = db.session.scalars(others).first()
        if clash is not None:
            raise FieldError("external_ref", _l("Another campaign already has this reference."))


def _snapshot_label(snap: SupporterSnapshot) -> str:
    member = Channel.coerce(snap.channel)
    source = snap.source or (str(member.label) if member else snap.channel or "")
    return f"{source} {snap.date.isoformat() if snap.date else ''}".strip()


def touch_campaign(campaign: Campaign | None) -> None:
    """Move the campaign's version on when something hanging off it changes."""
    if campaign is not None:
        campaign.updated_at = utcnow()
        db.session.flush()


def _after_snapshot(snap: SupporterSnapshot, actor: Any, changes: dict[str, Any]) -> None:
    touch_campaign(db.session.get(Campaign, snap.campaign_id) if snap.campaign_id else None)


CAMPAIGN = Record(
    "campaign",
    Campaign,
    _l("Campaign"),
    [
        Field("title_en", _l("Title (English)"), max_length=200, public=True, french="title_fr", search=True),
        Field("title_fr", _l("Title (French)"), max_length=200, public=True, search=True),
        Field("kind", _l("Kind of campaign"), ENUM, enum=CampaignKind,
              extra={"form": {"default": CampaignKind.PETITION.value}}),
        Field("status", _l("Status"), ENUM, enum=CampaignStatus, public=True,
              extra={"form": {"default": CampaignStatus.PLANNED.value}}),
        Field("outcome", _l("Outcome"), ENUM, enum=Outcome, public=True,
              extra={"form": {"default": Outcome.ONGOING.value}}),
        Field("description_en", _l("Description (English)"), LONG_TEXT, max_length=LONG, public=True,
              french="description_fr", search=True, extra=_MARKDOWN),
        Field("description_fr", _l("Description (French)"), LONG_TEXT, max_length=LONG, public=True, search=True,
              extra=_MARKDOWN),
        Field("call_to_action_en", _l("Call to action (English)"), LONG_TEXT, max_length=5_000, public=True,
              french="call_to_action_fr"),
        Field("call_to_action_fr", _l("Call to action (French)"), LONG_TEXT, max_length=5_000, public=True),
        Field("targets", _l("Decision-makers targeted"), LINES, public=True, search=True, french="targets_fr",
              extra={"help": _l("One per line, e.g. “Minister of Justice”, “Peel District School Board”.")}),
        Field("targets_fr", _l("Decision-makers targeted (French)"), LINES, public=True, search=True,
              extra={"help": _l("The same lines in French, in the same order.")}),
        Field("asks", _l("What we ask"), LINES, public=True, french="asks_fr",
              extra={"help": _l("One ask per line, in order.")}),
        Field("asks_fr", _l("What we ask (French)"), LINES, public=True,
              extra={"help": _l("The same lines in French, in the same order.")}),
        Field("start_date", _l("Start"), PARTIAL_DATE),
        Field("end_date", _l("End"), PARTIAL_DATE),
        Field("goal", _l("Supporter goal"), INT, minimum=1, maximum=MAX_COUNT,
              extra={"form": {"validators": [Declared("campaign", "goal")]}}),
        Field("external_url", _l("External link"), max_length=2000,
              extra={"help": _l("The petition or campaign page, if any."),
                     "form": {"validators": [Optional(), URL(message=_l("Enter a full web address."))]}}),
        Field("external_ref", _l("Your reference"), max_length=100, setter=_set_external_ref,
              extra={"help": _l("Used by CSV re-imports.")}),
    ],
    summary=lambda campaign: campaign.title_en or campaign.title_fr,
    validate=_validate_campaign,
    export_order=60,
)

SNAPSHOT = Record(
    "snapshot",
    SupporterSnapshot,
    _l("Supporter count"),
    [
        Field("date", _l("Date"), DATE, required=_l("Enter the date as YYYY-MM-DD.")),
        Field("count", _l("Supporters"), INT, minimum=0, maximum=MAX_COUNT, required=_l("Enter a whole number."),
              extra={"form": {"validators": [Declared("snapshot", "count")]}}),
        Field("source", _l("Source"), max_length=200,
              extra={"help": _l("Where the count comes from, e.g. “House of Commons e-petition”.")}),
        Field("channel", _l("Signed"), ENUM, enum=Channel, extra={"form": {"default": Channel.ONLINE.value}}),
    ],
    summary=_snapshot_label,
    after_change=_after_snapshot,
    parent_key="campaign_id",
    export_order=61,
)
