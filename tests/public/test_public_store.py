"""Public answers kept in a shared store (the database, or Redis) and served by every app process; a change to a case
moves its stamp in the same transaction, so an unpublished case is gone from the store and from a second process
at the very next request, while the other cases stay stored."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)
from sqlalchemy import select, text

from casefiles import create_app
from casefiles.extensions import db
from casefiles.public import store as public_store
from casefiles.public.models import PublicPage

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
import sys
from werkzeug.serving import make_server
from casefiles import create_app
config = {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_STORAGE": sys.argv[2]}
if len(sys.argv) > 3:
    config["REDIS_URL"] = sys.argv[3]
server = make_server("127.0.0.1", 0, create_app("testing", config), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture
def second_process(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """start(redis_url=None) -> get(path, headers) against another app process on the same database."""
    processes: list[subprocess.Popen] = []

    def start(redis_url: str | None = None) -> Callable[..., tuple[int, dict, bytes]]:
        args = [sys.executable, "-c", SERVER, database_url, str(tmp_path)] + ([redis_url] if redis_url else [])
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own code
        processes.append(process)
        port = int(process.stdout.readline())

        def get(path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
            # The same host as the test client's, so both processes name the page alike.
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost", **(headers or {})}
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()

        return get

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


def _rows(scope: str) -> list[PublicPage]:
    db.session.expire_all()
    return list(db.session.scalars(select(PublicPage).where(PublicPage.scope == scope)))


def _replaced(entry: public_store.Entry, old: bytes, new: bytes) -> public_store.Entry:
    assert old in entry.body
    body = entry.body.replace(old, new)
    headers = tuple((k, str(len(body)) if k.lower() == "content-length" else v) for k, v in entry.headers)
    return public_store.Entry(
        entry.status, headers, body, entry.etag, entry.scope, entry.scope_stamp, entry.shared_stamp
    )


def _tamper(row: PublicPage, old: bytes, new: bytes) -> None:
    """Change a stored answer's body in place (its stamps kept): whoever serves the new text read the store."""
    changed = _replaced(public_store.Entry.decode(row.entry), old, new)
    db.session.execute(
        text("UPDATE public_pages SET entry = :entry WHERE key = :key"), {"entry": changed.encode(), "key": row.key}
    )
    db.session.commit()


def test_a_case_is_served_from_the_store_by_another_process_and_gone_everywhere_once_unpublished(
    app: Any, client: Any, make_published: Any, staff: Any, second_process: Any
) -> None:
    from casefiles.public.services import unpublish_case

    case = make_published(title="Stored nurse case", title_fr="Dossier de l’infirmière")
    other = make_published(title="Other stored case")
    scope, other_scope = public_store.case_scope(case.id), public_store.case_scope(other.id)
    url, other_url = f"/fr/cases/{case.public_slug}", f"/en/cases/{other.public_slug}"
    first = client.get(url)
    assert first.status_code == 200 and client.get(other_url).status_code == 200
    assert len(_rows(scope)) == 1 and len(_rows(other_scope)) == 1
    _tamper(_rows(scope)[0], "Dossier de l’infirmière".encode(), b"FROM-THE-SHARED-STORE")

    get = second_process()
    status, headers, body = get(url)
    assert status == 200 and b"FROM-THE-SHARED-STORE" in body  # rendered once, by the other process
    assert headers["ETag"] == first.headers["ETag"] and "Content-Security-Policy" in headers
    assert get(url, {"If-None-Match": first.headers["ETag"]})[0] == 304

    unpublish_case(case, actor=staff)
    db.session.commit()
    assert _rows(scope) == []  # gone from the store in the unpublishing transaction
    assert get(url)[0] == 404 and get(url, {"If-None-Match": first.headers["ETag"]})[0] == 404
    assert client.get(url).status_code == 404
    assert _rows(scope) == []
    # The other case was not touched: still stored, still valid, still served from the store.
    kept = _rows(other_scope)
    assert len(kept) == 1
    entry = public_store.Entry.decode(kept[0].entry)
    assert entry.holds(public_store.read_stamps(db.engine, other_scope))
    _tamper(kept[0], b"Other stored case", b"STILL-FROM-THE-STORE")
    assert b"STILL-FROM-THE-STORE" in get(other_url)[2]


def test_a_change_to_a_case_renders_it_again_and_lists_follow(
    app: Any, client: Any, make_published: Any, staff: Any, second_process: Any
) -> None:
    from casefiles.public.services import update_public_content

    case = make_published(title="Before the change")
    url = f"/en/cases/{case.public_slug}"
    get = second_process()
    assert b"Before the change" in get(url)[2] and b"Before the change" in get("/en/cases")[2]
    update_public_content(case, actor=staff, values={"title": "After the change"})
    db.session.commit()
    assert b"After the change" in get(url)[2] and b"After the change" in get("/en/cases")[2]
    assert "After the change" in client.get(url).get_data(as_text=True)


def test_an_unrelated_cookie_uses_the_cache_and_a_signed_in_session_does_not(
    app: Any, client: Any, make_published: Any, login: Any
) -> None:
    case = make_published(title="Cached title")
    url = f"/en/cases/{case.public_slug}"
    anonymous_session = app.session_interface.get_signing_serializer(app).dumps({"csrf_token": "abc"})
    assert "Cached title" in client.get(url).get_data(as_text=True)  # another visitor opened it first
    client.set_cookie("_ga", "GA1.2.345")
    client.set_cookie("lang", "fr")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], anonymous_session)
    assert "Cached title" in client.get(url).get_data(as_text=True)
    # A change behind the services' back (no audit entry, so no stamp moves) is not seen: the cache answered.
    db.session.execute(text("UPDATE cases SET title = 'Changed behind its back' WHERE id = :id"), {"id": case.id})
    db.session.commit()
    again = client.get(url)
    assert "Cached title" in again.get_data(as_text=True) and "Set-Cookie" not in again.headers
    assert client.get(url, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304
    login("staff")  # a signed-in team member's session: Flask answers, with the staff link
    html = client.get(url).get_data(as_text=True)
    assert "Staff side" in html and "Changed behind its back" in html


def test_redis_store_shares_pages_and_drops_an_unpublished_case(
    app: Any, make_published: Any, staff: Any, redis_url: str, second_process: Any, tmp_path: Path
) -> None:
    from redis import Redis

    from casefiles.public.services import unpublish_case

    case = make_published(title="Redis case")
    url = f"/en/cases/{case.public_slug}"
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_STORAGE": str(tmp_path),
        "REDIS_URL": redis_url,
    }
    first_app = create_app("testing", config)
    assert first_app.test_client().get(url).status_code == 200
    redis = Redis.from_url(redis_url)
    pages = [k for k in redis.keys("casefiles:public:page:*")]
    assert len(pages) == 1 and not _rows(public_store.case_scope(case.id))  # in Redis, not in the table
    stored = public_store.Entry.decode(redis.get(pages[0]))
    redis.set(pages[0], _replaced(stored, b"Redis case", b"FROM-REDIS").encode())
    get = second_process(redis_url)
    assert b"FROM-REDIS" in get(url)[2]
    unpublish_case(case, actor=staff)
    db.session.commit()
    assert redis.keys("casefiles:public:page:*") == []  # dropped once the unpublishing committed
    assert get(url)[0] == 404 and first_app.test_client().get(url).status_code == 404


def test_publishing_renders_the_case_into_the_store_once_the_answer_is_sent(
    database_url: str, tmp_path: Path, make_case: Any, make_user: Any
) -> None:
    from support import PASSWORD

    staff_user = make_user("staff")
    case = make_case(title="Freshly published")
    web = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(tmp_path), "PUBLIC_PRERENDER": True},
    ).test_client()
    assert web.post("/login", data={"email": staff_user.email, "password": PASSWORD}).status_code == 302
    published = web.post(f"/staff/cases/{case.id}/publish", data={"consent_recorded": "y", "no_private_data": "y"})
    assert published.status_code == 302, published.get_data(as_text=True)[:500]
    published.close()  # what every WSGI server does once the answer is sent
    rows = _rows(public_store.case_scope(case.id))
    bodies = sorted(public_store.Entry.decode(r.entry).body for r in rows)
    assert len(rows) == 2 and all(b"Freshly published" in body for body in bodies)  # English and French
    assert all(b"Staff side" not in body for body in bodies)  # rendered as an anonymous visitor sees it


def test_an_answer_rendered_before_a_change_never_lands_in_the_store_after_it(
    app: Any, make_published: Any, staff: Any
) -> None:
    from casefiles.public.services import unpublish_case

    case = make_published()
    scope = public_store.case_scope(case.id)
    before = public_store.read_stamps(db.engine, scope)
    unpublish_case(case, actor=staff)  # commits while the page is being rendered elsewhere
    db.session.commit()
    late = public_store.Entry("200 OK", (), b"the page as it was", "", scope, before[scope], before["shared"])
    public_store.store_for(app).put("f" * 64, late)
    assert _rows(scope) == []
    fresh = public_store.read_stamps(db.engine, scope)
    current = public_store.Entry("200 OK", (), b"a page", "", scope, fresh[scope], fresh["shared"])
    public_store.store_for(app).put("e" * 64, current)
    assert len(_rows(scope)) == 1  # the same write with the current stamps is kept
