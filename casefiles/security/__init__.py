"""Throttling of credential endpoints (Flask-Limiter): per account and per address, never global."""

from __future__ import annotations

from flask import Flask, current_app, g, request, request_started
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# No default limits: only the credential endpoints are throttled, each by address and by account.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")


def address_limit() -> str:
    """Failed attempts allowed from one address."""
    return current_app.config.get("AUTH_LIMIT_PER_ADDRESS", "30 per 15 minutes")


def account_limit() -> str:
    """Failed attempts allowed against one account, from anywhere."""
    return current_app.config.get("AUTH_LIMIT_PER_ACCOUNT", "10 per 15 minutes")


def account_key() -> str:
    """The account named in the attempt (the email typed, normalised), or the pending second-factor account."""
    from flask import session

    email = (request.form.get("email") or "").strip().lower()[:254]
    if not email:
        email = f"pending:{session.get('_2fa_user', '')}"
    return f"account:{email}"


def failed(response) -> bool:  # noqa: ANN001
    """Only failures count: a successful sign-in answers with a redirect."""
    return response.status_code != 302


def _forget_cached_user(sender: Flask, **_extra: object) -> None:
    """Each request identifies its user from its own session cookie, never from a user cached on `g` by an
    earlier request that shared the application context (as test clients and CLI tasks do)."""
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    """Bind the limiter to the app (memory storage unless RATELIMIT_STORAGE_URI says otherwise)."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    request_started.connect(_forget_cached_user, app)
