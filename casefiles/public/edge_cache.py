"""A small in-process "edge" cache for anonymous public pages: a surge on one shared link is answered without
running the whole Flask request machinery, yet never serves anything stale.

Only answers the public views marked cacheable (anonymous, 200) are stored, with every header Flask gave them
(security headers included) except the internal marker. Before each hit, one indexed read of the newest audit
entry says whether anything changed since (every mutating service writes an audit entry), so unpublishing or a
withdrawn consent takes effect on the very next request. Requests that carry any cookie other than the language
choice (a signed-in team member) always go to Flask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_cookie, parse_date

from casefiles.caching import BoundedCache

MARKER = "X-Casefiles-Edge-Cacheable"
# Only the public pages, feeds and API go through the cache (never downloads, static files or the staff side).
_PATHS = re.compile(
    r"^/(?:|cases|cases/[^/]+|cases/[^/]+/feed\.atom|feed\.atom|sitemap\.xml|api/v1/[a-z]+(?:/[^/]+)?)$"
)
_LANG_COOKIE = "lang"


class EdgeCache:
    """WSGI middleware in front of the Flask app."""

    def __init__(self, wsgi_app: Callable, flask_app: Any, size: int = 4096, ttl: float = 30.0) -> None:
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.entries = BoundedCache(size, ttl)
        self._engine: Any = None

    # -- helpers ---------------------------------------------------------------------------------------

    def clear(self) -> None:
        self.entries.clear()

    def _generation(self) -> Any:
        from casefiles.public.queries import generation_for_engine

        if self._engine is None:
            with self.flask_app.app_context():
                from casefiles.extensions import db

                self._engine = db.engine
        return generation_for_engine(self._engine)

    @staticmethod
    def _key(environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not _PATHS.match(environ.get("PATH_INFO", "")):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if any(name != _LANG_COOKIE for name in cookies):
            return None  # a session or remember-me cookie: let Flask decide who this is
        return (
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", "http"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            cookies.get(_LANG_COOKIE, ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )

    # -- WSGI --------------------------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        generation = self._generation()
        hit = self.entries.get(key, generation)
        if hit is not None:
            return self._answer(environ, start_response, hit)
        return self._fill(environ, start_response, key, generation)

    def _answer(self, environ: dict, start_response: Callable, hit: tuple) -> Iterable[bytes]:
        status, headers, body, etag = hit
        if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
        # Only a page that is there may be "not modified": a 404 (unpublished, archived, withdrawn) stays a 404
        # whatever validators the reader still holds.
        if status.startswith("200") and (
            (etag and if_none_match and _matches(if_none_match, etag))
            or (not if_none_match and _not_modified_since(environ.get("HTTP_IF_MODIFIED_SINCE", ""), headers))
        ):
            kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type", "last-modified")]
            start_response("304 NOT MODIFIED", kept)
            return [b""]
        start_response(status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _fill(self, environ: dict, start_response: Callable, key: tuple, generation: Any) -> Iterable[bytes]:
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
        cacheable = (
            status.startswith("200")
            and environ.get("REQUEST_METHOD") == "GET"
            and any(k == MARKER for k, _ in headers)
            and not any(k.lower() == "set-cookie" for k, _ in headers)
        )
        stored_headers = [(k, v) for k, v in headers if k != MARKER]
        etag = next((v for k, v in stored_headers if k.lower() == "etag"), "")
        entry = (status, stored_headers, body, etag)
        if cacheable:
            self.entries.put(key, entry, generation)
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
