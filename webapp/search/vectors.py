"""Vectors in Elasticsearch for kNN matching: candidate and vacancy embeddings as `dense_vector`.

Two indices of their own, each behind an alias (`<prefix>-candidate-vectors`,
`<prefix>-vacancy-vectors`), separate from the job search index so that neither rebuild
touches the other. Each document carries the fields the hard constraints filter on
(matching.constraints builds the filters), so kNN returns only candidates who may be shown.
Writes, deletes and rebuilds (new index, load, alias swap) are webapp.search.elastic's, as for the job index.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch, NotFoundError
from flask import Flask, current_app

from domain.vocabulary import Availability, RoleLevel
from matching.constraints import candidate_need_fields, vacancy_need_fields
from matching.encoder import DIMENSIONS
from matching.text import CandidateFacts, VacancyFacts
from webapp.search.elastic import AliasedIndex, new_client
from webapp.search.engine import configured_elasticsearch_url

log = logging.getLogger(__name__)

_KEYWORD = {"type": "keyword"}
# int8_flat: no graph. Every kNN here is filtered by the hard constraints, which let through a small share of the
# candidates (7.7% on average at 100,000); an HNSW graph search then wades through rejected neighbours and
# Lucene ends by comparing every allowed vector anyway (the profile's vector operations equal the filter's
# count). A flat index compares exactly those, on int8 copies (a quarter of float32's reads), builds without
# a graph and merges in seconds. Changing the type needs the index rebuilt (`flask matching reindex`); an
# index built as int8_hnsw is also of an older layout (CANDIDATE_LAYOUT below), so the exact path answers until then.
VECTOR = {"type": "dense_vector", "dims": DIMENSIONS, "index": True, "similarity": "cosine",
          "index_options": {"type": "int8_flat"}}

# kNN's similarities come from the int8 copies: near ties can swap, so 98.8% of the exact top 50 is found (worst
# vacancy 94%; the target is 97%). Rescoring the nearest from the float vectors (`oversample` 1 to 10) finds 100%,
# but cost 11 ms more of Elasticsearch's time per search at 100,000 candidates (docs/benchmarks.md, issue 15), so
# it is left off by default.
RESCORE_OVERSAMPLE: float | None = None

# How many neighbours kNN gathers (per shard) for each result it returns. A flat index compares every allowed
# vector whatever this says (300 and 3,000 gave the same hits in the same time); an HNSW index needs 10 x k to
# find the exact top 50 at 100,000 candidates (1 x k found 81.5%, 3.3 x k 95.8%, 6.7 x k and 13.3 x k 97.9%:
# docs/benchmarks.md), should the index type change again.
NUM_CANDIDATES_PER_K = 10
MAX_NUM_CANDIDATES = 10_000  # Elasticsearch's own ceiling

# What the filters read of a document, numbered: bumped when old documents lack what the filters now need (an
# index is stamped with it when built). An index whose stamp is behind is not searched: matching answers from
# the exact path until `flask matching reindex` has built one afresh (no one vanishes from suggestions in the
# meantime). An index without a stamp is layout 1. Candidates 2: every stated need always present (issue 15).
CANDIDATE_LAYOUT = 2
VACANCY_LAYOUT = 1
LAYOUT_CHECK_SECONDS = 60  # how long a process trusts what it last read of the live index's stamp

CANDIDATE_MAPPING: dict[str, Any] = {
    "_meta": {"layout": CANDIDATE_LAYOUT},
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "user_id": {"type": "long"},
        "role_rank": {"type": "short"},
        "registered": {"type": "boolean"},
        "student": {"type": "boolean"},
        "discoverable": {"type": "boolean"},
        "looking": {"type": "boolean"},
        "home_borough": _KEYWORD,
        "max_commute_miles": {"type": "float"},
        "preferred_boroughs": _KEYWORD,
        "min_salary": {"type": "integer"},
        "contract_types": _KEYWORD,
        "hidden_from": _KEYWORD,  # slugs of councils the candidate hid from
        # Stated needs (matching.constraints.candidate_need_fields): always present, one plain filter each.
        "open_to": _KEYWORD,  # matching.constraints.open_to: rank:contract:hours of the jobs they may be shown for
        "fte_high": {"type": "integer"},  # hundredths of a full-time week
        "only_boroughs": _KEYWORD,
        "commute_reach": _KEYWORD,  # matching.constraints.commute_reach: borough:miles, every mile they would go
        "salary_floor": {"type": "integer"},  # lowest salary against a band's bottom (0: none)
        "salary_floor_in_band": {"type": "integer"},  # ... against its top ("anywhere in the band")
        "needs_protected_caseload": {"type": "boolean"},
        "needs_hybrid": {"type": "boolean"},
        "vector": VECTOR,
    },
}

VACANCY_MAPPING: dict[str, Any] = {
    "_meta": {"layout": VACANCY_LAYOUT},
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "organisation_id": {"type": "long"},
        "organisation_slug": _KEYWORD,
        "role_rank": {"type": "short"},
        "location": {"type": "geo_point"},
        "salary_min": {"type": "integer"},
        "salary_max": {"type": "integer"},
        "fte": {"type": "integer"},  # hundredths of a full-time week
        "unprotected_asye": {"type": "boolean"},
        "offers_hybrid": {"type": "boolean"},
        "contract_type": _KEYWORD,
        "status": _KEYWORD,
        "closing_date": {"type": "date", "format": "strict_date"},
        "vector": VECTOR,
    },
}


def candidate_vector_document(facts: CandidateFacts, vector: np.ndarray) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": facts.id,
        "user_id": facts.user_id,
        "registered": facts.registered,
        "student": facts.role_level == RoleLevel.STUDENT,
        "discoverable": facts.discoverable,
        "looking": facts.availability != Availability.NOT_LOOKING,
        "preferred_boroughs": list(facts.preferred_boroughs),
        "contract_types": list(facts.contract_types),
        "hidden_from": list(facts.hidden_from),
        "vector": [round(float(x), 6) for x in vector],  # float32 carries ~7 digits: no more is sent
        **candidate_need_fields(facts),
    }
    # Absent, not null, when not given: the filters treat a missing field as "no constraint".
    if facts.role_level is not None:
        doc["role_rank"] = facts.role_level.rank
    if facts.home_borough:
        doc["home_borough"] = facts.home_borough
    if facts.max_commute_miles is not None:
        doc["max_commute_miles"] = facts.max_commute_miles
    if facts.min_salary is not None:
        doc["min_salary"] = facts.min_salary
    return doc


def vacancy_vector_document(facts: VacancyFacts, vector: np.ndarray, status: str, closing_date: dt.date) -> dict[str, Any]:
    return {
        "id": facts.id,
        "organisation_id": facts.organisation_id,
        "organisation_slug": facts.organisation_slug,
        "role_rank": facts.role_level.rank,
        "location": {"lat": facts.latitude, "lon": facts.longitude},
        **vacancy_need_fields(facts),
        "contract_type": facts.contract_type.value,
        "status": status,
        "closing_date": closing_date.isoformat(),
        "vector": [round(float(x), 6) for x in vector],  # float32 carries ~7 digits: no more is sent
    }


# Each hit's id comes from the `id` field's doc values, not `_id`: reading `_id` for 300 hits means the stored
# fields, about 4 of a kNN search's 14 ms at 100,000 candidates (issue 15).
KNN_RESPONSE_FIELDS = ["took", "hits.hits.fields.id", "hits.hits._score"]


@dataclass(frozen=True)
class KnnResult:
    hits: list[tuple[int, float]]  # (id, cosine similarity), nearest first
    took_ms: int  # Elasticsearch's own time for the search


class VectorIndex(AliasedIndex):
    """One alias of vectors: the shared writes, deletes and rebuilds, plus kNN search and a count."""

    _layout_read: tuple[float, bool] | None = None  # (when, whether current) as last read by this process

    def layout_current(self) -> bool:
        """Whether the live index was built with this release's layout (see CANDIDATE_LAYOUT), read at most
        once every LAYOUT_CHECK_SECONDS. No index yet counts as current: the first write creates it so."""
        now = time.monotonic()
        if self._layout_read is None or now - self._layout_read[0] > LAYOUT_CHECK_SECONDS:
            with self.call("read mapping"):
                try:
                    found = self.client.indices.get_mapping(index=self.alias)
                except NotFoundError:
                    found = {}
            wanted = self.mapping.get("_meta", {}).get("layout", 1)
            held = {m["mappings"].get("_meta", {}).get("layout", 1) for m in found.values()}
            current = held <= {wanted}
            if not current:
                log.warning("elasticsearch %s: built with layout %s, this release reads layout %s; matching answers "
                            "exactly until `flask matching reindex`", self.alias, sorted(held), wanted)
            self._layout_read = (now, current)
        return self._layout_read[1]

    def knn(self, vector: np.ndarray, k: int, filters: list[dict[str, Any]],
            num_candidates: int | None = None, oversample: float | None = RESCORE_OVERSAMPLE) -> list[tuple[int, float]]:
        """The k nearest documents passing the filters, as (id, cosine similarity), nearest first."""
        return self.knn_search(vector, k, filters, num_candidates, oversample).hits

    def knn_search(self, vector: np.ndarray, k: int, filters: list[dict[str, Any]],
                   num_candidates: int | None = None, oversample: float | None = RESCORE_OVERSAMPLE) -> "KnnResult":
        """`knn` with Elasticsearch's own time for it (`took`), for benchmarks. `oversample` (1 to 10; None or 0:
        none) gathers oversample x k by the int8 vectors and scores those again from the float ones."""
        body: dict[str, Any] = {
            "field": "vector",
            "query_vector": [float(x) for x in vector],
            "k": k,
            "num_candidates": num_candidates or min(MAX_NUM_CANDIDATES, max(100, NUM_CANDIDATES_PER_K * k)),
            "filter": filters,
        }
        if oversample:
            body["rescore_vector"] = {"oversample": oversample}
        with self.call("knn"):
            try:
                # Only ids and scores come back: no _source, no totals, no shard headers.
                response = self.client.search(index=self.alias, knn=body, size=k, _source=False,
                                              stored_fields=["_none_"], docvalue_fields=["id"],
                                              track_total_hits=False, filter_path=KNN_RESPONSE_FIELDS)
            except NotFoundError:
                return KnnResult([], 0)
        # For cosine similarity Elasticsearch scores (1 + cos) / 2: turn it back into the cosine.
        hits = [(int(hit["fields"]["id"][0]), 2.0 * float(hit["_score"]) - 1.0)
                for hit in response.get("hits", {}).get("hits", [])]
        return KnnResult(hits, int(response.get("took", 0)))

    def count(self) -> int:
        with self.call("count"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0


class VectorIndices:
    def __init__(self, url: str, prefix: str, client: Elasticsearch | None = None, request_timeout: float = 30.0,
                 replicas: int = 0):
        self.client = client or new_client(url, request_timeout)
        self.candidates = VectorIndex(self.client, url, f"{prefix}-candidate-vectors", CANDIDATE_MAPPING, replicas)
        self.vacancies = VectorIndex(self.client, url, f"{prefix}-vacancy-vectors", VACANCY_MAPPING, replicas)

    def drop(self) -> None:
        self.candidates.drop()
        self.vacancies.drop()


EXTENSION_KEY = "cswjobs_vectors"  # where an app keeps its vector indices


def vector_indices_for(app: Flask) -> VectorIndices | None:
    """The vector indices when Elasticsearch is the configured engine; None for the embedded (exact NumPy) path."""
    url = configured_elasticsearch_url(app)
    if url is None:
        return None
    indices = app.extensions.get(EXTENSION_KEY)
    if indices is None:
        indices = VectorIndices(url, app.config["SEARCH_INDEX_PREFIX"], replicas=app.config["SEARCH_REPLICAS"])
        app.extensions[EXTENSION_KEY] = indices
    return indices


def get_vector_indices() -> VectorIndices | None:
    return vector_indices_for(current_app._get_current_object())  # type: ignore[attr-defined]
