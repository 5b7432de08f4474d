"""Evidence pages: capture a web page on a case (the capture runs in the background and its status shows), the
capture's provenance and files, and the provenance of a file marked as evidence by hand. Staff side only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.authz import require
from casefiles.cases import policies as case_policies
from casefiles.cases.models import Case
from casefiles.documents import policies
from casefiles.documents.models import Document
from casefiles.documents.storage import get_storage
from casefiles.evidence import services, worker
from casefiles.evidence.fetcher import REASONS
from casefiles.evidence.forms import CaptureForm, ProvenanceForm
from casefiles.evidence.models import Evidence
from casefiles.extensions import db
from casefiles.records import editing
from casefiles.records.editing import StaleRecord
from casefiles.records.fields import FieldError
from casefiles.records.views import attach_error
from casefiles.views_common import get_or_404

bp = Blueprint("evidence", __name__)


def _case_of(evidence: Evidence) -> Case:
    case = db.session.get(Case, evidence.case_id)
    if case is None:
        abort(404)
    return case


def _load(evidence_id: int) -> tuple[Evidence, Case]:
    evidence = get_or_404(Evidence, evidence_id)
    case = _case_of(evidence)
    require(case_policies.can_view(current_user, case))
    return evidence, case


@bp.route("/cases/<int:case_id>/evidence/capture", methods=["GET", "POST"])
def capture(case_id: int) -> ResponseReturnValue:
    """Paste a web address: the capture is queued and runs in the background; the request returns at once."""
    case = get_or_404(Case, case_id)
    require(policies.can_upload(current_user, case))
    form = CaptureForm()
    if form.validate_on_submit():
        try:
            evidence = services.request_capture(case, actor=current_user, url=form.url.data)
            db.session.commit()
        except FieldError as error:
            db.session.rollback()
            form.url.errors = [str(error.message)]
        else:
            worker.submit(evidence.id)
            flash(_("The capture has started. Its status shows below."), "success")
            return redirect(url_for("evidence.detail", evidence_id=evidence.id))
    status = 422 if request.method == "POST" else 200
    return render_template("evidence/capture.html", form=form, case=case), status


@bp.route("/evidence/<int:evidence_id>")
def detail(evidence_id: int) -> ResponseReturnValue:
    """A capture's status, or its provenance once done (with a link to its document)."""
    evidence, case = _load(evidence_id)
    document = db.session.get(Document, evidence.document_id) if evidence.document_id else None
    return render_template(
        "evidence/detail.html",
        evidence=evidence,
        case=case,
        document=document,
        shown_time=services.shown_time(evidence),
        reason=REASONS.get(evidence.error) if evidence.error else None,
    )


def _send(evidence: Evidence, key: str | None, mime: str, name: str, what: str) -> ResponseReturnValue:
    if not key:
        abort(404)
    try:
        stream = get_storage().open(key)
    except FileNotFoundError:
        abort(404)
    editing.audit("download", evidence, current_user, {"file": [None, what]})
    db.session.commit()
    response = send_file(stream, mimetype=mime, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/evidence/<int:evidence_id>/capture.warc.gz")
def warc(evidence_id: int) -> ResponseReturnValue:
    """The WARC record of the capture."""
    evidence, _case = _load(evidence_id)
    return _send(evidence, evidence.warc_key, "application/warc", f"capture-{evidence.id}.warc.gz", "warc")


@bp.route("/evidence/<int:evidence_id>/response.bin")
def body(evidence_id: int) -> ResponseReturnValue:
    """The captured bytes exactly as received (never shown inline)."""
    evidence, _case = _load(evidence_id)
    return _send(evidence, evidence.body_key, "application/octet-stream", f"capture-{evidence.id}.bin", "response")


@bp.route("/evidence/<int:evidence_id>/text.txt")
def text(evidence_id: int) -> ResponseReturnValue:
    """The readable text of the captured page."""
    evidence, _case = _load(evidence_id)
    return _send(evidence, evidence.text_key, "text/plain; charset=utf-8", f"capture-{evidence.id}.txt", "text")


@bp.route("/documents/<int:document_id>/evidence", methods=["GET", "POST"])
def provenance(document_id: int) -> ResponseReturnValue:
    """Mark a document uploaded by hand as evidence, or correct its provenance."""
    document = get_or_404(Document, document_id)
    require(policies.can_edit(current_user, document))
    evidence = services.evidence_of(document)
    if evidence is not None and evidence.method != "upload":
        return redirect(url_for("evidence.detail", evidence_id=evidence.id))
    form = ProvenanceForm()
    if request.method == "GET":
        if evidence is not None:
            local = evidence.captured_local()
            form.source_url.data = evidence.source_url
            form.captured_at.data = local.strftime("%Y-%m-%d %H:%M") if local else ""
            form.captured_zone.data = evidence.captured_zone
            form.captured_by_name.data = evidence.captured_by_name
            form.version.data = str(evidence.version)
        else:
            form.source_url.data = document.source_url
            form.captured_by_name.data = getattr(current_user, "display_name", "")
    if form.validate_on_submit():
        try:
            if evidence is None:
                services.mark_as_evidence(document, actor=current_user, values=form.values())
            else:
                services.update_provenance(
                    evidence,
                    actor=current_user,
                    values=form.values(),
                    expected_version=editing.parse_version(form.version.data) if form.version.data else None,
                )
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("documents.detail", document_id=document.id))
        except StaleRecord:
            db.session.rollback()
            form.version.data = str(evidence.version) if evidence is not None else ""
            flash(_("Someone changed this provenance since you opened the form. Check it and save again."), "error")
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("evidence/provenance.html", form=form, document=document, evidence=evidence), status


def document_evidence_context(document: Document) -> dict[str, Any]:
    """What a document's page shows of its evidence: the provenance, its time with its zone named."""
    evidence = services.evidence_of(document)
    return {
        "evidence": evidence,
        "evidence_time": services.shown_time(evidence) if evidence is not None else "",
    }


def case_evidence_context(case: Case) -> dict[str, Any]:
    """What a case's page shows of evidence: captures (with their status) and the capture form."""
    items = services.case_evidence(case)
    return {
        "evidence_items": [(item, services.shown_time(item)) for item in items],
        "capture_form": CaptureForm(formdata=None),
    }
