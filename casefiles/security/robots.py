"""One guard for every public form a robot may find — petitions, follow forms, requests to sign a letter, help
requests: a signed time stamp that says when the form was served (a form sent back sooner than a person fills it
in is a robot's), and a per-address limit counted by the shared throttle (so it holds across processes and
machines). The honeypot field is each form's own `website` field; nothing here is a third-party script."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from casefiles.security.throttle import Counter, Limit, client_network, current_throttle


@dataclass(frozen=True)
class FormGuard:
    name: str  # the stamp's salt and the throttle's key: "petition", "follow", "letter", "intake"
    min_seconds_setting: str  # e.g. "PETITION_MIN_SECONDS"
    default_min_seconds: float
    limit_setting: str  # e.g. "PETITION_LIMIT_PER_ADDRESS"
    default_limit: str  # e.g. "20 per hour"
    max_age: int | None = 2 * 86400  # None: a stamp in a cached public page lives as long as the page

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"casefiles.{self.name}.started")

    def stamp(self, target: str = "started") -> str:
        """The signed time stamp a form carries (made for one page's `target` when the page is shared)."""
        return self._serializer().dumps(target)

    def too_fast(self, started: str | None, target: str | None = None) -> bool:
        """True when the form came back sooner than a person fills it in, or its stamp is not ours (or was made
        for another page)."""
        try:
            signed_for, issued = self._serializer().loads(started or "", max_age=self.max_age, return_timestamp=True)
        except BadSignature:
            return True
        if target is not None and signed_for != target:
            return True
        minimum = float(current_app.config.get(self.min_seconds_setting, self.default_min_seconds))
        return time.time() - issued.timestamp() < minimum

    def throttled(self) -> float:
        """Count this request against its address's limit: 0 when allowed, else the seconds to wait."""
        throttle = current_throttle()
        limit = Limit.parse(current_app.config.get(self.limit_setting, self.default_limit))
        key = throttle._key(self.name, "address", client_network(request.remote_addr))  # noqa: SLF001
        _, retry_after = throttle.attempt([Counter(key, limit)])
        return retry_after
