"""Plain-value contexts for PDF templates: the legal brief reads the case, the public brief only the projection.

Templates never receive an ORM object. Each builder must be called inside ``force_locale(language)`` so labels,
dates and numbers come out in the brief's language.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from casefiles.briefs.texts import (  # noqa: F401 (the briefs' text helpers, used here and by templates)
    Text,
    _clip,
    display_date,
    lang_marker,
    local_lines,
    local_markdown,
    local_text,
)
from casefiles.briefs.typography import french_html, french_text
from casefiles.cases.models import Case
from casefiles.markdown import render_markdown
from casefiles.records.twins import pick
from casefiles.regions import region_name

ONE_PAGER_LEVELS = (
    # (summary characters, events, asks, sanctions)
    (1400, 6, 6, 4),
    (800, 3, 4, 3),
    (400, 0, 3, 2),
    (200, 0, 2, 1),
)


# A campaign is public once it starts, and stays public when it is over (a victory is what supporters share).
PUBLIC_CAMPAIGN_STATUSES = ("in_progress", "completed")


def number(value: int | None) -> str:
    """12000 -> '12,000' in English, '12 000' in French."""
    return format_decimal(value or 0)


def organization(language: str = "en") -> dict[str, Any]:
    """Name (in the brief's language), contact block, logo (a data: URL, or the bundled one) and page size."""
    from casefiles.briefs.organization import details

    config = current_app.config
    org = details()
    logo = org.logo or _logo_data_url(config.get("ORGANIZATION_LOGO"))
    contact_lines = [line.strip() for line in org.address.splitlines() if line.strip()]
    return {
        "name": org.name(language),
        "name_lang": org.name_language(language),
        "contact": " · ".join(contact_lines + [x for x in (org.phone, org.email, org.website) if x]),
        "address": contact_lines,
        "phone": org.phone,
        "email": org.email,
        "website": org.website,
        "logo": logo or "casefiles-pdf:logo.svg",
        "page_size": "A4" if org.page_size == "a4" else "letter",
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


def campaigns_for(case: Case, language: str = "en", public_only: bool = False) -> list[dict[str, Any]]:
    """The case's linked campaigns (only public ones if asked) with their latest count, in the brief's language."""
    try:
        from casefiles.campaigns import services as campaign_services
    except ImportError:  # pragma: no cover - campaigns not installed
        return []
    items = []
    for campaign in campaign_services.campaigns_for_case(case):
        if public_only and campaign.status_enum.value not in PUBLIC_CAMPAIGN_STATUSES:
            continue
        latest = campaign_services.latest_count(campaign)
        items.append(
            {
                "title": local_text(language, campaign.title_en, campaign.title_fr),
                "kind": campaign.kind_enum.label,
                "status": campaign.status_enum.label,
                "status_value": campaign.status_enum.value,
                "call_to_action": local_text(language, campaign.call_to_action_en, campaign.call_to_action_fr),
                "asks": local_lines(language, campaign.asks, campaign.asks_fr),
                "targets": local_lines(language, campaign.targets, campaign.targets_fr),
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


def legal_context(case: Case, language: str = "en") -> dict[str, Any]:
    """Everything on the case file, private notes included: for counsel, never for publication."""
    from casefiles.briefs.case_records import legal_records

    return {
        "reference": case.reference,
        "title": local_text(language, case.title, case.title_fr),
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
        "institution": _institution(case, language),
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
                "title": local_text(language, e.title, e.title_fr),
                "description": local_markdown(language, e.description, e.description_fr),
                "public": e.is_public,
            }
            for e in case.events
        ],
        "summary": local_markdown(language, case.public_summary, case.public_summary_fr),
        "private_notes": render_markdown(case.private_notes),
        "tags": [t.name for t in case.tags],
        "assignees": [u.display_name for u in case.assignees],
        "documents": documents_for(case),
        "campaigns": campaigns_for(case, language),
        "opened": display_date(case.created_at) if case.created_at else "",
        **legal_records(case, language),
    }


def _institution(case: Case, language: str = "en") -> dict[str, Any] | None:
    inst = case.institution
    if inst is None:
        return None
    return {
        "name": local_text(language, inst.name, inst.name_fr),
        "kind": inst.kind_enum.label,
        "region": region_name(inst.region, language),
        "country": inst.country,
    }


def public_url(slug: str, language: str = "en") -> str:
    """The public case page in the brief's language, absolute (for the QR code and the printed link)."""
    language = language if language in ("en", "fr") else "en"
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return f"{base.rstrip('/')}/{language}/cases/{slug}"
    return url_for("public.case", slug=slug, lang=language, _external=True)


def qr_data_url(url: str) -> str:
    """A QR code of the URL as a PNG data: URL (no file, no request)."""
    import segno

    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def _typeset(value: str | Markup, lang: str) -> Text:
    """A projection text with the typography of its own language."""
    if isinstance(value, Markup):
        return Text(Markup(french_html(str(value))) if lang == "fr" else value, lang)  # noqa: S704 - sanitised
    return Text(french_text(value) if lang == "fr" else value, lang)


def public_campaigns(case: Case, language: str) -> list[dict[str, Any]]:
    """The case's public campaigns (under way or completed; never a planned or cancelled one).

    Only a campaign's outward-facing fields are read (title, call to action, asks, targets, link, supporter
    count), all declared public; nothing of the case itself.
    """
    return [
        {
            "title": c["title"],
            "call_to_action": c["call_to_action"],
            "asks": c["asks"],
            "targets": c["targets"],
            "url": c["url"],
            "supporters": c["supporters"],
            "supporters_raw": c["supporters_raw"],
            "as_of": c["as_of"],
            "status": c["status"],
        }
        for c in campaigns_for(case, language, public_only=True)
    ]


def public_context(case: Case, language: str) -> dict[str, Any] | None:
    """The public brief's values, copied from the public projection only (None when the case is not public)."""
    from casefiles.public.projection import public_case

    pub = public_case(case, language)
    if pub is None:
        return None
    url = public_url(pub.slug, language)
    return {
        "title": _typeset(pub.title, pub.title_language),
        "names": list(pub.display_names),
        "categories": list(pub.category_labels),
        "institution": (
            {"name": pub.institution.name, "kind": pub.institution.kind_label, "region": pub.institution.region}
            if pub.institution
            else None
        ),
        "outcome": pub.outcome_label,
        "summary": _typeset(pub.summary_html, pub.summary_language),
        "speech": _typeset(pub.speech_html, pub.speech_language) if pub.speech_html else "",
        "sanctions": [
            {
                "kind": s.kind_label,
                "when": s.date,
                "institution": _typeset(s.institution, s.institution_language) if s.institution else "",
                "outcome": s.outcome_label,
                "outcome_date": s.outcome_date,
                "description": _typeset(s.description_html, s.description_language) if s.description_html else "",
            }
            for s in pub.sanctions
        ],
        "events": [
            {
                "when": e.date_display,
                "kind": e.kind_label,
                "title": _typeset(e.title, e.title_language),
                "description": _typeset(e.description_html, e.description_language),
            }
            for e in pub.events
        ],
        "documents": [{"title": d.title, "url": d.url} for d in pub.documents],
        "campaigns": public_campaigns(case, language),
        "corrections": [{"when": display_date(c.created_at), "note": c.note} for c in pub.corrections],
        "url": url,
        "qr": qr_data_url(url),
        "published": display_date(pub.published_at) if pub.published_at else "",
    }


def one_pager_context(case: Case, level: int = 0, language: str = "en") -> dict[str, Any]:
    """Key facts, what happened, what we ask, supporters, the QR code: condensed to fit one page at this level.

    Only public values: public names, public events, public campaigns. A case that is not published (or whose
    publication was withdrawn) gets the one-pager only as an internal draft, without the QR code.
    """
    from casefiles.public.projection import is_public

    summary_chars, event_count, ask_count, sanction_count = ONE_PAGER_LEVELS[level]
    names = [p.public_name for p in case.people if p.public_name]
    who = _clip(", ".join(names), 300) if names else ""
    categories = list(dict.fromkeys(p.category_enum.label for p in case.people))
    summary_value, summary_lang = pick(language, case.public_summary, case.public_summary_fr)
    summary_text = " ".join(_plain(str(render_markdown(summary_value))).split())
    if len(summary_text) > summary_chars:
        summary_text = summary_text[: summary_chars - 1].rsplit(" ", 1)[0] + "…"
    public_events = sorted((e for e in case.events if e.is_public), key=lambda e: (e.date, e.id))
    recent = public_events[-event_count:] if event_count else []
    campaigns = public_campaigns(case, language)
    asks: list[Text] = []
    targets: list[Text] = []
    for campaign in campaigns:
        for ask in campaign["asks"]:
            if str(ask) not in {str(a) for a in asks}:
                asks.append(Text(_clip(str(ask), 220), ask.lang))
        for target in campaign["targets"]:
            if str(target) not in {str(t) for t in targets}:
                targets.append(Text(_clip(str(target), 120), target.lang))
    supporters = [c for c in campaigns if c["supporters_raw"]]
    published = is_public(case)
    url = public_url(case.public_slug, language) if published else ""
    return {
        "title": local_text(language, case.title, case.title_fr),
        "who": who,
        "categories": categories,
        "institution": _institution(case, language),
        "summary": Text(french_text(summary_text) if summary_lang == "fr" else summary_text, summary_lang),
        "sanctions": [
            {"type": s.type_enum.label, "imposed_by": s.imposed_by, "when": display_date(s.when) if s.when else ""}
            for s in case.sanctions[:sanction_count]
        ],
        "events": [
            {"when": display_date(e.when), "title": local_text(language, e.title, e.title_fr, clip=140)} for e in recent
        ],
        "more_events": len(public_events) - len(recent),
        "asks": asks[:ask_count],
        "targets": targets[: max(ask_count, 2)],
        "campaigns": [
            {
                "title": Text(_clip(str(c["title"]), 120), c["title"].lang),
                "supporters": c["supporters"],
                "as_of": c["as_of"],
            }
            for c in supporters[:3]
        ],
        "outcome": case.outcome_enum.label,
        "status": case.status_enum.label,
        "draft": not published,
        "url": url,
        "qr": qr_data_url(url) if url else "",
    }


def _plain(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=set())


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
        "org": css_string(organization(str(get_locale() or "en"))["name"]),
    }
