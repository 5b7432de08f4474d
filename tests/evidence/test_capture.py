"""Evidence capture against a server of the tests on loopback: a redirect followed, the bytes, headers, WARC record,
text and PDF rendering kept and read back; an oversize page, a slow page, a redirect loop and redirects to private
addresses refused; the storage check finds a tampered capture. Loopback is allowed here only through the
testing-only flag; without it the same address is refused."""

from __future__ import annotations

import hashlib
import io
import time
from typing import Any

import pytest
from pypdf import PdfReader
from warcio.archiveiterator import ArchiveIterator

from casefiles.documents.models import Document
from casefiles.documents.storage import get_storage
from casefiles.evidence import fetcher, services, worker
from casefiles.evidence.models import CaptureStatus, Evidence
from casefiles.extensions import db
from tests.evidence.loopback import PAGE, loopback_server


@pytest.fixture
def app_overrides(tmp_path) -> dict[str, Any]:
    return {
        "STORAGE_DIR": str(tmp_path / "storage"),  # a storage of this test's own: the check sees only its files
        "EVIDENCE_FETCH_ALLOW_LOOPBACK": True,  # testing only: honoured only when TESTING is set
        "EVIDENCE_MAX_BYTES": 1_000_000,
        "EVIDENCE_FETCH_SECONDS": 3,
        "EVIDENCE_MAX_REDIRECTS": 3,
    }


@pytest.fixture
def server():
    with loopback_server() as found:
        yield found


def _capture(app: Any, case: Any, url: str) -> Evidence:
    evidence = services.request_capture(case, actor=None, url=url)
    db.session.commit()
    services.run_capture(evidence.id)
    db.session.expire_all()
    return db.session.get(Evidence, evidence.id)


def _stored(key: str) -> bytes:
    return services.read_stored(key)


def _storage_check(app: Any) -> Any:
    return app.test_cli_runner().invoke(args=["storage", "check"])


def test_a_redirected_page_is_captured_with_its_provenance_warc_text_and_pdf(app, make_case, server):
    base, requests = server
    case = make_case()
    evidence = _capture(app, case, f"{base}/redirect")

    assert evidence.status == CaptureStatus.DONE.value, evidence.error
    assert evidence.requested_url == f"{base}/redirect"
    assert evidence.source_url == f"{base}/page"
    assert [(hop["url"], hop["status"]) for hop in evidence.redirects] == [
        (f"{base}/redirect", 302),
        (f"{base}/page", 200),
    ]
    assert evidence.http_status == 200
    assert ["X-Served-By", "loopback"] in evidence.response_headers
    assert evidence.captured_at is not None and evidence.captured_zone == "UTC"
    served = PAGE.format(port=base.rsplit(":", 1)[1]).encode("utf-8")
    assert _stored(evidence.body_key) == served
    assert evidence.sha256 == hashlib.sha256(served).hexdigest()
    assert evidence.title == "Message du recteur"

    # The WARC record reads back: request and response for each hop, the last response holding the bytes.
    records = []
    for record in ArchiveIterator(io.BytesIO(_stored(evidence.warc_key))):
        records.append(
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_statuscode() if record.http_headers and record.rec_type == "response" else None,
                record.content_stream().read() if record.rec_type == "response" else b"",
            )
        )
    assert [r[0] for r in records] == ["warcinfo", "request", "response", "request", "response"]
    assert records[2][1:3] == (f"{base}/redirect", "302")
    assert records[4][1:] == (f"{base}/page", "200", served)

    # The text keeps the words, not the script.
    text = _stored(evidence.text_key).decode("utf-8")
    assert "suspendue pour une publication" in text and "script text" not in text

    # The PDF rendering, read back with a text extractor; made without a single request for the page's resources.
    document = db.session.get(Document, evidence.document_id)
    version = document.current
    assert version.mime_type == "application/pdf" and document.kind == "speech_evidence"
    assert document.source_url == f"{base}/page" and not document.is_public
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(_stored(version.storage_key))).pages)
    assert "suspendue pour une publication" in pdf_text
    assert "4217" in pdf_text
    assert evidence.sha256 in pdf_text.replace("\n", "")  # the provenance footer of every page
    assert requests == ["/redirect", "/page"]  # no stylesheet, image, import or attachment was fetched

    assert _storage_check(app).exit_code == 0


def test_the_storage_check_finds_a_tampered_capture(app, make_case, server):
    base, _ = server
    evidence = _capture(app, make_case(), f"{base}/page")
    assert evidence.status == CaptureStatus.DONE.value
    assert _storage_check(app).exit_code == 0
    storage = get_storage()
    for key, label in ((evidence.warc_key, "WARC record"), (evidence.body_key, "captured bytes")):
        path = storage.local_path(key)
        original = path.read_bytes()
        path.write_bytes(original.replace(b"4217", b"4218") if b"4217" in original else original + b"\x00")
        result = _storage_check(app)
        assert result.exit_code == 1
        assert f"MISMATCH  {key} (evidence {evidence.id} {label})" in result.output
        path.write_bytes(original)
    assert _storage_check(app).exit_code == 0


def test_an_oversize_page_is_refused_and_nothing_is_kept(app, make_case, server):
    base, _ = server
    case = make_case()
    for path in ("/big", "/big-declared"):
        evidence = _capture(app, case, f"{base}{path}")
        assert (evidence.status, evidence.error) == (CaptureStatus.FAILED.value, "too_large")
        assert evidence.body_key is None and evidence.document_id is None
    assert list(get_storage().keys()) == []


def test_a_slow_page_is_stopped_at_the_deadline(app, make_case, server):
    base, _ = server
    started = time.monotonic()
    evidence = _capture(app, make_case(), f"{base}/slow")
    assert (evidence.status, evidence.error) == (CaptureStatus.FAILED.value, "too_slow")
    assert time.monotonic() - started < 10  # the page would take 30 s; the deadline is 3 s


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_to_a_private_address_is_refused(app, make_case, server, path):
    base, requests = server
    evidence = _capture(app, make_case(), f"{base}{path}")
    assert (evidence.status, evidence.error) == (CaptureStatus.FAILED.value, "private")
    assert evidence.document_id is None
    assert requests == [path]


def test_a_redirect_loop_stops_at_the_limit(app, make_case, server):
    base, requests = server
    evidence = _capture(app, make_case(), f"{base}/loop")
    assert (evidence.status, evidence.error) == (CaptureStatus.FAILED.value, "too_many_redirects")
    assert len(requests) == 4  # the first request and three redirects


def test_loopback_is_refused_without_the_testing_flag(app, make_case, server):
    base, requests = server
    app.config["EVIDENCE_FETCH_ALLOW_LOOPBACK"] = False
    evidence = _capture(app, make_case(), f"{base}/page")
    assert (evidence.status, evidence.error) == (CaptureStatus.FAILED.value, "private")
    assert requests == []
    # And outside the tests the flag is not honoured at all.
    limits = fetcher.limits_from({"TESTING": False, "EVIDENCE_FETCH_ALLOW_LOOPBACK": True})
    assert limits.allow_loopback is False


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.8",
        "172.16.4.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "::1",
        "fd00:ec2::254",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(address):
    assert not fetcher.allowed_address(address)


def test_public_addresses_are_allowed():
    assert fetcher.allowed_address("93.184.215.14")
    assert fetcher.allowed_address("2606:4700::6810:84e5")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://user:secret@example.org/", "credentials"),
        ("http://exa mple.org/", "address"),
        ("http://example.org:99999/", "address"),
    ],
)
def test_addresses_that_cannot_be_captured_are_refused_before_any_request(url, reason):
    with pytest.raises(fetcher.FetchRefused) as refused:
        fetcher.check_url(url)
    assert refused.value.reason == reason


def test_a_plain_text_page_is_rendered_too(app, make_case, server):
    base, _ = server
    evidence = _capture(app, make_case(), f"{base}/plain")
    assert evidence.status == CaptureStatus.DONE.value
    assert "Déclaration en texte brut." in _stored(evidence.text_key).decode()


def test_the_background_worker_captures_after_the_request_returned(app, make_case, server, client, login):
    base, _ = server
    case = make_case()
    login("staff")
    response = client.post(f"/staff/cases/{case.id}/evidence/capture", data={"url": f"{base}/redirect"})
    assert response.status_code == 302
    evidence_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    worker.wait(evidence_id, timeout=120)
    db.session.expire_all()
    evidence = db.session.get(Evidence, evidence_id)
    assert evidence.status == CaptureStatus.DONE.value
    page = client.get(f"/staff/evidence/{evidence_id}").get_data(as_text=True)
    assert "Captured" in page and evidence.sha256 in page and "UTC" in page
    assert client.get(f"/staff/evidence/{evidence_id}/capture.warc.gz").status_code == 200
    case_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Message du recteur" in case_page
    document_page = client.get(f"/staff/documents/{evidence.document_id}").get_data(as_text=True)
    assert "Evidence and its provenance" in document_page and evidence.sha256 in document_page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_bad_address_gets_a_clear_error_and_nothing_is_queued(app, make_case, client, login, language):
    case = make_case()
    login("staff")
    response = client.post(
        f"/staff/cases/{case.id}/evidence/capture",
        data={"url": "file:///etc/passwd"},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert ("http://" in body) and (("Only web addresses" in body) if language == "en" else True)
    assert db.session.query(Evidence).count() == 0


def test_a_volunteer_who_cannot_edit_the_case_cannot_capture(app, make_case, client, login):
    case = make_case()
    login("volunteer")
    response = client.post(f"/staff/cases/{case.id}/evidence/capture", data={"url": "http://example.org/"})
    assert response.status_code == 403
    assert db.session.query(Evidence).count() == 0
