"""A document of a case (or a campaign) and its versions: every version keeps its own stored file."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.auth.models import User
from casefiles.dates import PartialDate
from casefiles.db import Base, TimestampMixin, Versioned, utcnow
from casefiles.enums import LABELS, LabelledEnum


class DocumentKind(LabelledEnum):
    DECISION_LETTER = "decision_letter"
    APPEAL = "appeal"
    CORRESPONDENCE = "correspondence"
    SPEECH_EVIDENCE = "speech_evidence"
    SCREENSHOT = "screenshot"
    MEDIA_ARTICLE = "media_article"
    COURT_FILING = "court_filing"
    STATEMENT = "statement"
    OTHER = "other"


class Visibility(LabelledEnum):
    PRIVATE = "private"
    PUBLIC = "public"


LABELS.update(
    {
        DocumentKind.DECISION_LETTER: _l("Sanction or decision letter"),
        DocumentKind.APPEAL: _l("Appeal"),
        DocumentKind.CORRESPONDENCE: _l("Correspondence"),
        DocumentKind.SPEECH_EVIDENCE: _l("Evidence of the speech"),
        DocumentKind.SCREENSHOT: _l("Screenshot"),
        DocumentKind.MEDIA_ARTICLE: _l("Media article"),
        DocumentKind.COURT_FILING: _l("Court or tribunal filing"),
        DocumentKind.STATEMENT: _l("Statement"),
        DocumentKind.OTHER: _l("Other document"),
        Visibility.PRIVATE: _l("Private"),
        Visibility.PUBLIC: _l("Public"),
    }
)


def new_public_token() -> str:
    """A random public identifier that reveals nothing about the document or its case."""
    return secrets.token_urlsafe(12)


class Document(Versioned, TimestampMixin, Base):
    """A paper of the case: its description here, its bytes in its versions."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Campaigns are built alongside: a plain column for now, the foreign key comes with the campaign link.
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default=DocumentKind.OTHER.value)
    date: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(5))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    visibility: Mapped[str] = mapped_column(String(10), nullable=False, default=Visibility.PRIVATE.value)
    source_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    captured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_token: Mapped[str] = mapped_column(String(40), unique=True, nullable=False, default=new_public_token)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The number of the version the public side serves: a new version of a public document on a published case,
    # uploaded by someone who may not publish, waits for review and leaves this where it was.
    reviewed_version: Mapped[int | None] = mapped_column(Integer)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentVersion.number"
    )

    @property
    def kind_enum(self) -> DocumentKind:
        return DocumentKind.coerce(self.kind) or DocumentKind.OTHER

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC.value

    @property
    def when(self) -> PartialDate | None:
        return PartialDate.from_columns(self.date, self.date_precision)

    @property
    def current(self) -> DocumentVersion | None:
        """The latest version (older ones are kept)."""
        return self.versions[-1] if self.versions else None

    @property
    def public_version(self) -> DocumentVersion | None:
        """The version the public downloads: the last reviewed one (the latest for rows older than the review)."""
        if self.reviewed_version is None:
            return self.current
        return next((v for v in self.versions if v.number == self.reviewed_version), None)


class DocumentVersion(Base):
    """One uploaded file of a document: never overwritten, never erased by a newer version."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(100), nullable=False)
    original_filename: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # Derived files: a small PNG preview, and for images a re-encoded copy without EXIF/GPS for the public.
    preview_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    preview_sha256: Mapped[str | None] = mapped_column(String(64))
    public_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    public_sha256: Mapped[str | None] = mapped_column(String(64))
    public_size: Mapped[int | None] = mapped_column(BigInteger)
    extracted_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text_truncated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Set when the text was recognised from scanned pages or an image: the mean confidence of its words (0-100).
    ocr_confidence: Mapped[float | None] = mapped_column(Float)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    def stored_files(self) -> list[tuple[str, str | None]]:
        """(storage key, expected SHA-256) of every file this version owns."""
        files = [(self.storage_key, self.sha256)]
        if self.preview_key:
            files.append((self.preview_key, self.preview_sha256))
        if self.public_key:
            files.append((self.public_key, self.public_sha256))
        return files
