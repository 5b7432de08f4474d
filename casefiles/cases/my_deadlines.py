"""Each team member's deadlines on the dashboard: the ones they own or whose case they work on, over the window
they chose (remembered), and the overdue ones with how many days late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from casefiles.audit.services import record
from casefiles.cases.models import Case, Task, case_assignments
from casefiles.cases.policies import visible_cases_filter
from casefiles.cases.preferences import DEADLINE_WINDOWS, DEFAULT_DEADLINE_WINDOW, DashboardPreference
from casefiles.dates import local_today
from casefiles.enums import CaseStatus
from casefiles.extensions import db
from casefiles.records.fields import FieldError

LISTED = 100


@dataclass
class Overdue:
    """A missed deadline and by how many days."""

    task: Task
    days_late: int


def get_window(user: Any) -> int:
    """How many days ahead this user's deadlines look (their choice, else the default)."""
    if not getattr(user, "is_authenticated", False):
        return DEFAULT_DEADLINE_WINDOW
    preference = db.session.get(DashboardPreference, user.id)
    days = preference.deadline_window_days if preference is not None else DEFAULT_DEADLINE_WINDOW
    return days if days in DEADLINE_WINDOWS else DEFAULT_DEADLINE_WINDOW


def set_window(user: Any, days: int | None) -> None:
    """Remember the user's window; one of DEADLINE_WINDOWS, else refused."""
    if days not in DEADLINE_WINDOWS:
        raise FieldError("window", _l("Choose 7, 14, 30 or 90 days."))
    preference = db.session.get(DashboardPreference, user.id)
    before = preference.deadline_window_days if preference is not None else None
    if preference is None:
        preference = DashboardPreference(user_id=user.id, deadline_window_days=days)
        db.session.add(preference)
    preference.deadline_window_days = days
    db.session.flush()
    if before != days:
        record(
            "dashboard.window",
            actor=user,
            object_type="user",
            object_id=user.id,
            changes={"deadline_window_days": [before, days]},
        )


def _open_tasks(user: Any, mine: bool) -> Any:
    stmt = (
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(Task.done.is_(False), Case.archived_at.is_(None))
        .options(selectinload(Task.case), selectinload(Task.owner), selectinload(Task.sanction))
    )
    visible = visible_cases_filter(user)
    if visible is not None:
        stmt = stmt.where(visible)
    assigned = select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id)
    # (An unowned task must test false, not unknown, or "not mine" would lose it.)
    my_task = or_(and_(Task.owner_id.is_not(None), Task.owner_id == user.id), Task.case_id.in_(assigned))
    # The team's list holds the others' deadlines: mine are listed once, above it.
    return stmt.where(my_task if mine else ~my_task)


def deadlines(user: Any, *, mine: bool, window: int, today: date | None = None) -> dict[str, Any]:
    """Overdue deadlines (days late, oldest first) and those due within the window (soonest first): the user's
    own (`mine`), or every other deadline they may see."""
    today = today or local_today()
    settled = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
    late = db.session.scalars(
        _open_tasks(user, mine)
        .where(Task.due_date < today, Case.status.not_in(settled))
        .order_by(Task.due_date, Task.id)
        .limit(LISTED)
    ).all()
    upcoming = db.session.scalars(
        _open_tasks(user, mine)
        .where(Task.due_date >= today, Task.due_date <= today + timedelta(days=window))
        .order_by(Task.due_date, Task.id)
        .limit(LISTED)
    ).all()
    return {
        "overdue": [Overdue(task, (today - task.due_date).days) for task in late],
        "upcoming": list(upcoming),
    }


def dashboard_deadlines(user: Any, today: date | None = None) -> dict[str, Any]:
    """What the dashboard shows of deadlines: mine for everyone, the whole team's for staff, one window for both."""
    from casefiles.authz import Role, has_role

    today = today or local_today()
    window = get_window(user)
    team = has_role(user, Role.STAFF)
    return {
        "window": window,
        "windows": DEADLINE_WINDOWS,
        "my_deadlines": deadlines(user, mine=True, window=window, today=today),
        "team_deadlines": deadlines(user, mine=False, window=window, today=today) if team else None,
        "today": today,
    }
