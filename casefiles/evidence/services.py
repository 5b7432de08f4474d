"""The verbs of evidence: ask for a capture, run it (in the background worker), mark an uploaded file as evidence,
correct its provenance; and the reading the pages need. Services flush, callers commit (run_capture, which runs
in the worker, commits itself)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.auth.models import User
from casefiles.cases.models import Case
from casefiles.db import utcnow
from casefiles.documents import services as documents
from casefiles.documents.detection import UploadRefused
from casefiles.documents.models import Document, DocumentKind
from casefiles.documents.storage import get_storage, new_key
from casefiles.evidence import fetcher, rendering
from casefiles.evidence.models import CaptureStatus, Evidence, EvidenceMethod
from casefiles.evidence.records import EVIDENCE, zone_names
from casefiles.evidence.warc import build_warc
from casefiles.extensions import db
from casefiles.records import editing
from casefiles.records.fields import FieldError

HTML_TYPES = {"text/html", "application/xhtml+xml"}


def _name(actor: Any) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "email", "") or "")[:200]


# --- capture ------------------------------------------------------------------------------------------------


def request_capture(case: Case, *, actor: Any, url: str) -> Evidence:
    """Queue the capture of a web page for the case (the caller commits, then hands it to the worker).

    The address is checked for its form here (FieldError); where it leads is checked by the fetcher, hop by hop."""
    url = " ".join(str(url or "").split())
    if not url:
        raise FieldError("url", _l("Paste the web address of the page to capture."))
    try:
        fetcher.check_url(url)
    except fetcher.FetchRefused as refused:
        raise FieldError("url", fetcher.REASONS[refused.reason]) from refused
    return editing.create(
        Evidence,
        actor=actor,
        values={"captured_by_name": _name(actor), "captured_zone": "UTC"},
        case_id=case.id,
        method=EvidenceMethod.CAPTURE.value,
        status=CaptureStatus.QUEUED.value,
        requested_url=url,
        captured_by_id=getattr(actor, "id", None),
    )


def _put(storage: Any, data: bytes) -> tuple[str, str]:
    """Store bytes under a new key (removed again if the transaction does not commit); (key, SHA-256)."""
    temp = storage.temp_file()
    try:
        temp.write(data)
        temp.finish()
        key, sha = new_key(), temp.sha256
        documents._remember(storage, key)
        storage.put(key, temp)
    finally:
        temp.close()
    return key, sha


def _footer(url: str, at: datetime, sha: str) -> str:
    return f"{url[:160]} · {at.strftime('%Y-%m-%d %H:%M:%S UTC')} · SHA-256 {sha}"


def _rendering(fetched: fetcher.Fetched, at: datetime, sha: str) -> tuple[str, str, bytes, str]:
    """(title, text, file bytes, file name) of the readable rendering; FetchRefused("unsupported"/"render")."""
    config = current_app.config
    mime = fetched.header("Content-Type").split(";", 1)[0].strip().lower()
    body = rendering.decoded_body(
        fetched.final.body, fetched.header("Content-Encoding"), int(config.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
    )
    looks_html = body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))
    if mime in HTML_TYPES or (not mime and looks_html) or mime == "text/plain":
        markup = body.decode(rendering.charset_of(fetched.header("Content-Type"), body), errors="replace")
        is_html = mime != "text/plain"
        page = rendering.page_text(markup, is_html=is_html)
        try:
            pdf = rendering.render_pdf(
                markup if is_html else rendering.text_as_html(markup),
                fetched.final_url,
                _footer(fetched.final_url, at, sha),
                seconds=float(config.get("EVIDENCE_RENDER_SECONDS", 60)),
                memory_mb=int(config.get("EVIDENCE_RENDER_MEMORY_MB", 768)),
            )
        except rendering.RenderFailed as failed:
            raise fetcher.FetchRefused("render", failed.reason) from failed
        return page.title, page.text, pdf, "capture.pdf"
    if mime == "application/pdf" or mime.startswith("image/"):
        extension = {"application/pdf": "pdf"}.get(mime, mime.split("/", 1)[1][:10])
        return "", "", body, f"capture.{extension}"
    raise fetcher.FetchRefused("unsupported", mime)


def run_capture(evidence_id: int) -> Evidence | None:
    """Fetch, keep and render one queued capture; commits. A refusal or failure leaves the reason and no file."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.status != CaptureStatus.QUEUED.value:
        return evidence
    evidence.status = CaptureStatus.RUNNING.value
    db.session.commit()
    actor = db.session.get(User, evidence.captured_by_id) if evidence.captured_by_id else None
    try:
        _capture(evidence, actor)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - whatever happens, the capture ends with a status and a reason
        db.session.rollback()
        reason = error.reason if isinstance(error, fetcher.FetchRefused) else "error"
        if isinstance(error, UploadRefused):
            reason = "unsupported"
        elif not isinstance(error, fetcher.FetchRefused):
            current_app.logger.exception("Capture %s failed", evidence_id)
        evidence = db.session.get(Evidence, evidence_id)
        if evidence is None:
            return None
        evidence.status = CaptureStatus.FAILED.value
        evidence.error = reason if reason in fetcher.REASONS else "error"
        editing.audit(
            "capture_failed", evidence, actor, {"url": [None, evidence.requested_url], "reason": [None, reason]}
        )
        db.session.commit()
    return evidence


def _capture(evidence: Evidence, actor: Any) -> None:
    case = db.session.get(Case, evidence.case_id)
    if case is None:
        raise fetcher.FetchRefused("error", "case gone")
    at = utcnow()
    fetched = fetcher.fetch(evidence.requested_url, fetcher.limits_from(current_app.config))
    body = fetched.final.body
    sha = hashlib.sha256(body).hexdigest()
    title, text, rendered, filename = _rendering(fetched, at, sha)
    storage = get_storage()
    body_key, _ = _put(storage, body)
    warc_key, warc_sha = _put(storage, build_warc(fetched, at))
    text_key, text_sha = _put(storage, text.encode("utf-8"))
    values = {
        "title": (title or fetched.final_url)[:200],
        "kind": DocumentKind.SPEECH_EVIDENCE.value,
        "source_url": fetched.final_url[:2000],
        "captured_at": at.isoformat(),
        "description": "",
    }
    (document,) = documents.upload_documents(case, actor=actor, files=[(filename, io.BytesIO(rendered))], values=values)
    evidence.document_id = document.id
    evidence.source_url = fetched.final_url[:2000]
    evidence.title = title
    evidence.captured_at = at
    evidence.captured_zone = "UTC"
    evidence.redirects = [
        {"url": hop.url, "status": hop.status, "address": hop.address, "location": hop.location} for hop in fetched.hops
    ]
    evidence.http_status = fetched.final.status
    evidence.response_headers = [[k, v] for k, v in fetched.final.headers]
    evidence.content_type = fetched.header("Content-Type")[:200]
    evidence.sha256, evidence.size = sha, len(body)
    evidence.body_key = body_key
    evidence.warc_key, evidence.warc_sha256 = warc_key, warc_sha
    evidence.text_key, evidence.text_sha256 = text_key, text_sha
    evidence.document_version = document.current.number if document.current else None
    evidence.status = CaptureStatus.DONE.value
    evidence.error = ""
    db.session.flush()
    editing.audit(
        "capture",
        evidence,
        actor,
        {
            "url": [None, evidence.requested_url],
            "final_url": [None, evidence.source_url],
            "redirects": [None, len(fetched.hops) - 1],
            "status": [None, evidence.http_status],
            "sha256": [None, sha],
            "captured_at": [None, at.isoformat()],
        },
    )


# --- files uploaded by hand ---------------------------------------------------------------------------------


def zoned_time(local: Any, zone: str) -> str | None:
    """A typed capture time read in the named zone (unless it names its own offset), as ISO text with its offset."""
    text = " ".join(str(local or "").split())
    if not text:
        return None
    if zone not in zone_names():
        raise FieldError("captured_zone", _l("Choose a time zone from the list, for example America/Toronto."))
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone))
        return parsed.isoformat()
    except (ValueError, OverflowError) as error:
        raise FieldError(
            "captured_at", _l("Give the capture time as a date and time, for example 2023-11-14 09:30.")
        ) from error


def _provenance(values: dict[str, Any]) -> dict[str, Any]:
    zone = str(values.get("captured_zone") or "UTC").strip()
    clean = {
        "source_url": values.get("source_url") or "",
        "captured_zone": zone,
        "captured_by_name": values.get("captured_by_name") or "",
        "captured_at": zoned_time(values.get("captured_at"), zone),
    }
    return EVIDENCE.clean(clean)


def mark_as_evidence(document: Document, *, actor: Any, values: dict[str, Any]) -> Evidence:
    """Mark an uploaded document as evidence with its provenance; its SHA-256 is the one the server computed."""
    if document.case_id is None or document.current is None:
        raise FieldError(None, _l("Only a document of a case with a stored file can be marked as evidence."))
    if evidence_of(document) is not None:
        raise FieldError(None, _l("This document is already marked as evidence."))
    current = document.current
    return editing.create(
        Evidence,
        actor=actor,
        values=_provenance(values),
        case_id=document.case_id,
        document_id=document.id,
        method=EvidenceMethod.UPLOAD.value,
        status=CaptureStatus.DONE.value,
        captured_by_id=getattr(actor, "id", None),
        sha256=current.sha256,
        size=current.size,
        document_version=current.number,
        title=document.title,
    )


def update_provenance(
    evidence: Evidence, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict[str, Any]:
    """Correct the provenance of a file marked by hand (a server capture's provenance is what was measured)."""
    if evidence.method != EvidenceMethod.UPLOAD.value:
        raise FieldError(None, _l("The provenance of a server capture cannot be changed."))
    return editing.update(evidence, actor=actor, changes=_provenance(values), expected_version=expected_version)


# --- reading ------------------------------------------------------------------------------------------------


def evidence_of(document: Document) -> Evidence | None:
    return db.session.scalars(select(Evidence).where(Evidence.document_id == document.id)).first()


def case_evidence(case: Case) -> list[Evidence]:
    """The evidence of a case, newest first (captures still running or failed included)."""
    return list(
        db.session.scalars(
            select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.created_at.desc(), Evidence.id.desc())
        )
    )


def read_stored(key: str) -> bytes:
    with get_storage().open(key) as stream:
        return stream.read()


def shown_time(evidence: Evidence) -> str:
    """The capture time as it was given, its zone named: 2023-11-14 09:30:00 EST (America/Toronto)."""
    local = evidence.captured_local()
    if local is None:
        return ""
    zone = evidence.captured_zone or "UTC"
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    abbreviation = local.tzname() or ""
    if zone == "UTC":
        return f"{text} UTC"
    return f"{text} {abbreviation} ({zone})".replace("  ", " ")
