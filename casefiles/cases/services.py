"""The verbs of a case file. Services flush; callers commit. Every change writes its audit entry."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from casefiles.audit.models import AuditEntry
from casefiles.audit.services import diff, record
from casefiles.auth.models import User
from casefiles.cases.models import Case, CaseSearchToken, Event, Sanction, Tag, Task
from casefiles.dates import PartialDate
from casefiles.db import utcnow
from casefiles.enums import (
    CaseStatus,
    EventKind,
    NameConsent,
    Outcome,
    PersonCategory,
    Priority,
    SanctionType,
)
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person
from casefiles.search import tokens

CASE_FIELDS = (
    "title",
    "status",
    "outcome",
    "priority",
    "institution_id",
    "speech_text",
    "speech_platform",
    "speech_url",
    "speech_date",
    "public_summary",
    "private_notes",
)
PERSON_FIELDS = (
    "legal_name",
    "name_consent",
    "pseudonym",
    "pronouns",
    "category",
    "contact_email",
    "contact_phone",
    "contact_notes",
)
SANCTION_FIELDS = ("type", "imposed_by", "date", "duration", "appeal_deadline", "notes")
EVENT_FIELDS = ("kind", "date", "title", "description", "is_public")
TASK_FIELDS = ("title", "due_date", "owner_id", "done")
PARTIAL_DATE_FIELDS = {"speech_date", "date"}
ENUM_FIELDS = {
    "status": CaseStatus,
    "outcome": Outcome,
    "priority": Priority,
    "name_consent": NameConsent,
    "category": PersonCategory,
    "type": SanctionType,
    "kind": EventKind,
}
MAX_TEXT = 100_000


class CaseError(ValueError):
    """A change the rules refuse; `field` names the form field, `message` is translated."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class StaleCaseError(Exception):
    """Someone else saved the case after this edit began; `entries` say what they changed."""

    def __init__(self, case: Case, entries: list[AuditEntry]) -> None:
        super().__init__(f"case {case.id} changed since the edit began")
        self.case = case
        self.entries = entries


# -- helpers ---------------------------------------------------------------------------------------


def _get(obj: Any, field: str) -> Any:
    if field in PARTIAL_DATE_FIELDS and hasattr(obj, f"{field}_precision"):
        partial = PartialDate.from_columns(getattr(obj, field), getattr(obj, f"{field}_precision"))
        return partial.iso() if partial else None
    return getattr(obj, field)


def _set(obj: Any, field: str, value: Any) -> None:
    if field in ENUM_FIELDS:
        member = ENUM_FIELDS[field].coerce(value)
        if member is None:
            raise CaseError(field, _l("Choose a value from the list."))
        value = member.value
    if field in PARTIAL_DATE_FIELDS and hasattr(obj, f"{field}_precision"):
        if isinstance(value, str):
            value = PartialDate.parse(value)
        setattr(obj, field, value.value if value else None)
        setattr(obj, f"{field}_precision", value.precision.value if value else None)
        return
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_TEXT:
            raise CaseError(field, _l("This text is too long."))
    setattr(obj, field, value)


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _get(obj, f) for f in fields}


def _apply(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the given fields and return the field diff."""
    before = _snapshot(obj, fields)
    for field in fields:
        if field in values:
            _set(obj, field, values[field])
    return diff(before, _snapshot(obj, fields))


def _touch(case: Case) -> None:
    """Mark the case changed so its version moves on (caches and open edit forms see it)."""
    case.updated_at = utcnow()
    db.session.flush()


def _audit(action: str, case: Case, actor: Any, obj: Any, changes: dict, summary: str = "") -> None:
    record(
        action,
        actor=actor,
        object_type=type(obj).__name__.lower(),
        object_id=obj.id,
        case_id=case.id,
        case_version=case.version,
        summary=summary,
        changes=changes,
    )


def _institution_label(case: Case) -> str | None:
    if case.institution_id is None:
        return None
    inst = case.institution or db.session.get(Institution, case.institution_id)
    return inst.name if inst else None


def case_snapshot(case: Case) -> dict[str, Any]:
    """Every editable value of the case, as the history shows it."""
    snap = _snapshot(case, CASE_FIELDS)
    snap["institution_id"] = _institution_label(case)
    snap["tags"] = sorted(t.name for t in case.tags)
    snap["assignees"] = sorted(u.display_name for u in case.assignees)
    return snap


def _check_appeal_deadline(sanction: Sanction) -> None:
    if sanction.appeal_deadline and sanction.date:
        partial = sanction.when
        # The sanction's earliest possible day: a month-only date may be any day of that month.
        if partial and sanction.appeal_deadline < partial.value:
            raise CaseError("appeal_deadline", _l("The appeal deadline cannot be before the sanction date."))


def _sync_appeal_task(case: Case, sanction: Sanction, actor: Any) -> None:
    """Keep one task per sanction for its appeal deadline."""
    task = db.session.scalars(select(Task).where(Task.sanction_id == sanction.id)).first()
    if sanction.appeal_deadline is None:
        if task is not None:
            db.session.delete(task)
        return
    title = str(_l("Appeal deadline: %(sanction)s", sanction=sanction.type_enum.label))
    if task is None:
        owner_id = case.assignees[0].id if case.assignees else getattr(actor, "id", None)
        task = Task(
            case=case, sanction_id=sanction.id, title=title, due_date=sanction.appeal_deadline, owner_id=owner_id
        )
        db.session.add(task)
    else:
        task.due_date = sanction.appeal_deadline
        task.title = title


def _document_text(case: Case) -> str:
    """The text of the case's documents (staff search only; the public search has its own index)."""
    from casefiles.documents.services import case_document_text  # documents build on cases

    return case_document_text(case)


def reindex_case(case: Case) -> None:
    """Rebuild the search words of a case: title, names, speech, summary, notes, institution, tags."""
    words = tokens(
        case.title,
        case.external_ref,
        case.speech_text,
        case.speech_platform,
        case.public_summary,
        case.private_notes,
        _institution_label(case),
        " ".join(t.name for t in case.tags),
        *[f"{p.legal_name} {p.pseudonym}" for p in case.people],
        _document_text(case),
    )
    db.session.execute(delete(CaseSearchToken).where(CaseSearchToken.case_id == case.id))
    if words:
        db.session.execute(
            CaseSearchToken.__table__.insert(), [{"case_id": case.id, "token": w} for w in sorted(words)]
        )


def _set_tags(case: Case, names: list[str]) -> None:
    wanted = []
    for name in names:
        clean = " ".join(name.split()).lower()[:60]
        if clean and clean not in wanted:
            wanted.append(clean)
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(wanted)))} if wanted else {}
    result = []
    for name in wanted:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        result.append(tag)
    case.tags = result


def _set_assignees(case: Case, user_ids: list[int]) -> None:
    users = list(db.session.scalars(select(User).where(User.id.in_(user_ids)))) if user_ids else []
    case.assignees = users


# -- cases -----------------------------------------------------------------------------------------


def _resolve_institution(values: dict[str, Any], actor: Any) -> dict[str, Any]:
    """Turn an `institution` dict (name, kind, region, country) into an institution_id."""
    if "institution" not in values:
        return values
    from casefiles.institutions.services import find_or_create_institution

    values = dict(values)
    spec = values.pop("institution") or {}
    name = (spec.get("name") or "").strip()
    if not name:
        values["institution_id"] = None
    else:
        institution = find_or_create_institution(
            name,
            actor=actor,
            kind=spec.get("kind"),
            region=spec.get("region") or "",
            country=spec.get("country") or "Canada",
        )
        values["institution_id"] = institution.id
    return values


def create_case(
    *,
    actor: Any,
    values: dict[str, Any],
    person: dict[str, Any] | None = None,
    sanction: dict[str, Any] | None = None,
) -> Case:
    """Open a new case file, optionally with its first person and sanction."""
    values = _resolve_institution(values, actor)
    case = Case(status=CaseStatus.INTAKE.value, outcome=Outcome.ONGOING.value, priority=Priority.NORMAL.value)
    case.created_by_id = getattr(actor, "id", None)
    _apply(case, CASE_FIELDS, values)
    if not case.title:
        raise CaseError("title", _l("Give the case a title."))
    if "external_ref" in values:
        case.external_ref = (values["external_ref"] or "").strip() or None
    db.session.add(case)
    if "tags" in values:
        _set_tags(case, values["tags"])
    assignee_ids = list(values.get("assignee_ids") or [])
    if not assignee_ids and getattr(actor, "role_value", None) == "volunteer":
        assignee_ids = [actor.id]  # a volunteer keeps the cases they open
    _set_assignees(case, assignee_ids)
    db.session.flush()
    record(
        "case.create",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={k: [None, v] for k, v in case_snapshot(case).items() if v not in (None, "", [])},
    )
    if person:
        add_person(case, actor=actor, values=person)
    if sanction:
        add_sanction(case, actor=actor, values=sanction)
    reindex_case(case)
    return case


def changes_since(case: Case, version: int) -> list[AuditEntry]:
    """Audit entries of this case written after the given version."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.case_id == case.id, AuditEntry.case_version > version)
            .order_by(AuditEntry.id)
        )
    )


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse to save over a version the editor never saw."""
    if expected_version is not None and int(expected_version) != case.version:
        raise StaleCaseError(case, changes_since(case, int(expected_version)))


def update_case(
    case: Case, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit the case's own fields, tags and assignees; refused if the case moved on since the edit began."""
    check_version(case, expected_version)
    changes = _resolve_institution(changes, actor)
    before = case_snapshot(case)
    for field in CASE_FIELDS:
        if field in changes:
            _set(case, field, changes[field])
    if not case.title:
        raise CaseError("title", _l("Give the case a title."))
    if "tags" in changes:
        _set_tags(case, changes["tags"])
    if "assignee_ids" in changes:
        _set_assignees(case, list(changes["assignee_ids"]))
    db.session.flush()
    delta = diff(before, case_snapshot(case))
    if delta:
        _touch(case)
        record(
            "case.update",
            actor=actor,
            object_type="case",
            object_id=case.id,
            case_id=case.id,
            case_version=case.version,
            summary=case.title,
            changes=delta,
        )
        reindex_case(case)
    return delta


def archive_case(case: Case, *, actor: Any) -> None:
    """Take a case out of the working lists without losing anything."""
    if case.archived_at is None:
        case.archived_at = utcnow()
        db.session.flush()
        _audit("case.archive", case, actor, case, {"archived": [False, True]}, case.title)


def restore_case(case: Case, *, actor: Any) -> None:
    """Bring an archived case back."""
    if case.archived_at is not None:
        case.archived_at = None
        db.session.flush()
        _audit("case.restore", case, actor, case, {"archived": [True, False]}, case.title)


def delete_case(case: Case, *, actor: Any) -> None:
    """Delete a case and everything in it for good (admins only; the audit entry survives)."""
    record(
        "case.delete",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={"reference": [case.reference, None]},
    )
    db.session.delete(case)
    db.session.flush()


def new_public_slug() -> str:
    """A random public identifier that reveals nothing about the case."""
    return secrets.token_urlsafe(9)


# -- people ----------------------------------------------------------------------------------------


def add_person(case: Case, *, actor: Any, values: dict[str, Any]) -> Person:
    """Add a person to the case."""
    person = Person(
        case=case, position=len(case.people), category=PersonCategory.OTHER.value, name_consent=NameConsent.NONE.value
    )
    changes = _apply(person, PERSON_FIELDS, values)
    if not person.legal_name:
        raise CaseError("legal_name", _l("Enter the person's name."))
    db.session.add(person)
    db.session.flush()
    _touch(case)
    _audit("person.create", case, actor, person, changes, person.legal_name)
    reindex_case(case)
    return person


def update_person(person: Person, *, actor: Any, values: dict[str, Any]) -> dict:
    """Edit a person of the case."""
    changes = _apply(person, PERSON_FIELDS, values)
    if not person.legal_name:
        raise CaseError("legal_name", _l("Enter the person's name."))
    if changes:
        db.session.flush()
        _touch(person.case)
        _audit("person.update", person.case, actor, person, changes, person.legal_name)
        reindex_case(person.case)
        if "name_consent" in changes and person.name_consent == NameConsent.NONE.value:
            from casefiles.public.services import consent_withdrawn

            consent_withdrawn(person, actor=actor)  # a withdrawn consent unpublishes at once
    return changes


def remove_person(person: Person, *, actor: Any) -> None:
    """Remove a person from the case."""
    case = person.case
    _remove_child(case, person, case.people, PERSON_FIELDS, person.legal_name, actor)
    reindex_case(case)


def _removed(obj: Any, fields: tuple[str, ...]) -> dict[str, list[Any]]:
    return {f: [v, None] for f, v in _snapshot(obj, fields).items() if v not in (None, "", False)}


def _remove_child(case: Case, obj: Any, collection: list, fields: tuple[str, ...], label: str, actor: Any) -> None:
    """Remove a child row, move the case version on, and audit what was removed."""
    removed = _removed(obj, fields)
    action = f"{type(obj).__name__.lower()}.delete"
    obj_id = obj.id
    collection.remove(obj)
    db.session.flush()
    _touch(case)
    record(
        action,
        actor=actor,
        object_type=type(obj).__name__.lower(),
        object_id=obj_id,
        case_id=case.id,
        case_version=case.version,
        summary=label,
        changes=removed,
    )


# -- sanctions -------------------------------------------------------------------------------------


def add_sanction(case: Case, *, actor: Any, values: dict[str, Any]) -> Sanction:
    """Record a sanction; its appeal deadline becomes a task."""
    sanction = Sanction(case=case)
    if "imposed_by" not in values or not values.get("imposed_by"):
        values = {**values, "imposed_by": _institution_label(case) or ""}
    changes = _apply(sanction, SANCTION_FIELDS, values)
    if not sanction.type:
        raise CaseError("type", _l("Choose the type of sanction."))
    _check_appeal_deadline(sanction)
    db.session.add(sanction)
    db.session.flush()
    _sync_appeal_task(case, sanction, actor)
    _touch(case)
    _audit("sanction.create", case, actor, sanction, changes, sanction.type_enum.label)
    return sanction


def update_sanction(sanction: Sanction, *, actor: Any, values: dict[str, Any]) -> dict:
    """Edit a sanction and keep its appeal-deadline task in step."""
    changes = _apply(sanction, SANCTION_FIELDS, values)
    _check_appeal_deadline(sanction)
    if changes:
        db.session.flush()
        _sync_appeal_task(sanction.case, sanction, actor)
        _touch(sanction.case)
        _audit("sanction.update", sanction.case, actor, sanction, changes, sanction.type_enum.label)
    return changes


def remove_sanction(sanction: Sanction, *, actor: Any) -> None:
    """Remove a sanction (and its appeal-deadline task)."""
    case = sanction.case
    for task in [t for t in case.tasks if t.sanction_id == sanction.id]:
        case.tasks.remove(task)
    _remove_child(case, sanction, case.sanctions, SANCTION_FIELDS, sanction.type_enum.label, actor)


# -- timeline events -------------------------------------------------------------------------------


def add_event(case: Case, *, actor: Any, values: dict[str, Any]) -> Event:
    """Add a dated event to the timeline."""
    event = Event(case=case, kind=EventKind.OTHER.value, is_public=False)
    changes = _apply(event, EVENT_FIELDS, values)
    if event.date is None:
        raise CaseError("date", _l("Enter the date of the event."))
    if not event.title:
        raise CaseError("title", _l("Give the event a title."))
    db.session.add(event)
    db.session.flush()
    _touch(case)
    _audit("event.create", case, actor, event, changes, event.title)
    return event


def update_event(event: Event, *, actor: Any, values: dict[str, Any]) -> dict:
    """Edit a timeline event."""
    changes = _apply(event, EVENT_FIELDS, values)
    if event.date is None:
        raise CaseError("date", _l("Enter the date of the event."))
    if not event.title:
        raise CaseError("title", _l("Give the event a title."))
    if changes:
        db.session.flush()
        _touch(event.case)
        _audit("event.update", event.case, actor, event, changes, event.title)
    return changes


def remove_event(event: Event, *, actor: Any) -> None:
    """Remove a timeline event."""
    case = event.case
    _remove_child(case, event, case.events, EVENT_FIELDS, event.title, actor)


# -- deadlines and tasks ---------------------------------------------------------------------------


def add_task(case: Case, *, actor: Any, values: dict[str, Any]) -> Task:
    """Add a deadline or task."""
    task = Task(case=case, done=False)
    changes = _apply(task, TASK_FIELDS, values)
    if not task.title:
        raise CaseError("title", _l("Describe the task."))
    if not isinstance(task.due_date, date):
        raise CaseError("due_date", _l("Enter the due date."))
    db.session.add(task)
    db.session.flush()
    _touch(case)
    _audit("task.create", case, actor, task, changes, task.title)
    return task


def update_task(task: Task, *, actor: Any, values: dict[str, Any]) -> dict:
    """Edit a task, or mark it done / not done."""
    if task.is_appeal_deadline:
        # The appeal deadline belongs to the sanction; only its owner and done flag change here.
        values = {k: v for k, v in values.items() if k in ("owner_id", "done")}
    changes = _apply(task, TASK_FIELDS, values)
    if "done" in changes:
        task.done_at = utcnow() if task.done else None
    if changes:
        db.session.flush()
        _touch(task.case)
        _audit("task.update", task.case, actor, task, changes, task.title)
    return changes


def remove_task(task: Task, *, actor: Any) -> None:
    """Remove a task (an appeal deadline goes only with its sanction)."""
    if task.is_appeal_deadline:
        raise CaseError(None, _l("An appeal deadline is removed by editing its sanction."))
    case = task.case
    _remove_child(case, task, case.tasks, TASK_FIELDS, task.title, actor)
