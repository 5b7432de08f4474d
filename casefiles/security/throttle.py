"""Throttling of credential endpoints, counted in a store shared by every worker and machine.

Two counters per attempt, never a global one:

- per address: failed attempts from one client address, whatever the account (AUTH_LIMIT_PER_ADDRESS);
- per account and address: failed attempts against one account from one address (AUTH_LIMIT_PER_ACCOUNT).

Counting the account per address is what keeps the owner in: an attacker's address is refused on its 11th
failure against the account, while the owner's right password still works from their own address. Each new
refusal of the same key lasts twice as long as the one before (growing delays). IPv6 addresses are counted
by their /64 network, the block one customer usually holds.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, make_response, render_template, request, session
from flask.typing import ResponseReturnValue

from casefiles.security.stores import DatabaseStore, RedisStore, ThrottleStore

DEFAULT_PER_ADDRESS = "30 per 15 minutes"
DEFAULT_PER_ACCOUNT = "10 per 15 minutes"
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Limit:
    """`allowed` failed attempts per `window` seconds."""

    allowed: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """'10 per 15 minutes', '30/hour' ..."""
        match = _LIMIT.match(text)
        if match is None or int(match.group(1)) < 1:
            raise ValueError(f"{text!r} is not a limit like '10 per 15 minutes'")
        window = int(match.group(2) or 1) * _UNITS[match.group(3).lower()]
        return cls(int(match.group(1)), window)


@dataclass(frozen=True)
class Counter:
    """One counter an attempt adds to: its store key and its limit."""

    key: str
    limit: Limit


def client_network(address: str | None) -> str:
    """The address counted: an IPv4 address, or the /64 network of an IPv6 address."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _account_named() -> str:
    """The account an attempt is about: the email typed (normalised), or the account waiting for its code."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    if email:
        return f"email:{email}"
    return f"pending:{session.get('_2fa_user', '')}"


class Throttle:
    """The application's throttle: turns an attempt into counters and asks the shared store."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._store: ThrottleStore | None = None

    @property
    def store(self) -> ThrottleStore:
        """Built on first use (it needs the database engine): Redis when REDIS_URL is set, else the database."""
        if self._store is None:
            from casefiles.extensions import db

            database = DatabaseStore(db.engine)
            url = self.app.config.get("REDIS_URL")
            self._store = RedisStore(url, fallback=database) if url else database
        return self._store

    def _key(self, *parts: str) -> str:
        # Keyed hash: the store never holds an email or an address, and keys cannot be guessed from outside.
        secret = str(self.app.config["SECRET_KEY"]).encode()
        return hmac.new(secret, "\0".join(parts).encode(), hashlib.sha256).hexdigest()

    def counters(self, scope: str, per_account: bool) -> list[Counter]:
        """The counters this request adds to, address first."""
        config = self.app.config
        network = client_network(request.remote_addr)
        counters = [
            Counter(
                self._key(scope, "address", network),
                Limit.parse(config.get("AUTH_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS)),
            )
        ]
        if per_account:
            counters.append(
                Counter(
                    self._key(scope, "account", _account_named(), network),
                    Limit.parse(config.get("AUTH_LIMIT_PER_ACCOUNT", DEFAULT_PER_ACCOUNT)),
                )
            )
        return counters

    def attempt(self, counters: list[Counter]) -> tuple[list[Counter], float]:
        """Count the attempt on each counter in turn; stop at the first refusal.

        Returns the counters it was added to and, if refused, the seconds until it may be tried again (else 0).
        """
        counted: list[Counter] = []
        for counter in counters:
            now = time.time()
            state = self.store.hit(counter.key, counter.limit.allowed, counter.limit.window, now)
            counted.append(counter)
            if state.attempts > counter.limit.allowed:
                return counted, max(state.window_ends - now, 1.0)
        return counted, 0.0

    def forgive(self, counted: list[Counter]) -> None:
        """A successful attempt does not count."""
        now = time.time()
        for counter in counted:
            self.store.forgive(counter.key, counter.limit.allowed, now)


def current_throttle() -> Throttle:
    """The throttle of the current application."""
    return current_app.extensions["casefiles.throttle"]


def _refusal(retry_after: float) -> ResponseReturnValue:
    response = make_response(render_template("errors/error.html", code=429, error=None), 429)
    response.headers["Retry-After"] = str(math.ceil(round(retry_after, 3)))  # (now + 900) - now may be 900.0000001
    return response


def throttled(scope: str, *, per_account: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Throttle a credential endpoint's POSTs. A success answers with a redirect; every other answer is a failure.

    `scope` keeps each endpoint's counters apart; `per_account=False` counts by address only.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if request.method != "POST":
                return view(*args, **kwargs)
            throttle = current_throttle()
            counted, retry_after = throttle.attempt(throttle.counters(scope, per_account))
            if retry_after:
                return _refusal(retry_after)
            response = make_response(view(*args, **kwargs))
            if response.status_code == 302:
                throttle.forgive(counted)
            return response

        return wrapper

    return decorator


def init_app(app: Flask) -> None:
    """Give the app its throttle; check the limits now rather than at the first sign-in."""
    for name, default in (
        ("AUTH_LIMIT_PER_ADDRESS", DEFAULT_PER_ADDRESS),
        ("AUTH_LIMIT_PER_ACCOUNT", DEFAULT_PER_ACCOUNT),
    ):
        Limit.parse(app.config.get(name, default))
    app.extensions["casefiles.throttle"] = Throttle(app)
