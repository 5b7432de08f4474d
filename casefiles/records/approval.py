"""Deciding a pending public revision: approve (applied through the ordinary edit path) or reject; both audited."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casefiles.audit.services import record
from casefiles.authz import can_publish
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.records import editing
from casefiles.records.fields import FieldError
from casefiles.records.models import APPROVED, PENDING, REJECTED, PendingRevision
from casefiles.records.registry import REGISTRY


def target(revision: PendingRevision) -> Any:
    """The record a revision would change (None if it was deleted since)."""
    rec = REGISTRY.get(revision.object_type)
    return db.session.get(rec.model, revision.object_id) if rec else None


def approve(revision: PendingRevision, *, actor: Any) -> dict[str, Any]:
    """Apply the proposed values (staff or admins only); audited."""
    if not can_publish(actor):
        raise FieldError(None, _l("Only staff and administrators approve public changes."))
    if revision.status != PENDING:
        raise FieldError(None, _l("This change was already reviewed."))
    obj = target(revision)
    applied: dict[str, Any] = {}
    if obj is not None:
        applied = editing.update(obj, actor=actor, changes={k: v[1] for k, v in revision.changes.items()})
    _decide(revision, actor, APPROVED)
    return applied


def reject(revision: PendingRevision, *, actor: Any) -> None:
    """Refuse the proposed values; nothing public changes. Audited."""
    if not can_publish(actor):
        raise FieldError(None, _l("Only staff and administrators reject public changes."))
    if revision.status != PENDING:
        raise FieldError(None, _l("This change was already reviewed."))
    _decide(revision, actor, REJECTED)


def _decide(revision: PendingRevision, actor: Any, status: str) -> None:
    revision.status = status
    revision.decided_by_id = getattr(actor, "id", None)
    revision.decided_at = utcnow()
    db.session.flush()
    record(
        f"revision.{'approve' if status == APPROVED else 'reject'}",
        actor=actor,
        object_type=revision.object_type,
        object_id=revision.object_id,
        case_id=revision.case_id,
        summary=revision.summary,
        changes=dict(revision.changes),
    )
