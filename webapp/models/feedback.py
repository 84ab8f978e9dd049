"""What people tell us about the service through the feedback form linked from the phase banner."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class Feedback(Base):
    """One message sent through the feedback form. Anonymous by design: no account, address or
    visitor id is stored with it, only what the sender chose to write and where they were."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The GOV.UK satisfaction scale ("very_satisfied" ... "very_dissatisfied"), or None if not answered.
    satisfaction: Mapped[str | None] = mapped_column(sa.String(30))
    message: Mapped[str] = mapped_column(sa.Text)
    # The path of the page the sender came from (a path on this site only, never a query string).
    page: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
