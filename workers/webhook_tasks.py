"""Delivering council webhooks: after each commit that made deliveries, and every minute for retries."""
from __future__ import annotations

from typing import Any

from webapp.services.webhooks.delivery import deliver_due
from workers.tasks import in_app_context


@in_app_context
def deliver_webhooks() -> dict[str, Any]:
    """Send every webhook delivery that is due; a failed attempt is recorded and retried on its own
    schedule (webapp.services.webhooks.delivery.RETRY_DELAYS), so this task itself rarely fails."""
    report = deliver_due()
    return {"delivered": report.delivered, "failed": report.failed, "skipped": report.skipped}
