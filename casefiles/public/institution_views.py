"""Public institution pages: the published cases at an institution, with their outcomes. An institution without a
published case has no public page (it answers like one that does not exist)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from casefiles.authz import public
from casefiles.cases.models import Case
from casefiles.enums import Outcome
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.public import queries
from casefiles.public.campaign_views import _cached
from casefiles.public.language import LANG_PREFIX
from casefiles.public.projection import public_institution
from casefiles.public.views import locale

bp = Blueprint("public_institutions", __name__, url_prefix=LANG_PREFIX)


def outcome_counts(institution_id: int) -> list[tuple[str, int]]:
    """(outcome label, number of published cases) at this institution, in the order of the outcomes."""
    rows = dict(
        db.session.execute(
            select(Case.outcome, func.count())
            .where(queries.published_clause(), queries.at_institution(institution_id))
            .group_by(Case.outcome)
        ).all()
    )
    return [(str(o.label), rows[o.value]) for o in Outcome if rows.get(o.value)]


@bp.route("/institutions/<int:institution_id>")
@public
def institution(institution_id: int) -> ResponseReturnValue:
    """The published cases at one institution, newest first, with a count per outcome."""
    if institution_id > 2**31 - 1:
        abort(404)
    filters = queries.PublicFilters.from_args(request.args)
    filters.institution = institution_id

    def build() -> str:
        page = queries.find_public_cases(
            filters, locale(), per_page=current_app.config.get("PUBLIC_CASES_PER_PAGE", 20)
        )
        found = db.session.get(Institution, institution_id)
        if not page.items or found is None:
            abort(404)
        return render_template(
            "public/institution.html",
            institution=public_institution(found, locale()),
            institution_id=institution_id,
            page=page,
            outcomes=outcome_counts(institution_id),
        )

    return _cached(("institution", institution_id, filters.page), build)
