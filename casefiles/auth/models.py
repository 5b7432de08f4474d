"""Users of the staff side."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.authz import Role
from casefiles.db import Base, TimestampMixin


class User(UserMixin, TimestampMixin, Base):
    """A legal volunteer, staff member or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role_value: Mapped[str] = mapped_column("role", String(20), nullable=False, default=Role.VOLUNTEER.value)
    is_active_flag: Mapped[bool] = mapped_column("is_active", Boolean, nullable=False, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Changing this token ends every session that carries the old one (logout elsewhere, password change).
    session_token: Mapped[str] = mapped_column(String(64), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def role(self) -> Role:
        return Role(self.role_value)

    @role.setter
    def role(self, value: Role) -> None:
        self.role_value = value.value

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.is_active_flag)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        """Session identity: the id plus the session token, so rotating the token logs the user out."""
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role_value}>"
