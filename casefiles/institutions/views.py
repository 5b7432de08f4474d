"""Institutions: a list, and a page per institution listing its cases."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from casefiles.authz import require
from casefiles.cases.models import Case
from casefiles.cases.queries import CaseFilters, find_cases
from casefiles.institutions import policies, services
from casefiles.institutions.forms import InstitutionForm
from casefiles.institutions.models import Institution
from casefiles.pagination import paginate
from casefiles.records.views import edit_view
from casefiles.views_common import get_or_404

bp = Blueprint("institutions", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """Every institution, with how many cases each has."""
    q = (request.args.get("q") or "").strip()[:200]
    stmt = (
        select(Institution, func.count(Case.id))
        .outerjoin(Case, (Case.institution_id == Institution.id) & Case.archived_at.is_(None))
        .group_by(Institution.id)
        .order_by(Institution.name)
    )
    if q:
        stmt = stmt.where(func.lower(Institution.name).contains(q.lower(), autoescape=True))
    page = paginate(stmt, page=request.args.get("page", 1, type=int) or 1, per_page=50)
    return render_template("institutions/index.html", page=page, q=q)


@bp.route("/<int:institution_id>")
def detail(institution_id: int) -> ResponseReturnValue:
    """An institution and the cases it is part of (those this user may see)."""
    institution = get_or_404(Institution, institution_id)
    filters = CaseFilters.from_args(request.args)
    filters.institution_id = institution.id
    page = find_cases(current_user, filters, per_page=current_app.config["CASES_PER_PAGE"])
    return render_template("institutions/detail.html", institution=institution, page=page, filters=filters)


@bp.route("/<int:institution_id>/edit", methods=["GET", "POST"])
def edit(institution_id: int) -> ResponseReturnValue:
    """Staff correct an institution's name, kind or place; a stale save opens the merge view."""
    require(policies.can_edit(current_user))
    institution = get_or_404(Institution, institution_id)
    return edit_view(
        institution,
        InstitutionForm,
        save=lambda values, expected: services.update_institution(
            institution, actor=current_user, changes=values, expected_version=expected
        ),
        saved=_("Institution saved."),
        next_url=lambda: url_for("institutions.detail", institution_id=institution.id),
        template="institutions/edit.html",
        institution=institution,
    )
