"""Search benchmark: bulk indexing throughput and query latency for each engine, as JSON.

    python -m bench.search --sizes 10000,100000 --queries 300 --engines sqlite,elasticsearch

For each size it builds a fresh SQLite database with `seed_scale` (deterministic), streams
the live vacancies as documents, rebuilds each engine's index from them (the production
bulk path: new index, refresh off, swap) and times a realistic query mix: keywords (with
abbreviations and a typo), one to three filters, facets always, a sort and a page. Progress
goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
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

KEYWORDS = [
    "", "", "child protection", "senior practitioner", "CP", "NQSW", "fostering", "team manager MASH",
    "assessment", "care leavers", "protecton", "disabled children", "youth justice", "adoption", "CLA",
    "advanced practitioner", "edge of care", "IRO", "hybrid", "exploitation",
]
SORTS = ["relevance", "relevance", "newest", "salary", "closing"]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * pct / 100
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def query_mix(count: int, seed: int = 7) -> list[Any]:
    from domain.geography import LONDON_BOROUGHS
    from domain.vocabulary import ContractType, RoleLevel, ServiceArea, SubRegion
    from webapp.search.places import near
    from webapp.search.query import SearchQuery

    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        filters: dict[str, Any] = {}
        for _ in range(rng.randint(1, 3)):
            choice = rng.choice(["role_levels", "service_areas", "sub_regions", "councils", "contract_types",
                                 "salary_min", "near"])
            if choice == "role_levels":
                filters["role_levels"] = (rng.choice(list(RoleLevel)).value,)
            elif choice == "service_areas":
                filters["service_areas"] = tuple(sorted({rng.choice(list(ServiceArea)).value for _ in range(2)}))
            elif choice == "sub_regions":
                filters["sub_regions"] = (rng.choice(list(SubRegion)).value,)
            elif choice == "councils":
                filters["councils"] = (rng.choice(LONDON_BOROUGHS).slug,)
            elif choice == "contract_types":
                filters["contract_types"] = (rng.choice(list(ContractType)).value,)
            elif choice == "salary_min":
                filters["salary_min"] = rng.choice([40000, 45000, 50000, 60000])
            else:
                filters["near"] = near(rng.choice(LONDON_BOROUGHS).slug, rng.choice([3, 5, 10]))
        queries.append(SearchQuery(keywords=rng.choice(KEYWORDS), sort=rng.choice(SORTS),
                                   page=rng.choice([1, 1, 1, 2, 3]), per_page=20, **filters))
    return queries


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_database(size: int, folder: Path, seed: int) -> tuple[Any, float]:
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    from webapp import create_app
    from webapp.extensions import db
    from webapp.demo.scale import seed_scale

    app = create_app("test", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SEARCH_SQLITE_PATH": str(folder / "search.sqlite3"),
        "INSTANCE_PATH": str(folder),
    })
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with Session(db.engine) as session:
            seed_scale(session, size, seed=seed)
        return app, time.perf_counter() - started


def engines(names: list[str], folder: Path, es_url: str | None):
    from webapp.search.sqlite_engine import SqliteSearchEngine

    for name in names:
        if name == "sqlite":
            yield SqliteSearchEngine(folder / "bench-search.sqlite3")
        elif name == "elasticsearch":
            if not es_url:
                raise SystemExit("bench: set CSWJOBS_SEARCH_URL to an Elasticsearch URL (make bench-search does).")
            from webapp.search.elastic_engine import ElasticsearchEngine

            yield ElasticsearchEngine(es_url, prefix="bench")
        else:
            raise SystemExit(f"bench: unknown engine {name!r}; use sqlite and/or elasticsearch")


def run(sizes: list[int], query_count: int, engine_names: list[str], seed: int) -> dict[str, Any]:
    from sqlalchemy.orm import Session

    from webapp.extensions import db
    from webapp.search.sync import live_vacancy_documents

    es_url = os.environ.get("CSWJOBS_SEARCH_URL") if os.environ.get("CSWJOBS_SEARCH_URL", "").startswith("http") else None
    results: dict[str, Any] = {
        "benchmark": "search",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "queries_per_run": query_count,
        "runs": [],
    }
    queries = query_mix(query_count + 20, seed)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-search-{size}-") as tmp:
            folder = Path(tmp)
            log(f"[{size}] seeding {size} vacancies and {size} candidates...")
            app, seed_seconds = build_database(size, folder, seed)
            log(f"[{size}] seeded in {seed_seconds:.1f}s")
            with app.app_context():
                with Session(db.engine) as session:
                    documents = list(live_vacancy_documents(session, 1000, release=True))
                for engine in engines(engine_names, folder, es_url):
                    log(f"[{size}] {engine.name}: indexing {len(documents)} live vacancies...")
                    started = time.perf_counter()
                    loaded = engine.rebuild(iter(documents))
                    index_seconds = time.perf_counter() - started
                    log(f"[{size}] {engine.name}: {loaded} documents in {index_seconds:.1f}s; querying...")
                    for warm in queries[:20]:
                        engine.search(warm)
                    latencies, totals = [], []
                    for query in queries[20:]:
                        started = time.perf_counter()
                        result = engine.search(query)
                        latencies.append((time.perf_counter() - started) * 1000)
                        totals.append(result.total)
                    run_result = {
                        "engine": engine.name,
                        "vacancies": size,
                        "live_documents": loaded,
                        "seed_seconds": round(seed_seconds, 2),
                        "bulk_index_seconds": round(index_seconds, 2),
                        "bulk_index_docs_per_second": round(loaded / index_seconds, 1) if index_seconds else None,
                        "latency_ms": {
                            "p50": round(percentile(latencies, 50), 2),
                            "p95": round(percentile(latencies, 95), 2),
                            "p99": round(percentile(latencies, 99), 2),
                            "mean": round(statistics.fmean(latencies), 2),
                            "max": round(max(latencies), 2),
                        },
                        "mean_hits_per_query": round(statistics.fmean(totals), 1),
                    }
                    results["runs"].append(run_result)
                    log(f"[{size}] {engine.name}: p50 {run_result['latency_ms']['p50']} ms, "
                        f"p95 {run_result['latency_ms']['p95']} ms, p99 {run_result['latency_ms']['p99']} ms")
                    if engine.name == "elasticsearch":
                        engine.drop()
                db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated vacancy counts")
    parser.add_argument("--queries", type=int, default=300, help="timed queries per engine and size")
    parser.add_argument("--engines", default="sqlite,elasticsearch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    results = run(sizes, args.queries, [e for e in args.engines.split(",") if e], args.seed)
    print(json.dumps(results, indent=2))
    log(f"bench-search: {len(results['runs'])} runs over sizes {sizes} in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
