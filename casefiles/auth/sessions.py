"""Server-side records of signed-in browsers: open at sign-in, checked on every request, ended one by one or
all at once (sign-out, new password, disabling)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from casefiles.audit.services import record
from casefiles.auth.models import User, UserSession
from casefiles.db import utcnow
from casefiles.extensions import db

TOUCH_EVERY = timedelta(minutes=1)  # write last_seen_at at most once a minute per session


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_session(user: User, *, user_agent: str = "") -> str:
    """Record a new signed-in browser; returns the random session id for the cookie (never stored in clear)."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(user_id=user.id, sid_hash=_hash(sid), user_agent=user_agent[:200], created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return sid


def find_live_session(user_id: int, sid: str | None) -> UserSession | None:
    """The open session with this id for this user, or None; notes when it was last seen."""
    if not sid or len(sid) > 100:
        return None
    row = db.session.scalars(
        select(UserSession).where(UserSession.sid_hash == _hash(sid), UserSession.user_id == user_id)
    ).first()
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()  # a bookkeeping write of its own, before the request's work begins
    return row


def end_all_sessions(user: User) -> None:
    """Mark every open session of this user ended (the rotated session token already refuses them)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def end_session(user: User, session_id: int, *, actor: Any) -> bool:
    """End one of this user's sessions (another browser); True when there was one to end."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    row.ended_at = utcnow()
    db.session.flush()
    record(
        "user.session_end",
        actor=actor,
        object_type="user",
        object_id=user.id,
        summary=user.email,
        changes={"session": [row.id, None]},
    )
    return True


def open_sessions(user: User) -> list[UserSession]:
    """This user's open sessions, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc())
        )
    )
