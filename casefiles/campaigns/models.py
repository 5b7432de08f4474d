"""Campaigns, their supporter-count snapshots, and their links to cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casefiles.cases.models import Case
from casefiles.dates import PartialDate
from casefiles.db import Base, TimestampMixin, Versioned
from casefiles.enums import LABELS, LabelledEnum, Outcome
from casefiles.organizations.models import Organization, campaign_partners


class CampaignKind(LabelledEnum):
    PETITION = "petition"
    EMAIL = "email"
    SIGN_ON_LETTER = "sign_on_letter"
    EVENT = "event"
    DEFENCE_FUND = "defence_fund"
    MEDIA = "media"


class CampaignStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Channel(LabelledEnum):
    ONLINE = "online"
    PAPER = "paper"


LABELS.update(
    {
        CampaignKind.PETITION: _l("Petition"),
        CampaignKind.EMAIL: _l("Email to decision-makers"),
        CampaignKind.SIGN_ON_LETTER: _l("Sign-on letter"),
        CampaignKind.EVENT: _l("Event or rally"),
        CampaignKind.DEFENCE_FUND: _l("Legal defence fund"),
        CampaignKind.MEDIA: _l("Media campaign"),
        CampaignStatus.PLANNED: _l("Planned"),
        CampaignStatus.IN_PROGRESS: _l("In progress"),
        CampaignStatus.COMPLETED: _l("Completed"),
        CampaignStatus.CANCELLED: _l("Cancelled"),
        # Translators: supporters who signed online (as opposed to on paper)
        Channel.ONLINE: _l("Online"),
        # Translators: supporters who signed a paper petition
        Channel.PAPER: _l("Paper"),
    }
)

case_campaigns = Table(
    "case_campaigns",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Campaign(TimestampMixin, Base):
    """A campaign, in English and French, with its asks, targets, dates and supporter counts."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    title_en: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    title_fr: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    call_to_action_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    call_to_action_fr: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default=CampaignKind.PETITION.value)
    targets: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    asks: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    targets_fr: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    asks_fr: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    start_date: Mapped[date | None] = mapped_column(Date)
    start_date_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[date | None] = mapped_column(Date)
    end_date_precision: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=CampaignStatus.PLANNED.value)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default=Outcome.ONGOING.value)
    external_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    goal: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    snapshots: Mapped[list[SupporterSnapshot]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="SupporterSnapshot.date, SupporterSnapshot.id",
    )
    cases: Mapped[list[Case]] = relationship(secondary=case_campaigns, order_by="Case.id")
    partners: Mapped[list[Organization]] = relationship(secondary=campaign_partners, order_by="Organization.name")

    @property
    def title(self) -> str:
        """The title in the reader's language, falling back to the other one."""
        return self._localised("title")

    @property
    def description(self) -> str:
        return self._localised("description")

    @property
    def call_to_action(self) -> str:
        return self._localised("call_to_action")

    def _localised(self, field: str) -> str:
        first, second = ("fr", "en") if str(get_locale() or "en") == "fr" else ("en", "fr")
        return getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}") or ""

    @property
    def kind_enum(self) -> CampaignKind:
        return CampaignKind.coerce(self.kind) or CampaignKind.PETITION

    @property
    def status_enum(self) -> CampaignStatus:
        return CampaignStatus.coerce(self.status) or CampaignStatus.PLANNED

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome.coerce(self.outcome) or Outcome.ONGOING

    @property
    def start(self) -> PartialDate | None:
        return PartialDate.from_columns(self.start_date, self.start_date_precision)

    @property
    def end(self) -> PartialDate | None:
        return PartialDate.from_columns(self.end_date, self.end_date_precision)

    def __repr__(self) -> str:
        return f"<Campaign {self.id}>"


class SupporterSnapshot(Versioned, TimestampMixin, Base):
    """A supporter count as it stood on a date, from one source (a petition site, a paper drive...)."""

    __tablename__ = "supporter_snapshots"
    __table_args__ = (Index("ix_supporter_snapshots_campaign_date", "campaign_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default=Channel.ONLINE.value)

    campaign: Mapped[Campaign] = relationship(back_populates="snapshots")

    @property
    def channel_enum(self) -> Channel:
        return Channel.coerce(self.channel) or Channel.ONLINE

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "count": self.count, "source": self.source, "channel": self.channel}
