"""Evidence: where a document came from, when and by whom it was captured, and the bytes that prove it.

A page captured by the server keeps the response bytes, its headers, the redirect chain, a WARC record and a text
rendering as stored files (each with its SHA-256); its readable PDF rendering is version 1 of the document the
capture creates. A file uploaded by hand and marked as evidence carries the same provenance fields, its SHA-256
being the one the server computed when the file was stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.auth.models import User
from casefiles.db import Base, TimestampMixin, Versioned
from casefiles.enums import LABELS, LabelledEnum


class EvidenceMethod(LabelledEnum):
    CAPTURE = "capture"
    UPLOAD = "upload"


class CaptureStatus(LabelledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


LABELS.update(
    {
        EvidenceMethod.CAPTURE: _l("Captured by the server"),
        EvidenceMethod.UPLOAD: _l("Uploaded by hand"),
        CaptureStatus.QUEUED: _l("Waiting to be captured"),
        CaptureStatus.RUNNING: _l("Being captured"),
        CaptureStatus.DONE: _l("Captured"),
        CaptureStatus.FAILED: _l("Capture failed"),
    }
)


class Evidence(Versioned, TimestampMixin, Base):
    """The provenance of one piece of evidence of a case (a captured page, or a document marked as evidence)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    # The document that shows it: created when a capture succeeds, or the uploaded document marked as evidence.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    method: Mapped[str] = mapped_column(String(10), nullable=False, default=EvidenceMethod.CAPTURE.value)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=CaptureStatus.DONE.value)
    # Why a capture failed: one of fetcher.REASONS (shown translated), never a raw exception text.
    error: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    requested_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    # The address the evidence came from: the last address of the redirect chain, or the one typed by hand.
    source_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    # Every hop: [{"url": ..., "status": 301, "location": ...}, ...], the last one being the captured response.
    redirects: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    http_status: Mapped[int | None] = mapped_column(Integer)
    # The headers of the captured response, in order: [[name, value], ...].
    response_headers: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    content_type: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Stored in UTC; the zone it was captured or typed in is kept to show it as it was given, zone named.
    captured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    captured_zone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    captured_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who captured it (a screenshot taken by someone who has no account), as typed; a capture names the requester.
    captured_by_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # SHA-256 of the evidence itself, computed by the server: the response bytes, or the uploaded file.
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    # The version of the document that the hash names (a marked upload).
    document_version: Mapped[int | None] = mapped_column(Integer)
    body_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    warc_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    warc_sha256: Mapped[str | None] = mapped_column(String(64))
    text_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")

    captured_by: Mapped[User | None] = relationship(foreign_keys=[captured_by_id])

    @property
    def method_enum(self) -> EvidenceMethod:
        return EvidenceMethod.coerce(self.method) or EvidenceMethod.CAPTURE

    @property
    def status_enum(self) -> CaptureStatus:
        return CaptureStatus.coerce(self.status) or CaptureStatus.QUEUED

    @property
    def finished(self) -> bool:
        return self.status in (CaptureStatus.DONE.value, CaptureStatus.FAILED.value)

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.captured_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def captured_local(self) -> datetime | None:
        """The capture time in the zone it was captured or typed in."""
        if self.captured_at is None:
            return None
        at = self.captured_at if self.captured_at.tzinfo else self.captured_at.replace(tzinfo=UTC)
        return at.astimezone(self.zone)

    def stored_files(self) -> list[tuple[str, str | None]]:
        """(storage key, expected SHA-256) of every file this evidence owns (its PDF is the document's)."""
        files: list[tuple[str, str | None]] = []
        if self.body_key:
            files.append((self.body_key, self.sha256 or None))
        if self.warc_key:
            files.append((self.warc_key, self.warc_sha256))
        if self.text_key:
            files.append((self.text_key, self.text_sha256))
        return files
