"""Who may import, export and load everything."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role


def can_import(user: Any) -> bool:
    """Staff and administrators import CSV files."""
    return has_role(user, Role.STAFF)


def can_export(user: Any) -> bool:
    """Only administrators export or load everything."""
    return has_role(user, Role.ADMIN)
