"""Delivering council webhooks: after each commit that made deliveries, and every minute for retries."""
from __future__ import annotations

from typing import Any

from webapp.extensions import db
from webapp.services.webhooks.delivery import deliver_due, purge_log
from workers.tasks import in_app_context


@in_app_context
def deliver_webhooks(delivery_ids: list[int] | None = None) -> dict[str, Any]:
    """Send these webhook deliveries, or every one that is due; a failed attempt is recorded and retried on
    its own schedule (webapp.services.webhooks.delivery.RETRY_DELAYS), so this task itself rarely fails."""
    report = deliver_due(delivery_ids)
    return {"delivered": report.delivered, "failed": report.failed, "skipped": report.skipped,
            "deferred": report.deferred}


@in_app_context
def purge_webhook_log() -> int:
    """Forget finished webhook events (and their deliveries) older than the delivery log keeps them."""
    purged = purge_log()
    db.session.commit()
    return purged
