"""Who may read and decide help requests: staff and administrators; a volunteer reads the ones assigned to them."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role
from casefiles.intake.models import Submission


def can_triage(user: Any) -> bool:
    """Staff and administrators see the whole queue, assign, convert, decline and mark spam."""
    return has_role(user, Role.STAFF)


def can_open(user: Any, submission: Submission) -> bool:
    """Reading a request: staff, or the volunteer it is assigned to."""
    if can_triage(user):
        return True
    return has_role(user, Role.VOLUNTEER) and submission.assignee_id == getattr(user, "id", None)


def can_view_queue(user: Any) -> bool:
    """Every team member has a queue: staff see all requests, a volunteer the ones assigned to them."""
    return has_role(user, Role.VOLUNTEER)
