"""Matching benchmark, as JSON: encoding throughput (PyTorch fp32 beside int8 on OpenVINO, in turns), and the latency
of the top 50 candidates for one vacancy among 10k and 100k candidates — NumPy brute force (the baseline),
today's matching.scoring.rank_candidates and matching.ranking.top_candidates in turns, and kNN
(Elasticsearch `dense_vector`, int8 HNSW as before and int8 flat as now, filters for the hard constraints,
with and without rescoring from the float vectors) followed by the same
hybrid re-ranking, with its agreement with the exact top 50.

    python -m bench.matching --sizes 10000,100000 --queries 30
    python -m bench.matching --encoding-only          # the encoder comparison alone (about a minute)

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


def encoding(texts: list[str], chunk: int, fp32) -> tuple[dict[str, Any], np.ndarray]:
    """PyTorch fp32 (the baseline) and int8 on OpenVINO over the same texts, a chunk of each in turn, so load from
    other work falls on both; every int8 vector's cosine to its fp32 twin."""
    import openvino

    from matching.encoder import ACTIVATION_GROUP, Int8Encoder
    from matching.onnx_export import MODEL_FILE

    int8 = Int8Encoder()
    log("bench-matching: loading both encoders and warming up...")
    fp32.encode(texts[:16])
    int8.encode(texts[:16])
    seconds = {"pytorch_fp32": 0.0, "int8": 0.0}
    base, quantised = [], []
    for start in range(0, len(texts), chunk):
        part = texts[start:start + chunk]
        for name, encoder, out in (("pytorch_fp32", fp32, base), ("int8", int8, quantised)):
            began = time.perf_counter()
            out.append(encoder.encode(part))
            seconds[name] += time.perf_counter() - began
        log(f"bench-matching: encoded {start + len(part)}/{len(texts)} texts with each")
    base_vectors, int8_vectors = np.vstack(base), np.vstack(quantised)
    cosine = np.sum(base_vectors * int8_vectors, axis=1)
    result = {
        "texts": len(texts), "mean_characters": round(statistics.fmean(len(t) for t in texts)), "chunk": chunk,
        "pytorch_fp32": {"batch_size": fp32.batch_size, "seconds": round(seconds["pytorch_fp32"], 2),
                         "texts_per_second": round(len(texts) / seconds["pytorch_fp32"], 1)},
        "int8": {"batch_size": int8.batch_size, "seconds": round(seconds["int8"], 2),
                 "texts_per_second": round(len(texts) / seconds["int8"], 1), "model": int8.name,
                 "file": MODEL_FILE, "runtime": f"OpenVINO {openvino.__version__}",
                 "activation_group": ACTIVATION_GROUP},
        "speed_up": round(seconds["pytorch_fp32"] / seconds["int8"], 2),
        "cosine_int8_to_fp32": {"min": round(float(cosine.min()), 4), "mean": round(float(cosine.mean()), 4)},
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    return result, base_vectors


def brute_force(matrix: np.ndarray, vector: np.ndarray, k: int = 50) -> np.ndarray:
    """The baseline: NumPy over every vector, no constraints, no re-ranking."""
    similarities = matrix @ vector
    top = np.argpartition(-similarities, k - 1)[:k]
    return top[np.argsort(-similarities[top])]


def run(sizes: list[int], query_count: int, seed: int, es_url: str | None, index_types: list[str],
        num_candidates: list[int], chunk: int, skip_encoding: bool, base_texts: int = BASE_TEXTS,
        knn_sizes: set[int] | None = None, oversamples: list[float] | None = None) -> dict[str, Any]:
    from matching.encoder import Encoder
    from matching.evaluation import build
    from matching.ranking import CandidatePool, top_candidates
    from matching.scoring import rank_candidates
    from matching.text import candidate_text, vacancy_text

    results: dict[str, Any] = {
        "benchmark": "matching",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "note": "2 cores shared with other engineers' work; baselines run interleaved with their candidates"},
    }
    labelled = build(vacancies=query_count, candidates=base_texts, seed=seed)
    texts = [candidate_text(c) for c in labelled.candidates]
    queries = labelled.vacancies
    fp32 = Encoder()
    if skip_encoding:
        base = fp32.encode(texts)
    else:
        results["encoding"], base = encoding(texts, chunk, fp32)
        log(f"bench-matching: fp32 {results['encoding']['pytorch_fp32']['texts_per_second']} texts/s, int8 "
            f"{results['encoding']['int8']['texts_per_second']} texts/s, worst cosine "
            f"{results['encoding']['cosine_int8_to_fp32']['min']}")
    query_vectors = fp32.encode([vacancy_text(v) for v in queries])
    results.update({"queries_per_run": len(queries), "top": 50, "runs": []})
    for size in sizes:
        people = population(size, seed)
        matrix = scale_vectors(base, size, seed)
        started = time.perf_counter()
        pool = CandidatePool.of(people, matrix)
        pool_seconds = time.perf_counter() - started
        table = pool.table.__class__.of(people)
        log(f"[{size}] exact: {len(queries)} vacancies, brute force / today's rank_candidates / matching.ranking in turn...")
        brute_force(matrix, query_vectors[0])
        rank_candidates(queries[0], query_vectors[0], people, matrix, table, limit=50)
        top_candidates(queries[0], query_vectors[0], pool, limit=50)  # warm
        timings: dict[str, list[float]] = {"numpy_brute_force": [], "rank_candidates_before": [], "ranking_after": []}
        exact_top, agreement = [], []
        for vacancy, vector in zip(queries, query_vectors):
            began = time.perf_counter()
            brute_force(matrix, vector)
            timings["numpy_brute_force"].append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            before = rank_candidates(vacancy, vector, people, matrix, table, limit=50)
            timings["rank_candidates_before"].append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            after = top_candidates(vacancy, vector, pool, limit=50)
            timings["ranking_after"].append((time.perf_counter() - began) * 1000)
            exact_top.append([m.candidate_id for m in after])
            agreement.append([m.candidate_id for m in before] == exact_top[-1])
        run_result: dict[str, Any] = {
            "candidates": size,
            "exact": {name: {"latency_ms": summary(samples)} for name, samples in timings.items()},
        }
        run_result["exact"]["ranking_after"].update({
            "pool_build_seconds": round(pool_seconds, 2),
            "same_top50_as_before": f"{sum(agreement)}/{len(agreement)}",
            "allowed_share_mean": round(statistics.fmean(
                float(pool.table.mask_for(v).mean()) for v in queries), 3),
        })
        log(f"[{size}] exact p50: brute force {run_result['exact']['numpy_brute_force']['latency_ms']['p50']} ms, "
            f"before {run_result['exact']['rank_candidates_before']['latency_ms']['p50']} ms, "
            f"after {run_result['exact']['ranking_after']['latency_ms']['p50']} ms")
        if es_url and (knn_sizes is None or size in knn_sizes):
            run_result["knn"] = knn_runs(es_url, people, matrix, queries, query_vectors, exact_top, index_types,
                                         num_candidates, size, oversamples or [0.0])
        results["runs"].append(run_result)
    return results


def knn_runs(es_url, people, matrix, queries, query_vectors, exact_top, index_types, num_candidates, size,
             oversamples=(0.0,)):
    """Elasticsearch kNN with the constraints as filters, re-ranked by the hybrid score as the app does, for each
    index type, num_candidates and rescore oversample (0: none); agreement is the share of the exact top 50 found
    in kNN's top 50.

    Each vacancy's time is split into the kNN call (filters built, request, response read) with Elasticsearch's
    own `took` inside it, and the re-ranking in Python. The call is also made as before (whole response, total
    hits counted), in alternating order; `latency_with_rerank_before_ms` is that call plus the re-ranking
    before. The re-ranking before (`failures` and `assess` on every hit, then `explain` for 50) runs on the same
    hits beside today's (`matching.ranking.rerank`: NumPy bounds, then `failures` and `assess` only for those who
    can reach the top 50), in alternating order, and the two must give the same 50. Every index is built first and
    each vacancy goes through every setting in turn (a different one first each time), so load from other work
    falls on all of them. One more search per setting asks Elasticsearch for its profile (vector operations)."""
    import copy

    from elasticsearch import ApiError

    from matching.constraints import es_candidate_filters, failures
    from matching.ranking import rerank
    from matching.scoring import assess, explain
    from matching.weights import SHORTLIST
    from webapp.search.elastic import new_client
    from webapp.search.vectors import CANDIDATE_MAPPING, VectorIndex, candidate_vector_document

    by_id = {c.id: c for c in people}

    def rerank_before(vacancy, hits):
        scored = [assess(vacancy, by_id[i], cos, explain=False) for i, cos in hits
                  if not failures(vacancy, by_id[i], for_recruiter=True)]
        scored.sort(key=lambda m: (-m.score, m.candidate_id))
        return [explain(vacancy, by_id[m.candidate_id], m) for m in scored[:50]]

    def rerank_after(vacancy, hits):
        return rerank(vacancy, [by_id[i] for i, _ in hits], [cos for _, cos in hits], limit=50)

    client = new_client(es_url, 300)
    out: list[dict[str, Any]] = []
    built: dict[str, tuple[VectorIndex, float, float]] = {}
    try:
        for index_type in index_types:  # every index built first, so their settings can be timed in turns
            mapping = copy.deepcopy(CANDIDATE_MAPPING)
            mapping["properties"]["vector"]["index_options"] = {"type": index_type}
            index = VectorIndex(client, es_url, f"bench-matching-{os.getpid()}-{index_type}", mapping, 0)
            log(f"[{size}] kNN {index_type}: indexing {size} candidate vectors...")
            began = time.perf_counter()
            index.rebuild(candidate_vector_document(c, v) for c, v in zip(people, matrix))
            index_seconds = time.perf_counter() - began
            # one segment, as a settled index has: kNN searches each segment's graph
            began = time.perf_counter()
            client.options(request_timeout=900).indices.forcemerge(index=index.alias, max_num_segments=1)
            built[index_type] = (index, index_seconds, time.perf_counter() - began)

        def search(setting, vacancy, vector):
            index_type, nc, oversample = setting
            return built[index_type][0].knn_search(vector, k=SHORTLIST, filters=es_candidate_filters(vacancy),
                                                   num_candidates=nc, oversample=oversample or None)

        def search_before(setting, vacancy, vector):
            """The request as VectorIndex.knn sent it before: whole response, total hits counted."""
            index_type, nc, oversample = setting
            body = {"field": "vector", "query_vector": [float(x) for x in vector], "k": SHORTLIST,
                    "num_candidates": nc, "filter": es_candidate_filters(vacancy)}
            if oversample:
                body["rescore_vector"] = {"oversample": oversample}
            response = client.search(index=built[index_type][0].alias, knn=body, size=SHORTLIST, _source=False)
            return [(int(h["_id"]), 2.0 * float(h["_score"]) - 1.0) for h in response["hits"]["hits"]]

        settings = []
        for setting in ((t, max(nc, SHORTLIST), o) for t in index_types for nc in num_candidates for o in oversamples):
            try:
                search(setting, queries[0], query_vectors[0])  # warm
            except ApiError as exc:  # a setting this index type does not take (rescoring a float index)
                out.append({"index_type": setting[0], "num_candidates": setting[1], "rescore_oversample": setting[2],
                            "error": str(exc)[:300]})
                log(f"[{size}] kNN {setting}: refused ({exc})")
                continue
            search_before(setting, queries[0], query_vectors[0])
            rerank_before(queries[0], search(setting, queries[0], query_vectors[0]).hits)
            rerank_after(queries[0], search(setting, queries[0], query_vectors[0]).hits)
            settings.append(setting)
        # A served index was built long before it is searched. Right after a 100k bulk load and merge,
        # Elasticsearch is still collecting the load's garbage (on a 512 MB heap, a pause every few seconds and
        # back-to-back marking cycles on the two cores), and its `took` was about twice a settled node's. So every
        # vacancy goes through every setting once, untimed, and the node is left until it idles.
        for vacancy, vector in zip(queries, query_vectors):
            for setting in settings:
                search(setting, vacancy, vector)
        settled = settle(client)
        log(f"[{size}] kNN: warmed with {len(queries) * len(settings)} searches; Elasticsearch idle after {settled} s")
        log(f"[{size}] kNN: {len(settings)} settings, each vacancy through all of them in turn...")
        times = {setting: {name: [] for name in ("knn_call", "knn_call_before", "took", "rerank_before",
                                                 "rerank_after", "total_before", "total_after")}
                 for setting in settings}
        counts = {setting: {"overlaps": [], "same": 0, "same_hits": 0, "hits": []} for setting in settings}
        for n, ((vacancy, vector), exact_ids) in enumerate(zip(zip(queries, query_vectors), exact_top)):
            for setting in settings[n % len(settings):] + settings[:n % len(settings)]:  # a different first each time
                took, seen = times[setting], counts[setting]
                for name in (("knn_call", "knn_call_before") if n % 2 else ("knn_call_before", "knn_call")):
                    began = time.perf_counter()
                    if name == "knn_call":
                        found = search(setting, vacancy, vector)
                    else:
                        hits_before = search_before(setting, vacancy, vector)
                    took[name].append((time.perf_counter() - began) * 1000)
                seen["same_hits"] += hits_before == found.hits
                took["took"].append(found.took_ms)
                seen["hits"].append(len(found.hits))
                answers = {}
                turns = (("rerank_before", rerank_before), ("rerank_after", rerank_after))
                for name, rank in (turns if n % 2 else turns[::-1]):
                    began = time.perf_counter()
                    answers[name] = rank(vacancy, found.hits)
                    took[name].append((time.perf_counter() - began) * 1000)
                took["total_before"].append(took["knn_call_before"][-1] + took["rerank_before"][-1])
                took["total_after"].append(took["knn_call"][-1] + took["rerank_after"][-1])
                top = answers["rerank_after"]
                seen["same"] += [m.candidate_id for m in top] == [m.candidate_id for m in answers["rerank_before"]]
                if exact_ids:
                    seen["overlaps"].append(len({m.candidate_id for m in top} & set(exact_ids)) / len(exact_ids))
        for setting in settings:
            (index_type, nc, oversample), took, seen = setting, times[setting], counts[setting]
            index, index_seconds, merge_seconds = built[index_type]
            overlaps = seen["overlaps"]
            result = {"index_type": index_type, "k": SHORTLIST, "num_candidates": nc,
                      "rescore_oversample": oversample or None,
                      "latency_ms": summary(took["total_after"]),
                      "latency_with_rerank_before_ms": summary(took["total_before"]),
                      "knn_call_ms": summary(took["knn_call"]),
                      "knn_call_before_ms": summary(took["knn_call_before"]),
                      "same_hits_both_requests": f"{seen['same_hits']}/{len(queries)}",
                      "elasticsearch_took_ms": summary(took["took"]),
                      "rerank_ms": {"before": summary(took["rerank_before"]), "after": summary(took["rerank_after"])},
                      "rerank_same_top50": f"{seen['same']}/{len(queries)}",
                      "hits_mean": round(statistics.fmean(seen["hits"]), 1),
                      "profile": knn_profile(client, index.alias, queries[0], query_vectors[0], nc, oversample,
                                             SHORTLIST),
                      "bulk_index_seconds": round(index_seconds, 1),
                      "warm_up_searches": len(queries) * len(settings), "idle_after_seconds": settled,
                      "force_merge_seconds": round(merge_seconds, 1),
                      "agreement_with_exact_top50": round(statistics.fmean(overlaps), 3) if overlaps else None,
                      "worst_query_agreement": round(min(overlaps), 3) if overlaps else None}
            out.append(result)
            log(f"[{size}] kNN {index_type} num_candidates={nc} oversample={oversample}: p50 "
                f"{result['latency_ms']['p50']} ms (took {result['elasticsearch_took_ms']['p50']}, rerank "
                f"{result['rerank_ms']['before']['p50']} -> {result['rerank_ms']['after']['p50']} ms), "
                f"agreement {result['agreement_with_exact_top50']} (worst {result['worst_query_agreement']})")
        out.append({"load_average_after": [round(x, 2) for x in os.getloadavg()]})
    finally:
        for index, _, _ in built.values():
            index.drop()
    return out


def settle(client, idle_percent: int = 5, polls: int = 3, limit_seconds: float = 90.0) -> float:
    """Seconds until Elasticsearch's process used at most `idle_percent` of a CPU in `polls` one-second polls
    running (at most `limit_seconds`: then it is measured as it is, and the JSON says how long it was given)."""
    began = time.perf_counter()
    quiet = 0
    while quiet < polls and time.perf_counter() - began < limit_seconds:
        time.sleep(1)
        stats = client.nodes.stats(metric="process")["nodes"]
        busiest = max(node["process"]["cpu"]["percent"] for node in stats.values())
        quiet = quiet + 1 if busiest <= idle_percent else 0
    return round(time.perf_counter() - began, 1)


def knn_profile(client, alias, vacancy, vector, num_candidates, oversample, k):
    """One search with Elasticsearch's profiler on: vector comparisons made and where the time went."""
    from matching.constraints import es_candidate_filters

    body = {"field": "vector", "query_vector": [float(x) for x in vector], "k": k,
            "num_candidates": num_candidates, "filter": es_candidate_filters(vacancy)}
    if oversample:
        body["rescore_vector"] = {"oversample": oversample}
    response = client.search(index=alias, knn=body, size=k, _source=False, profile=True)
    found = {"took_ms": response["took"]}
    for shard in response.get("profile", {}).get("shards", []):
        for entry in shard.get("dfs", {}).get("knn", []):
            found["vector_operations_count"] = entry.get("vector_operations_count")
            found["rewrite_ms"] = round(entry.get("rewrite_time", 0) / 1e6, 2)
            found["query_ms"] = round(sum(q.get("time_in_nanos", 0) for q in entry.get("query", [])) / 1e6, 2)
            found["collector_ms"] = round(sum(c.get("time_in_nanos", 0) for c in entry.get("collector", [])) / 1e6, 2)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated candidate counts")
    parser.add_argument("--queries", type=int, default=30, help="timed vacancies per size and method")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--index-types", default="int8_hnsw,int8_flat", help="dense_vector index types to compare")
    parser.add_argument("--num-candidates", default="3000", help="kNN num_candidates values to compare")
    parser.add_argument("--oversample", default="0,1",
                        help="kNN rescore_vector oversample values to compare (0: no rescoring; quantised types only)")
    parser.add_argument("--chunk", type=int, default=128, help="texts per turn when encoders alternate")
    parser.add_argument("--knn-sizes", default="", help="sizes to run kNN at (default: every size)")
    parser.add_argument("--texts", type=int, default=BASE_TEXTS, help="distinct profile texts encoded")
    parser.add_argument("--skip-encoding", action="store_true", help="leave out the encoder comparison")
    parser.add_argument("--encoding-only", action="store_true", help="only the encoder comparison (no sizes, no kNN)")
    args = parser.parse_args(argv)
    if args.encoding_only and args.skip_encoding:
        parser.error("--encoding-only and --skip-encoding leave nothing to run")
    if args.encoding_only:
        args.sizes = ""
    url = os.environ.get("CSWJOBS_SEARCH_URL", "")
    es_url = url if url.startswith("http") else None
    if not es_url and not args.encoding_only:
        log("bench-matching: CSWJOBS_SEARCH_URL is not an Elasticsearch URL: kNN is left out (make bench-matching sets it)")
    started = time.perf_counter()
    results = run([int(s) for s in args.sizes.split(",") if s], args.queries, args.seed, es_url,
                  [t for t in args.index_types.split(",") if t], [int(n) for n in args.num_candidates.split(",") if n],
                  args.chunk, args.skip_encoding, args.texts,
                  {int(n) for n in args.knn_sizes.split(",") if n} or None,
                  [float(n) for n in args.oversample.split(",") if n])
    print(json.dumps(results, indent=2))
    log(f"bench-matching: {len(results['runs'])} sizes in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
