"""Institutions that sanction people: universities, school boards, regulators, legislatures..."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base, TimestampMixin, Versioned
from casefiles.enums import InstitutionKind


class Institution(Versioned, TimestampMixin, Base):
    """A sanctioning body, shared across cases."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    # The public name in French ("Université d'Ottawa" for "University of Ottawa"), when it differs.
    name_fr: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # Lowercased, space-collapsed name: finds "Université  fictive" when "université fictive" is typed.
    name_key: Mapped[str] = mapped_column(String(300), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default=InstitutionKind.OTHER.value)
    region: Mapped[str] = mapped_column(String(100), nullable=False, default="", index=True)
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="Canada")

    @property
    def kind_enum(self) -> InstitutionKind:
        return InstitutionKind(self.kind)

    def __repr__(self) -> str:
        return f"<Institution {self.id}>"


def institution_key(name: str) -> str:
    """The comparison form of an institution name."""
    return " ".join(name.split()).casefold()
