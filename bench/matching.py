"""Matching benchmark, as JSON: encoding throughput, and the latency of the top 50 candidates for
one vacancy among 10k and 100k candidates — exact (NumPy over vectors in memory, after the hard
constraints) and kNN (Elasticsearch `dense_vector`, int8 HNSW, filters for the hard constraints),
both followed by the same hybrid re-ranking.

    python -m bench.matching --sizes 10000,100000 --queries 30

Vectors for the scale test: 1,024 distinct candidate profile texts, generated deterministically
and encoded with the real model (that run is the throughput figure), are re-used cyclically, each
copy nudged by small deterministic noise (sigma 0.02 per dimension, then re-normalised) so no two
candidates tie; each candidate's structured answers are generated afresh. Queries are real encoded
vacancy texts. Progress goes to stderr; the JSON goes to stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from typing import Any

import numpy as np

BASE_TEXTS = 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * pct / 100
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def summary(latencies: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(latencies, 50), 2), "p95": round(percentile(latencies, 95), 2),
            "mean": round(statistics.fmean(latencies), 2), "max": round(max(latencies), 2)}


def population(n: int, seed: int):
    """n candidates' structured answers (the text-derived vector is assigned separately)."""
    from domain.geography import LONDON_BOROUGHS
    from domain.vocabulary import Availability, RoleLevel, ServiceArea
    from matching.text import CandidateFacts

    rng = random.Random(f"bench-matching:{seed}")
    slugs = [b.slug for b in LONDON_BOROUGHS]
    areas = [a.value for a in ServiceArea]
    levels = list(RoleLevel)
    people = []
    for i in range(n):
        level = rng.choice(levels[1:8])
        people.append(CandidateFacts(
            id=i + 1, user_id=i + 1, role_level=level if rng.random() < 0.85 else None,
            specialisms=tuple(rng.sample(areas, rng.randint(1, 3))), home_borough=rng.choice(slugs),
            preferred_boroughs=tuple(rng.sample(slugs, rng.randint(0, 3))),
            max_commute_miles=rng.choice((5, 8, 10, 12, 15, 20)),
            min_salary=(32000 + 4000 * level.rank) if rng.random() < 0.6 else None,
            contract_types=("permanent",) if rng.random() < 0.7 else (),
            working_patterns=("full_time",), availability=rng.choices(list(Availability), (3, 4, 3, 1))[0],
            registered=level != RoleLevel.STUDENT, discoverable=rng.random() < 0.6,
        ))
    return people


def scale_vectors(base: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = base[np.arange(n) % len(base)] + rng.normal(0, 0.02, size=(n, base.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def run(sizes: list[int], query_count: int, seed: int, es_url: str | None) -> dict[str, Any]:
    from matching.constraints import CandidateTable, es_candidate_filters, failures
    from matching.encoder import MODEL_NAME, get_encoder
    from matching.evaluation import build
    from matching.scoring import assess, explain, rank_candidates
    from matching.text import candidate_text, vacancy_text
    from matching.weights import SHORTLIST

    labelled = build(vacancies=query_count, candidates=BASE_TEXTS, seed=seed)
    texts = [candidate_text(c) for c in labelled.candidates]
    encoder = get_encoder()
    log("bench-matching: loading the model and warming up...")
    encoder.encode(texts[:16])
    log(f"bench-matching: encoding {len(texts)} profile texts (batches of {encoder.batch_size})...")
    started = time.perf_counter()
    base = encoder.encode(texts)
    encode_seconds = time.perf_counter() - started
    queries = labelled.vacancies
    query_vectors = encoder.encode([vacancy_text(v) for v in queries])
    results: dict[str, Any] = {
        "benchmark": "matching",
        "model": MODEL_NAME,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "encoding": {"texts": len(texts), "batch_size": encoder.batch_size, "seconds": round(encode_seconds, 2),
                     "texts_per_second": round(len(texts) / encode_seconds, 1),
                     "mean_characters": round(statistics.fmean(len(t) for t in texts))},
        "queries_per_run": len(queries),
        "top": 50,
        "runs": [],
    }
    log(f"bench-matching: {results['encoding']['texts_per_second']} texts/s")
    for size in sizes:
        people = population(size, seed)
        matrix = scale_vectors(base, size, seed)
        started = time.perf_counter()
        table = CandidateTable.of(people)
        table_seconds = time.perf_counter() - started
        log(f"[{size}] exact: ranking {len(queries)} vacancies...")
        rank_candidates(queries[0], query_vectors[0], people, matrix, table, limit=50)  # warm
        exact_latencies, exact_top = [], []
        for vacancy, vector in zip(queries, query_vectors):
            started = time.perf_counter()
            top = rank_candidates(vacancy, vector, people, matrix, table, limit=50)
            exact_latencies.append((time.perf_counter() - started) * 1000)
            exact_top.append([m.candidate_id for m in top])
        run_result: dict[str, Any] = {"candidates": size, "exact": {"latency_ms": summary(exact_latencies),
                                                                     "table_build_seconds": round(table_seconds, 2)}}
        log(f"[{size}] exact p50 {run_result['exact']['latency_ms']['p50']} ms")
        if es_url:
            from webapp.search.vectors import VectorIndices, candidate_vector_document

            indices = VectorIndices(es_url, prefix=f"bench-matching-{os.getpid()}", request_timeout=120)
            log(f"[{size}] kNN: indexing {size} candidate vectors into Elasticsearch...")
            started = time.perf_counter()
            try:
                indices.candidates.rebuild(candidate_vector_document(c, v) for c, v in zip(people, matrix))
                index_seconds = time.perf_counter() - started
                by_id = {c.id: c for c in people}
                knn_latencies, overlaps = [], []

                def knn_top(vacancy, vector):
                    hits = indices.candidates.knn(vector, k=SHORTLIST, filters=es_candidate_filters(vacancy),
                                                  num_candidates=2 * SHORTLIST)
                    scored = [assess(vacancy, by_id[i], cos, explain=False) for i, cos in hits
                              if not failures(vacancy, by_id[i], for_recruiter=True)]
                    scored.sort(key=lambda m: (-m.score, m.candidate_id))
                    return [explain(vacancy, by_id[m.candidate_id], m) for m in scored[:50]]

                knn_top(queries[0], query_vectors[0])
                for (vacancy, vector), exact_ids in zip(zip(queries, query_vectors), exact_top):
                    started = time.perf_counter()
                    top = knn_top(vacancy, vector)
                    knn_latencies.append((time.perf_counter() - started) * 1000)
                    if exact_ids:
                        overlaps.append(len({m.candidate_id for m in top} & set(exact_ids)) / len(exact_ids))
                run_result["knn"] = {
                    "latency_ms": summary(knn_latencies),
                    "bulk_index_seconds": round(index_seconds, 1),
                    "bulk_index_docs_per_second": round(size / index_seconds, 1),
                    "k": SHORTLIST, "num_candidates": 2 * SHORTLIST,
                    "overlap_with_exact_top50": round(statistics.fmean(overlaps), 3) if overlaps else None,
                }
                log(f"[{size}] kNN p50 {run_result['knn']['latency_ms']['p50']} ms, "
                    f"overlap with exact {run_result['knn']['overlap_with_exact_top50']}")
            finally:
                indices.drop()
        results["runs"].append(run_result)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated candidate counts")
    parser.add_argument("--queries", type=int, default=30, help="timed vacancies per size and method")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    url = os.environ.get("CSWJOBS_SEARCH_URL", "")
    es_url = url if url.startswith("http") else None
    if not es_url:
        log("bench-matching: CSWJOBS_SEARCH_URL is not an Elasticsearch URL: kNN is left out (make bench-matching sets it)")
    started = time.perf_counter()
    results = run([int(s) for s in args.sizes.split(",") if s], args.queries, args.seed, es_url)
    print(json.dumps(results, indent=2))
    log(f"bench-matching: {len(results['runs'])} sizes in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
