"""Workforce stability: quarterly snapshots per council, the agency register, conversions, glidepaths.

The formulas over these figures live in domain/workforce.py; these rows only hold what councils report.
FTE figures are NUMERIC(8, 2): exact on PostgreSQL, and read back as Decimal on SQLite too.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import RoleLevel
from domain.workforce import ConversionSource, LeavingReason, Quarter
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.organisations import Organisation

FTE = sa.Numeric(8, 2)
MONEY = sa.Numeric(10, 2)


class WorkforceSnapshot(TimestampMixin, Base):
    """One council's social work workforce in one financial quarter, as at the quarter's last day."""

    __tablename__ = "workforce_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "quarter_start", name="uq_workforce_snapshots_organisation_quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    quarter_start: Mapped[dt.date] = mapped_column(index=True)  # first day of the financial quarter
    establishment_fte: Mapped[Decimal] = mapped_column(FTE)
    permanent_fte: Mapped[Decimal] = mapped_column(FTE)
    agency_fte: Mapped[Decimal] = mapped_column(FTE)  # all agency cover, bank staff and project teams included
    agency_bank_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))  # of which bank staff
    agency_project_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))  # of which project teams
    vacancies_fte: Mapped[Decimal] = mapped_column(FTE)
    starters_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))
    leavers_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))
    caseholding_posts_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))
    caseholding_permanent_fte: Mapped[Decimal] = mapped_column(FTE, default=Decimal("0"))
    asye_starters: Mapped[int] = mapped_column(default=0)
    asye_cohort_year_ago: Mapped[int] = mapped_column(default=0)
    asye_retained: Mapped[int] = mapped_column(default=0)
    permanent_headcount: Mapped[int | None]
    agency_headcount: Mapped[int | None]
    cases_held: Mapped[int | None]  # children's cases held by case-holding social workers at quarter end
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped["Organisation"] = relationship()
    leaver_reasons: Mapped[list["WorkforceLeaverReason"]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="WorkforceLeaverReason.id"
    )

    @property
    def quarter(self) -> Quarter:
        return Quarter.containing(self.quarter_start)


class WorkforceLeaverReason(Base):
    """Permanent leavers in a snapshot's quarter, FTE by why they left."""

    __tablename__ = "workforce_leaver_reasons"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "reason", name="uq_workforce_leaver_reasons_snapshot_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("workforce_snapshots.id", ondelete="CASCADE"), index=True)
    reason: Mapped[LeavingReason] = mapped_column(enum_column(LeavingReason))
    fte: Mapped[Decimal] = mapped_column(FTE)

    snapshot: Mapped[WorkforceSnapshot] = relationship(back_populates="leaver_reasons")


class WorkforceLeaver(Base):
    """A social worker who left a permanent post in the region: only a keyed hash of their Social Work
    England number and the day they left, kept for the cooling-off check and nothing else."""

    __tablename__ = "workforce_leavers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    worker_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    left_on: Mapped[dt.date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AgencyPlacement(TimestampMixin, Base):
    """An agency worker placed with a council: the register the agency rate and spend come from."""

    __tablename__ = "agency_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role_level: Mapped[RoleLevel] = mapped_column(enum_column(RoleLevel))
    team: Mapped[str] = mapped_column(sa.String(120), default="")
    agency_name: Mapped[str] = mapped_column(sa.String(120), default="")
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]  # planned or actual last day; None while open-ended
    day_rate: Mapped[Decimal] = mapped_column(MONEY)
    fte: Mapped[Decimal] = mapped_column(sa.Numeric(3, 2), default=Decimal("1.00"))
    worker_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # Set when the placement was recorded inside a cooling-off period: the day that period ends.
    cooling_off_until: Mapped[dt.date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    conversion: Mapped["AgencyConversion | None"] = relationship(back_populates="placement", uselist=False)


class AgencyConversion(Base):
    """An agency worker who took a permanent post with the council."""

    __tablename__ = "agency_conversions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_placements.id", ondelete="CASCADE"), unique=True)
    converted_on: Mapped[dt.date] = mapped_column(index=True)
    source: Mapped[ConversionSource] = mapped_column(enum_column(ConversionSource))
    # The campaign behind it, when the campaigns feature records one. A plain id, no foreign key, so
    # this table does not depend on the campaigns migration.
    campaign_id: Mapped[int | None]
    permanent_salary: Mapped[int]  # pounds a year, full time
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    placement: Mapped[AgencyPlacement] = relationship(back_populates="conversion")


class GlidepathTarget(TimestampMixin, Base):
    """A council's target for a quarter on its path from agency to permanent staffing."""

    __tablename__ = "glidepath_targets"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "quarter_start", name="uq_glidepath_targets_organisation_quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    quarter_start: Mapped[dt.date]
    permanent_fte_target: Mapped[Decimal] = mapped_column(FTE)
    agency_fte_target: Mapped[Decimal] = mapped_column(FTE)

    @property
    def quarter(self) -> Quarter:
        return Quarter.containing(self.quarter_start)


class RegionWorkforceSettings(Base):
    """What the region's councils agreed: the cooling-off period, agency day-rate caps, on-costs.

    One row (id 1) per deployment, which serves one region. Kept in the database rather than config
    because the programme lead changes it when the councils' agreement changes, and changes are audited.
    """

    __tablename__ = "region_workforce_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooling_off_months: Mapped[int] = mapped_column(default=6)
    # Agreed maximum agency day rate by role level: {RoleLevel value: pounds}.
    day_rate_caps: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Employer's National Insurance and pension on top of salary, as a share of salary.
    on_cost_rate: Mapped[Decimal] = mapped_column(sa.Numeric(4, 3), default=Decimal("0.280"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
