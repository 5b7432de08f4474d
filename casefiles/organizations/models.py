"""Organizations, kept with their names exactly as written, and the partner links to cases and campaigns."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from casefiles.db import Base, TimestampMixin
from casefiles.enums import LABELS, LabelledEnum


class OrganizationKind(LabelledEnum):
    MOSQUE = "mosque"
    CHURCH = "church"
    UNION = "union"
    STUDENT_ASSOCIATION = "student_association"
    NGO = "ngo"
    LEGAL_CLINIC = "legal_clinic"
    MEDIA = "media"
    OTHER = "other"


LABELS.update(
    {
        OrganizationKind.MOSQUE: _l("Mosque"),
        OrganizationKind.CHURCH: _l("Church"),
        OrganizationKind.UNION: _l("Union"),
        OrganizationKind.STUDENT_ASSOCIATION: _l("Student association"),
        OrganizationKind.NGO: _l("NGO"),
        OrganizationKind.LEGAL_CLINIC: _l("Legal clinic"),
        OrganizationKind.MEDIA: _l("Media"),
        OrganizationKind.OTHER: _l("Other"),
    }
)

case_partners = Table(
    "case_partners",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True),
)

campaign_partners = Table(
    "campaign_partners",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organization(TimestampMixin, Base):
    """A mosque, church, union, association, NGO, clinic or outlet; the name is stored exactly as written."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    # The comparison form (see organization_key): one organization per key.
    name_key: Mapped[str] = mapped_column(String(300), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default=OrganizationKind.OTHER.value)
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    province: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_enum(self) -> OrganizationKind:
        return OrganizationKind.coerce(self.kind) or OrganizationKind.OTHER

    def __repr__(self) -> str:
        return f"<Organization {self.id}>"


_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u2032`\u00b4"), "'")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_SPACES_AROUND_DASH = re.compile(r"\s*-\s*")
_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_ARTICLE = re.compile(r"^(the|le|la|les|l)\s+")


def organization_key(name: str) -> str:
    """Same key for names that differ only by case, spacing, apostrophe or dash style (NFKC, casefold)."""
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).translate(_DASHES).casefold()
    text = " ".join(text.split())
    return _SPACES_AROUND_DASH.sub("-", text)


def loose_key(name: str) -> str:
    """A looser key for *likely* duplicates: accents, punctuation and a leading article ignored as well."""
    decomposed = unicodedata.normalize("NFKD", organization_key(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = " ".join(_NOT_WORD.sub(" ", plain).split())
    return _LEADING_ARTICLE.sub("", plain).replace(" ", "")
