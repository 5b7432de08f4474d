"""TOTP second factor: enrolment, sign-in, replay refused, recovery codes single-use, enforcement by an admin."""

from __future__ import annotations

import re
import time

import pyotp
from support import PASSWORD

from casefiles.auth import services, totp
from casefiles.extensions import db


def _enrol(client, user) -> tuple[str, list[str]]:
    page = client.get("/staff/account/two-factor")
    html = page.get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", html).group(1)
    wrong = client.post("/staff/account/two-factor", data={"code": "000000"})
    assert "not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    done = client.post("/staff/account/two-factor", data={"code": code})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == totp.RECOVERY_CODE_COUNT
    db.session.refresh(user)
    assert user.totp_secret == secret
    return secret, codes


def test_sign_in_with_totp_and_a_used_code_is_refused(app, client, login) -> None:
    user = login("staff")
    secret, _codes = _enrol(client, user)
    client.post("/logout")

    # the password alone does not sign in
    first = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/verify")
    assert client.get("/staff/cases").status_code == 302
    code = pyotp.TOTP(secret).now()
    # make the enrolment step older so the current code is fresh for this test
    user.totp_last_step = int(time.time() // 30) - 5
    db.session.commit()
    assert client.post("/login/verify", data={"code": code}).status_code == 302
    assert client.get("/staff/cases").status_code == 200
    client.post("/logout")

    # the same code, a second time, in the same 30-second window: refused
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    replay = client.post("/login/verify", data={"code": code})
    assert replay.status_code == 200 and "already used" in replay.get_data(as_text=True)
    assert client.get("/staff/cases").status_code == 302


def test_recovery_code_works_once(client, login) -> None:
    user = login("admin")
    _secret, codes = _enrol(client, user)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/login/verify", data={"code": codes[0].upper()}).status_code == 302
    assert client.get("/staff/users").status_code == 200
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/login/verify", data={"code": codes[0]}).status_code == 200
    assert client.post("/login/verify", data={"code": codes[1]}).status_code == 302
    db.session.refresh(user)
    assert totp.remaining_recovery_codes(user) == totp.RECOVERY_CODE_COUNT - 2


def test_unit_replay_guard_uses_time_steps(app, make_user) -> None:
    user = make_user("staff")
    secret = totp.new_secret()
    now = time.time()
    user.totp_secret = secret
    user.totp_last_step = None
    db.session.commit()
    code = pyotp.TOTP(secret).at(now)
    assert totp.verify_second_factor(user, code, now)
    assert not totp.verify_second_factor(user, code, now)
    older = pyotp.TOTP(secret).at(now - 30)
    assert not totp.verify_second_factor(user, older, now)  # an older step than the last used one
    assert totp.verify_second_factor(user, pyotp.TOTP(secret).at(now + 30), now + 30)


def test_admin_can_enforce_second_factor(app, client, login, make_user) -> None:
    login("admin")
    response = client.post("/staff/security", data={"require_totp": "y"})
    assert response.status_code == 302
    assert services.get_setting(services.REQUIRE_TOTP) == "1"
    client.post("/logout")

    staff = make_user("staff")
    volunteer = make_user("volunteer")
    client.post("/login", data={"email": staff.email, "password": PASSWORD})
    blocked = client.get("/staff/cases")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/staff/account/two-factor")
    _enrol(client, staff)
    assert client.get("/staff/cases").status_code == 200
    # while enforced, it cannot be turned off
    client.post("/staff/account/two-factor/disable", data={"disable-current_password": PASSWORD})
    db.session.refresh(staff)
    assert staff.has_totp
    client.post("/logout")

    other = app.test_client()
    other.post("/login", data={"email": volunteer.email, "password": PASSWORD})
    assert other.get("/staff/cases").status_code == 200  # volunteers are not forced


def test_pending_second_factor_cannot_reach_staff_pages(client, make_user) -> None:
    user = make_user("staff")
    user.totp_secret = totp.new_secret()
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for path in ("/staff/cases", "/staff/account", "/staff/account/two-factor"):
        assert client.get(path).status_code == 302
