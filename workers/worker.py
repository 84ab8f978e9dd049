"""`rq worker -w workers.worker.AppWorker ...`: builds the app once, and never shares a database
connection across the fork that runs each job (CKAN's Worker.execute_job habit)."""
from __future__ import annotations

from rq import Worker

from webapp.extensions import db
from webapp.web.logging import request_id_of
from workers.tasks import worker_app


class AppWorker(Worker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = worker_app()

    def execute_job(self, job, queue):
        with self.app.app_context():
            db.engine.dispose()  # the forked work horse opens its own connections
        return super().execute_job(job, queue)

    def perform_job(self, job, queue):
        with self.app.app_context(), request_id_of(job.meta.get("request_id")):
            return super().perform_job(job, queue)
