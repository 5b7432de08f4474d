"""Import from the staff side (upload -> preview -> confirm, all-or-nothing) and export of everything (admins)."""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from casefiles.audit.services import record
from casefiles.authz import require
from casefiles.extensions import db
from casefiles.transfer import csv_campaigns, csv_import, csv_organizations, policies
from casefiles.transfer.forms import ConfirmImportForm, ImportForm
from casefiles.transfer.import_all_form import ImportAllForm
from casefiles.transfer.report import ImportRefused

bp = Blueprint("transfer", __name__)
PENDING_MAX_AGE = 24 * 3600
PREVIEWS = {
    "cases": csv_import.preview_cases,
    "campaigns": csv_campaigns.preview_campaigns,
    "organizations": csv_organizations.preview_organizations,
}
IMPORTERS = {
    "cases": csv_import.import_cases,
    "campaigns": csv_campaigns.import_campaigns,
    "organizations": csv_organizations.import_organizations,
}
COLUMNS = {
    "cases": csv_import.CASE_COLUMNS + csv_import.CASE_OPTIONAL,
    "campaigns": csv_campaigns.CAMPAIGN_COLUMNS + csv_campaigns.CAMPAIGN_OPTIONAL,
    "organizations": csv_organizations.ORG_COLUMNS,
}


def _pending_folder() -> Path:
    """Uploaded files waiting for confirmation, outside any static folder."""
    root = Path(current_app.config.get("INSTANCE_STORAGE") or current_app.instance_path)
    folder = root / "pending-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_abandoned_uploads() -> None:
    """Uploads previewed but never confirmed hold private data: they go after a day."""
    limit = time.time() - PENDING_MAX_AGE
    for path in _pending_folder().iterdir():
        if path.suffix in (".csv", ".json") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _pending(token: str) -> tuple[Path, dict]:
    if not token.isalnum() or len(token) > 64:
        abort(404)
    path = _pending_folder() / f"{token}.csv"
    meta_path = _pending_folder() / f"{token}.json"
    if not path.exists() or not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id:
        abort(404)
    return path, meta


def _discard(token: str) -> None:
    for suffix in (".csv", ".json"):
        (_pending_folder() / f"{token}{suffix}").unlink(missing_ok=True)


@bp.route("/import", methods=["GET", "POST"])
def upload() -> ResponseReturnValue:
    """Upload a CSV and see, row by row, what importing it would do."""
    require(policies.can_import(current_user))
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = Path(form.file.data.filename or "import.csv").name[:200] or "import.csv"
        kind = form.kind.data
        options = {"review_confirmed": bool(form.publication_reviewed.data)} if kind == "cases" else {}
        report = PREVIEWS[kind](data, filename, **options)
        _forget_abandoned_uploads()
        token = ""
        if report.ok:
            token = secrets.token_hex(16)
            (_pending_folder() / f"{token}.csv").write_bytes(data)
            meta = {"user_id": current_user.id, "kind": kind, "filename": filename, **options}
            (_pending_folder() / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
        confirm = ConfirmImportForm(formdata=None, publication_reviewed="1" if options.get("review_confirmed") else "")
        return render_template("transfer/preview.html", report=report, token=token, confirm_form=confirm, kind=kind)
    return render_template("transfer/upload.html", form=form, columns=COLUMNS)


@bp.route("/import/<token>", methods=["POST"])
def confirm(token: str) -> ResponseReturnValue:
    """Import the previewed file: every row or none."""
    require(policies.can_import(current_user))
    path, meta = _pending(token)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    kind = meta["kind"]
    options = {"review_confirmed": bool(meta.get("review_confirmed"))} if kind == "cases" else {}
    try:
        report = IMPORTERS[kind](path.read_bytes(), meta["filename"], actor=current_user, **options)
        db.session.commit()
    except ImportRefused as error:
        db.session.rollback()
        return render_template(
            "transfer/preview.html", report=error.report, token="", confirm_form=form, kind=kind, refused=True
        ), 422
    finally:
        _discard(token)
    counts = report.counts
    flash(
        _(
            "Imported %(file)s: %(created)s created, %(updated)s updated.",
            file=meta["filename"],
            created=counts["create"],
            updated=counts["update"],
        ),
        "success",
    )
    return redirect(url_for("transfer.upload"))


@bp.route("/export")
def export_page() -> ResponseReturnValue:
    """The full exports (administrators)."""
    require(policies.can_export(current_user))
    return render_template("transfer/export.html", form=ConfirmImportForm())


@bp.route("/export/everything.<fmt>", methods=["POST"])
def export_download(fmt: str) -> ResponseReturnValue:
    """Everything as a zip: the data as JSON (loads back) or as CSV files, with every document file and a
    SHA-256 manifest (administrators; audited, hence a POST)."""
    from casefiles.transfer.export import write_export

    require(policies.can_export(current_user))
    if fmt not in ("json", "zip"):
        abort(404)
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    kind = "json" if fmt == "json" else "csv"
    handle = tempfile.TemporaryFile(prefix="casefiles-export-")  # noqa: SIM115 (send_file closes it)
    try:
        summary = write_export(handle, kind)
    except BaseException:
        handle.close()
        raise
    record(
        "export.everything",
        actor=current_user,
        object_type="export",
        summary=f"{kind}: {summary.cases} cases, {summary.files} files",
        changes={"format": [None, kind], "cases": [None, summary.cases], "files": [None, summary.files]},
    )
    db.session.commit()
    handle.seek(0)
    name = "casefiles-export.zip" if kind == "json" else "casefiles-export-csv.zip"
    return send_file(handle, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/import-all", methods=["GET", "POST"])
def import_all() -> ResponseReturnValue:
    """Load an export zip into this installation while it is still empty (administrators; all or nothing)."""
    from casefiles.transfer.json_import import RestoreError, restore

    require(policies.can_export(current_user))
    form = ImportAllForm()
    if form.validate_on_submit():
        with tempfile.TemporaryFile(prefix="casefiles-import-") as handle:
            form.file.data.save(handle)
            handle.seek(0)
            try:
                counts = restore(handle, actor=current_user)
            except RestoreError as error:
                form.file.errors = [*form.file.errors, error.message]
                return render_template("transfer/import_all.html", form=form), 422
        flash(
            _(
                "Loaded the export: %(cases)s cases, %(files)s document files.",
                cases=counts.get("cases", 0),
                files=counts.get("files", 0),
            ),
            "success",
        )
        return redirect(url_for("transfer.export_page"))
    return render_template("transfer/import_all.html", form=form)
