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


def _external_url(endpoint: str, **values: str) -> str:
    """A full link for the CLI, built on BASE_URL (e.g. https://cases.example.org)."""
    from flask import current_app, url_for

    base = current_app.config.get("BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


def _send_if_configured(kind: str, email: str, url: str) -> None:
    from flask import current_app

    from casefiles.auth.links_views import _deliver

    base = current_app.config.get("BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context("/", base_url=base):
        if _deliver(kind, email, url):
            click.echo(f"Emailed the link to {email}.")


@users_cli.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value, show_default=True)
@click.option("--name", default="", help="Display name.")
def invite_command(email: str, role: str, name: str) -> None:
    """Invite someone: print a one-time link (valid 7 days) with which they choose their password."""
    try:
        link, token = services.create_invite(actor=None, email=email, role=Role(role), name=name)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    url = _external_url("auth.accept_invite", token=token)
    click.echo(url)
    _send_if_configured("invite", link.email, url)


@users_cli.command("reset")
@click.argument("email")
def reset_command(email: str) -> None:
    """Print a one-time password-reset link (valid 24 hours) for an account."""
    user = services.find_user_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException("No active account with this email.")
    _link, token = services.create_reset(user, actor=None)
    db.session.commit()
    url = _external_url("auth.accept_reset", token=token)
    click.echo(url)
    _send_if_configured("reset", user.email, url)


@users_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account; its sessions end at once."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No account with this email.")
    services.update_user(user, actor=None, name=user.name, role=user.role, active=False)
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


@users_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Enable a disabled account."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No account with this email.")
    services.update_user(user, actor=None, name=user.name, role=user.role, active=True)
    db.session.commit()
    click.echo(f"Enabled {user.email}.")


@users_cli.command("require-2fa")
@click.argument("state", type=click.Choice(["on", "off"]))
def require_totp_command(state: str) -> None:
    """Require (or stop requiring) a second factor for staff and administrators."""
    services.set_setting(services.REQUIRE_TOTP, "1" if state == "on" else "0", actor=None)
    db.session.commit()
    click.echo(f"Second factor required for staff and administrators: {state}.")
