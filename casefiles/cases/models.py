"""A case file and what hangs off it: sanctions, timeline events, deadlines, tags and assignments."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.auth.models import User
from casefiles.dates import PartialDate
from casefiles.db import Base, TimestampMixin, Versioned
from casefiles.enums import (
    CaseStatus,
    EventKind,
    HarmType,
    Outcome,
    Priority,
    ProceedingKind,
    ProceedingStatus,
    SanctionOutcome,
    SanctionType,
)
from casefiles.institutions.models import Institution
from casefiles.people.models import Person

case_tags = Table(
    "case_tags",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

case_assignments = Table(
    "case_assignments",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    """A free label on cases, stored lowercase."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)


OPEN = "archived_at IS NULL"
ARCHIVED = "archived_at IS NOT NULL"


def _list_index(name: str, where: str, *columns: str) -> Index:
    """A partial index of the case list, the same on SQLite and PostgreSQL."""
    condition = text(where)
    return Index(f"ix_cases_{name}", *columns, sqlite_where=condition, postgresql_where=condition)


class Case(TimestampMixin, Base):
    """One case file: a person (or group) punished for what they said."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_updated", "status", "updated_at"),
        # The case list shows open cases unless asked for the archive: one partial index per order (read backward
        # for newest first), per filtered order, and for the archive, so a page is a seek and counts read an index.
        _list_index("open_updated", OPEN, "updated_at", "id"),
        _list_index("open_created", OPEN, "created_at", "id"),
        _list_index("open_title", OPEN, "title", "id"),
        _list_index("open_status_updated", OPEN, "status", "updated_at", "id"),
        _list_index("open_outcome_updated", OPEN, "outcome", "updated_at", "id"),
        _list_index("archived_updated_id", ARCHIVED, "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=CaseStatus.INTAKE.value)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default=Outcome.ONGOING.value, index=True)
    outcome_date: Mapped[date | None] = mapped_column(Date)
    outcome_date_precision: Mapped[str | None] = mapped_column(String(5))
    # A case about a group: its name (and French twin) and how many people it counts, named or not.
    group_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    group_name_fr: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(20), nullable=False, default=Priority.NORMAL.value)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    speech_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    speech_platform: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    speech_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    speech_date: Mapped[date | None] = mapped_column(Date)
    speech_date_precision: Mapped[str | None] = mapped_column(String(5))
    # What was said, as the public page tells it (the speech text itself stays private), in both languages.
    speech_public: Mapped[str] = mapped_column(Text, nullable=False, default="")
    speech_public_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    public_summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    private_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    public_slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Public content in French (English is title / public_summary); empty means "fall back to English".
    title_fr: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    public_summary_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # When the published facts last changed (never moved by private edits, so it reveals nothing).
    public_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A duplicate merged into another case: archived, everything moved, its public address sends readers there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    institution: Mapped[Institution | None] = relationship(lazy="joined")
    people: Mapped[list[Person]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Person.position, Person.id"
    )
    sanctions: Mapped[list[Sanction]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Sanction.date, Sanction.id"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Event.date, Event.id"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Task.done, Task.due_date, Task.id"
    )
    harms: Mapped[list[Harm]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Harm.start_date, Harm.id"
    )
    proceedings: Mapped[list[Proceeding]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Proceeding.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=case_tags, order_by="Tag.name")
    assignees: Mapped[list[User]] = relationship(secondary=case_assignments, order_by="User.name")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)

    @property
    def priority_enum(self) -> Priority:
        return Priority(self.priority)

    @property
    def speech_when(self) -> PartialDate | None:
        return PartialDate.from_columns(self.speech_date, self.speech_date_precision)

    @property
    def outcome_when(self) -> PartialDate | None:
        return PartialDate.from_columns(self.outcome_date, self.outcome_date_precision)

    @property
    def deadlines_settled(self) -> bool:
        """A resolved or closed case has no overdue deadline left: what was due no longer can be missed."""
        return self.status in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)

    @property
    def institutions(self) -> list[Institution]:
        """Every body that sanctioned the person: the case's institution and each sanction's own."""
        found: list[Institution] = [self.institution] if self.institution else []
        for sanction in self.sanctions:
            if sanction.institution is not None and sanction.institution not in found:
                found.append(sanction.institution)
        return found

    @property
    def reference(self) -> str:
        """The identifier staff quote: their own reference if imported, else CF-<id>."""
        return self.external_ref or f"CF-{self.id:05d}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Case {self.id}>"


class Sanction(Versioned, TimestampMixin, Base):
    """A sanction imposed on the person: type, by whom, when, for how long, and the appeal deadline."""

    __tablename__ = "sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    imposed_by: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    date: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(5))
    duration: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    appeal_deadline: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The body that imposed this sanction (a case may be sanctioned by several), and what became of it.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"), index=True)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default=SanctionOutcome.PENDING.value)
    outcome_date: Mapped[date | None] = mapped_column(Date)
    outcome_date_precision: Mapped[str | None] = mapped_column(String(5))
    # Shown on the public page once the case is published (type, body, date, outcome and the public description).
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    public_description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    public_description_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")

    case: Mapped[Case] = relationship(back_populates="sanctions")
    institution: Mapped[Institution | None] = relationship(lazy="joined")

    @property
    def type_enum(self) -> SanctionType:
        return SanctionType(self.type)

    @property
    def outcome_enum(self) -> SanctionOutcome:
        return SanctionOutcome(self.outcome)

    @property
    def outcome_when(self) -> PartialDate | None:
        return PartialDate.from_columns(self.outcome_date, self.outcome_date_precision)

    @property
    def imposed_by_name(self) -> str:
        """Who imposed it: its institution, else the free text."""
        return self.institution.name if self.institution is not None else self.imposed_by

    @property
    def when(self) -> PartialDate | None:
        return PartialDate.from_columns(self.date, self.date_precision)


class Event(Versioned, TimestampMixin, Base):
    """A dated event on the case timeline; public only when marked so."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_case_date", "case_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default=EventKind.OTHER.value)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    date_precision: Mapped[str] = mapped_column(String(5), nullable=False, default="day")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    title_fr: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    proceeding_id: Mapped[int | None] = mapped_column(ForeignKey("proceedings.id", ondelete="SET NULL"), index=True)

    case: Mapped[Case] = relationship(back_populates="events")
    proceeding: Mapped[Proceeding | None] = relationship()

    @property
    def kind_enum(self) -> EventKind:
        return EventKind(self.kind)

    @property
    def when(self) -> PartialDate:
        return PartialDate.from_columns(self.date, self.date_precision)  # type: ignore[return-value]


class Task(Versioned, TimestampMixin, Base):
    """A deadline or task; a sanction's appeal deadline is kept as one."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_done_due", "done", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    done: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sanction_id: Mapped[int | None] = mapped_column(ForeignKey("sanctions.id", ondelete="CASCADE"), unique=True)
    # A hearing of a legal proceeding is one of its deadlines.
    proceeding_id: Mapped[int | None] = mapped_column(ForeignKey("proceedings.id", ondelete="CASCADE"), index=True)

    case: Mapped[Case] = relationship(back_populates="tasks")
    owner: Mapped[User | None] = relationship()
    sanction: Mapped[Sanction | None] = relationship()
    proceeding: Mapped[Proceeding | None] = relationship(back_populates="hearings")

    @property
    def is_appeal_deadline(self) -> bool:
        return self.sanction_id is not None

    @property
    def is_hearing(self) -> bool:
        return self.proceeding_id is not None

    def is_overdue(self, today: date) -> bool:
        """Not done, past due, and its case still open (a resolved or closed case has nothing overdue)."""
        return not self.done and self.due_date < today and not self.case.deadlines_settled

    @property
    def display_title(self) -> str:
        """The title in the reader's language: an appeal deadline is named after its sanction when shown."""
        if self.sanction is not None:
            return str(_l("Appeal deadline: %(sanction)s", sanction=self.sanction.type_enum.label))
        return self.title


class Harm(Versioned, TimestampMixin, Base):
    """Harm from outside the institution (harassment, doxxing, threats, a smear campaign), beside the sanctions."""

    __tablename__ = "harms"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(30), nullable=False, default=HarmType.HARASSMENT.value)
    source: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    start_date_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[date | None] = mapped_column(Date)
    end_date_precision: Mapped[str | None] = mapped_column(String(5))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    case: Mapped[Case] = relationship(back_populates="harms")

    @property
    def type_enum(self) -> HarmType:
        return HarmType(self.type)

    @property
    def started(self) -> PartialDate | None:
        return PartialDate.from_columns(self.start_date, self.start_date_precision)

    @property
    def ended(self) -> PartialDate | None:
        return PartialDate.from_columns(self.end_date, self.end_date_precision)


class Proceeding(Versioned, TimestampMixin, Base):
    """A legal proceeding of the case: a lawsuit, a judicial review, a complaint, charges; its hearings are tasks."""

    __tablename__ = "proceedings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default=ProceedingKind.LAWSUIT.value)
    brought_by: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    court: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    file_number: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    parties: Mapped[str] = mapped_column(Text, nullable=False, default="")
    counsel: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    amount_claimed: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=ProceedingStatus.FILED.value)
    filed_date: Mapped[date | None] = mapped_column(Date)
    filed_date_precision: Mapped[str | None] = mapped_column(String(5))
    decision: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decision_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_date_precision: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    case: Mapped[Case] = relationship(back_populates="proceedings")
    hearings: Mapped[list[Task]] = relationship(back_populates="proceeding", order_by="Task.due_date, Task.id")

    @property
    def kind_enum(self) -> ProceedingKind:
        return ProceedingKind(self.kind)

    @property
    def status_enum(self) -> ProceedingStatus:
        return ProceedingStatus(self.status)

    @property
    def filed(self) -> PartialDate | None:
        return PartialDate.from_columns(self.filed_date, self.filed_date_precision)

    @property
    def decided(self) -> PartialDate | None:
        return PartialDate.from_columns(self.decision_date, self.decision_date_precision)

    @property
    def label(self) -> str:
        """The kind, with the court file number when there is one."""
        return f"{self.kind_enum.label} {self.file_number}".strip()

