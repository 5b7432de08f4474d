"""Background work for dossiers (see casefiles/background.py): `rq worker casefiles-briefs` builds them when
REDIS_URL is set, else a thread pool of this process (CASEFILES_BRIEF_WORKERS)."""

from __future__ import annotations

from typing import Any

from casefiles.background import BackgroundWork


def _build(job_id: int) -> None:
    from casefiles.briefs.dossiers import build_dossier
    from casefiles.briefs.models import JOB_QUEUED, DossierJob
    from casefiles.extensions import db

    job = db.session.get(DossierJob, job_id)
    if job is not None and job.status == JOB_QUEUED:
        build_dossier(job)


def _timeout(config: Any) -> int:
    return int(config.get("BRIEF_DOSSIER_TIMEOUT_SECONDS", 600)) + 300


def run_job(job_id: int) -> None:
    """RQ entry point."""
    WORK.run_job(job_id)


WORK = BackgroundWork(
    "briefs", _build, workers_setting="BRIEF_WORKERS", default_workers=2, timeout=_timeout, rq_entry=lambda: run_job
)
RQ_QUEUE = WORK.queue_name
submit = WORK.submit
wait = WORK.wait
