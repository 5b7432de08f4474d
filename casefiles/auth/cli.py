"""flask users create EMAIL --role admin|staff|volunteer --password-stdin"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from casefiles.auth import services
from casefiles.authz import Role
from casefiles.extensions import db

users_cli = AppGroup("users", help="Manage staff-side accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value, show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(actor=None, email=email, password=password, role=Role(role), name=name)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


@users_cli.command("list")
def list_command() -> None:
    """List accounts."""
    from sqlalchemy import select

    from casefiles.auth.models import User

    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.id}\t{user.email}\t{user.role.value}\t{state}")
