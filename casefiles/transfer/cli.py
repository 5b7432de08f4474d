"""flask cases import FILE, flask campaigns import FILE, flask orgs import FILE; flask export, flask import-all ZIP."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casefiles.auth.models import User
from casefiles.extensions import db
from casefiles.transfer import csv_campaigns, csv_import, csv_organizations
from casefiles.transfer.report import ImportRefused, ImportReport

cases_cli = AppGroup("cases", help="Case files: CSV import.")
campaigns_cli = AppGroup("campaigns", help="Campaigns: CSV import.")
orgs_cli = AppGroup("orgs", help="Organizations: CSV import.")


def _actor(email: str | None) -> Any:
    if not email:
        return None
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"No account with the address {email}.")
    return user


def _print_report(report: ImportReport, verbose: bool) -> None:
    for message in report.file_errors:
        click.echo(f"refused: {message}", err=True)
    for row in report.rows:
        if row.action == "refuse":
            for message in row.messages:
                click.echo(f"refused: {message}", err=True)
        elif verbose:
            click.echo(f"row {row.row}: {row.action} {row.reference}")
        for warning in row.warnings:
            click.echo(f"row {row.row}: note: {warning}", err=True)
    counts = report.counts
    click.echo(f"{counts['create']} to create, {counts['update']} to update, {counts['refuse']} refused.")


def _run(kind: str, path: Path, dry_run: bool, actor_email: str | None, verbose: bool, **options: Any) -> None:
    data = path.read_bytes()
    previews = {
        "cases": csv_import.preview_cases,
        "campaigns": csv_campaigns.preview_campaigns,
        "organizations": csv_organizations.preview_organizations,
    }
    importers = {
        "cases": csv_import.import_cases,
        "campaigns": csv_campaigns.import_campaigns,
        "organizations": csv_organizations.import_organizations,
    }
    report = previews[kind](data, path.name, **options)
    _print_report(report, verbose)
    if not report.ok:
        raise click.ClickException("Nothing was imported: correct the rows above and try again.")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    actor = _actor(actor_email)
    total = len(report.rows)
    try:
        with click.progressbar(length=total, label=f"Importing {kind}", file=sys.stderr) as bar:
            importers[kind](data, path.name, actor=actor, progress=bar.update, **options)
        db.session.commit()
    except ImportRefused as error:
        db.session.rollback()
        _print_report(error.report, verbose)
        raise click.ClickException("Nothing was imported.") from error
    click.echo(f"Imported {path.name}: {report.counts['create']} created, {report.counts['update']} updated.")


_file = click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_dry = click.option("--dry-run", is_flag=True, help="Check and preview only; write nothing.")
_as = click.option("--as", "actor_email", metavar="EMAIL", help="The account the import is recorded under.")
_verbose = click.option("-v", "--verbose", is_flag=True, help="List every row.")


@cases_cli.command("import")
@_file
@_dry
@_as
@_verbose
@click.option(
    "--publication-reviewed",
    is_flag=True,
    help="Confirm the publication review (consent recorded, no private data in public fields) for rows marked "
    "published; without it they stay unpublished.",
)
def import_cases_command(
    path: Path, dry_run: bool, actor_email: str | None, verbose: bool, publication_reviewed: bool
) -> None:
    """Import cases from a CSV file (updates by external_ref; all-or-nothing)."""
    _run("cases", path, dry_run, actor_email, verbose, review_confirmed=publication_reviewed)


@campaigns_cli.command("import")
@_file
@_dry
@_as
@_verbose
def import_campaigns_command(path: Path, dry_run: bool, actor_email: str | None, verbose: bool) -> None:
    """Import campaigns from a CSV file (updates by external_ref; all-or-nothing)."""
    _run("campaigns", path, dry_run, actor_email, verbose)


@orgs_cli.command("import")
@_file
@_dry
@_as
@_verbose
def import_orgs_command(path: Path, dry_run: bool, actor_email: str | None, verbose: bool) -> None:
    """Import organizations from a CSV file (updates by name; all-or-nothing)."""
    _run("organizations", path, dry_run, actor_email, verbose)


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: loads back with import-all; csv: one file per table, for spreadsheets.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("casefiles-export.zip"),
    show_default=True,
    help="The zip to write (data, document files and a SHA-256 manifest).",
)
@_as
def export_command(fmt: str, output: Path, actor_email: str | None) -> None:
    """Export everything: a zip of the data (JSON or CSV), every document file and a manifest."""
    from casefiles.audit.services import record
    from casefiles.transfer.export import write_export

    partial = output.with_name(output.name + ".part")
    try:
        summary = write_export(partial, fmt)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    record(
        "export.everything",
        actor=_actor(actor_email),
        object_type="export",
        summary=f"{fmt}: {summary.cases} cases, {summary.files} files",
        changes={"format": [None, fmt], "cases": [None, summary.cases], "files": [None, summary.files]},
    )
    db.session.commit()
    for key in summary.missing_files:
        click.echo(f"warning: the stored file {key} is missing; its document row is exported without it.", err=True)
    for key in summary.damaged_files:
        click.echo(f"warning: the stored file {key} does not match its SHA-256; exported as it is.", err=True)
    click.echo(f"Wrote {output}: {sum(summary.rows.values())} rows, {summary.files} files.", err=True)


@click.command("import-all")
@_file
@_dry
@_as
def import_all_command(path: Path, dry_run: bool, actor_email: str | None) -> None:
    """Load an export zip (made with `flask export`) into an empty database, files included (all-or-nothing)."""
    from casefiles.transfer.json_import import RestoreError, restore

    actor = _actor(actor_email)
    try:
        with path.open("rb") as handle:
            counts = restore(handle, actor=actor, dry_run=dry_run)
    except RestoreError as error:
        raise click.ClickException(f"Nothing was loaded: {error}") from error
    loaded = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    if dry_run:
        click.echo(f"Dry run: the export is complete and would load {loaded}. Nothing was written.")
        return
    click.echo(f"Loaded {loaded}.")


def register_cli(app: Any) -> None:
    """Add the import and export commands to `flask`."""
    for command in (cases_cli, campaigns_cli, orgs_cli, export_command, import_all_command):
        app.cli.add_command(command)
