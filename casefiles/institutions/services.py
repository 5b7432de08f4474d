"""Institutions: find or create, update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casefiles.audit.services import diff, record
from casefiles.enums import InstitutionKind
from casefiles.extensions import db
from casefiles.institutions.models import Institution, institution_key

FIELDS = ("name", "kind", "region", "country")


def find_institution(name: str) -> Institution | None:
    """An institution by name, ignoring case and surrounding spaces."""
    return db.session.scalars(
        select(Institution).where(Institution.name_key == institution_key(name)).order_by(Institution.id).limit(1)
    ).first()


def find_or_create_institution(
    name: str, *, actor: Any, kind: str | None = None, region: str = "", country: str = "Canada"
) -> Institution:
    """The existing institution of that name, or a new one (audited)."""
    name = " ".join(name.split())
    existing = find_institution(name)
    if existing is not None:
        return existing
    institution = Institution(
        name=name,
        name_key=institution_key(name),
        kind=(InstitutionKind.coerce(kind) or InstitutionKind.OTHER).value,
        region=region.strip(),
        country=(country or "Canada").strip(),
    )
    db.session.add(institution)
    db.session.flush()
    record(
        "institution.create",
        actor=actor,
        object_type="institution",
        object_id=institution.id,
        summary=institution.name,
        changes={f: [None, getattr(institution, f)] for f in FIELDS},
    )
    return institution


def update_institution(institution: Institution, *, actor: Any, changes: dict[str, Any]) -> dict[str, list]:
    """Apply changes to an institution and audit the diff."""
    before = {f: getattr(institution, f) for f in FIELDS}
    for field in FIELDS:
        if field in changes:
            setattr(institution, field, changes[field])
    institution.name_key = institution_key(institution.name)
    delta = diff(before, {f: getattr(institution, f) for f in FIELDS})
    if delta:
        db.session.flush()
        record(
            "institution.update",
            actor=actor,
            object_type="institution",
            object_id=institution.id,
            summary=institution.name,
            changes=delta,
        )
    return delta
