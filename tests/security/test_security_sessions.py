"""Sessions and sign-in: renewed at login, ended by logout/password change/disabling, idle and absolute
timeouts, secure cookies in production, one generic failure page, `next` stays on our site (throttling:
test_security_throttle.py)."""

from __future__ import annotations

import re
import time

import pytest
from support import PASSWORD

from casefiles import create_app
from casefiles.extensions import db

NEW_PASSWORD = "a long walk on the winter beach"


def test_session_renewed_at_login(client, make_user) -> None:
    user = make_user("staff")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        first_sid = session["_sid"]
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session["_sid"] != first_sid


def test_logout_ends_the_other_sessions(app, client, make_user) -> None:
    user = make_user("staff")
    other = app.test_client()
    for browser in (client, other):
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert other.get("/staff/cases").status_code == 200
    client.post("/logout")
    assert client.get("/staff/cases").status_code == 302
    assert other.get("/staff/cases").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, client, make_user) -> None:
    user = make_user("staff")
    other = app.test_client()
    for browser in (client, other):
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/staff/account", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/cases").status_code == 200
    assert other.get("/staff/cases").status_code == 302


def test_stolen_cookie_of_an_ended_session_is_useless(app, client, make_user) -> None:
    user = make_user("staff")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/staff/cases").status_code == 302


@pytest.mark.parametrize("key", ["_seen", "_started"])
def test_idle_and_absolute_timeouts(app, client, make_user, key: str) -> None:
    user = make_user("staff")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/staff/cases").status_code == 200
    limit = app.config["SESSION_IDLE_TIMEOUT" if key == "_seen" else "PERMANENT_SESSION_LIFETIME"]
    with client.session_transaction() as session:
        session[key] = time.time() - limit.total_seconds() - 5
    response = client.get("/staff/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/staff/cases").status_code == 302


def test_production_cookies_are_secure_host_prefixed(monkeypatch, database_url) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        from casefiles.auth.services import create_user
        from casefiles.authz import Role

        user = create_user(actor=None, email="prod@example.org", password=PASSWORD, role=Role.STAFF)
        db.session.commit()
        try:
            client = app.test_client()
            page = client.get("/login", base_url="https://casefiles.example")
            assert page.headers["Strict-Transport-Security"].startswith("max-age=")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
            response = client.post(
                "/login",
                base_url="https://casefiles.example",
                headers={"Referer": "https://casefiles.example/login"},
                data={"email": user.email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
            cookies = response.headers.getlist("Set-Cookie")
            session_cookie = next(c for c in cookies if c.startswith("__Host-session="))
            lowered = session_cookie.lower()
            assert "; secure" in lowered and "; httponly" in lowered and "samesite=lax" in lowered
            assert "domain=" not in lowered and "; path=/" in lowered
        finally:
            db.session.rollback()
            from casefiles.audit.models import AuditEntry
            from casefiles.auth.models import User

            db.session.query(AuditEntry).delete()
            db.session.query(User).delete()
            db.session.commit()
            db.session.remove()


def test_production_refuses_placeholder_secret(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "change-me")
    with pytest.raises(RuntimeError):
        create_app("production")


def _normalise(html: str, email: str) -> str:
    html = re.sub(r'name="csrf_token"[^>]*>', "", html)
    return html.replace(email, "EMAIL")


def test_same_page_for_unknown_account_and_wrong_password(client, make_user) -> None:
    user = make_user("staff", email="known@example.org")
    wrong = client.post("/login", data={"email": user.email, "password": "not the password at all"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "not the password at all"})
    assert wrong.status_code == unknown.status_code == 200
    assert (
        _normalise(wrong.get_data(as_text=True), user.email).encode()
        == _normalise(unknown.get_data(as_text=True), "nobody@example.org").encode()
    )
    user.is_active_flag = False
    db.session.commit()
    disabled = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert _normalise(disabled.get_data(as_text=True), user.email) == _normalise(
        wrong.get_data(as_text=True), user.email
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_next_redirect_stays_on_our_site(client, make_user, target: str) -> None:
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    switch = client.get("/language/fr", query_string={"next": target})
    assert "evil" not in switch.headers["Location"] and "javascript" not in switch.headers["Location"]


def test_next_redirect_to_our_own_page_is_kept(client, make_user) -> None:
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/staff/cases?q=x"})
    assert response.headers["Location"].endswith("/staff/cases?q=x")
