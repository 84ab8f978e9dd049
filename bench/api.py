"""API benchmark: public search and council upserts at 10,000 vacancies, and a 1,000-row CSV import, as JSON.

    python -m bench.api --size 10000 --requests 200 --csv-rows 1000 --databases sqlite,postgresql

For each database (SQLite in a temporary folder; PostgreSQL in a database of its own when
CSWJOBS_DATABASE_URL points at a server) it builds a fresh database with `seed_scale`
(deterministic), rebuilds the search index (the embedded FTS5 engine, or Elasticsearch when
CSWJOBS_SEARCH_URL is one), gives one council an API key and times, through the WSGI app in this
process (no network, no rate limit):

- baseline: GET /healthz (a database round trip and nothing else), the floor for this machine now;
- public search: GET /api/v1/jobs with a realistic mix of /jobs query strings (keywords, one or
  two filters, distance), facets always;
- upsert: POST /api/v1/vacancies (a new draft with its external reference, an Idempotency-Key),
  then PUT of the same vacancy with a new title and status live (published); as in production the
  request commits and enqueues the outbox relay on Redis (its own database, emptied afterwards), and
  the indexing and embedding the workers then do are not timed;
- CSV import: one 1,000-row file through the import service, checked and saved in one transaction.

The load average is recorded before and after. Progress goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from bench.alerts import saved_query_strings
from bench.analytics import _drop_postgres_database, fresh_database
from bench.search import log, percentile

CLOSING = (dt.date.today() + dt.timedelta(days=60)).isoformat()


REDIS_DB = 13  # a Redis database of the benchmark's own, emptied afterwards


def _redis_url() -> str | None:
    """The test Redis (make bench-api starts it), on the benchmark's own database."""
    from redis.connection import parse_url

    url = os.environ.get("CSWJOBS_REDIS_URL", "")
    if not url:
        return None
    base = url.rsplit("/", 1)[0] if parse_url(url).get("db") is not None else url.rstrip("/")
    return f"{base}/{REDIS_DB}"


def _app(url: str, folder: Path, redis_url: str | None):
    from webapp import create_app

    search = os.environ.get("CSWJOBS_SEARCH_URL", "")
    # As in production: a request commits and enqueues the relay; indexing and embedding are the
    # workers' work, not the request's, so they are not in these timings (no worker runs here).
    return create_app("test", {
        "SQLALCHEMY_DATABASE_URI": url, "SEARCH_SQLITE_PATH": str(folder / "search.sqlite3"),
        "SEARCH_URL": search if search.startswith("http") else "sqlite", "SEARCH_INDEX_PREFIX": "bench-api",
        "INSTANCE_PATH": str(folder), "TASKS_MODE": "rq", "REDIS_URL": redis_url, "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    })


def _ms(samples: list[float]) -> dict[str, float]:
    return {"n": len(samples), "p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1),
            "max_ms": round(max(samples), 1)}


def _timed(count: int, call: Callable[[int], Any], expect: int) -> list[float]:
    samples = []
    for number in range(count):
        started = time.perf_counter()
        response = call(number)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise SystemExit(f"bench: expected {expect}, got {response.status_code}: {response.get_data(as_text=True)[:500]}")
    return samples


def advert(number: int, rng: random.Random) -> dict[str, Any]:
    from domain.vocabulary import RoleLevel, ServiceArea

    level, area = rng.choice(list(RoleLevel)), rng.choice(list(ServiceArea))
    low = rng.randrange(36_000, 60_000, 1000)
    return {
        "external_reference": f"BENCH-{number:05d}", "title": f"{level.label}, {area.label}",
        "role_level": level.value, "service_area": area.value, "summary": "A settled team with weekly supervision.",
        "description": "<h2>About the team</h2><p>We hold <strong>15 children</strong> at most.</p>"
                       "<ul><li>Hybrid working</li><li>Funded development</li></ul>",
        "salary_min": low, "salary_max": low + 6000, "contract_type": "permanent", "working_pattern": "full_time",
        "closing_date": CLOSING,
    }


def csv_file(rows: int, rng: random.Random) -> bytes:
    from webapp.services.vacancy_import import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for number in range(rows):
        cells = advert(number, rng)
        cells["external_reference"] = f"CSV-{number:05d}"
        writer.writerow({column: cells.get(column, "") for column in COLUMNS})
    return out.getvalue().encode()


def run_one(database: str, size: int, requests: int, csv_rows: int, seed: int) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    import sqlalchemy as sa
    from domain.vocabulary import UserRole
    from webapp.extensions import db
    from webapp.demo.scale import seed_scale
    from webapp.models import OutboxMessage, Organisation, User
    from webapp.search import get_engine
    from webapp.search.sync import reindex
    from webapp.services import api_keys, vacancy_import

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        folder = Path(tmp)
        server = os.environ.get("CSWJOBS_DATABASE_URL", "")
        name = f"bench_api_{os.getpid()}"
        url = fresh_database(database, folder, name, "bench-api")
        redis_url = _redis_url()
        app = _app(url, folder, redis_url)
        try:
            with app.app_context():
                upgrade()
                log(f"[{database}] seeding {size:,} vacancies...")
                with Session(db.engine) as session:
                    seed_scale(session, size, seed=seed)
                report = reindex()
                # The reindex just read every row the seed's outbox rows describe: nothing is owed.
                db.session.execute(sa.delete(OutboxMessage))
                council = db.session.scalars(sa.select(Organisation).order_by(Organisation.id)).first()
                admin = User(email="bench-admin@example.org", full_name="Bench admin", password_hash="x",
                             role=UserRole.ORG_ADMIN, organisation_id=council.id)
                recruiter = User(email="bench-recruiter@example.org", full_name="Bench recruiter", password_hash="x",
                                 role=UserRole.RECRUITER, organisation_id=council.id)
                db.session.add_all([admin, recruiter])
                db.session.flush()
                key = api_keys.create_key(admin, "Bench", "write").secret
                db.session.commit()
                log(f"[{database}] {report.summary}; timing...")
                client = app.test_client()
                headers = {"X-Api-Key": key}
                rng = random.Random(seed)
                queries = saved_query_strings(requests + 10, seed)
                for query in queries[:10]:  # warm: templates, caches, the engine's first connection
                    client.get(f"/api/v1/jobs?{query}")
                baseline = _timed(requests, lambda n: client.get("/healthz"), 200)
                search = _timed(requests, lambda n: client.get(f"/api/v1/jobs?{queries[10 + n]}"), 200)
                created: list[int] = []

                def create(number: int):
                    response = client.post("/api/v1/vacancies", json=advert(number, rng),
                                           headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
                    created.append(response.get_json()["id"])
                    return response

                creates = _timed(requests, create, 201)

                def replace(number: int):
                    body = {**advert(number, rng), "title": f"Senior practitioner {number}", "status": "live"}
                    return client.put(f"/api/v1/vacancies/{created[number]}", json=body, headers=headers)

                replaces = _timed(requests, replace, 200)
                data = csv_file(csv_rows, rng)
                importer = db.session.get(User, recruiter.id)
                started = time.perf_counter()
                result = vacancy_import.import_vacancies_csv(importer, data)
                db.session.commit()
                import_seconds = time.perf_counter() - started
                return {
                    "database": database, "search_engine": report.engine, "vacancies": size,
                    "tasks": f"enqueued on Redis db {REDIS_DB}" if redis_url else "not enqueued (no Redis): rows wait",
                    "indexed": report.documents,
                    "baseline_healthz": _ms(baseline),
                    "public_search": _ms(search),
                    "upsert_create": _ms(creates),
                    "upsert_replace_and_publish": _ms(replaces),
                    "csv_import": {"rows": result.drafts + result.live, "bytes": len(data),
                                   "seconds": round(import_seconds, 2),
                                   "rows_per_second": round((result.drafts + result.live) / import_seconds, 1)},
                }
        finally:
            with app.app_context():
                engine = get_engine()
                if hasattr(engine, "drop"):  # Elasticsearch: the benchmark's own indices go
                    engine.drop()
                db.session.remove()
                db.engine.dispose()
            if database != "sqlite":
                _drop_postgres_database(server, name)
            if redis_url:
                from redis import Redis

                Redis.from_url(redis_url).flushdb()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--size", type=int, default=10_000, help="vacancies seeded before timing")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each kind")
    parser.add_argument("--csv-rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()
    results: dict[str, Any] = {
        "benchmark": "api",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "load_average_at_start": [round(x, 2) for x in load_before],
        "runs": [run_one(d, args.size, args.requests, args.csv_rows, args.seed)
                 for d in args.databases.split(",") if d],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(results, indent=2))
    log(f"bench-api: {len(results['runs'])} run(s) in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
