"""Job alert benchmark: the time one social worker's daily alert run takes, as JSON.

    python -m bench.alerts --size 10000 --candidates 200 --searches 3 --engines sqlite,elasticsearch

Builds a fresh SQLite database with `seed_scale` (vacancies published over the last six weeks),
indexes the live vacancies in each engine, gives each of the first N scale candidates S saved
searches (keywords and one or two filters, as people save them) last checked a day ago, then
times `send_candidate_alerts` for each candidate: every due search run through the engine
restricted to the window, the already-sent check, the claim, and the email written to a folder.
A second pass (nothing left to send: the claims) is timed too. Progress goes to stderr; the JSON
goes to stdout.
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
from typing import Any
from urllib.parse import urlencode

from bench.search import KEYWORDS, build_database, engines, log, percentile


def saved_query_strings(count: int, seed: int) -> list[str]:
    from domain.geography import LONDON_BOROUGHS
    from domain.vocabulary import RoleLevel, ServiceArea, SubRegion

    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        pairs = [("q", rng.choice(KEYWORDS))] if rng.random() < 0.6 else []
        for _ in range(rng.randint(1, 2)):
            choice = rng.choice(["role_level", "service_area", "sub_region", "council", "salary", "near"])
            if choice == "role_level":
                pairs.append(("role_level", rng.choice(list(RoleLevel)).value))
            elif choice == "service_area":
                pairs.append(("service_area", rng.choice(list(ServiceArea)).value))
            elif choice == "sub_region":
                pairs.append(("sub_region", rng.choice(list(SubRegion)).value))
            elif choice == "council":
                pairs.append(("council", rng.choice(LONDON_BOROUGHS).slug))
            elif choice == "salary":
                pairs.append(("salary", str(rng.choice([40000, 45000, 50000]))))
            else:
                pairs += [("near", rng.choice(LONDON_BOROUGHS).slug), ("miles", str(rng.choice([3, 5, 10])))]
        queries.append(urlencode([(k, v) for k, v in pairs if v]))
    return queries


def _ms(samples: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(samples, 50), 1), "p95": round(percentile(samples, 95), 1),
            "max": round(max(samples), 1), "mean": round(statistics.fmean(samples), 1)}


def run(size: int, candidate_count: int, searches_each: int, engine_names: list[str], seed: int) -> dict[str, Any]:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from domain.vocabulary import AlertFrequency, UserRole
    from webapp.extensions import db
    from webapp.models import SavedSearch, SentAlert, User, utcnow
    from webapp.search.engine import EXTENSION_KEY
    from webapp.search.sync import live_vacancy_documents
    from webapp.services import saved_searches
    from webapp.services.alerts import send_candidate_alerts

    es_url = os.environ.get("CSWJOBS_SEARCH_URL") if os.environ.get("CSWJOBS_SEARCH_URL", "").startswith("http") else None
    results: dict[str, Any] = {
        "benchmark": "alerts",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "vacancies": size, "candidates": candidate_count, "saved_searches_each": searches_each, "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix=f"bench-alerts-{size}-") as tmp:
        folder = Path(tmp)
        log(f"[alerts] seeding {size} vacancies and candidates...")
        app, seed_seconds = build_database(size, folder, seed)
        app.config["MAIL_FOLDER"] = str(folder / "mail")
        log(f"[alerts] seeded in {seed_seconds:.1f}s")
        with app.app_context():
            with Session(db.engine) as session:
                documents = list(live_vacancy_documents(session, 1000, release=True))
            user_ids = list(db.session.scalars(
                sa.select(User.id).where(User.role == UserRole.CANDIDATE).order_by(User.id).limit(candidate_count)))
            queries = saved_query_strings(len(user_ids) * searches_each, seed)
            for engine in engines(engine_names, folder, es_url):
                log(f"[alerts] {engine.name}: indexing {len(documents)} live vacancies...")
                engine.rebuild(iter(documents))
                app.extensions[EXTENSION_KEY] = engine  # what get_engine() hands the alert service
                db.session.execute(sa.delete(SentAlert))
                db.session.execute(sa.delete(SavedSearch))
                now = utcnow()
                for n, user_id in enumerate(user_ids):
                    for query in queries[n * searches_each:(n + 1) * searches_each]:
                        normalised = saved_searches.normalise(query)
                        db.session.add(SavedSearch(
                            user_id=user_id, name=normalised[:100] or "All jobs", query=normalised,
                            frequency=AlertFrequency.DAILY, alerts_on=True,
                            created_at=now - dt.timedelta(days=30), last_checked_at=now - dt.timedelta(days=1)))
                db.session.commit()
                timings: dict[str, list[float]] = {"first": [], "again": []}
                jobs = mailed = again = 0
                for label in ("first", "again"):
                    at = now + (dt.timedelta(minutes=1) if label == "first" else dt.timedelta(days=1, minutes=1))
                    for user_id in user_ids:
                        started = time.perf_counter()
                        report = send_candidate_alerts(user_id, AlertFrequency.DAILY, now=at)
                        timings[label].append((time.perf_counter() - started) * 1000)
                        if label == "first":
                            jobs += report.jobs_sent
                            mailed += int(report.mailed)
                        else:
                            again += report.jobs_sent
                        db.session.remove()
                    log(f"[alerts] {engine.name}: {label} pass p50 {percentile(timings[label], 50):.0f} ms")
                recorded = db.session.scalar(sa.select(sa.func.count(SentAlert.id)))
                if recorded != jobs + again:  # the unique claims: never the same job twice for a search
                    raise SystemExit(f"bench: {jobs + again} jobs mailed but {recorded} recorded")
                results["runs"].append({
                    "engine": engine.name,
                    "live_documents": len(documents),
                    "per_candidate_run_ms": _ms(timings["first"]),
                    "per_candidate_rerun_nothing_new_ms": _ms(timings["again"]),
                    "candidates_mailed": mailed,
                    "jobs_mailed": jobs,
                    "mean_jobs_per_email": round(jobs / mailed, 1) if mailed else 0,
                    "jobs_mailed_next_day": again,
                    "candidates_per_second": round(len(user_ids) / (sum(timings["first"]) / 1000), 1),
                })
                if engine.name == "elasticsearch":
                    engine.drop()
            db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000, help="vacancies (and candidates) to seed")
    parser.add_argument("--candidates", type=int, default=200, help="social workers with saved searches")
    parser.add_argument("--searches", type=int, default=3, help="saved searches each")
    parser.add_argument("--engines", default="sqlite,elasticsearch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = run(args.size, args.candidates, args.searches, [e for e in args.engines.split(",") if e], args.seed)
    print(json.dumps(results, indent=2))
    log(f"bench-alerts: {len(results['runs'])} runs, {args.candidates} candidates x {args.searches} searches "
        f"over {args.size} vacancies in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    sys.exit(main())
