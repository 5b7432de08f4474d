"""`flask petitions purge-unconfirmed` (daily) and `flask mail deliver` (any interval, e.g. every minute)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from casefiles.extensions import db


@click.group("petitions")
def petitions_cli() -> None:
    """Petitions signed on our pages."""


@petitions_cli.command("purge-unconfirmed")
@click.option("--days", default=7, show_default=True, help="Delete signatures unconfirmed for this many days.")
@with_appcontext
def purge_unconfirmed(days: int) -> None:
    """Delete signatures never confirmed (their email and name with them)."""
    from casefiles.petitions.services import purge_unconfirmed as purge

    deleted = purge(days)
    db.session.commit()
    click.echo(f"{deleted} unconfirmed signature(s) deleted.")


@click.group("mail")
def mail_cli() -> None:
    """Outgoing mail."""


@mail_cli.command("deliver")
@with_appcontext
def deliver() -> None:
    """Send every message that is due (retries included)."""
    from casefiles.mail.services import deliver_due, pending_count

    counts = deliver_due(limit=1000)
    click.echo(
        f"sent {counts['sent']}, retry later {counts['retry']}, failed {counts['failed']}; {pending_count()} waiting"
    )
