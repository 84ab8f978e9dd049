"""Task functions that RQ workers (or the in-process dispatcher) run, and the app they run in.

Each is idempotent and safe to retry. Each runs inside a Flask app context: the one it was
called in, or, under a plain `rq worker`, an app built once per process.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any, Callable

from flask import Flask, has_app_context

from webapp import create_app
from webapp.outbox.relay import relay_pending
from webapp.services import bulletins, council_api, vacancies

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def worker_app() -> Flask:
    global _worker_app
    if _worker_app is None:
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
    report = relay_pending(max_batches=max_batches)
    if report.failed:
        raise RelayIncomplete(f"{report.failed} message(s) not delivered: {'; '.join(sorted(set(report.errors)))[:400]}")
    return {"delivered": report.delivered}


@in_app_context
def close_expired_vacancies(today: dt.date | None = None) -> int:
    """Close live vacancies past their closing date (webapp.services.vacancies); idempotent."""
    return vacancies.close_expired_vacancies(today)


@in_app_context
def forget_old_idempotent_answers() -> int:
    """Delete the council API's kept Idempotency-Key answers older than a day; idempotent."""
    return council_api.forget_old_answers()


@in_app_context
def build_monthly_bulletin(month: str | None = None, mail: bool = True) -> dict[str, Any]:
    """Build the monthly bulletin (last month unless ``month`` is "YYYY-MM") for the region and every
    council, then email subscribers. Safe to retry: building replaces the month's bulletins in
    place, and a bulletin already mailed is not mailed again."""
    day = bulletins.parse_month(month) if month else bulletins.previous_month(dt.date.today())
    report = bulletins.build_bulletins(day)
    mailed = bulletins.mail_bulletins(day) if mail else 0
    return {"month": f"{day:%Y-%m}", "bulletins": report.bulletins, "mailed": mailed}
