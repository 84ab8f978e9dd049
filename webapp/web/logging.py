"""The one logging setup: one JSON object a line (python-json-logger) carrying the request id, and the
access log, which never holds personal data, query strings or tokens.

Every process that builds the app (gunicorn's workers, `rq worker`, `flask` commands) logs through
`configure()`; gunicorn's own lines use the same formatter (gunicorn.conf.py). A request's id comes
from a proxy's X-Request-ID when it looks like one (so a line here joins the proxy's), else is made
here, and is echoed in the response's X-Request-ID so a user's report of an error can be found.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is trusted only if it is short and plain: anything else could forge or flood log lines.
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Parts of a URL that are credentials (a password-reset or unsubscribe link's token): never logged.
SECRET_VIEW_ARGS = frozenset({"token"})
REDACTED = "[redacted]"
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"

access_log = logging.getLogger("cswjobs.access")
# A background job's lines carry the id of the request that queued it (webapp.dispatch puts it in the job's
# meta, workers.worker binds it here), so one id follows a user's action from the page to the worker.
_job_request_id: ContextVar[str | None] = ContextVar("cswjobs_job_request_id", default=None)


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else _job_request_id.get()


@contextmanager
def request_id_of(request_id: str | None) -> Iterator[None]:
    """Log as part of this request (a job queued by it) until the block ends."""
    token = _job_request_id.set(request_id)
    try:
        yield
    finally:
        _job_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or None outside a request and its jobs) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(FIELDS, rename_fields={"levelname": "level", "asctime": "time"})
    return logging.Formatter(TEXT_FORMAT)


def configure(log_format: str = "json", level: str = "INFO") -> None:
    """Send every log record to stderr in this format, once per process (each app built after the first
    in the same process, as in the tests, keeps the first setup)."""
    root = logging.getLogger()
    if any(getattr(h, "cswjobs", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.cswjobs = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # The Elasticsearch client logs every request; webapp.search.elastic already logs each call, timed.
    logging.getLogger("elastic_transport").setLevel(max(logging.WARNING, root.level))


def logged_path() -> str:
    """The request's path with any credential in it replaced; the query string is never logged."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def route() -> str:
    """The matched rule ('/jobs/<int:vacancy_id>'), or 'unmatched': a label with few values, for metrics too."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def elapsed_seconds() -> float:
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def init_app(app: Flask) -> None:
    configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _GOOD_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        request_id = g.get("request_id") or uuid.uuid4().hex  # a request refused before before_request ran
        response.headers[REQUEST_ID_HEADER] = request_id
        path = logged_path()
        # No address, user, query string or body: the access log is for operators, not a record of people.
        access_log.info(
            "%s %s %s", request.method, path, response.status_code,
            extra={"request_id": request_id, "method": request.method, "path": path, "route": route(),
                   "status": response.status_code, "duration_ms": round(elapsed_seconds() * 1000, 1)},
        )
        return response
