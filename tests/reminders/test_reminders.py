"""Volunteers' reminders: `flask reminders send` emails each person their open deadlines overdue or due within 7
days, in their language, through a real SMTP server on loopback; once a day however often it runs; never to a
person who opted out, and never about closed cases or other people's deadlines."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "petitions"))
from petition_fixtures import smtp  # noqa: E402, F401
from smtp_inbox import html_of, text_of  # noqa: E402

from casefiles.audit.models import AuditEntry  # noqa: E402
from casefiles.cases import services as case_services  # noqa: E402
from casefiles.extensions import db  # noqa: E402
from casefiles.reminders import services  # noqa: E402

TODAY = date(2026, 11, 30)


@pytest.fixture
def deadlines(make_user: Any, make_case: Any) -> dict[str, Any]:
    alice = make_user("volunteer", email="alice@example.org", name="Alice")
    bruno = make_user("volunteer", email="bruno@example.org", name="Bruno")
    bruno.locale = "fr"
    staff = make_user("staff")
    case = make_case(title="Student suspended")
    case.assignees.append(alice)
    closed = make_case(title="Old closed case")
    closed.status = "closed"
    db.session.commit()
    add = case_services.add_task
    add(
        case,
        actor=staff,
        values={"title": "Appeal to the senate", "due_date": TODAY - timedelta(days=2), "owner_id": alice.id},
    )
    add(
        case,
        actor=staff,
        values={"title": "Call the union", "due_date": TODAY + timedelta(days=7), "owner_id": alice.id},
    )
    add(case, actor=staff, values={"title": "Far away", "due_date": TODAY + timedelta(days=8), "owner_id": alice.id})
    add(case, actor=staff, values={"title": "Unowned on her case", "due_date": TODAY + timedelta(days=1)})
    done = add(case, actor=staff, values={"title": "Already done", "due_date": TODAY, "owner_id": alice.id})
    done.done = True
    add(closed, actor=staff, values={"title": "On a closed case", "due_date": TODAY, "owner_id": alice.id})
    add(
        case,
        actor=staff,
        values={"title": "Déposer le grief", "due_date": TODAY + timedelta(days=3), "owner_id": bruno.id},
    )
    db.session.commit()
    return {"alice": alice, "bruno": bruno}


def _send(app: Any, day: date = TODAY) -> int:
    from casefiles.mail.services import deliver_due

    queued = services.send_reminders(day)
    db.session.commit()
    deliver_due()
    return queued


def test_each_person_gets_their_deadlines_once_a_day(app: Any, smtp: Any, deadlines: dict[str, Any]) -> None:
    assert _send(app) == 2
    (mail,) = smtp.inbox.to("alice@example.org")
    text = text_of(mail)
    assert "Appeal to the senate" in text and "Call the union" in text and "Unowned on her case" in text
    assert "Far away" not in text and "Already done" not in text and "On a closed case" not in text
    assert "Déposer le grief" not in text
    assert text.index("Appeal to the senate") < text.index("Call the union")  # overdue first
    assert "/staff/cases/" in text and "Appeal to the senate" in html_of(mail)
    (french,) = smtp.inbox.to("bruno@example.org")
    assert "décembre 2026" in text_of(french)  # in his language: the day written the French way
    # The same day again (cron twice, two machines): nothing more.
    assert _send(app) == 0 and len(smtp.inbox.messages) == 2
    # The next day: again.
    assert _send(app, TODAY + timedelta(days=1)) == 2


def test_opting_out_stops_them_and_is_audited(
    app: Any, client: Any, smtp: Any, deadlines: dict[str, Any], login: Any
) -> None:
    login.as_user(deadlines["alice"])
    page = client.get("/staff/account/reminders").get_data(as_text=True)
    assert "checked" in page  # on by default
    assert client.post("/staff/account/reminders", data={}).status_code == 302
    assert not services.reminders_enabled(deadlines["alice"])
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.reminders")) is not None
    assert _send(app) == 1
    assert smtp.inbox.to("alice@example.org") == [] and len(smtp.inbox.to("bruno@example.org")) == 1
    assert client.post("/staff/account/reminders", data={"enabled": "y"}).status_code == 302
    assert _send(app, TODAY + timedelta(days=1)) == 2


def test_the_command_runs_it(app: Any, smtp: Any, deadlines: dict[str, Any]) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert int(result.output.split()[0]) >= 1  # today's date is the machine's: Alice's overdue appeal at least
    assert runner.invoke(args=["reminders", "send"]).output.startswith("0 reminder(s) queued")
