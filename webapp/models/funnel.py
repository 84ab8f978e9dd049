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
        # Cover the dashboard's sums over a period (by step, council, sub-region, role, area, campaign) and a
        # campaign's results to date, so they are read from the index alone.
        sa.Index("ix_funnel_daily_day_cover", "day", "kind", "organisation_id", "sub_region", "role_level",
                 "service_area", "campaign_id", "people"),
        sa.Index("ix_funnel_daily_campaign_cover", "campaign_id", "kind", "organisation_id", "people"),
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


class FunnelVisitorSpan(Base):
    """Each visitor once per day per value of one dimension (`grouping`: "all", or a column of
    funnel_visitor_days), with the last day before that the visitor was seen with the same value.

    Distinct visitors over days s..e are then the rows in s..e whose `prev_day` is empty or before s:
    each visitor's first day in the period, and nothing else. So a year's unique visitors (region-wide,
    or by council, sub-region, role level, service area or campaign) are an index range count, exact,
    instead of a DISTINCT over a year of visitor-days. Kept by services.rollups with the day's rows."""

    __tablename__ = "funnel_visitor_spans"
    __table_args__ = (
        sa.Index("ix_funnel_visitor_spans_count", "grouping", "day", "prev_day", "group_value"),  # covers counting
        sa.Index("ix_funnel_visitor_spans_visitor", "grouping", "group_value", "visitor_key", "day"),
        sa.Index("ix_funnel_visitor_spans_group", "grouping", "group_value", "day", "prev_day"),  # by council etc.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grouping: Mapped[str] = mapped_column(sa.String(20))
    group_value: Mapped[str] = mapped_column(sa.String(40))  # "" for none (no council, no campaign...)
    visitor_key: Mapped[str] = mapped_column(sa.String(80))
    day: Mapped[dt.date]
    prev_day: Mapped[dt.date | None]


class FunnelVisitorSpanCount(Base):
    """funnel_visitor_spans counted by (grouping, group_value, day, prev_day): the same exact counts, with
    one row for all the visitors who share a day and a previous day instead of one row each, so a year's
    distinct visitors by council (or any dimension) sum a few thousand rows, not every visitor's day.
    Kept by services.rollups beside the spans they count (migration 0021)."""

    __tablename__ = "funnel_visitor_span_counts"
    __table_args__ = (
        sa.Index("ix_funnel_visitor_span_counts_day", "grouping", "day", "prev_day", "group_value", "visitors"),
        sa.Index("ix_funnel_visitor_span_counts_group", "grouping", "group_value", "day", "prev_day", "visitors"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grouping: Mapped[str] = mapped_column(sa.String(20))
    group_value: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[dt.date]
    prev_day: Mapped[dt.date | None]
    visitors: Mapped[int]


class FunnelRollupMark(Base):
    """One row: a token the rollup replaces whenever it has rebuilt any day. The dashboard keeps figures
    read from the rollups between two rollups under this token (services.insights), so a new rollup,
    and nothing else, makes them be read again."""

    __tablename__ = "funnel_rollup_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
    finished_at: Mapped[dt.datetime]
