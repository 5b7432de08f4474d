"""A screenshot uploaded by hand and marked as evidence: the same provenance fields as a capture (source address,
capture time with its zone, who captured it, the SHA-256 computed by the server); a typed time is shown as typed,
its zone named. Bad input is refused with a clear message and changes nothing; evidence never reaches the public."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image

from casefiles.documents import services as documents
from casefiles.evidence import services
from casefiles.evidence.models import Evidence
from casefiles.extensions import db


@pytest.fixture
def app_overrides(tmp_path) -> dict[str, Any]:
    return {"STORAGE_DIR": str(tmp_path / "storage")}


def _screenshot(case: Any) -> Any:
    image = Image.new("RGB", (320, 200), (240, 240, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    (document,) = documents.upload_documents(
        case, actor=None, files=[("post.png", io.BytesIO(out.getvalue()))], values={"title": "Screenshot of the post"}
    )
    db.session.commit()
    return document


def test_a_screenshot_marked_as_evidence_keeps_the_typed_time_with_its_zone(app, make_case, client, login):
    case = make_case()
    document = _screenshot(case)
    user = login("staff")
    form = client.get(f"/staff/documents/{document.id}/evidence")
    assert form.status_code == 200
    response = client.post(
        f"/staff/documents/{document.id}/evidence",
        data={
            "source_url": "https://social.example/post/42",
            "captured_at": "2023-11-14 09:30",
            "captured_zone": "America/Toronto",
            "captured_by_name": "Amélie, bénévole",
        },
    )
    assert response.status_code == 302
    evidence = db.session.query(Evidence).one()
    stored = evidence.captured_at if evidence.captured_at.tzinfo else evidence.captured_at.replace(tzinfo=UTC)
    assert stored == datetime(2023, 11, 14, 14, 30, tzinfo=UTC)  # 09:30 in Toronto in November is 14:30 UTC
    assert evidence.captured_zone == "America/Toronto"
    assert evidence.sha256 == document.current.sha256 and evidence.document_version == 1
    assert evidence.captured_by_id == user.id and evidence.captured_by_name == "Amélie, bénévole"
    page = client.get(f"/staff/documents/{document.id}").get_data(as_text=True)
    assert "2023-11-14 09:30:00 EST (America/Toronto)" in page
    assert document.current.sha256 in page
    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "2023-11-14 09:30:00 EST (America/Toronto)" in case_page

    # Corrected later (summer time), through the record kernel: versioned and audited.
    client.post(
        f"/staff/documents/{document.id}/evidence",
        data={
            "source_url": "https://social.example/post/42",
            "captured_at": "2024-07-01 09:30",
            "captured_zone": "America/Toronto",
            "captured_by_name": "Amélie, bénévole",
            "version": str(evidence.version),
        },
    )
    db.session.expire_all()
    evidence = db.session.get(Evidence, evidence.id)
    assert evidence.version == 2
    assert "2024-07-01 09:30:00 EDT (America/Toronto)" in client.get(f"/staff/documents/{document.id}").get_data(
        as_text=True
    )
    from casefiles.audit.models import AuditEntry

    actions = [e.action for e in db.session.query(AuditEntry).filter_by(object_type="evidence")]
    assert actions == ["evidence.create", "evidence.update"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"captured_at": "yesterday", "captured_zone": "UTC"}, "Give the capture time as a date and time"),
        ({"captured_at": "2023-11-14 09:30", "captured_zone": "Mars/Olympus"}, "Not a valid choice"),
        ({"captured_at": "2023-11-14 09:30", "captured_zone": "UTC", "source_url": "ftp://x"}, "http://"),
        ({"captured_at": "", "captured_zone": "UTC"}, "Give the capture time"),
    ],
)
def test_bad_provenance_is_refused_and_nothing_changes(app, make_case, client, login, values, message):
    document = _screenshot(make_case())
    login("staff")
    response = client.post(f"/staff/documents/{document.id}/evidence", data=values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Evidence).count() == 0


def test_a_typed_time_with_its_own_offset_keeps_it(app, make_case):
    document = _screenshot(make_case())
    evidence = services.mark_as_evidence(
        document, actor=None, values={"captured_at": "2023-11-14T09:30+01:00", "captured_zone": "Europe/Paris"}
    )
    db.session.commit()
    assert services.shown_time(evidence) == "2023-11-14 09:30:00 CET (Europe/Paris)"


def test_evidence_never_shows_publicly(app, make_case, make_user, client):
    """A public document of a published case, marked as evidence: the public sees the document, never its
    provenance (source address, who captured it, when), in English, in French, in the API and the download."""
    from casefiles.evidence.records import EVIDENCE
    from casefiles.public.services import ReviewChecklist, publish_case

    assert EVIDENCE.public_fields == [] and EVIDENCE.shown_publicly(None) is False
    staff = make_user("staff")
    case = make_case(person={"legal_name": "Amira Haddad", "name_consent": "full_name", "category": "nurse"})
    (document,) = documents.upload_documents(
        case, actor=staff, files=[("post.txt", io.BytesIO(b"The post, as saved.\n"))], values={"title": "Saved post"}
    )
    services.mark_as_evidence(
        document,
        actor=staff,
        values={
            "captured_at": "2023-11-14 09:30",
            "captured_zone": "America/Toronto",
            "source_url": "https://secret.example/canaryevidenceurl",
            "captured_by_name": "Canaryevidencecapturer",
        },
    )
    documents.set_visibility(document, actor=staff, public=True)
    db.session.commit()
    publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    db.session.commit()
    slug = case.public_slug
    bodies = {
        url: client.get(url).get_data(as_text=True)
        for url in (
            f"/en/cases/{slug}",
            f"/fr/cases/{slug}",
            f"/api/v1/cases/{slug}",
            f"/en/cases/{slug}/feed.atom",
            f"/documents/{document.public_token}",
        )
    }
    assert "Saved post" in bodies[f"/en/cases/{slug}"]  # the document itself is public
    assert "The post, as saved." in bodies[f"/documents/{document.public_token}"]
    for url, body in bodies.items():
        for secret in ("canaryevidenceurl", "Canaryevidencecapturer", "America/Toronto", "2023-11-14 09:30"):
            assert secret not in body, (url, secret)
    # And no evidence page is public.
    assert all(r.rule.startswith("/staff/") for r in app.url_map.iter_rules() if r.endpoint.startswith("evidence."))
