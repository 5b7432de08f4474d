"""A dossier job: several cases typeset into one PDF in the background."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.auth.models import User
from casefiles.db import Base, TimestampMixin

JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"


class DossierJob(TimestampMixin, Base):
    """One requested dossier: which cases, in which language, how far the worker got, and the result file."""

    __tablename__ = "dossier_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    language: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    # Who the dossier is for: "public" (public briefs), "advocacy" (one-pagers) or "legal" (confidential).
    audience: Mapped[str] = mapped_column(String(20), nullable=False, default="legal")
    case_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JOB_QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    file_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (JOB_DONE, JOB_FAILED)

    @property
    def percent(self) -> int:
        """How far along, 0-100 (typesetting counts as the last step)."""
        if self.status == JOB_DONE:
            return 100
        steps = self.total + 1
        return min(99, int(100 * self.progress / steps)) if steps else 0
