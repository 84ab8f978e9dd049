"""Workforce benchmark: page and export latency over the demo's 33 councils, and CSV import speed, as JSON.

    python -m bench.workforce --repeats 20

Builds a fresh SQLite database with the migrations, the 33 councils and the demo workforce figures
(11 quarters each, ~300 agency placements), then times the region page, a council page, the
area measures CSV, the census CSV for every council and a 400-row CSV import (validated, then
rolled back). Progress goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * pct / 100
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 95), 1),
            "max_ms": round(max(samples), 1), "runs": len(samples)}


def import_rows(count: int) -> bytes:
    from domain.workforce import Quarter

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["quarter", "establishment_fte", "permanent_fte", "agency_fte", "vacancies_fte", "starters_fte",
                     "leavers_fte", "leavers_pay_fte"])
    first = Quarter(1901, 1)  # 400 quarters end in 2001, before any seeded figures
    for i in range(count):
        writer.writerow([first.shift(i).label, "120.5", "96.25", "20", "24.25", "3", "2.5", "1"])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-workforce-"))
    os.environ["CSWJOBS_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CSWJOBS_SEARCH_SQLITE_PATH"] = str(workdir / "search.sqlite3")
    os.environ["CSWJOBS_INSTANCE_PATH"] = str(workdir)

    import sqlalchemy as sa
    from flask_login.utils import _create_identifier
    from flask_migrate import upgrade

    from domain.vocabulary import UserRole
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Organisation, User
    from webapp.demo.councils import ensure_councils
    from webapp.services.workforce.imports import import_snapshots_csv
    from webapp.services.workforce.leavers import worker_secret
    from webapp.demo.workforce import seed_workforce

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": os.environ["CSWJOBS_DATABASE_URL"],
                              "SEARCH_SQLITE_PATH": os.environ["CSWJOBS_SEARCH_SQLITE_PATH"],
                              "SERVER_NAME": "localhost"})
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                 "platform": platform.platform()}, "database": "sqlite"}
    with app.app_context():
        print("migrating and loading the demo workforce figures", file=sys.stderr)
        upgrade()
        orgs, _ = ensure_councils(db.session)
        started = time.perf_counter()
        seeded = seed_workforce(db.session, orgs, dt.date.today(), 2026, worker_secret())
        db.session.commit()
        results["seed"] = {"snapshots": seeded.snapshots, "placements": seeded.placements,
                           "conversions": seeded.conversions, "seconds": round(time.perf_counter() - started, 2)}
        camden = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "camden"))
        lead = User(email="lead@bench.example", password_hash="x", full_name="Lead", role=UserRole.PROGRAMME_LEAD)
        admin = User(email="admin@bench.example", password_hash="x", full_name="Admin", role=UserRole.ORG_ADMIN,
                     organisation=camden)
        db.session.add_all([lead, admin])
        db.session.commit()
        admin_id = admin.id
        lead_session_id = lead.get_id()  # the id a session keeps carries the session generation

    def client_for(user_id: str):
        client = app.test_client()
        with app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()
        with client.session_transaction() as session:
            session.update({"_user_id": user_id, "_fresh": True, "_id": identifier})
        return client

    lead_client = client_for(lead_session_id)
    pages = {"region_page": "/insights/workforce/", "council_page": "/insights/workforce/councils/camden",
             "areas_csv": "/insights/workforce/areas.csv", "census_csv_all_councils": "/insights/workforce/census.csv",
             "agency_return_all_quarters": "/insights/workforce/councils/camden/agency-return.csv"}
    results["requests"] = {}
    for name, path in pages.items():
        print(f"timing {name}", file=sys.stderr)
        samples = []
        for i in range(args.repeats + 1):
            t = time.perf_counter()
            response = lead_client.get(path)
            elapsed = (time.perf_counter() - t) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if i:  # the first request warms templates and caches
                samples.append(elapsed)
        results["requests"][name] = summary(samples)

    print("timing a 400-row import (validated and saved, then removed)", file=sys.stderr)
    data = import_rows(400)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        camden = db.session.get(Organisation, admin.organisation_id)
        samples = []
        for _ in range(max(3, args.repeats // 4)):
            t = time.perf_counter()
            result = import_snapshots_csv(admin, camden, data)
            db.session.flush()
            samples.append((time.perf_counter() - t) * 1000)
            assert len(result.quarters) == 400
            db.session.rollback()
        results["import_400_rows"] = summary(samples)
    print(json.dumps(results, indent=2))
    print(f"bench.workforce: region page p50 {results['requests']['region_page']['p50_ms']} ms, "
          f"400-row import p50 {results['import_400_rows']['p50_ms']} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
