"""The verbs of organizations. Services flush; callers commit. Every change writes its audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from casefiles.audit.services import diff, record
from casefiles.db import utcnow
from casefiles.extensions import db
from casefiles.organizations.models import Organization, OrganizationKind, case_partners, organization_key

FIELDS = ("name", "kind", "city", "province", "website")
LIMITS = {"name": 300, "kind": 30, "city": 100, "province": 100, "website": 2000}


class OrganizationError(ValueError):
    """A change the rules refuse; `field` names the form field, `message` is translated."""

    def __init__(self, field: str | None, message: Any) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class StaleOrganizationError(Exception):
    """Someone else saved the organization after this edit began."""


def _snapshot(org: Organization) -> dict[str, Any]:
    return {f: getattr(org, f) for f in FIELDS}


def _apply(org: Organization, values: dict[str, Any]) -> None:
    for field in FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field == "kind":
            member = OrganizationKind.coerce(value or OrganizationKind.OTHER.value)
            if member is None:
                raise OrganizationError("kind", _l("Choose a value from the list."))
            value = member.value
        value = (value or "").strip()
        if field == "name":
            # Exactly as written (curly apostrophes, accents, dashes), only outer and doubled spaces removed.
            value = " ".join(value.split())
        if len(value) > LIMITS[field]:
            raise OrganizationError(field, _l("This text is too long."))
        setattr(org, field, value)
    if not org.name:
        raise OrganizationError("name", _l("Enter the organization's name."))
    org.name_key = organization_key(org.name)


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


def _check_unique(org: Organization) -> None:
    clash = db.session.scalars(
        select(Organization).where(Organization.name_key == org.name_key, Organization.id != (org.id or -1))
    ).first()
    if clash is not None:
        raise OrganizationError("name", _l("An organization with this name already exists: %(name)s", name=clash.name))


def create_organization(*, actor: Any, values: dict[str, Any]) -> Organization:
    """Add an organization; its name must not match an existing one."""
    org = Organization(kind=OrganizationKind.OTHER.value, city="", province="", website="")
    _apply(org, values)
    with db.session.no_autoflush:
        _check_unique(org)
    db.session.add(org)
    db.session.flush()
    record(
        "organization.create",
        actor=actor,
        object_type="organization",
        object_id=org.id,
        summary=org.name,
        changes={k: [None, v] for k, v in _snapshot(org).items() if v},
    )
    return org


def update_organization(
    org: Organization, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit an organization; refused if someone saved it since the edit began."""
    if expected_version is not None and int(expected_version) != org.version:
        raise StaleOrganizationError()
    before = _snapshot(org)
    with db.session.no_autoflush:
        _apply(org, changes)
        _check_unique(org)
    delta = diff(before, _snapshot(org))
    if delta:
        db.session.flush()
        record(
            "organization.update",
            actor=actor,
            object_type="organization",
            object_id=org.id,
            summary=org.name,
            changes=delta,
        )
    return delta


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
