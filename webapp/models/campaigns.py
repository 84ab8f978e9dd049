"""Campaigns a council (or the region) runs to promote roles, and their tracked links."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.funnel import CampaignKind, LinkChannel
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.organisations import Organisation
    from webapp.models.vacancies import Vacancy

campaign_vacancies = sa.Table(
    "campaign_vacancies",
    Base.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("vacancy_id", sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Campaign(TimestampMixin, Base):
    """A council's campaign, or (organisation_id None) a regional one across councils."""

    __tablename__ = "campaigns"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[CampaignKind] = mapped_column(enum_column(CampaignKind))
    name: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    budget: Mapped[int | None]  # whole pounds, for cost per application and per hire
    event_on: Mapped[dt.date | None]  # events only: the day of the open day or fair
    event_place: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped["Organisation | None"] = relationship()
    vacancies: Mapped[list["Vacancy"]] = relationship(secondary=campaign_vacancies, order_by="Vacancy.id")
    links: Mapped[list["TrackedLink"]] = relationship(
        back_populates="campaign", order_by="TrackedLink.id", cascade="all, delete-orphan"
    )

    @property
    def is_regional(self) -> bool:
        return self.organisation_id is None

    def is_running_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class TrackedLink(Base):
    """A link to share (in an email, on LinkedIn, on a poster): /c/<code> sends the visitor on to
    the destination on this site and credits the campaign with what they do next."""

    __tablename__ = "tracked_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    channel: Mapped[LinkChannel] = mapped_column(enum_column(LinkChannel), default=LinkChannel.OTHER)
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    destination: Mapped[str] = mapped_column(sa.String(300))  # a path on this site, such as /jobs?q=...
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="links")
