"""The staff blueprint of case files, and loading a case the current user may see."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from casefiles.authz import require
from casefiles.cases import policies
from casefiles.cases.models import Case
from casefiles.views_common import get_or_404

bp = Blueprint("cases", __name__)


def load_case(case_id: int) -> Case:
    """The case, 404 if missing, 403 if this user may not see it."""
    case = get_or_404(Case, case_id)
    require(policies.can_view(current_user, case))
    return case
