"""Background work for dossiers: an in-process thread pool by default, RQ on Redis when REDIS_URL is set.

With RQ, any machine running `rq worker casefiles-briefs` (with the same settings) can build dossiers.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

RQ_QUEUE = "casefiles-briefs"
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=int(app.config.get("BRIEF_WORKERS", 2)), thread_name_prefix="casefiles-briefs"
            )
        return _executor


def submit(job_id: int) -> Future | str:
    """Hand a committed dossier job to the background worker; returns at once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        try:
            from redis import Redis
            from rq import Queue

            queue = Queue(RQ_QUEUE, connection=Redis.from_url(redis_url, socket_connect_timeout=3))
            timeout = int(app.config.get("BRIEF_DOSSIER_TIMEOUT_SECONDS", 600)) + 300
            return queue.enqueue(run_job, job_id, job_timeout=timeout).id
        except Exception:  # noqa: BLE001 - Redis down: build it here rather than lose the request
            app.logger.exception("Could not queue dossier %s on Redis; building it in this process", job_id)
    return _pool(app).submit(_run_in_app, app, job_id)


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        _run(job_id)


def _run(job_id: int) -> None:
    from casefiles.briefs.dossiers import build_dossier
    from casefiles.briefs.models import JOB_QUEUED, DossierJob
    from casefiles.extensions import db

    try:
        job = db.session.get(DossierJob, job_id)
        if job is not None and job.status == JOB_QUEUED:
            build_dossier(job)
    finally:
        db.session.remove()


def run_job(job_id: int) -> None:
    """RQ entry point: builds an app from the environment (CASEFILES_ENV, DATABASE_URL...) and runs the job."""
    from flask import has_app_context

    if has_app_context():
        _run(job_id)
        return
    from casefiles import create_app

    with create_app().app_context():
        _run(job_id)
