"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, g
from flask.cli import with_appcontext
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from casefiles.db import Base


class LazyMigrate:
    """Flask-Migrate, bound to the app at start but imported (with Alembic) only when a migration runs: by the
    `flask db` commands, or by anything reading `app.extensions["migrate"]`. A web worker never loads it."""

    def init_app(self, app: Flask, db: SQLAlchemy, **options: Any) -> None:
        app.extensions["migrate"] = _MigrateSettings(app, db, options)
        app.cli.add_command(_migrate_commands)


class _MigrateSettings:
    """Stands in for Flask-Migrate's settings of one app until something reads them."""

    def __init__(self, app: Flask, db: SQLAlchemy, options: dict[str, Any]) -> None:
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate

        Migrate().init_app(self._app, self._db, **self._options)  # puts the real settings in app.extensions
        return getattr(self._app.extensions["migrate"], name)


class _MigrateCommands(click.Group):
    """The `flask db` group: Flask-Migrate's own commands, imported when the group is used."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


@click.group("db", cls=_MigrateCommands)
@click.option("-d", "--directory", default=None, help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def _migrate_commands(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations."""
    g.directory = directory  # read by Flask-Migrate's commands, as its own group does
    g.x_arg = x_arg


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
