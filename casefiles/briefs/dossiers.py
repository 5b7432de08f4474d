"""Dossiers: several cases in one PDF with a table of contents and bookmarks, built in the background."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.briefs import context as ctx
from casefiles.briefs.models import JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, DossierJob
from casefiles.briefs.services import BriefError, _now_display, _render_checked, render_html, storage_root
from casefiles.cases.models import Case
from casefiles.db import utcnow
from casefiles.enums import CaseStatus
from casefiles.extensions import db

MAX_DOSSIER_CASES = 100
LEGAL = "legal"
PUBLIC = "public"
ADVOCACY = "advocacy"
AUDIENCES = (PUBLIC, ADVOCACY, LEGAL)
AUDIENCE_LABELS = {
    PUBLIC: _l("Public: the public briefs of published cases"),
    ADVOCACY: _l("Advocacy pack: a one-pager for each published case"),
    LEGAL: _l("Legal: the confidential case files (staff and administrators only)"),
}
DEFAULT_TITLES = {PUBLIC: _l("Public dossier"), ADVOCACY: _l("Advocacy pack"), LEGAL: _l("Case dossier")}


def cases_at_institution(institution_id: int) -> list[int]:
    """Ids of the active (not archived) cases at one institution."""
    return list(
        db.session.scalars(
            select(Case.id)
            .where(
                Case.institution_id == institution_id,
                Case.archived_at.is_(None),
                Case.status == CaseStatus.ACTIVE.value,
            )
            .order_by(Case.title, Case.id)
        )
    )


def for_audience(case_ids: list[int], audience: str) -> list[int]:
    """The cases a dossier for this audience may hold: a public dossier or an advocacy pack, published ones only."""
    if audience == LEGAL:
        return case_ids
    from casefiles.public.projection import is_public

    return [i for i in case_ids if (case := db.session.get(Case, i)) is not None and is_public(case)]


def request_dossier(*, actor: Any, case_ids: list[int], language: str, title: str, audience: str = LEGAL) -> DossierJob:
    """Queue a dossier of these cases (the caller commits, then hands the job to the worker)."""
    if audience not in AUDIENCES:
        raise BriefError(_l("Choose who the dossier is for."))
    unique = for_audience(list(dict.fromkeys(int(i) for i in case_ids)), audience)
    if not unique:
        if audience != LEGAL and case_ids:
            raise BriefError(_l("None of the chosen cases is published: a public dossier holds published cases only."))
        raise BriefError(_l("Choose at least one case for the dossier."))
    if len(unique) > MAX_DOSSIER_CASES:
        raise BriefError(_l("A dossier holds at most %(n)d cases.", n=MAX_DOSSIER_CASES))
    job = DossierJob(
        created_by_id=getattr(actor, "id", None),
        title=(title or "").strip()[:200],
        language=language,
        audience=audience,
        case_ids=unique,
        status=JOB_QUEUED,
        total=len(unique),
    )
    db.session.add(job)
    db.session.flush()
    record(
        "dossier.request",
        actor=actor,
        object_type="dossier",
        object_id=job.id,
        summary=job.title,
        changes={"language": language, "audience": audience, "cases": unique},
    )
    return job


def dossier_path(job: DossierJob) -> Path:
    return storage_root() / "dossiers" / f"dossier-{job.id}.pdf"


def build_dossier(job: DossierJob) -> None:
    """Build the dossier; in the background worker, inside a request context for the public links (QR codes)."""
    from flask import current_app, has_request_context

    if has_request_context():
        _build_dossier(job)
        return
    config = current_app.config
    server = config.get("SERVER_NAME")
    base = config.get("PUBLIC_BASE_URL") or (
        f"{config.get('PREFERRED_URL_SCHEME', 'https')}://{server}" if server else None
    )
    with current_app.test_request_context("/", base_url=base or "http://localhost"):
        _build_dossier(job)


def _build_dossier(job: DossierJob) -> None:
    """Gather each case (progress after each), typeset the whole dossier once, store it; commits as it goes."""
    job.status = JOB_RUNNING
    job.progress = 0
    db.session.commit()
    actor = job.created_by
    try:
        sections = []
        audience = job.audience or LEGAL
        with force_locale(job.language):
            allowed = set(for_audience(list(job.case_ids), audience))
            for case_id in job.case_ids:
                section = (
                    _section(db.session.get(Case, case_id), audience, job.language) if case_id in allowed else None
                )
                if section is not None:
                    sections.append(section)
                job.progress += 1
                db.session.commit()
        if not sections:
            raise BriefError(_l("None of the chosen cases exists any more."))
        title = job.title or _dossier_default_title(job.language, audience)
        generated = {"by": actor.display_name if actor else "", "at": _now_display(job.language)}
        html = render_html(
            "briefs/pdf/dossier.html",
            job.language,
            sections=sections,
            title=title,
            generated=generated,
            audience=audience,
        )
        pdf = _render_checked(html, dossier=True)
        path = dossier_path(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        job.file_name = path.name
        job.size = len(pdf)
        job.status = JOB_DONE
        for section_case_id in job.case_ids:
            case = db.session.get(Case, section_case_id)
            if case is None:
                continue
            record(
                "brief.generate",
                actor=actor,
                object_type="case",
                object_id=case.id,
                case_id=case.id,
                case_version=case.version,
                summary=f"dossier {job.id} ({audience}, {job.language})",
                changes={"type": "dossier", "audience": audience, "language": job.language, "dossier": job.id},
            )
    except BriefError as error:
        db.session.rollback()
        job = db.session.get(DossierJob, job.id)
        job.status = JOB_FAILED
        with force_locale(job.language):
            job.error = str(error.message)
    except Exception:  # noqa: BLE001 - a worker must record the failure, not die silently
        db.session.rollback()
        job = db.session.get(DossierJob, job.id)
        job.status = JOB_FAILED
        with force_locale(job.language):
            job.error = str(_l("The PDF could not be produced."))
        from flask import current_app

        current_app.logger.exception("Dossier %s failed", job.id)
    job.finished_at = utcnow()
    db.session.commit()


def _section(case: Case | None, audience: str, language: str) -> dict[str, Any] | None:
    """One case's part of the dossier, from the values its audience may read (None if it cannot be shown)."""
    if case is None:
        return None
    anchor = f"case-{case.id}"
    if audience == LEGAL:
        values = ctx.legal_context(case, language)
        return {"anchor": anchor, "title": values["title"], "case": values}
    if audience == PUBLIC:
        values = ctx.public_context(case, language)
        return {"anchor": anchor, "title": values["title"], "pub": values} if values else None
    # A one-pager in a pack is condensed one step (several cases, one typesetting: it cannot be retried per case).
    values = ctx.one_pager_context(case, 1, language)
    return None if values["draft"] else {"anchor": anchor, "title": values["title"], "brief": values}


def _dossier_default_title(language: str, audience: str = LEGAL) -> str:
    with force_locale(language):
        return str(DEFAULT_TITLES.get(audience, DEFAULT_TITLES[LEGAL]))
