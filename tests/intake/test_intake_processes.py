"""The per-address limit of help requests holds across two app server processes (two real servers on loopback,
one database): what one process counted, the other refuses; nothing is stored for a refused request."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from intake_fixtures import form_values
from sqlalchemy import func, select
from support import free_port

from casefiles.extensions import db

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _start(database_url: str, storage: Path, limit: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(HERE / "serve_app.py"), database_url, str(port), limit, str(storage)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310 - loopback
            return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app server did not start")


def _ask(base: str) -> int:
    """GET the form (for its time stamp), POST a complete request; the answer's status."""
    page = urllib.request.urlopen(f"{base}/en/help", timeout=30).read().decode()  # noqa: S310
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(form_values(started=started)).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{base}/en/help", data=body), timeout=30) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_throttle_holds_across_two_app_processes(app: Any, database_url: str, tmp_path: Path) -> None:
    from casefiles.intake.models import Submission

    first, first_url = _start(database_url, tmp_path, "2 per hour")
    second, second_url = _start(database_url, tmp_path, "2 per hour")
    try:
        assert first.pid != second.pid
        answers = [_ask(first_url), _ask(second_url), _ask(first_url), _ask(second_url)]
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=10)
    assert answers == [200, 200, 429, 429], answers
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 2
