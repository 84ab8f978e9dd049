"""Prometheus metrics: requests and their latency by route, counted in every gunicorn worker (prometheus-client's
multi-process mode, PROMETHEUS_MULTIPROC_DIR set by gunicorn.conf.py), and the background work's backlog
(queue depths, outbox and index lag) read from the database and Redis when /metrics is scraped."""
from __future__ import annotations

import hmac
import os

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from webapp.services.backlog import backlog
from webapp.web.logging import elapsed_seconds, route

# Not in prometheus-client's global registry: each scrape builds its own (below), so the same objects serve
# one process (embedded, tests) and many (gunicorn), where the values come from the shared folder instead.
REQUESTS = Counter("cswjobs_http_requests", "Requests answered, by method, route and status.",
                   ("method", "route", "status"), registry=None)
LATENCY = Histogram("cswjobs_http_request_duration_seconds", "Time to answer a request, by method and route.",
                    ("method", "route"), registry=None,
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
# /metrics itself is not counted: a scrape every 15 s would be most of a quiet site's traffic.
NOT_COUNTED = frozenset({"/metrics"})


class BacklogCollector:
    """Gauges read at scrape time (one process answers the scrape, so they need no multi-process files)."""

    def collect(self):
        figures = backlog()
        queued = GaugeMetricFamily("cswjobs_queue_jobs", "Jobs waiting on each RQ queue.", labels=["queue"])
        failed = GaugeMetricFamily("cswjobs_queue_failed_jobs", "Jobs in each RQ queue's failed registry.",
                                   labels=["queue"])
        for name, count in figures.queued.items():
            queued.add_metric([name], count)
            failed.add_metric([name], figures.failed[name])
        pending = GaugeMetricFamily("cswjobs_outbox_pending_messages", "Undelivered outbox messages by topic.",
                                    labels=["topic"])
        for topic, count in sorted(figures.outbox_pending.items()):
            pending.add_metric([topic], count)
        unreachable = GaugeMetricFamily("cswjobs_metrics_source_up", "1 when this scrape could read the source.",
                                        labels=["source"])
        for source in ("database", "redis"):
            unreachable.add_metric([source], 0 if source in figures.unreachable else 1)
        yield queued
        yield failed
        yield pending
        yield GaugeMetricFamily("cswjobs_outbox_lag_seconds", "Age of the oldest undelivered outbox message.",
                                value=figures.outbox_lag_seconds)
        yield GaugeMetricFamily("cswjobs_search_index_lag_seconds",
                                "Age of the oldest change the search index has not yet heard about.",
                                value=figures.index_lag_seconds)
        yield unreachable


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(REQUESTS)
        scrape.register(LATENCY)
    scrape.register(BacklogCollector())
    return scrape


def scrape() -> bytes:
    return generate_latest(registry())


def allowed() -> bool | None:
    """True if this request may read /metrics; None when metrics are switched off (production with no token)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return None if current_app.config["CONFIG_NAME"] == "production" else True
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(offered.encode(), token.encode())


def init_app(app: Flask) -> None:
    @app.after_request
    def count_request(response):
        name = route()
        if name not in NOT_COUNTED and g.get("request_started") is not None:
            REQUESTS.labels(request.method, name, str(response.status_code)).inc()
            LATENCY.labels(request.method, name).observe(elapsed_seconds())
        return response
