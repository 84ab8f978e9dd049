"""Featured job slots: a council pays (in money or in its regional share) to pin a vacancy at the
top of search between two dates."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

if TYPE_CHECKING:
    from webapp.models.vacancies import Vacancy


class FeaturedSlot(Base):
    __tablename__ = "featured_slots"
    __table_args__ = (
        sa.CheckConstraint("starts_on <= ends_on", name="dates_in_order"),
        sa.Index("ix_featured_slots_dates", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    # The campaign that bought the slot, if any (campaigns link themselves to their slots).
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]  # inclusive: featured all day on its last day
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    vacancy: Mapped[Vacancy] = relationship(back_populates="featured_slots")

    def is_live_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on
