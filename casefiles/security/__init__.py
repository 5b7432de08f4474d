"""Request-level safeguards: throttling of credential endpoints (see throttle.py), fresh user per request."""

from __future__ import annotations

from flask import Flask, g, request_started

from casefiles.security import (
    csrf_field,
    models,  # noqa: F401  (the login_throttle table belongs to the metadata)
    throttle,
)
from casefiles.security.throttle import throttled

__all__ = ["init_app", "throttled"]


def _forget_cached_user(sender: Flask, **_extra: object) -> None:
    """Each request identifies its user from its own session cookie, never from a user cached on `g` by an
    earlier request that shared the application context (as test clients and CLI tasks do)."""
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    """Bind the throttle to the app and reset the cached user at each request."""
    throttle.init_app(app)
    csrf_field.install()
    request_started.connect(_forget_cached_user, app)
