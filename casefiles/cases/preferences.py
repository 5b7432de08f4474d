"""What each team member keeps for their daily work: named filters of the case list, their dashboard's window."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base, TimestampMixin

# The windows the dashboard offers for "my deadlines", in days.
DEADLINE_WINDOWS = (7, 14, 30, 90)
DEFAULT_DEADLINE_WINDOW = 14


class SavedFilter(TimestampMixin, Base):
    """A named set of case-list filters, kept for one user (the query string the list reads)."""

    __tablename__ = "saved_case_filters"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_case_filters_user_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    query: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DashboardPreference(Base):
    """One user's dashboard choices: how many days ahead "my deadlines" looks."""

    __tablename__ = "dashboard_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    deadline_window_days: Mapped[int] = mapped_column(Integer, nullable=False, default=DEFAULT_DEADLINE_WINDOW)
