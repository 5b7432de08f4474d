"""Dossiers: many cases in one PDF with contents and bookmarks, built in the background with progress."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.briefs.models import DossierJob
from casefiles.extensions import db

from .conftest import CANARY, outline_titles, pdf_reader, pdf_text


def _wait(client: Any, job_url: str, limit: float = 120) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        status = client.get(f"{job_url}/status").get_json()
        if status["finished"]:
            return status
        time.sleep(0.2)
    raise AssertionError("the dossier never finished")


def test_dossier_of_selected_cases_has_contents_bookmarks_and_progress(client, login, rich_case, make_case) -> None:
    first = rich_case(events=3, title="Dossier case alpha")
    second = make_case(title="Dossier case bêta « deux »")
    make_case(title="Not chosen")
    login("staff", name="Sam Staff")
    form = client.get(f"/staff/dossiers/new?case={first.id}")
    assert form.status_code == 200
    assert b"checked" in form.data
    response = client.post(
        "/staff/dossiers/new",
        data={
            "title": "Journée de plaidoyer",
            "audience": "legal",
            "language": "fr",
            "institution_id": "0",
            "case_ids": [first.id, second.id],
        },
    )
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = client.get(job_url)
    assert page.status_code == 200
    assert b"js/briefs.js" in page.data
    status = _wait(client, job_url)
    assert status["status"] == "done", status
    assert (status["progress"], status["total"], status["percent"]) == (2, 2, 100)
    assert b"Download" in client.get(job_url).data or "Télécharger".encode() in client.get(job_url).data
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Dossier case alpha" in text and "Dossier case bêta" in text and "Not chosen" not in text
    assert CANARY in text  # a dossier is internal: counsel's full case files
    titles = [t.replace("\u00a0", " ") for t in outline_titles(pdf.data)]
    assert "Journée de plaidoyer" in titles
    assert "Dossier case alpha" in titles and "Dossier case bêta « deux »" in titles
    reader = pdf_reader(pdf.data)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    # The table of contents gives each case's page number (leaders + target-counter).
    contents_page = reader.pages[0].extract_text()
    assert "CF-" in contents_page and any(ch.isdigit() for ch in contents_page.split("Dossier case alpha")[-1])
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "brief.generate")).all()
    assert sorted(e.case_id for e in entries) == sorted([first.id, second.id])
    assert {e.changes["type"] for e in entries} == {"dossier"}


def test_dossier_of_all_active_cases_at_an_institution(client, login, make_case) -> None:
    a = make_case(title="At the hospital A", institution={"name": "Hôpital Fictif", "kind": "health_authority"})
    b = make_case(title="At the hospital B", institution={"name": "Hôpital Fictif", "kind": "health_authority"})
    make_case(title="Closed one", status="closed", institution={"name": "Hôpital Fictif", "kind": "health_authority"})
    make_case(title="Elsewhere")
    login("staff")
    response = client.post(
        "/staff/dossiers/new", data={"audience": "legal", "language": "en", "institution_id": str(a.institution_id)}
    )
    assert response.status_code == 302
    status = _wait(client, response.headers["Location"])
    assert status["status"] == "done"
    job = db.session.scalars(select(DossierJob)).one()
    assert sorted(job.case_ids) == sorted([a.id, b.id])
    text = pdf_text(client.get(status["download"]).data)
    assert "At the hospital A" in text and "At the hospital B" in text
    assert "Closed one" not in text and "Elsewhere" not in text


def test_bad_dossier_requests_change_nothing(client, login, make_case) -> None:
    make_case(title="Lonely")
    empty_institution = make_case(title="Archived", institution={"name": "Nowhere College", "kind": "university"})
    login("staff")
    nothing = client.post("/staff/dossiers/new", data={"audience": "legal", "language": "en", "institution_id": "0"})
    assert nothing.status_code == 422
    assert b"Tick at least one case" in nothing.data
    bogus = client.post("/staff/dossiers/new", data={"language": "xx", "institution_id": "0", "case_ids": ["999"]})
    assert bogus.status_code == 422
    from casefiles.cases import services

    services.archive_case(empty_institution, actor=None)
    db.session.commit()
    none_active = client.post(
        "/staff/dossiers/new",
        data={"audience": "legal", "language": "en", "institution_id": str(empty_institution.institution_id)},
    )
    assert none_active.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(DossierJob)) == 0


def test_dossiers_are_for_staff_and_private_to_their_requester(client, login, make_case) -> None:
    case = make_case()
    assert client.get("/staff/dossiers/").status_code == 302
    login("volunteer")
    assert client.get("/staff/dossiers/new").status_code == 403
    assert b'href="/staff/dossiers/"' not in client.get("/staff/cases").data
    login.logout()
    login("staff")
    cases_page = client.get("/staff/cases").data
    assert b'href="/staff/dossiers/"' in cases_page  # in the navigation
    assert b"Build a dossier" in cases_page
    listing = client.get("/staff/dossiers/")
    assert listing.status_code == 200 and b"No dossier yet" in listing.data
    response = client.post(
        "/staff/dossiers/new",
        data={"audience": "legal", "language": "en", "institution_id": "0", "case_ids": [case.id]},
    )
    job_url = response.headers["Location"]
    _wait(client, job_url)
    assert b"Dossier" in client.get("/staff/dossiers/").data
    login.logout()
    login("staff")
    assert client.get(job_url).status_code == 403
    assert client.get(f"{job_url}/status").status_code == 403
    assert client.get(f"{job_url}/download").status_code == 403
    assert client.get("/staff/dossiers/999").status_code == 404


def test_a_failed_dossier_says_so(client, login, make_case, app) -> None:
    case = make_case()
    login("staff")
    app.config["BRIEF_DOSSIER_TIMEOUT_SECONDS"] = 0.05
    response = client.post(
        "/staff/dossiers/new",
        data={"audience": "legal", "language": "en", "institution_id": "0", "case_ids": [case.id]},
    )
    status = _wait(client, response.headers["Location"])
    assert status["status"] == "failed"
    assert "too long" in status["error"]
    assert status["download"] is None
    assert client.get(f"{response.headers['Location']}/download").status_code == 404


def test_an_interrupted_dossier_is_shown_as_such(client, login, make_case) -> None:
    from datetime import timedelta

    from casefiles.db import utcnow

    case = make_case()
    staff = login("staff")
    job = DossierJob(created_by_id=staff.id, language="en", case_ids=[case.id], total=1, status="running")
    db.session.add(job)
    db.session.commit()
    assert client.get(f"/staff/dossiers/{job.id}/status").get_json()["stalled"] is False
    job.updated_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert client.get(f"/staff/dossiers/{job.id}/status").get_json()["stalled"] is True
    page = client.get(f"/staff/dossiers/{job.id}")
    assert b"was interrupted" in page.data
    assert f"case={case.id}".encode() in page.data
