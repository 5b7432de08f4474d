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


def request_dossier(*, actor: Any, case_ids: list[int], language: str, title: str) -> DossierJob:
    """Queue a dossier of these cases (the caller commits, then hands the job to the worker)."""
    unique = list(dict.fromkeys(int(i) for i in case_ids))
    if not unique:
        raise BriefError(_l("Choose at least one case for the dossier."))
    if len(unique) > MAX_DOSSIER_CASES:
        raise BriefError(_l("A dossier holds at most %(n)d cases.", n=MAX_DOSSIER_CASES))
    job = DossierJob(
        created_by_id=getattr(actor, "id", None),
        title=(title or "").strip()[:200],
        language=language,
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
        changes={"language": language, "cases": unique},
    )
    return job


def dossier_path(job: DossierJob) -> Path:
    return storage_root() / "dossiers" / f"dossier-{job.id}.pdf"


def build_dossier(job: DossierJob) -> None:
    """Gather each case (progress after each), typeset the whole dossier once, store it; commits as it goes."""
    job.status = JOB_RUNNING
    job.progress = 0
    db.session.commit()
    actor = job.created_by
    try:
        sections = []
        with force_locale(job.language):
            for case_id in job.case_ids:
                case = db.session.get(Case, case_id)
                if case is not None:
                    sections.append({"anchor": f"case-{case.id}", "case": ctx.legal_context(case, job.language)})
                job.progress += 1
                db.session.commit()
        if not sections:
            raise BriefError(_l("None of the chosen cases exists any more."))
        title = job.title or str(_dossier_default_title(job.language))
        generated = {"by": actor.display_name if actor else "", "at": _now_display(job.language)}
        html = render_html("briefs/pdf/dossier.html", job.language, sections=sections, title=title, generated=generated)
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
                summary=f"dossier {job.id} ({job.language})",
                changes={"type": "dossier", "language": job.language, "dossier": job.id},
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


def _dossier_default_title(language: str) -> str:
    with force_locale(language):
        return str(_l("Case dossier"))
