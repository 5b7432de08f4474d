"""The verbs of petitions: sign (double opt-in), confirm, count, list, export, purge. Services flush; callers
commit. Signing never tells whether an email already signed: every valid form gets the same answer."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from casefiles.audit.services import record
from casefiles.campaigns.models import Campaign
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.mail.services import queue_message, render_message
from casefiles.petitions.models import PetitionSignature

UNCONFIRMED_DAYS = 7


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(
    campaign: Campaign,
    *,
    values: dict[str, Any],
    locale: str,
    confirm_url: Callable[[str], str],
    campaign_title: str,
) -> None:
    """Record an unconfirmed signature and queue its confirmation email. Signing again with an email that has not
    confirmed yet sends a fresh link (the details are updated); an email already confirmed changes nothing."""
    email = values["email"].strip().lower()
    token = secrets.token_urlsafe(32)
    existing = db.session.scalar(
        select(PetitionSignature).where(PetitionSignature.campaign_id == campaign.id, PetitionSignature.email == email)
    )
    if existing is not None and existing.confirmed_at is not None:
        return
    details = {
        "name": values["name"].strip(),
        "region": values["region"].strip(),
        "city": (values.get("city") or "").strip(),
        "comment": (values.get("comment") or "").strip(),
        "consent_updates": bool(values.get("consent_updates")),
        "listed": bool(values.get("listed")),
        "locale": locale if locale in ("en", "fr") else "en",
        "token_hash": token_hash(token),
    }
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(PetitionSignature(campaign_id=campaign.id, email=email, **details))
        except IntegrityError:  # the same email signing at the same moment: one row wins, the other is quiet
            return
    else:
        for key, value in details.items():
            setattr(existing, key, value)
        existing.created_at = utcnow()
    subject, text, html = render_message(
        "petition_confirm",
        details["locale"],
        name=details["name"],
        campaign_title=campaign_title,
        confirm_url=confirm_url(token),
        days=UNCONFIRMED_DAYS,
    )
    queue_message(to=email, subject=subject, text=text, html=html, kind="petition_confirm")
    db.session.flush()


def find_by_token(token: str) -> PetitionSignature | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(PetitionSignature).where(PetitionSignature.token_hash == token_hash(token)))


def confirm(token: str) -> PetitionSignature | None:
    """Confirm the signature of this link, once (compare-and-set): the signature then counts. None when the link is
    unknown, already used, or expired."""
    signature = find_by_token(token)
    if signature is None:
        return None
    result = db.session.execute(
        update(PetitionSignature)
        .where(PetitionSignature.id == signature.id, PetitionSignature.confirmed_at.is_(None))
        .values(confirmed_at=utcnow(), token_hash=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    db.session.refresh(signature)
    # No personal data in the history: which campaign gained a confirmed signature (public pages' counts move).
    record("petition.confirm", actor=None, object_type="campaign", object_id=signature.campaign_id)
    db.session.flush()
    return signature


def confirmed_count(campaign_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(PetitionSignature)
            .where(PetitionSignature.campaign_id == campaign_id, PetitionSignature.confirmed_at.is_not(None))
        )
        or 0
    )


def listed_signers(campaign_id: int, limit: int = 20) -> list[tuple[str, str]]:
    """(first name, city) of the latest confirmed signers who agreed to be listed; nothing else of them."""
    rows = db.session.scalars(
        select(PetitionSignature)
        .where(
            PetitionSignature.campaign_id == campaign_id,
            PetitionSignature.confirmed_at.is_not(None),
            PetitionSignature.listed.is_(True),
        )
        .order_by(PetitionSignature.confirmed_at.desc(), PetitionSignature.id.desc())
        .limit(limit)
    )
    return [(s.first_name, s.city) for s in rows]


EXPORT_COLUMNS = ("name", "email", "region", "city", "comment", "consent_updates", "confirmed_at")


def export_csv(campaign: Campaign, *, actor: Any) -> str:
    """The confirmed signatures, for delivery to the target; the export itself is audited."""
    rows = db.session.scalars(
        select(PetitionSignature)
        .where(PetitionSignature.campaign_id == campaign.id, PetitionSignature.confirmed_at.is_not(None))
        .order_by(PetitionSignature.confirmed_at, PetitionSignature.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for s in rows:
        values = [s.name, s.email, s.region, s.city, s.comment, "yes" if s.consent_updates else "no"]
        values.append(s.confirmed_at.isoformat() if s.confirmed_at else "")
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in values])
    record(
        "petition.export",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=campaign.title_en or campaign.title_fr,
        changes={"signatures": [None, len(rows)]},
    )
    db.session.flush()
    return out.getvalue()


def export_pdf(campaign: Campaign, *, actor: Any, locale: str) -> bytes:
    """The confirmed signatures as a PDF to hand to the target: the petition's title, asks and targets, the count
    and each signer's name, province or postal code, city, comment and date (never their email); audited. Rendered
    by the briefs' locked, time- and memory-bounded PDF renderer."""
    from flask import current_app, render_template
    from flask_babel import force_locale

    from casefiles.briefs.rendering import RenderLimits, asset_url, render_pdf
    from casefiles.records.twins import pick

    locale = locale if locale in ("en", "fr") else "en"
    rows = db.session.scalars(
        select(PetitionSignature)
        .where(PetitionSignature.campaign_id == campaign.id, PetitionSignature.confirmed_at.is_not(None))
        .order_by(PetitionSignature.confirmed_at, PetitionSignature.id)
    ).all()
    with force_locale(locale):
        title, title_language = pick(locale, campaign.title_en, campaign.title_fr)
        call, call_language = pick(locale, campaign.call_to_action_en, campaign.call_to_action_fr)
        html = render_template(
            "petitions/signatures_pdf.html",
            lang=locale,
            title=title,
            title_language=title_language,
            call=call,
            call_language=call_language,
            asks=[a for a in (campaign.asks or []) if a],
            targets=[t for t in (campaign.targets or []) if t],
            signatures=[
                {
                    "name": s.name,
                    "region": s.region,
                    "city": s.city,
                    "comment": s.comment,
                    "signed_on": s.confirmed_at.date() if s.confirmed_at else None,
                }
                for s in rows
            ],
            stylesheet=asset_url("brief.css"),
            org_name=current_app.config.get("ORGANIZATION_NAME", ""),
        )
    config = current_app.config
    pdf = render_pdf(
        html,
        RenderLimits(
            timeout=float(config.get("BRIEF_DOSSIER_TIMEOUT_SECONDS", 600)),
            memory_mb=int(config.get("BRIEF_DOSSIER_MEMORY_LIMIT_MB", 2048)),
        ),
    )
    record(
        "petition.export",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=campaign.title_en or campaign.title_fr,
        changes={"signatures": [None, len(rows)], "format": [None, "pdf"]},
    )
    db.session.flush()
    return pdf


def purge_unconfirmed(days: int = UNCONFIRMED_DAYS) -> int:
    """Delete signatures never confirmed within `days` days (their email and name go with them)."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        delete(PetitionSignature).where(PetitionSignature.confirmed_at.is_(None), PetitionSignature.created_at < cutoff)
    )
    if result.rowcount:
        record("petition.purge", actor=None, object_type="petition", changes={"deleted": [None, result.rowcount]})
    db.session.flush()
    return int(result.rowcount or 0)
