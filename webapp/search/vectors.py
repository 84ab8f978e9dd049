"""Vectors in Elasticsearch for kNN matching: candidate and vacancy embeddings as `dense_vector`.

Two indices of their own, each behind an alias (`<prefix>-candidate-vectors`,
`<prefix>-vacancy-vectors`), separate from the job search index so that neither rebuild
touches the other. Each document carries the fields the hard constraints filter on
(matching.constraints builds the filters), so kNN returns only candidates who may be shown.
A rebuild creates a new index, loads it and swaps the alias, as the job index does.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterable

import numpy as np
from elasticsearch import Elasticsearch, NotFoundError, helpers
from flask import Flask, current_app

from matching.encoder import DIMENSIONS
from matching.text import CandidateFacts, VacancyFacts
from webapp.search.elastic import es_call

log = logging.getLogger(__name__)

_KEYWORD = {"type": "keyword"}
# int8 HNSW: a quarter of float32's memory, recall indistinguishable at this size (docs/matching.md).
VECTOR = {"type": "dense_vector", "dims": DIMENSIONS, "index": True, "similarity": "cosine",
          "index_options": {"type": "int8_hnsw"}}

CANDIDATE_MAPPING: dict[str, Any] = {
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
        "vector": VECTOR,
    },
}

VACANCY_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "organisation_id": {"type": "long"},
        "organisation_slug": _KEYWORD,
        "role_rank": {"type": "short"},
        "location": {"type": "geo_point"},
        "salary_max": {"type": "integer"},
        "contract_type": _KEYWORD,
        "status": _KEYWORD,
        "closing_date": {"type": "date", "format": "strict_date"},
        "vector": VECTOR,
    },
}


def candidate_document(facts: CandidateFacts, vector: np.ndarray) -> dict[str, Any]:
    from domain.vocabulary import Availability, RoleLevel

    doc: dict[str, Any] = {
        "id": facts.id,
        "user_id": facts.user_id,
        "registered": facts.registered,
        "student": facts.role_level == RoleLevel.STUDENT,
        "discoverable": facts.discoverable,
        "looking": facts.availability != Availability.NOT_LOOKING,
        "preferred_boroughs": list(facts.preferred_boroughs),
        "contract_types": list(facts.contract_types),
        "vector": [round(float(x), 6) for x in vector],  # float32 carries ~7 digits: no more is sent
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


def vacancy_document(facts: VacancyFacts, vector: np.ndarray, status: str, closing_date: dt.date) -> dict[str, Any]:
    return {
        "id": facts.id,
        "organisation_id": facts.organisation_id,
        "organisation_slug": facts.organisation_slug,
        "role_rank": facts.role_level.rank,
        "location": {"lat": facts.latitude, "lon": facts.longitude},
        "salary_max": facts.salary_max,
        "contract_type": facts.contract_type.value,
        "status": status,
        "closing_date": closing_date.isoformat(),
        "vector": [round(float(x), 6) for x in vector],  # float32 carries ~7 digits: no more is sent
    }


class VectorIndex:
    """One alias of vectors: write, delete, rebuild and kNN search, each call timed and logged."""

    def __init__(self, client: Elasticsearch, url: str, alias: str, mapping: dict[str, Any]):
        self.client = client
        self.url = url
        self.alias = alias
        self.mapping = mapping

    def _call(self, operation: str):
        return es_call(self.url, self.alias, operation)

    def _indices(self) -> dict[str, bool]:
        with self._call("list indices"):
            found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True, expand_wildcards="open")
        return {name: self.alias in (info.get("aliases") or {}) for name, info in sorted(found.items())}

    def _create(self, name: str, refresh_off: bool = False) -> None:
        settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
        if refresh_off:
            settings["refresh_interval"] = "-1"
        with self._call("create index"):
            self.client.indices.create(index=name, settings=settings, mappings=self.mapping)

    def ensure(self) -> list[str]:
        """Where writes go: the live index (created with its alias on first use) and any being rebuilt."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live]
        if not live:
            name = f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
            self._create(name)
            with self._call("add alias"):
                self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
            live = [name]
        return live + [name for name, is_live in indices.items() if not is_live]

    def _bulk(self, actions: Iterable[dict[str, Any]], refresh: bool | str = False, chunk_size: int = 500) -> int:
        done = 0
        with self._call("bulk"):
            for ok, item in helpers.streaming_bulk(self.client, actions, chunk_size=chunk_size, refresh=refresh,
                                                   raise_on_error=False, max_retries=3, ignore_status=(404,)):
                action, result = next(iter(item.items()))
                if ok:
                    done += 1
                elif result.get("status") != 404:
                    raise RuntimeError(f"Elasticsearch refused a {action}: {result.get('error')}")
        return done

    def upsert(self, docs: list[dict[str, Any]], refresh: bool | str = "wait_for") -> int:
        if not docs:
            return 0
        for target in self.ensure():
            self._bulk(({"_op_type": "index", "_index": target, "_id": str(d["id"]), "_source": d} for d in docs),
                       refresh=refresh)
        return len(docs)

    def delete(self, ids: Iterable[int]) -> None:
        ids = [int(i) for i in ids]
        if not ids:
            return
        for target in self.ensure():
            self._bulk(({"_op_type": "delete", "_index": target, "_id": str(i)} for i in ids), refresh="wait_for")

    def rebuild(self, docs: Iterable[dict[str, Any]], chunk_size: int = 500) -> int:
        """A new index, loaded with refresh off, swapped in whole; the live one serves until then."""
        indices = self._indices()
        previous = [name for name, is_live in indices.items() if is_live]
        for stale, is_live in indices.items():
            if not is_live:
                with self._call("delete stale index"):
                    self.client.indices.delete(index=stale, ignore_unavailable=True)
        new = f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
        self._create(new, refresh_off=True)
        try:
            loaded = self._bulk(({"_op_type": "index", "_index": new, "_id": str(d["id"]), "_source": d} for d in docs),
                                chunk_size=chunk_size)
            with self._call("finish rebuild"):
                self.client.indices.put_settings(index=new, settings={"refresh_interval": None})
                self.client.indices.refresh(index=new)
                actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": self.alias}} for old in previous]
                actions.append({"add": {"index": new, "alias": self.alias}})
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            with self._call("delete failed rebuild"):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for old in previous:
            with self._call("delete old index"):
                self.client.indices.delete(index=old, ignore_unavailable=True)
        return loaded

    def knn(self, vector: np.ndarray, k: int, filters: list[dict[str, Any]],
            num_candidates: int | None = None) -> list[tuple[int, float]]:
        """The k nearest documents passing the filters, as (id, cosine similarity), nearest first."""
        body = {
            "field": "vector",
            "query_vector": [float(x) for x in vector],
            "k": k,
            "num_candidates": num_candidates or max(100, 2 * k),
            "filter": filters,
        }
        with self._call("knn"):
            try:
                response = self.client.search(index=self.alias, knn=body, size=k, _source=False)
            except NotFoundError:
                return []
        # For cosine similarity Elasticsearch scores (1 + cos) / 2: turn it back into the cosine.
        return [(int(hit["_id"]), 2.0 * float(hit["_score"]) - 1.0) for hit in response["hits"]["hits"]]

    def count(self) -> int:
        with self._call("count"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def drop(self) -> None:
        for name in self._indices():
            with self._call("delete index"):
                self.client.indices.delete(index=name, ignore_unavailable=True)


class VectorIndices:
    def __init__(self, url: str, prefix: str, client: Elasticsearch | None = None, request_timeout: float = 30.0):
        self.client = client or Elasticsearch(url, request_timeout=request_timeout, max_retries=2, retry_on_timeout=True)
        self.candidates = VectorIndex(self.client, url, f"{prefix}-candidate-vectors", CANDIDATE_MAPPING)
        self.vacancies = VectorIndex(self.client, url, f"{prefix}-vacancy-vectors", VACANCY_MAPPING)

    def drop(self) -> None:
        self.candidates.drop()
        self.vacancies.drop()


def vector_indices_for(app: Flask) -> VectorIndices | None:
    """The vector indices when Elasticsearch is the configured engine; None for the embedded (exact NumPy) path."""
    url = (app.config.get("SEARCH_URL") or "sqlite").strip()
    if not url.startswith(("http://", "https://")):
        return None
    indices = app.extensions.get("cswjobs_vectors")
    if indices is None:
        indices = VectorIndices(url, app.config["SEARCH_INDEX_PREFIX"])
        app.extensions["cswjobs_vectors"] = indices
    return indices


def get_vector_indices() -> VectorIndices | None:
    return vector_indices_for(current_app._get_current_object())  # type: ignore[attr-defined]
