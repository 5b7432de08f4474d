"""`flask search reindex`: rebuild the staff full-text entries of every case (after an upgrade or a restore)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casefiles.extensions import db

search_cli = AppGroup("search", help="The staff full-text search index.")


@search_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Cases committed at a time.")
def reindex(batch: int) -> None:
    """Rebuild the search entries of every case, its people and every version of its documents."""
    from casefiles.cases.indexing import reindex_case
    from casefiles.cases.models import Case

    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    for start in range(0, len(ids), batch):
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids[start : start + batch]))):
            reindex_case(case)
        db.session.commit()
    click.echo(f"{len(ids)} cases indexed.")
