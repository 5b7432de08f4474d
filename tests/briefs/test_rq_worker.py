"""With REDIS_URL set, dossiers go through RQ on a real Redis and any worker process can build them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casefiles.extensions import db

from .conftest import conftest_skip_or_fail, pdf_text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        conftest_skip_or_fail("redis-server is not installed (Debian package redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_dossier_is_queued_on_redis_and_built_by_an_rq_worker(client, login, make_case, app, redis_url: str) -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker

    from casefiles.briefs.worker import RQ_QUEUE

    app.config["REDIS_URL"] = redis_url
    case = make_case(title="Queued on Redis")
    login("staff")
    response = client.post("/staff/dossiers/new", data={"language": "en", "institution_id": "0", "case_ids": [case.id]})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert client.get(f"{job_url}/status").get_json()["status"] == "queued"  # nothing ran in the web process
    connection = Redis.from_url(redis_url)
    queue = Queue(RQ_QUEUE, connection=connection)
    assert queue.count == 1
    db.session.remove()
    SimpleWorker([queue], connection=connection).work(burst=True)
    status: Any = client.get(f"{job_url}/status").get_json()
    assert status["status"] == "done", status
    assert "Queued on Redis" in pdf_text(client.get(status["download"]).data)


def test_dossier_is_still_built_when_redis_is_unreachable(client, login, make_case, app) -> None:
    import time

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    case = make_case(title="Redis is down")
    login("staff")
    response = client.post("/staff/dossiers/new", data={"language": "en", "institution_id": "0", "case_ids": [case.id]})
    assert response.status_code == 302
    db.session.remove()  # the test client shares one session across requests; a real request ends its own
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{response.headers['Location']}/status").get_json()
        if status["finished"]:
            break
        time.sleep(0.2)
    assert status["status"] == "done"
