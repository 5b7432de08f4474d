"""The staff side of case files: dashboard, list, new, detail, edit, history, archive, delete."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from casefiles.audit.models import AuditEntry
from casefiles.auth.services import active_users
from casefiles.authz import can_publish, require
from casefiles.briefs import policies as brief_policies
from casefiles.briefs.kinds import KIND_LABELS
from casefiles.campaigns.views import case_campaign_context
from casefiles.cases import policies, services
from casefiles.cases.blueprint import bp, load_case
from casefiles.cases.dashboard import dashboard_data
from casefiles.cases.entry import case_at_a_glance
from casefiles.cases.forms import AdminDeleteForm, CaseForm, ConfirmForm, NewCaseForm
from casefiles.cases.list_views import list_context
from casefiles.cases.merge_views import merge_context, notice_duplicates
from casefiles.cases.merging import history_case_ids
from casefiles.cases.queries import CaseFilters, find_cases
from casefiles.dates import local_today
from casefiles.documents.views import case_documents_context
from casefiles.enums import NameConsent
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.pagination import paginate, scalar_rows
from casefiles.records.fields import FieldError
from casefiles.records.review import pending_for_case, recent_decisions_for, revision_labels
from casefiles.records.views import attach_error, edit_view


def _assignee_choices(form: CaseForm, can_assign: bool) -> None:
    """Only staff assign volunteers; for anyone else the field does not exist, whatever is posted."""
    if can_assign:
        form.assignee_ids.choices = [SelectChoice(u.id, f"{u.display_name} ({u.role.label})") for u in active_users()]
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
    return render_template(
        "cases/index.html", page=page, filters=filters, institution=institution, **list_context(page, filters)
    )


@bp.route("/cases/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Open a new case file with its first person, the sanction if known, and its first timeline events."""
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
                actor=current_user,
                values=values,
                person=form.person_values(),
                sanction=form.sanction_values(),
                events=form.event_values(),
                sanction_event=True,
            )
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            notice_duplicates(case)
            flash(_("Case %(ref)s opened: %(title)s.", ref=case.reference, title=case.title), "success")
            if request.form.get("then") == "another":
                return redirect(url_for("cases.new"))
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(
        "cases/new.html",
        form=form,
        can_assign=can_assign,
        institution_names=_institution_names(),
        more_open=_more_open(form),
    )


# The optional parts of the new-case form, folded away until needed: they open when they hold a value or an error.
_FOLDED = {
    "person": ("pronouns", "contact_email", "contact_phone"),
    "institution": ("institution_kind", "institution_region", "institution_country"),
    "case": (
        "status",
        "outcome",
        "priority",
        "outcome_date",
        "group_name",
        "group_name_fr",
        "headcount",
        "speech_text",
        "speech_platform",
        "speech_url",
        "speech_date",
        "public_summary",
        "private_notes",
        "tags",
        "assignee_ids",
    ),
}


def _more_open(form: NewCaseForm) -> dict[str, bool]:
    """Which folded parts of the new-case form to show open."""
    opened = {}
    for group, names in _FOLDED.items():
        fields = [form._fields[name] for name in names if name in form._fields]
        opened[group] = any(f.errors for f in fields) or (
            request.method == "POST" and any(f.data not in ("", None, [], f.default) for f in fields)
        )
    return opened


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
        pending=pending_for_case(case.id),
        revision_labels=revision_labels,
        decisions=recent_decisions_for(case.id, getattr(current_user, "id", None)),
        can_review=can_publish(current_user),
        **case_campaign_context(case),
        **case_documents_context(case),
        **merge_context(case),
        **case_at_a_glance(case, local_today()),
        can_brief=brief_policies.can_generate(current_user, case),
        brief_labels=KIND_LABELS,
        policies=policies,
        confirm_form=ConfirmForm(),
        NameConsent=NameConsent,
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int) -> ResponseReturnValue:
    """Edit the case; a save over someone else's newer save opens the merge view, the draft kept."""
    case = load_case(case_id)
    require(policies.can_edit(current_user, case))
    can_assign = policies.can_assign(current_user)
    return edit_view(
        case,
        CaseForm,
        save=lambda values, expected: services.update_case(
            case, actor=current_user, changes=values, expected_version=expected
        ),
        values=lambda form: form.case_values(),
        prepare=lambda form: _assignee_choices(form, can_assign),
        saved=_("Case saved."),
        next_url=lambda: url_for("cases.detail", case_id=case.id),
        template="cases/edit.html",
        case=case,
        can_assign=can_assign,
        goes_live=case.published and can_publish(current_user),
        needs_review=case.published and not can_publish(current_user),
        institution_names=_institution_names(),
    )


@bp.route("/cases/<int:case_id>/history")
def history(case_id: int) -> ResponseReturnValue:
    """Who changed which field from what to what, and when."""
    case = load_case(case_id)
    # A case merged into this one brought its history along.
    stmt = select(AuditEntry).where(AuditEntry.case_id.in_(history_case_ids(case))).order_by(AuditEntry.id.desc())
    page = paginate(stmt, page=request.args.get("page", 1, type=int) or 1, per_page=50, rows=scalar_rows)
    return render_template("cases/history.html", case=case, page=page)


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
