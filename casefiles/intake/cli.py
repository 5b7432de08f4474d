"""`flask intake new-key`, `flask intake rotate-key` (re-encrypts every help request) and `flask intake purge`
(daily: declined and spam requests past INTAKE_RETENTION_DAYS)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casefiles.extensions import db


@click.group("intake")
def intake_cli() -> None:
    """Confidential help requests: their key and their retention."""


def _configured_keys() -> bool:
    return bool(current_app.config.get("INTAKE_KEYS"))


@intake_cli.command("new-key")
@click.option("--print-only", is_flag=True, help="Print a new key without writing the key file.")
@with_appcontext
def new_key(print_only: bool) -> None:
    """Create the key file (refused if one exists), or print a key for CASEFILES_INTAKE_KEYS."""
    from cryptography.fernet import Fernet  # commands only; a web worker never loads it

    from casefiles.intake import crypto

    key = Fernet.generate_key().decode()
    if print_only or _configured_keys():
        click.echo(key)
        return
    path = crypto.key_file()
    if path.exists():
        raise click.ClickException(f"{path} exists already; use `flask intake rotate-key` to change the key.")
    crypto.write_key_file(path, [key])
    click.echo(f"Intake key written to {path} (readable by its owner only). Keep a copy apart from the backups.")


@intake_cli.command("rotate-key")
@click.option("--keep-old", is_flag=True, help="Keep the old keys in the key file after re-encrypting.")
@with_appcontext
def rotate_key(keep_old: bool) -> None:
    """Seal every help request again with a new key, then forget the old keys.

    With the key file: a new key is added in front, everything is re-encrypted, the old keys are removed. With
    CASEFILES_INTAKE_KEYS: put the new key first in the variable yourself, restart, run this, then remove the old
    keys from the variable."""
    from casefiles.intake import crypto, services

    if _configured_keys():
        count = services.reseal_all()
        click.echo(
            f"{count} request(s) re-encrypted with the first key of CASEFILES_INTAKE_KEYS; "
            "the other keys may now be removed from it."
        )
        return
    path = crypto.key_file()
    old = crypto.current_keys()  # creates the file outside production when there is none yet
    from cryptography.fernet import Fernet

    new = Fernet.generate_key().decode()
    crypto.write_key_file(path, [new, *old])
    try:
        count = services.reseal_all()
    except Exception:
        db.session.rollback()
        click.echo("Re-encryption stopped; the key file keeps the new and the old keys. Run the command again.")
        raise
    if not keep_old:
        crypto.write_key_file(path, [new])
    click.echo(
        f"{count} request(s) re-encrypted with a new key" + ("; old keys kept." if keep_old else "; old keys removed.")
    )


@intake_cli.command("purge")
@click.option(
    "--days", type=click.IntRange(min=0), default=None, help="Override INTAKE_RETENTION_DAYS (90 by default)."
)
@with_appcontext
def purge(days: int | None) -> None:
    """Delete declined and spam requests decided longer ago than the retention time (audited, without content)."""
    from casefiles.intake.services import purge_expired

    deleted = purge_expired(days)
    db.session.commit()
    click.echo(f"{deleted} declined or spam request(s) deleted.")
