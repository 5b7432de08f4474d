"""Publication of documents: staff only, audited; the public download serves public documents of published
cases only (404 byte-identical to a missing one), images as re-encoded copies without EXIF or GPS."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.documents.models import Document
from casefiles.extensions import db
from tests.documents.conftest import UPLOADS, upload

GPS_PHOTO = UPLOADS / "good" / "photo-with-gps.jpg"


def _publish_case(case: Any) -> None:
    case.published = True
    case.public_slug = case.public_slug or f"slug-{case.id}"
    db.session.commit()


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_fixture_photo_really_carries_gps() -> None:
    with Image.open(GPS_PHOTO) as image:
        exif = image.getexif()
        assert exif and exif.get_ifd(0x8825), "the shared fixture should carry GPS tags"


def test_public_image_is_a_reencoded_copy_without_exif_or_gps(
    backend: str, client: Any, login: Any, make_case: Any
) -> None:
    login("staff")
    case = make_case()
    upload(client, case.id, [(GPS_PHOTO, "photo.jpg")], title="Photo at the rally")
    document = db.session.scalars(select(Document)).one()
    assert client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"}).status_code == 302
    _publish_case(case)
    public = client.get(f"/documents/{document.public_token}")
    assert public.status_code == 200
    assert public.headers["Content-Disposition"].startswith("attachment;")
    assert public.headers["Content-Type"] == "image/jpeg"
    assert public.data != GPS_PHOTO.read_bytes()
    with Image.open(io.BytesIO(public.data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info
        with Image.open(GPS_PHOTO) as original:
            assert image.size == original.size or image.size == original.size[::-1]
    assert b"Exif" not in public.data and b"GPS" not in public.data
    # Staff still get the original, byte for byte.
    version = document.current
    original = client.get(f"/staff/documents/{document.id}/versions/{version.id}/download")
    assert original.data == GPS_PHOTO.read_bytes()
    # The preview is a fresh PNG without metadata too.
    preview = client.get(f"/staff/documents/{document.id}/versions/{version.id}/preview.png")
    with Image.open(io.BytesIO(preview.data)) as image:
        assert image.format == "PNG" and not image.getexif()
        assert max(image.size) <= 480


def test_pdf_gets_a_first_page_preview(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = make_case()
    upload(client, case.id, [(UPLOADS / "good" / "suspension-letter-fr.pdf", "letter.pdf")])
    document = db.session.scalars(select(Document)).one()
    assert document.current.preview_key
    page = client.get(f"/staff/documents/{document.id}").data.decode()
    assert "preview.png" in page
    preview = client.get(f"/staff/documents/{document.id}/versions/{document.current.id}/preview.png")
    with Image.open(io.BytesIO(preview.data)) as image:
        assert image.format == "PNG" and max(image.size) <= 480
        # a rendered page is not blank: some dark pixels (the letter's text)
        assert image.convert("L").getextrema()[0] < 128


def test_only_staff_publish_and_it_is_audited(client: Any, login: Any, make_user: Any, make_case: Any) -> None:
    volunteer = login("volunteer")
    case = make_case(assignees=[volunteer])
    upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt")])
    document = db.session.scalars(select(Document)).one()
    assert document.visibility == "private"
    assert client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"}).status_code == 403
    # Mass assignment: a visibility field in the upload or edit form is ignored.
    upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "more.txt")], visibility="public")
    assert {d.visibility for d in db.session.scalars(select(Document))} == {"private"}
    login.logout()
    login("staff")
    client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"})
    client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "private"})
    actions = _actions()
    assert "document.publish" in actions and "document.unpublish" in actions


def test_private_downloads_are_audited_public_ones_are_not(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = make_case()
    upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt")])
    document = db.session.scalars(select(Document)).one()
    url = f"/staff/documents/{document.id}/versions/{document.current.id}/download"
    client.get(url)
    client.get(url)
    assert _actions().count("document.download") == 2
    client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"})
    client.get(url)
    assert _actions().count("document.download") == 2


def test_public_download_is_404_unless_public_and_published(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = make_case()
    upload(client, case.id, [(UPLOADS / "good" / "suspension-letter-fr.pdf", "letter.pdf")], title="Letter")
    document = db.session.scalars(select(Document)).one()
    token = document.public_token
    login.logout()
    client.get("/documents/" + "y" * len(token))  # shows (and so clears) the "signed out" message
    missing = client.get("/documents/" + "x" * len(token))
    assert missing.status_code == 404

    def same_as_missing() -> None:
        response = client.get(f"/documents/{token}")
        # The same page as for a token that never existed (the page may echo its own address).
        assert response.status_code == 404
        got = response.data.replace(token.encode(), b"x" * len(token))
        assert got == missing.data

    same_as_missing()  # private document, unpublished case
    _publish_case(case)
    same_as_missing()  # private document, published case
    document.visibility = "public"
    case.published = False
    db.session.commit()
    same_as_missing()  # public document, unpublished case
    _publish_case(case)
    response = client.get(f"/documents/{token}")
    assert response.status_code == 200
    # The public copy: the same pages, without the document's metadata (tests/security/test_attack_run.py).
    served = PdfReader(io.BytesIO(response.data))
    assert served.pdf_header == "%PDF-1.7" and not served.metadata
    assert "Avis de suspension" in served.pages[0].extract_text()
    assert "filename=Letter.pdf" in response.headers["Content-Disposition"]


def test_public_documents_projection(app: Any, login: Any, client: Any, make_case: Any) -> None:
    login("staff")
    case = make_case()
    upload(
        client, case.id, [(UPLOADS / "good" / "post-screenshot.png", "post.png")], title="Public post", date="2023-11"
    )
    upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt")], title="Private notes CANARY")
    public_doc = db.session.scalars(select(Document).where(Document.title == "Public post")).one()
    client.post(f"/staff/documents/{public_doc.id}/visibility", data={"visibility": "public"})
    from casefiles.public.projection import public_case

    with app.test_request_context():
        assert public_case(case, "en") is None  # the case is not published
        _publish_case(case)
        listed = list(public_case(case, "en").documents)
    assert [d.title for d in listed] == ["Public post"]
    item = listed[0]
    assert item.kind_label == "Other document" and item.date_display == "November 2023"
    assert item.url == f"/documents/{public_doc.public_token}"
    assert "CANARY" not in repr(listed)
    # The public case page lists it, and it downloads.
    page = client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert "Public post" in page and item.url in page and "Private notes CANARY" not in page
    assert client.get(item.url).status_code == 200


@pytest.mark.parametrize("role", ["volunteer"])
def test_documents_follow_the_case_permissions(client: Any, login: Any, make_case: Any, role: str) -> None:
    login("staff")
    case = make_case()
    upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt")])
    document = db.session.scalars(select(Document)).one()
    version = document.current
    login.logout()
    login(role)  # not assigned to the case
    for url in (
        f"/staff/documents/{document.id}",
        f"/staff/documents/{document.id}/edit",
        f"/staff/documents/{document.id}/versions/{version.id}/download",
        f"/staff/cases/{case.id}/documents/new",
    ):
        assert client.get(url).status_code == 403, url
    login.logout()
    assert client.get(f"/staff/documents/{document.id}").status_code == 302  # to the sign-in page
