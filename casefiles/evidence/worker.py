"""Captures run in the background: an in-process thread pool by default, RQ on Redis when REDIS_URL is set (any
machine running `rq worker casefiles-evidence` with the same settings captures). The request returns at once."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

RQ_QUEUE = "casefiles-evidence"
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_futures: dict[int, Future] = {}


def _pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=int(app.config.get("EVIDENCE_WORKERS", 1)), thread_name_prefix="casefiles-evidence"
            )
        return _executor


def submit(evidence_id: int) -> Future | str:
    """Hand a committed capture to the background worker; returns at once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        try:
            from redis import Redis
            from rq import Queue

            queue = Queue(RQ_QUEUE, connection=Redis.from_url(redis_url, socket_connect_timeout=3))
            timeout = (
                int(app.config.get("EVIDENCE_FETCH_SECONDS", 20))
                + int(app.config.get("EVIDENCE_RENDER_SECONDS", 60))
                + 120
            )
            return queue.enqueue(run_job, evidence_id, job_timeout=timeout).id
        except Exception:  # noqa: BLE001 - Redis down: capture here rather than lose the request
            app.logger.exception("Could not queue capture %s on Redis; capturing in this process", evidence_id)
    future = _pool(app).submit(_run_in_app, app, evidence_id)
    with _lock:
        _futures[evidence_id] = future
    future.add_done_callback(lambda _f: _futures.pop(evidence_id, None))
    return future


def wait(evidence_id: int, timeout: float = 120) -> None:
    """Wait for a capture handed to this process's pool (the command line and the tests)."""
    with _lock:
        future = _futures.get(evidence_id)
    if future is not None:
        future.result(timeout=timeout)


def _run_in_app(app: Flask, evidence_id: int) -> None:
    with app.app_context():
        _run(evidence_id)


def _run(evidence_id: int) -> None:
    from casefiles.evidence.services import run_capture
    from casefiles.extensions import db

    try:
        run_capture(evidence_id)
    finally:
        db.session.remove()


def run_job(evidence_id: int) -> None:
    """RQ entry point: builds an app from the environment and runs the capture."""
    from flask import has_app_context

    if has_app_context():
        _run(evidence_id)
        return
    from casefiles import create_app

    with create_app().app_context():
        _run(evidence_id)
