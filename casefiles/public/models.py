"""Tables of the public side: correction notes shown on a published case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from casefiles.db import Base, utcnow


class CaseCorrection(Base):
    """A visible note on a published case saying which published fact changed, in English and French."""

    __tablename__ = "case_corrections"
    __table_args__ = (Index("ix_case_corrections_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    note_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


_CASE_PUBLIC_ATTRS = ("title", "title_fr", "public_summary", "public_summary_fr", "outcome", "institution_id")
_PERSON_PUBLIC_ATTRS = ("legal_name", "name_consent", "pseudonym", "category")


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _stamp_public_changes(session: Session, flush_context: object, instances: object) -> None:
    """When a published fact changes, move the case's public "last updated" (private edits never do)."""
    from casefiles.cases.models import Case, Event
    from casefiles.people.models import Person

    touched = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case) and obj in session.dirty and _changed(obj, _CASE_PUBLIC_ATTRS):
            touched.append(obj)
        elif isinstance(obj, Person) and (obj not in session.dirty or _changed(obj, _PERSON_PUBLIC_ATTRS)):
            touched.append(obj.case)
        elif isinstance(obj, Event) and (obj.is_public or _changed(obj, ("is_public",))):
            # A private event, edited or removed, changes nothing public.
            touched.append(obj.case)
    now = utcnow()
    for case in touched:
        if case is not None and case.published:
            case.public_updated_at = now
