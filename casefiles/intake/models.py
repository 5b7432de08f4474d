"""A help request from the public form: its triage state in the clear, everything the person wrote sealed.

What stays readable in the database is only what the queue needs and what says nothing of who asked: a random
reference, the status, the language of the form, the earliest upcoming date given (for the urgent badge), the
volunteer it is assigned to, the case it became, and times. The text, the names, the contact details, the
institution and the files are sealed with the intake key (casefiles/intake/crypto.py), kept outside the database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.db import Base, Versioned, utcnow


class IntakeStatus(enum.Enum):
    """Where a help request stands in the triage queue."""

    NEW = "new"
    SEEN = "seen"
    ASSIGNED = "assigned"
    CONVERTED = "converted"
    DECLINED = "declined"
    SPAM = "spam"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @classmethod
    def coerce(cls, value: object) -> IntakeStatus | None:
        try:
            return cls(value)
        except ValueError:
            return None


STATUS_LABELS = {
    # Translators: status of a help request nobody has opened yet.
    IntakeStatus.NEW: _l("New"),
    # Translators: status of a help request someone on the team has opened.
    IntakeStatus.SEEN: _l("Seen"),
    IntakeStatus.ASSIGNED: _l("Assigned"),
    IntakeStatus.CONVERTED: _l("Made into a case"),
    IntakeStatus.DECLINED: _l("Declined"),
    IntakeStatus.SPAM: _l("Spam"),
}
# Requests still waiting for a decision.
OPEN_STATUSES = (IntakeStatus.NEW.value, IntakeStatus.SEEN.value, IntakeStatus.ASSIGNED.value)
# Requests the retention command deletes once INTAKE_RETENTION_DAYS have passed since the decision.
CLOSED_FOR_RETENTION = (IntakeStatus.DECLINED.value, IntakeStatus.SPAM.value)


class Submission(Versioned, Base):
    """One help request."""

    __tablename__ = "intake_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=IntakeStatus.NEW.value, index=True)
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    # The earliest upcoming date the person gave (hearing, appeal deadline): the queue's urgent badge.
    next_date: Mapped[date | None] = mapped_column(Date)
    # Everything the person wrote, as one sealed JSON document.
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    assignee = relationship("User", foreign_keys=[assignee_id])
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionFile.id", passive_deletes=True
    )

    @property
    def state(self) -> IntakeStatus:
        return IntakeStatus(self.status)

    def is_urgent(self, today: date, window: int) -> bool:
        return self.next_date is not None and today <= self.next_date <= date.fromordinal(today.toordinal() + window)


class SubmissionFile(Base):
    """One evidence file of a help request: its bytes, and its name, type and SHA-256, each sealed."""

    __tablename__ = "intake_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("intake_submissions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sealed_meta: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    submission: Mapped[Submission] = relationship(back_populates="files")
