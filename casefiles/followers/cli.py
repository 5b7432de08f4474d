"""`flask followers digest` (e.g. every 15 minutes) and `flask followers purge-unconfirmed` (daily)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from casefiles.extensions import db


@click.group("followers")
def followers_cli() -> None:
    """People following a case or a campaign by email."""


@followers_cli.command("digest")
@with_appcontext
def digest() -> None:
    """Queue a digest for every follower of a page that changed publicly since their last one, then deliver."""
    from casefiles.followers.services import send_digests
    from casefiles.mail.services import deliver_due

    queued = send_digests()
    db.session.commit()
    counts = deliver_due(limit=1000)
    click.echo(f"{queued} digest(s) queued; sent {counts['sent']}, retry later {counts['retry']}")


@followers_cli.command("purge-unconfirmed")
@click.option("--days", default=7, show_default=True, help="Delete follows unconfirmed for this many days.")
@with_appcontext
def purge_unconfirmed(days: int) -> None:
    """Delete follows never confirmed (their address with them)."""
    from casefiles.followers.services import purge_unconfirmed as purge

    deleted = purge(days)
    db.session.commit()
    click.echo(f"{deleted} unconfirmed follow(s) deleted.")
