"""Runs a task now, in-process (embedded default), or enqueues it on RQ (full stack).

The one place that knows how work leaves a request, so a view or service never cares
which way the app is running.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask import current_app

log = logging.getLogger(__name__)


def enqueue(func: Callable[..., Any], *args: Any, queue: str = "default", **kwargs: Any) -> None:
    mode = current_app.config["TASKS_MODE"]
    if mode == "inline":
        func(*args, **kwargs)
        return
    raise RuntimeError(f"TASKS_MODE {mode!r} is not available in this build; use 'inline'.")


def outbox_committed() -> None:
    """Nudge the relay after a commit that wrote outbox rows."""
    from workers.relay import relay_pending

    enqueue(relay_pending, queue="indexing")
