"""Uploads through the real app: every good fixture accepted and returned byte for byte, every bad one refused
with nothing stored, hostile names neutralised, versions kept, publication and downloads audited."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.documents.models import Document, DocumentVersion
from casefiles.extensions import db
from tests.documents.conftest import BAD, GOOD, UPLOADS, stored_files, upload

EXPECTED_TYPES = {
    "suspension-letter-fr.pdf": "application/pdf",
    "appeal-draft.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "post-screenshot.png": "image/png",
    "photo-with-gps.jpg": "image/jpeg",
    "notes-utf8.txt": "text/plain",
}


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def staff_case(login: Any, make_case: Any) -> Any:
    login("staff")
    return make_case()


def test_fixtures_present() -> None:
    assert {p.name for p in GOOD} >= set(EXPECTED_TYPES), "shared upload fixtures are missing"
    assert len(BAD) >= 7


def test_every_good_file_is_accepted_and_returned_intact(backend: str, client: Any, staff_case: Any, app: Any) -> None:
    for path in GOOD:
        response = upload(client, staff_case.id, [(path, path.name)], kind="decision_letter")
        assert response.status_code == 302, (path.name, response.data[:2000])
    versions = db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.id)).all()
    assert len(versions) == len(GOOD)
    for path, version in zip(GOOD, versions, strict=True):
        content = path.read_bytes()
        assert version.original_filename == path.name
        assert version.sha256 == hashlib.sha256(content).hexdigest()
        assert version.size == len(content)
        assert version.mime_type == EXPECTED_TYPES.get(path.name, version.mime_type)
        assert version.storage_key not in path.name and len(version.storage_key) == 32
        response = client.get(f"/staff/documents/{version.document_id}/versions/{version.id}/download")
        assert response.status_code == 200
        assert response.data == content, path.name
        assert response.headers["Content-Type"].startswith(version.mime_type)
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    assert set(_actions()) >= {"document.upload", "document.download"}
    # Nothing stays in the temporary folder, and every stored file is accounted for.
    assert not [name for name in stored_files(app) if name.startswith(".tmp/")]


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_every_bad_file_is_refused_and_nothing_is_stored(client: Any, staff_case: Any, app: Any, path: Path) -> None:
    response = upload(client, staff_case.id, [(path, path.name)])
    assert response.status_code == 422
    page = response.data.decode()
    assert path.name in page and "error-message" in page and "Nothing was stored" in page
    assert _count(Document) == 0 and _count(DocumentVersion) == 0
    assert stored_files(app) == []
    assert "document.upload" not in _actions()


def test_refusal_messages_are_clear(client: Any, staff_case: Any) -> None:
    messages = {
        "html-renamed.pdf": "Web pages and SVG drawings are not accepted",
        "script.svg": "Web pages and SVG drawings are not accepted",
        "truncated.pdf": "This PDF is damaged or incomplete",
        "polyglot-pdf-html.pdf": "This PDF is damaged or incomplete",
        "empty.pdf": "The file is empty",
        "zip-bomb.docx": "zip bomb",
        "elf-renamed.jpg": "This kind of file is not accepted",
    }
    for name, message in messages.items():
        response = upload(client, staff_case.id, [(UPLOADS / "bad" / name, name)])
        assert message in response.data.decode().replace("&#34;", '"').replace("&#39;", "'"), name


HOSTILE_NAMES = ["../../etc/passwd", "..\\..\\boot.ini", "a" * 1000 + ".txt", "report\u202efdp.exe", "     "]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["unix-traversal", "windows-traversal", "long", "rtl", "spaces"])
def test_hostile_names_are_neutralised(client: Any, staff_case: Any, app: Any, name: str) -> None:
    content = (UPLOADS / "good" / "notes-utf8.txt").read_bytes()
    response = upload(client, staff_case.id, [(content, name)])
    assert response.status_code == 302, response.data[:1000]
    version = db.session.scalars(select(DocumentVersion)).one()
    shown = version.original_filename
    assert "/" not in shown and "\\" not in shown and "\u202e" not in shown and not shown.startswith(".")
    assert 0 < len(shown) <= 255 and shown.strip() == shown
    assert stored_files(app) == [version.storage_key]
    download = client.get(f"/staff/documents/{version.document_id}/versions/{version.id}/download")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "\\" not in disposition and "\u202e" not in disposition
    assert disposition.rstrip('"').endswith(".txt")  # the extension of the detected type, never .exe
    assert download.data == content


def test_several_files_at_once_and_all_or_nothing(client: Any, staff_case: Any, app: Any) -> None:
    good = [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt"), (UPLOADS / "good" / "post-screenshot.png", "post.png")]
    refused = upload(client, staff_case.id, [*good, (UPLOADS / "bad" / "script.svg", "script.svg")])
    assert refused.status_code == 422
    assert _count(Document) == 0 and stored_files(app) == []
    accepted = upload(client, staff_case.id, good, kind="screenshot")
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("#documents")
    assert _count(Document) == 2
    page = client.get(f"/staff/cases/{staff_case.id}").data.decode()
    assert 'id="documents"' in page and "notes" in page and "post" in page


def test_versions_are_kept_and_each_can_be_downloaded(backend: str, client: Any, staff_case: Any) -> None:
    first = (UPLOADS / "good" / "suspension-letter-fr.pdf").read_bytes()
    upload(client, staff_case.id, [(first, "letter.pdf")], title="Suspension letter")
    document = db.session.scalars(select(Document)).one()
    second = (UPLOADS / "good" / "notes-utf8.txt").read_bytes()
    response = client.post(
        f"/staff/documents/{document.id}/versions",
        data={"file": (io.BytesIO(second), "letter-transcript.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    refused = client.post(
        f"/staff/documents/{document.id}/versions",
        data={"file": (io.BytesIO(b"<html><script>x</script></html>"), "v3.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "not accepted" in refused.data.decode()
    db.session.expire_all()
    versions = db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    for version, content in zip(versions, [first, second], strict=True):
        got = client.get(f"/staff/documents/{document.id}/versions/{version.id}/download")
        assert got.data == content
    page = client.get(f"/staff/documents/{document.id}").data.decode()
    assert versions[0].sha256 in page and versions[1].sha256 in page and "letter-transcript.txt" in page
    assert "document.version" in _actions()


def test_document_text_feeds_the_staff_case_search(client: Any, staff_case: Any, make_case: Any) -> None:
    other = make_case(title="Another case")
    upload(client, staff_case.id, [(UPLOADS / "good" / "suspension-letter-fr.pdf", "lettre.pdf")])
    upload(client, other.id, [(UPLOADS / "good" / "appeal-draft.docx", "appeal.docx")])
    version = db.session.scalars(select(DocumentVersion).where(DocumentVersion.mime_type == "application/pdf")).one()
    assert "« Décision »" in version.extracted_text and "infirmiers à compter" in version.extracted_text
    results = client.get("/staff/cases?q=infirmiers").data.decode()
    assert staff_case.title in results and "Another case" not in results
    results = client.get("/staff/cases?q=expression").data.decode()
    assert "Another case" in results


def test_metadata_edit_is_audited_and_validated(client: Any, staff_case: Any) -> None:
    upload(client, staff_case.id, [(UPLOADS / "good" / "post-screenshot.png", "post.png")])
    document = db.session.scalars(select(Document)).one()
    bad = client.post(
        f"/staff/documents/{document.id}/edit",
        data={"title": "Post", "kind": "screenshot", "date": "2023-13", "source_url": "javascript:alert(1)"},
    )
    assert bad.status_code == 200 and "Enter a real date" in bad.data.decode()
    good = client.post(
        f"/staff/documents/{document.id}/edit",
        data={
            "title": "The post",
            "kind": "screenshot",
            "date": "2023-11",
            "source_url": "https://social.example/post/1",
            "captured_at": "2023-11-15 10:30",
        },
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert document.title == "The post" and document.when.iso() == "2023-11" and document.captured_at is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.update")).one()
    assert entry.changes["title"] == ["post", "The post"]
