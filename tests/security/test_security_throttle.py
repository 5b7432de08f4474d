"""Login throttling (promises 12 and 34): counted per address and per account-and-address in a store shared by
every worker (the database, or Redis), refusing on the 11th failure and never before, growing delays, the owner
never locked out from their own address, the real client address behind trusted proxies only."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyotp
import pytest
from sqlalchemy import select
from support import PASSWORD, free_port

from casefiles import create_app
from casefiles.extensions import db
from casefiles.security import throttle as throttle_module
from casefiles.security.models import LoginThrottle
from casefiles.security.stores import DatabaseStore, RedisStore

WRONG = "not the password at all"


def _attempt(client: Any, email: str, password: str, address: str) -> Any:
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


class Clock:
    """A clock the throttle reads instead of the real one, moved forward by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle_module, "time", fake)
    return fake


def test_refused_on_the_eleventh_failure_for_one_account_and_never_before(client, make_user) -> None:
    owner = make_user("staff")
    for n in range(10):
        assert _attempt(client, owner.email, WRONG, "203.0.113.7").status_code == 200, f"failure {n + 1}"
    refused = _attempt(client, owner.email, PASSWORD, "203.0.113.7")  # even the right password, from there
    assert refused.status_code == 429
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    assert "Content-Security-Policy" in refused.headers
    assert "Too many attempts" in refused.get_data(as_text=True)
    # The owner, from their own address, is not locked out.
    assert _attempt(client, owner.email, PASSWORD, "198.51.100.20").status_code == 302


def test_refused_on_the_thirty_first_failure_from_one_address_whatever_the_account(client, make_user) -> None:
    user = make_user("staff")
    for n in range(30):
        assert _attempt(client, f"guess{n}@example.org", WRONG, "203.0.113.9").status_code == 200, f"failure {n + 1}"
    assert _attempt(client, user.email, PASSWORD, "203.0.113.9").status_code == 429
    assert _attempt(client, user.email, PASSWORD, "203.0.113.10").status_code == 302


def test_successful_sign_ins_do_not_count(client, make_user) -> None:
    user = make_user("staff")
    for _ in range(12):
        assert _attempt(client, user.email, PASSWORD, "203.0.113.11").status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": "203.0.113.11"})
    for n in range(10):
        assert _attempt(client, user.email, WRONG, "203.0.113.11").status_code == 200, f"failure {n + 1}"
    assert _attempt(client, user.email, WRONG, "203.0.113.11").status_code == 429


def test_each_new_refusal_lasts_twice_as_long(client, make_user, clock: Clock) -> None:
    user = make_user("staff")
    for expected_block in (900, 1800, 3600):
        for n in range(10):
            assert _attempt(client, user.email, WRONG, "203.0.113.12").status_code == 200, f"failure {n + 1}"
        refused = _attempt(client, user.email, WRONG, "203.0.113.12")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) == expected_block
        clock.now += expected_block - 1
        assert _attempt(client, user.email, PASSWORD, "203.0.113.12").status_code == 429  # not yet
        clock.now += 1
    # the owner got in from their own address all along
    assert _attempt(client, user.email, PASSWORD, "198.51.100.21").status_code == 302


def test_ipv6_addresses_count_by_their_64_network(client, make_user) -> None:
    user = make_user("staff")
    for n in range(10):
        assert _attempt(client, user.email, WRONG, f"2001:db8:1:2::{n + 1:x}").status_code == 200
    assert _attempt(client, user.email, PASSWORD, "2001:db8:1:2:ffff::1").status_code == 429
    assert _attempt(client, user.email, PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_second_step_codes_are_throttled_per_account_and_address(client, make_user) -> None:
    user = make_user("staff")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    address = {"REMOTE_ADDR": "203.0.113.13"}
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}, environ_base=address).status_code == 302
    )
    for n in range(10):
        wrong = client.post("/login/verify", data={"code": "000000"}, environ_base=address)
        assert wrong.status_code == 200, f"failure {n + 1}"
    assert client.post("/login/verify", data={"code": "000000"}, environ_base=address).status_code == 429


def test_the_store_holds_neither_emails_nor_addresses(client, make_user) -> None:
    _attempt(client, "someone.private@example.org", WRONG, "203.0.113.14")
    rows = db.session.scalars(select(LoginThrottle)).all()
    assert len(rows) == 2  # the address, and the account from that address
    for row in rows:
        assert len(row.key) == 64 and set(row.key) <= set("0123456789abcdef")  # a keyed hash, nothing readable


def test_counts_are_shared_by_every_app_process_on_the_database(client, make_user, database_url, tmp_path) -> None:
    """Another app (another worker or machine) on the same database sees this one's failures."""
    user = make_user("staff")
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(tmp_path)})
    other_client = other.test_client()
    try:
        for n in range(10):
            via = client if n % 2 else other_client
            assert _attempt(via, user.email, WRONG, "203.0.113.15").status_code == 200, f"failure {n + 1}"
        assert _attempt(other_client, user.email, PASSWORD, "203.0.113.15").status_code == 429
        assert _attempt(client, user.email, PASSWORD, "203.0.113.15").status_code == 429
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _concurrent_hits(store: Any, key: str, attempts: int) -> list[int]:
    now = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: store.hit(key, 10, 900, now).attempts, range(attempts)))


def test_concurrent_attempts_on_the_database_are_counted_exactly(app) -> None:
    """However the attempts interleave, exactly ten are let through and the rest refused."""
    counts = _concurrent_hits(DatabaseStore(db.engine), "a" * 64, 40)
    assert sorted(counts) == list(range(1, 41))
    row = db.session.get(LoginThrottle, "a" * 64)
    assert row.strikes == 1 and row.attempts == 40


# --- Redis ---------------------------------------------------------------------------------------------------


def test_with_redis_the_counts_live_in_redis_and_follow_the_same_rule(app, client, make_user, redis_url) -> None:
    from redis import Redis

    app.config["REDIS_URL"] = redis_url
    user = make_user("staff")
    for n in range(10):
        assert _attempt(client, user.email, WRONG, "203.0.113.16").status_code == 200, f"failure {n + 1}"
    refused = _attempt(client, user.email, PASSWORD, "203.0.113.16")
    assert refused.status_code == 429 and 890 <= int(refused.headers["Retry-After"]) <= 900
    assert _attempt(client, user.email, PASSWORD, "198.51.100.22").status_code == 302
    assert db.session.scalars(select(LoginThrottle)).all() == []  # nothing counted in the database
    keys = Redis.from_url(redis_url).keys("casefiles:throttle:*")
    assert len(keys) == 4  # two addresses, and the account from each


def test_concurrent_attempts_on_redis_are_counted_exactly(app, redis_url) -> None:
    counts = _concurrent_hits(RedisStore(redis_url, fallback=DatabaseStore(db.engine)), "b" * 64, 40)
    assert sorted(counts) == list(range(1, 41))


def test_when_redis_cannot_be_reached_the_database_counts(app, client, make_user) -> None:
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    user = make_user("staff")
    for n in range(10):
        assert _attempt(client, user.email, WRONG, "203.0.113.17").status_code == 200, f"failure {n + 1}"
    assert _attempt(client, user.email, PASSWORD, "203.0.113.17").status_code == 429
    assert db.session.scalars(select(LoginThrottle)).all() != []


# --- The client's address behind proxies -----------------------------------------------------------------------


def _through_proxy(client: Any, email: str, password: str, forwarded_for: str) -> Any:
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )


@pytest.mark.parametrize("app_overrides", [{"TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, make_user) -> None:
    user = make_user("staff")
    for n in range(10):
        assert _through_proxy(client, user.email, WRONG, "203.0.113.18").status_code == 200, f"failure {n + 1}"
    assert _through_proxy(client, user.email, PASSWORD, "203.0.113.18").status_code == 429
    # same proxy, another client: signs in (the proxy's own address is not what is counted)
    signed_in = _through_proxy(client, user.email, PASSWORD, "198.51.100.23")
    assert signed_in.status_code == 302
    # a client cannot add addresses of its own in front of what the proxy appended
    client.post("/logout")
    spoofed = _through_proxy(client, user.email, PASSWORD, "10.1.2.3, 203.0.113.18")
    assert spoofed.status_code == 429


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(client, make_user) -> None:
    user = make_user("staff")
    for n in range(10):
        assert _through_proxy(client, user.email, WRONG, f"203.0.113.{n + 100}").status_code == 200
    # a made-up X-Forwarded-For does not buy more guesses: every attempt came from 127.0.0.1
    assert _through_proxy(client, user.email, PASSWORD, "198.51.100.24").status_code == 429
