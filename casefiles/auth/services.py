"""Accounts: create, authenticate, change role or password, disable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casefiles.audit.services import record
from casefiles.auth.models import AccountLink, Setting, User
from casefiles.auth.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from casefiles.authz import Role
from casefiles.db import utcnow
from casefiles.extensions import db


class AccountError(ValueError):
    """A refused account change; `field` names the form field, `message` is translated."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def create_user(*, actor: Any, email: str, password: str, role: Role, name: str = "") -> User:
    """Create an account after checking the email is free and the password acceptable."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", _l("Enter a valid email address."))
    if find_user_by_email(email) is not None:
        raise AccountError("email", _l("An account with this email already exists."))
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError("password", problem)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role_value=role.value,
        session_token=secrets.token_hex(16),
        is_active_flag=True,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        actor=actor,
        object_type="user",
        object_id=user.id,
        summary=email,
        changes={"email": [None, email], "role": [None, role.value]},
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the work is the same for unknown accounts."""
    user = find_user_by_email(email or "")
    if user is None:
        verify_password(dummy_hash(), password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    """Note a successful login."""
    user.last_login_at = utcnow()
    record("user.login", actor=user, object_type="user", object_id=user.id, summary=user.email)


def logout_everywhere(user: User) -> None:
    """Signing out ends this session and every other session of the account."""
    end_sessions(user)
    db.session.flush()
    record("user.logout", actor=user, object_type="user", object_id=user.id, summary=user.email)


def record_failed_login(email: str) -> None:
    """Note a failed login: which account, when it names one of ours; never what was typed (an email field often
    receives a password, or the address of someone who is not one of our users)."""
    user = find_user_by_email(email or "")
    record("user.login_failed", actor=None, object_type="user", object_id=user.id if user is not None else None)


def update_user(user: User, *, actor: Any, name: str, role: Role, active: bool) -> dict:
    """Change a user's name, role or active flag; disabling ends their sessions."""
    changes: dict[str, list[Any]] = {}
    if actor is not None and getattr(actor, "id", None) == user.id and (role != user.role or not active):
        raise AccountError("role", _l("You cannot change your own role or disable your own account."))
    if name.strip() != user.name:
        changes["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if role != user.role:
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if active != user.is_active:
        changes["active"] = [user.is_active, active]
        user.is_active_flag = active
        if not active:
            end_sessions(user)
    if changes:
        db.session.flush()
        action = "user.role_change" if "role" in changes else "user.update"
        record(action, actor=actor, object_type="user", object_id=user.id, summary=user.email, changes=changes)
    return changes


def end_sessions(user: User) -> None:
    """Rotate the session token: every session of this user, on every device, ends."""
    from casefiles.auth.sessions import end_all_sessions

    user.session_token = secrets.token_hex(16)
    if user.id is not None:
        end_all_sessions(user)


def set_password(user: User, *, actor: Any, password: str) -> None:
    """Set a new password and end every other session of this user."""
    problem = password_problem(password, email=user.email)
    if problem:
        raise AccountError("password", problem)
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.flush()
    record("user.password_change", actor=actor, object_type="user", object_id=user.id, summary=user.email)


def active_users() -> list[User]:
    """Everyone who can be assigned work, by name."""
    return list(db.session.scalars(select(User).where(User.is_active_flag.is_(True)).order_by(User.name, User.email)))


# --- One-time links: invitations and administrator resets -------------------------------------------------------

INVITE_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=24)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_invite(*, actor: Any, email: str, role: Role, name: str = "") -> tuple[AccountLink, str]:
    """An invitation for a new account; returns the link row and the secret token (shown once, never stored)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", _l("Enter a valid email address."))
    if find_user_by_email(email) is not None:
        raise AccountError("email", _l("An account with this email already exists."))
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        kind="invite",
        token_hash=_token_hash(token),
        email=email,
        name=name.strip(),
        role_value=role.value,
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + INVITE_LIFETIME,
    )
    db.session.add(link)
    db.session.flush()
    record(
        "user.invite",
        actor=actor,
        object_type="account_link",
        object_id=link.id,
        summary=email,
        changes={"email": [None, email], "role": [None, role.value]},
    )
    return link, token


def create_reset(user: User, *, actor: Any) -> tuple[AccountLink, str]:
    """A one-time password-reset link made by an administrator; earlier unused links for this user stop working."""
    for old in db.session.scalars(
        select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    ):
        old.used_at = utcnow()
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        kind="reset",
        token_hash=_token_hash(token),
        email=user.email,
        name=user.name,
        role_value=user.role_value,
        user_id=user.id,
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + RESET_LIFETIME,
    )
    db.session.add(link)
    db.session.flush()
    record("user.reset_link", actor=actor, object_type="user", object_id=user.id, summary=user.email)
    return link, token


def find_link(token: str) -> AccountLink | None:
    """The unused, unexpired link for this token, or None (one answer for unknown, used and expired)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalars(select(AccountLink).where(AccountLink.token_hash == _token_hash(token))).first()
    if link is None or link.used_at is not None or _aware(link.expires_at) <= utcnow():
        return None
    if link.kind == "reset":
        user = db.session.get(User, link.user_id) if link.user_id else None
        if user is None or not user.is_active:
            return None
    return link


def accept_invite(link: AccountLink, *, password: str, name: str = "") -> User:
    """Create the invited account with the password the person chose; the link is spent."""
    if link.kind != "invite" or link.used_at is not None:
        raise AccountError(None, _l("This link is no longer valid."))
    user = create_user(actor=None, email=link.email, password=password, role=Role(link.role_value), name=name)
    link.used_at = utcnow()
    link.user_id = user.id
    db.session.flush()
    return user


def accept_reset(link: AccountLink, *, password: str) -> User:
    """Set the new password chosen through a reset link; the link is spent and every session ends."""
    user = db.session.get(User, link.user_id) if link.user_id else None
    if link.kind != "reset" or link.used_at is not None or user is None:
        raise AccountError(None, _l("This link is no longer valid."))
    set_password(user, actor=user, password=password)
    link.used_at = utcnow()
    db.session.flush()
    return user


# --- Administrator settings ---------------------------------------------------------------------------------------

REQUIRE_TOTP = "require_totp"


def get_setting(key: str, default: str = "") -> str:
    """A stored setting's value."""
    row = db.session.get(Setting, key)
    return row.value if row is not None else default


def set_setting(key: str, value: str, *, actor: Any) -> None:
    """Change a setting, with an audit entry."""
    row = db.session.get(Setting, key)
    old = row.value if row is not None else None
    if old == value:
        return
    if row is None:
        row = Setting(key=key, value=value)
        db.session.add(row)
    else:
        row.value = value
    db.session.flush()
    record("setting.change", actor=actor, object_type="setting", summary=key, changes={key: [old, value]})


def totp_required_for(user: User) -> bool:
    """Staff and administrators must use a second factor once an administrator enforces it."""
    return user.role.rank >= Role.STAFF.rank and get_setting(REQUIRE_TOTP) == "1"
