"""Who may see, add to and publish documents: whoever may see a case sees its documents; staff publish."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case
from casefiles.documents.models import Document
from casefiles.extensions import db


def _case(document: Document) -> Case | None:
    return db.session.get(Case, document.case_id) if document.case_id else None


def can_view(user: Any, document: Document) -> bool:
    """Documents of a case are seen by whoever sees the case; others (campaigns) by staff."""
    case = _case(document)
    if case is None:
        return has_role(user, Role.STAFF)
    return case_policies.can_view(user, case)


def can_upload(user: Any, case: Case) -> bool:
    """Whoever keeps the case up to date adds its papers."""
    return case_policies.can_edit(user, case)


def can_edit(user: Any, document: Document) -> bool:
    """Whoever keeps the case up to date describes its papers and adds versions."""
    case = _case(document)
    if case is None:
        return has_role(user, Role.STAFF)
    return case_policies.can_edit(user, case)


def can_publish(user: Any, document: Document) -> bool:
    """Only staff make a document public (or private again)."""
    return has_role(user, Role.STAFF) and can_view(user, document)
