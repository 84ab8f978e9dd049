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
threads = 4
worker_class = "gthread"
timeout = 60
graceful_timeout = 20  # on SIGTERM, requests in flight get this long to finish
# No keep-alive: every response says `Connection: close`, so each request is accepted afresh by whichever
# process is free. A kept-alive connection stays with the process that accepted it, and the processes race
# to accept: under 20 busy connections (make bench-web) one process held most of them, ran at one core (its
# GIL) while the other idled, and the slowest requests waited 1.5 s. Closed each time, the two shared the
# work evenly: the job page's requests a second rose by about a tenth to a third, its p95 fell by a fifth
# and its slowest request from 1.5 s to 0.3 s (docs/benchmarks.md, issue 15). The web processes sit behind
# a load balancer on a private network, where a new connection costs a fraction of a millisecond. A client
# told `Connection: close` does not reuse the connection, so none is closed under a request on its way
# (the RemoteDisconnected that gunicorn's silent 5 s keep-alive timeout caused in make bench-load).
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
