"""Tables of the public side: correction notes shown on a published case; the stored public answers and the
stamps that say whether they still hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from casefiles.db import Base, utcnow


class CaseCorrection(Base):
    """A visible note on a published case saying which published fact changed, in English and French."""

    __tablename__ = "case_corrections"
    __table_args__ = (Index("ix_case_corrections_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def _changed(obj: object, names: list[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _public_names(rec: Any) -> list[str]:
    """The mapped attributes behind a record's public fields (a reference's key, a partial date's precision)."""
    return [name for f in rec.public_fields for name in (f.name, f"{f.name}_id", f"{f.name}_precision")]


def _public_case_touched(session: Session, obj: object) -> Any:
    """The case whose public face this pending change alters, or None (read from the record declarations, so
    every record with public fields — case, person, sanction, event, harm, proceeding, document — counts alike)."""
    from casefiles.records.registry import record_for

    try:
        rec = record_for(obj)
    except KeyError:
        return None
    if not rec.public_fields:
        return None
    shown = rec.shown_publicly(obj) if rec.shown_publicly is not None else True
    if obj in session.new or obj in session.deleted:
        return rec.case_of(obj) if shown else None
    if not _changed(obj, _public_names(rec)):
        return None
    # A private record, edited, changes nothing public, unless the edit is what makes it public or private.
    if shown or (rec.visibility_field and _changed(obj, [rec.visibility_field])):
        return rec.case_of(obj)
    return None


@event.listens_for(Session, "before_flush")
def _stamp_public_changes(session: Session, flush_context: object, instances: object) -> None:
    """When a published fact changes, move the case's public "last updated" (private edits never do)."""
    touched = [_public_case_touched(session, obj) for obj in (*session.new, *session.dirty, *session.deleted)]
    now = utcnow()
    for case in touched:
        if case is not None and case.published:
            case.public_updated_at = now


class PublicStamp(Base):
    """A marker that moves (a fresh random token) whenever the public face of its scope may have changed: "all"
    (any public change), "shared" (a change not tied to one case: an institution, a campaign, the organization)
    and "case:<id>". Moved in the transaction that makes the change (public.store), read before every stored
    public answer is served."""

    __tablename__ = "public_stamps"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), nullable=False, default="")


class PublicPage(Base):
    """A rendered public answer (page, feed or API), shared by every worker and machine; valid while the stamps it
    was rendered under have not moved. Holds only what anonymous visitors are shown."""

    __tablename__ = "public_pages"
    __table_args__ = (Index("ix_public_pages_scope", "scope"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), nullable=False)
    scope_stamp: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    shared_stamp: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    entry: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class CasePhoto(Base):
    """The photo shown on a case's public page, while the person it shows consents to be named in full. Only the
    public copy is kept: the uploaded image is checked like a document image, then re-encoded without any metadata
    (EXIF, GPS, XMP, comments), so the original's metadata is never stored."""

    __tablename__ = "case_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # The public copy, base64: it travels inside an export like every other value (a few hundred kB at most).
    image_base64: Mapped[str] = mapped_column(Text, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(30), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    alt: Mapped[str] = mapped_column(Text, nullable=False, default="")
    alt_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
