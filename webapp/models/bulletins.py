"""The monthly bulletin, as built (HTML and PDF, for the region and for each council), and who gets it by email."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.organisations import Organisation

REGION_SCOPE = "region"


class Bulletin(Base):
    """One month's bulletin for one audience: the region (organisation_id null) or one council.

    Stored in the database rather than as files: the worker that builds it and the web process
    that serves it need share nothing but the database, and it is backed up with everything else.
    Rebuilding a month updates these rows in place, so links already mailed keep working.
    """

    __tablename__ = "bulletins"
    __table_args__ = (sa.UniqueConstraint("month", "scope", name="uq_bulletins_month_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(index=True)  # the first day of the month it covers
    # "region" or the council's slug: a non-null key, so (month, scope) is unique on every database.
    scope: Mapped[str] = mapped_column(sa.String(120))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    html: Mapped[str] = mapped_column(sa.Text)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    built_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship()


class BulletinSubscription(Base):
    """A member of staff who asked to be emailed the bulletin each month."""

    __tablename__ = "bulletin_subscriptions"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
