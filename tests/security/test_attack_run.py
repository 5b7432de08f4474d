# ruff: noqa: F811, S314 - test arguments are imported fixtures; the XML parsed is our own output
"""Findings of an attack run, each kept fixed by the test that reproduces it:

1. archived, unpublished or withdrawn means gone from every public surface at once, files and conditional
   requests included;
2. public copies of PDF, Word and OpenDocument files carry no metadata (read back from what is served);
3. a one-time code (TOTP or recovery code) sent twice at the same moment signs in once;
4. control characters are refused in text fields, feeds stay well-formed, correction notes can be deleted;
5. absurd ids, page numbers, dates and Unicode digits answer 404 or are ignored, never a 500;
6. no GET signs anyone out;
7. the audit viewer and its CSV say who, when, what and which fields, never the values.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree  # noqa: S405 - parsing our own output in tests

import pyotp
import pytest
import requests
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject
from sqlalchemy import func, select
from support import PASSWORD

from casefiles.audit.models import AuditEntry
from casefiles.auth import totp
from casefiles.auth.models import User
from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.public.models import CaseCorrection
from tests.documents.conftest import UPLOADS, upload
from tests.public.public_fixtures import _fresh_projection_cache, publish, staff  # noqa: F401 (fixtures)
from tests.test_permissions import _rules, _urls, world  # noqa: F401 (`world` is a fixture)

LEGAL_NAME = "Jeanne Canarylegal"
CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
    f"<dc:creator>{LEGAL_NAME}</dc:creator><cp:lastModifiedBy>{LEGAL_NAME}</cp:lastModifiedBy>"
    "<dc:title>Draft for the lawyer</dc:title></cp:coreProperties>"
)
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Company>{LEGAL_NAME} Family Trust</Company><Manager>{LEGAL_NAME}</Manager></Properties>"
)


@pytest.fixture
def storage(app: Any) -> Iterator[None]:
    """The documents storage starts and ends empty."""
    from casefiles.documents.storage import storage_root

    root = storage_root(app)
    shutil.rmtree(root, ignore_errors=True)
    yield
    shutil.rmtree(root, ignore_errors=True)


def _published_case(client: Any, make_case: Any, consent: str = "full_name", **values: Any) -> Any:
    case = make_case(person={"legal_name": LEGAL_NAME, "name_consent": consent, "category": "student"}, **values)
    response = client.post(f"/staff/cases/{case.id}/publish", data={"consent_recorded": "y", "no_private_data": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(case)
    assert case.published and case.public_slug
    return case


def _public_document(client: Any, case: Any, content: bytes | Path, name: str, title: str) -> Document:
    assert upload(client, case.id, [(content, name)], title=title).status_code == 302
    document = db.session.scalars(select(Document).where(Document.title == title)).one()
    assert client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"}).status_code == 302
    db.session.refresh(document)
    return document


# --- 1. gone from every public surface at once ---------------------------------------------------------------


def _archive(client: Any, case: Any) -> None:
    assert client.post(f"/staff/cases/{case.id}/archive").status_code == 302


def _unpublish(client: Any, case: Any) -> None:
    assert client.post(f"/staff/cases/{case.id}/unpublish", data={"reason": "asked"}).status_code == 302


def _withdraw(client: Any, case: Any) -> None:
    from casefiles.public.services import withdraw_consent

    withdraw_consent(case.people[0], actor=None)
    db.session.commit()


@pytest.mark.parametrize("take_down", [_archive, _unpublish, _withdraw], ids=["archived", "unpublished", "withdrawn"])
def test_a_case_taken_down_leaves_every_public_surface_at_once(
    app: Any, client: Any, login: Any, make_case: Any, storage: None, take_down: Any
) -> None:
    login("staff")
    case = _published_case(client, make_case)
    document = _public_document(client, case, UPLOADS / "good" / "suspension-letter-fr.pdf", "l.pdf", "Letter")
    slug, token = case.public_slug, document.public_token
    surfaces = [
        f"/en/cases/{slug}",
        f"/en/cases/{slug}/feed.atom",
        f"/api/v1/cases/{slug}",
        f"/documents/{token}",
    ]
    anonymous = app.test_client()  # no cookie at all: the edge cache answers it
    validators = {}
    for url in surfaces:
        first = anonymous.get(url)
        assert first.status_code == 200, url
        validators[url] = {
            "If-None-Match": first.headers.get("ETag", '"anything"'),
            "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
        }
        if first.headers.get("ETag"):
            # The reader's copy is current: a conditional request is answered 304 while the case is public.
            assert anonymous.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, url
    assert "ETag" in anonymous.get(f"/documents/{token}").headers
    listings = ["/en/cases", "/en/feed.atom", "/sitemap.xml", "/api/v1/cases", "/en/"]
    assert all(slug in anonymous.get(url).get_data(as_text=True) for url in listings[:3])

    take_down(client, case)

    for url in surfaces:
        assert anonymous.get(url).status_code == 404, url
        for name, value in validators[url].items():
            assert anonymous.get(url, headers={name: value}).status_code == 404, (url, name)
        assert anonymous.get(url, headers=validators[url]).status_code == 404, url
        assert anonymous.head(url).status_code == 404, url
    for url in listings:
        body = anonymous.get(url).get_data(as_text=True)
        assert slug not in body and token not in body, url


def test_an_archived_case_lists_no_public_documents(
    app: Any, client: Any, login: Any, make_case: Any, storage: None
) -> None:
    from casefiles.public.projection import public_case

    def public_documents(case: Any) -> list:
        projection = public_case(case, "en")
        return list(projection.documents) if projection else []

    login("staff")
    case = _published_case(client, make_case)
    _public_document(client, case, UPLOADS / "good" / "notes-utf8.txt", "notes.txt", "Notes")
    with app.test_request_context():
        assert [d.title for d in public_documents(case)] == ["Notes"]
        _archive(client, case)
        db.session.refresh(case)
        assert public_documents(case) == []


# --- 2. public copies carry no metadata -------------------------------------------------------------------


def _pdf_with_metadata() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(UPLOADS / "good" / "suspension-letter-fr.pdf"))
    writer.add_metadata({"/Author": LEGAL_NAME, "/Creator": "Writer of " + LEGAL_NAME, "/Subject": "Private"})
    xmp = StreamObject()
    xmp.set_data(
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
        + LEGAL_NAME.encode()
        + b'</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(UPLOADS / "good" / "appeal-draft.docx") as source, zipfile.ZipFile(out, "w") as docx:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                tracked = f'<w:p><w:ins w:id="9" w:author="{LEGAL_NAME}" w:date="2024-01-01T00:00:00Z"><w:r>'
                data = data.replace(b"</w:body>", tracked.encode() + b"<w:t>Added.</w:t></w:r></w:ins></w:p></w:body>")
            docx.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        docx.writestr("docProps/core.xml", CORE_XML)
        docx.writestr("docProps/app.xml", APP_XML)
    return out.getvalue()


def _odt_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as odt:
        odt.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        odt.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<office:body><office:text><text:p>The appeal is due in May."
            f"<office:annotation><dc:creator>{LEGAL_NAME}</dc:creator><text:p>check</text:p></office:annotation>"
            "</text:p></office:text></office:body></office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        odt.writestr(
            "meta.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<office:meta><meta:initial-creator>{LEGAL_NAME}</meta:initial-creator>"
            f"<dc:creator>{LEGAL_NAME}</dc:creator></office:meta></office:document-meta>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        odt.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def _unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_public_pdf_word_and_odt_copies_carry_no_metadata(
    app: Any, client: Any, login: Any, make_case: Any, storage: None
) -> None:
    login("staff")
    case = _published_case(client, make_case, consent="initials")
    originals = {"pdf": _pdf_with_metadata(), "docx": _docx_with_metadata(), "odt": _odt_with_metadata()}
    assert all(
        LEGAL_NAME.encode() in (o if k == "pdf" else b"".join(_unzipped(o).values())) for k, o in originals.items()
    )
    anonymous = app.test_client()
    served = {}
    for kind, content in originals.items():
        document = _public_document(client, case, content, f"draft.{kind}", f"Draft {kind}")
        response = anonymous.get(f"/documents/{document.public_token}")
        assert response.status_code == 200, kind
        served[kind] = response.data
        # Staff still download the original, byte for byte.
        version = document.current
        staff_copy = client.get(f"/staff/documents/{document.id}/versions/{version.id}/download")
        assert staff_copy.data == content, kind
        assert version.public_size == len(response.data) and int(response.headers["Content-Length"]) == len(
            response.data
        )

    pdf = PdfReader(io.BytesIO(served["pdf"]))
    assert pdf.metadata is None or not any(pdf.metadata.values())
    assert pdf.xmp_metadata is None and "/Metadata" not in pdf.trailer["/Root"]
    assert "Avis de suspension" in pdf.pages[0].extract_text()
    assert LEGAL_NAME.encode() not in served["pdf"] and b"WeasyPrint" not in served["pdf"]

    docx = _unzipped(served["docx"])
    assert LEGAL_NAME.encode() not in b"".join(docx.values())
    assert b"<dc:creator" not in docx["docProps/core.xml"] and b"Company" not in docx["docProps/app.xml"]
    assert b"freedom of expression" in docx["word/document.xml"] and b"Added." in docx["word/document.xml"]
    ElementTree.fromstring(docx["docProps/core.xml"])
    ElementTree.fromstring(docx["word/document.xml"])

    odt = _unzipped(served["odt"])
    with zipfile.ZipFile(io.BytesIO(served["odt"])) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert LEGAL_NAME.encode() not in b"".join(odt.values())
    assert b"The appeal is due in May." in odt["content.xml"]
    ElementTree.fromstring(odt["meta.xml"])

    # Nothing of the name anywhere on the public side, as for the image copies.
    page = anonymous.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert LEGAL_NAME not in page


def test_a_document_stored_without_a_public_copy_gets_one_when_published(
    app: Any, client: Any, login: Any, make_case: Any, storage: None
) -> None:
    from casefiles.documents.storage import get_storage

    login("staff")
    case = _published_case(client, make_case)
    assert upload(client, case.id, [(_pdf_with_metadata(), "old.pdf")], title="Old").status_code == 302
    document = db.session.scalars(select(Document)).one()
    version = document.current
    get_storage().delete(version.public_key)  # as stored before PDF copies existed
    version.public_key = version.public_sha256 = version.public_size = None
    db.session.commit()
    anonymous = app.test_client()
    assert client.post(f"/staff/documents/{document.id}/visibility", data={"visibility": "public"}).status_code == 302
    db.session.refresh(version)
    assert version.public_key
    served = anonymous.get(f"/documents/{document.public_token}")
    assert served.status_code == 200 and LEGAL_NAME.encode() not in served.data
    # A public document without a clean copy is refused rather than served with its metadata ...
    get_storage().delete(version.public_key)
    version.public_key = version.public_sha256 = version.public_size = None
    db.session.commit()
    assert anonymous.get(f"/documents/{document.public_token}").status_code == 404
    # ... until the command that makes the missing copies (run once after upgrading) gives it one.
    result = app.test_cli_runner().invoke(args=["storage", "public-copies"])
    assert result.exit_code == 0 and "1 public copy(ies) made" in result.output, result.output
    served = anonymous.get(f"/documents/{document.public_token}")
    assert served.status_code == 200 and LEGAL_NAME.encode() not in served.data
    assert app.test_cli_runner().invoke(args=["storage", "check"]).exit_code == 0


# --- 3. one-time codes are spent once ------------------------------------------------------------------------


def _with_totp(user: User) -> tuple[str, list[str]]:
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_last_step = int(time.time() // 30) - 5
    codes = totp.regenerate_recovery_codes(user, actor=None)
    db.session.commit()
    return secret, codes


def _race_in_two_sessions(app: Any, user_id: int, code: str) -> list[bool]:
    """Two sessions check the same code, and only then write: each pauses just before its UPDATE until the other one
    got there too (the interleaving that let both sign in). Returns what each was told."""
    from sqlalchemy import event

    at_the_write = threading.Barrier(2, timeout=10)
    racers: set[int] = set()
    results: dict[int, bool] = {}
    errors: list[BaseException] = []

    def pause_before_spending(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        spends = statement.lstrip().upper().startswith(("UPDATE USERS", "UPDATE RECOVERY_CODES"))
        if spends and threading.get_ident() in racers:
            racers.discard(threading.get_ident())
            try:
                at_the_write.wait()
            except threading.BrokenBarrierError:
                pass  # the other one was refused before writing anything: nothing left to interleave

    def attempt(n: int) -> None:
        racers.add(threading.get_ident())
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                results[n] = totp.verify_second_factor(user, code)
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            racers.discard(threading.get_ident())

    engine = db.engine
    event.listen(engine, "before_cursor_execute", pause_before_spending)
    try:
        threads = [threading.Thread(target=attempt, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(engine, "before_cursor_execute", pause_before_spending)
    assert not errors, errors
    return sorted(results.values())


def test_the_same_code_in_two_sessions_is_spent_once(app: Any, make_user: Any) -> None:
    user = make_user("staff")
    secret, codes = _with_totp(user)
    assert _race_in_two_sessions(app, user.id, pyotp.TOTP(secret).now()) == [False, True]
    assert _race_in_two_sessions(app, user.id, codes[0]) == [False, True]
    db.session.expire_all()
    assert totp.remaining_recovery_codes(user) == totp.RECOVERY_CODE_COUNT - 1
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "user.recovery_code_used")) == 1


def _pending_second_factor(base: str, user: User) -> tuple[requests.Session, str]:
    """A browser that has given the password and now shows the code page (with its CSRF token)."""
    import re

    browser = requests.Session()
    browser.trust_env = False  # straight to the loopback server, whatever proxy the environment names
    page = browser.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = browser.post(
        f"{base}/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/verify")
    page = browser.get(f"{base}/login/verify", timeout=10).text
    return browser, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_the_same_code_sent_twice_at_once_signs_in_once(live_server: str, make_user: Any, kind: str) -> None:
    user = make_user("staff")
    secret, codes = _with_totp(user)
    code = pyotp.TOTP(secret).now() if kind == "totp" else codes[0]
    browsers = [_pending_second_factor(live_server, user) for _ in range(2)]
    start = threading.Barrier(len(browsers), timeout=20)
    statuses: list[int] = []

    def send(browser: requests.Session, token: str) -> None:
        start.wait()
        response = browser.post(
            f"{live_server}/login/verify", data={"code": code, "csrf_token": token}, allow_redirects=False, timeout=30
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    assert sorted(statuses) == [200, 302], statuses  # one signed in, the other told the code was used
    signed_in = [
        b.get(f"{live_server}/staff/cases", allow_redirects=False, timeout=10).status_code for b, _ in browsers
    ]
    assert sorted(signed_in) == [200, 302]


# --- 4. control characters; feeds stay well-formed; correction notes can be deleted ---------------------------


def test_text_fields_refuse_control_characters(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = _published_case(client, make_case)
    form = {"title": case.title, "public_summary": "A summary."}
    for bad in ("\x00", "a\x01b", "\x1b[31m", "x\x7fy", "\x85", "\ufffe"):
        response = client.post(
            f"/staff/cases/{case.id}/public-content", data={**form, "correction_note": f"Fix {bad}."}
        )
        assert response.status_code == 200
        assert "invisible control characters" in response.get_data(as_text=True)
        response = client.post(f"/staff/cases/{case.id}/public-content", data={**form, "title": f"T{bad}x"})
        assert "invisible control characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseCorrection.id))) == 0
    # Tabs and line breaks are ordinary text.
    fine = client.post(
        f"/staff/cases/{case.id}/public-content",
        data={**form, "public_summary": "One\r\n\r\nTwo\tcolumns", "correction_note": "Date\tfixed.\r\nThanks."},
    )
    assert fine.status_code == 302
    assert db.session.scalars(select(CaseCorrection.note)).one() == "Date\tfixed.\r\nThanks."
    # The same rule holds in every form, not only this one, and on the service for other callers.
    account = client.post("/staff/account", data={"current_password": "x\x00y", "new_password": "z" * 14})
    assert "invisible control characters" in account.get_data(as_text=True)
    from casefiles.public.services import PublishError, add_correction

    with pytest.raises(PublishError):
        add_correction(case, actor=None, note="bad\x00note")
    db.session.rollback()


def test_feeds_stay_well_formed_whatever_was_saved(app: Any, client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = _published_case(client, make_case)
    # Saved before the rule existed (or by another path): every control character there is, and U+FFFE/U+FFFF.
    nasty = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\x7f\x85\ufffe\uffff"
    if db.engine.dialect.name == "postgresql":
        nasty = nasty.replace("\x00", "")  # PostgreSQL stores no NUL at all (one more reason forms refuse it)
    db.session.add(CaseCorrection(case_id=case.id, note=f"Before{nasty}after", note_fr=f"Avant{nasty}après"))
    case.title = f"Title{nasty}end"
    db.session.commit()
    anonymous = app.test_client()
    for url in (f"/en/cases/{case.public_slug}/feed.atom", "/en/feed.atom", "/sitemap.xml"):
        for language in ("en", "fr"):
            response = anonymous.get(url, headers={"Accept-Language": language})
            assert response.status_code == 200, url
            root = ElementTree.fromstring(response.data)  # raises on an ill-formed document
            text = "".join(root.itertext())
            if "feed" in url:
                assert "Beforeafter" in text or "Avantaprès" in text
    assert anonymous.get(f"/api/v1/cases/{case.public_slug}").get_json()["title"]


def test_staff_delete_a_correction_note_with_confirmation(
    app: Any, client: Any, login: Any, make_user: Any, make_case: Any
) -> None:
    login("staff")
    volunteer = make_user("volunteer")
    case = _published_case(client, make_case, assignees=[volunteer])
    assert case.title in client.get("/staff/cases").get_data(as_text=True)
    form = {"title": case.title, "public_summary": "A summary."}
    client.post(f"/staff/cases/{case.id}/public-content", data={**form, "correction_note": "Wrong date: CANARY-FIX"})
    correction = db.session.scalars(select(CaseCorrection)).one()
    anonymous = app.test_client()
    assert "CANARY-FIX" in anonymous.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    url = f"/staff/cases/{case.id}/corrections/{correction.id}/delete"
    content = client.get(f"/staff/cases/{case.id}/public-content").get_data(as_text=True)
    assert url in content
    confirm = client.get(url)
    assert confirm.status_code == 200 and "CANARY-FIX" in confirm.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseCorrection.id))) == 1  # the GET only asks
    # Another case's note cannot be reached through this case's address.
    other = make_case()
    assert client.post(f"/staff/cases/{other.id}/corrections/{correction.id}/delete").status_code == 404
    done = client.post(url)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/cases/{case.id}/public-content")
    assert db.session.scalar(select(func.count(CaseCorrection.id))) == 0
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "correction.delete")).one()
    assert entry.case_id == case.id and entry.object_id == correction.id and entry.actor_id is not None
    assert "CANARY-FIX" not in anonymous.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert "CANARY-FIX" not in anonymous.get(f"/en/cases/{case.public_slug}/feed.atom").get_data(as_text=True)
    assert client.post(url).status_code == 404
    # Volunteers, even assigned to the case, may not.
    client.post(f"/staff/cases/{case.id}/public-content", data={**form, "correction_note": "Another"})
    second = db.session.scalars(select(CaseCorrection)).one()
    login.logout()
    login.as_user(volunteer)
    second_url = f"/staff/cases/{case.id}/corrections/{second.id}/delete"
    assert client.get(second_url).status_code == 403
    assert client.post(second_url).status_code == 403
    assert db.session.scalar(select(func.count(CaseCorrection.id))) == 1


class TestDeletingACorrectionNeedsItsToken:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_without_the_token_nothing_is_deleted(self, client: Any, make_user: Any, make_case: Any) -> None:
        from casefiles.public.services import add_correction

        case = make_case()
        add_correction(case, actor=None, note="Kept")
        db.session.commit()
        correction = db.session.scalars(select(CaseCorrection)).one()
        user = make_user("staff")
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token.group(1)})
        assert client.post(f"/staff/cases/{case.id}/corrections/{correction.id}/delete").status_code == 400
        assert db.session.scalar(select(func.count(CaseCorrection.id))) == 1


# --- 5. absurd input answers 404 or is ignored, never a 500 --------------------------------------------------

HUGE = [str(2**64), str(2**63), str(2**31), "99999999999999999999999999999"]


def test_ids_beyond_the_database_range_are_404_on_every_route(app: Any, client: Any, login: Any) -> None:
    from flask import url_for
    from werkzeug.routing import IntegerConverter
    from werkzeug.routing.converters import AnyConverter

    login("admin")
    checked = 0
    for rule in _rules(app):
        ids = [name for name, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ids:
            continue
        for huge in HUGE:
            values: dict[str, Any] = {}
            for name, converter in rule._converters.items():
                if name in ids:
                    values[name] = int(huge)
                else:
                    values[name] = sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "en"
            with app.test_request_context():
                path = url_for(rule.endpoint, **values)
            assert huge in path
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method)
                assert response.status_code == 404, (method, path, response.status_code)
                checked += 1
    assert checked > 50
    # Digits of other scripts are not ids either (a `\\d` pattern would have read "٣" as 3).
    assert client.get("/staff/cases/\u0663").status_code == 404
    assert client.get("/staff/cases/\uff11").status_code == 404


def test_absurd_page_numbers_and_filters_never_500(app: Any, client: Any, login: Any, make_case: Any) -> None:
    login("admin")
    case = make_case()
    lists = [
        r.rule
        for r in _rules(app)
        if "GET" in r.methods and not r.arguments and r.endpoint != "static" and not r.rule.endswith((".pdf", ".zip"))
    ]
    lists.append(f"/staff/cases/{case.id}/history")
    assert "/staff/institutions/" in lists and "/staff/audit/" in lists
    for url in lists:
        for page in ("99999999999999999999999", str(2**62), "-99999999999999999999", "1_000_000_000_000", "²", "١٢"):
            response = client.get(url, query_string={"page": page})
            assert response.status_code < 500, (url, page)
    junk = [
        {"actor": "²"},
        {"case": "²"},
        {"actor": "\u0661\u0662"},
        {"case": str(2**64)},
        {"until": "9999-12-31"},
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"since": "9999-12-31"},
        {"page": str(2**64)},
    ]
    for url in ("/staff/audit/", "/staff/audit/export.csv"):
        for args in junk:
            assert client.get(url, query_string=args).status_code == 200, (url, args)
    for url in (
        "/staff/dossiers/new?case=²",
        "/staff/dossiers/new?case=" + str(2**64),
        "/staff/letters/new?campaign=²",
        "/staff/cases?institution=²&page=²",
        "/en/cases?institution=²&year=²&page=²",
        "/api/v1/cases?page=²&per_page=" + str(2**64),
    ):
        assert client.get(url).status_code < 500, url


def test_dates_at_the_ends_of_the_calendar_are_refused_not_500(
    client: Any, login: Any, make_case: Any, storage: None
) -> None:
    login("staff")
    case = make_case()
    assert (
        upload(client, case.id, [(UPLOADS / "good" / "notes-utf8.txt", "notes.txt")], title="Notes").status_code == 302
    )
    document = db.session.scalars(select(Document)).one()
    for captured_at in ("9999-12-31 23:59-05:00", "0001-01-01 00:00+05:00", "99999-01-01"):
        response = client.post(
            f"/staff/documents/{document.id}/edit",
            data={"title": "Notes", "kind": "other", "captured_at": captured_at, "version": document.version},
        )
        assert response.status_code < 500, captured_at
    db.session.refresh(document)
    assert document.captured_at is None
    # The same form saves a real time (so the refusals above were about the dates).
    saved = client.post(
        f"/staff/documents/{document.id}/edit",
        data={"title": "Notes", "kind": "other", "captured_at": "2024-01-02 10:00", "version": document.version},
    )
    assert saved.status_code == 302
    db.session.refresh(document)
    assert document.captured_at is not None


def test_unicode_digits_in_forms_are_ignored(client: Any, login: Any) -> None:
    from casefiles.campaigns import services

    campaign = services.create_campaign(actor=None, values={"title_en": "Campaign"})
    db.session.commit()
    login("staff")
    for reference in ("CF-²", "CF-" + str(2**64), "CF-\u0663"):
        response = client.post(f"/staff/campaigns/{campaign.id}/cases", data={"reference": reference})
        assert response.status_code < 500, reference


# --- 6. no GET signs anyone out --------------------------------------------------------------------------------


def test_get_login_verify_does_not_sign_anyone_out(client: Any, login: Any) -> None:
    login("staff")
    assert client.get("/staff/cases").status_code == 200
    response = client.get("/login/verify")
    assert response.status_code == 302
    assert client.get("/staff/cases").status_code == 200
    client.get("/login")
    assert client.get("/staff/cases").status_code == 200


def test_no_get_request_signs_anyone_out(app: Any, world: Any) -> None:
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for url, _real in _urls(app, rule, world):
            if url.endswith((".pdf", ".zip", ".csv")):
                continue  # typeset or packed files: slow, and they end nothing
            for role in ("admin", "volunteer_assigned"):
                browser = world.clients[role]
                browser.get(url)
                assert browser.get("/staff/account").status_code == 200, (role, url)


# --- 7. the audit viewer shows who, when, what and which fields; never values -------------------------------


def test_audit_viewer_and_csv_show_no_values(client: Any, login: Any, make_user: Any, make_case: Any) -> None:
    typed_email = "canary-typed-address@example.net"
    typed_password_in_email = "CANARY-Pa55word-typed"
    member = make_user("staff", email="member@example.org")
    assert client.post("/login", data={"email": typed_email, "password": "wrong"}).status_code == 200
    assert client.post("/login", data={"email": typed_password_in_email, "password": "x"}).status_code == 200
    assert client.post("/login", data={"email": member.email, "password": "not the password"}).status_code == 200
    case = make_case(
        title="CANARY-PRIVATE-TITLE",
        person={"legal_name": "Canary Privatelegalname", "category": "student"},
    )
    from casefiles.public.services import add_correction

    add_correction(case, actor=None, note="CANARY-NOTE-VALUE")
    db.session.commit()
    login("admin")
    page = client.get("/staff/audit/").get_data(as_text=True)
    export = client.get("/staff/audit/export.csv").get_data(as_text=True)
    for shown in (page, export):
        for canary in (typed_email, typed_password_in_email, "CANARY-PRIVATE-TITLE", "Privatelegalname", "CANARY-NOTE"):
            assert canary.lower() not in shown.lower(), canary
        assert "user.login_failed" in shown and "correction.create" in shown
    rows = list(csv.DictReader(io.StringIO(export)))
    assert "summary" not in rows[0]
    assert {"time_utc", "actor_id", "action", "object_type", "object_id", "case_id", "changed_fields"} <= set(rows[0])
    # A failed sign-in says which of our accounts was tried, never what was typed.
    failed = [r for r in rows if r["action"] == "user.login_failed"]
    assert sorted(r["object_id"] for r in failed) == ["", "", str(member.id)]
    correction = next(r for r in rows if r["action"] == "correction.create")
    assert correction["changed_fields"] == "note, note_fr" and correction["case_id"] == str(case.id)
    # Nothing typed at sign-in is kept in the audit table at all.
    stored = " ".join(f"{e.summary} {e.changes}" for e in db.session.scalars(select(AuditEntry)))
    assert typed_email not in stored and typed_password_in_email not in stored
