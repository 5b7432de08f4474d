"""Accounts: invitations and admin resets by one-time link, password policy, argon2id rehash, disabling."""

from __future__ import annotations

import re
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from support import PASSWORD

from casefiles.audit.models import AuditEntry
from casefiles.auth import services
from casefiles.auth.models import AccountLink, User
from casefiles.auth.passwords import common_passwords, password_problem
from casefiles.authz import Role
from casefiles.extensions import db

NEW_PASSWORD = "a long walk on the winter beach"


def _token_from(html: str, kind: str) -> str:
    match = re.search(rf"/{kind}/([A-Za-z0-9_\-]+)", html)
    assert match, html[:2000]
    return match.group(1)


def test_common_password_list_is_real_and_refused() -> None:
    words = common_passwords()
    assert len(words) > 5000
    for word in ("password", "123456", "qwerty", "iloveyou", "password1234", "qwertyuiop123"):
        if len(word) >= 12:
            assert password_problem(word) is not None
    assert "password" in words and "letmein" in words
    assert str(password_problem("short")) == "Use at least 12 characters."
    # no composition rules: a long lowercase phrase is fine
    assert password_problem("the quiet library near the river") is None


def test_admin_invites_by_one_time_link(client, login) -> None:
    login("admin")
    page = client.post(
        "/staff/users/invite", data={"email": "New.Person@Example.org", "name": "New Person", "role": "staff"}
    )
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    token = _token_from(page.get_data(as_text=True), "invite")
    # only a hash of the token is stored
    link = db.session.scalars(select(AccountLink)).one()
    assert token not in link.token_hash and link.kind == "invite"
    client.post("/logout")

    form = client.get(f"/invite/{token}")
    assert form.status_code == 200 and "new.person@example.org" in form.get_data(as_text=True)
    weak = client.post(f"/invite/{token}", data={"name": "New Person", "password": "password1234"})
    assert "too common" in weak.get_data(as_text=True)
    assert services.find_user_by_email("new.person@example.org") is None

    done = client.post(f"/invite/{token}", data={"name": "New Person", "password": NEW_PASSWORD})
    assert done.status_code == 302
    user = services.find_user_by_email("new.person@example.org")
    assert user is not None and user.role is Role.STAFF
    # single use
    again = client.get(f"/invite/{token}")
    assert again.status_code == 404 and "not valid" in again.get_data(as_text=True)
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_invite_link_expires(client, app) -> None:
    link, token = services.create_invite(actor=None, email="late@example.org", role=Role.VOLUNTEER)
    link.expires_at = link.expires_at - timedelta(days=8)
    db.session.commit()
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD})
    assert response.status_code == 404
    assert services.find_user_by_email("late@example.org") is None
    assert client.get("/invite/not-a-real-token").status_code == 404


def test_cli_invite_prints_link(app, client) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "invite", "cli.person@example.org", "--role", "volunteer"])
    assert result.exit_code == 0, result.output
    token = _token_from(result.output, "invite")
    assert client.get(f"/invite/{token}").status_code == 200
    duplicate = runner.invoke(args=["users", "invite", "cli.person@example.org"])
    assert duplicate.exit_code == 0  # a second invitation before the first is used is allowed


def test_admin_reset_link_ends_sessions(app, client, login, make_user) -> None:
    target = make_user("volunteer")
    other = app.test_client()
    assert other.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 302
    assert other.get("/staff/cases").status_code == 200

    login("admin")
    page = client.post(f"/staff/users/{target.id}/reset")
    token = _token_from(page.get_data(as_text=True), "reset")
    client.post("/logout")

    assert client.post(f"/reset/{token}", data={"password": "short"}).status_code == 200
    assert client.post(f"/reset/{token}", data={"password": NEW_PASSWORD}).status_code == 302
    assert client.get(f"/reset/{token}").status_code == 404
    # the other browser is signed out; the old password no longer works, the new one does
    assert other.get("/staff/cases").status_code == 302
    assert client.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": target.email, "password": NEW_PASSWORD}).status_code == 302
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"user.reset_link", "user.password_change"} <= actions


def test_disabled_account_is_signed_out_and_cannot_sign_in(app, client, login, make_user) -> None:
    target = make_user("staff")
    other = app.test_client()
    assert other.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 302
    login("admin")
    response = client.post(f"/staff/users/{target.id}/edit", data={"name": target.name, "role": "staff", "active": ""})
    assert response.status_code == 302
    assert other.get("/staff/cases").status_code == 302
    assert other.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "enable", target.email])
    assert result.exit_code == 0
    assert other.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 302


def test_weak_argon2_hash_is_upgraded_on_login(client, make_user) -> None:
    user = make_user("volunteer")
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$")
    assert "m=1024," not in upgraded and not PasswordHasher().check_needs_rehash(upgraded)


def test_invitation_email_through_local_smtp_server(app, client, login) -> None:
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
            self.messages.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="casefiles@example.org")
        login("admin")
        page = client.post("/staff/users/invite", data={"email": "mailed@example.org", "role": "volunteer"})
        assert "was emailed" in page.get_data(as_text=True)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    body = inbox.messages[0].decode()
    token = _token_from(body, "invite")
    assert token == _token_from(page.get_data(as_text=True), "invite")
