"""The numbers and lists of the dashboard."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casefiles.cases.models import Case, Task, case_assignments
from casefiles.cases.policies import visible_cases_filter
from casefiles.enums import CaseStatus, Outcome, PersonCategory
from casefiles.extensions import db
from casefiles.people.models import Person

DEADLINE_WINDOW_DAYS = 14


def _visible(stmt: Any, user: Any) -> Any:
    clause = visible_cases_filter(user)
    stmt = stmt.where(Case.archived_at.is_(None))
    return stmt if clause is None else stmt.where(clause)


def counts_by(user: Any, column: Any, enum: Any) -> list[tuple[Any, int]]:
    """(member, count) for every member of the enum, over the cases the user sees."""
    stmt = _visible(select(column, func.count(func.distinct(Case.id))).select_from(Case), user)
    if column.class_ is Person:
        stmt = stmt.join(Person, Person.case_id == Case.id)
    rows = dict(db.session.execute(stmt.group_by(column)).all())
    return [(member, rows.get(member.value, 0)) for member in enum]


def dashboard_data(user: Any, today: date | None = None) -> dict[str, Any]:
    """My cases, counts by status / outcome / category, deadlines due soon and overdue."""
    today = today or date.today()
    mine = db.session.scalars(
        select(Case)
        .where(Case.archived_at.is_(None))
        .where(Case.id.in_(select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id)))
        .options(selectinload(Case.people))
        .order_by(Case.updated_at.desc())
        .limit(10)
    ).all()
    deadlines_stmt = _visible(select(Task).join(Case, Case.id == Task.case_id), user).where(
        Task.done.is_(False), Task.due_date <= today + timedelta(days=DEADLINE_WINDOW_DAYS)
    )
    deadlines = db.session.scalars(
        deadlines_stmt.options(selectinload(Task.case), selectinload(Task.owner)).order_by(Task.due_date).limit(50)
    ).all()
    from casefiles.intake.services import dashboard_requests

    return {
        "help_requests": dashboard_requests(user, today),
        "mine": mine,
        "by_status": counts_by(user, Case.status, CaseStatus),
        "by_outcome": counts_by(user, Case.outcome, Outcome),
        "by_category": counts_by(user, Person.category, PersonCategory),
        "overdue": [t for t in deadlines if t.is_overdue(today)],
        "upcoming": [t for t in deadlines if t.due_date >= today],
        "today": today,
        "window": DEADLINE_WINDOW_DAYS,
    }
