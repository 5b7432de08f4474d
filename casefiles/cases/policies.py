"""Who may see and change a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from casefiles.authz import Role, has_role
from casefiles.cases.models import Case, case_assignments
from casefiles.extensions import db


def is_assigned(user: Any, case: Case) -> bool:
    """True when the user is assigned to the case."""
    if not getattr(user, "is_authenticated", False) or case.id is None:
        return False
    return bool(
        db.session.scalar(
            select(exists().where(case_assignments.c.case_id == case.id, case_assignments.c.user_id == user.id))
        )
    )


def can_view(user: Any, case: Case) -> bool:
    """Staff and admins see every case; a volunteer sees the cases assigned to them."""
    if has_role(user, Role.STAFF):
        return True
    return has_role(user, Role.VOLUNTEER) and is_assigned(user, case)


def can_edit(user: Any, case: Case) -> bool:
    """Whoever may see a case may keep it up to date."""
    return can_view(user, case)


def can_create(user: Any) -> bool:
    """Any signed-in team member may open a case (a volunteer is assigned to it)."""
    return has_role(user, Role.VOLUNTEER)


def can_assign(user: Any) -> bool:
    """Staff and admins decide who works on which case."""
    return has_role(user, Role.STAFF)


def can_archive(user: Any, case: Case) -> bool:
    """Staff and admins archive and restore cases."""
    return has_role(user, Role.STAFF)


def can_merge(user: Any) -> bool:
    """Staff and admins merge a duplicate case into another (it spans two cases and their public pages)."""
    return has_role(user, Role.STAFF)


def can_delete(user: Any, case: Case) -> bool:
    """Only an administrator deletes a case for good."""
    return has_role(user, Role.ADMIN)


def visible_cases_filter(user: Any) -> Any:
    """A WHERE clause limiting a case query to what the user may see (None: no limit)."""
    if has_role(user, Role.STAFF):
        return None
    return Case.id.in_(select(case_assignments.c.case_id).where(case_assignments.c.user_id == user.id))


def visible_cases_key(user: Any) -> Any:
    """What decides visible_cases_filter for this user, as a value (for keeping counts made under it)."""
    return "all" if has_role(user, Role.STAFF) else ("assigned to", user.id)
