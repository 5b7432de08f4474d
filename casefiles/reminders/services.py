"""The daily deadline email of each person: their open deadlines overdue or due in the next 7 days, in their
language, queued in the outbox. Idempotent per day: a person's day is claimed with a compare-and-set before their
email is queued, in the same transaction, so running the command twice (or on two machines) sends one email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from casefiles.auth.models import User
from casefiles.cases.models import Case, Task, case_assignments
from casefiles.dates import format_day, organization_zone
from casefiles.enums import CaseStatus
from casefiles.extensions import db
from casefiles.mail.services import queue_message, render_message
from casefiles.reminders.models import ReminderPreference

HORIZON_DAYS = 7


def today() -> date:
    """Today where the organization works."""
    return datetime.now(organization_zone()).date()


def reminders_enabled(user: Any) -> bool:
    preference = db.session.get(ReminderPreference, user.id)
    return preference is None or bool(preference.enabled)


def set_reminders(user: Any, enabled: bool, *, actor: Any) -> None:
    """A person's own choice: the daily email of their deadlines, or none."""
    from casefiles.audit.services import record

    preference = db.session.get(ReminderPreference, user.id)
    before = reminders_enabled(user)
    if preference is None:
        preference = ReminderPreference(user_id=user.id, enabled=enabled)
        db.session.add(preference)
    preference.enabled = enabled
    if before != enabled:
        record(
            "user.reminders",
            actor=actor,
            object_type="user",
            object_id=user.id,
            changes={"deadline_reminders": [before, enabled]},
        )
    db.session.flush()


@dataclass(frozen=True)
class Deadline:
    title: str
    due: date
    case_title: str
    case_url: str
    overdue: bool


def deadlines_of(user: User, day: date) -> list[Deadline]:
    """Open deadlines of the person (their own, and the unowned ones of cases assigned to them), overdue or due
    within the next 7 days, on cases still open."""
    assigned = select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id)
    tasks = db.session.scalars(
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(
            Task.done.is_(False),
            Task.due_date <= day + timedelta(days=HORIZON_DAYS),
            Case.status.not_in((CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)),
            or_(Task.owner_id == user.id, Task.owner_id.is_(None) & Task.case_id.in_(assigned)),
        )
        .order_by(Task.due_date, Task.id)
    ).all()
    return [
        Deadline(
            title=task.display_title,
            due=task.due_date,
            case_title=task.case.title,
            case_url=url_for("cases.detail", case_id=task.case_id, _external=True),
            overdue=task.due_date < day,
        )
        for task in tasks
    ]


def _claim_day(user_id: int, day: date) -> bool:
    """Mark today as sent for this person, once: False if another run already did (or they opted out)."""
    result = db.session.execute(
        update(ReminderPreference)
        .where(
            ReminderPreference.user_id == user_id,
            ReminderPreference.enabled.is_(True),
            or_(ReminderPreference.last_sent_on.is_(None), ReminderPreference.last_sent_on < day),
        )
        .values(last_sent_on=day)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return True
    if db.session.get(ReminderPreference, user_id) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.execute(insert(ReminderPreference).values(user_id=user_id, enabled=True, last_sent_on=day))
    except IntegrityError:  # another run created it at the same moment: theirs
        return False
    return True


def send_reminders(day: date | None = None) -> int:
    """Queue today's deadline email for every active person who has deadlines and has not opted out."""
    base = current_app.config.get("BASE_URL") or "http://localhost:5000"
    day = day or today()
    queued = 0
    with current_app.test_request_context("/", base_url=base):
        for user in db.session.scalars(select(User).where(User.is_active_flag.is_(True)).order_by(User.id)).all():
            if not reminders_enabled(user):
                continue
            locale = user.locale if user.locale in ("en", "fr") else "en"
            with force_locale(locale):
                deadlines = deadlines_of(user, day)
                if not deadlines or not _claim_day(user.id, day):
                    continue
                overdue = [d for d in deadlines if d.overdue]
                upcoming = [d for d in deadlines if not d.overdue]
                subject, text, html = render_message(
                    "deadline_reminder",
                    locale,
                    name=user.name or user.email,
                    overdue=[(d, format_day(d.due)) for d in overdue],
                    upcoming=[(d, format_day(d.due)) for d in upcoming],
                    settings_url=url_for("reminders.preferences", _external=True),
                    day=format_day(day),
                )
            queue_message(to=user.email, subject=subject, text=text, html=html, kind="deadline_reminder")
            queued += 1
    db.session.flush()
    return queued
