"""Plain-value contexts for PDF templates: the legal brief reads the case, the public brief only the projection.

Templates never receive an ORM object. Each builder must be called inside ``force_locale(language)`` so labels,
dates and numbers come out in the brief's language.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from casefiles.cases.models import Case
from casefiles.markdown import render_markdown

ONE_PAGER_LEVELS = (
    # (summary characters, events, asks, sanctions)
    (1400, 6, 6, 4),
    (800, 3, 4, 3),
    (400, 0, 3, 2),
    (200, 0, 2, 1),
)


def display_date(value: Any) -> str:
    """A date, a partial date or a datetime in the current locale."""
    from casefiles.web import display_date as _display

    return _display(value)


def number(value: int | None) -> str:
    """12000 -> '12,000' in English, '12 000' in French."""
    return format_decimal(value or 0)


def organization() -> dict[str, Any]:
    """Name, contact and logo (a data: URL, or the bundled placeholder) from settings."""
    config = current_app.config
    logo = _logo_data_url(config.get("ORGANIZATION_LOGO"))
    return {
        "name": config.get("ORGANIZATION_NAME") or "Casefiles",
        "contact": config.get("ORGANIZATION_CONTACT") or "",
        "logo": logo or "casefiles-pdf:logo.svg",
    }


def _logo_data_url(path: str | None) -> str | None:
    """An administrator's logo file inlined as data: (the renderer itself never opens local files)."""
    if not path:
        return None
    file = Path(path)
    types = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    if file.suffix.lower() not in types or not file.is_file() or file.stat().st_size > 2_000_000:
        return None
    return f"data:{types[file.suffix.lower()]};base64,{base64.b64encode(file.read_bytes()).decode()}"


# -- optional domains: campaigns (issue 3) and documents (issue 4) ---------------------------------------


def campaigns_for(case: Case) -> list[dict[str, Any]]:
    """The case's linked campaigns with their latest supporter count, when campaigns exist."""
    try:
        from casefiles.campaigns import services as campaign_services
    except ImportError:  # pragma: no cover - campaigns not installed
        return []
    items = []
    for campaign in campaign_services.campaigns_for_case(case):
        latest = campaign_services.latest_count(campaign)
        items.append(
            {
                "title": campaign.title,
                "kind": campaign.kind_enum.label,
                "status": campaign.status_enum.label,
                "status_value": campaign.status_enum.value,
                "call_to_action": campaign.call_to_action,
                "asks": [a for a in (campaign.asks or []) if str(a).strip()],
                "targets": list(campaign.targets or []),
                "url": campaign.external_url,
                "supporters": number(latest[0]) if latest else None,
                "supporters_raw": latest[0] if latest else None,
                "as_of": display_date(latest[1]) if latest else "",
            }
        )
    return items


def documents_for(case: Case) -> list[dict[str, Any]]:
    """The case's documents (title, date, SHA-256 of the current version), when documents exist."""
    from casefiles.extensions import db

    if "documents" not in db.metadata.tables:  # documents not installed: never import unregistered models
        return []
    try:
        from casefiles.documents.services import case_documents
    except ImportError:  # pragma: no cover
        return []
    items = []
    for doc in case_documents(case):
        current = getattr(doc, "current", None)
        when = getattr(doc, "when", None) or getattr(current, "uploaded_at", None)
        items.append(
            {
                "title": getattr(doc, "title", "") or getattr(current, "original_filename", ""),
                "date": display_date(when) if when else "",
                "sha256": getattr(current, "sha256", "") or "",
                "public": bool(getattr(doc, "is_public", False)),
            }
        )
    return items


# -- the three briefs ---------------------------------------------------------------------------------------


def legal_context(case: Case) -> dict[str, Any]:
    """Everything on the case file, private notes included: for counsel, never for publication."""
    return {
        "reference": case.reference,
        "title": case.title,
        "status": case.status_enum.label,
        "outcome": case.outcome_enum.label,
        "priority": case.priority_enum.label,
        "people": [
            {
                "name": p.legal_name,
                "pronouns": p.pronouns,
                "category": p.category_enum.label,
                "public_name": p.public_name or "",
                "consent": p.consent_enum.label,
                "email": p.contact_email,
                "phone": p.contact_phone,
                "notes": p.contact_notes,
            }
            for p in case.people
        ],
        "institution": _institution(case),
        "speech": {
            "text": case.speech_text,
            "platform": case.speech_platform,
            "url": case.speech_url,
            "when": display_date(case.speech_when) if case.speech_when else "",
        },
        "sanctions": [
            {
                "type": s.type_enum.label,
                "imposed_by": s.imposed_by,
                "when": display_date(s.when) if s.when else "",
                "duration": s.duration,
                "appeal_deadline": display_date(s.appeal_deadline) if s.appeal_deadline else "",
                "notes": s.notes,
            }
            for s in case.sanctions
        ],
        "tasks": [
            {
                "title": t.display_title,
                "due": display_date(t.due_date),
                "done": t.done,
                "owner": t.owner.display_name if t.owner else "",
                "appeal": t.is_appeal_deadline,
            }
            for t in case.tasks
        ],
        "events": [
            {
                "when": display_date(e.when),
                "kind": e.kind_enum.label,
                "title": e.title,
                "description": render_markdown(e.description),
                "public": e.is_public,
            }
            for e in case.events
        ],
        "summary": render_markdown(case.public_summary),
        "private_notes": render_markdown(case.private_notes),
        "tags": [t.name for t in case.tags],
        "assignees": [u.display_name for u in case.assignees],
        "documents": documents_for(case),
        "campaigns": campaigns_for(case),
        "opened": display_date(case.created_at.date()) if case.created_at else "",
    }


def _institution(case: Case) -> dict[str, str] | None:
    inst = case.institution
    if inst is None:
        return None
    return {"name": inst.name, "kind": inst.kind_enum.label, "region": inst.region, "country": inst.country}


def public_url(slug: str) -> str:
    """The public case page, absolute (for the QR code)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return f"{base.rstrip('/')}/cases/{slug}"
    return url_for("public.case", slug=slug, _external=True)


def qr_data_url(url: str) -> str:
    """A QR code of the URL as a PNG data: URL (no file, no request)."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def public_context(case: Case, language: str) -> dict[str, Any] | None:
    """The public brief's values, copied from the public projection only (None when the case is not public)."""
    from casefiles.public.projection import public_case

    pub = public_case(case, language)
    if pub is None:
        return None
    url = public_url(pub.slug)
    campaigns = [
        {"title": c.title, "call_to_action": c.call_to_action, "url": c.url, "supporters": c.supporter_count}
        for c in pub.campaigns
    ] or running_campaigns(case)
    return {
        "title": pub.title,
        "names": list(pub.display_names),
        "categories": list(pub.category_labels),
        "institution": (
            {"name": pub.institution.name, "kind": pub.institution.kind_label, "region": pub.institution.region}
            if pub.institution
            else None
        ),
        "outcome": pub.outcome_label,
        "summary": pub.summary_html,
        "events": [
            {"when": e.date_display, "kind": e.kind_label, "title": e.title, "description": e.description_html}
            for e in pub.events
        ],
        "documents": [{"title": d.title, "url": d.url} for d in pub.documents],
        "campaigns": campaigns,
        "corrections": [{"when": format_date(c.created_at, "long"), "note": c.note} for c in pub.corrections],
        "url": url,
        "qr": qr_data_url(url),
        "published": format_date(pub.published_at, "long") if pub.published_at else "",
    }


def running_campaigns(case: Case) -> list[dict[str, Any]]:
    """Until the projection carries campaigns: the call to action of linked campaigns under way.

    Only a campaign's outward-facing fields (title, call to action, link, supporter count) are read, and only
    for campaigns in progress; nothing of the case itself.
    """
    return [
        {"title": c["title"], "call_to_action": c["call_to_action"], "url": c["url"], "supporters": c["supporters_raw"]}
        for c in campaigns_for(case)
        if c["status_value"] == "in_progress"
    ]


def one_pager_context(case: Case, level: int = 0) -> dict[str, Any]:
    """Who, what happened, what we ask, supporter numbers: condensed to fit one page at this level."""
    summary_chars, event_count, ask_count, sanction_count = ONE_PAGER_LEVELS[level]
    names = [p.public_name for p in case.people if p.public_name]
    who = _clip(", ".join(names), 300) if names else ""
    categories = list(dict.fromkeys(p.category_enum.label for p in case.people))
    summary_text = " ".join(_plain(str(render_markdown(case.public_summary))).split())
    if len(summary_text) > summary_chars:
        summary_text = summary_text[: summary_chars - 1].rsplit(" ", 1)[0] + "…"
    public_events = [e for e in case.events if e.is_public]
    recent = public_events[-event_count:] if event_count else []
    campaigns = campaigns_for(case)
    asks: list[str] = []
    for campaign in campaigns:
        for ask in campaign["asks"]:
            if ask not in asks:
                asks.append(_clip(str(ask), 220))
    supporters = [c for c in campaigns if c["supporters_raw"]]
    return {
        "title": case.title,
        "who": who,
        "categories": categories,
        "institution": _institution(case),
        "summary": summary_text,
        "sanctions": [
            {"type": s.type_enum.label, "imposed_by": s.imposed_by, "when": display_date(s.when) if s.when else ""}
            for s in case.sanctions[:sanction_count]
        ],
        "events": [{"when": display_date(e.when), "title": _clip(e.title, 140)} for e in recent],
        "more_events": len(public_events) - len(recent),
        "asks": asks[:ask_count],
        "campaigns": [
            {"title": _clip(c["title"], 120), "supporters": c["supporters"], "as_of": c["as_of"]}
            for c in supporters[:3]
        ],
        "outcome": case.outcome_enum.label,
    }


def _plain(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=set())


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_counter_css(template: str) -> Markup:
    """A translated 'Page %(page)s of %(pages)s' as CSS content with counters (translations, never user text)."""
    parts = []
    rest = template
    while rest:
        positions = [(rest.find(key), key) for key in ("%(page)s", "%(pages)s") if key in rest]
        if not positions:
            parts.append(_css_string(rest))
            break
        index, key = min(positions)
        if index:
            parts.append(_css_string(rest[:index]))
        parts.append("counter(page)" if key == "%(page)s" else "counter(pages)")
        rest = rest[index + len(key) :]
    return Markup(" ".join(parts))  # noqa: S704 - built from a translation catalog string, escaped below


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return f'"{escaped}"'


def css_string(text: str) -> Markup:
    """A translated label as a quoted CSS string."""
    return Markup(_css_string(str(text)))  # noqa: S704 - escaped for CSS; used for translated labels only


def labels() -> dict[str, Markup]:
    """Translated strings used in page margins."""
    return {
        "page_of": page_counter_css(_("Page %(page)s of %(pages)s")),
        "confidential": css_string(_("Confidential")),
        "org": css_string(current_app.config.get("ORGANIZATION_NAME") or "Casefiles"),
    }
