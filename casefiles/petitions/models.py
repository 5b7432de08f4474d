"""A petition signature: who signed which campaign's petition, confirmed or not yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base, utcnow


class PetitionSignature(Base):
    """A signature counts once it is confirmed from the email, and only once per email and campaign."""

    __tablename__ = "petition_signatures"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email", name="uq_petition_signatures_campaign_email"),
        Index("ix_petition_signatures_campaign_confirmed", "campaign_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)  # lowercased
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    region: Mapped[str] = mapped_column(String(60), nullable=False)  # province or postal code
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    consent_updates: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    # SHA-256 of the confirmation link's secret; emptied once confirmed. Never exported.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def first_name(self) -> str:
        return (self.name or "").split()[0] if (self.name or "").split() else ""
