"""`flask reminders send`: run once a day (cron or a systemd timer, early morning); running it again the same day
sends nothing more."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from casefiles.extensions import db


@click.group("reminders")
def reminders_cli() -> None:
    """Volunteers' deadline reminders."""


@reminders_cli.command("send")
@with_appcontext
def send() -> None:
    """Queue today's deadline email of every person who has deadlines (once a day), then deliver."""
    from casefiles.mail.services import deliver_due
    from casefiles.reminders.services import send_reminders

    queued = send_reminders()
    db.session.commit()
    counts = deliver_due(limit=1000)
    click.echo(f"{queued} reminder(s) queued; sent {counts['sent']}, retry later {counts['retry']}")
