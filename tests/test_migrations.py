"""The Alembic migrations build exactly the schema of the models, and every revision upgrades and downgrades.

Runs on a fresh, empty SQLite file, and on a scratch PostgreSQL database when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import Index, create_engine, inspect, text
from sqlalchemy.engine import make_url

from casefiles import create_app
from casefiles.extensions import db
from casefiles.fulltext.models import is_engine_table


def _scratch_postgres(base: str) -> Iterator[str]:
    url = make_url(base)
    name = re.sub(r"[^a-z0-9_]", "_", f"casefiles_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# SQLite always (it is cheap); PostgreSQL when TEST_DATABASE_URL selects it (the second run of the suite).
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else [])


@pytest.fixture(params=BACKENDS)
def empty_database(request: Any, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        yield from _scratch_postgres(os.environ["TEST_DATABASE_URL"])


@pytest.fixture
def migrating_app(empty_database: str, tmp_path: Path) -> Iterator[Any]:
    """An app on the empty database, with its context pushed; Alembic's logging setup is undone afterwards."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_STORAGE": str(tmp_path)})
    disabled = {name: getattr(lg, "disabled", False) for name, lg in logging.root.manager.loggerDict.items()}
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    for name, lg in logging.root.manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.disabled = disabled.get(name, False)


def _script() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def _is_expression_index(index: Any) -> bool:
    return isinstance(index, Index) and any(not hasattr(e, "table") for e in index.expressions)


def _differences() -> list[Any]:
    """What autogenerate would still write, ignoring expression-based indexes (it cannot compare them)."""
    with db.engine.connect() as conn, warnings.catch_warnings():
        # The GIN index over the search terms exists on PostgreSQL only (compared there); SQLite cannot reflect it.
        warnings.filterwarnings("ignore", message=".*expression-based index 'ix_search_entries_vector'")
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_as_batch": conn.dialect.name == "sqlite",
                "include_name": lambda name, type_, _parents: not (type_ == "table" and is_engine_table(name)),
            },
        )
        diff = compare_metadata(context, db.metadata)

    def flatten(items: list[Any]) -> Iterator[Any]:
        for item in items:
            if isinstance(item, list):
                yield from flatten(item)
            else:
                yield item

    significant = []
    for change in flatten(diff):
        if change[0] in ("add_index", "remove_index") and _is_expression_index(change[1]):
            continue
        significant.append(change)
    return significant


def _tables() -> set[str]:
    # The SQLite full-text engine keeps its own tables beside the models' (search_entries_fts and its shadows).
    return {t for t in inspect(db.engine).get_table_names() if not is_engine_table(t)} - {"alembic_version"}


def test_upgrade_builds_the_schema_of_the_models(migrating_app: Any) -> None:
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == {t.name for t in db.metadata.sorted_tables}
    differences = _differences()
    assert differences == [], "\n".join(map(repr, differences))


def test_every_revision_upgrades_and_downgrades(migrating_app: Any) -> None:
    revisions = list(reversed(list(_script().walk_revisions("base", "heads"))))
    assert revisions, "no migration found"
    for revision in revisions:
        flask_migrate.upgrade(revision=revision.revision)
        with_this = _tables()
        previous = revision.down_revision if isinstance(revision.down_revision, str) else "base"
        flask_migrate.downgrade(revision=previous or "base")
        if previous in (None, "base"):
            assert _tables() == set()
        flask_migrate.upgrade(revision=revision.revision)
        assert _tables() == with_this
    assert _differences() == []


def test_one_head(migrating_app: Any) -> None:
    assert len(_script().get_heads()) == 1
