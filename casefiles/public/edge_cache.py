"""The "edge" in front of the public pages: a surge on one shared link, or a visitor on any of ten thousand cases, is
answered without running the Flask request machinery, yet never with anything stale.

Two layers: a bounded in-process front (per worker), then the shared store (public.store: the database, or Redis),
which every worker and machine reads and fills. Only answers the public views marked cacheable (anonymous, 200)
are kept, with every header Flask gave them (security headers included) except the internal marker. Before each
answer, one indexed read of the public stamps (public_stamps) says whether what it shows has changed since, so
unpublishing or a withdrawn consent takes effect on the very next request in every worker.

A cookie does not bypass the cache unless it can change the page: the session of a signed-in team member (public
pages then link to the staff side) and the remember-me cookie do; the language cookie and anonymous session
cookies (a form's token) do not, since the language of a public page is in its address. Off the language prefix
(the JSON API), the language cookie and Accept-Language are part of the key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_cookie, parse_date

from casefiles.caching import BoundedCache
from casefiles.public import store as shared
from casefiles.public.language import LANGUAGES

MARKER = "X-Casefiles-Edge-Cacheable"
_PREFIXED = re.compile(r"^/(?:" + "|".join(LANGUAGES) + r")/")
# Only the public pages, feeds, sitemap and API go through the cache (never downloads, static files, the staff side);
# within them, only answers a view marked.
_PATHS = re.compile(r"^/(?:(?:" + "|".join(LANGUAGES) + r")/.*|sitemap\.xml|api/v1/[a-z]+(?:/[^/]+)?)$")
# The shared store keeps an address without a query, or with a page number alone (never arbitrary searches).
_SHAREABLE_QUERY = re.compile(r"^(?:page=[0-9]{1,6})?$")
_LANG_COOKIE = "lang"
_ANONYMOUS_SESSION_KEYS = {"csrf_token", "_permanent"}
log = logging.getLogger(__name__)


class EdgeCache:
    """WSGI middleware in front of the Flask app."""

    def __init__(self, wsgi_app: Callable, flask_app: Any, size: int = 4096, ttl: float = 3600.0) -> None:
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.entries = BoundedCache(size, ttl)
        self._store: Any = None
        self._serializer: Any = None

    # -- helpers ---------------------------------------------------------------------------------------

    def clear(self) -> None:
        self.entries.clear()

    @property
    def store(self) -> Any:
        if self._store is None:
            self._store = shared.store_for(self.flask_app)
        return self._store

    def _signed_in(self, cookies: Any) -> bool:
        """True when a cookie may make Flask answer differently: a remember-me cookie, or a session that names a
        signed-in user (a session that only holds an anonymous form token changes nothing public)."""
        config = self.flask_app.config
        if config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return True
        value = cookies.get(config.get("SESSION_COOKIE_NAME", "session"))
        if not value:
            return False
        if self._serializer is None:
            self._serializer = self.flask_app.session_interface.get_signing_serializer(self.flask_app)
        if self._serializer is None:
            return True
        try:
            data = self._serializer.loads(value)
        except Exception:  # noqa: BLE001 - a bad signature is an empty session to Flask as well
            return False
        # Anything beyond a form token (a signed-in user, a message waiting to be shown) goes to Flask.
        return not isinstance(data, dict) or bool(set(data) - _ANONYMOUS_SESSION_KEYS)

    def _key(self, environ: dict) -> tuple | None:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not _PATHS.match(path):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if cookies and self._signed_in(cookies):
            return None
        prefixed = bool(_PREFIXED.match(path))
        return (
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", "http"),
            environ.get("SCRIPT_NAME", ""),
            path,
            environ.get("QUERY_STRING", ""),
            "" if prefixed else cookies.get(_LANG_COOKIE, ""),
            "" if prefixed else environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )

    # -- WSGI --------------------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        store = self.store
        front = self.entries.get(key)
        if front is not None:
            if front.holds(shared.read_stamps(store.engine, front.scope)):
                return self._answer(environ, start_response, front)
            self.entries.discard(key)
        shareable = _SHAREABLE_QUERY.match(key[4]) is not None
        name = shared.page_key(key) if shareable else ""
        if shareable:
            found = self._from_store(name)
            if found is not None:
                self.entries.put(key, found)
                return self._answer(environ, start_response, found)
        before = shared.read_stamps(store.engine, shared.ALL)  # read before rendering (see store.case_marker)
        return self._fill(environ, start_response, key, name, before)

    def _from_store(self, name: str) -> shared.Entry | None:
        try:
            found = self.store.get(name)
        except Exception:  # noqa: BLE001 - a store that is down only costs a render
            log.warning("Public store: read failed", exc_info=True)
            return None
        if found is None:
            return None
        entry, stamps = found
        return entry if entry.holds(stamps) else None

    def _answer(self, environ: dict, start_response: Callable, entry: shared.Entry) -> Iterable[bytes]:
        headers = list(entry.headers)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
        # Only a page that is there may be "not modified": a 404 (unpublished, archived, withdrawn) stays a 404
        # whatever validators the reader still holds.
        if entry.status.startswith("200") and (
            (entry.etag and if_none_match and _matches(if_none_match, entry.etag))
            or (not if_none_match and _not_modified_since(environ.get("HTTP_IF_MODIFIED_SINCE", ""), headers))
        ):
            kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type", "last-modified")]
            start_response("304 NOT MODIFIED", kept)
            return [b""]
        start_response(entry.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]

    def _fill(
        self, environ: dict, start_response: Callable, key: tuple, name: str, before: dict[str, str]
    ) -> Iterable[bytes]:
        """Ask Flask for the full answer (conditions removed, so a 304 never leaves the cache empty), keep it if
        the view marked it cacheable, then answer this request's own conditions from it."""
        plain = {k: v for k, v in environ.items() if k not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")}
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None  # the legacy write() callable, unused by Flask

        result = self.wsgi_app(plain, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status = captured.get("status", "500 INTERNAL SERVER ERROR")
        headers = captured.get("headers") or []
        marker = next((v for k, v in headers if k == MARKER), None)
        cacheable = (
            status.startswith("200")
            and environ.get("REQUEST_METHOD") == "GET"
            and marker is not None
            and not any(k.lower() == "set-cookie" for k, _ in headers)
        )
        stored_headers = tuple((k, v) for k, v in headers if k != MARKER)
        etag = next((v for k, v in stored_headers if k.lower() == "etag"), "")
        scope, scope_stamp, shared_stamp = shared.parse_marker(marker or "", before)
        entry = shared.Entry(status, stored_headers, body, etag, scope, scope_stamp, shared_stamp)
        if cacheable:
            self.entries.put(key, entry)
            if name:
                try:
                    self.store.put(name, entry)
                except Exception:  # noqa: BLE001 - a busy or absent store only costs the next render
                    log.warning("Public store: write failed", exc_info=True)
        return self._answer(environ, start_response, entry)


def _matches(header: str, etag: str) -> bool:
    """If-None-Match: * or a list of (weak or strong) tags containing ours."""
    bare = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


def _not_modified_since(header: str, headers: list[tuple[str, str]]) -> bool:
    """If-Modified-Since at or after our Last-Modified."""
    if not header:
        return False
    last_modified = next((v for k, v in headers if k.lower() == "last-modified"), None)
    since, modified = parse_date(header), parse_date(last_modified) if last_modified else None
    return since is not None and modified is not None and modified <= since


def install(app: Any) -> EdgeCache:
    """Put the cache in front of the app (once)."""
    if isinstance(app.wsgi_app, EdgeCache):
        return app.wsgi_app
    cache = EdgeCache(app.wsgi_app, app)
    app.wsgi_app = cache
    app.extensions["public_edge_cache"] = cache
    return cache
