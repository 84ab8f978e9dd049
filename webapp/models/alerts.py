"""Saved searches and job alerts: what a social worker asked to hear about, and what they were sent."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import AlertFrequency
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.users import User


class SavedSearch(TimestampMixin, Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The normalised /jobs query string (no page, no sort): the one form a search is kept in,
    # re-read through the same search form the /jobs page uses whenever it is run.
    query: Mapped[str] = mapped_column(sa.String(2000))
    frequency: Mapped[AlertFrequency] = mapped_column(enum_column(AlertFrequency), default=AlertFrequency.DAILY)
    alerts_on: Mapped[bool] = mapped_column(default=True)
    # When the alert last looked for new jobs, and when it last found some and mailed them.
    last_checked_at: Mapped[dt.datetime | None]
    last_sent_at: Mapped[dt.datetime | None]
    # The private feed link's key: random, not itself the secret (the link carries an HMAC of it
    # under the app's secret key), so nothing that opens the feed is stored. None: no feed link.
    feed_key: Mapped[str | None] = mapped_column(sa.String(32))

    user: Mapped["User"] = relationship()

    def __repr__(self) -> str:
        return f"<SavedSearch {self.id} {self.frequency.value}>"


class SentAlert(Base):
    """One vacancy mailed for one saved search. The unique pair is the claim that makes sure a
    vacancy is never mailed twice for a search, however often (or concurrently) alerts run."""

    __tablename__ = "sent_alerts"
    __table_args__ = (sa.UniqueConstraint("saved_search_id", "vacancy_id", name="uq_sent_alerts_search_vacancy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(sa.ForeignKey("saved_searches.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertFeedback(Base):
    """A social worker's answer to "was this relevant?" under one job in an alert email.

    Kept apart from the sent alert it answers (which goes when its search or its owner does), so
    the programme team's figures hold nothing about a person: a job, the alert's frequency, yes or no."""

    __tablename__ = "alert_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    sent_alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sent_alerts.id", ondelete="SET NULL"),
                                                      unique=True)
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="SET NULL"), index=True)
    frequency: Mapped[AlertFrequency] = mapped_column(enum_column(AlertFrequency))
    relevant: Mapped[bool]
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
