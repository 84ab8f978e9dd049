"""For load balancers, orchestrators and Prometheus: `/healthz` (the process is alive: it answers
without touching the database, so an outage of PostgreSQL makes instances unready, never killed and
restarted all at once), `/readyz` (every dependency reachable, migrations at head, the outbox keeping up) and
`/metrics`. Never rate-limited: a probe refused would take the instance out of service."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from prometheus_client import CONTENT_TYPE_LATEST

from webapp.extensions import limiter
from webapp.services import readiness
from webapp.web import metrics

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz():
    result = readiness.check()
    return jsonify(result.as_dict()), 200 if result.ready else 503


@bp.get("/metrics")
@limiter.exempt
def prometheus_metrics():
    allowed = metrics.allowed()
    if allowed is None:
        abort(404)  # production without CSWJOBS_METRICS_TOKEN: metrics are off, and nothing says they exist
    if not allowed:
        return "A bearer token is needed to read the metrics.\n", 401, {
            "WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"}
    return metrics.scrape(), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
