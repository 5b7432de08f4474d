"""Ask for help (public, no account) and the triage queue (staff).

The form page is never cached (it carries the CSRF token and the time trap). A filled honeypot gets a thank-you
page and stores nothing; a form sent back faster than a person can fill it is shown again, storing nothing.
Every complete request counts against the sender's address in the shared throttle store
(INTAKE_LIMIT_PER_ADDRESS), so the limit holds across every worker and machine.
"""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from casefiles.authz import public, require
from casefiles.dates import local_today
from casefiles.documents.detection import UploadRefused
from casefiles.extensions import db
from casefiles.intake import policies, services
from casefiles.intake.forms import ActionForm, AssignForm, ConvertForm, DeclineForm, HelpForm
from casefiles.intake.models import OPEN_STATUSES, IntakeStatus, Submission
from casefiles.mail import worker
from casefiles.pagination import paginate, scalar_rows
from casefiles.public.language import LANG_PREFIX
from casefiles.public.views import locale
from casefiles.records.fields import FieldError
from casefiles.security.robots import FormGuard
from casefiles.views_common import get_or_404, parse_id

bp = Blueprint("intake", __name__)
# The form is a public page: its address carries its language (/en/help, /fr/help).
public_bp = Blueprint("public_intake", __name__, url_prefix=LANG_PREFIX)
GUARD = FormGuard("intake", "INTAKE_MIN_SECONDS", 5, "INTAKE_LIMIT_PER_ADDRESS", "10 per hour")
PER_PAGE = 25


# --- the public form ----------------------------------------------------------------------------------------


def _uploads() -> list:
    return [f for f in request.files.getlist("files") if f and f.filename]


def _form_page(form: HelpForm, status: int = 200, notice: str | None = None) -> ResponseReturnValue:
    form.started.data = GUARD.stamp()
    config = current_app.config
    response = Response(
        render_template(
            "intake/ask.html",
            form=form,
            notice=notice,
            retention_days=int(config.get("INTAKE_RETENTION_DAYS", services.DEFAULT_RETENTION_DAYS)),
            max_files=int(config.get("INTAKE_MAX_FILES", services.DEFAULT_MAX_FILES)),
            max_file_mb=int(config.get("INTAKE_MAX_FILE_MB", services.DEFAULT_MAX_FILE_MB)),
        ),
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@public_bp.route("/help", methods=["GET", "POST"])
@public
def ask() -> ResponseReturnValue:
    """The "Ask for help" form: no account, nothing shown publicly, everything sealed at rest."""
    form = HelpForm()
    if not form.validate_on_submit():
        return _form_page(form, 422 if form.errors else 200)
    if form.website.data:
        return render_template("intake/thanks.html", reference=None)
    if GUARD.too_fast(form.started.data):
        return _form_page(form, 422, notice=_("Please take a moment to check your answers, then send them again."))
    retry_after = GUARD.throttled()
    if retry_after:
        response = Response(render_template("errors/error.html", code=429, error=None), status=429)
        response.headers["Retry-After"] = str(int(retry_after) + 1)
        return response
    values = dict(form.data)
    values["when"] = form.when.partial
    values["sanction_date"] = form.sanction_date.partial
    values["hearing_date"] = form.hearing_date.day
    values["appeal_deadline"] = form.appeal_deadline.day
    try:
        submission = services.submit(values=values, files=[(f.filename, f.stream) for f in _uploads()], locale=locale())
    except services.IntakeRefused as refused:
        db.session.rollback()
        form.files.errors = [str(refused.message)]
        return _form_page(form, 422)
    db.session.commit()
    worker.kick()
    response = Response(render_template("intake/thanks.html", reference=submission.reference))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the staff queue ----------------------------------------------------------------------------------------

FILTERS = ("open", "all", *[s.value for s in IntakeStatus])


@bp.route("/staff/intake")
def queue() -> ResponseReturnValue:
    """Help requests, newest first: staff see all, a volunteer the ones assigned to them."""
    require(policies.can_view_queue(current_user))
    status = request.args.get("status", "open")
    status = status if status in FILTERS else "open"
    urgent = request.args.get("urgent") == "1"
    mine = request.args.get("mine") == "1" or not policies.can_triage(current_user)
    stmt = select(Submission)
    if status == "open":
        stmt = stmt.where(Submission.status.in_(OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(Submission.status == status)
    today = local_today()
    if urgent:
        stmt = stmt.where(
            Submission.next_date.is_not(None),
            Submission.next_date >= today,
            Submission.next_date <= date.fromordinal(today.toordinal() + services.URGENT_DAYS),
        )
    if mine:
        stmt = stmt.where(Submission.assignee_id == current_user.id)
    stmt = stmt.order_by(Submission.created_at.desc(), Submission.id.desc())
    page = paginate(stmt, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, rows=scalar_rows)
    args = {"status": status}
    if urgent:
        args["urgent"] = "1"
    if mine and policies.can_triage(current_user):
        args["mine"] = "1"
    return render_template(
        "intake/queue.html",
        page=page,
        status=status,
        urgent=urgent,
        mine=mine,
        args=args,
        statuses=list(IntakeStatus),
        today=today,
        window=services.URGENT_DAYS,
        can_triage=policies.can_triage(current_user),
    )


def _load(submission_id: int) -> Submission:
    submission = get_or_404(Submission, submission_id)
    if not policies.can_open(current_user, submission):
        abort(404)  # a volunteer is not told whether a request they were not given exists
    return submission


def _default_title(opened: services.Opened) -> str:
    parts = [opened.get("person_name"), opened.get("institution")]
    return " — ".join(p for p in parts if p)[:200]


@bp.route("/staff/intake/<int:submission_id>")
def detail(submission_id: int) -> ResponseReturnValue:
    """Read one request (audited); staff decide from here."""
    submission = _load(submission_id)
    opened = services.open_submission(submission, actor=current_user)
    duplicates = services.possible_duplicates(opened, user=current_user)
    db.session.commit()
    assign_form = AssignForm()
    assign_form.assignee_id.choices = [("", _("Choose someone"))] + [
        (str(u.id), f"{u.display_name} ({u.role.label})") for u in services.volunteers()
    ]
    if submission.assignee_id:
        assign_form.assignee_id.data = str(submission.assignee_id)
    return render_template(
        "intake/detail.html",
        submission=submission,
        opened=opened,
        duplicates=duplicates,
        assign_form=assign_form,
        convert_form=ConvertForm(title=_default_title(opened)),
        decline_form=DeclineForm(),
        action_form=ActionForm(),
        can_triage=policies.can_triage(current_user),
        decidable=submission.status in OPEN_STATUSES,
        urgent=submission.is_urgent(local_today(), services.URGENT_DAYS),
    )


@bp.route("/staff/intake/<int:submission_id>/files/<int:file_id>")
def download(submission_id: int, file_id: int) -> ResponseReturnValue:
    """One evidence file, unsealed, as an attachment (audited)."""
    submission = _load(submission_id)
    found = services.file_content(submission, file_id, actor=current_user)
    if found is None:
        abort(404)
    db.session.commit()
    described, content = found
    response = send_file(
        io.BytesIO(content),
        mimetype=described.mime_type,
        as_attachment=True,
        download_name=described.filename,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _decided(submission: Submission, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("intake.detail", submission_id=submission.id))


def _refused(submission: Submission, message: str) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "error")
    return redirect(url_for("intake.detail", submission_id=submission.id))


@bp.route("/staff/intake/<int:submission_id>/assign", methods=["POST"])
def assign(submission_id: int) -> ResponseReturnValue:
    """Give the request to a team member."""
    submission = get_or_404(Submission, submission_id)
    require(policies.can_triage(current_user))
    form = AssignForm()
    form.assignee_id.choices = [(str(u.id), u.display_name) for u in services.volunteers()]
    if not form.validate_on_submit():
        return _refused(submission, _("Choose someone from the list."))
    from casefiles.auth.models import User

    assignee = db.session.get(User, parse_id(form.assignee_id.data))
    try:
        services.assign(submission, actor=current_user, assignee=assignee)
    except services.IntakeRefused as refused:
        return _refused(submission, str(refused.message))
    return _decided(submission, _("Assigned to %(name)s.", name=assignee.display_name))


@bp.route("/staff/intake/<int:submission_id>/convert", methods=["POST"])
def convert(submission_id: int) -> ResponseReturnValue:
    """Open a case from the request, pre-filled, its files moved into the case's documents."""
    submission = get_or_404(Submission, submission_id)
    require(policies.can_triage(current_user))
    form = ConvertForm()
    if not form.validate_on_submit():
        return _refused(submission, _("Give the case a title."))
    try:
        case = services.convert(submission, actor=current_user, title=form.title.data)
    except services.IntakeRefused as refused:
        return _refused(submission, str(refused.message))
    except UploadRefused as refused:
        return _refused(submission, _("The case could not be opened: %(reason)s", reason=str(refused.message)))
    except FieldError as error:
        return _refused(submission, _("The case could not be opened: %(reason)s", reason=str(error.message)))
    db.session.commit()
    flash(_("The case was opened from request %(reference)s.", reference=submission.reference), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/staff/intake/<int:submission_id>/decline", methods=["POST"])
def decline(submission_id: int) -> ResponseReturnValue:
    """Decline, with the kind reply in the person's language."""
    submission = get_or_404(Submission, submission_id)
    require(policies.can_triage(current_user))
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        replied = services.decline(submission, actor=current_user, send_reply=bool(form.send_reply.data))
    except services.IntakeRefused as refused:
        return _refused(submission, str(refused.message))
    db.session.commit()
    worker.kick()
    return _decided(submission, _("Declined; the reply is on its way.") if replied else _("Declined."))


@bp.route("/staff/intake/<int:submission_id>/spam", methods=["POST"])
def spam(submission_id: int) -> ResponseReturnValue:
    """Not a real request."""
    submission = get_or_404(Submission, submission_id)
    require(policies.can_triage(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.mark_spam(submission, actor=current_user)
    except services.IntakeRefused as refused:
        return _refused(submission, str(refused.message))
    return _decided(submission, _("Marked as spam."))
