"""Staff merge a duplicate case into the case they keep: choose, confirm what moves, merge."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casefiles.authz import require
from casefiles.cases import policies
from casefiles.cases.blueprint import bp, load_case
from casefiles.cases.duplicates import duplicates_of_case
from casefiles.cases.merge_forms import MergeForm, OtherCaseForm
from casefiles.cases.merging import MergeError, merge_cases, merged_cases_of, plan_merge
from casefiles.cases.models import Case
from casefiles.extensions import db
from casefiles.records.editing import StaleRecord, parse_version
from casefiles.views_common import parse_id

_REFERENCE = re.compile(r"^\s*CF-?0*(\d{1,10})\s*$", re.IGNORECASE)


def find_case_by_reference(text: str) -> Case | None:
    """A case by what staff quote: CF-00012, its imported reference, or its number."""
    match = _REFERENCE.match(text or "")
    number = parse_id(match.group(1)) if match else parse_id(text)
    if number is not None:
        found = db.session.get(Case, number)
        if found is not None:
            return found
    text = (text or "").strip()
    return db.session.scalar(select(Case).where(Case.external_ref == text)) if text else None


def merge_context(case: Case) -> dict[str, Any]:
    """What the case page shows about duplicates and merges: possible duplicates, where it went, what came in."""
    merged_into = db.session.get(Case, case.merged_into_id) if case.merged_into_id else None
    return {
        "possible_duplicates": [] if merged_into else duplicates_of_case(case, user=current_user, limit=5),
        "merged_into": merged_into,
        "merged_from": merged_cases_of(case),
        "can_merge": policies.can_merge(current_user),
    }


def notice_duplicates(case: Case) -> None:
    """After a case is opened: a notice naming the cases it may duplicate (entry goes on, nothing is blocked)."""
    matches = duplicates_of_case(case, user=current_user, limit=3)
    if matches:
        flash(
            _(
                "This case may be the same as %(cases)s. Its page lists why, and staff can merge them.",
                cases=", ".join(f"{m.case.reference} ({'; '.join(m.reasons)})" for m in matches),
            ),
            "warning",
        )


@bp.route("/cases/<int:case_id>/merge")
def merge_start(case_id: int) -> ResponseReturnValue:
    """Choose the case to merge with: its possible duplicates, or any case by its reference."""
    case = load_case(case_id)
    require(policies.can_merge(current_user))
    if case.merged_into_id is not None:
        flash(_("This case was already merged into another."), "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    form = OtherCaseForm(request.args)
    status = 200
    if "other" in request.args:
        if form.validate():
            other = find_case_by_reference(form.other.data)
            if other is None or not policies.can_view(current_user, other):
                form.other.errors.append(_("No case has that reference."))
            elif other.id == case.id:
                form.other.errors.append(_("That is this case: choose another one."))
            elif other.merged_into_id is not None:
                form.other.errors.append(_("That case was already merged into another."))
            else:
                return redirect(url_for("cases.merge_confirm", keep=case.id, merged=other.id))
        status = 422
    return render_template(
        "cases/merge_start.html",
        case=case,
        form=form,
        duplicates=duplicates_of_case(case, user=current_user, limit=10),
    ), status


def _pair(keep_raw: Any, merged_raw: Any) -> tuple[Case, Case]:
    keep_id, merged_id = parse_id(keep_raw), parse_id(merged_raw)
    if keep_id is None or merged_id is None:
        abort(404)
    return load_case(keep_id), load_case(merged_id)


def _confirm_page(keep: Case, merged: Case, form: MergeForm | None = None, status: int = 200) -> ResponseReturnValue:
    form = form or MergeForm()
    form.keep.data, form.merged.data = keep.id, merged.id
    form.keep_version.data, form.merged_version.data = keep.version, merged.version
    return render_template(
        "cases/merge_confirm.html", keep=keep, merged=merged, plan=plan_merge(keep, merged), form=form
    ), status


@bp.route("/cases/merge", methods=["GET", "POST"])
def merge_confirm() -> ResponseReturnValue:
    """Confirm which case is kept and what moves into it; the merge happens on POST only."""
    require(policies.can_merge(current_user))
    if request.method == "GET":
        if not request.args.get("keep") or not request.args.get("merged"):
            flash(_("Open one of the two cases, then choose “Merge…” on its page."), "error")
            return redirect(url_for("cases.index"))
        keep, merged = _pair(request.args.get("keep"), request.args.get("merged"))
        if keep.id == merged.id:
            abort(404)
        return _confirm_page(keep, merged)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    keep, merged = _pair(form.keep.data, form.merged.data)
    try:
        merge_cases(
            keep=keep,
            merged=merged,
            actor=current_user,
            keep_version=parse_version(form.keep_version.data),
            merged_version=parse_version(form.merged_version.data),
        )
        db.session.commit()
    except (StaleRecord, StaleDataError):
        db.session.rollback()
        flash(_("One of the two cases changed since this page was shown. Check what moves again, then merge."), "error")
        keep, merged = db.session.get(Case, keep.id), db.session.get(Case, merged.id)
        return _confirm_page(keep, merged, status=409)
    except MergeError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("cases.detail", case_id=keep.id))
    flash(
        _(
            "%(merged)s was merged into %(kept)s: everything it held is here now.",
            merged=merged.reference,
            kept=keep.reference,
        ),
        "success",
    )
    return redirect(url_for("cases.detail", case_id=keep.id))
