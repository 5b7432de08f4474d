"""One edit path for every record: create, update, delete, each version-checked, reviewed and audited the same way.

Services flush; callers commit. A stale save raises StaleRecord; `merge()` then says which fields the other
person changed (taken into the form), which both changed (shown side by side), and keeps the user's draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.audit.services import diff, record
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.records import review
from casefiles.records.fields import Field, FieldError
from casefiles.records.registry import Record, record_for

MAX_VERSION = 2**31 - 1


class StaleRecord(Exception):
    """Someone saved (or deleted) the record after this edit began."""

    def __init__(self, obj: Any, expected_version: int) -> None:
        super().__init__(f"{type(obj).__name__} {getattr(obj, 'id', None)} changed since version {expected_version}")
        self.obj = obj
        self.expected_version = expected_version


@dataclass
class Conflict:
    """A field both people changed: the user chooses."""

    field: Field
    mine: Any
    theirs: Any

    @property
    def name(self) -> str:
        return self.field.name


@dataclass
class Merge:
    """What a stale save becomes: the draft with the other person's changes taken in, and the real conflicts."""

    record: Record
    version: int
    values: dict[str, Any]
    taken: list[tuple[Field, Any]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.taken or self.conflicts)


def parse_version(raw: Any) -> int:
    """A version posted back by a form; anything that is not a sane number never matches a real version."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return -1
    number = int(text)
    return number if number <= MAX_VERSION else -1


def check_version(obj: Any, expected_version: int | None) -> None:
    """Refuse to save over (or delete) a version the editor never saw."""
    if expected_version is not None and int(expected_version) != obj.version:
        raise StaleRecord(obj, int(expected_version))


def entries_since(rec: Record, obj: Any, version: int) -> list[AuditEntry]:
    """This record's audit entries written after the given version of it."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == rec.name,
                AuditEntry.object_id == obj.id,
                AuditEntry.object_version > version,
            )
            .order_by(AuditEntry.id)
        )
    )


def merge(obj: Any, expected_version: int, mine: dict[str, Any]) -> Merge:
    """Three-way merge of a stale draft: base (what the user saw), theirs (stored now), mine (the draft)."""
    rec = record_for(obj)
    entries = entries_since(rec, obj, expected_version)
    base: dict[str, Any] = {}
    for entry in entries:
        for name, change in (entry.changes or {}).items():
            if isinstance(change, list) and len(change) == 2:
                base.setdefault(name, change[0])
    current = rec.snapshot(obj)
    result = Merge(rec, obj.version, dict(mine), entries=entries)
    for name, my_value in mine.items():
        if name not in base or name not in rec.by_name:
            continue
        theirs = current.get(name)
        if my_value == theirs:
            continue
        if my_value == base[name]:
            result.values[name] = theirs
            result.taken.append((rec.by_name[name], theirs))
        else:
            result.conflicts.append(Conflict(rec.by_name[name], my_value, theirs))
    return result


def apply(rec: Record, obj: Any, clean: dict[str, Any]) -> dict[str, list[Any]]:
    """Write cleaned values, run the record's rules, and return the field diff."""
    before = rec.snapshot(obj)
    with db.session.no_autoflush:
        for name, plain in clean.items():
            rec.by_name[name].write(obj, plain)
        if rec.validate is not None:
            rec.validate(obj)
    return diff(before, rec.snapshot(obj))


def touch_case(case: Any) -> None:
    """Move the case's version on when a part of it changes (caches and open edit forms see it)."""
    if case is not None:
        case.updated_at = utcnow()
        db.session.flush()


def audit(action: str, obj: Any, actor: Any, changes: dict[str, Any], *, rec: Record | None = None) -> AuditEntry:
    """The one audit entry of a change to a record."""
    rec = rec or record_for(obj)
    case = rec.case_of(obj)
    return record(
        f"{rec.name}.{action}",
        actor=actor,
        object_type=rec.name,
        object_id=obj.id,
        object_version=getattr(obj, "version", None),
        case_id=case.id if case is not None else None,
        case_version=case.version if case is not None else None,
        summary=str(rec.summary(obj) or ""),
        changes=changes,
    )


def _after(rec: Record, obj: Any, actor: Any, changes: dict[str, Any]) -> None:
    if rec.after_change is not None:
        rec.after_change(obj, actor, changes)


def _case_moves(rec: Record, obj: Any) -> Any:
    case = rec.case_of(obj)
    return case if case is not None and case is not obj else None


def create(model: type, *, actor: Any, values: dict[str, Any], **init: Any) -> Any:
    """Create a record from plain or form values; public values on a published case wait for review."""
    rec = record_for(model)
    clean = rec.clean(values)
    with db.session.no_autoflush:
        obj = model(**init)
        now, held = review.split(rec, obj, actor, clean, creating=True)
        changes = apply(rec, obj, now)
    db.session.add(obj)
    db.session.flush()
    touch_case(_case_moves(rec, obj))
    created = {k: [None, v] for k, v in rec.snapshot(obj).items() if v not in (None, "", [], False)}
    audit("create", obj, actor, created, rec=rec)
    if held:
        review.hold(rec, obj, actor, held)
    _after(rec, obj, actor, changes)
    return obj


def update(obj: Any, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None) -> dict[str, Any]:
    """Edit a record; refused (StaleRecord) if it moved on since the edit began. Returns the applied diff."""
    rec = record_for(obj)
    check_version(obj, expected_version)
    clean = rec.clean(changes)
    now, held = review.split(rec, obj, actor, clean)
    delta = apply(rec, obj, now)
    if delta:
        db.session.flush()
        touch_case(_case_moves(rec, obj))
        audit("update", obj, actor, delta, rec=rec)
        _after(rec, obj, actor, delta)
    if held:
        review.hold(rec, obj, actor, held)
    return delta


def delete(obj: Any, *, actor: Any, expected_version: int | None = None) -> None:
    """Delete a record (the history keeps what it held); refused if it changed since it was shown."""
    rec = record_for(obj)
    check_version(obj, expected_version)
    if review.needs_review(rec, obj, actor) and _shown(rec, obj):
        raise FieldError(None, review.REMOVE_NEEDS_REVIEW)
    removed = {k: [v, None] for k, v in rec.snapshot(obj).items() if v not in (None, "", [], False)}
    case = _case_moves(rec, obj)
    audit("delete", obj, actor, removed, rec=rec)
    db.session.delete(obj)
    db.session.flush()
    if case is not None:
        db.session.expire(case)
        touch_case(case)
    _after(rec, obj, actor, {"__deleted__": True})


def _shown(rec: Record, obj: Any) -> bool:
    return rec.shown_publicly(obj) if rec.shown_publicly is not None else bool(rec.public_fields)


def stored_value(obj: Any, name: str) -> Any:
    """The plain value stored now (a merge's "theirs")."""
    return record_for(obj).by_name[name].read(obj)
