"""The verbs of organizations. Services flush; callers commit. Every change writes its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from casefiles.audit.services import record
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.organizations.models import Organization, OrganizationKind, case_partners, organization_key
from casefiles.records import editing


def find_organization(name: str) -> Organization | None:
    """The organization whose name matches, ignoring case, spacing, apostrophe and dash style."""
    return db.session.scalars(select(Organization).where(Organization.name_key == organization_key(name))).first()


def organizations_by_key(names: Iterable[str]) -> dict[str, Organization]:
    """Existing organizations for many names at once, keyed by organization_key (batched lookups)."""
    keys = sorted({organization_key(n) for n in names if n and n.strip()})
    found: dict[str, Organization] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for org in db.session.scalars(select(Organization).where(Organization.name_key.in_(chunk))):
            found[org.name_key] = org
    return found


def create_organization(*, actor: Any, values: dict[str, Any]) -> Organization:
    """Add an organization; its name must not match an existing one (FieldError)."""
    # No kind given is "other", as a pasted signatory or an imported row without one.
    values = {k: v for k, v in values.items() if not (k == "kind" and not v)}
    return editing.create(
        Organization, actor=actor, values=values, kind=OrganizationKind.OTHER.value, city="", province="", website=""
    )


def update_organization(
    org: Organization, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit an organization; refused (StaleRecord) if someone saved it since the edit began."""
    changes = {k: v for k, v in changes.items() if not (k == "kind" and not v)}
    return editing.update(org, actor=actor, changes=changes, expected_version=expected_version)


def case_partners_of(case: Any) -> list[Organization]:
    """The organizations that are partners on a case."""
    return list(
        db.session.scalars(
            select(Organization)
            .join(case_partners, case_partners.c.organization_id == Organization.id)
            .where(case_partners.c.case_id == case.id)
            .order_by(Organization.name)
        )
    )


def set_case_partners(case: Any, organizations: list[Organization], *, actor: Any) -> dict:
    """Replace the partner organizations of a case, auditing the change on the case's history."""
    before = sorted(o.name for o in case_partners_of(case))
    wanted = {o.id: o for o in organizations}
    db.session.execute(delete(case_partners).where(case_partners.c.case_id == case.id))
    if wanted:
        db.session.execute(
            case_partners.insert(), [{"case_id": case.id, "organization_id": org_id} for org_id in sorted(wanted)]
        )
    after = sorted(o.name for o in wanted.values())
    if before == after:
        return {}
    case.updated_at = utcnow()
    db.session.flush()
    record(
        "case.partners",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={"partners": [before, after]},
    )
    return {"partners": [before, after]}
