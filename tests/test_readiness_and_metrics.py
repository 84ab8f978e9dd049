"""/readyz says which dependency is missing (database, migrations, Redis, search, the outbox's lag) with a 503;
/metrics shows requests, latency, queue depths and the outbox's and index's lag, behind a token in production.
A stopped dependency is an address where nothing listens, never a shared test service stopped."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import VacancyFactory
from tests.production import production_app
from webapp import create_app
from webapp.dispatch import queue
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.search.sync import reindex

NOBODY = "127.0.0.1:1"  # nothing listens on port 1


def readiness(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def samples(client, **headers) -> dict[tuple, float]:
    """Every sample on /metrics as {(name, sorted labels): value}."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def test_ready_when_everything_answers(client):
    status, body = readiness(client)
    assert status == 200 and body["status"] == "ready" and body["failed"] == []
    assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "not used", "search": "ok",
                              "outbox": "ok"}


def test_not_ready_when_the_database_is_unreachable(tmp_path):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://nobody@{NOBODY}/none",
                              "INSTANCE_PATH": str(tmp_path)})
    status, body = readiness(app.test_client())
    assert status == 503 and body["status"] == "unavailable"
    assert body["failed"] == ["database", "migrations", "outbox"] and body["checks"]["database"] == "unreachable"
    assert body["checks"]["search"] == "ok"  # the others are still checked, so the answer says all that is wrong
    assert "nobody" not in str(body)  # no address or error text for a stranger


def test_not_ready_when_the_database_is_not_migrated_to_the_codes_head(tmp_path):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                              "INSTANCE_PATH": str(tmp_path)})
    status, body = readiness(app.test_client())
    assert status == 503 and "migrations" in body["failed"]
    assert body["checks"]["migrations"].startswith("database at no migration, code at ")
    assert body["checks"]["migrations"].endswith("run flask db upgrade")


def test_still_ready_when_a_newer_release_has_migrated_the_database(app, client):
    from webapp.services.readiness import migration_heads

    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'from_the_next_release'"))
    try:
        status, body = readiness(client)
        assert status == 200 and body["checks"]["migrations"] == "ok"
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :head"),
                               {"head": migration_heads()[0]})


def test_not_ready_when_the_database_is_behind_the_code(app, client):
    from webapp.services.readiness import migrations

    head = migrations().get_revision(migrations().get_current_head())
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :before"), {"before": head.down_revision})
    try:
        status, body = readiness(client)
        assert status == 503 and body["failed"] == ["migrations"]
        assert body["checks"]["migrations"] == (f"database at {head.down_revision}, code at {head.revision}: "
                                                "run flask db upgrade")
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head.revision})


def test_not_ready_when_redis_is_unreachable(app, client):
    app.config.update(TASKS_MODE="rq", REDIS_URL=f"redis://{NOBODY}/0")
    status, body = readiness(client)
    assert status == 503 and body["failed"] == ["redis"] and body["checks"]["redis"] == "unreachable"


def test_not_ready_when_elasticsearch_is_unreachable(app, client):
    app.config["SEARCH_URL"] = f"http://{NOBODY}"
    status, body = readiness(client)
    assert status == 503 and body["failed"] == ["search"]


def test_not_ready_when_the_outbox_falls_behind(app, client):
    VacancyFactory()
    db.session.commit()  # relayed in-process; now make it look stuck for ten minutes
    db.session.execute(sa.update(OutboxMessage).values(
        delivered_at=None, created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=10)))
    db.session.commit()
    status, body = readiness(client)
    assert status == 503 and body["failed"] == ["outbox"]
    assert body["checks"]["outbox"].startswith("oldest undelivered change waiting 6")
    app.config["READY_OUTBOX_LAG"] = 3600
    assert readiness(client)[0] == 200


@pytest.mark.backends("postgresql")
def test_ready_on_the_full_stack(app, client, redis_url, elasticsearch_url, es_prefix, clean_redis):
    app.config.update(TASKS_MODE="rq", REDIS_URL=redis_url, SEARCH_URL=elasticsearch_url, SEARCH_INDEX_PREFIX=es_prefix)
    VacancyFactory(title="Fostering social worker")
    db.session.commit()
    reindex()
    status, body = readiness(client)
    assert status == 200 and body["checks"]["redis"] == "ok" and body["checks"]["search"] == "ok"


def test_metrics_count_requests_by_route_and_time_them(client):
    before = samples(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    after = samples(client)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("cswjobs_http_requests_total", method="GET", route="/healthz", status="200") == 3
    assert grew("cswjobs_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert grew("cswjobs_http_request_duration_seconds_count", method="GET", route="/healthz") == 3
    assert not any(dict(labels).get("route") == "/metrics" for _, labels in after)  # scrapes are not counted


def test_metrics_show_the_outbox_backlog_and_lag(app, client):
    VacancyFactory()
    db.session.commit()
    db.session.execute(sa.update(OutboxMessage).values(
        delivered_at=None, created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=90)))
    db.session.commit()
    figures = samples(client)
    assert figures[("cswjobs_outbox_pending_messages", (("topic", "vacancy.changed"),))] >= 1
    assert figures[("cswjobs_outbox_lag_seconds", ())] >= 90
    assert figures[("cswjobs_search_index_lag_seconds", ())] >= 90
    assert figures[("cswjobs_metrics_source_up", (("source", "database"),))] == 1


def test_metrics_show_queue_depths_from_redis(app, client, redis_url, clean_redis):
    app.config.update(TASKS_MODE="rq", REDIS_URL=redis_url)
    queue("indexing", clean_redis).enqueue("workers.tasks.relay_outbox")
    queue("indexing", clean_redis).enqueue("workers.tasks.relay_outbox")
    figures = samples(client)
    assert figures[("cswjobs_queue_jobs", (("queue", "indexing"),))] == 2
    assert figures[("cswjobs_queue_jobs", (("queue", "alerts"),))] == 0
    assert figures[("cswjobs_queue_failed_jobs", (("queue", "indexing"),))] == 0
    app.config["REDIS_URL"] = f"redis://{NOBODY}/0"
    assert samples(client)[("cswjobs_metrics_source_up", (("source", "redis"),))] == 0  # said, not a 500


def test_metrics_need_the_token_when_one_is_set(app, client):
    app.config["METRICS_TOKEN"] = "t" * 32
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert ("cswjobs_outbox_lag_seconds", ()) in samples(client, Authorization="Bearer " + "t" * 32)


def test_production_without_a_metrics_token_serves_no_metrics(tmp_path):
    with production_app(tmp_path, CSWJOBS_PROXY_HOPS="0") as app:
        assert app.test_client().get("/metrics", headers={"Host": "jobs.example.org"}).status_code == 404
