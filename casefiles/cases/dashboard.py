"""The numbers and lists of the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casefiles.cases.models import Case, case_assignments
from casefiles.cases.my_deadlines import dashboard_deadlines
from casefiles.cases.policies import visible_cases_filter
from casefiles.dates import local_today
from casefiles.enums import CaseStatus, Outcome, PersonCategory
from casefiles.extensions import db
from casefiles.people.models import Person


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
    today = today or local_today()
    mine = db.session.scalars(
        select(Case)
        .where(Case.archived_at.is_(None))
        .where(Case.id.in_(select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id)))
        .options(selectinload(Case.people))
        .order_by(Case.updated_at.desc())
        .limit(10)
    ).all()
    from casefiles.intake.services import dashboard_requests

    return {
        "help_requests": dashboard_requests(user, today),
        "mine": mine,
        "by_status": counts_by(user, Case.status, CaseStatus),
        "by_outcome": counts_by(user, Case.outcome, Outcome),
        "by_category": counts_by(user, Person.category, PersonCategory),
        # My deadlines (and the team's, for staff) over the window each person chose, overdue ones apart.
        **dashboard_deadlines(user, today),
    }
