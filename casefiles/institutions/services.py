"""Institutions: find, find or create, update. The record kernel applies, checks versions and audits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casefiles.enums import InstitutionKind
from casefiles.extensions import db
from casefiles.institutions.models import Institution, institution_key
from casefiles.records import editing


def find_institution(name: str) -> Institution | None:
    """An institution by name, ignoring case and surrounding spaces."""
    return db.session.scalars(
        select(Institution).where(Institution.name_key == institution_key(name)).order_by(Institution.id).limit(1)
    ).first()


def find_or_create_institution(
    name: str, *, actor: Any, kind: str | None = None, region: str = "", country: str = "Canada"
) -> Institution:
    """The existing institution of that name, or a new one (audited); FieldError when a value is refused."""
    name = " ".join(name.split())
    existing = find_institution(name)
    if existing is not None:
        return existing
    return editing.create(
        Institution,
        actor=actor,
        values={
            "name": name,
            # An unknown kind (an old import, a free-text column) is "other" rather than a refused row.
            "kind": (InstitutionKind.coerce(kind) or InstitutionKind.OTHER).value,
            "region": region or "",
            "country": country or "Canada",
        },
    )


def update_institution(
    institution: Institution, *, actor: Any, changes: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Edit an institution; refused (StaleRecord) if it moved on since the edit began. Returns the applied diff."""
    return editing.update(institution, actor=actor, changes=changes, expected_version=expected_version)
