"""Daily rollups of the funnel, rebuilt from the raw funnel_events by the analytics worker.

Both tables can be thrown away and recomputed for any range of days (`flask insights rollup`).
They carry the dimensions the dashboard filters on (copied from the vacancy and council at rollup
time), so the dashboard reads them without joins.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base


class FunnelDaily(Base):
    """Counts of one funnel step on one day for one vacancy (or council) and campaign.

    `events` is every raw event; `people` counts each visitor (or person) once per day per
    vacancy, so a refreshed page or a double click is not counted twice."""

    __tablename__ = "funnel_daily"
    __table_args__ = (
        sa.Index("ix_funnel_daily_day_kind", "day", "kind"),
        sa.Index("ix_funnel_daily_org_day", "organisation_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(sa.String(40))
    organisation_id: Mapped[int | None]
    sub_region: Mapped[str | None] = mapped_column(sa.String(40))
    vacancy_id: Mapped[int | None]
    role_level: Mapped[str | None] = mapped_column(sa.String(40))
    service_area: Mapped[str | None] = mapped_column(sa.String(40))
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    tracked_link_id: Mapped[int | None]
    events: Mapped[int]
    people: Mapped[int]


class FunnelVisitorDay(Base):
    """Each visitor once per day per council, vacancy kind and campaign they touched: counting
    distinct visitor keys over any period (and any filter) gives unique visitors for it."""

    __tablename__ = "funnel_visitor_days"
    __table_args__ = (
        sa.Index("ix_funnel_visitor_days_day", "day", "visitor_key"),  # covers counting a period's visitors
        sa.Index("ix_funnel_visitor_days_org_day", "organisation_id", "day"),
        sa.Index("ix_funnel_visitor_days_campaign", "campaign_id", "visitor_key"),  # campaign results to date
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date]
    visitor_key: Mapped[str] = mapped_column(sa.String(80))
    organisation_id: Mapped[int | None]
    sub_region: Mapped[str | None] = mapped_column(sa.String(40))
    role_level: Mapped[str | None] = mapped_column(sa.String(40))
    service_area: Mapped[str | None] = mapped_column(sa.String(40))
    campaign_id: Mapped[int | None]
