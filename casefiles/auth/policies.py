"""Who may manage accounts."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role


def can_manage_users(user: Any) -> bool:
    """Administrators invite people, change roles, disable accounts and read the audit log."""
    return has_role(user, Role.ADMIN)
