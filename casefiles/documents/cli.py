"""`flask storage check`: re-hash every stored file; list missing files, orphan files and hash mismatches.
`flask storage public-copies`: make the metadata-free public copies that public documents lack."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

storage_cli = AppGroup("storage", help="Check the documents storage.")


@storage_cli.command("check")
def check_command() -> None:
    """Re-hash every stored file against the database; exit 1 when anything is missing, orphaned or altered."""
    from casefiles.documents.services import check_storage

    report = check_storage()
    for line in report.missing:
        click.echo(f"MISSING   {line}")
    for line in report.mismatched:
        click.echo(f"MISMATCH  {line}")
    for line in report.orphans:
        click.echo(f"ORPHAN    {line}")
    click.echo(
        f"{report.checked} file(s) re-hashed; {len(report.missing)} missing, "
        f"{len(report.mismatched)} hash mismatch(es), {len(report.orphans)} orphan(s)."
    )
    if not report.ok:
        sys.exit(1)


@storage_cli.command("public-copies")
def public_copies_command() -> None:
    """Give every public document a metadata-free public copy it lacks (files stored before such copies were
    made for their type); until then their public download answers 404. Exit 1 when some copy cannot be made."""
    from sqlalchemy import select

    from casefiles.documents.models import Document, Visibility
    from casefiles.documents.public_copy import needs_public_copy
    from casefiles.documents.services import ensure_public_copy
    from casefiles.extensions import db

    made, failed = 0, []
    ids = db.session.scalars(select(Document.id).where(Document.visibility == Visibility.PUBLIC.value)).all()
    for document_id in ids:
        document = db.session.get(Document, document_id)
        version = document.public_version if document is not None else None
        if version is None or version.public_key or not needs_public_copy(version.mime_type):
            continue
        if ensure_public_copy(version):
            db.session.commit()
            made += 1
        else:
            db.session.rollback()
            failed.append(document_id)
    for document_id in failed:
        click.echo(f"NO COPY   document {document_id}")
    click.echo(f"{made} public copy(ies) made; {len(failed)} document(s) without one (not downloadable publicly).")
    if failed:
        sys.exit(1)
