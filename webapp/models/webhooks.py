"""Webhooks for councils (endpoints, the events they hear, each delivery and its attempts) and the
notices that tell search engines a job page was published or closed."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import LabelledEnum
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow


class WebhookEventType(LabelledEnum):
    """What a council can be told about; the value is the `type` in the payload and a header."""

    APPLICATION_SUBMITTED = ("application.submitted", "An application is submitted")
    APPLICATION_WITHDRAWN = ("application.withdrawn", "An application is withdrawn")
    VACANCY_CLOSED = ("vacancy.closed", "A vacancy closes")
    # Sent only by the "send test event" button, to one endpoint; never subscribed to.
    TEST = ("webhook.test", "Test event")

    @classmethod
    def subscribable(cls) -> list["WebhookEventType"]:
        return [t for t in cls if t is not cls.TEST]


class DeliveryStatus(LabelledEnum):
    PENDING = ("pending", "Pending")  # waiting for its first attempt or a retry
    DELIVERED = ("delivered", "Delivered")  # the endpoint answered 2xx
    FAILED = ("failed", "Failed")  # every retry used up: no more attempts


class WebhookEndpoint(TimestampMixin, Base):
    """An HTTPS address a council registered to hear events.

    The signing secret is never stored: it is derived from the app's signing key and a random
    salt (webapp.services.webhooks.signing), so a copy of the database alone cannot forge events.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    event_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # WebhookEventType values
    secret_salt: Mapped[str] = mapped_column(sa.String(64))
    secret_hint: Mapped[str] = mapped_column(sa.String(8))  # the secret's last characters, to tell secrets apart
    # After a rotation the old secret also signs for a day, so the receiver can switch without losing events.
    previous_secret_salt: Mapped[str | None] = mapped_column(sa.String(64))
    previous_secret_expires_at: Mapped[dt.datetime | None]
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[dt.datetime | None]
    disabled_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_success_at: Mapped[dt.datetime | None]
    failing_since: Mapped[dt.datetime | None]  # the first failure since the last success
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    def hears(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])


class WebhookEvent(Base):
    """Something a council's systems may want to hear, recorded in the same transaction as the change.

    ``public_id`` (evt_...) is what receivers de-duplicate on; ``payload`` is the event's `data`,
    frozen when it happened so every retry sends the same body. A test event names its one endpoint.
    """

    __tablename__ = "webhook_events"
    __table_args__ = (sa.Index("ix_webhook_events_organisation_time", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    event_type: Mapped[WebhookEventType] = mapped_column(enum_column(WebhookEventType))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    endpoint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event on its way to one endpoint: the delivery log's row, retried with backoff until it lands."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_deliveries_event_endpoint"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint_time", "endpoint_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    response_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    event: Mapped[WebhookEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship()
    attempt_log: Mapped[list["WebhookAttempt"]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="WebhookAttempt.id"
    )


class WebhookAttempt(Base):
    """One HTTP request of a delivery: when, the answer's status (or why there was none), how long."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    response_status: Mapped[int | None]
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")


class IndexingNotice(Base):
    """One notice for a search engine's indexing API: this job page is new (URL_UPDATED) or gone (URL_DELETED).

    The last notice for a vacancy is what the engine was last told, so a change is noticed once."""

    __tablename__ = "indexing_notices"
    __table_args__ = (
        sa.Index("ix_indexing_notices_pending", "sent_at", "next_attempt_at"),
        sa.Index("ix_indexing_notices_vacancy", "vacancy_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(sa.String(500))
    notice_type: Mapped[str] = mapped_column(sa.String(20))  # URL_UPDATED or URL_DELETED
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
