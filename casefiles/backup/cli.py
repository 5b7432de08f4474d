"""flask backup create [--output DIR] | verify ARCHIVE | restore ARCHIVE [--yes]"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from casefiles.backup import services

backup_cli = AppGroup("backup", help="Back up and restore the database and the documents.")


def _settings() -> services.BackupSettings:
    return services.settings_from_config(current_app.config, current_app.instance_path)


@backup_cli.command("create")
@click.option("--output", "output", type=click.Path(file_okay=False, path_type=Path), default=None)
def create_command(output: Path | None) -> None:
    """Write a backup archive (database + documents + SHA-256 manifest)."""
    folder = output or Path(current_app.instance_path) / "backups"
    try:
        archive = services.create_backup(_settings(), folder)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(archive))


@backup_cli.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(archive: Path) -> None:
    """Check every SHA-256 in an archive without restoring it."""
    try:
        manifest = services.verify_backup(archive)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"OK: {len(manifest['files'])} files, made {manifest['created_at']}.")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and the documents with the archive's (stop the app first)."""
    if not yes:
        click.confirm("This replaces every case, account and document with the backup's. Continue?", abort=True)
    from casefiles.audit.services import record
    from casefiles.extensions import db

    db.session.remove()
    db.engine.dispose()  # no connection may hold the database while it is replaced
    try:
        manifest = services.restore_backup(_settings(), archive)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    db.engine.dispose()
    record("backup.restore", actor=None, object_type="backup", summary=archive.name)
    db.session.commit()
    click.echo(f"Restored {len(manifest['files'])} files from {archive.name}.")
