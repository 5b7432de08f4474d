"""Who may change the shared institution records."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role


def can_edit(user: Any) -> bool:
    """Institutions are shared by every case: staff and administrators edit them."""
    return has_role(user, Role.STAFF)
