"""A follower: one email address following one public case or one public campaign."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base, utcnow


class Follow(Base):
    """Confirmed from the email before any digest; deleted (address and all) on unsubscribe.

    `target` is "case:<id>" or "campaign:<id>", so one address follows one thing once whatever the database does
    with NULLs in a unique constraint; the foreign keys delete the follow with its case or campaign."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("target", "email", name="uq_follows_target_email"),
        Index("ix_follows_target_confirmed", "target", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(40), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)  # lowercased
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    # SHA-256 of the confirmation link's secret; emptied once confirmed.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the follower has been told about: a fingerprint of the public page and the keys of the published
    # items (timeline entries, corrections) already in a digest. Moved with a compare-and-set, so two digest
    # runs never send the same news twice.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    seen: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
