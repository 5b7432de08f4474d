"""A person's choice about the daily deadline email, and the day it was last sent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base


class ReminderPreference(Base):
    """No row means the default: reminders on, never sent yet."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # The day (in the organization's time zone) of the last reminder: the daily run sends at most one a day.
    last_sent_on: Mapped[date | None] = mapped_column(Date)
