"""Who changed what: one row per change, login, publication, role change or export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.auth.models import User
from casefiles.db import Base, utcnow


class AuditEntry(Base):
    """An append-only record: when (UTC), who, what action, on which object, with a field diff."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_case_created", "case_id", "created_at"),
        Index("ix_audit_entries_object", "object_type", "object_id", "object_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(String(40), nullable=False)
    object_id: Mapped[int | None] = mapped_column(Integer)
    # Not a foreign key: the history of a deleted case must survive its deletion.
    case_id: Mapped[int | None] = mapped_column(Integer)
    case_version: Mapped[int | None] = mapped_column(Integer)
    # The record's own version after this change: a stale edit finds what changed since the version it saw.
    object_version: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    actor: Mapped[User | None] = relationship()
