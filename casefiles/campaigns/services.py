"""The verbs of campaigns. Services flush; callers commit. Every change writes its audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Channel,
    SupporterSnapshot,
    case_campaigns,
)
from casefiles.campaigns.records import touch_campaign
from casefiles.cases.models import Case
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.organizations.models import Organization
from casefiles.records import editing
from casefiles.records.editing import audit

# -- campaigns -------------------------------------------------------------------------------------


def create_campaign(*, actor: Any, values: dict[str, Any]) -> Campaign:
    """Start a campaign (it may stand alone or be linked to cases later)."""
    return editing.create(
        Campaign,
        actor=actor,
        values=values,
        kind=CampaignKind.PETITION.value,
        status=CampaignStatus.PLANNED.value,
        outcome=Outcome.ONGOING.value,
        targets=[],
        asks=[],
        created_by_id=getattr(actor, "id", None),
    )


def update_campaign(
    campaign: Campaign, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit a campaign; refused (StaleRecord) if someone saved it since the edit began."""
    return editing.update(campaign, actor=actor, changes=changes, expected_version=expected_version)


def delete_campaign(campaign: Campaign, *, actor: Any, expected_version: int | None = None) -> None:
    """Delete a campaign, its supporter counts and its links (the cases stay)."""
    editing.delete(campaign, actor=actor, expected_version=expected_version)


# -- supporter counts ------------------------------------------------------------------------------


def add_snapshot(campaign: Campaign, *, actor: Any, values: dict[str, Any]) -> SupporterSnapshot:
    """Record the supporter count of one source on a date."""
    values = {k: v for k, v in values.items() if not (k == "channel" and not v)}
    return editing.create(
        SupporterSnapshot, actor=actor, values=values, campaign=campaign, source="", channel=Channel.ONLINE.value
    )


def update_snapshot(
    snap: SupporterSnapshot, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Correct a supporter count; refused (StaleRecord) if someone saved it since the edit began."""
    return editing.update(snap, actor=actor, changes=values, expected_version=expected_version)


def remove_snapshot(snap: SupporterSnapshot, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a supporter count entered by mistake."""
    campaign = snap.campaign
    editing.delete(snap, actor=actor, expected_version=expected_version)
    if campaign is not None:
        db.session.expire(campaign, ["snapshots"])


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
    touch_campaign(campaign)
    audit("link_case", campaign, actor, {"cases": [None, case.reference]})
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
    touch_campaign(campaign)
    audit("unlink_case", campaign, actor, {"cases": [case.reference, None]})
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
    touch_campaign(campaign)
    audit("partners", campaign, actor, {"partners": [before, after]})
    return {"partners": [before, after]}
