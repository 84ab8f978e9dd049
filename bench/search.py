"""Search benchmark: query latency and full reindex for each engine, against their baselines, as JSON.

    python -m bench.search --sizes 10000,100000 --queries 300 --baseline-queries 60

For each size it builds a fresh SQLite database with `seed_scale` (deterministic) and, in the
same run so a busy machine slows every figure alike:

* **the naive board**: the same live vacancies copied into a PostgreSQL table with no index but
  its key, searched the way a first jobs board would be: every keyword `title ILIKE '%w%' OR
  description ILIKE '%w%'`, the filters in the WHERE clause, a count, a page, and one GROUP BY
  per facet (each leaving out its own filter) — the baseline for Elasticsearch's speed-up;
* **today's code** (bench/before.py: the search modules as they were before issue 15, read from
  git): a full reindex from the database and the same queries, on each engine;
* **the current engines**: the same reindex and queries, and whether every query's answer
  (total, page of ids, every facet's counts) is the same as today's code gives.

The mix: keywords in two of three queries (phrases, the profession's abbreviations, a
misspelling), one to three filters (role level, service area, sub-region, council, contract type,
minimum salary, distance), every facet counted, a sort and a page from 1 to 3; 20 warm-up queries
first. The load average is recorded at the start of each size and each engine. Progress goes to
stderr; the JSON goes to stdout.
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
from typing import Any, Callable

KEYWORDS = [
    "", "", "child protection", "senior practitioner", "CP", "NQSW", "fostering", "team manager MASH",
    "assessment", "care leavers", "protecton", "disabled children", "youth justice", "adoption", "CLA",
    "advanced practitioner", "edge of care", "IRO", "hybrid", "exploitation",
]
SORTS = ["relevance", "relevance", "newest", "salary", "closing"]
WARM_UP = 20


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * pct / 100
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def latency(samples: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(samples, 50), 2),
        "p95": round(percentile(samples, 95), 2),
        "p99": round(percentile(samples, 99), 2),
        "mean": round(statistics.fmean(samples), 2),
        "max": round(max(samples), 2),
        "queries": len(samples),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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
    """Today's engines by name (bench.alerts uses these too)."""
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


def answer(result: Any) -> tuple:
    """What must not change between implementations: the total, the page of ids, every facet's counts."""
    return result.total, tuple(result.ids), tuple(sorted((k, tuple(v)) for k, v in result.facets.items()))


def time_queries(search: Callable[[Any], Any], queries: list[Any], label: str,
                 warm_up: int = WARM_UP) -> tuple[list[float], list[Any]]:
    """Time queries[WARM_UP:], after running the first ``warm_up`` of the warm-up queries."""
    for warm in queries[:warm_up]:
        search(warm)
    latencies, results = [], []
    for n, query in enumerate(queries[WARM_UP:], 1):
        started = time.perf_counter()
        result = search(query)
        latencies.append((time.perf_counter() - started) * 1000)
        results.append(result)
        if n % 50 == 0:
            log(f"  {label}: {n}/{len(queries) - WARM_UP} queries")
    return latencies, results


# --- the naive PostgreSQL board (the baseline for Elasticsearch) -------------------------

BOARD_COLUMNS = ("id", "title", "description", "status", "closing_date", "published_at", "salary_min", "salary_max",
                 "caseload_max", "protected_caseload_nqsw", "funded_development", "latitude", "longitude",
                 "organisation_slug", "sub_region", "role_level", "service_area", "contract_type", "working_pattern",
                 "hybrid_pattern")
BOARD_ORDER = {"newest": "published_at DESC, id DESC", "salary": "salary_max DESC NULLS LAST, salary_min DESC, id DESC",
               "closing": "closing_date ASC, published_at DESC, id DESC"}
HAVERSINE = ("2 * 3958.8 * asin(sqrt(power(sin(radians(latitude - %s) / 2), 2) + cos(radians(%s)) * "
             "cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2)))")


def board_load(conninfo: str, documents: list[dict]) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS board")
        conn.execute("""CREATE TABLE board (id integer PRIMARY KEY, title text, description text, status text,
            closing_date date, published_at timestamp, salary_min integer, salary_max integer, caseload_max integer,
            protected_caseload_nqsw boolean, funded_development boolean, latitude double precision,
            longitude double precision, organisation_slug text, sub_region text, role_level text, service_area text,
            contract_type text, working_pattern text, hybrid_pattern text)""")
        with conn.cursor() as cur, cur.copy(f"COPY board ({', '.join(BOARD_COLUMNS)}) FROM STDIN") as copy:
            for d in documents:
                location = d.get("location") or {}
                row = {**d, "latitude": location.get("lat"), "longitude": location.get("lon")}
                copy.write_row([row.get(c) for c in BOARD_COLUMNS])
        conn.execute("ANALYZE board")
    return time.perf_counter() - started


class NaiveBoard:
    """One search the way a first board would do it: ILIKE scans and a GROUP BY per facet."""

    def __init__(self, conninfo: str):
        import psycopg

        self.conn = psycopg.connect(conninfo, autocommit=True)

    def close(self) -> None:
        self.conn.close()

    def search(self, query: Any) -> dict[str, Any]:
        from webapp.search.query import FACETS, keyword_terms

        clauses, params = ["status = 'live'", "closing_date >= %s"], [query.today]
        for term in keyword_terms(query.keywords):
            options = []
            for text in term.any_of:
                options.append("title ILIKE %s OR description ILIKE %s")
                params += [f"%{text}%", f"%{text}%"]
            clauses.append("(" + " OR ".join(options) + ")")
        if query.salary_min is not None:
            clauses.append("salary_max >= %s")
            params.append(query.salary_min)
        if query.near is not None:
            clauses.append(f"{HAVERSINE} <= %s")
            params += [query.near.latitude, query.near.latitude, query.near.longitude, query.near.miles]

        def facet_clauses(leave_out: str | None) -> tuple[list[str], list[Any]]:
            extra, extra_params = [], []
            for name, (column, _) in FACETS.items():
                values = getattr(query, name)
                if values and name != leave_out:
                    extra.append(f"{column} = ANY(%s)")
                    extra_params.append(list(values))
            return extra, extra_params

        extra, extra_params = facet_clauses(None)
        where = " AND ".join(clauses + extra)
        total = self.conn.execute(f"SELECT count(*) FROM board WHERE {where}", params + extra_params).fetchone()[0]
        order = BOARD_ORDER.get(query.effective_sort.value, "published_at DESC, id DESC")
        ids = [r[0] for r in self.conn.execute(f"SELECT id FROM board WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                                               params + extra_params + [query.per_page, query.offset])]
        facets = {}
        for name, (column, _) in FACETS.items():
            extra, extra_params = facet_clauses(name)
            facets[name] = self.conn.execute(
                f"SELECT {column}, count(*) AS n FROM board WHERE {' AND '.join(clauses + extra)} "
                f"AND {column} IS NOT NULL GROUP BY {column} ORDER BY n DESC, {column}", params + extra_params).fetchall()
        return {"total": total, "ids": ids, "facets": facets}


# --- the runs ----------------------------------------------------------------------------

def reindex_with(sync_module: Any, engine: Any) -> tuple[int, float]:
    """A full reindex from the database, the way `flask search reindex` runs it."""
    started = time.perf_counter()
    report = sync_module.reindex(engine=engine)
    return report.documents, time.perf_counter() - started


def engine_pair(name: str, before: dict, folder: Path, es_url: str | None) -> tuple[Any, Any]:
    """Today's code (None with --no-before) and the current code for one engine."""
    if name == "sqlite":
        from webapp.search.sqlite_engine import SqliteSearchEngine

        return (before["sqlite_engine"].SqliteSearchEngine(folder / "before-search.sqlite3") if before else None,
                SqliteSearchEngine(folder / "bench-search.sqlite3"))
    if not es_url:
        raise SystemExit("bench: set CSWJOBS_SEARCH_URL to an Elasticsearch URL (make bench-search does).")
    from webapp.search.elastic_engine import ElasticsearchEngine

    # Prefixes of their own, so another benchmark's "bench" index is never touched.
    prefix = os.environ.get("BENCH_SEARCH_PREFIX", "bench-search")
    return (before["elastic_engine"].ElasticsearchEngine(es_url, prefix=f"{prefix}-before") if before else None,
            ElasticsearchEngine(es_url, prefix=prefix))


def run_engine(name: str, size: int, before: dict, folder: Path, es_url: str | None, queries: list[Any],
               with_before: bool) -> dict[str, Any]:
    from webapp.search import sync

    old, new = engine_pair(name, before, folder, es_url)
    out: dict[str, Any] = {"engine": name, "vacancies": size, "load_average_at_start": load_average()}
    old_answers = None
    if with_before:
        log(f"[{size}] {name} (today's code): full reindex...")
        loaded, seconds = reindex_with(before["sync"], old)
        log(f"[{size}] {name} (today's code): {loaded} documents in {seconds:.1f}s; querying...")
        latencies, results = time_queries(old.search, queries, f"{name} before")
        old_answers = [answer(r) for r in results]
        out["before"] = {"reindex_seconds": round(seconds, 2), "documents": loaded, "latency_ms": latency(latencies)}
        log(f"[{size}] {name} (today's code): {out['before']['latency_ms']}")
        if name == "elasticsearch":
            old.drop()
    log(f"[{size}] {name}: full reindex...")
    out["load_average_after_before"] = load_average()
    loaded, seconds = reindex_with(sync, new)
    log(f"[{size}] {name}: {loaded} documents in {seconds:.1f}s; querying...")
    latencies, results = time_queries(new.search, queries, name)
    out["after"] = {"reindex_seconds": round(seconds, 2), "documents": loaded, "latency_ms": latency(latencies),
                    "mean_hits_per_query": round(statistics.fmean(r.total for r in results), 1)}
    out["latencies_after"] = latencies
    if old_answers is not None:
        new_answers = [answer(r) for r in results]
        differ = [n for n, (a, b) in enumerate(zip(old_answers, new_answers)) if a != b]
        # Where they differ: the totals, and how much of the page is the same jobs.
        out["same_answers_as_before"] = {
            "queries": len(new_answers), "identical": len(new_answers) - len(differ), "differ": len(differ),
            "page_overlap_where_different": round(statistics.fmean(
                len(set(old_answers[n][1]) & set(new_answers[n][1])) / max(1, len(old_answers[n][1]))
                for n in differ), 3) if differ else None,
            "differing": [{"keywords": queries[WARM_UP + n].keywords, "total_before": old_answers[n][0],
                           "total_after": new_answers[n][0]} for n in differ[:10]],
        }
        b, a = out["before"], out["after"]
        out["speed_up_vs_before"] = {p: round(b["latency_ms"][p] / a["latency_ms"][p], 1) for p in ("p50", "p99")}
        out["reindex_speed_up_vs_before"] = round(b["reindex_seconds"] / a["reindex_seconds"], 2)
    log(f"[{size}] {name}: {out['after']['latency_ms']}; reindex {seconds:.1f}s")
    if name == "elasticsearch":
        new.drop()
    return out


def run_board(size: int, documents: list[dict], queries: list[Any], count: int) -> tuple[dict[str, Any], list[float]]:
    from bench.analytics import _drop_postgres_database, _postgres_database

    server = os.environ.get("CSWJOBS_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        raise SystemExit("bench: set CSWJOBS_DATABASE_URL to a PostgreSQL server (make bench-search does).")
    import sqlalchemy as sa

    name = os.environ.get("BENCH_SEARCH_PREFIX", "bench-search").replace("-", "_")  # a database of its own
    url = sa.make_url(_postgres_database(server, name)).set(drivername="postgresql")
    conninfo = url.render_as_string(hide_password=False)
    try:
        log(f"[{size}] naive PostgreSQL board: loading {len(documents)} rows...")
        out: dict[str, Any] = {"engine": "postgresql-ilike-board", "vacancies": size,
                               "load_average_at_start": load_average()}
        out["load_seconds"] = round(board_load(conninfo, documents), 2)
        board = NaiveBoard(conninfo)
        try:
            # Three warm-up queries: enough for PostgreSQL's caches, and each takes seconds at 100k.
            latencies, results = time_queries(board.search, queries[:WARM_UP + count], "naive board", warm_up=3)
        finally:
            board.close()
        out["latency_ms"] = latency(latencies)
        out["mean_hits_per_query"] = round(statistics.fmean(r["total"] for r in results), 1)
        log(f"[{size}] naive board: {out['latency_ms']}")
        return out, latencies
    finally:
        _drop_postgres_database(server, name)


def run(sizes: list[int], query_count: int, baseline_count: int, engine_names: list[str], seed: int,
        with_before: bool) -> dict[str, Any]:
    from sqlalchemy.orm import Session

    from bench import before as before_code
    from webapp.extensions import db
    from webapp.search.sync import live_vacancy_documents

    es_url = os.environ.get("CSWJOBS_SEARCH_URL") if os.environ.get("CSWJOBS_SEARCH_URL", "").startswith("http") else None
    results: dict[str, Any] = {
        "benchmark": "search",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "note": "2 cores shared with other engineers' work; Elasticsearch test distribution, 512 MB heap"},
        "load_average_at_start": load_average(),
        "before_revision": before_code.BEFORE_REVISION,
        "queries_per_run": query_count,
        "baseline_queries_per_run": baseline_count,
        "runs": [],
    }
    before = before_code.load() if with_before else {}
    queries = query_mix(query_count + WARM_UP, seed)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-search-{size}-") as tmp:
            folder = Path(tmp)
            size_run: dict[str, Any] = {"vacancies": size, "load_average_at_start": load_average()}
            log(f"[{size}] seeding {size} vacancies and {size} candidates... (load average {size_run['load_average_at_start']})")
            app, seed_seconds = build_database(size, folder, seed)
            size_run["seed_seconds"] = round(seed_seconds, 2)
            log(f"[{size}] seeded in {seed_seconds:.1f}s")
            with app.app_context():
                board_latencies = None
                if "elasticsearch" in engine_names and baseline_count:
                    with Session(db.engine) as session:
                        documents = list(live_vacancy_documents(session, 1000, release=True))
                    size_run["naive_board"], board_latencies = run_board(size, documents, queries, baseline_count)
                    del documents
                for name in engine_names:
                    engine_run = run_engine(name, size, before, folder, es_url, queries, with_before)
                    latencies = engine_run.pop("latencies_after")
                    if name == "elasticsearch" and board_latencies:
                        # The same queries, so the ratio compares like with like.
                        same = latency(latencies[:len(board_latencies)])
                        board = size_run["naive_board"]["latency_ms"]
                        engine_run["versus_naive_board"] = {
                            "queries": len(board_latencies), "elasticsearch_on_these_queries": same,
                            "speed_up_p50": round(board["p50"] / same["p50"], 1),
                            "speed_up_p99": round(board["p99"] / same["p99"], 1),
                        }
                        log(f"[{size}] elasticsearch vs naive board: {engine_run['versus_naive_board']['speed_up_p50']}x at p50")
                    size_run[name] = engine_run
                    log(f"[{size}] {name} result: {json.dumps(engine_run)}")  # kept even if a later step fails
                db.engine.dispose()
            results["runs"].append(size_run)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated vacancy counts")
    parser.add_argument("--queries", type=int, default=300, help="timed queries per engine and size")
    parser.add_argument("--baseline-queries", type=int, default=60,
                        help="timed queries on the naive PostgreSQL board (the first of the same mix); 0 skips it")
    parser.add_argument("--engines", default="sqlite,elasticsearch")
    parser.add_argument("--no-before", action="store_true", help="skip today's code (quicker, no speed-up figures)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    results = run(sizes, args.queries, args.baseline_queries, [e for e in args.engines.split(",") if e], args.seed,
                  not args.no_before)
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results, indent=2))
    log(f"bench-search: {len(results['runs'])} sizes {sizes} in {results['seconds']:.0f}s "
        f"(load average at start {results['load_average_at_start']})")


if __name__ == "__main__":
    main()
