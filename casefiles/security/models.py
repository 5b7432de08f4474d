"""The shared counters of credential throttling, when they are kept in the database (no Redis configured)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base


class LoginThrottle(Base):
    """One counter: failed attempts from an address, or against an account from one address.

    The key is an HMAC of what is counted, so the table never holds the emails or addresses themselves.
    Times are seconds since the epoch: the arithmetic stays the same in SQLite and PostgreSQL.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    window_ends: Mapped[float] = mapped_column(Float, nullable=False)
    # How many times this key was refused lately: each refusal period doubles the one before.
    strikes: Mapped[int] = mapped_column(Integer, nullable=False)
    # After this moment the row means nothing (its strikes are forgotten) and may be deleted.
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)
