"""Roles, the @public marker, the deny-by-default hook and require()."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

F = TypeVar("F", bound=Callable)


class Role(enum.Enum):
    """What a signed-in user may do; ordered from least to most."""

    VOLUNTEER = "volunteer"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def rank(self) -> int:
        return list(Role).index(self)


ROLE_LABELS = {
    Role.VOLUNTEER: _l("Legal volunteer"),
    Role.STAFF: _l("Staff"),
    Role.ADMIN: _l("Administrator"),
}


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    """True when the endpoint is static or marked @public."""
    if endpoint is None:
        return True  # 404s are handled by the error handler
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def deny_by_default() -> object | None:
    """before_request hook: every endpoint needs a login unless it is marked public."""
    if is_public_endpoint(request.endpoint):
        return None
    if current_user.is_authenticated:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(401)
    return None


def has_role(user, minimum: Role) -> bool:  # noqa: ANN001
    """True when the user is signed in with at least this role."""
    return bool(user and user.is_authenticated and user.role.rank >= minimum.rank)


def require(allowed: bool) -> None:
    """Abort with 403 unless the policy allowed the action."""
    if not allowed:
        abort(403)


def require_role(minimum: Role) -> None:
    """Abort with 403 unless the current user has at least this role."""
    require(has_role(current_user, minimum))


def can_publish(user) -> bool:  # noqa: ANN001
    """Only staff and administrators publish, unpublish, or approve changes to what the public sees."""
    return has_role(user, Role.STAFF)
