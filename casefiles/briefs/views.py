"""Staff pages for briefs (per case) and dossiers (many cases, built in the background)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from casefiles.authz import require
from casefiles.briefs import policies, services, worker
from casefiles.briefs.dossiers import (
    AUDIENCE_LABELS,
    MAX_DOSSIER_CASES,
    cases_at_institution,
    dossier_path,
    request_dossier,
)
from casefiles.briefs.forms import DossierForm, OrganizationForm
from casefiles.briefs.models import JOB_DONE, DossierJob
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case
from casefiles.cases.queries import CaseFilters, filtered_cases
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.pagination import paginate, scalar_rows
from casefiles.views_common import get_or_404, parse_id

bp = Blueprint("briefs", __name__)
SELECTABLE_CASES = 300


@bp.route("/cases/<int:case_id>/briefs")
def case_briefs(case_id: int) -> ResponseReturnValue:
    """The briefs that can be printed for a case."""
    case = get_or_404(Case, case_id)
    require(policies.can_generate(current_user, case))
    from casefiles.public.projection import is_public

    return render_template(
        "briefs/case.html",
        case=case,
        kinds=services.KINDS,
        kind_labels=services.KIND_LABELS,
        public_ready=is_public(case),
    )


@bp.route("/cases/<int:case_id>/briefs/<kind>/<lang>.pdf")
def download_brief(case_id: int, kind: str, lang: str) -> ResponseReturnValue:
    """Generate (or fetch from cache) one brief and send it."""
    case = get_or_404(Case, case_id)
    require(policies.can_generate(current_user, case))
    if kind not in services.KINDS or lang not in current_app.config["LANGUAGES"]:
        abort(404)
    try:
        brief = services.generate_brief(case, actor=current_user, kind=kind, language=lang)
    except services.BriefError as error:
        db.session.rollback()
        status = 409 if error.reason == "unpublished" else 422
        return render_template("briefs/error.html", case=case, message=error.message), status
    db.session.commit()
    response = send_file(
        io.BytesIO(brief.pdf), mimetype="application/pdf", as_attachment=True, download_name=brief.filename
    )
    response.headers["X-Brief-Cache"] = "hit" if brief.cached else "miss"
    return response


# -- dossiers -----------------------------------------------------------------------------------------------


def _selectable_cases() -> list[Case]:
    query = select(Case).where(Case.archived_at.is_(None))
    visible = case_policies.visible_cases_filter(current_user)
    if visible is not None:
        query = query.where(visible)
    return list(db.session.scalars(query.order_by(Case.updated_at.desc(), Case.id.desc()).limit(SELECTABLE_CASES)))


def _filtered_cases(filters: CaseFilters) -> list[Case]:
    """The cases the case list shows for these filters (as many as a dossier holds), in the list's order."""
    query = filtered_cases(current_user, filters).order_by(Case.updated_at.desc(), Case.id.desc())
    return list(db.session.scalars(query.limit(MAX_DOSSIER_CASES)))


@bp.route("/dossiers/")
def dossiers() -> ResponseReturnValue:
    """The dossiers I asked for, newest first."""
    require(policies.can_request_dossier(current_user))
    query = select(DossierJob).where(DossierJob.created_by_id == current_user.id).order_by(DossierJob.id.desc())
    page = paginate(query, page=request.args.get("page", 1, type=int) or 1, per_page=20, rows=scalar_rows)
    return render_template("briefs/dossiers.html", page=page)


@bp.route("/dossiers/new", methods=["GET", "POST"])
def new_dossier() -> ResponseReturnValue:
    """Choose cases (or an institution) and ask for a dossier."""
    require(policies.can_request_dossier(current_user))
    filters = CaseFilters.from_args(request.args)
    matched = _filtered_cases(filters) if request.method == "GET" and filters.active else []
    cases = list({c.id: c for c in [*matched, *_selectable_cases()]}.values())
    form = DossierForm()
    form.case_ids.choices = [SelectChoice(c.id, f"{c.reference} · {c.title}") for c in cases]
    institutions = db.session.scalars(select(Institution).order_by(Institution.name).limit(2000))
    form.institution_id.choices = [SelectChoice(0, "—")] + [SelectChoice(i.id, i.name) for i in institutions]
    if request.method == "GET":
        asked = [n for n in map(parse_id, request.args.getlist("case")) if n is not None]
        form.case_ids.data = asked + [c.id for c in matched]
    if form.validate_on_submit():
        if form.institution_id.data:
            case_ids = cases_at_institution(form.institution_id.data)
            if not case_ids:
                form.institution_id.errors = [_l("This institution has no active case.")]
                return render_template("briefs/new_dossier.html", form=form, matched=matched, filters=filters), 422
        else:
            case_ids = form.case_ids.data
        chosen = [db.session.get(Case, i) for i in case_ids]
        for case in chosen:
            require(case is not None and case_policies.can_view(current_user, case))
        try:
            job = request_dossier(
                actor=current_user,
                case_ids=case_ids,
                language=form.language.data,
                title=form.title.data,
                audience=form.audience.data,
            )
        except services.BriefError as error:
            db.session.rollback()
            form.case_ids.errors = [error.message]
            return render_template("briefs/new_dossier.html", form=form, matched=matched, filters=filters), 422
        db.session.commit()
        left_out = len(set(case_ids)) - job.total
        if left_out:
            flash(
                ngettext(
                    "%(num)d unpublished case was left out: this dossier holds published cases only.",
                    "%(num)d unpublished cases were left out: this dossier holds published cases only.",
                    left_out,
                ),
                "success",
            )
        worker.submit(job.id)
        return redirect(url_for("briefs.dossier", job_id=job.id))
    return render_template("briefs/new_dossier.html", form=form, matched=matched, filters=filters), (
        422 if form.errors else 200
    )


def _stalled(job: DossierJob) -> bool:
    """An unfinished job nobody has touched for longer than a dossier may take: its worker went away."""
    from datetime import UTC, timedelta

    from casefiles.db import utcnow

    if job.finished or job.updated_at is None:
        return False
    updated = job.updated_at if job.updated_at.tzinfo else job.updated_at.replace(tzinfo=UTC)
    limit = float(current_app.config.get("BRIEF_DOSSIER_TIMEOUT_SECONDS", 600)) + 300
    return utcnow() - updated > timedelta(seconds=limit)


def _load_job(job_id: int) -> DossierJob:
    job = get_or_404(DossierJob, job_id)
    require(policies.can_view_dossier(current_user, job))
    return job


@bp.route("/dossiers/<int:job_id>")
def dossier(job_id: int) -> ResponseReturnValue:
    """Progress of a dossier, and the download once ready (refresh to update without JavaScript)."""
    job = _load_job(job_id)
    cases = [c for c in (db.session.get(Case, i) for i in job.case_ids) if c is not None]
    listed = [c for c in cases if case_policies.can_view(current_user, c)]
    return render_template(
        "briefs/dossier.html",
        job=job,
        stalled=_stalled(job),
        cases=listed,
        audience_label=AUDIENCE_LABELS.get(job.audience, ""),
    )


@bp.route("/dossiers/<int:job_id>/status")
def dossier_status(job_id: int) -> ResponseReturnValue:
    """Progress as JSON for the page's script."""
    job = _load_job(job_id)
    return jsonify(
        status=job.status,
        progress=job.progress,
        total=job.total,
        percent=job.percent,
        finished=job.finished,
        error=job.error,
        stalled=_stalled(job),
        download=url_for("briefs.dossier_download", job_id=job.id) if job.status == JOB_DONE else None,
    )


@bp.route("/dossiers/<int:job_id>/download")
def dossier_download(job_id: int) -> ResponseReturnValue:
    """The finished dossier PDF."""
    job = _load_job(job_id)
    path = dossier_path(job)
    if job.status != JOB_DONE or not path.is_file():
        abort(404)
    name = services.safe_filename(job.title or f"dossier-{job.id}") + f"-{job.language}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


# -- the organization's details on briefs -------------------------------------------------------------------


@bp.route("/organization", methods=["GET", "POST"])
def organization_settings() -> ResponseReturnValue:
    """Administrators: the organization's name in both languages, logo, contact block and page size."""
    import tempfile
    from dataclasses import asdict

    from casefiles.briefs import organization

    require(policies.can_manage_organization(current_user))
    current = organization.details()
    form = OrganizationForm(data=None if request.method == "POST" else asdict(current))
    if form.validate_on_submit():
        upload = request.files.get("logo")
        png = None
        if upload is not None and upload.filename:
            with tempfile.NamedTemporaryFile() as scratch:
                upload.save(scratch)
                scratch.flush()
                try:
                    png = organization.checked_logo(Path(scratch.name), Path(scratch.name).stat().st_size)
                except organization.LogoRefused as error:
                    form.logo.errors = [error.message]
        if not form.logo.errors:
            changes = {key: getattr(form, key).data for key in (*organization.TEXT_KEYS, "page_size")}
            organization.update_details(actor=current_user, changes=changes)
            if png is not None or form.remove_logo.data:
                organization.set_logo(actor=current_user, png=png)
            db.session.commit()
            flash(_("The organization's details are saved; new briefs use them."), "success")
            return redirect(url_for("briefs.organization_settings"))
    status = 422 if form.errors else 200
    return render_template("briefs/organization.html", form=form, logo=current.logo), status
