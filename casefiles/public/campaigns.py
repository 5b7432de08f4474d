"""The public face of campaigns: which campaigns the public may see, and their projection (plain values only).

A campaign is public when it is in progress or completed (planned and cancelled ones never are) and it supports
at least one published case: the case's review is what lets its campaigns out. Only the fields the campaign
record declares public are copied (title, status, outcome, description, call to action, targets, asks) with the
supporter totals over time; the sources of the counts, the goal, the dates and the staff's reference stay inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casefiles.campaigns.models import Campaign, CampaignKind, CampaignStatus, case_campaigns
from casefiles.campaigns.services import totals_over_time
from casefiles.cases.models import Case
from casefiles.dates import local_today
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.markdown import render_markdown
from casefiles.petitions.services import confirmed_count, listed_signers
from casefiles.public.projection import PublicCase
from casefiles.records.twins import pick

PUBLIC_STATUSES = (CampaignStatus.IN_PROGRESS.value, CampaignStatus.COMPLETED.value)
# The outcomes a campaign update celebrates or reports, in the order it reports them.
UPDATE_OUTCOMES = (Outcome.VICTORY, Outcome.POSITIVE, Outcome.ONGOING)


@dataclass(frozen=True)
class PublicCampaignPage:
    """What anyone may read about a public campaign, in one language."""

    id: int
    locale: str
    title: str
    title_language: str
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    description_html: Markup
    call_to_action: str
    targets: tuple[str, ...]
    asks: tuple[str, ...]
    join_url: str
    supporter_count: int | None
    counted_on: date | None
    series: tuple[tuple[date, int], ...]
    cases: tuple[PublicCase, ...]
    description_language: str = "en"
    call_language: str = "en"
    # Our own petition: open or not, confirmed signatures (already in supporter_count), listed first names + cities.
    petition_open: bool = False
    signed_here: int = 0
    listed_signers: tuple[tuple[str, str], ...] = ()

    @property
    def completed(self) -> bool:
        return self.status == CampaignStatus.COMPLETED.value

    def as_json(self) -> dict[str, Any]:
        """The JSON API form (plain values)."""
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "status_label": self.status_label,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "description_html": str(self.description_html),
            "call_to_action": self.call_to_action,
            "targets": list(self.targets),
            "asks": list(self.asks),
            "join_url": self.join_url,
            "supporter_count": self.supporter_count,
            "signed_here": self.signed_here,
            "counted_on": self.counted_on.isoformat() if self.counted_on else None,
            "supporters_over_time": [{"date": d.isoformat(), "count": n} for d, n in self.series],
            "cases": [
                {"slug": c.slug, "title": c.title, "url": url_for("public.case", slug=c.slug, _external=True)}
                for c in self.cases
            ],
            "url": url_for("public_campaigns.campaign", campaign_id=self.id, _external=True),
        }


def _published_case_ids() -> Any:
    from casefiles.public.queries import published_clause

    return (
        select(case_campaigns.c.campaign_id).join(Case, Case.id == case_campaigns.c.case_id).where(published_clause())
    )


def public_clause() -> Any:
    """The one definition of a public campaign in SQL."""
    return Campaign.status.in_(PUBLIC_STATUSES) & Campaign.id.in_(_published_case_ids())


def _safe_url(url: str) -> str:
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def _public_case_ids(campaign: Campaign) -> list[int]:
    from casefiles.public.queries import published_clause

    return list(
        db.session.scalars(
            select(Case.id)
            .join(case_campaigns, case_campaigns.c.case_id == Case.id)
            .where(case_campaigns.c.campaign_id == campaign.id, published_clause())
            .order_by(Case.published_at.desc(), Case.id.desc())
        )
    )


def project_campaign(campaign: Campaign, locale: str, with_cases: bool = True) -> PublicCampaignPage:
    """The projection of a campaign already known to be public."""
    from casefiles.public.queries import cached_public_cases

    locale = locale if locale in ("en", "fr") else "en"
    with force_locale(locale):
        title, title_language = pick(locale, campaign.title_en, campaign.title_fr)
        description, description_language = pick(locale, campaign.description_en, campaign.description_fr)
        call, call_language = pick(locale, campaign.call_to_action_en, campaign.call_to_action_fr)
        series = tuple(totals_over_time(campaign))
        signed_here = confirmed_count(campaign.id)
        external = series[-1][1] if series else 0
        petition = campaign.kind == CampaignKind.PETITION.value and campaign.status == CampaignStatus.IN_PROGRESS.value
        cases = tuple(cached_public_cases(_public_case_ids(campaign), locale)) if with_cases else ()
        return PublicCampaignPage(
            id=campaign.id,
            locale=locale,
            title=title,
            title_language=title_language,
            status=campaign.status_enum.value,
            status_label=str(campaign.status_enum.label),
            outcome=campaign.outcome_enum.value,
            outcome_label=str(campaign.outcome_enum.label),
            description_html=render_markdown(description),
            call_to_action=call,
            targets=tuple(t for t in (campaign.targets or []) if t),
            asks=tuple(a for a in (campaign.asks or []) if a),
            join_url=_safe_url(campaign.external_url) if campaign.status == CampaignStatus.IN_PROGRESS.value else "",
            supporter_count=external + signed_here if (series or signed_here) else None,
            counted_on=series[-1][0] if series and not signed_here else (local_today() if signed_here else None),
            series=series,
            cases=cases,
            description_language=description_language,
            call_language=call_language,
            petition_open=petition,
            signed_here=signed_here,
            listed_signers=tuple(listed_signers(campaign.id)) if with_cases else (),
        )


def public_campaign_by_id(campaign_id: int) -> Campaign | None:
    """The public campaign with this id, or None (planned, cancelled and missing look the same)."""
    if campaign_id < 1 or campaign_id > 2**31 - 1:
        return None
    return db.session.scalar(select(Campaign).where(Campaign.id == campaign_id, public_clause()))


def petition_open(campaign: Campaign) -> bool:
    """Our own petition takes signatures while a public petition campaign is in progress."""
    return (
        campaign.kind == CampaignKind.PETITION.value
        and campaign.status == CampaignStatus.IN_PROGRESS.value
        and public_campaign_by_id(campaign.id) is not None
    )


def public_campaigns(locale: str, outcome: str | None = None, limit: int = 200) -> list[PublicCampaignPage]:
    """Public campaigns, those in progress first, then the completed ones, newest first."""
    query = select(Campaign).where(public_clause()).options(selectinload(Campaign.snapshots))
    if outcome:
        query = query.where(Campaign.outcome == outcome)
    rows = db.session.scalars(query.order_by(Campaign.id.desc()).limit(limit)).all()
    rows = sorted(rows, key=lambda c: c.status != CampaignStatus.IN_PROGRESS.value)
    return [project_campaign(c, locale) for c in rows]


@dataclass(frozen=True)
class UpdateSection:
    """One heading of a campaign update: victories, positive movement or ongoing, with its campaigns."""

    outcome: str
    label: str
    campaigns: tuple[PublicCampaignPage, ...]

    @property
    def supporters(self) -> int:
        return sum(c.supporter_count or 0 for c in self.campaigns)


def campaign_update(locale: str) -> list[UpdateSection]:
    """The campaign update: every public campaign under its outcome (victories first)."""
    everything = public_campaigns(locale)
    with force_locale(locale):
        return [
            UpdateSection(
                outcome=o.value,
                label=str(o.label),
                campaigns=tuple(c for c in everything if c.outcome == o.value),
            )
            for o in UPDATE_OUTCOMES
        ]


def sitemap_ids() -> list[int]:
    return list(db.session.scalars(select(Campaign.id).where(public_clause()).order_by(Campaign.id.desc())))
