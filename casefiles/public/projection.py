"""The explicit public projection of a case: plain published values only, never an ORM object.

Every public surface (pages, feeds, sitemap, search results, JSON API, public PDF) is built from a PublicCase.
A field that is not copied here cannot leak, whatever a template or serializer does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from markupsafe import Markup

from casefiles.cases.models import Case
from casefiles.enums import InstitutionKind, Outcome, PersonCategory
from casefiles.markdown import render_markdown
from casefiles.public.case_records import (
    PublicGroup,
    PublicHarm,
    PublicProceeding,
    PublicSanction,
    public_group,
    public_harms,
    public_proceedings,
    public_sanctions,
)
from casefiles.records.twins import pick
from casefiles.regions import region_name


@dataclass(frozen=True)
class PublicPerson:
    """A person as their consent lets us show them: a name (or none at all) and a category."""

    name: str | None
    category: str
    category_label: str
    # A role or title ("nursing student") is shown only beside a name the person allows to be shown.
    role: str = ""


@dataclass(frozen=True)
class PublicInstitution:
    name: str
    kind: str
    kind_label: str
    region: str
    country: str


@dataclass(frozen=True)
class PublicEvent:
    """A timeline event marked public; the date keeps its precision (2023 / 2023-11 / 2023-11-14)."""

    date_iso: str
    date_display: str
    kind: str
    kind_label: str
    title: str
    description_html: Markup
    updated_at: datetime | None = None
    # The language each text is written in: a French page marks an English fallback lang="en".
    title_language: str = "en"
    description_language: str = "en"


@dataclass(frozen=True)
class PublicCorrection:
    """A visible note that a published fact changed."""

    created_at: datetime
    note: str


@dataclass(frozen=True)
class PublicDocument:
    """What the public may know of a document: plain values only (the last reviewed version of its file)."""

    title: str
    url: str
    kind_label: str = ""
    date_display: str = ""
    mime_label: str = ""
    size: int = 0


@dataclass(frozen=True)
class PublicCampaign:
    """A public campaign linked to the case (in progress or completed): its call to action, where to join, how
    many joined, and its page on our site."""

    title: str
    url: str
    call_to_action: str = ""
    supporter_count: int | None = None
    counted_on: date | None = None
    page_url: str = ""
    status: str = "in_progress"
    status_label: str = ""
    outcome_label: str = ""
    # The language each text is written in: a French page marks an English fallback lang="en".
    title_language: str = "en"
    call_to_action_language: str = "en"


@dataclass(frozen=True)
class PublicCase:
    """What anyone on the internet may read about a published case, in one language."""

    slug: str
    locale: str
    title: str
    people: tuple[PublicPerson, ...]
    categories: tuple[str, ...]
    category_labels: tuple[str, ...]
    institution: PublicInstitution | None
    outcome: str
    outcome_label: str
    summary_html: Markup
    summary_text: str
    events: tuple[PublicEvent, ...]
    published_at: datetime | None
    updated_at: datetime | None
    corrections: tuple[PublicCorrection, ...] = ()
    documents: tuple[PublicDocument, ...] = ()
    campaigns: tuple[PublicCampaign, ...] = ()
    featured: bool = False
    summary_language: str = "en"
    title_language: str = "en"
    harms: tuple[PublicHarm, ...] = ()
    proceedings: tuple[PublicProceeding, ...] = ()
    group: PublicGroup | None = None
    sanctions: tuple[PublicSanction, ...] = ()
    speech_html: Markup = Markup("")
    speech_language: str = "en"

    @property
    def display_names(self) -> tuple[str, ...]:
        """The names consent allows, in order; people without consent are left out entirely."""
        return tuple(p.name for p in self.people if p.name)

    def as_json(self) -> dict[str, Any]:
        """The JSON API form (plain values)."""
        data = asdict(self)
        data["summary_html"] = str(self.summary_html)
        data["events"] = [
            {k: (str(v) if k == "description_html" else v) for k, v in asdict(e).items() if k != "updated_at"}
            for e in self.events
        ]
        data["display_names"] = list(self.display_names)
        for key in ("published_at", "updated_at"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        data["corrections"] = [{"created_at": c.created_at.isoformat(), "note": c.note} for c in self.corrections]
        data["campaigns"] = [campaign_json(c) for c in self.campaigns]
        data["harms"] = [{k: str(v) if isinstance(v, Markup) else v for k, v in asdict(h).items()} for h in self.harms]
        data["speech_html"] = str(self.speech_html)
        data["sanctions"] = [
            {k: str(v) if isinstance(v, Markup) else v for k, v in asdict(s).items()} for s in self.sanctions
        ]
        data["proceedings"] = [
            {k: str(v) if isinstance(v, Markup) else v for k, v in asdict(p).items()} for p in self.proceedings
        ]
        return data


def campaign_json(campaign: PublicCampaign) -> dict[str, Any]:
    data = asdict(campaign)
    data["counted_on"] = campaign.counted_on.isoformat() if campaign.counted_on else None
    return data


def is_public(case: Case) -> bool:
    """Published, with a slug, and not archived: only then does a case exist for the public."""
    return bool(case.published and case.public_slug and case.archived_at is None)


def _plain_text(html: str) -> str:
    """Markup stripped to text for feeds' summaries and OpenGraph descriptions."""
    import nh3

    return " ".join(nh3.clean(html, tags=set()).split())


def _corrections_by_case(case_ids: list[int], locale: str) -> dict[int, tuple[PublicCorrection, ...]]:
    """Correction notes of these cases in one query, oldest first."""
    from sqlalchemy import select

    from casefiles.extensions import db
    from casefiles.public.models import CaseCorrection

    found: dict[int, list[PublicCorrection]] = {i: [] for i in case_ids}
    if case_ids:
        rows = db.session.scalars(
            select(CaseCorrection)
            .where(CaseCorrection.case_id.in_(case_ids))
            .order_by(CaseCorrection.created_at, CaseCorrection.id)
        )
        for r in rows:
            found[r.case_id].append(PublicCorrection(_aware(r.created_at), pick(locale, r.note, r.note_fr)[0]))
    return {k: tuple(v) for k, v in found.items()}


def build_public_cases(cases: list[Case], locale: str) -> list[PublicCase | None]:
    """public_case for many cases at once (one query for all their correction notes)."""
    ids = [c.id for c in cases if is_public(c)]
    corrections = _corrections_by_case(ids, locale)
    campaigns = _campaigns_by_case(ids, locale)
    return [
        project(c, locale, corrections=corrections.get(c.id, ()), campaigns=campaigns.get(c.id, ()))
        if is_public(c)
        else None
        for c in cases
    ]


def _safe_url(url: str) -> str:
    """Only plain web links leave our site."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def public_campaign(campaign: Any, locale: str) -> PublicCampaign:
    """The public face of a campaign in progress or completed (a completed one has nothing left to join)."""
    from flask import url_for

    from casefiles.campaigns.models import CampaignStatus
    from casefiles.campaigns.services import latest_count

    with force_locale(locale):
        counted = latest_count(campaign)
        running = campaign.status == CampaignStatus.IN_PROGRESS.value
        title, title_language = pick(locale, campaign.title, campaign.title_fr)
        call_to_action, call_to_action_language = pick(locale, campaign.call_to_action, campaign.call_to_action_fr)
        return PublicCampaign(
            title=title,
            title_language=title_language,
            call_to_action_language=call_to_action_language,
            url=_safe_url(campaign.external_url) if running else "",
            call_to_action=call_to_action if running else "",
            supporter_count=counted[0] if counted else None,
            counted_on=counted[1] if counted else None,
            page_url=url_for("public_campaigns.campaign", campaign_id=campaign.id),
            status=campaign.status_enum.value,
            status_label=str(campaign.status_enum.label),
            outcome_label=str(campaign.outcome_enum.label),
        )


def _campaigns_by_case(case_ids: list[int], locale: str) -> dict[int, tuple[PublicCampaign, ...]]:
    """Campaigns in progress or completed linked to these cases (a planned or cancelled one is not public)."""
    try:
        from sqlalchemy import select

        from casefiles.campaigns.models import Campaign, CampaignStatus, case_campaigns
        from casefiles.extensions import db
    except ImportError:  # campaigns not installed
        return {}
    found: dict[int, list[PublicCampaign]] = {}
    if case_ids:
        rows = db.session.execute(
            select(case_campaigns.c.case_id, Campaign)
            .join(Campaign, Campaign.id == case_campaigns.c.campaign_id)
            .where(
                case_campaigns.c.case_id.in_(case_ids),
                Campaign.status.in_((CampaignStatus.IN_PROGRESS.value, CampaignStatus.COMPLETED.value)),
            )
            .order_by(Campaign.status != CampaignStatus.IN_PROGRESS.value, Campaign.id.desc())
        ).all()
        for case_id, campaign in rows:
            found.setdefault(case_id, []).append(public_campaign(campaign, locale))
    return {k: tuple(v) for k, v in found.items()}


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: they are stored in UTC."""
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _public_documents(case: Case) -> tuple[PublicDocument, ...]:
    """The public documents of the case (each at its last reviewed version), newest first."""
    from flask import url_for
    from sqlalchemy import select

    from casefiles.documents.detection import TYPE_LABELS
    from casefiles.documents.models import Document, Visibility
    from casefiles.extensions import db

    if case.id is None:
        return ()
    rows = db.session.scalars(
        select(Document)
        .where(Document.case_id == case.id, Document.visibility == Visibility.PUBLIC.value)
        .order_by(Document.date.desc().nulls_last(), Document.id)
    )
    found = []
    for document in rows:
        current = document.public_version
        if current is None:
            continue
        when = document.when
        found.append(
            PublicDocument(
                title=document.title,
                url=url_for("documents.public_download", token=document.public_token),
                kind_label=document.kind_enum.label,
                date_display=when.display() if when else "",
                mime_label=str(TYPE_LABELS.get(current.mime_type, "")),
                size=current.public_size if current.public_key else current.size,
            )
        )
    return tuple(found)


def _public_event(event: Any, locale: str) -> PublicEvent:
    """A public event in this language (each text falls back to English on its own)."""
    title, title_lang = pick(locale, event.title, event.title_fr)
    description, description_lang = pick(locale, event.description, event.description_fr)
    return PublicEvent(
        date_iso=event.when.iso(),
        date_display=event.when.display(),
        kind=event.kind,
        kind_label=event.kind_enum.label,
        title=title,
        description_html=render_markdown(description),
        updated_at=_aware(event.updated_at),
        title_language=title_lang,
        description_language=description_lang,
    )


def public_institution(inst: Any, locale: str) -> PublicInstitution:
    """What the public may know of an institution, in this language."""
    with force_locale(locale):
        return PublicInstitution(
            name=pick(locale, inst.name, inst.name_fr)[0],
            kind=inst.kind,
            kind_label=InstitutionKind(inst.kind).label,
            region=region_name(inst.region, locale),
            country=inst.country,
        )


def public_case(case: Case, locale: str) -> PublicCase | None:
    """The public projection of a case in this language, or None when the case is not public."""
    if not is_public(case):
        return None
    return project(case, locale)


def project(
    case: Case,
    locale: str,
    slug: str | None = None,
    corrections: tuple[PublicCorrection, ...] | None = None,
    campaigns: tuple[PublicCampaign, ...] | None = None,
) -> PublicCase:
    """Build the projection whatever the publication state (the reviewer's preview); public code uses public_case."""
    locale = locale if locale in ("en", "fr") else "en"
    with force_locale(locale):
        people = tuple(
            PublicPerson(
                name=p.public_name,
                category=p.category,
                category_label=PersonCategory(p.category).label,
                role=(p.role_title or "") if p.public_name else "",
            )
            for p in case.people
        )
        categories = tuple(dict.fromkeys(p.category for p in people))
        institution = public_institution(case.institution, locale) if case.institution is not None else None
        public_events = [e for e in case.events if e.is_public]
        public_events.sort(key=lambda e: (e.date, e.id))
        events = tuple(_public_event(e, locale) for e in public_events)
        title, title_lang = pick(locale, case.title, case.title_fr)
        summary, summary_lang = pick(locale, case.public_summary, case.public_summary_fr)
        summary_html = render_markdown(summary)
        speech, speech_lang = pick(locale, case.speech_public, case.speech_public_fr)
        if corrections is None:
            corrections = _corrections_by_case([case.id], locale)[case.id]
        if campaigns is None:
            campaigns = _campaigns_by_case([case.id], locale).get(case.id, ())
        stamps = [
            _aware(case.published_at),
            _aware(case.public_updated_at),
            *(e.updated_at for e in events),
            *(_aware(c.created_at) for c in corrections),
        ]
        stamps = [s for s in stamps if s is not None]
        return PublicCase(
            slug=slug or case.public_slug or "",
            locale=locale,
            title=title,
            people=people,
            categories=categories,
            category_labels=tuple(PersonCategory(c).label for c in categories),
            institution=institution,
            outcome=case.outcome,
            outcome_label=Outcome(case.outcome).label,
            summary_html=summary_html,
            summary_text=_plain_text(str(summary_html)),
            events=events,
            published_at=_aware(case.published_at),
            updated_at=max(stamps) if stamps else None,
            corrections=corrections,
            documents=_public_documents(case),
            campaigns=campaigns,
            featured=bool(case.featured),
            summary_language=summary_lang,
            title_language=title_lang,
            harms=public_harms(case, lambda en, fr: pick(locale, en, fr)),
            proceedings=public_proceedings(case, lambda en, fr: pick(locale, en, fr)),
            group=public_group(case, lambda en, fr: pick(locale, en, fr)),
            sanctions=public_sanctions(case, lambda en, fr: pick(locale, en, fr)),
            speech_html=render_markdown(speech),
            speech_language=speech_lang,
        )


__all__ = [
    "PublicCampaign",
    "PublicCase",
    "PublicCorrection",
    "PublicDocument",
    "PublicEvent",
    "PublicInstitution",
    "PublicPerson",
    "field",
    "is_public",
    "public_case",
]
