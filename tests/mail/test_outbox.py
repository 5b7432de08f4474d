"""The outbox: messages queued in the database, delivered by the worker with retries and backoff; nothing lost
and nothing sent twice while the SMTP server is down and when it comes back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from smtp_inbox import SmtpServer, free_port, html_of, text_of
from sqlalchemy import select

from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.mail import services
from casefiles.mail.models import FAILED, QUEUED, SENT, OutboxMessage


@pytest.fixture
def smtp_port(app: Any) -> int:
    port = free_port()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="campaigns@example.org", MAIL_WORKER="off"
    )
    return port


def _queue(n: int) -> list[int]:
    ids = []
    for i in range(n):
        message = services.queue_message(
            to=f"supporter{i}@example.org",
            subject=f"Message {i}",
            text=f"Plain body {i}",
            html=f"<p>HTML body {i}</p>",
            kind="test",
            headers={"List-Unsubscribe": f"<https://example.org/u/{i}>"},
        )
        ids.append(message.id)
    db.session.commit()
    return ids


def _make_due() -> None:
    for message in db.session.scalars(select(OutboxMessage)):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_every_message_queued_while_smtp_is_down_is_delivered_exactly_once(app: Any, smtp_port: int) -> None:
    ids = _queue(7)
    # The SMTP server is down: nothing is lost, every message waits with a later attempt.
    for _ in range(3):
        counts = services.deliver_due()
        assert counts["sent"] == 0
        _make_due()
    db.session.expire_all()
    waiting = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.status for m in waiting] == [QUEUED] * 7
    assert all(m.attempts == 3 and "Error" in m.last_error for m in waiting)

    server = SmtpServer(smtp_port).start()
    try:
        assert services.deliver_due()["sent"] == 7
        _make_due()
        assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # nothing sent twice
    finally:
        server.stop()
    received = server.inbox.messages
    assert sorted(m["To"] for m in received) == sorted(f"supporter{i}@example.org" for i in range(7))
    assert len(received) == 7
    first = server.inbox.to("supporter0@example.org")[0]
    assert text_of(first).strip() == "Plain body 0" and "<p>HTML body 0</p>" in html_of(first)
    assert first["List-Unsubscribe"] == "<https://example.org/u/0>"
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {SENT}
    assert len(ids) == 7


def test_backoff_grows_and_is_capped(app: Any) -> None:
    app.config.update(MAIL_RETRY_BASE_SECONDS=30, MAIL_RETRY_MAX_SECONDS=3600)
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff(20).total_seconds() == 3600


def test_a_message_not_yet_due_waits(app: Any, smtp_port: int) -> None:
    _queue(1)
    services.deliver_due()  # fails: the server is down; the next attempt is later
    server = SmtpServer(smtp_port).start()
    try:
        assert services.deliver_due()["sent"] == 0
        _make_due()
        assert services.deliver_due()["sent"] == 1
    finally:
        server.stop()


def test_gives_up_after_the_last_attempt(app: Any, smtp_port: int) -> None:
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    _queue(1)
    services.deliver_due()
    _make_due()
    assert services.deliver_due()["failed"] == 1
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().status == FAILED


def test_the_background_worker_delivers_after_a_commit(app: Any, smtp_port: int) -> None:
    import time

    from casefiles.mail import worker

    app.config["MAIL_WORKER"] = "thread"
    server = SmtpServer(smtp_port).start()
    try:
        _queue(2)
        worker.kick()
        deadline = time.monotonic() + 10
        while len(server.inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.stop()
    assert len(server.inbox.messages) == 2
