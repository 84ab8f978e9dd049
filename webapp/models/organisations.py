"""Councils (and FLiP providers) that post vacancies, with the offer they make social workers."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import OfstedRating, OrganisationKind, SubRegion
from webapp.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from webapp.models.vacancies import Vacancy


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, index=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind), default=OrganisationKind.COUNCIL)
    sub_region: Mapped[SubRegion] = mapped_column(enum_column(SubRegion), index=True)
    town: Mapped[str] = mapped_column(sa.String(80), default="")
    # The children's services office, as a job advert's address: search engines need the street
    # and postcode (Google's JobPosting guidelines). A vacancy may name a different office.
    office_street_address: Mapped[str] = mapped_column(sa.String(200), default="")
    office_postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    # The council's own logo (an https address on its website); unset, the site draws a plain one.
    logo_url: Mapped[str | None] = mapped_column(sa.String(300))
    latitude: Mapped[float]
    longitude: Mapped[float]
    website: Mapped[str | None] = mapped_column(sa.String(300))
    ofsted_rating: Mapped[OfstedRating | None] = mapped_column(enum_column(OfstedRating))
    ofsted_inspected_on: Mapped[dt.date | None]
    about: Mapped[str] = mapped_column(sa.Text, default="")
    # The offer, as the council states it to social workers.
    offer_pay: Mapped[str] = mapped_column(sa.Text, default="")
    offer_caseload: Mapped[str] = mapped_column(sa.Text, default="")
    offer_supervision: Mapped[str] = mapped_column(sa.Text, default="")
    offer_development: Mapped[str] = mapped_column(sa.Text, default="")
    offer_hybrid: Mapped[str] = mapped_column(sa.Text, default="")

    vacancies: Mapped[list["Vacancy"]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"
