"""flask cases import-files: whole case files (CSV files, or one zip) from the command line, with the same preview."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from casefiles.extensions import db
from casefiles.transfer import case_files
from casefiles.transfer.cli import _actor, cases_cli
from casefiles.transfer.csv_reading import ImportFileError


def _read(paths: tuple[Path, ...]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in paths:
        if path.suffix.lower() == ".zip":
            files.update(case_files.files_from_zip(path.read_bytes()))
        else:
            files[path.stem.lower()] = path.read_bytes()
    return files


@cases_cli.command("import-files")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--as", "actor_email", help="Record the import under this account.")
def import_files_command(paths: tuple[Path, ...], dry_run: bool, actor_email: str | None) -> None:
    """Import whole case files: cases.csv, people.csv, sanctions.csv, harms.csv, proceedings.csv, events.csv,
    tasks.csv (or one zip of them), linked by the case's reference; all or nothing."""
    try:
        files = _read(paths)
    except ImportFileError as error:
        for message in error.messages:
            click.echo(f"refused: {message}", err=True)
        sys.exit(1)
    report = case_files.preview(files)
    for plan in report.rows:
        detail = "; ".join(f"{c.label}: {c.old} -> {c.new}" for c in plan.changes)
        click.echo(f"{plan.file}.csv row {plan.row} ({plan.case}): {plan.action}{': ' + detail if detail else ''}")
    for message in report.errors:
        click.echo(f"refused: {message}", err=True)
    if not report.ok:
        sys.exit(1)
    if dry_run:
        click.echo(f"Dry run: {report.change_count} changes, nothing written.")
        return
    try:
        case_files.import_case_files(files, actor=_actor(actor_email))
        db.session.commit()
    except case_files.CaseFilesRefused as error:
        db.session.rollback()
        for message in error.report.errors:
            click.echo(f"refused: {message}", err=True)
        sys.exit(1)
    click.echo(f"Imported: {report.change_count} changes.")
