"""The embedded default's scheduler: the same SCHEDULES as RQ cron, run by one thread of the web process.

`make run` has no Redis, so there is no `rq cron`; without this, job alerts, funnel rollups, the
monthly bulletin and closing expired vacancies would never happen on the embedded default. One
daemon thread reads workers.schedules.SCHEDULES (the single list of periodic work) and calls
each task in-process when it is due, in the web app's context. Tasks are idempotent (they are
written for RQ's retries), so a restart that runs one early does no harm. Cron times are UTC,
as for RQ cron. The thread first loads the sentence-transformers model, so the first page that
saves a vacancy or profile does not wait for it.

Only `make run` starts it, by serving `create_app_with_scheduler` below: tests, `flask` commands
and the full stack (which has RQ cron) build the plain app and never start it. Written here because RQ's own scheduler needs
Redis and nothing on PyPI runs cron-style entries in-process with croniter's rules without one.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any, Callable

from croniter import croniter
from flask import Flask

from matching.encoder import get_encoder
from webapp import create_app
from workers.schedules import SCHEDULES

log = logging.getLogger(__name__)


def next_run(entry: dict[str, Any], after: float) -> float:
    """When an entry is next due after this moment (seconds since the epoch)."""
    if "interval" in entry:
        return after + float(entry["interval"])
    return croniter(entry["cron"], dt.datetime.fromtimestamp(after, dt.UTC)).get_next(float)


class EmbeddedScheduler:
    def __init__(self, app: Flask, entries: list[dict[str, Any]], clock: Callable[[], float] = time.time,
                 warm_up: Callable[[], Any] | None = None):
        self.app = app
        self.entries = entries
        self.clock = clock
        self.warm_up = warm_up
        now = clock()
        # Interval work (the outbox sweep, rollups) runs soon after start, as under RQ cron.
        self.due = {e["name"]: now if "interval" in e else next_run(e, now) for e in entries}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[str]:
        """Run every entry that is due now; one failing never stops the others or the thread."""
        ran = []
        for entry in self.entries:
            now = self.clock()
            if self.due[entry["name"]] > now:
                continue
            started = time.perf_counter()
            try:
                with self.app.app_context():
                    entry["func"](*entry.get("args", ()), **entry.get("kwargs", {}))
                outcome = "ok"
            except Exception:  # noqa: BLE001 - logged with its traceback; the next run tries again
                log.exception("scheduled %s failed; it runs again when next due", entry["name"])
                outcome = "failed"
            log.info("scheduled %s: %s in %.1f s", entry["name"], outcome, time.perf_counter() - started)
            self.due[entry["name"]] = next_run(entry, max(now, self.clock()))
            ran.append(entry["name"])
        return ran

    def _loop(self) -> None:
        if self.warm_up is not None:
            try:
                self.warm_up()
            except Exception:  # noqa: BLE001 - the first task that needs it will say what is wrong
                log.exception("warming up the matching model failed")
        while not self._stop.is_set():
            self.run_due()
            wait = max(0.0, min(self.due.values()) - self.clock())
            self._stop.wait(min(wait, 60.0))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="cswjobs-scheduler", daemon=True)
        self._thread.start()
        log.info("embedded scheduler: %d periodic tasks run in this process", len(self.entries))

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_embedded_scheduler(app: Flask) -> EmbeddedScheduler:
    scheduler = EmbeddedScheduler(app, SCHEDULES, warm_up=lambda: get_encoder().model)
    scheduler.start()
    return scheduler


def create_app_with_scheduler(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """`make run`'s app (`flask --app workers.embedded_scheduler:create_app_with_scheduler run`): the web
    app, plus the periodic work in a thread of its process when tasks run in-process."""
    app = create_app(config_name, overrides)
    if app.config["TASKS_MODE"] == "inline":  # with RQ, `rq cron` runs the schedule instead
        app.extensions["cswjobs_scheduler"] = start_embedded_scheduler(app)
    return app
