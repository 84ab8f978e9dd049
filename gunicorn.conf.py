"""gunicorn's settings for cswjobs (`gunicorn --config gunicorn.conf.py 'webapp:create_app()'`).

Override any of them with GUNICORN_CMD_ARGS (e.g. "--bind 127.0.0.1:5000 --workers 4"). The app's own settings
are CSWJOBS_* variables (config/); these are only the server's.
"""
import os
import shutil
import tempfile

# Prometheus's multi-process mode: each worker writes its counts to files here and /metrics adds them up.
# Set before any worker imports prometheus_client (gunicorn reads this file first); emptied at each start so
# counts from a previous run, or from workers long gone, are never served.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="cswjobs-metrics-"))

bind = ["0.0.0.0:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# One request at a time in each process (gunicorn's own default worker). The pages are short and spend their
# time in Python: with several threads a process, a thread back from PostgreSQL or Elasticsearch waits for the
# GIL behind the others (up to 5 ms each time, a few times a page), and gthread's processes accept connections
# whether or not they are free. On 2 processes, 20 clients (docs/benchmarks.md, issue 15, stop 22) the sync
# worker served the job page at 513-637 requests a second, p95 39-48 ms, where 2 x 4 threads served 312-424,
# p95 89-165 ms; the search page 621-665 (p95 36-38 ms) against 357-477 (p95 134-294 ms). A waiting request
# queues in the kernel for the first free process, in order. What this asks of a deployment: a proxy in front
# that buffers slow clients (docs/operations.md), and more processes, not threads, for more capacity
# (WEB_CONCURRENCY: about twice the cores, more when PostgreSQL is far away). To go back to threads:
# GUNICORN_CMD_ARGS="--worker-class gthread --threads 4".
worker_class = "sync"
timeout = 60  # a request still running after this long is stopped, its process replaced
graceful_timeout = 20  # on SIGTERM, requests in flight get this long to finish
# No keep-alive (the sync worker has none; this holds gthread to the same if it is chosen): each request is
# accepted afresh by whichever process is free. A kept-alive connection stays with the process that accepted
# it: under 20 busy connections (make bench-web) one gthread process held most of them and ran at one core
# while the other idled, and the slowest requests waited 1.5 s (stop 21). A client told `Connection: close`
# does not reuse the connection, so none is closed under a request on its way (the RemoteDisconnected that
# gunicorn's silent 5 s keep-alive timeout caused in make bench-load).
keepalive = 0
# The app writes the access log itself (webapp/web/logging.py): JSON, with the request id, and without
# query strings, addresses or tokens, which gunicorn's own access log would hold.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                            "rename_fields": {"levelname": "level", "asctime": "time"}}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
    "root": {"level": "INFO", "handlers": []},  # the app adds its own (webapp/web/logging.py)
}


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess  # imported late: after PROMETHEUS_MULTIPROC_DIR is set above

    multiprocess.mark_process_dead(worker.pid)
