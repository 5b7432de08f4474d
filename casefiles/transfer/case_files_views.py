"""Import whole case files from the staff side: upload the CSV files (or one zip) -> preview -> confirm."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms.validators import ValidationError

from casefiles.authz import require
from casefiles.extensions import db
from casefiles.transfer import case_files, policies
from casefiles.transfer.csv_reading import ImportFileError
from casefiles.transfer.forms import ConfirmImportForm
from casefiles.transfer.views import _forget_abandoned_uploads, _pending_folder, bp

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class CaseFilesForm(FlaskForm):
    """The CSV files of whole case files, or one zip of them."""

    files = MultipleFileField(
        _l("CSV files or one zip"),
        description=_l("cases.csv, people.csv, sanctions.csv, harms.csv, proceedings.csv, events.csv, tasks.csv."),
    )

    def validate_files(self, field: MultipleFileField) -> None:
        if not [f for f in field.data or [] if getattr(f, "filename", "")]:
            raise ValidationError(_l("Choose the CSV files, or one zip of them."))


def _uploaded(form: CaseFilesForm) -> dict[str, bytes]:
    """The uploaded files by name (cases, people...); a zip is opened."""
    found: dict[str, bytes] = {}
    problems = []
    for upload in form.files.data:
        name = Path(upload.filename or "").name
        data = upload.read()
        if name.lower().endswith(".zip"):
            found.update(case_files.files_from_zip(data))
            continue
        stem = name[:-4].lower() if name.lower().endswith(".csv") else ""
        if stem not in case_files.RECORDS:
            names = ", ".join(f"{n}.csv" for n in case_files.RECORDS)
            problems.append(_l("“%(name)s” is not one of the files: %(names)s.", name=name, names=names))
        found[stem] = data
    if problems:
        raise ImportFileError(problems)
    return found


def _keep(files: dict[str, bytes]) -> str:
    """Keep the previewed files until they are confirmed (a day at most), for this user only."""
    _forget_abandoned_uploads()
    token = secrets.token_hex(16)
    for name, data in files.items():
        (_pending_folder() / f"{token}-{name}.csv").write_bytes(data)
    meta = {"user_id": current_user.id, "kind": "case_files", "files": sorted(files)}
    (_pending_folder() / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def _kept(token: str) -> dict[str, bytes]:
    if not _TOKEN.match(token):
        abort(404)
    meta_path = _pending_folder() / f"{token}.json"
    if not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id or meta.get("kind") != "case_files":
        abort(404)
    files = {}
    for name in meta["files"]:
        if name not in case_files.RECORDS:
            abort(404)
        path = _pending_folder() / f"{token}-{name}.csv"
        if not path.exists():
            abort(404)
        files[name] = path.read_bytes()
    return files


def _forget(token: str) -> None:
    for name in case_files.RECORDS:
        (_pending_folder() / f"{token}-{name}.csv").unlink(missing_ok=True)
    (_pending_folder() / f"{token}.json").unlink(missing_ok=True)


@bp.route("/import/case-files", methods=["GET", "POST"])
def case_files_upload() -> ResponseReturnValue:
    """Upload whole case files and see, row by row, what importing them would change."""
    require(policies.can_import(current_user))
    form = CaseFilesForm()
    if form.validate_on_submit():
        try:
            files = _uploaded(form)
        except ImportFileError as error:
            report = case_files.CaseFilesReport(errors=[str(m) for m in error.messages])
        else:
            report = case_files.preview(files)
        token = _keep(files) if report.ok else ""
        return render_template(
            "transfer/case_files_preview.html", report=report, token=token, confirm_form=ConfirmImportForm()
        )
    columns = {name: case_files.columns(name) for name in case_files.RECORDS}
    return render_template("transfer/case_files_upload.html", form=form, columns=columns)


@bp.route("/import/case-files/<token>", methods=["POST"])
def case_files_confirm(token: str) -> ResponseReturnValue:
    """Import the previewed case files: everything or nothing."""
    require(policies.can_import(current_user))
    files = _kept(token)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report = case_files.import_case_files(files, actor=current_user)
        db.session.commit()
    except case_files.CaseFilesRefused as error:
        db.session.rollback()
        return render_template(
            "transfer/case_files_preview.html", report=error.report, token="", confirm_form=form, refused=True
        ), 422
    finally:
        _forget(token)
    counts = report.counts()
    flash(
        _(
            "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
        ),
        "success",
    )
    return redirect(url_for("transfer.case_files_upload"))
