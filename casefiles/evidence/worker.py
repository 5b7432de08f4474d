"""Captures run in the background (see casefiles/background.py): `rq worker casefiles-evidence` captures when
REDIS_URL is set, else a thread pool of this process (CASEFILES_EVIDENCE_WORKERS). The request returns at once."""

from __future__ import annotations

from typing import Any

from casefiles.background import BackgroundWork


def _capture(evidence_id: int) -> None:
    from casefiles.evidence.services import run_capture

    run_capture(evidence_id)


def _timeout(config: Any) -> int:
    return int(config.get("EVIDENCE_FETCH_SECONDS", 20)) + int(config.get("EVIDENCE_RENDER_SECONDS", 60)) + 120


def run_job(evidence_id: int) -> None:
    """RQ entry point."""
    WORK.run_job(evidence_id)


WORK = BackgroundWork(
    "evidence",
    _capture,
    workers_setting="EVIDENCE_WORKERS",
    default_workers=1,
    timeout=_timeout,
    rq_entry=lambda: run_job,
)
RQ_QUEUE = WORK.queue_name
submit = WORK.submit
wait = WORK.wait
