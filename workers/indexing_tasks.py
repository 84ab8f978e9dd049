"""Announcing published and closed job pages to a search engine's indexing API, in batches."""
from __future__ import annotations

from typing import Any

from webapp.services.indexing_notifier import send_pending
from workers.tasks import in_app_context


@in_app_context
def send_indexing_notices() -> dict[str, Any]:
    """Send the notices that are due (nothing when INDEXING_NOTIFIER_URL is unset); failures wait their backoff."""
    report = send_pending()
    return {"sent": report.sent, "failed": report.failed, "batches": report.batches}
