"""Sign-on letters and the organizations that signed them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.campaigns.models import Campaign
from casefiles.db import Base, TimestampMixin, Versioned, utcnow
from casefiles.organizations.models import Organization


class Letter(TimestampMixin, Base):
    """A letter in English and French, to an addressee, signed by (often hundreds of) organizations."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    addressee: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    letter_date: Mapped[date | None] = mapped_column(Date)
    body_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    # Shown on the public site (both languages, its signatories) and open to "add your organization".
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign | None] = relationship()
    signatories: Mapped[list[LetterSignatory]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterSignatory.position"
    )

    def __repr__(self) -> str:
        return f"<Letter {self.id}>"


class LetterSignatory(Versioned, Base):
    """One organization's signature on a letter, in the order signatures were added."""

    __tablename__ = "letter_signatories"
    __table_args__ = (UniqueConstraint("letter_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), nullable=False)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    letter: Mapped[Letter] = relationship(back_populates="signatories")
    organization: Mapped[Organization] = relationship(lazy="joined")


ENTRY_PENDING = "pending"
ENTRY_APPROVED = "approved"
ENTRY_REJECTED = "rejected"


class LetterEntry(Base):
    """An organization asking, from the public letter page, to sign: it waits for staff. The contact's name and
    email are for staff only (never public); approving signs the letter exactly as a pasted line would."""

    __tablename__ = "letter_entries"
    __table_args__ = (Index("ix_letter_entries_letter_status", "letter_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), nullable=False)
    organization_name: Mapped[str] = mapped_column(String(300), nullable=False)
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=ENTRY_PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
