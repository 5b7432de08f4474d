"""The people in a case file: who they are, and what their consent lets us show."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.db import Base, TimestampMixin, Versioned
from casefiles.enums import NameConsent, PersonCategory
from casefiles.people import matching


class Person(Versioned, TimestampMixin, Base):
    """A person in a case; a group case has several."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_category_case", "category", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    legal_name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_consent: Mapped[str] = mapped_column(String(20), nullable=False, default=NameConsent.NONE.value)
    pseudonym: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    pronouns: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(30), nullable=False, default=PersonCategory.OTHER.value)
    # Their role or title: "nursing student", "school principal", "MPP".
    role_title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Private: never on a public surface.
    contact_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    contact_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Kept from the name, email and phone on every save, so that a possible duplicate is an index lookup.
    name_key: Mapped[str] = mapped_column(String(matching.NAME_KEY_LENGTH), nullable=False, default="", index=True)
    email_key: Mapped[str] = mapped_column(String(matching.EMAIL_KEY_LENGTH), nullable=False, default="", index=True)
    phone_key: Mapped[str] = mapped_column(String(matching.PHONE_KEY_LENGTH), nullable=False, default="", index=True)

    # The case is named, not imported: cases import people, never the other way round.
    case: Mapped["Case"] = relationship(back_populates="people")  # noqa: F821, UP037

    @property
    def category_enum(self) -> PersonCategory:
        return PersonCategory(self.category)

    @property
    def consent_enum(self) -> NameConsent:
        return NameConsent(self.name_consent)

    @property
    def public_name(self) -> str | None:
        """The name the person's recorded consent allows us to show, or None."""
        consent = self.consent_enum
        if consent is NameConsent.FULL_NAME:
            return self.legal_name
        if consent is NameConsent.INITIALS:
            return initials(self.legal_name)
        if consent is NameConsent.PSEUDONYM and self.pseudonym.strip():
            return self.pseudonym.strip()
        return None

    def refresh_match_keys(self) -> None:
        """Derive the duplicate-finding keys from the name, email and phone."""
        self.name_key = matching.name_key(self.legal_name)
        self.email_key = matching.email_key(self.contact_email)
        self.phone_key = matching.phone_key(self.contact_phone)

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_match_keys(mapper, connection, person: Person) -> None:  # noqa: ANN001
    """Whatever path saves a person (forms, imports, intake), its match keys follow its name and contacts."""
    person.refresh_match_keys()


def initials(name: str) -> str:
    """'Jeanne-Marie Tremblay' -> 'J.-M. T.'"""
    parts = []
    for word in name.split():
        pieces = [p[0].upper() + "." for p in word.split("-") if p]
        if pieces:
            parts.append("-".join(pieces))
    return " ".join(parts)
