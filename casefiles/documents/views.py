"""Documents pages: upload (several files, with or without JavaScript), a document's page and versions,
downloads (always attachments), previews, publishing, and the public download of public documents."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casefiles.authz import can_publish as may_publish
from casefiles.authz import public, require
from casefiles.cases.models import Case
from casefiles.documents import policies, services
from casefiles.documents.detection import EXTENSIONS, UploadRefused, download_name, safe_filename
from casefiles.documents.forms import ConfirmForm, EditDocumentForm, UploadForm, VersionForm
from casefiles.documents.models import Document, DocumentVersion
from casefiles.documents.storage import StorageError, get_storage
from casefiles.extensions import db
from casefiles.records.fields import FieldError
from casefiles.records.views import attach_error, edit_view
from casefiles.views_common import get_or_404

bp = Blueprint("documents", __name__)


def _streaming_request_class(base: type) -> type:
    """Uploads to this blueprint are written straight into the storage's temporary folder while being hashed,
    never held in memory and never copied twice."""

    class UploadRequest(base):  # type: ignore[misc, valid-type]
        def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):  # noqa: ANN001, ANN202
            if self.blueprint == bp.name:
                temp = get_storage().temp_file()
                # Remembered here too: a body cut off mid-file never reaches request.files, yet must vanish.
                self.__dict__.setdefault("_upload_temps", []).append(temp)
                return temp
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)

        def close(self) -> None:
            try:
                super().close()
            finally:
                for temp in self.__dict__.pop("_upload_temps", []):
                    temp.close()

    return UploadRequest


@bp.record_once
def _install(state: Any) -> None:
    app: Flask = state.app
    app.request_class = _streaming_request_class(app.request_class)


def _files(field_name: str) -> list[tuple[str | None, Any]]:
    return [(f.filename, f.stream) for f in request.files.getlist(field_name) if f and (f.filename or f.stream)]


def _evidence_context(document: Document) -> dict[str, Any]:
    from casefiles.evidence.views import document_evidence_context

    return document_evidence_context(document)


def _load(document_id: int) -> Document:
    document = get_or_404(Document, document_id)
    require(policies.can_view(current_user, document))
    return document


@bp.route("/staff/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
def upload(case_id: int) -> ResponseReturnValue:
    """Add one or several documents to a case."""
    case = get_or_404(Case, case_id)
    require(policies.can_upload(current_user, case))
    form = UploadForm()
    refused: list[tuple[str, str]] = []
    if form.validate_on_submit():
        files = [(name, stream) for name, stream in _files("files") if name]
        try:
            if not files:
                form.files.errors = [_("Choose at least one file.")]
            else:
                documents = services.upload_documents(case, actor=current_user, files=files, values=form.values())
                db.session.commit()
                flash(_("%(count)s document(s) added.", count=len(documents)), "success")
                if len(documents) == 1:
                    return redirect(url_for("documents.detail", document_id=documents[0].id))
                return redirect(url_for("cases.detail", case_id=case.id, _anchor="documents"))
        except UploadRefused as error:
            db.session.rollback()
            refused.append((getattr(error, "filename", ""), str(error.message)))
            form.files.errors = [_("%(name)s: %(reason)s", name=getattr(error, "filename", ""), reason=error.message)]
        except FieldError as error:
            db.session.rollback()
            attach_error(form, error)
        except StorageError:
            db.session.rollback()
            form.files.errors = [_("The file could not be stored. Please try again later.")]
    status = 422 if request.method == "POST" else 200
    return render_template("documents/upload.html", form=form, case=case, refused=refused), status


@bp.route("/staff/documents/<int:document_id>")
def detail(document_id: int) -> ResponseReturnValue:
    """A document: its description, preview and every version."""
    document = _load(document_id)
    case = db.session.get(Case, document.case_id) if document.case_id else None
    return render_template(
        "documents/detail.html",
        document=document,
        case=case,
        version_form=VersionForm(),
        confirm_form=ConfirmForm(),
        can_edit=policies.can_edit(current_user, document),
        can_publish=policies.can_publish(current_user, document),
        **_evidence_context(document),
    )


@bp.route("/staff/documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int) -> ResponseReturnValue:
    """Change a document's title, kind, date, description and source; a stale save opens the merge view."""
    document = _load(document_id)
    require(policies.can_edit(current_user, document))
    case = db.session.get(Case, document.case_id) if document.case_id else None
    published = bool(case is not None and case.published and document.is_public)
    return edit_view(
        document,
        EditDocumentForm,
        save=lambda values, expected: services.update_document(
            document, actor=current_user, values=values, expected_version=expected
        ),
        saved=_("Saved."),
        next_url=lambda: url_for("documents.detail", document_id=document.id),
        template="documents/edit.html",
        document=document,
        case=case,
        goes_live=published and may_publish(current_user),
        needs_review=published and not may_publish(current_user),
    )


@bp.route("/staff/documents/<int:document_id>/versions", methods=["POST"])
def new_version(document_id: int) -> ResponseReturnValue:
    """Upload a new version; older versions stay."""
    document = _load(document_id)
    require(policies.can_edit(current_user, document))
    form = VersionForm()
    files = [(name, stream) for name, stream in _files("file") if name]
    if form.validate_on_submit():
        if not files:
            form.file.errors = [_("Choose a file.")]
        else:
            try:
                version = services.add_version(document, actor=current_user, filename=files[0][0], stream=files[0][1])
                db.session.commit()
                if document.reviewed_version == version.number:
                    flash(_("Version %(number)s added.", number=version.number), "success")
                else:
                    flash(
                        _(
                            "Version %(number)s added. The public keeps downloading the previous version until "
                            "staff approve the new one.",
                            number=version.number,
                        ),
                        "success",
                    )
                return redirect(url_for("documents.detail", document_id=document.id))
            except UploadRefused as error:
                db.session.rollback()
                form.file.errors = [str(error.message)]
            except StorageError:
                db.session.rollback()
                form.file.errors = [_("The file could not be stored. Please try again later.")]
    case = db.session.get(Case, document.case_id) if document.case_id else None
    return (
        render_template(
            "documents/detail.html",
            document=document,
            case=case,
            version_form=form,
            confirm_form=ConfirmForm(),
            can_edit=True,
            can_publish=policies.can_publish(current_user, document),
            **_evidence_context(document),
        ),
        422,
    )


@bp.route("/staff/documents/<int:document_id>/visibility", methods=["POST"])
def visibility(document_id: int) -> ResponseReturnValue:
    """Make a document public, or private again (staff)."""
    document = _load(document_id)
    require(policies.can_publish(current_user, document))
    form = ConfirmForm()
    wanted = request.form.get("visibility")
    if form.validate_on_submit() and wanted in ("public", "private"):
        if services.set_visibility(document, actor=current_user, public=wanted == "public"):
            db.session.commit()
            flash(
                _("The document is now public.") if wanted == "public" else _("The document is now private."), "success"
            )
    return redirect(url_for("documents.detail", document_id=document.id))


def _send(key: str, mime_type: str, name: str, size: int | None = None) -> Response:
    storage = get_storage()
    path = storage.local_path(key)
    try:
        source: Any = path if path is not None else storage.open(key)
        if path is not None and not path.is_file():
            raise FileNotFoundError(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(source, mimetype=mime_type, as_attachment=True, download_name=name, max_age=0)
    if path is None and size is not None:
        response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/staff/documents/<int:document_id>/versions/<int:version_id>/download")
def download(document_id: int, version_id: int) -> ResponseReturnValue:
    """Download a version, as an attachment; a private document's download is recorded."""
    document = _load(document_id)
    version = get_or_404(DocumentVersion, version_id)
    if version.document_id != document.id:
        abort(404)
    services.record_download(document, version, actor=current_user)
    db.session.commit()
    response = _send(
        version.storage_key,
        version.mime_type,
        download_name(version.original_filename, version.mime_type),
        version.size,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/documents/<int:document_id>/versions/<int:version_id>/preview.png")
def preview(document_id: int, version_id: int) -> ResponseReturnValue:
    """The small PNG preview of a version."""
    document = _load(document_id)
    version = get_or_404(DocumentVersion, version_id)
    if version.document_id != document.id or not version.preview_key:
        abort(404)
    storage = get_storage()
    try:
        stream = storage.open(version.preview_key)
    except FileNotFoundError:
        abort(404)
    response = send_file(stream, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/documents/<token>")
@public
def public_download(token: str) -> ResponseReturnValue:
    """A public document of a published case (images as re-encoded copies without metadata); 404 otherwise."""
    found = services.public_file(token) if len(token) <= 40 else None
    if found is None:
        abort(404)
    document, version, key = found
    size = version.public_size if key == version.public_key else version.size
    name = f"{safe_filename(document.title)}.{EXTENSIONS[version.mime_type]}"
    return _send(key, version.mime_type, name, size)


def case_documents_context(case: Any) -> dict[str, Any]:
    """What the case page shows of documents: the list, whether this user may add one, and the evidence."""
    from casefiles.evidence.views import case_evidence_context

    return {
        "documents": services.case_documents(case),
        "can_upload": policies.can_upload(current_user, case),
        **case_evidence_context(case),
    }
