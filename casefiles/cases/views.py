"""The staff side of case files: dashboard, list, new, detail, edit, history, archive, delete."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casefiles.audit.models import AuditEntry
from casefiles.auth.services import active_users
from casefiles.authz import require
from casefiles.cases import policies, services
from casefiles.cases.dashboard import dashboard_data
from casefiles.cases.forms import AdminDeleteForm, CaseForm, ConfirmForm, NewCaseForm
from casefiles.cases.models import Case
from casefiles.cases.queries import CaseFilters, find_cases
from casefiles.enums import NameConsent
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.views_common import get_or_404

bp = Blueprint("cases", __name__)


def load_case(case_id: int) -> Case:
    """The case, 404 if missing, 403 if this user may not see it."""
    case = get_or_404(Case, case_id)
    require(policies.can_view(current_user, case))
    return case


def _form_errors(form, error: services.CaseError) -> None:  # noqa: ANN001
    """Put a service's refusal on the right field (or the form) in the user's language."""
    field = getattr(form, error.field or "", None)
    if field is None and error.field == "type":
        field = getattr(form, "sanction_type", None)
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(str(error.message))
    else:
        flash(str(error.message), "error")


def _assignee_choices(form: CaseForm, can_assign: bool) -> None:
    """Only staff assign volunteers; for anyone else the field does not exist, whatever is posted."""
    if can_assign:
        form.assignee_ids.choices = [(u.id, f"{u.display_name} ({u.role.label})") for u in active_users()]
    else:
        del form.assignee_ids


def _institution_names() -> list[str]:
    return list(db.session.scalars(select(Institution.name).order_by(Institution.name).limit(2000)))


@bp.route("/")
def dashboard() -> ResponseReturnValue:
    """My cases, counts, and the deadlines that must not be missed."""
    return render_template("cases/dashboard.html", **dashboard_data(current_user))


@bp.route("/cases")
def index() -> ResponseReturnValue:
    """Find cases: filters, search, sorting, pagination."""
    filters = CaseFilters.from_args(request.args)
    page = find_cases(current_user, filters, per_page=current_app.config["CASES_PER_PAGE"])
    institution = db.session.get(Institution, filters.institution_id) if filters.institution_id else None
    return render_template("cases/index.html", page=page, filters=filters, institution=institution)


@bp.route("/cases/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Open a new case file with its first person and, if known, the sanction."""
    require(policies.can_create(current_user))
    form = NewCaseForm()
    can_assign = policies.can_assign(current_user)
    _assignee_choices(form, can_assign)
    if form.validate_on_submit():
        values = form.case_values()
        if can_assign:
            values["assignee_ids"] = form.assignee_ids.data or []
        try:
            case = services.create_case(
                actor=current_user, values=values, person=form.person_values(), sanction=form.sanction_values()
            )
            db.session.commit()
        except services.CaseError as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Case %(ref)s opened.", ref=case.reference), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new.html", form=form, can_assign=can_assign, institution_names=_institution_names())


@bp.route("/cases/<int:case_id>")
def detail(case_id: int) -> ResponseReturnValue:
    """The whole case file on one page."""
    case = load_case(case_id)
    recent = db.session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id.desc()).limit(5)
    ).all()
    return render_template(
        "cases/detail.html",
        case=case,
        recent=recent,
        policies=policies,
        confirm_form=ConfirmForm(),
        NameConsent=NameConsent,
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int) -> ResponseReturnValue:
    """Edit the case; a save over someone else's newer save is refused and the draft kept."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    form = CaseForm(obj=case) if request.method == "GET" else CaseForm()
    can_assign = policies.can_assign(current_user)
    _assignee_choices(form, can_assign)
    if request.method == "GET":
        form.version.data = case.version
        form.institution_name.data = case.institution.name if case.institution else ""
        form.tags.data = ", ".join(t.name for t in case.tags)
        if can_assign:
            form.assignee_ids.data = [u.id for u in case.assignees]
        form.speech_date.data = case.speech_when.iso() if case.speech_when else ""
    conflict = None
    if form.validate_on_submit():
        values = form.case_values()
        if can_assign:
            values["assignee_ids"] = form.assignee_ids.data or []
        try:
            expected = int(form.version.data) if str(form.version.data or "").isdigit() else -1
            services.update_case(case, actor=current_user, changes=values, expected_version=expected)
            db.session.commit()
        except services.StaleCaseError as stale:
            db.session.rollback()
            conflict = stale.entries
        except StaleDataError:
            db.session.rollback()
            db.session.refresh(case)
            conflict = services.changes_since(case, int(form.version.data or 0))
        except services.CaseError as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Case saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
        if conflict is not None:
            db.session.refresh(case)
            # The draft stays in the form; saving again now knowingly replaces the other person's values.
            form.version.data = case.version
            flash(
                _(
                    "Someone else saved this case while you were editing. Your changes are not saved yet: "
                    "review what they changed below, then save again."
                ),
                "error",
            )
    return render_template(
        "cases/edit.html",
        form=form,
        case=case,
        can_assign=can_assign,
        conflict=conflict,
        institution_names=_institution_names(),
    ), (409 if conflict is not None else 200)


@bp.route("/cases/<int:case_id>/history")
def history(case_id: int) -> ResponseReturnValue:
    """Who changed which field from what to what, and when."""
    case = load_case(case_id)
    page_number = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = 50
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id)
        .order_by(AuditEntry.id.desc())
        .limit(per_page + 1)
        .offset((page_number - 1) * per_page)
    ).all()
    return render_template(
        "cases/history.html", case=case, entries=entries[:per_page], page=page_number, has_next=len(entries) > per_page
    )


@bp.route("/cases/<int:case_id>/archive", methods=["POST"])
def archive(case_id: int) -> ResponseReturnValue:
    """Archive (or restore) a case: nothing is lost."""
    case = load_case(case_id)
    require(policies.can_archive(current_user, case))
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if case.is_archived:
        services.restore_case(case, actor=current_user)
        message = _("Case restored.")
    else:
        services.archive_case(case, actor=current_user)
        message = _("Case archived. It stays searchable under “Archived”.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/delete", methods=["GET", "POST"])
def delete(case_id: int) -> ResponseReturnValue:
    """Administrators only: delete a case for good, after typing its reference."""
    case = load_case(case_id)
    require(policies.can_delete(current_user, case))
    form = AdminDeleteForm()
    if form.validate_on_submit():
        if form.reference.data != case.reference:
            form.reference.errors.append(_("That is not this case's reference."))
        else:
            reference = case.reference
            services.delete_case(case, actor=current_user)
            db.session.commit()
            flash(_("Case %(ref)s deleted for good.", ref=reference), "success")
            return redirect(url_for("cases.index"))
    return render_template("cases/delete.html", case=case, form=form)


from casefiles.cases import parts_views  # noqa: E402,F401  (routes for people, sanctions, events, tasks)
