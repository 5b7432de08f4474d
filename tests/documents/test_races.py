"""Institutions and documents on the one edit path: two people saving at once never lose a change nor see an error
page (the second gets the merge view), and on a published case a volunteer's change to a public document (its
title, or a new version of its file) reaches the public only when staff approve it."""

from __future__ import annotations

import io
import re
from typing import Any

from sqlalchemy import select

from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.records.models import APPROVED, PENDING, REJECTED, PendingRevision
from tests.conftest import AuthActions
from tests.documents.conftest import upload


def _two_clients(app: Any, make_user: Any, role: str = "staff") -> tuple[Any, Any]:
    first, second = app.test_client(), app.test_client()
    AuthActions(first, make_user)(role)
    AuthActions(second, make_user)(role)
    return first, second


def _version(html: str) -> str:
    found = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'type="hidden" name="version" value="(\d+)"', html
    )
    assert found, "the form carries its version"
    return found.group(1)


def test_institution_race_opens_the_merge_view_and_keeps_both_changes(app: Any, make_user: Any, make_case: Any) -> None:
    make_case()
    institution = db.session.scalars(select(Institution)).one()
    a, b = _two_clients(app, make_user)
    url = f"/staff/institutions/{institution.id}/edit"
    seen_a = _version(a.get(url).get_data(as_text=True))
    seen_b = _version(b.get(url).get_data(as_text=True))
    base = {"name": "Université Fictive", "kind": "university", "region": "Québec", "country": "Canada"}
    assert a.post(url, data={**base, "region": "Ontario", "version": seen_a}).status_code == 302

    stale = b.post(url, data={**base, "country": "France", "version": seen_b})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved this while you were editing" in html
    assert 'value="Ontario"' in html and 'value="France"' in html  # their change taken in, my draft kept
    db.session.expire_all()
    assert (institution.region, institution.country) == ("Ontario", "Canada")

    merged = b.post(url, data={**base, "region": "Ontario", "country": "France", "version": _version(html)})
    assert merged.status_code == 302
    db.session.expire_all()
    assert (institution.region, institution.country) == ("Ontario", "France")


def test_institution_conflict_lets_the_user_choose(app: Any, make_user: Any, make_case: Any) -> None:
    make_case()
    institution = db.session.scalars(select(Institution)).one()
    a, b = _two_clients(app, make_user)
    url = f"/staff/institutions/{institution.id}/edit"
    seen = _version(a.get(url).get_data(as_text=True))
    base = {"name": "Université Fictive", "kind": "university", "region": "Québec", "country": "Canada"}
    assert a.post(url, data={**base, "name": "Université Fictive de Montréal", "version": seen}).status_code == 302
    stale = b.post(url, data={**base, "name": "Université Fictive (campus)", "version": seen})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'name="merge-name"' in html
    chosen = b.post(
        url, data={**base, "name": "Université Fictive (campus)", "version": _version(html), "merge-name": "theirs"}
    )
    assert chosen.status_code == 302
    db.session.expire_all()
    assert institution.name == "Université Fictive de Montréal"


def _document(client: Any, case: Any, content: bytes = b"First version of the letter.\n") -> Document:
    assert upload(client, case.id, [(content, "letter.txt")], title="Suspension letter").status_code == 302
    return db.session.scalars(select(Document).order_by(Document.id.desc())).first()


def _fields(document: Document, **changes: str) -> dict[str, str]:
    values = {
        "title": document.title,
        "kind": document.kind,
        "date": document.when.iso() if document.when else "",
        "description": document.description,
        "source_url": document.source_url,
        "captured_at": "",
    }
    values.update(changes)
    return values


def test_document_race_opens_the_merge_view_and_keeps_both_changes(app: Any, make_user: Any, make_case: Any) -> None:
    a, b = _two_clients(app, make_user)
    case = make_case()
    document = _document(a, case)
    url = f"/staff/documents/{document.id}/edit"
    seen_a = _version(a.get(url).get_data(as_text=True))
    seen_b = _version(b.get(url).get_data(as_text=True))
    draft_b = _fields(document, description="Sent by the dean.")  # what B's form held when B began
    assert a.post(url, data={**_fields(document, title="Letter of suspension"), "version": seen_a}).status_code == 302

    stale = b.post(url, data={**draft_b, "version": seen_b})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved this while you were editing" in html
    assert 'value="Letter of suspension"' in html and "Sent by the dean." in html
    db.session.expire_all()
    assert (document.title, document.description) == ("Letter of suspension", "")

    merged = b.post(url, data={**_fields(document, description="Sent by the dean."), "version": _version(html)})
    assert merged.status_code == 302
    db.session.expire_all()
    assert (document.title, document.description) == ("Letter of suspension", "Sent by the dean.")


def test_document_edit_refuses_bad_values_on_their_field(app: Any, client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    document = _document(client, make_case())
    url = f"/staff/documents/{document.id}/edit"
    version = _version(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**_fields(document, title="", captured_at="yesterday"), "version": version})
    assert response.status_code == 200 and "A document needs a title." in response.get_data(as_text=True)
    response = client.post(url, data={**_fields(document, captured_at="not a time"), "version": version})
    assert response.status_code == 200 and "Give the capture time as a date and time." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert document.title == "Suspension letter" and document.captured_at is None


# --- the review gate on a published case -------------------------------------------------------------------


def _public_download(app: Any, document: Document) -> tuple[int, bytes, str]:
    response = app.test_client().get(f"/documents/{document.public_token}")
    return response.status_code, response.data, response.headers.get("Content-Disposition", "")


def _published_case_with_public_document(app: Any, make_user: Any, make_case: Any) -> tuple[Any, Any, Any, Document]:
    staff, volunteer = app.test_client(), app.test_client()
    AuthActions(staff, make_user)("staff")
    helper = AuthActions(volunteer, make_user)
    assigned = helper.make_user("volunteer")
    helper.as_user(assigned)
    case = make_case(assignees=[assigned])
    document = _document(staff, case)
    assert staff.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"}).status_code == 302
    case.published = True
    case.public_slug = case.public_slug or f"slug-{case.id}"
    db.session.commit()
    status, data, disposition = _public_download(app, document)
    assert status == 200 and data == b"First version of the letter.\n" and "Suspension" in disposition
    return staff, volunteer, case, document


def _propose(volunteer: Any, document: Document, title: str, content: bytes) -> None:
    url = f"/staff/documents/{document.id}/edit"
    version = _version(volunteer.get(url).get_data(as_text=True))
    assert volunteer.post(url, data={**_fields(document, title=title), "version": version}).status_code == 302
    response = volunteer.post(
        f"/staff/documents/{document.id}/versions",
        data={"file": (io.BytesIO(content), "letter-v2.txt")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "until staff approve the new one" in response.get_data(as_text=True)


def _pending(document: Document) -> PendingRevision:
    return db.session.scalars(
        select(PendingRevision).where(
            PendingRevision.object_type == "document",
            PendingRevision.object_id == document.id,
            PendingRevision.status == PENDING,
        )
    ).one()


def test_volunteer_changes_to_a_public_document_wait_for_approval(app: Any, make_user: Any, make_case: Any) -> None:
    staff, volunteer, case, document = _published_case_with_public_document(app, make_user, make_case)
    _propose(volunteer, document, "Leaked draft title", b"Second version, not reviewed yet.\n")
    db.session.expire_all()
    # Staff see the new version at once; the public still gets the reviewed title and file.
    assert document.title == "Suspension letter" and document.current.number == 2 and document.reviewed_version == 1
    status, data, disposition = _public_download(app, document)
    assert status == 200 and data == b"First version of the letter.\n" and "Leaked" not in disposition
    revision = _pending(document)
    assert revision.changes == {"title": ["Suspension letter", "Leaked draft title"], "reviewed_version": [1, 2]}
    # Volunteers may not decide.
    volunteer.post(f"/staff/cases/{case.id}/revisions/{revision.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert revision.status == PENDING and document.reviewed_version == 1

    staff.post(f"/staff/cases/{case.id}/revisions/{revision.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert revision.status == APPROVED
    assert document.title == "Leaked draft title" and document.reviewed_version == 2
    status, data, disposition = _public_download(app, document)
    assert status == 200 and data == b"Second version, not reviewed yet.\n" and "Leaked" in disposition


def test_rejected_changes_leave_the_public_document_as_it_was(app: Any, make_user: Any, make_case: Any) -> None:
    staff, volunteer, case, document = _published_case_with_public_document(app, make_user, make_case)
    _propose(volunteer, document, "Rejected title", b"A version staff refuse.\n")
    revision = _pending(document)
    assert staff.post(f"/staff/cases/{case.id}/revisions/{revision.id}", data={"decision": "reject"}).status_code == 302
    db.session.expire_all()
    assert revision.status == REJECTED
    assert document.title == "Suspension letter" and document.reviewed_version == 1
    status, data, disposition = _public_download(app, document)
    assert status == 200 and data == b"First version of the letter.\n" and "Rejected" not in disposition


def test_staff_changes_go_live_at_once(app: Any, make_user: Any, make_case: Any) -> None:
    staff, _volunteer, _case, document = _published_case_with_public_document(app, make_user, make_case)
    response = staff.post(
        f"/staff/documents/{document.id}/versions",
        data={"file": (io.BytesIO(b"Corrected by staff.\n"), "letter-v2.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert document.reviewed_version == 2
    assert _public_download(app, document)[1] == b"Corrected by staff.\n"
    assert db.session.scalars(select(PendingRevision)).first() is None
