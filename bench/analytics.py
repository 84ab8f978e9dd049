"""Analytics benchmark: funnel event ingestion and dashboard query latency over a year, as JSON.

    python -m bench.analytics --visitors-per-day 300 --queries 60 --databases sqlite,postgresql

Builds a fresh database (SQLite in a temporary folder; PostgreSQL in a database of its own when
CSWJOBS_DATABASE_URL points at a server) with the 33 London councils and a few hundred vacancies,
then generates one year of funnel events for them, deterministically: visitors every day (busier on
weekdays), searches, job views with refreshes, click-throughs, registrations, applications and
their pipeline steps, follows, a share credited to campaigns. It measures:

- ingestion: events written through the capture path's insert (batched as the web processes'
  commits would be, one small transaction per batch) in events per second;
- rollup: the analytics task rebuilding every day of the year from the raw events;
- dashboard: the tables /insights reads (headline, funnel, a breakdown, over time, time to hire,
  campaigns) for a realistic mix of periods and filters, p50/p95/p99 in milliseconds;
- region: the same tables region-wide (no filter) for periods of a week up to a year, each compared
  by council, sub-region, role level, service area and campaign (issue 15's measure);

each timed for the current code and for "today's code" before issue 15 (webapp/services/insights.py
at BEFORE_REVISION, read from git), query by query in turn, so a busy machine slows both alike. The
two must give the same figures: the run checks every table of every query and fails if they differ.

Progress goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.search import log, percentile

YEAR_END = dt.date(2026, 10, 31)  # fixed, so every run generates the same year
# The last commit before issue 15's insights work: the baseline, "today's code".
BEFORE_REVISION = "7299533"


def load_before(path: str, revision: str = BEFORE_REVISION):
    """A module of the application as it was at ``revision`` (read with `git show`), under a private name;
    it imports everything else (models, vocabulary) from today's code."""
    import subprocess
    import sys
    import types

    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=root, check=True, capture_output=True,
                            text=True).stdout
    name = "before_" + path.replace("/", "_").removesuffix(".py")
    module = types.ModuleType(name)
    module.__file__ = f"{revision}:{path}"
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _app(url: str, folder: Path):
    from webapp import create_app

    return create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "SEARCH_SQLITE_PATH": str(folder / "s.sqlite3"),
                               "INSTANCE_PATH": str(folder), "TASKS_MODE": "inline"})


def _postgres_database(server_url: str, name: str) -> str:
    import sqlalchemy as sa

    server = sa.make_url(server_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def fresh_database(database: str, folder: Path, name: str, target: str) -> str:
    """A new, empty database's URL: a SQLite file in ``folder``, or database ``name`` (made afresh) on
    the PostgreSQL server CSWJOBS_DATABASE_URL names (`make <target>` sets it)."""
    server = os.environ.get("CSWJOBS_DATABASE_URL", "")
    if database == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    if server.startswith("postgresql"):
        return _postgres_database(server, name)
    raise SystemExit(f"bench: set CSWJOBS_DATABASE_URL to a PostgreSQL server (make {target} does).")


def _drop_postgres_database(server_url: str, name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(sa.make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _region(session, rng: random.Random, vacancies_per_council: int):
    """The 33 councils, a campaign or two each plus regional ones, and their vacancies over the year."""
    import sqlalchemy as sa

    from domain.funnel import CampaignKind
    from domain.vocabulary import ApplyMethod, ContractType, RoleLevel, ServiceArea, VacancyStatus, WorkingPattern
    from webapp.models import Campaign, TrackedLink, Vacancy
    from webapp.demo.councils import ensure_councils

    councils, _ = ensure_councils(session, YEAR_END)
    start = YEAR_END - dt.timedelta(days=364)
    rows = []
    for org in councils:
        for n in range(vacancies_per_council):
            published = start + dt.timedelta(days=rng.randrange(0, 330))
            closing = published + dt.timedelta(days=rng.randint(21, 60))
            level, area = rng.choice(list(RoleLevel)), rng.choice(list(ServiceArea))
            rows.append({
                "organisation_id": org.id, "title": f"{level.label}, {area.label}", "slug": f"job-{org.slug}-{n}",
                "role_level": level.value, "service_area": area.value, "team": "", "summary": "", "description": "x",
                "salary_min": 40000, "salary_max": 50000, "contract_type": ContractType.PERMANENT.value,
                "fte": 1, "working_pattern": WorkingPattern.FULL_TIME.value, "location_name": org.town,
                "latitude": org.latitude, "longitude": org.longitude, "closing_date": closing,
                "status": (VacancyStatus.CLOSED if closing < YEAR_END else VacancyStatus.LIVE).value,
                "published_at": dt.datetime.combine(published, dt.time(9)),
                "closed_at": dt.datetime.combine(closing, dt.time(23)) if closing < YEAR_END else None,
                "apply_method": rng.choice([ApplyMethod.IN_PLATFORM, ApplyMethod.EXTERNAL]).value,
                "protected_caseload_nqsw": False, "funded_development": False, "development_details": "",
                "created_at": dt.datetime.combine(published, dt.time(8)),
                "updated_at": dt.datetime.combine(published, dt.time(8)),
            })
    session.execute(sa.insert(Vacancy.__table__), rows)
    campaigns = []
    for number, org in enumerate([None, None, *councils]):
        begins = start + dt.timedelta(days=rng.randrange(0, 300))
        campaign = Campaign(organisation_id=org.id if org else None, kind=rng.choice(list(CampaignKind)),
                            name=f"Campaign {number}", starts_on=begins, ends_on=begins + dt.timedelta(days=60),
                            budget=rng.choice([None, 1000, 5000, 20000]))
        campaign.links.append(TrackedLink(code=f"bench{number:04d}", destination="/jobs"))
        session.add(campaign)
        campaigns.append(campaign)
    session.flush()
    vacancies = session.execute(sa.select(Vacancy.id, Vacancy.organisation_id, Vacancy.published_at,
                                          Vacancy.closing_date, Vacancy.apply_method).order_by(Vacancy.id)).all()
    session.commit()
    return councils, vacancies, [(c.id, c.links[0].id, c.organisation_id, c.starts_on, c.ends_on) for c in campaigns]


def generate_year(rng: random.Random, vacancies, campaigns, visitors_per_day: int):
    """One year of funnel events, day by day (a generator of row dicts, in time order per day)."""
    from domain.funnel import FunnelStep

    start = YEAR_END - dt.timedelta(days=364)
    for offset in range(365):
        day = start + dt.timedelta(days=offset)
        open_then = [v for v in vacancies if v.published_at.date() <= day <= v.closing_date]
        if not open_then:
            continue
        running = [c for c in campaigns if c[3] <= day <= c[4]]
        weekday = day.weekday() < 5
        rows = []
        for _ in range(int(visitors_per_day * (1.0 if weekday else 0.45) * rng.uniform(0.8, 1.2))):
            visitor = hashlib.sha256(rng.getrandbits(64).to_bytes(8, "big")).hexdigest()
            at = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)))
            credit = rng.choice(running) if running and rng.random() < 0.15 else None
            campaign_id, link_id = (credit[0], credit[1]) if credit else (None, None)

            def row(kind, minutes, vacancy=None, **extra):
                return {"kind": kind.value, "occurred_at": at + dt.timedelta(minutes=minutes), "visitor_id": visitor,
                        "user_id": extra.get("user_id"), "application_id": extra.get("application_id"),
                        "organisation_id": vacancy.organisation_id if vacancy else extra.get("organisation_id"),
                        "vacancy_id": vacancy.id if vacancy else None, "campaign_id": campaign_id,
                        "tracked_link_id": link_id}

            rows.append(row(FunnelStep.VISIT, 0, organisation_id=credit[2] if credit else None))
            if rng.random() < 0.7:
                rows.append(row(FunnelStep.SEARCH, 1))
            for n in range(rng.choice((0, 1, 1, 2, 3, 4))):
                vacancy = rng.choice(open_then)
                rows.append(row(FunnelStep.JOB_VIEW, 2 + n))
                rows[-1].update(vacancy_id=vacancy.id, organisation_id=vacancy.organisation_id)
                if rng.random() < 0.2:
                    rows.append(dict(rows[-1]))  # a refresh
                if vacancy.apply_method == "external" and rng.random() < 0.1:
                    rows.append(row(FunnelStep.APPLY_CLICK, 3 + n, vacancy))
                elif vacancy.apply_method == "in_platform" and rng.random() < 0.04:
                    # No users or applications behind these rows (the foreign keys stay empty): the rollup
                    # counts each pipeline step by its own event, as it would for a deleted account.
                    user, application = None, None
                    rows.append(row(FunnelStep.APPLICATION, 5 + n, vacancy, user_id=user, application_id=application))
                    for step, chance, later in ((FunnelStep.SHORTLISTED, 0.5, 3), (FunnelStep.INTERVIEW, 0.6, 10),
                                                (FunnelStep.OFFERED, 0.5, 18), (FunnelStep.HIRED, 0.8, 25)):
                        if rng.random() > chance:
                            break
                        pipeline = row(step, 60 * 24 * later, vacancy, user_id=user, application_id=application)
                        pipeline["visitor_id"] = None
                        rows.append(pipeline)
            if rng.random() < 0.02:
                rows.append(row(FunnelStep.REGISTRATION, 20))
            if rng.random() < 0.01:
                rows.append(row(FunnelStep.FOLLOW, 21, organisation_id=rng.choice(open_then).organisation_id))
        yield day, rows


def ingest(engine, batches) -> tuple[int, float]:
    """Write events in small transactions (as many web requests would) and time it."""
    import sqlalchemy as sa

    from webapp.models import FunnelEvent

    total, seconds = 0, 0.0
    table = FunnelEvent.__table__
    for day, rows in batches:
        started = time.perf_counter()
        for start in range(0, len(rows), 50):
            with engine.begin() as conn:
                conn.execute(sa.insert(table), rows[start:start + 50])
        seconds += time.perf_counter() - started
        total += len(rows)
        if day.day == 1:
            log(f"  ingested {total:,} events up to {day}")
    return total, seconds


def dashboard_queries(rng: random.Random, councils, campaigns, count: int):
    from domain.vocabulary import RoleLevel, ServiceArea, SubRegion
    from webapp.services import insights

    queries = []
    for _ in range(count):
        length = rng.choice([7, 30, 30, 90, 365])
        end = YEAR_END - dt.timedelta(days=rng.randrange(0, 365 - length + 1))
        scope = insights.Scope(end - dt.timedelta(days=length - 1), end)
        choice = rng.choice(["region", "region", "council", "sub_region", "role_level", "service_area", "campaign"])
        if choice == "council":
            scope = scope.but(organisation_id=rng.choice(councils).id)
        elif choice == "sub_region":
            scope = scope.but(sub_region=rng.choice(list(SubRegion)))
        elif choice == "role_level":
            scope = scope.but(role_level=rng.choice(list(RoleLevel)))
        elif choice == "service_area":
            scope = scope.but(service_area=rng.choice(list(ServiceArea)))
        elif choice == "campaign":
            scope = scope.but(campaign_id=rng.choice(campaigns)[0])
        by = "role_level" if choice == "council" else rng.choice(["council", "sub_region", "role_level", "campaign"])
        queries.append((scope, by, choice == "council"))
    return queries


def region_queries() -> list[tuple[Any, str, bool]]:
    """Region-wide views (no filter) ending on the year's last day, a week to a year long, each compared by
    every dimension: issue 15's "/insights for any period up to a year, region-wide"."""
    from webapp.services import insights

    return [(insights.Scope(YEAR_END - dt.timedelta(days=length - 1), YEAR_END), by, False)
            for length in (7, 30, 90, 182, 365) for by in ("council", "sub_region", "role_level", "service_area",
                                                           "campaign")]


def dashboard(scope, by: str, council_view: bool, module=None) -> dict[str, Any]:
    """What one /insights page load reads (without the HTML), with the current code or ``module``
    (the baseline); returns every table's rows, to check both give the same figures."""
    from webapp.services import campaigns as campaign_service
    from webapp.services import insights

    module = module or insights
    scope = module.Scope(scope.start, scope.end, scope.organisation_id, scope.sub_region, scope.role_level,
                         scope.service_area, scope.campaign_id)
    filters = module.Filters(scope, by, None, campaign_service.visible_campaigns(scope.organisation_id),
                             council_view)
    return {name: [{k: row.get(k) for k, _ in table.columns} for row in table.rows]
            for name, table in module.dashboard_tables(filters).items()}


def _same_figures(now: dict[str, Any], before: dict[str, Any], query) -> None:
    # The funnel's wording changed (job views are a ratio, not a conversion); its counts must not.
    for name in before:
        if name == "funnel":
            assert [r["count"] for r in now[name]] == [r["count"] for r in before[name]], (name, query)
        else:
            assert now[name] == before[name], (name, query)


def timed_pair(queries, baseline, cpu: dict[str, list[float]] | None = None
               ) -> tuple[list[float], list[float], list[float]]:
    """Each query with the current code, read afresh from the rollups (nothing kept from an earlier
    query: "cold"), then again at once (the figures kept since the last rollup: "warm"), then with the
    baseline; the current code's figures are checked to be the baseline's. With ``cpu``, the process's
    CPU time of each cold and baseline load goes there too ("now", "before"): on a machine others load,
    it moves far less than the wall clock (SQLite's work is all in this process; PostgreSQL's is not)."""
    from webapp.extensions import db
    from webapp.services import insights

    now_ms, warm_ms, before_ms = [], [], []
    for query in queries:
        insights._kept.clear()
        getattr(baseline, "_kept", {}).clear()
        cpu_started, started = time.process_time(), time.perf_counter()
        now = dashboard(*query)
        now_ms.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.setdefault("now", []).append((time.process_time() - cpu_started) * 1000)
        db.session.rollback()
        started = time.perf_counter()
        assert dashboard(*query) == now
        warm_ms.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
        cpu_started, started = time.process_time(), time.perf_counter()
        before = dashboard(*query, module=baseline)
        before_ms.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.setdefault("before", []).append((time.process_time() - cpu_started) * 1000)
        db.session.rollback()
        _same_figures(now, before, query)
    return now_ms, warm_ms, before_ms


def latency(samples: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(samples, 50), 1), "p95": round(percentile(samples, 95), 1),
            "p99": round(percentile(samples, 99), 1), "mean": round(statistics.fmean(samples), 1),
            "max": round(max(samples), 1)}


def run_one(database: str, visitors_per_day: int, vacancies_per_council: int, query_count: int,
            seed: int, baseline_revision: str = BEFORE_REVISION) -> dict[str, Any]:
    from flask_migrate import upgrade

    from webapp.extensions import db
    from webapp.services import rollups

    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as tmp:
        folder = Path(tmp)
        server = os.environ.get("CSWJOBS_DATABASE_URL", "")
        name = f"bench_analytics_{os.getpid()}"
        url = fresh_database(database, folder, name, "bench-analytics")
        app = _app(url, folder)
        try:
            with app.app_context():
                upgrade()
                rng = random.Random(f"analytics:{seed}")
                log(f"[{database}] 33 councils, {33 * vacancies_per_council} vacancies, campaigns...")
                councils, vacancies, campaigns = _region(db.session, rng, vacancies_per_council)
                log(f"[{database}] ingesting a year of events...")
                events, ingest_seconds = ingest(db.engine, generate_year(rng, vacancies, campaigns, visitors_per_day))
                log(f"[{database}] {events:,} events in {ingest_seconds:.1f}s; rolling up 365 days...")
                report = rollups.rollup(YEAR_END - dt.timedelta(days=364), YEAR_END)
                log(f"[{database}] {report.summary()}; timing the dashboard...")
                baseline = load_before("webapp/services/insights.py", baseline_revision)
                queries = dashboard_queries(random.Random(seed), councils, campaigns, query_count + 5)
                for warm in queries[:5]:
                    dashboard(*warm)
                    dashboard(*warm, module=baseline)
                latencies, warm_latencies, before_latencies = timed_pair(queries[5:], baseline)
                log(f"[{database}] mix p95 {percentile(latencies, 95):.0f} ms (before: "
                    f"{percentile(before_latencies, 95):.0f} ms); timing region-wide views...")
                region_cpu: dict[str, list[float]] = {}
                region, warm_region, before_region = timed_pair(region_queries(), baseline, region_cpu)
                one_day = YEAR_END
                started = time.perf_counter()
                rollups.rollup(one_day, one_day)
                one_day_seconds = time.perf_counter() - started
                result = {
                    "database": database,
                    "councils": len(councils),
                    "vacancies": len(vacancies),
                    "events": events,
                    "ingest_seconds": round(ingest_seconds, 2),
                    "ingest_events_per_second": round(events / ingest_seconds, 1),
                    "rollup_year_seconds": round(report.seconds, 2),
                    "rollup_rows": report.rows,
                    "rollup_one_day_seconds": round(one_day_seconds, 3),
                    "dashboard_queries": len(latencies),
                    "dashboard_latency_ms": latency(latencies),
                    "dashboard_latency_ms_kept_since_rollup": latency(warm_latencies),
                    "dashboard_latency_ms_before": latency(before_latencies),
                    "region_queries": len(region),
                    "region_latency_ms": latency(region),
                    "region_latency_ms_kept_since_rollup": latency(warm_region),
                    "region_latency_ms_before": latency(before_region),
                    "region_cpu_ms": latency(region_cpu["now"]),
                    "region_cpu_ms_before": latency(region_cpu["before"]),
                    "load_average_after_region": [round(v, 2) for v in os.getloadavg()],
                    "figures_identical": True,  # timed_pair asserted it for every table of every query
                }
                log(f"[{database}] ingest {result['ingest_events_per_second']:,} events/s; dashboard p95 "
                    f"{result['dashboard_latency_ms']['p95']} ms (before {result['dashboard_latency_ms_before']['p95']}); "
                    f"region-wide p95 {result['region_latency_ms']['p95']} ms, kept since the rollup "
                    f"{result['region_latency_ms_kept_since_rollup']['p95']} ms (before "
                    f"{result['region_latency_ms_before']['p95']})")
                db.session.remove()
                db.engine.dispose()
                return result
        finally:
            if database == "postgresql":
                _drop_postgres_database(server, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--visitors-per-day", type=int, default=300, help="weekday visitors (weekends ~45%%)")
    parser.add_argument("--vacancies-per-council", type=int, default=30)
    parser.add_argument("--queries", type=int, default=60, help="timed dashboard page loads per database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-revision", default=BEFORE_REVISION,
                        help="the commit whose insights.py is timed beside the current code (default: before issue 15)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "benchmark": "analytics",
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
        "baseline": f"webapp/services/insights.py at {args.baseline_revision}"
                    + (" (before issue 15)" if args.baseline_revision == BEFORE_REVISION else ""),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "year": [str(YEAR_END - dt.timedelta(days=364)), str(YEAR_END)],
        "visitors_per_weekday": args.visitors_per_day,
        "runs": [run_one(d, args.visitors_per_day, args.vacancies_per_council, args.queries, args.seed,
                         args.baseline_revision)
                 for d in args.databases.split(",") if d],
    }
    results["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(results, indent=2))
    log(f"bench-analytics: {len(results['runs'])} run(s) in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
