"""`flask briefs ...`: print a brief or build a dossier from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from casefiles.extensions import db

briefs_cli = click.Group("briefs", help="PDF briefs and dossiers.")


@briefs_cli.command("print")
@click.argument("case_id", type=int)
@click.option("--kind", type=click.Choice(["legal", "public", "onepager"]), default="legal")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def print_brief(case_id: int, kind: str, lang: str, output: Path) -> None:
    """Write one brief of a case to a PDF file."""
    from casefiles.briefs.services import BriefError, generate_brief
    from casefiles.cases.models import Case

    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"No case {case_id}.")
    try:
        brief = generate_brief(case, actor=None, kind=kind, language=lang)
    except BriefError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    output.write_bytes(brief.pdf)
    click.echo(f"{output} ({len(brief.pdf)} bytes{', from cache' if brief.cached else ''})")


@briefs_cli.command("dossier")
@click.argument("case_ids", type=int, nargs=-1, required=True)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en")
@click.option("--title", default="")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def dossier(case_ids: tuple[int, ...], lang: str, title: str, output: Path) -> None:
    """Build a dossier of these cases now (in this process) and write it to a PDF file."""
    from casefiles.briefs.dossiers import build_dossier, dossier_path, request_dossier
    from casefiles.briefs.models import JOB_DONE
    from casefiles.briefs.services import BriefError

    try:
        job = request_dossier(actor=None, case_ids=list(case_ids), language=lang, title=title)
    except BriefError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    build_dossier(job)
    if job.status != JOB_DONE:
        raise click.ClickException(job.error)
    output.write_bytes(dossier_path(job).read_bytes())
    click.echo(f"{output} ({job.size} bytes)")
