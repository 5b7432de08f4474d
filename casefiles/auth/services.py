"""Accounts: create, authenticate, change role or password, disable."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casefiles.audit.services import record
from casefiles.auth.models import User
from casefiles.auth.passwords import (
    DUMMY_HASH,
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
        verify_password(DUMMY_HASH, password or "")
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


def record_failed_login(email: str) -> None:
    """Note a failed login (the attempted email only, never the password)."""
    record("user.login_failed", actor=None, object_type="user", summary=(email or "")[:254])


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
            user.session_token = secrets.token_hex(16)
    if changes:
        db.session.flush()
        action = "user.role_change" if "role" in changes else "user.update"
        record(action, actor=actor, object_type="user", object_id=user.id, summary=user.email, changes=changes)
    return changes


def set_password(user: User, *, actor: Any, password: str) -> None:
    """Set a new password and end every other session of this user."""
    problem = password_problem(password, email=user.email)
    if problem:
        raise AccountError("password", problem)
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)
    db.session.flush()
    record("user.password_change", actor=actor, object_type="user", object_id=user.id, summary=user.email)


def active_users() -> list[User]:
    """Everyone who can be assigned work, by name."""
    return list(db.session.scalars(select(User).where(User.is_active_flag.is_(True)).order_by(User.name, User.email)))
