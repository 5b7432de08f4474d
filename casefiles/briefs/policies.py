"""Who may print briefs and build dossiers."""

from __future__ import annotations

from typing import Any

from casefiles.authz import Role, has_role
from casefiles.briefs.models import DossierJob
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case


def can_generate(user: Any, case: Case) -> bool:
    """Whoever may see a case may print its briefs."""
    return case_policies.can_view(user, case)


def can_request_dossier(user: Any) -> bool:
    """Staff and admins prepare dossiers (they span many cases)."""
    return has_role(user, Role.STAFF)


def can_view_dossier(user: Any, job: DossierJob) -> bool:
    """A dossier is seen by the staff member who asked for it, and by administrators."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.STAFF) and job.created_by_id == getattr(user, "id", None)


def can_manage_organization(user: Any) -> bool:
    """Administrators set the organization's name, logo and contact details printed on briefs."""
    return has_role(user, Role.ADMIN)
