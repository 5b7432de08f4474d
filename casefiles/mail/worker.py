"""Delivering the outbox in the background: an in-process thread by default, RQ on Redis when REDIS_URL is set
(any machine running `rq worker casefiles-mail` delivers). `flask mail deliver` does the same from cron.

While messages wait for a retry, the in-process worker checks again after MAIL_POLL_SECONDS, so a message queued
while the SMTP server is down leaves once it is back, without anyone asking.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app

RQ_QUEUE = "casefiles-mail"
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_timers: dict[int, threading.Timer] = {}


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casefiles-mail")
        return _executor


def kick() -> None:
    """Ask for a delivery run now (after a commit that queued mail); returns at once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("MAIL_SERVER") or app.config.get("MAIL_WORKER") == "off":
        return
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        try:
            from redis import Redis
            from rq import Queue

            Queue(RQ_QUEUE, connection=Redis.from_url(redis_url, socket_connect_timeout=3)).enqueue(run_job)
            return
        except Exception:  # noqa: BLE001 - Redis down: deliver here rather than wait
            app.logger.exception("Could not queue mail delivery on Redis; delivering in this process")
    _pool().submit(_run_in_app, app)


def _run_in_app(app: Flask) -> None:
    from casefiles.extensions import db
    from casefiles.mail.services import deliver_due, pending_count

    with app.app_context():
        try:
            deliver_due()
            waiting = pending_count()
        except Exception:  # noqa: BLE001 - a broken run must not kill the worker thread; the next kick retries
            app.logger.exception("Mail delivery run failed")
            waiting = 1
        finally:
            db.session.remove()
    if waiting:
        _schedule(app, float(app.config.get("MAIL_POLL_SECONDS", 30)))


def _schedule(app: Flask, delay: float) -> None:
    with _lock:
        timer = _timers.get(id(app))
        if timer is not None and timer.is_alive():
            return
        timer = threading.Timer(delay, lambda: _pool().submit(_run_in_app, app))
        timer.daemon = True
        _timers[id(app)] = timer
        timer.start()


def run_job() -> None:
    """RQ entry point."""
    from flask import has_app_context

    from casefiles.mail.services import deliver_due

    if has_app_context():
        deliver_due()
        return
    from casefiles import create_app

    with create_app().app_context():
        deliver_due()
