"""Rendering public answers into the shared store ahead of their first reader: the pages of a case once it is
published or changed (after the change commits, when the staff answer is already on its way), and every published
case at once from the command line (`flask public render-pages`, after a deploy or a restore).

A page is rendered exactly as for an anonymous visitor — through the application's own WSGI stack, edge cache
included — so what is stored is what a visitor would be shown, nothing more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import click
from flask import Flask, current_app, has_request_context, request
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from casefiles.public.language import LANGUAGES

log = logging.getLogger(__name__)
MAX_AFTER_COMMIT = 20  # cases rendered after one change; a bulk import leaves the rest to their first reader


def case_paths(slug: str, languages: Iterable[str] = LANGUAGES) -> list[str]:
    """The public pages of one case, one per language."""
    return [f"/{lang}/cases/{slug}" for lang in languages]


def render(app: Flask, paths: Iterable[str], base_url: str) -> int:
    """GET each path as an anonymous visitor at base_url; the edge cache stores what is cacheable. Returns how
    many answered 200."""
    done = 0
    for path in paths:
        environ = EnvironBuilder(path=path, base_url=base_url, method="GET").get_environ()
        environ.pop("HTTP_COOKIE", None)
        status: dict[str, str] = {}

        def start_response(line: str, headers: list, exc_info: Any = None, _status: dict = status) -> Any:
            _status["line"] = line
            return lambda data: None

        result = app.wsgi_app(environ, start_response)
        try:
            for _ in result:
                pass
        finally:
            if hasattr(result, "close"):
                result.close()
        done += status.get("line", "").startswith("200")
    return done


def after_publishing(case_ids: list[int]) -> None:
    """Called once a change to these cases committed, inside the staff request: render their public pages when
    the answer has been sent (the same worker, no visitor waits)."""
    if not case_ids or not has_request_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("PUBLIC_PRERENDER", not app.testing):
        return
    base_url = request.url_root
    ids = sorted(set(case_ids))[:MAX_AFTER_COMMIT]

    def run() -> None:
        try:
            with app.app_context():
                from casefiles.cases.models import Case
                from casefiles.extensions import db
                from casefiles.public.queries import published_clause

                slugs = db.session.scalars(select(Case.public_slug).where(Case.id.in_(ids), published_clause()))
                paths = [p for slug in slugs for p in case_paths(slug)]
                db.session.remove()
            render(app, paths, base_url)
        except Exception:  # noqa: BLE001 - a page not rendered now is rendered by its first reader
            log.warning("Could not render the public pages of cases %s ahead of time", ids, exc_info=True)

    request.environ.setdefault(_PENDING, []).append(run)


_PENDING = "casefiles.prerender"


def _run_when_sent(response: Any) -> Any:
    """after_request: the renders this request asked for run once its answer has gone."""
    for run in request.environ.pop(_PENDING, []):
        response.call_on_close(run)
    return response


def init_app(app: Flask) -> None:
    from casefiles.public.store import CASES_COMMITTED

    if after_publishing not in CASES_COMMITTED:
        CASES_COMMITTED.append(after_publishing)
    if not app.extensions.get("casefiles_prerender"):
        app.extensions["casefiles_prerender"] = True
        app.after_request(_run_when_sent)
        app.cli.add_command(public_cli)


public_cli = AppGroup("public", help="The public side's stored pages.")


@public_cli.command("render-pages")
@click.option("--base-url", required=True, help="The public address visitors use, e.g. https://cases.example.org/")
@click.option("--language", "languages", multiple=True, type=click.Choice(LANGUAGES), help="Default: every one.")
@click.option("--shard", default="1/1", help="K/N: only the K-th of N equal parts (run N commands at once).")
def render_pages_command(base_url: str, languages: tuple[str, ...], shard: str) -> None:
    """Render every published case's page into the shared store."""
    from casefiles.cases.models import Case
    from casefiles.extensions import db
    from casefiles.public.queries import cached_public_cases, published_clause
    from casefiles.public.store import store_for

    try:
        part, parts = (int(n) for n in shard.split("/"))
        if not 1 <= part <= parts:
            raise ValueError
    except ValueError:
        raise click.BadParameter("write K/N, for example 2/4", param_hint="--shard") from None
    rows = db.session.execute(select(Case.id, Case.public_slug).where(published_clause()).order_by(Case.id)).all()
    rows = rows[part - 1 :: parts]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = store_for(app)
    if hasattr(store, "start_batch"):
        store.start_batch()
    done = total = 0
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        for language in languages or LANGUAGES:
            cached_public_cases([row.id for row in chunk], language)  # one load for 200 projections
        db.session.remove()
        paths = [p for row in chunk for p in case_paths(row.public_slug, languages or LANGUAGES)]
        total += len(paths)
        done += render(app, paths, base_url)
    if hasattr(store, "flush"):
        store.flush()
    click.echo(f"{done} of {total} public pages rendered into the store.")
