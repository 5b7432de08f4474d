"""Size cap, atomicity (a failed commit leaves no file, an interrupted upload leaves nothing), bounded text
extraction, and `flask storage check` on both backends."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casefiles.documents import extraction, services
from casefiles.documents.detection import DOCX
from casefiles.documents.models import Document, DocumentVersion
from casefiles.documents.storage import get_storage, storage_root
from casefiles.extensions import db
from tests.documents.conftest import UPLOADS, stored_files, upload


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


class TestSizeCap:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"MAX_CONTENT_LENGTH": 64 * 1024}

    def test_too_large_upload_gets_a_clear_413_and_stores_nothing(
        self, client: Any, login: Any, make_case: Any, app: Any
    ) -> None:
        login("staff")
        case = make_case()
        big = b"A line of plain text.\n" * 10_000
        response = upload(client, case.id, [(big, "big.txt")])
        assert response.status_code == 413
        assert "too large" in response.data.decode().lower()
        assert _count(Document) == 0 and stored_files(app) == []


def test_a_failed_commit_leaves_no_file(app: Any, make_case: Any, make_user: Any) -> None:
    case = make_case()
    actor = make_user("staff")
    content = (UPLOADS / "good" / "suspension-letter-fr.pdf").read_bytes()
    documents = services.upload_documents(
        case, actor=actor, files=[("letter.pdf", io.BytesIO(content))], values={"kind": "appeal"}
    )
    keys = [k for k, _ in documents[0].current.stored_files()]
    assert sorted(stored_files(app)) == sorted(keys)  # written, waiting for the commit
    # Something else in the same transaction breaks the commit.
    db.session.add(Document(case_id=case.id, title="clash", public_token=documents[0].public_token))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert stored_files(app) == []
    assert _count(DocumentVersion) == 0


def test_a_rolled_back_upload_leaves_no_file_but_a_committed_one_stays(app: Any, make_case: Any) -> None:
    case = make_case()
    content = (UPLOADS / "good" / "notes-utf8.txt").read_bytes()
    services.upload_documents(case, actor=None, files=[("a.txt", io.BytesIO(content))], values={})
    db.session.rollback()
    assert stored_files(app) == []
    services.upload_documents(case, actor=None, files=[("a.txt", io.BytesIO(content))], values={})
    db.session.commit()
    assert len(stored_files(app)) == 1


def test_an_interrupted_upload_leaves_nothing(client: Any, login: Any, make_case: Any, app: Any) -> None:
    login("staff")
    case = make_case()
    boundary = "----casefilesboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="notes.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode() + b"x" * 200_000
    # The client announces a megabyte but the connection ends after 200 KB.
    response = client.post(
        f"/staff/cases/{case.id}/documents/new",
        input_stream=io.BytesIO(head),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(1024 * 1024)},
    )
    assert response.status_code in (400, 422)
    assert _count(Document) == 0
    assert stored_files(app) == []  # no stored object and no temporary file left behind


def test_the_zip_bomb_costs_nothing(app: Any) -> None:
    bomb = UPLOADS / "bad" / "zip-bomb.docx"
    started = time.monotonic()
    result = extraction.extract(DOCX, bomb)  # even asked directly, extraction stops at its bound
    assert len(result.text) <= extraction.MAX_TEXT_CHARS
    assert time.monotonic() - started < extraction.TIMEOUT_SECONDS


def _cli(app: Any) -> Any:
    return app.test_cli_runner().invoke(args=["storage", "check"])


def test_storage_check_finds_missing_orphan_and_altered_files(backend: str, app: Any, make_case: Any) -> None:
    case = make_case()
    for name in ("notes-utf8.txt", "post-screenshot.png", "suspension-letter-fr.pdf"):
        services.upload_documents(
            case, actor=None, files=[(name, io.BytesIO((UPLOADS / "good" / name).read_bytes()))], values={}
        )
    db.session.commit()
    result = _cli(app)
    assert result.exit_code == 0, result.output
    assert "0 missing, 0 hash mismatch(es), 0 orphan(s)" in result.output

    storage = get_storage()
    versions = db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.id)).all()
    txt, png, _pdf = versions
    storage.delete(txt.storage_key)
    tampered = storage.temp_file()
    tampered.write(b"not the screenshot")
    storage.put(png.storage_key, tampered)
    orphan = storage.temp_file()
    orphan.write(b"left behind")
    orphan_key = "0" * 32
    storage.put(orphan_key, orphan)

    result = _cli(app)
    assert result.exit_code == 1
    assert f"MISSING   {txt.storage_key}" in result.output
    assert f"MISMATCH  {png.storage_key}" in result.output
    assert f"ORPHAN    {orphan_key}" in result.output


def test_storage_check_lists_stray_files_on_disk(app: Any) -> None:
    root = storage_root(app)
    (root / "ab").mkdir(parents=True)
    Path(root / "ab" / "passwd").write_text("stray")
    result = _cli(app)
    assert result.exit_code == 1 and "ORPHAN    ab/passwd" in result.output


def test_storage_keys_refuse_traversal(app: Any) -> None:
    storage = get_storage()
    for key in ("../../etc/passwd", "..", "ab/../../x", "A" * 32, ""):
        with pytest.raises(ValueError):
            storage.open(key)


def test_deleting_a_case_removes_its_files_once_committed(app: Any, make_case: Any, make_user: Any) -> None:
    from casefiles.cases.services import delete_case

    case = make_case()
    kept = make_case(title="Kept")
    for target in (case, kept):
        services.upload_documents(
            target,
            actor=None,
            files=[("photo.jpg", io.BytesIO((UPLOADS / "good" / "photo-with-gps.jpg").read_bytes()))],
            values={},
        )
    db.session.commit()
    assert len(stored_files(app)) == 6  # original, preview and public copy of each photo
    admin = make_user("admin")
    delete_case(case, actor=admin)
    db.session.rollback()  # changed their mind: nothing goes
    assert len(stored_files(app)) == 6
    delete_case(db.session.get(type(case), case.id), actor=admin)
    db.session.commit()
    remaining = db.session.scalars(select(DocumentVersion)).one()
    assert sorted(stored_files(app)) == sorted(k for k, _ in remaining.stored_files())
    assert _cli(app).exit_code == 0
