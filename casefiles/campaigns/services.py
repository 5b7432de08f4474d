"""The verbs of campaigns. Services flush; callers commit. Every change writes its audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import diff, record
from casefiles.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Channel,
    SupporterSnapshot,
    case_campaigns,
)
from casefiles.cases.models import Case
from casefiles.dates import PartialDate, PartialDateError
from casefiles.db import utcnow
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.organizations.models import Organization

TEXT_FIELDS = {
    "title_en": 200,
    "title_fr": 200,
    "description_en": 50_000,
    "description_fr": 50_000,
    "call_to_action_en": 5_000,
    "call_to_action_fr": 5_000,
    "external_url": 2000,
}
ENUM_FIELDS = {"kind": CampaignKind, "status": CampaignStatus, "outcome": Outcome}
DATE_FIELDS = ("start_date", "end_date")
LIST_FIELDS = ("targets", "asks")
FIELDS = (*TEXT_FIELDS, *ENUM_FIELDS, *DATE_FIELDS, *LIST_FIELDS, "goal", "external_ref")
MAX_COUNT = 2_000_000_000


class CampaignError(ValueError):
    """A change the rules refuse; `field` names the form field, `message` is translated."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class StaleCampaignError(Exception):
    """Someone else saved the campaign after this edit began."""


# -- helpers ---------------------------------------------------------------------------------------


def _get(campaign: Campaign, field: str) -> Any:
    if field in DATE_FIELDS:
        partial = PartialDate.from_columns(getattr(campaign, field), getattr(campaign, f"{field}_precision"))
        return partial.iso() if partial else None
    if field in LIST_FIELDS:
        return list(getattr(campaign, field) or [])
    return getattr(campaign, field)


def snapshot(campaign: Campaign) -> dict[str, Any]:
    """Every editable value of the campaign, as the history shows it."""
    return {f: _get(campaign, f) for f in FIELDS}


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [" ".join(str(item).split())[:500] for item in items if str(item).strip()][:100]


def _set(campaign: Campaign, field: str, value: Any) -> None:
    if field in ENUM_FIELDS:
        member = ENUM_FIELDS[field].coerce(value)
        if member is None:
            raise CampaignError(field, _l("Choose a value from the list."))
        campaign.__setattr__(field, member.value)
    elif field in DATE_FIELDS:
        if isinstance(value, str) or value is None:
            try:
                value = PartialDate.parse(value)
            except PartialDateError as error:
                raise CampaignError(field, _l("Enter a real date as YYYY-MM-DD, YYYY-MM or YYYY.")) from error
        setattr(campaign, field, value.value if value else None)
        setattr(campaign, f"{field}_precision", value.precision.value if value else None)
    elif field in LIST_FIELDS:
        setattr(campaign, field, _lines(value))
    elif field == "goal":
        if value in (None, ""):
            campaign.goal = None
        else:
            try:
                goal = int(str(value).replace(",", "").replace(" ", "").replace("\u202f", ""))
            except ValueError as error:
                raise CampaignError("goal", _l("Enter a whole number.")) from error
            if not 0 < goal <= MAX_COUNT:
                raise CampaignError("goal", _l("Enter a number greater than zero."))
            campaign.goal = goal
    elif field == "external_ref":
        campaign.external_ref = (value or "").strip()[:100] or None
    else:
        text = (value or "").strip()
        if len(text) > TEXT_FIELDS[field]:
            raise CampaignError(field, _l("This text is too long."))
        setattr(campaign, field, text)


def _validate(campaign: Campaign) -> None:
    if not campaign.title_en and not campaign.title_fr:
        raise CampaignError("title_en", _l("Give the campaign a title in English or in French."))
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise CampaignError("end_date", _l("The end cannot be before the start."))


def _audit(action: str, campaign: Campaign, actor: Any, changes: dict, summary: str | None = None) -> None:
    record(
        action,
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=summary if summary is not None else campaign.title_en or campaign.title_fr,
        changes=changes,
    )


def _touch(campaign: Campaign) -> None:
    """Move the campaign's version on when something hanging off it changes."""
    campaign.updated_at = utcnow()
    db.session.flush()


# -- campaigns -------------------------------------------------------------------------------------


def create_campaign(*, actor: Any, values: dict[str, Any]) -> Campaign:
    """Start a campaign (it may stand alone or be linked to cases later)."""
    campaign = Campaign(
        kind=CampaignKind.PETITION.value,
        status=CampaignStatus.PLANNED.value,
        outcome=Outcome.ONGOING.value,
        targets=[],
        asks=[],
    )
    campaign.created_by_id = getattr(actor, "id", None)
    with db.session.no_autoflush:
        for field in FIELDS:
            if field in values:
                _set(campaign, field, values[field])
        _validate(campaign)
        _check_ref(campaign)
    db.session.add(campaign)
    db.session.flush()
    _audit("campaign.create", campaign, actor, {k: [None, v] for k, v in snapshot(campaign).items() if v})
    return campaign


def _check_ref(campaign: Campaign) -> None:
    if campaign.external_ref:
        clash = db.session.scalars(
            select(Campaign.id).where(
                Campaign.external_ref == campaign.external_ref, Campaign.id != (campaign.id or -1)
            )
        ).first()
        if clash is not None:
            raise CampaignError("external_ref", _l("Another campaign already has this reference."))


def update_campaign(
    campaign: Campaign, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit a campaign; refused if someone saved it since the edit began."""
    if expected_version is not None and int(expected_version) != campaign.version:
        raise StaleCampaignError()
    before = snapshot(campaign)
    with db.session.no_autoflush:
        for field in FIELDS:
            if field in changes:
                _set(campaign, field, changes[field])
        _validate(campaign)
        _check_ref(campaign)
    delta = diff(before, snapshot(campaign))
    if delta:
        _touch(campaign)
        _audit("campaign.update", campaign, actor, delta)
    return delta


def delete_campaign(campaign: Campaign, *, actor: Any) -> None:
    """Delete a campaign, its supporter counts and its links (the cases stay)."""
    _audit("campaign.delete", campaign, actor, {k: [v, None] for k, v in snapshot(campaign).items() if v})
    db.session.delete(campaign)
    db.session.flush()


# -- supporter counts ------------------------------------------------------------------------------


def add_snapshot(campaign: Campaign, *, actor: Any, values: dict[str, Any]) -> SupporterSnapshot:
    """Record the supporter count of one source on a date."""
    when = values.get("date")
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when.strip())
        except ValueError as error:
            raise CampaignError("date", _l("Enter the date as YYYY-MM-DD.")) from error
    if not isinstance(when, date):
        raise CampaignError("date", _l("Enter the date as YYYY-MM-DD."))
    try:
        count = int(str(values.get("count", "")).replace(",", "").replace(" ", "").replace("\u202f", ""))
    except ValueError as error:
        raise CampaignError("count", _l("Enter a whole number.")) from error
    if not 0 <= count <= MAX_COUNT:
        raise CampaignError("count", _l("Enter a number of zero or more."))
    channel = Channel.coerce(values.get("channel") or Channel.ONLINE.value)
    if channel is None:
        raise CampaignError("channel", _l("Choose a value from the list."))
    source = " ".join(str(values.get("source") or "").split())[:200]
    snap = SupporterSnapshot(date=when, count=count, source=source, channel=channel.value)
    campaign.snapshots.append(snap)
    db.session.flush()
    _touch(campaign)
    _audit("snapshot.create", campaign, actor, {f"count {source or channel.value} {when.isoformat()}": [None, count]})
    return snap


def remove_snapshot(snap: SupporterSnapshot, *, actor: Any) -> None:
    """Remove a supporter count entered by mistake."""
    campaign = snap.campaign
    label = f"count {snap.source or snap.channel} {snap.date.isoformat()}"
    campaign.snapshots.remove(snap)
    db.session.flush()
    _touch(campaign)
    _audit("snapshot.delete", campaign, actor, {label: [snap.count, None]})


def totals_over_time(campaign: Campaign) -> list[tuple[date, int]]:
    """The total supporters on each snapshot date: the latest count of every source, summed."""
    latest: dict[tuple[str, str], int] = {}
    totals: dict[date, int] = {}
    for snap in sorted(campaign.snapshots, key=lambda s: (s.date, s.id or 0)):
        latest[(snap.source.casefold(), snap.channel)] = snap.count
        totals[snap.date] = sum(latest.values())
    return sorted(totals.items())


def latest_count(campaign: Campaign) -> tuple[int, date] | None:
    """(supporters, as of date) at the latest snapshot, or None when nothing was counted yet."""
    series = totals_over_time(campaign)
    if not series:
        return None
    when, count = series[-1]
    return count, when


def growth(campaign: Campaign) -> int | None:
    """Supporters gained since the snapshot date before the latest (None with fewer than two dates)."""
    series = totals_over_time(campaign)
    if len(series) < 2:
        return None
    return series[-1][1] - series[-2][1]


# -- links -----------------------------------------------------------------------------------------


def campaigns_for_case(case: Case) -> list[Campaign]:
    """The campaigns a case is part of, newest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .join(case_campaigns, case_campaigns.c.campaign_id == Campaign.id)
            .where(case_campaigns.c.case_id == case.id)
            .order_by(Campaign.id.desc())
        )
    )


def link_case(campaign: Campaign, case: Case, *, actor: Any) -> bool:
    """Link a case to the campaign (nothing happens if it is already linked)."""
    if case in campaign.cases:
        return False
    campaign.cases.append(case)
    _touch(campaign)
    _audit("campaign.link_case", campaign, actor, {"cases": [None, case.reference]})
    record(
        "case.link_campaign",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=campaign.title_en or campaign.title_fr,
        changes={"campaigns": [None, campaign.title_en or campaign.title_fr]},
    )
    return True


def unlink_case(campaign: Campaign, case: Case, *, actor: Any) -> bool:
    """Take a case out of the campaign."""
    if case not in campaign.cases:
        return False
    campaign.cases.remove(case)
    _touch(campaign)
    _audit("campaign.unlink_case", campaign, actor, {"cases": [case.reference, None]})
    record(
        "case.unlink_campaign",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=campaign.title_en or campaign.title_fr,
        changes={"campaigns": [campaign.title_en or campaign.title_fr, None]},
    )
    return True


def set_campaign_partners(campaign: Campaign, organizations: list[Organization], *, actor: Any) -> dict:
    """Replace the campaign's partner organizations."""
    before = sorted(o.name for o in campaign.partners)
    campaign.partners = list(dict.fromkeys(organizations))
    after = sorted(o.name for o in campaign.partners)
    if before == after:
        return {}
    _touch(campaign)
    _audit("campaign.partners", campaign, actor, {"partners": [before, after]})
    return {"partners": [before, after]}
