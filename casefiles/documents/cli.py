"""`flask storage check`: re-hash every stored file; list missing files, orphan files and hash mismatches."""

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
