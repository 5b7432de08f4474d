"""Server-side session records: one per signed-in browser, listed on the account page, ended one by one."""

from __future__ import annotations

import re

from conftest import PASSWORD
from sqlalchemy import select

from casefiles.auth.models import UserSession
from casefiles.extensions import db


def test_each_browser_has_its_own_revocable_session(app, client, make_user) -> None:
    user = make_user("staff")
    laptop, phone = client, app.test_client()
    laptop.environ_base["HTTP_USER_AGENT"] = "Laptop/1"
    phone.environ_base["HTTP_USER_AGENT"] = "Phone/2"
    for browser in (laptop, phone):
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 2 and all(len(r.sid_hash) == 64 for r in rows)
    with laptop.session_transaction() as session:
        assert session["_sid"] not in {r.sid_hash for r in rows}  # only a hash is stored

    page = laptop.get("/staff/account").get_data(as_text=True)
    assert "Laptop/1" in page and "Phone/2" in page and "This browser" in page
    phone_row = next(r for r in rows if r.user_agent == "Phone/2")
    ids = re.findall(r"/staff/account/sessions/(\d+)/end", page)
    assert ids == [str(phone_row.id)]  # the current browser has no "sign out" button for itself

    assert laptop.post(f"/staff/account/sessions/{phone_row.id}/end").status_code == 302
    assert phone.get("/staff/cases").status_code == 302  # the phone is signed out
    assert laptop.get("/staff/cases").status_code == 200  # the laptop is not


def test_cannot_end_someone_elses_session(app, client, make_user) -> None:
    owner, intruder = make_user("staff"), make_user("staff")
    other = app.test_client()
    other.post("/login", data={"email": owner.email, "password": PASSWORD})
    target = db.session.scalars(select(UserSession).where(UserSession.user_id == owner.id)).one()
    client.post("/login", data={"email": intruder.email, "password": PASSWORD})
    client.post(f"/staff/account/sessions/{target.id}/end")
    assert other.get("/staff/cases").status_code == 200


def test_sign_out_ends_every_session_record(app, client, make_user) -> None:
    user = make_user("staff")
    other = app.test_client()
    for browser in (client, other):
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/logout")
    db.session.expire_all()
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len(rows) == 2 and all(r.ended_at is not None for r in rows)
