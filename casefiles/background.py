"""Work handed off once a request has committed (a dossier to build, a page to capture): an in-process thread pool
by default, RQ on Redis when REDIS_URL is set — any machine running `rq worker casefiles-<name>` with the same
settings then does it. If Redis cannot be reached the work runs here rather than being lost. Each kind of work
declares itself once: its name, what runs for one id, its pool size setting and its time limit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app


class BackgroundWork:
    def __init__(
        self,
        name: str,
        run: Callable[[int], None],
        *,
        workers_setting: str,
        default_workers: int,
        timeout: Callable[[Any], int],
        rq_entry: Callable[[], Callable[[int], None]],
    ) -> None:
        self.queue_name = f"casefiles-{name}"
        self._run_one = run  # called inside an app context with the item's id
        self._workers_setting = workers_setting
        self._default_workers = default_workers
        self._timeout = timeout  # config -> seconds an RQ job may take
        self._rq_entry = rq_entry  # the module-level function RQ imports by name (calls run_job)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._futures: dict[int, Future] = {}

    def _pool(self, app: Flask) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=int(app.config.get(self._workers_setting, self._default_workers)),
                    thread_name_prefix=self.queue_name,
                )
            return self._executor

    def submit(self, item_id: int) -> Future | str:
        """Hand committed work to the background; returns at once (the RQ job's id, or this process's future)."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        redis_url = app.config.get("REDIS_URL")
        if redis_url:
            try:
                from redis import Redis
                from rq import Queue

                queue = Queue(self.queue_name, connection=Redis.from_url(redis_url, socket_connect_timeout=3))
                return queue.enqueue(self._rq_entry(), item_id, job_timeout=self._timeout(app.config)).id
            except Exception:  # noqa: BLE001 - Redis down: do it here rather than lose the request
                app.logger.exception("Could not queue %s %s on Redis; running it here", self.queue_name, item_id)
        future = self._pool(app).submit(self._run_in_app, app, item_id)
        with self._lock:
            self._futures[item_id] = future
        future.add_done_callback(lambda _f: self._forget(item_id, future))
        return future

    def _forget(self, item_id: int, future: Future) -> None:
        with self._lock:
            if self._futures.get(item_id) is future:
                del self._futures[item_id]

    def wait(self, item_id: int, timeout: float = 120) -> None:
        """Wait for work handed to this process's pool (the command line and the tests)."""
        with self._lock:
            future = self._futures.get(item_id)
        if future is not None:
            future.result(timeout=timeout)

    def _run_in_app(self, app: Flask, item_id: int) -> None:
        with app.app_context():
            self.run(item_id)

    def run(self, item_id: int) -> None:
        """Do the work for one id in the current app context; the session is released whatever happens."""
        from casefiles.extensions import db

        try:
            self._run_one(item_id)
        finally:
            db.session.remove()

    def run_job(self, item_id: int) -> None:
        """RQ entry: in an app built from the environment (CASEFILES_ENV, DATABASE_URL...) unless one is active."""
        from flask import has_app_context

        if has_app_context():
            self.run(item_id)
            return
        from casefiles import create_app

        with create_app().app_context():
            self.run(item_id)
