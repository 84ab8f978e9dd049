"""The production search engine: Elasticsearch 9 through the official client.

Mirrors the SQLite engine's behaviour (the contract tests hold both to it):

* An index per environment behind an alias (``<prefix>-vacancies``), rebuilt beside the live
  one and swapped in atomically by webapp.search.elastic.AliasedIndex (as the vector indices
  are); writes during a rebuild go to both indices.
* An explicit mapping that uses only the server's own analysis (``standard`` analyzer:
  Unicode word splitting and lower-casing), because the test distribution has no
  analysis-common module; the same mapping behaves identically on a full cluster. There is
  therefore no stemming: a word matches itself, its typos (fuzziness AUTO) and longer words
  it begins ("foster" finds "fostering") — where SQLite's porter stemmer also matches
  "fostering" to "foster", the contract tests document the difference.
* Every keyword must match somewhere; an abbreviation matches itself or any of its
  expansions (domain.vocabulary.ABBREVIATIONS, expanded at query time in webapp.search.query).
  Field boosts: title above service area above description, council and conditions.
* Facets are filter aggregations: each counts with every filter but its own (disjunctive
  faceting), and the facet filters themselves apply as a post_filter.
* Liveness (status live, closing date today or later) is a query-time filter.
* Highlights use private-use-character markers that cannot occur in indexed text; the text is
  escaped and only then are the markers turned into <mark> (webapp.search.highlighting, shared
  with the SQLite engine).
* Every call goes through webapp.search.elastic.es_call: timed and logged with its outcome; a
  cluster that cannot be reached raises SearchUnavailable so callers can say so instead of
  failing with a 500.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from elasticsearch import Elasticsearch, NotFoundError

from webapp.search.elastic import AliasedIndex, new_client
from webapp.search.engine import Document, Progress, in_chunks
from webapp.search.highlighting import MARK_END, MARK_START, highlight_html, without_markers
from webapp.search.query import FACETS, Hit, SearchQuery, SearchResult, Sort, Term, keyword_terms, suggestion_words

# Boosts mirror the SQLite engine's bm25 column weights (10, 4, 1, 1, 1), tempered because
# BM25 scores in Elasticsearch already favour short fields such as the title.
FIELD_BOOSTS = ("title^6", "service_area_text^3", "description_text", "council_text", "conditions_text")
SNIPPET_CHARS = 180

_KEYWORD = {"type": "keyword"}
_TEXT = {"type": "text", "analyzer": "standard"}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "title": {**_TEXT, "fields": {"raw": _KEYWORD}},
        "summary": {**_TEXT, "copy_to": "description_text"},
        "description": {**_TEXT, "copy_to": "description_text"},
        "team": {**_TEXT, "copy_to": "description_text"},
        "development_details": {**_TEXT, "copy_to": "description_text"},
        "description_text": _TEXT,
        "role_level": _KEYWORD,
        "role_level_label": {**_TEXT, "copy_to": "service_area_text"},
        "service_area": _KEYWORD,
        "service_area_label": {**_TEXT, "copy_to": "service_area_text"},
        "service_area_text": _TEXT,
        "organisation_id": {"type": "long"},
        "organisation_slug": _KEYWORD,
        "organisation_name": {**_TEXT, "copy_to": "council_text"},
        "sub_region": _KEYWORD,
        "sub_region_label": {**_TEXT, "copy_to": "council_text"},
        "town": {**_TEXT, "copy_to": "council_text"},
        "location_name": {**_TEXT, "copy_to": "council_text"},
        "council_text": _TEXT,
        "location": {"type": "geo_point"},
        "salary_min": {"type": "integer"},
        "salary_max": {"type": "integer"},
        "contract_type": _KEYWORD,
        "contract_type_label": {**_TEXT, "copy_to": "conditions_text"},
        "working_pattern": _KEYWORD,
        "working_pattern_label": {**_TEXT, "copy_to": "conditions_text"},
        "hybrid_pattern": _KEYWORD,
        "hybrid_pattern_label": {**_TEXT, "copy_to": "conditions_text"},
        "conditions_text": _TEXT,
        "fte": {"type": "float"},
        "caseload_max": {"type": "integer"},
        "protected_caseload_nqsw": {"type": "boolean"},
        "funded_development": {"type": "boolean"},
        "status": _KEYWORD,
        "closing_date": {"type": "date", "format": "strict_date"},
        "published_at": {"type": "date", "format": "strict_date_optional_time"},
        "apply_method": _KEYWORD,
        "featured_periods": {"type": "date_range", "format": "strict_date"},
    },
}

# Added to the score of a job featured today: far above any keyword score, so featured jobs
# come first and keep their relevance order among themselves.
FEATURED_BOOST = 1_000_000.0

SORTS: dict[Sort, list[dict[str, Any]]] = {
    Sort.RELEVANCE: [{"_score": "desc"}, {"published_at": "desc"}, {"id": "desc"}],
    Sort.NEWEST: [{"published_at": "desc"}, {"id": "desc"}],
    Sort.SALARY: [{"salary_max": "desc"}, {"salary_min": "desc"}, {"id": "desc"}],
    Sort.CLOSING: [{"closing_date": "asc"}, {"published_at": "desc"}, {"id": "desc"}],
}

# Text fields whose values are cleaned of the highlight markers before indexing.
_TEXT_FIELDS = [name for name, spec in MAPPING["properties"].items() if spec.get("type") == "text"]


def to_source(doc: Document) -> dict[str, Any]:
    """The document as Elasticsearch stores it: the builder's dict, text cleaned of markers."""
    source = {k: v for k, v in doc.items() if k in MAPPING["properties"]}
    for name in _TEXT_FIELDS:
        if isinstance(source.get(name), str):
            source[name] = without_markers(source[name])
    return source


def term_query(term: Term) -> dict[str, Any]:
    """One keyword term: the word (with typo tolerance and as a prefix) or any of its expansions."""
    should: list[dict[str, Any]] = []
    if term.is_phrase:
        should.append({"multi_match": {"query": term.text, "type": "phrase", "fields": list(FIELD_BOOSTS)}})
    else:
        should.append({"multi_match": {"query": term.text, "fields": list(FIELD_BOOSTS), "boost": 3}})
        if not term.is_abbreviation and len(term.text) >= 3:
            should.append({"multi_match": {"query": term.text, "fields": list(FIELD_BOOSTS),
                                           "fuzziness": "AUTO", "prefix_length": 1, "boost": 1}})
            should.append({"multi_match": {"query": term.text, "type": "phrase_prefix",
                                           "fields": list(FIELD_BOOSTS), "boost": 1}})
    for alternative in term.alternatives:
        should.append({"multi_match": {"query": alternative, "type": "phrase", "fields": list(FIELD_BOOSTS),
                                       "boost": 2}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def facet_filter(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"terms": {FACETS[name][0]: list(values)}}


def live_filters(today: dt.date) -> list[dict[str, Any]]:
    """Published and closing on ``today`` or later: decided at query time, never by reindexing."""
    return [{"term": {"status": "live"}}, {"range": {"closing_date": {"gte": today.isoformat()}}}]


def base_filters(query: SearchQuery) -> list[dict[str, Any]]:
    """Filters that are not facets: liveness, salary, closing date, practice promise, distance."""
    filters = live_filters(query.today)
    if query.salary_min is not None:
        filters.append({"range": {"salary_max": {"gte": query.salary_min}}})
    if query.closing_after is not None:
        filters.append({"range": {"closing_date": {"gte": query.closing_after.isoformat()}}})
    if query.published_since is not None:
        # No offset in the text: Elasticsearch reads it as UTC, as the documents' times are.
        filters.append({"range": {"published_at": {"gte": query.published_since_text}}})
    if query.max_caseload is not None:
        filters.append({"range": {"caseload_max": {"lte": query.max_caseload}}})
    if query.protected_nqsw_caseload:
        filters.append({"term": {"protected_caseload_nqsw": True}})
    if query.funded_development:
        filters.append({"term": {"funded_development": True}})
    if query.near is not None:
        filters.append({"geo_distance": {"distance": f"{query.near.miles}mi",
                                         "location": {"lat": query.near.latitude, "lon": query.near.longitude}}})
    return filters


def nearest_sort(query: SearchQuery) -> list[dict[str, Any]]:
    """Nearest first from the searched place (arc: haversine, as the SQLite engine measures)."""
    assert query.near is not None
    return [{"_geo_distance": {"location": {"lat": query.near.latitude, "lon": query.near.longitude},
                               "order": "asc", "unit": "mi", "distance_type": "arc"}},
            {"published_at": "desc"}, {"id": "desc"}]


def build_search_body(query: SearchQuery) -> dict[str, Any]:
    terms = keyword_terms(query.keywords)
    bool_query: dict[str, Any] = {"filter": base_filters(query)}
    if terms:
        bool_query["must"] = [term_query(t) for t in terms]
    chosen = query.facet_filters()
    aggregations = {}
    for name, (field, _) in FACETS.items():
        others = [facet_filter(n, v) for n, v in chosen.items() if n != name]
        aggregations[name] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": {"field": field, "size": 100, "order": [{"_count": "desc"}, {"_key": "asc"}]}}},
        }
    sort = nearest_sort(query) if query.effective_sort == Sort.NEAREST else SORTS[query.effective_sort]
    if query.pins_featured:
        # A range field matches a term query for any day inside one of its ranges.
        bool_query["should"] = [{"constant_score": {"filter": {"term": {"featured_periods": query.today.isoformat()}},
                                                    "boost": FEATURED_BOOST}}]
        if sort[0] != {"_score": "desc"}:
            sort = [{"_score": "desc"}, *sort]
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "aggs": aggregations,
        "sort": sort,
        "from": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": False,
        "fields": ["id"],
    }
    if chosen:
        body["post_filter"] = {"bool": {"filter": [facet_filter(n, v) for n, v in chosen.items()]}}
    if terms:
        body["highlight"] = {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "require_field_match": False,
            "fields": {
                "title": {"number_of_fragments": 0, "no_match_size": 300},
                "description": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1, "no_match_size": SNIPPET_CHARS},
            },
        }
    return body


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "cswjobs", client: Elasticsearch | None = None,
                 request_timeout: float = 10.0, replicas: int = 0):
        self.url = url
        self.client = client or new_client(url, request_timeout)
        self.vacancies = AliasedIndex(self.client, url, f"{prefix}-vacancies", MAPPING, replicas)

    def _read(self, operation: str, call):
        """Run a read against the alias, creating the index first if it has never existed."""
        with self.vacancies.call(operation):
            try:
                return call()
            except NotFoundError:
                pass
        self.vacancies.live_index()
        with self.vacancies.call(operation):
            return call()

    # --- writing ------------------------------------------------------------------------

    def index(self, docs: Iterable[Document]) -> int:
        return self.vacancies.upsert([to_source(d) for d in docs])

    def bulk_index(self, docs: Iterable[Document], chunk_size: int = 500) -> int:
        return sum(self.vacancies.upsert([to_source(d) for d in chunk], refresh=False)
                   for chunk in in_chunks(docs, chunk_size))

    def delete(self, ids: Iterable[int]) -> int:
        return self.vacancies.delete(ids)

    def rebuild(self, docs: Iterable[Document], progress: Progress | None = None, chunk_size: int = 500) -> int:
        return self.vacancies.rebuild((to_source(d) for d in docs), progress=progress, chunk_size=chunk_size)

    def reset(self) -> None:
        self.drop()
        self.vacancies.live_index()

    def drop(self) -> None:
        """Delete every index of this alias (tests clean up after themselves)."""
        self.vacancies.drop()

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._read("count", lambda: self.client.count(index=self.vacancies.alias))["count"])

    def status(self) -> dict[str, Any]:
        live_index = self.vacancies.live_index()
        with self.vacancies.call("status"):
            documents = int(self.client.count(index=self.vacancies.alias)["count"])
            live = int(self.client.count(index=self.vacancies.alias,
                                         query={"bool": {"filter": live_filters(dt.date.today())}})["count"])
            health = self.client.cluster.health()["status"]
        others = [name for name, is_live in self.vacancies.indices().items() if not is_live]
        return {
            "engine": self.name,
            "url": self.url,
            "alias": self.vacancies.alias,
            "index": live_index,
            "rebuilding": ", ".join(others) or None,
            "cluster_health": health,
            "documents": documents,
            "live_documents": live,
        }

    def search(self, query: SearchQuery) -> SearchResult:
        body = build_search_body(query)
        response = self._read("search", lambda: self.client.search(index=self.vacancies.alias, **body))
        hits = []
        for hit in response["hits"]["hits"]:
            highlight = hit.get("highlight") or {}
            hits.append(Hit(
                vacancy_id=int(hit["_id"]),
                highlights={
                    "title": highlight_html(highlight.get("title", [""])[0]),
                    "description": highlight_html(highlight.get("description", [""])[0]),
                } if "highlight" in body else {},
                score=hit.get("_score"),
            ))
        facets = {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in response["aggregations"][name]["values"]["buckets"]]
            for name in FACETS
        }
        return SearchResult(hits=hits, total=response["hits"]["total"]["value"], facets=facets,
                            page=query.page, per_page=query.per_page)

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        """Titles of live vacancies with a word starting with what was typed, most common first."""
        typed = suggestion_words(prefix)
        if not typed:
            return []
        response = self._read("suggest", lambda: self.client.search(
                index=self.vacancies.alias, size=0,
                query={"bool": {
                    "must": [{"match_bool_prefix": {"title": {"query": " ".join(typed), "operator": "and"}}}],
                    "filter": live_filters(dt.date.today()),
                }},
                aggs={"titles": {"terms": {"field": "title.raw", "size": limit,
                                           "order": [{"_count": "desc"}, {"_key": "asc"}]}}},
        ))
        return [bucket["key"] for bucket in response["aggregations"]["titles"]["buckets"]]
