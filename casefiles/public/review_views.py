"""Staff review of pending public revisions: see the diff, approve or reject (both audited)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.authz import can_publish, require
from casefiles.cases import policies as case_policies
from casefiles.cases.forms import ConfirmForm
from casefiles.cases.models import Case
from casefiles.extensions import db
from casefiles.records import approval
from casefiles.records.fields import FieldError
from casefiles.records.models import PendingRevision
from casefiles.records.registry import REGISTRY
from casefiles.views_common import get_or_404

bp = Blueprint("review", __name__)


def _load(case_id: int, revision_id: int) -> tuple[Case, PendingRevision]:
    case = get_or_404(Case, case_id)
    require(case_policies.can_view(current_user, case))
    require(can_publish(current_user))
    revision = get_or_404(PendingRevision, revision_id)
    if revision.case_id != case.id:
        abort(404)
    return case, revision


def revision_rows(revision: PendingRevision) -> list[tuple[str, object, object]]:
    """(field label, value now, proposed value) as the reader reads them."""
    rec = REGISTRY.get(revision.object_type)
    rows = []
    for name, (old, new) in (revision.changes or {}).items():
        field = rec.by_name.get(name) if rec else None
        if field is None:
            rows.append((name, old, new))
        else:
            rows.append((str(field.label), field.display(old), field.display(new)))
    return rows


@bp.route("/<int:case_id>/revisions/<int:revision_id>", methods=["GET", "POST"])
def decide(case_id: int, revision_id: int) -> ResponseReturnValue:
    """The diff of a proposed public change, with approve and reject."""
    case, revision = _load(case_id, revision_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        from flask import request

        approve = request.form.get("decision") == "approve"
        try:
            if approve:
                approval.approve(revision, actor=current_user)
            else:
                approval.reject(revision, actor=current_user)
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(
                _("Approved: the change is public now.") if approve else _("Rejected: nothing public changed."),
                "success",
            )
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="review"))
    return render_template(
        "public/staff/revision.html", case=case, revision=revision, rows=revision_rows(revision), form=form
    )
