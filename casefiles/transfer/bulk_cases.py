"""Creating many imported cases at once, with exactly the rows and audit entries the case services write.

The case services flush several times per case (fine for a form, ~20 ms a case); a 10,000-row import needs
one flush per chunk. This module applies the same declared field rules (the record kernel's apply and snapshots),
writes the same audit entries (case.create, person.create, sanction.create, with field diffs) and the same
full-text entries as reindex_case. Updates of existing cases still go through the services one by one.
"""

from __future__ import annotations

from typing import Any

from casefiles.audit.models import AuditEntry
from casefiles.audit.services import record
from casefiles.cases.indexing import insert_search_entries
from casefiles.cases.models import Case, Sanction
from casefiles.cases.records import CASE, SANCTION
from casefiles.db import utcnow
from casefiles.enums import CaseStatus, NameConsent, Outcome, PersonCategory, Priority
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person
from casefiles.people.records import PERSON
from casefiles.records.editing import apply as apply_fields


def create_cases(
    items: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]],
    *,
    actor: Any,
    institutions: dict[int, Institution],
) -> list[Case]:
    """Create cases from (case values, person values, sanction values or None); flushes once for the lot."""
    created: list[tuple[Case, dict, Person, dict, Sanction | None, dict]] = []
    for values, person_values, sanction_values in items:
        case = Case(status=CaseStatus.INTAKE.value, outcome=Outcome.ONGOING.value, priority=Priority.NORMAL.value)
        case.created_by_id = getattr(actor, "id", None)
        case.tags = []
        case.assignees = [actor] if getattr(actor, "role_value", None) == "volunteer" else []
        institution_id = values.pop("institution_id", None)
        apply_fields(CASE, case, CASE.clean(values))
        case.external_ref = (values.get("external_ref") or "").strip() or None
        if institution_id is not None:
            case.institution = institutions[institution_id]
        person = Person(position=0, category=PersonCategory.OTHER.value, name_consent=NameConsent.NONE.value)
        person_changes = apply_fields(PERSON, person, PERSON.clean(person_values))
        case.people = [person]
        sanction, sanction_changes = None, {}
        if sanction_values:
            sanction = Sanction()
            if not sanction_values.get("imposed_by"):
                label = case.institution.name if case.institution is not None else ""
                sanction_values = {**sanction_values, "imposed_by": label}
            sanction_changes = apply_fields(SANCTION, sanction, SANCTION.clean(sanction_values))
            case.sanctions = [sanction]
        else:
            case.sanctions = []
        case.events, case.tasks = [], []
        db.session.add(case)
        created.append((case, values, person, person_changes, sanction, sanction_changes))
    db.session.flush()
    entries: list[AuditEntry] = []
    with db.session.no_autoflush:
        for case, _values, person, person_changes, sanction, sanction_changes in created:
            entries.append(_audit("case.create", case, actor, case, _created(CASE.snapshot(case)), case.title))
            entries.append(_audit("person.create", case, actor, person, person_changes, person.legal_name))
            if sanction is not None:
                label = sanction.type_enum.label
                entries.append(_audit("sanction.create", case, actor, sanction, sanction_changes, label))
    _insert_entries(entries)
    insert_search_entries([c[0] for c in created])
    return [c[0] for c in created]


def _created(snapshot: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in snapshot.items() if v not in (None, "", [])}


def _insert_entries(entries: list[AuditEntry]) -> None:
    """Entries built by record() (same content and format), written with one multi-row INSERT."""
    columns = [c.key for c in AuditEntry.__table__.columns if c.key != "id"]
    rows = []
    for entry in entries:
        db.session.expunge(entry)
        entry.created_at = entry.created_at or utcnow()
        rows.append({c: getattr(entry, c) for c in columns})
    if rows:
        db.session.execute(AuditEntry.__table__.insert(), rows)


def _audit(action: str, case: Case, actor: Any, obj: Any, changes: dict, summary: str) -> AuditEntry:
    return record(
        action,
        actor=actor,
        object_type=type(obj).__name__.lower(),
        object_id=obj.id,
        object_version=obj.version,
        case_id=case.id,
        case_version=case.version,
        summary=summary,
        changes=changes,
    )
