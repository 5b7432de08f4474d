"""The verbs of the people in a case file. Services flush; callers commit; the kernel writes the audit."""

from __future__ import annotations

from typing import Any

from casefiles.cases.indexing import reindex_case
from casefiles.cases.models import Case
from casefiles.enums import NameConsent, PersonCategory
from casefiles.people.models import Person
from casefiles.records import editing


def add_person(case: Case, *, actor: Any, values: dict[str, Any]) -> Person:
    """Add a person to the case."""
    return editing.create(
        Person,
        actor=actor,
        values=values,
        case=case,
        position=len(case.people),
        category=PersonCategory.OTHER.value,
        name_consent=NameConsent.NONE.value,
    )


def update_person(
    person: Person, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict[str, Any]:
    """Edit a person of the case."""
    return editing.update(person, actor=actor, changes=values, expected_version=expected_version)


def remove_person(person: Person, *, actor: Any, expected_version: int | None = None) -> None:
    """Remove a person from the case."""
    editing.delete(person, actor=actor, expected_version=expected_version)


def after_person_change(person: Person, actor: Any, changes: dict[str, Any]) -> None:
    """Search words follow; a withdrawn consent unpublishes the case at once."""
    case = person.case
    if "__deleted__" in changes:
        case = db_case(person)
    if case is None:
        return
    reindex_case(case)
    consent = changes.get("name_consent")
    if consent and consent[1] == NameConsent.NONE.value:
        from casefiles.public.services import consent_withdrawn

        consent_withdrawn(person, actor=actor)


def db_case(person: Person) -> Case | None:
    from casefiles.extensions import db

    return db.session.get(Case, person.case_id) if person.case_id else None
