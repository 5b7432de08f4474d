"""The verbs of a case file. Services flush; callers commit. The record kernel applies, reviews and audits."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casefiles.audit.services import record
from casefiles.cases.entry import sanction_event_values, suggest_title
from casefiles.cases.models import Case, Event, Harm, Proceeding, Sanction, Task
from casefiles.db import utcnow
from casefiles.enums import CaseStatus, EventKind, Outcome, Priority
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.services import add_person
from casefiles.records import editing
from casefiles.records.fields import FieldError


def resolve_institution(values: dict[str, Any], actor: Any) -> dict[str, Any]:
    """A named institution that is not recorded yet is created (with the kind and region given for it)."""
    values = dict(values)
    spec = values.pop("institution_new", None) or {}
    if isinstance(values.get("institution"), dict):  # {"name", "kind", "region", "country"}
        spec = values["institution"]
        values["institution"] = spec.get("name") or None
    if "institution_id" in values:
        institution_id = values.pop("institution_id")
        institution = db.session.get(Institution, institution_id) if institution_id else None
        values["institution"] = institution.name if institution else None
    name = values.get("institution")
    if not name or not isinstance(name, str):
        return values
    from casefiles.institutions.services import find_or_create_institution

    find_or_create_institution(
        name, actor=actor, kind=spec.get("kind"), region=spec.get("region") or "", country=spec.get("country") or ""
    )
    return values


def create_case(
    *,
    actor: Any,
    values: dict[str, Any],
    person: dict[str, Any] | None = None,
    sanction: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    sanction_event: bool = False,
) -> Case:
    """Open a new case file, optionally with its first person, sanction and timeline events.

    A blank title is made from the person (as their consent allows), the sanction and the institution;
    with `sanction_event`, a dated sanction also enters the timeline.
    """
    values = dict(resolve_institution(values, actor))
    if not str(values.get("title") or "").strip():
        values["title"] = suggest_title(
            person, (sanction or {}).get("type"), values.get("institution"), values.get("group_name")
        )
    if not values.get("assignee_ids") and getattr(actor, "role_value", None) == "volunteer":
        values["assignee_ids"] = [actor.id]  # a volunteer keeps the cases they open
    case = editing.create(
        Case,
        actor=actor,
        values=values,
        status=CaseStatus.INTAKE.value,
        outcome=Outcome.ONGOING.value,
        priority=Priority.NORMAL.value,
        created_by_id=getattr(actor, "id", None),
    )
    if person:
        add_person(case, actor=actor, values=person)
    if sanction:
        add_sanction(case, actor=actor, values=sanction, timeline_event=sanction_event)
    for event in events or []:
        add_event(case, actor=actor, values=event)
    return case


def update_case(
    case: Case, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit the case's own fields, tags and assignees; refused if the case moved on since the edit began."""
    editing.check_version(case, expected_version)
    changes = resolve_institution(changes, actor)
    return editing.update(case, actor=actor, changes=changes, expected_version=expected_version)


def archive_case(case: Case, *, actor: Any) -> None:
    """Take a case out of the working lists without losing anything."""
    if case.archived_at is None:
        case.archived_at = utcnow()
        db.session.flush()
        editing.audit("archive", case, actor, {"archived": [False, True]})


def restore_case(case: Case, *, actor: Any) -> None:
    """Bring an archived case back."""
    if case.archived_at is not None:
        case.archived_at = None
        db.session.flush()
        editing.audit("restore", case, actor, {"archived": [True, False]})


def delete_case(case: Case, *, actor: Any) -> None:
    """Delete a case and everything in it for good (admins only; the audit entry survives)."""
    record(
        "case.delete",
        actor=actor,
        object_type="case",
        object_id=case.id,
        object_version=case.version,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={"reference": [case.reference, None]},
    )
    db.session.delete(case)
    db.session.flush()


# -- sanctions -------------------------------------------------------------------------------------


def _institution_default(case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """A sanction with no imposing institution named was imposed by the case's institution."""
    if not values.get("institution") and not values.get("institution_id") and case.institution is not None:
        return {**values, "institution": case.institution.name}
    return values


def add_sanction(case: Case, *, actor: Any, values: dict[str, Any], timeline_event: bool = False) -> Sanction:
    """Record a sanction by its own institution (a new one is recorded); its appeal deadline becomes a task,
    and with `timeline_event` its date enters the timeline too, so nobody types it twice."""
    if not values.get("type"):
        raise FieldError("type", _l("Choose the type of sanction."))
    values = resolve_institution(_institution_default(case, values), actor)
    sanction = editing.create(Sanction, actor=actor, values=values, case=case)
    event = sanction_event_values(sanction) if timeline_event else None
    if event is not None:
        add_event(case, actor=actor, values=event)
    return sanction


def add_sanction_with_event(case: Case, *, actor: Any, values: dict[str, Any]) -> Sanction:
    """A sanction entered on a form: its timeline event comes with it."""
    return add_sanction(case, actor=actor, values=values, timeline_event=True)


def update_sanction(
    sanction: Sanction, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict:
    """Edit a sanction and keep its appeal-deadline task in step."""
    editing.check_version(sanction, expected_version)
    return editing.update(
        sanction, actor=actor, changes=resolve_institution(values, actor), expected_version=expected_version
    )


def remove_sanction(sanction: Sanction, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a sanction (and its appeal-deadline task)."""
    editing.check_version(sanction, expected_version)
    case = sanction.case
    for task in [t for t in case.tasks if t.sanction_id == sanction.id]:
        case.tasks.remove(task)
    editing.delete(sanction, actor=actor, expected_version=expected_version)


# -- harms and legal proceedings -------------------------------------------------------------------


def add_harm(case: Case, *, actor: Any, values: dict[str, Any]) -> Harm:
    """Record harassment, doxxing, threats or a smear campaign (public only once reviewed)."""
    return editing.create(Harm, actor=actor, values=values, case=case, is_public=False)


def update_harm(harm: Harm, *, actor: Any, values: dict[str, Any], expected_version: int | None = None) -> dict:
    """Edit a harm."""
    return editing.update(harm, actor=actor, changes=values, expected_version=expected_version)


def remove_harm(harm: Harm, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a harm."""
    editing.delete(harm, actor=actor, expected_version=expected_version)


def add_proceeding(case: Case, *, actor: Any, values: dict[str, Any]) -> Proceeding:
    """Record a legal proceeding; its hearings are added as its deadlines."""
    return editing.create(Proceeding, actor=actor, values=values, case=case, is_public=False)


def update_proceeding(
    proceeding: Proceeding, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict:
    """Edit a legal proceeding."""
    return editing.update(proceeding, actor=actor, changes=values, expected_version=expected_version)


def remove_proceeding(proceeding: Proceeding, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a proceeding with its hearings (each removal is in the history); its events stay on the timeline."""
    editing.check_version(proceeding, expected_version)
    case = proceeding.case
    for hearing in list(proceeding.hearings):
        editing.delete(hearing, actor=actor)
    for event in [e for e in case.events if e.proceeding_id == proceeding.id]:
        editing.update(event, actor=actor, changes={"proceeding_id": None})
    db.session.expire(proceeding, ["hearings"])
    editing.delete(proceeding, actor=actor, expected_version=expected_version)


# -- timeline events -------------------------------------------------------------------------------


def add_event(case: Case, *, actor: Any, values: dict[str, Any]) -> Event:
    """Add a dated event to the timeline (public only once reviewed, on a published case)."""
    return editing.create(Event, actor=actor, values=values, case=case, kind=EventKind.OTHER.value, is_public=False)


def update_event(event: Event, *, actor: Any, values: dict[str, Any], expected_version: int | None = None) -> dict:
    """Edit a timeline event."""
    return editing.update(event, actor=actor, changes=values, expected_version=expected_version)


def remove_event(event: Event, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a timeline event."""
    editing.delete(event, actor=actor, expected_version=expected_version)


# -- deadlines and tasks ---------------------------------------------------------------------------


def add_task(case: Case, *, actor: Any, values: dict[str, Any]) -> Task:
    """Add a deadline or task."""
    return editing.create(Task, actor=actor, values=values, case=case, done=False)


def update_task(task: Task, *, actor: Any, values: dict[str, Any], expected_version: int | None = None) -> dict:
    """Edit a task, or mark it done / not done."""
    if task.is_appeal_deadline:
        # The appeal deadline belongs to the sanction; only its owner and done flag change here.
        values = {k: v for k, v in values.items() if k in ("owner_id", "done")}
    return editing.update(task, actor=actor, changes=values, expected_version=expected_version)


def remove_task(task: Task, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a task (an appeal deadline goes only with its sanction)."""
    if task.is_appeal_deadline:
        raise FieldError(None, _l("An appeal deadline is removed by editing its sanction."))
    editing.delete(task, actor=actor, expected_version=expected_version)
