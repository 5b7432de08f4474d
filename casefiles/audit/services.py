"""record(): every mutating service writes its audit entry through here."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from casefiles.audit.models import AuditEntry
from casefiles.extensions import db


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes {field: [old, new]} between two snapshots."""
    changes = {}
    for key in after:
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def record(
    action: str,
    *,
    actor: Any,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    case_version: int | None = None,
    object_version: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller commits)."""
    actor_id = getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        case_version=case_version,
        object_version=object_version,
        summary=summary[:300],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry
