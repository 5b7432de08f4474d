"""The verbs of following: ask to follow (double opt-in), confirm, unsubscribe, and send the digests.

What a follower hears about is what the public page shows, nothing else: the digest compares the public projection
(PublicCase, PublicCampaignPage) with the one the follower was last told about, so a private edit, a pending
revision or a private event can never produce a digest. Services flush; callers commit. Asking to follow never
tells whether an address already follows: every valid form gets the same answer.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, format_date, format_number, get_translations
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from casefiles.audit.services import record
from casefiles.cases.models import Case
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.followers.models import Follow
from casefiles.mail.services import queue_message, render_message

CASE = "case"
CAMPAIGN = "campaign"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def target_key(kind: str, target_id: int) -> str:
    return f"{kind}:{int(target_id)}"


# -- what the public sees of a followed case or campaign ------------------------------------------------------


@dataclass
class PublicState:
    """The public page of a followed case or campaign, reduced to what a digest tells: its title, its address, a
    fingerprint of every published value a reader would notice, and its dated items (timeline entries,
    corrections...) by a stable key."""

    title: str
    url: str
    fingerprint: str
    items: dict[str, str] = field(default_factory=dict)


def _fingerprint(values: Any) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _item_key(prefix: str, *parts: Any) -> str:
    return prefix + ":" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]


def published_case(case_id: int) -> Case | None:
    from casefiles.public.queries import published_clause

    if case_id < 1 or case_id > 2**31 - 1:
        return None
    return db.session.scalar(select(Case).where(Case.id == case_id, published_clause()))


def case_state(case: Case, locale: str) -> PublicState | None:
    """The published case as its public page shows it (None once it is no longer public)."""
    from casefiles.public.queries import cached_public_case

    projection = cached_public_case(case, locale)
    if projection is None:
        return None
    items: dict[str, str] = {}
    for event in projection.events:
        text = f"{event.date_display} — {event.title}" if event.date_display else event.title
        items[_item_key("event", event.date_iso, event.title, str(event.description_html))] = text
    for correction in projection.corrections:
        items[_item_key("correction", correction.created_at.isoformat(), correction.note)] = correction.note
    values = {
        "title": projection.title,
        "outcome": projection.outcome,
        "summary": projection.summary_text,
        "people": [(p.name, p.category) for p in projection.people],
        "institution": projection.institution.name if projection.institution else None,
        "documents": [d.title for d in projection.documents],
        "items": sorted(items),
    }
    return PublicState(
        title=projection.title,
        url=url_for("public.case", slug=projection.slug, lang=locale, _external=True),
        fingerprint=_fingerprint(values),
        items=items,
    )


def campaign_state(campaign: Any, locale: str) -> PublicState | None:
    """The public campaign as its page shows it; the live count of signatures is left out (a digest per signature
    would be noise), the dated counts staff publish are in."""
    from casefiles.public.campaigns import project_campaign, public_campaign_by_id

    if public_campaign_by_id(campaign.id) is None:
        return None
    page = project_campaign(campaign, locale)
    items: dict[str, str] = {}
    with force_locale(locale):
        items[_item_key("status", page.status, page.outcome)] = f"{page.status_label} · {page.outcome_label}"
        for case in page.cases:
            items[_item_key("case", case.slug)] = case.title
        if page.series:
            day, count = page.series[-1]
            text = get_translations().ungettext("%(num)s supporter", "%(num)s supporters", count)
            items[_item_key("count", day.isoformat(), count)] = (
                text % {"num": format_number(count)} + f" ({format_date(day, 'long')})"
            )
    values = {
        "title": page.title,
        "description": str(page.description_html),
        "call": page.call_to_action,
        "targets": list(page.targets),
        "asks": list(page.asks),
        "items": sorted(items),
    }
    return PublicState(
        title=page.title,
        url=url_for("public_campaigns.campaign", campaign_id=page.id, lang=locale, _external=True),
        fingerprint=_fingerprint(values),
        items=items,
    )


def state_of(follow: Follow) -> PublicState | None:
    from casefiles.campaigns.models import Campaign

    if follow.case_id is not None:
        case = published_case(follow.case_id)
        return case_state(case, follow.locale) if case is not None else None
    campaign = db.session.get(Campaign, follow.campaign_id) if follow.campaign_id is not None else None
    return campaign_state(campaign, follow.locale) if campaign is not None else None


# -- following ------------------------------------------------------------------------------------------------


def request_follow(
    *,
    kind: str,
    target_id: int,
    email: str,
    locale: str,
    title: str,
    confirm_url: Callable[[str], str],
) -> None:
    """Record an unconfirmed follow and queue its confirmation email. Asking again before confirming sends a fresh
    link; an address that already follows changes nothing (and hears nothing)."""
    email = email.strip().lower()
    locale = locale if locale in ("en", "fr") else "en"
    target = target_key(kind, target_id)
    token = secrets.token_urlsafe(32)
    existing = db.session.scalar(select(Follow).where(Follow.target == target, Follow.email == email))
    if existing is not None and existing.confirmed_at is not None:
        return
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    Follow(
                        target=target,
                        case_id=target_id if kind == CASE else None,
                        campaign_id=target_id if kind == CAMPAIGN else None,
                        email=email,
                        locale=locale,
                        token_hash=token_hash(token),
                        fingerprint="",
                        seen=[],
                    )
                )
        except IntegrityError:  # the same address at the same moment: one row wins, the other is quiet
            return
    else:
        existing.token_hash = token_hash(token)
        existing.locale = locale
        existing.created_at = utcnow()
    subject, text, html = render_message("follow_confirm", locale, title=title, confirm_url=confirm_url(token))
    queue_message(to=email, subject=subject, text=text, html=html, kind="follow_confirm")
    db.session.flush()


def find_by_token(token: str) -> Follow | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Follow).where(Follow.token_hash == token_hash(token)))


def confirm(token: str) -> Follow | None:
    """Confirm the follow of this link, once (compare-and-set). From now on, the follower hears of what changes
    publicly; what the page shows today is taken as already known."""
    follow = find_by_token(token)
    if follow is None:
        return None
    state = state_of(follow)
    if state is None:
        return None
    result = db.session.execute(
        update(Follow)
        .where(Follow.id == follow.id, Follow.confirmed_at.is_(None))
        .values(confirmed_at=utcnow(), token_hash=None, fingerprint=state.fingerprint, seen=sorted(state.items))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    db.session.refresh(follow)
    # No address in the history: which case or campaign gained a follower.
    kind, _, target_id = follow.target.partition(":")
    record("follow.confirm", actor=None, object_type=kind, object_id=int(target_id))
    db.session.flush()
    return follow


def purge_unconfirmed(days: int = 7) -> int:
    """Delete follows never confirmed within `days` days (their address with them)."""
    from datetime import timedelta

    from sqlalchemy import delete

    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(Follow).where(Follow.confirmed_at.is_(None), Follow.created_at < cutoff))
    db.session.flush()
    return int(result.rowcount or 0)


# -- unsubscribing --------------------------------------------------------------------------------------------


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="casefiles.follow.unsubscribe")


def _address_tag(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def unsubscribe_token(follow: Follow) -> str:
    """A signed, never-expiring token naming this follow (and a hash of its address, so an id reused after a
    deletion never unsubscribes someone else)."""
    return _unsubscribe_serializer().dumps([follow.id, _address_tag(follow.email)])


def follow_for_unsubscribe(token: str) -> tuple[bool, Follow | None]:
    """(token is ours, the follow it names if it still exists)."""
    try:
        follow_id, tag = _unsubscribe_serializer().loads(token or "")
        follow_id = int(follow_id)
    except (BadSignature, TypeError, ValueError):
        return False, None
    follow = db.session.get(Follow, follow_id) if 0 < follow_id < 2**31 else None
    if follow is None or _address_tag(follow.email) != tag:
        return True, None
    return True, follow


def unsubscribe(follow: Follow) -> None:
    """Stop following: the address is deleted, not kept as "unsubscribed"."""
    kind, _, target_id = follow.target.partition(":")
    db.session.delete(follow)
    record("follow.unsubscribe", actor=None, object_type=kind, object_id=int(target_id))
    db.session.flush()


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: one-click unsubscribe by a POST to an https address."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def https_url(endpoint: str, **values: Any) -> str:
    """An external address in https (mail clients only offer one-click unsubscribe over https)."""
    return url_for(endpoint, _external=True, _scheme="https", **values)


# -- digests --------------------------------------------------------------------------------------------------


def _base_url() -> str:
    config = current_app.config
    return config.get("PUBLIC_BASE_URL") or config.get("BASE_URL") or "http://localhost:5000"


def send_digests(limit: int = 10_000) -> int:
    """Queue one digest for each confirmed follower whose followed page changed publicly since their last one.
    Run by `flask followers digest` (cron or the worker); safe to run twice at once."""
    with current_app.test_request_context("/", base_url=_base_url()):
        return _send_digests(limit)


def _send_digests(limit: int) -> int:
    follows = db.session.scalars(
        select(Follow).where(Follow.confirmed_at.is_not(None)).order_by(Follow.target, Follow.locale, Follow.id)
    ).all()
    states: dict[tuple[str, str], PublicState | None] = {}
    queued = 0
    for follow in follows:
        if queued >= limit:
            break
        key = (follow.target, follow.locale)
        if key not in states:
            states[key] = state_of(follow)
        state = states[key]
        if state is None or state.fingerprint == follow.fingerprint:
            continue
        seen = set(follow.seen or [])
        news = [text for item, text in state.items.items() if item not in seen]
        claimed = db.session.execute(
            update(Follow)
            .where(Follow.id == follow.id, Follow.fingerprint == follow.fingerprint)
            .values(fingerprint=state.fingerprint, seen=sorted(state.items), notified_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # another run told this follower already
            continue
        unsubscribe_url = https_url("followers.unsubscribe", token=unsubscribe_token(follow))
        subject, text, html = render_message(
            "follow_digest",
            follow.locale,
            title=state.title,
            page_url=state.url,
            news=news,
            unsubscribe_url=unsubscribe_url,
            is_campaign=follow.campaign_id is not None,
        )
        queue_message(
            to=follow.email,
            subject=subject,
            text=text,
            html=html,
            kind="follow_digest",
            headers=unsubscribe_headers(unsubscribe_url),
        )
        queued += 1
    db.session.flush()
    return queued
