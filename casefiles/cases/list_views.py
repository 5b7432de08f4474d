"""The case list's own actions: saved filters, actions on the selected cases, the CSV of the filtered list; and the
dashboard's deadline window."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from casefiles.cases import worklist
from casefiles.cases.blueprint import bp
from casefiles.cases.forms import ConfirmForm
from casefiles.cases.my_deadlines import set_window
from casefiles.cases.preferences import SavedFilter
from casefiles.cases.queries import DUE_WINDOWS, CaseFilters
from casefiles.dates import local_today
from casefiles.enums import Priority
from casefiles.extensions import db
from casefiles.records.fields import FieldError
from casefiles.views_common import parse_id


def _back_to_list(query: str | None) -> str:
    """The case list with these filters (only the list's own arguments are carried back)."""
    kept = worklist.filter_query(dict(parse_qsl(query or "")))
    return url_for("cases.index") + (f"?{kept}" if kept else "")


def _checked_post() -> None:
    """A POST of the list's forms: CSRF checked (a refused token is a 400, nothing changes)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/cases/saved-filters", methods=["POST"])
def save_filter() -> ResponseReturnValue:
    """Keep the list's current filters under a name, for this user only."""
    _checked_post()
    query = request.form.get("query", "")
    try:
        saved = worklist.save_filter(current_user, name=request.form.get("name", ""), query=query)
    except FieldError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_back_to_list(query))
    db.session.commit()
    flash(_("Filter “%(name)s” saved.", name=saved.name), "success")
    return redirect(_back_to_list(saved.query))


@bp.route("/cases/saved-filters/<int:filter_id>/delete", methods=["POST"])
def delete_filter(filter_id: int) -> ResponseReturnValue:
    """Forget one of my saved filters."""
    _checked_post()
    saved = db.session.get(SavedFilter, filter_id)
    if saved is None or saved.user_id != current_user.id:
        abort(404)  # another person's filter is not even named
    name = saved.name
    worklist.delete_filter(current_user, saved)
    db.session.commit()
    flash(_("Filter “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("cases.index"))


@bp.route("/cases/bulk", methods=["POST"])
def bulk() -> ResponseReturnValue:
    """Act on the selected cases at once: all of them or none (each one checked, each change audited)."""
    _checked_post()
    back = request.form.get("back", "")
    action = request.form.get("action", "")
    ids = [parse_id(v) for v in request.form.getlist("case")]
    if action not in worklist.BULK_ACTIONS or any(i is None for i in ids):
        flash(_("Choose cases and an action."), "error")
        return redirect(_back_to_list(back))
    case_ids = [i for i in ids if i is not None]
    try:
        if action == "assign":
            cases = worklist.bulk_assign(current_user, case_ids, parse_id(request.form.get("assignee")))
            message = ngettext("%(num)d case assigned.", "%(num)d cases assigned.", len(cases))
        elif action == "tag":
            cases = worklist.bulk_tag(current_user, case_ids, request.form.get("tag", ""))
            message = ngettext("%(num)d case tagged.", "%(num)d cases tagged.", len(cases))
        else:
            cases = worklist.check_dossier(current_user, case_ids)
            return redirect(url_for("briefs.new_dossier", case=[c.id for c in cases]))
    except (worklist.BulkRefused, FieldError) as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_back_to_list(back))
    db.session.commit()
    flash(message, "success")
    return redirect(_back_to_list(back))


@bp.route("/cases/export.csv")
def export_csv() -> ResponseReturnValue:
    """The filtered list as CSV: every case the filters find (not only this page), as the user may see them."""
    filters = CaseFilters.from_args(request.args)
    filename = f"cases-{local_today().isoformat()}.csv"
    return Response(
        stream_with_context(worklist.csv_text(current_user, filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/dashboard/window", methods=["POST"])
def deadline_window() -> ResponseReturnValue:
    """Remember how many days ahead "my deadlines" looks for this user."""
    _checked_post()
    days = parse_id(request.form.get("window"))
    try:
        set_window(current_user, days)
    except FieldError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("cases.dashboard"))
    db.session.commit()
    return redirect(url_for("cases.dashboard", _anchor="my-deadlines-title"))


def list_context(page: Any, filters: CaseFilters) -> dict[str, Any]:
    """What the case list shows beside its results: next deadlines, my saved filters, the bulk actions I may use."""
    from casefiles.auth.services import active_users
    from casefiles.briefs import policies as brief_policies
    from casefiles.cases import policies

    worklist.attach_next_deadlines(page.items)
    can_assign = policies.can_assign(current_user)
    return {
        "with_deadlines": True,
        "saved_filters": worklist.saved_filters(current_user),
        "filter_query": worklist.filter_query(request.args),
        "bulk": {
            "assignees": active_users() if can_assign else [],
            "dossier": brief_policies.can_request_dossier(current_user),
            "selected": request.args.get("select") == "page",
        },
        "priorities": list(Priority),
        "list_today": local_today(),
        "due_choices": DUE_WINDOWS,
    }
