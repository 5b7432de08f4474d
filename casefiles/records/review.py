"""Public changes go through review: on a published case, someone who may not publish proposes; staff decide.

The proposed values wait in a PendingRevision; the record itself, and so every public surface, keeps the last
reviewed values until staff approve. Approval applies the values through the ordinary edit path; both
decisions are audited.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.authz import can_publish
from casefiles.extensions import db
from casefiles.records.models import PENDING, PendingRevision
from casefiles.records.registry import REGISTRY, Record

REMOVE_NEEDS_REVIEW = _l(
    "This is shown on the public page of a published case: ask staff to remove it, or to unpublish the case first."
)


def _case(rec: Record, obj: Any) -> Any:
    return rec.case_of(obj)


def needs_review(rec: Record, obj: Any, actor: Any) -> bool:
    """True when a public change to this record by this person must wait for review."""
    case = _case(rec, obj)
    if case is None or not case.published or can_publish(actor):
        return False
    return bool(rec.public_fields)


def _shown(rec: Record, obj: Any) -> bool:
    return rec.shown_publicly(obj) if rec.shown_publicly is not None else True


def split(rec: Record, obj: Any, actor: Any, clean: dict[str, Any], *, creating: bool = False) -> tuple[dict, dict]:
    """(values applied now, values held for review)."""
    if not needs_review(rec, obj, actor):
        return clean, {}
    now, held = dict(clean), {}
    if creating:
        # A new record has no public face yet: only what would show it publicly waits ({field: private value}).
        for name, private_value in rec.extra.get("review_on_create", {}).items():
            if name in now and now[name] != private_value:
                held[name] = now[name]
                now[name] = private_value
        return now, held
    shown = _shown(rec, obj)
    for name, plain in clean.items():
        field = rec.by_name[name]
        if not field.public or plain == field.read(obj):
            continue
        if shown or name == rec.visibility_field:
            held[name] = now.pop(name)
    return now, held


def hold(rec: Record, obj: Any, actor: Any, held: dict[str, Any]) -> PendingRevision:
    """Keep proposed public values for review (a second proposal for the same record joins the first)."""
    case = _case(rec, obj)
    current = rec.snapshot(obj, held)
    revision = db.session.scalars(
        select(PendingRevision).where(
            PendingRevision.object_type == rec.name,
            PendingRevision.object_id == obj.id,
            PendingRevision.status == PENDING,
            PendingRevision.author_id == getattr(actor, "id", None),
        )
    ).first()
    changes = dict(revision.changes) if revision else {}
    for name, value in held.items():
        changes[name] = [current.get(name), value]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if revision is None:
        revision = PendingRevision(
            case_id=case.id, object_type=rec.name, object_id=obj.id, author_id=getattr(actor, "id", None)
        )
        db.session.add(revision)
    revision.changes = changes
    revision.summary = str(rec.summary(obj) or "")[:300]
    db.session.flush()
    record(
        "revision.propose",
        actor=actor,
        object_type=rec.name,
        object_id=obj.id,
        case_id=case.id,
        case_version=case.version,
        summary=revision.summary,
        changes={k: v for k, v in changes.items() if k in held},
    )
    return revision


def pending_for_case(case_id: int) -> list[PendingRevision]:
    """Revisions of a case waiting for review, oldest first."""
    return list(
        db.session.scalars(
            select(PendingRevision)
            .where(PendingRevision.case_id == case_id, PendingRevision.status == PENDING)
            .order_by(PendingRevision.id)
        )
    )


def recent_decisions_for(case_id: int, author_id: int | None, limit: int = 5) -> list[PendingRevision]:
    """What happened to this author's recent proposals on the case (shown to them)."""
    if author_id is None:
        return []
    return list(
        db.session.scalars(
            select(PendingRevision)
            .where(
                PendingRevision.case_id == case_id,
                PendingRevision.author_id == author_id,
                PendingRevision.status != PENDING,
            )
            .order_by(PendingRevision.id.desc())
            .limit(limit)
        )
    )


def revision_labels(revision: PendingRevision) -> list[str]:
    """The translated names of the fields a revision would change."""
    rec = REGISTRY.get(revision.object_type)
    return [str(rec.by_name[n].label) if rec and n in rec.by_name else n for n in (revision.changes or {})]
