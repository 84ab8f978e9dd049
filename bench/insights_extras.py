"""Insights extras benchmark: supply and demand, the equality breakdown and the monthly bulletin, as JSON.

    python -m bench.insights_extras --sizes 2000,20000 --repeats 5

For each size it builds a fresh SQLite database with `seed_scale` (N vacancies, N social
workers, deterministic), adds N applications with pipeline events and equal-opportunities
answers for most of those social workers, then times: the region's supply and demand heat map
(role level x service area), councils x role level, one council's; the equality breakdown for
the region and one council; and building one month's bulletins (the region and 33 councils,
HTML and PDF). The heat maps are also timed with "today's code" before issue 15
(webapp/services/supply_demand.py at bench.analytics.BEFORE_REVISION, read from git), each call
in turn with the current code, and the two must give the same cells. Progress goes to stderr; the
JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any], repeats: int) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def _cells(result) -> dict:
    return {key: (c.vacancies, c.fte, c.candidates) for key, c in result.cells.items()} | {
        ("total", key): (c.vacancies, c.fte, c.candidates) for key, c in
        [*result.row_totals.items(), *[("c" + k, v) for k, v in result.column_totals.items()]]}


def timed_against(now: Callable[[], Any], before: Callable[[], Any], repeats: int) -> dict[str, Any]:
    """The current code and the baseline, call by call in turn; they must agree cell for cell."""
    now_ms, before_ms = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        a = now()
        now_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        b = before()
        before_ms.append((time.perf_counter() - started) * 1000)
        assert _cells(a) == _cells(b), "the heat map differs from the baseline's"
    return {"median_ms": round(statistics.median(now_ms), 1), "max_ms": round(max(now_ms), 1),
            "before_median_ms": round(statistics.median(before_ms), 1), "before_max_ms": round(max(before_ms), 1)}


def add_applications(session, size: int, seed: int) -> int:
    """N applications spread over October, each with its pipeline events, and answers for 80% of people."""
    import sqlalchemy as sa

    from domain.equality import CHARACTERISTICS
    from domain.vocabulary import ApplicationStatus as S
    from domain.vocabulary import UserRole
    from webapp.models import Application, ApplicationEvent, EqualityAnswers, User, Vacancy

    rng = random.Random(seed)
    people = session.scalars(sa.select(User.id).where(User.role == UserRole.CANDIDATE)).all()
    jobs = session.scalars(sa.select(Vacancy.id)).all()
    paths = [[S.SUBMITTED], [S.SUBMITTED, S.SHORTLISTED], [S.SUBMITTED, S.SHORTLISTED, S.INTERVIEW],
             [S.SUBMITTED, S.SHORTLISTED, S.INTERVIEW, S.OFFERED, S.HIRED]]
    pairs = set()
    while len(pairs) < size:
        pairs.add((rng.choice(people), rng.choice(jobs)))
    apps, events = [], []
    for number, (person, job) in enumerate(sorted(pairs), start=1):
        when = dt.datetime(2026, 10, 1) + dt.timedelta(minutes=rng.randint(0, 30 * 24 * 60))
        path = rng.choices(paths, (60, 25, 10, 5))[0]
        apps.append({"id": number, "vacancy_id": job, "candidate_id": person, "status": path[-1].value,
                     "supporting_statement": "", "submitted_at": when, "decline_detail": "",
                     "created_at": when, "updated_at": when})
        previous = None
        for status in path:
            events.append({"application_id": number, "from_status": previous, "to_status": status.value,
                           "note": "", "created_at": when})
            previous = status.value
    session.execute(sa.insert(Application), apps)
    session.execute(sa.insert(ApplicationEvent), events)
    answers = []
    for person in people:
        if rng.random() < 0.8:
            answers.append({"user_id": person, "updated_at": dt.datetime(2026, 9, 1), **{
                c.slug: rng.choice([v for v, _ in c.answers.choices()]) for c in CHARACTERISTICS}})
    session.execute(sa.insert(EqualityAnswers), answers)
    session.commit()
    return len(apps)


def run(size: int, repeats: int, seed: int, folder: Path) -> dict[str, Any]:
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    import sqlalchemy as sa

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Organisation
    from webapp.demo.scale import seed_scale
    from webapp.services import bulletins, equality
    from webapp.services import supply_demand as sd
    from bench.analytics import load_before

    old = load_before("webapp/services/supply_demand.py")
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                              "SEARCH_SQLITE_PATH": str(folder / "search.sqlite3"), "INSTANCE_PATH": str(folder),
                              "MAIL_FOLDER": str(folder / "mail")})
    with app.app_context():
        upgrade()
        log(f"[{size}] seeding {size:,} vacancies and social workers")
        with Session(db.engine) as session:
            seed_scale(session, size, seed=seed)
            applications = add_applications(session, size, seed)
        camden = db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == "camden"))
        october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        log(f"[{size}] timing")
        result = {
            "size": size,
            "applications": applications,
            "supply_demand_region_ms": timed_against(
                lambda: sd.supply_and_demand(sd.Filters()), lambda: old.supply_and_demand(old.Filters()), repeats),
            "supply_demand_councils_by_role_ms": timed_against(
                lambda: sd.supply_and_demand(sd.Filters(rows="council", columns="role_level")),
                lambda: old.supply_and_demand(old.Filters(rows="council", columns="role_level")), repeats),
            "supply_demand_one_council_ms": timed_against(
                lambda: sd.supply_and_demand(sd.Filters(organisation_id=camden)),
                lambda: old.supply_and_demand(old.Filters(organisation_id=camden)), repeats),
            "equality_region_ms": timed(lambda: equality.funnel_breakdown("ethnicity", *october), repeats),
            "equality_one_council_ms": timed(
                lambda: equality.funnel_breakdown("ethnicity", *october, organisation_id=camden), repeats),
        }
        started = time.perf_counter()
        report = bulletins.build_bulletins(dt.date(2026, 10, 1), refresh_rollups=False)
        result["bulletin_build_s"] = round(time.perf_counter() - started, 2)
        result["bulletins"] = report.bulletins
        result["bulletin_pdf_bytes_median"] = int(statistics.median(
            db.session.scalars(sa.select(sa.func.length(sa.text("pdf"))).select_from(sa.table("bulletins"))).all()))
        db.session.remove()
        db.engine.dispose()
    log(f"[{size}] done")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    load_at_start = [round(v, 2) for v in os.getloadavg()]
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        with tempfile.TemporaryDirectory(prefix=f"bench-insights-{size}-") as tmp:
            results.append(run(size, args.repeats, args.seed, Path(tmp)))
    print(json.dumps({"benchmark": "insights_extras", "machine": {"python": platform.python_version(),
                                                                   "cpus": os.cpu_count()},
                      "load_average_at_start": load_at_start,
                      "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
                      "baseline": "webapp/services/supply_demand.py before issue 15 (before_median_ms)",
                      "database": "sqlite", "results": results}, indent=2))
    log(f"insights extras benchmark: {len(results)} size(s) done")


if __name__ == "__main__":
    main()
