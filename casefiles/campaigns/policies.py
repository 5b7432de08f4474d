"""Who may see and run campaigns, organizations and letters: staff and administrators."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role


def can_view(user: Any) -> bool:
    """Campaigns are staff work; volunteers see a case's campaign names on the case page only."""
    return has_role(user, Role.STAFF)


def can_edit(user: Any) -> bool:
    """Staff and administrators run campaigns."""
    return has_role(user, Role.STAFF)


def can_delete(user: Any) -> bool:
    """Staff and administrators may delete a campaign (its cases stay)."""
    return has_role(user, Role.STAFF)
