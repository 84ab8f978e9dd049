"""The full stack's two background processes, as the Procfile names them:

    python -m workers worker    an RQ worker (workers.worker.AppWorker) on every queue in webapp.dispatch.QUEUES,
                                with RQ's scheduler for retries' backoff
    python -m workers cron      RQ's cron scheduler running workers.schedules

Both read Redis's address from the app's settings (CSWJOBS_REDIS_URL, checked like every setting) and take the
queue list from the one place that names the queues, so a new queue is worked everywhere without editing the
Dockerfile, the compose file or scripts/run-full. Both stop cleanly on SIGTERM (RQ's warm shutdown: the job in
hand finishes first).
"""
from __future__ import annotations

import sys

from redis import Redis
from rq.cron import CronScheduler

from webapp.dispatch import QUEUES
from workers.tasks import worker_app
from workers.worker import AppWorker

USAGE = "usage: python -m workers worker|cron"


def redis_for_workers() -> Redis:
    url = worker_app().config.get("REDIS_URL")
    if not url:
        sys.exit("workers: CSWJOBS_REDIS_URL is not set: the worker and cron need Redis.")
    # No socket timeout here (unlike the web app's): a worker blocks on Redis for minutes waiting for work.
    return Redis.from_url(url)


def run_worker() -> None:
    connection = redis_for_workers()
    AppWorker(list(QUEUES), connection=connection).work(with_scheduler=True)


def run_cron() -> None:
    scheduler = CronScheduler(connection=redis_for_workers(), logging_level="INFO")
    scheduler.load_config_from_file("workers.schedules")
    scheduler.start()


def main(argv: list[str]) -> None:
    commands = {"worker": run_worker, "cron": run_cron}
    if len(argv) != 1 or argv[0] not in commands:
        sys.exit(USAGE)
    commands[argv[0]]()


if __name__ == "__main__":
    main(sys.argv[1:])
