"""Task functions that RQ workers (or the in-process dispatcher) run.

Each is idempotent and safe to retry. Each runs inside a Flask app context: the one it was
called in, or, under a plain `rq worker`, an app built once per process.
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable

from flask import Flask, has_app_context

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def worker_app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from webapp import create_app

        _worker_app = create_app()
    return _worker_app


def in_app_context(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        with worker_app().app_context():
            return func(*args, **kwargs)

    return wrapper


class RelayIncomplete(Exception):
    """Some outbox messages could not be delivered; they stay pending with a backoff."""


@in_app_context
def relay_outbox(max_batches: int = 100) -> dict[str, int]:
    """Deliver pending outbox messages; raise (so RQ retries and records why) if any failed."""
    from workers.relay import relay_pending

    report = relay_pending(max_batches=max_batches)
    if report.failed:
        raise RelayIncomplete(f"{report.failed} message(s) not delivered: {'; '.join(sorted(set(report.errors)))[:400]}")
    return {"delivered": report.delivered}
