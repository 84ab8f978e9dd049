"""Vacancies a council posts, with their practice promise as structured fields."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    VacancyStatus,
    WorkingPattern,
)
from webapp.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from webapp.models.featured import FeaturedSlot
    from webapp.models.organisations import Organisation


class Vacancy(TimestampMixin, Base):
    __tablename__ = "vacancies"
    __table_args__ = (
        sa.CheckConstraint("salary_min <= salary_max", name="salary_range"),
        sa.Index("ix_vacancies_status_closing", "status", "closing_date"),
        # A council's own reference names one vacancy at a time; a removed one frees it for reuse.
        sa.Index("uq_vacancies_external_reference", "organisation_id", "external_reference", unique=True,
                 postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(150))
    slug: Mapped[str] = mapped_column(sa.String(160))
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    role_level: Mapped[RoleLevel] = mapped_column(enum_column(RoleLevel), index=True)
    service_area: Mapped[ServiceArea] = mapped_column(enum_column(ServiceArea), index=True)
    team: Mapped[str] = mapped_column(sa.String(120), default="")
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    # The advert as the council's system sent it, when that was HTML: sanitised (services/advert_html.py).
    # `description` keeps its plain text for search, matching and the form.
    description_html: Mapped[str | None] = mapped_column(sa.Text)
    # The council's own identifier for the vacancy in its recruitment system (the API's upsert key).
    external_reference: Mapped[str | None] = mapped_column(sa.String(100))
    salary_min: Mapped[int]
    salary_max: Mapped[int]
    contract_type: Mapped[ContractType] = mapped_column(enum_column(ContractType), index=True)
    fte: Mapped[Decimal] = mapped_column(sa.Numeric(3, 2), default=Decimal("1.00"))
    working_pattern: Mapped[WorkingPattern] = mapped_column(enum_column(WorkingPattern), index=True)
    location_name: Mapped[str] = mapped_column(sa.String(120), default="")
    # The office the job is based at, when it is not the council's own (None: the council's).
    office_street_address: Mapped[str | None] = mapped_column(sa.String(200))
    office_postcode: Mapped[str | None] = mapped_column(sa.String(10))
    latitude: Mapped[float]
    longitude: Mapped[float]
    closing_date: Mapped[dt.date]
    status: Mapped[VacancyStatus] = mapped_column(enum_column(VacancyStatus), default=VacancyStatus.DRAFT)
    published_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    # Removed through the API (closed, and gone from the council's list): a soft delete.
    deleted_at: Mapped[dt.datetime | None]
    apply_method: Mapped[ApplyMethod] = mapped_column(enum_column(ApplyMethod), default=ApplyMethod.IN_PLATFORM)
    external_apply_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Blind shortlisting: until shortlisted, recruiters see no name, contact details or anything identifying
    # (webapp.services.blind_shortlisting).
    blind_shortlisting: Mapped[bool] = mapped_column(default=False)

    # The practice promise: what the council commits to, as fields a social worker can filter on.
    caseload_max: Mapped[int | None]  # typical maximum number of children held
    supervision_frequency: Mapped[SupervisionFrequency | None] = mapped_column(enum_column(SupervisionFrequency))
    protected_caseload_nqsw: Mapped[bool] = mapped_column(default=False)
    hybrid_pattern: Mapped[HybridPattern | None] = mapped_column(enum_column(HybridPattern))
    market_supplement: Mapped[int | None]  # pounds a year on top of salary
    retention_payment: Mapped[int | None]  # pounds, paid after a qualifying period
    funded_development: Mapped[bool] = mapped_column(default=False)
    development_details: Mapped[str] = mapped_column(sa.String(300), default="")

    organisation: Mapped["Organisation"] = relationship(back_populates="vacancies")
    featured_slots: Mapped[list["FeaturedSlot"]] = relationship(
        back_populates="vacancy", cascade="all, delete-orphan", order_by="FeaturedSlot.starts_on"
    )

    def is_live_on(self, day: dt.date) -> bool:
        """Live means published and not past its closing date: expiry needs no job to run."""
        return self.status == VacancyStatus.LIVE and self.closing_date >= day

    def is_featured_on(self, day: dt.date) -> bool:
        return self.is_live_on(day) and any(slot.is_live_on(day) for slot in self.featured_slots)

    @property
    def office_address(self) -> tuple[str, str]:
        """(street address, postcode) of the office the job is based at: its own, else the council's."""
        if self.office_street_address or self.office_postcode:
            return self.office_street_address or "", self.office_postcode or ""
        return self.organisation.office_street_address, self.organisation.office_postcode

    @property
    def path_segment(self) -> str:
        return f"{self.id}-{self.slug}"

    def __repr__(self) -> str:
        return f"<Vacancy {self.id} {self.slug}>"
