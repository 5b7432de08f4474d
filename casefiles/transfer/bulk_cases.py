"""Creating many imported cases at once, with exactly the rows and audit entries the case services write.

The case services flush several times per case (fine for a form, ~20 ms a case); a 10,000-row import needs
one flush per chunk. This module applies the same field rules (the services' own _apply and snapshots), writes
the same audit entries (case.create, person.create, sanction.create, with field diffs) and stores the same search
words as the services' reindex_case. Updates of existing cases still go through the services one by one.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casefiles.audit.models import AuditEntry
from casefiles.audit.services import record
from casefiles.cases import services as case_services
from casefiles.cases.models import Case, CaseSearchToken, Sanction
from casefiles.db import utcnow
from casefiles.enums import CaseStatus, NameConsent, Outcome, PersonCategory, Priority
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person
from casefiles.search import tokens


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
        case_services._apply(case, case_services.CASE_FIELDS, values)
        if not case.title:
            raise case_services.CaseError("title", _l("Give the case a title."))
        case.external_ref = (values.get("external_ref") or "").strip() or None
        if case.institution_id is not None:
            case.institution = institutions[case.institution_id]
        person = Person(position=0, category=PersonCategory.OTHER.value, name_consent=NameConsent.NONE.value)
        person_changes = case_services._apply(person, case_services.PERSON_FIELDS, person_values)
        if not person.legal_name:
            raise case_services.CaseError("legal_name", _l("Enter the person's name."))
        case.people = [person]
        sanction, sanction_changes = None, {}
        if sanction_values:
            sanction = Sanction()
            if not sanction_values.get("imposed_by"):
                label = case.institution.name if case.institution is not None else ""
                sanction_values = {**sanction_values, "imposed_by": label}
            sanction_changes = case_services._apply(sanction, case_services.SANCTION_FIELDS, sanction_values)
            case.sanctions = [sanction]
        else:
            case.sanctions = []
        case.events, case.tasks = [], []
        db.session.add(case)
        created.append((case, values, person, person_changes, sanction, sanction_changes))
    db.session.flush()
    search_rows: list[dict[str, Any]] = []
    entries: list[AuditEntry] = []
    with db.session.no_autoflush:
        for case, _values, person, person_changes, sanction, sanction_changes in created:
            entries.append(
                _audit("case.create", case, actor, case, _created(case_services.case_snapshot(case)), case.title)
            )
            entries.append(_audit("person.create", case, actor, person, person_changes, person.legal_name))
            if sanction is not None:
                label = sanction.type_enum.label
                entries.append(_audit("sanction.create", case, actor, sanction, sanction_changes, label))
            search_rows += [{"case_id": case.id, "token": w} for w in sorted(search_words(case))]
    _insert_entries(entries)
    if search_rows:
        db.session.execute(CaseSearchToken.__table__.insert(), search_rows)
    return [c[0] for c in created]


def search_words(case: Case) -> set[str]:
    """The words reindex_case stores for a new case (a test checks the two agree)."""
    return tokens(
        case.title,
        case.external_ref,
        case.speech_text,
        case.speech_platform,
        case.public_summary,
        case.private_notes,
        case.institution.name if case.institution is not None else None,
        " ".join(t.name for t in case.tags),
        *[f"{p.legal_name} {p.pseudonym}" for p in case.people],
    )


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
        case_id=case.id,
        case_version=case.version,
        summary=summary,
        changes=changes,
    )
