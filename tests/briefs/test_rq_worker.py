"""With REDIS_URL set, dossiers go through RQ on a real Redis and any worker process can build them."""

from __future__ import annotations

import time
from typing import Any

from support import free_port

from casefiles.extensions import db

from .conftest import pdf_text


def test_dossier_is_queued_on_redis_and_built_by_an_rq_worker(client, login, make_case, app, redis_url: str) -> None:
    from redis import Redis
    from rq import Queue, SimpleWorker

    from casefiles.briefs.worker import RQ_QUEUE

    app.config["REDIS_URL"] = redis_url
    case = make_case(title="Queued on Redis")
    login("staff")
    response = client.post(
        "/staff/dossiers/new",
        data={"audience": "legal", "language": "en", "institution_id": "0", "case_ids": [case.id]},
    )
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

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    case = make_case(title="Redis is down")
    login("staff")
    response = client.post(
        "/staff/dossiers/new",
        data={"audience": "legal", "language": "en", "institution_id": "0", "case_ids": [case.id]},
    )
    assert response.status_code == 302
    db.session.remove()  # the test client shares one session across requests; a real request ends its own
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"{response.headers['Location']}/status").get_json()
        if status["finished"]:
            break
        time.sleep(0.2)
    assert status["status"] == "done"
