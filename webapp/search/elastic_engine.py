"""The production search engine: Elasticsearch 9 through the official client.

Mirrors the SQLite engine's behaviour (the contract tests hold both to it):

* An index per environment behind an alias (``<prefix>-vacancies``). A rebuild creates a new
  timestamped index with refresh off, bulk-loads it, then swaps the alias in one atomic
  ``update_aliases`` call and deletes the old index; if anything fails the new index is
  deleted and the live one is untouched. Writes during a rebuild go to both indices.
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
* Highlights use control-character tags that cannot occur in indexed text; the text is
  escaped and only then are the tags turned into <mark> (shared with the SQLite engine).
* Every call is timed and logged with its outcome; a cluster that cannot be reached raises
  SearchUnavailable so callers can say so instead of failing with a 500.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from elasticsearch import Elasticsearch, NotFoundError, helpers

from webapp.search.elastic import es_call
from webapp.search.engine import Document, Progress, in_chunks
from webapp.search.highlighting import MARK_END, MARK_START, highlight_html, without_markers
from webapp.search.query import FACETS, Hit, SearchQuery, SearchResult, Sort, Term, keyword_terms, words

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


def base_filters(query: SearchQuery) -> list[dict[str, Any]]:
    """Filters that are not facets: liveness, salary, closing date, practice promise, distance."""
    filters: list[dict[str, Any]] = [
        {"term": {"status": "live"}},
        {"range": {"closing_date": {"gte": query.today.isoformat()}}},
    ]
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
    sort = SORTS[query.effective_sort]
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
                 request_timeout: float = 10.0):
        self.url = url
        self.alias = f"{prefix}-vacancies"
        self._mapping_checked = False
        self.client = client or Elasticsearch(url, request_timeout=request_timeout, max_retries=2,
                                              retry_on_timeout=True)

    # --- plumbing -----------------------------------------------------------------------

    def _call(self, operation: str):
        return es_call(self.url, self.alias, operation)

    def _new_index_name(self) -> str:
        return f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"

    def _create_index(self, name: str, refresh_off: bool = False) -> None:
        settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
        if refresh_off:
            settings["refresh_interval"] = "-1"
        with self._call("create index"):
            self.client.indices.create(index=name, settings=settings, mappings=MAPPING)

    def _indices(self) -> dict[str, bool]:
        """Every index of this alias, and whether it is the live one (one round trip)."""
        with self._call("list indices"):
            found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True, expand_wildcards="open")
        return {name: self.alias in (info.get("aliases") or {}) for name, info in sorted(found.items())}

    def ensure_index(self) -> str:
        """The live index, created (with the alias) on first use."""
        live = [name for name, is_live in self._indices().items() if is_live]
        if live:
            if not self._mapping_checked:
                # Fields added to MAPPING since the index was built (adding a field is allowed
                # in place; changing one needs `flask search reindex`).
                with self._call("update mapping"):
                    self.client.indices.put_mapping(index=live[0], properties=MAPPING["properties"])
                self._mapping_checked = True
            return live[0]
        name = self._new_index_name()
        self._create_index(name)
        with self._call("add alias"):
            self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        return name

    def _write_targets(self) -> list[str]:
        """The live index and any index being rebuilt, so no change is lost during a rebuild."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live] or [self.ensure_index()]
        return live + [name for name, is_live in indices.items() if not is_live]

    def _read(self, operation: str, call):
        """Run a read against the alias, creating the index first if it has never existed."""
        with self._call(operation):
            try:
                return call()
            except NotFoundError:
                pass
        self.ensure_index()
        with self._call(operation):
            return call()

    def _bulk(self, actions: Iterable[dict[str, Any]], chunk_size: int = 500, refresh: bool | str = False) -> int:
        """Send actions in chunks; returns how many succeeded (a delete of a missing id does not)."""
        succeeded = 0
        with self._call("bulk"):
            for ok, item in helpers.streaming_bulk(self.client, actions, chunk_size=chunk_size, refresh=refresh,
                                                   raise_on_error=False, max_retries=3, ignore_status=(404,)):
                action, result = next(iter(item.items()))
                if ok:
                    succeeded += 1
                elif result.get("status") != 404:
                    raise RuntimeError(f"Elasticsearch refused a {action}: {result.get('error')}")
        return succeeded

    # --- writing ------------------------------------------------------------------------

    def index(self, docs: Iterable[Document]) -> int:
        batch = [to_source(d) for d in docs]
        if not batch:
            return 0
        for target in self._write_targets():
            self._bulk(({"_op_type": "index", "_index": target, "_id": str(d["id"]), "_source": d} for d in batch),
                       refresh="wait_for")
        return len(batch)

    def bulk_index(self, docs: Iterable[Document], chunk_size: int = 500) -> int:
        targets = self._write_targets()
        if len(targets) == 1:
            return self._bulk(({"_op_type": "index", "_index": targets[0], "_id": str(d["id"]),
                                "_source": to_source(d)} for d in docs), chunk_size=chunk_size)
        return self.index(docs)

    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        removed = []
        for target in self._write_targets():
            removed.append(self._bulk(({"_op_type": "delete", "_index": target, "_id": str(i)} for i in ids),
                                      refresh="wait_for"))
        return removed[0]

    def rebuild(self, docs: Iterable[Document], progress: Progress | None = None, chunk_size: int = 500) -> int:
        indices = self._indices()
        previous = [name for name, is_live in indices.items() if is_live]
        # Indices left by a rebuild that died half way were never live: clear them first.
        for stale, is_live in indices.items():
            if not is_live:
                with self._call("delete stale index"):
                    self.client.indices.delete(index=stale, ignore_unavailable=True)
        new = self._new_index_name()
        self._create_index(new, refresh_off=True)
        loaded = 0
        try:
            for chunk in in_chunks(docs, chunk_size):
                self._bulk(({"_op_type": "index", "_index": new, "_id": str(d["id"]), "_source": to_source(d)}
                            for d in chunk), chunk_size=chunk_size)
                loaded += len(chunk)
                if progress:
                    progress(loaded)
            with self._call("finish rebuild"):
                self.client.indices.put_settings(index=new, settings={"refresh_interval": None})
                self.client.indices.refresh(index=new)
                actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": self.alias}} for old in previous]
                actions.append({"add": {"index": new, "alias": self.alias}})
                self.client.indices.update_aliases(actions=actions)  # atomic: search never goes dark
        except BaseException:
            with self._call("delete failed rebuild"):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for old in previous:
            with self._call("delete old index"):
                self.client.indices.delete(index=old, ignore_unavailable=True)
        return loaded

    def reset(self) -> None:
        self.drop()
        self.ensure_index()

    def drop(self) -> None:
        """Delete every index of this alias (tests clean up after themselves)."""
        for name in self._indices():
            with self._call("delete index"):
                self.client.indices.delete(index=name, ignore_unavailable=True)

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._read("count", lambda: self.client.count(index=self.alias))["count"])

    def status(self) -> dict[str, Any]:
        live_index = self.ensure_index()
        today = dt.date.today().isoformat()
        with self._call("status"):
            documents = int(self.client.count(index=self.alias)["count"])
            live = int(self.client.count(index=self.alias, query={"bool": {"filter": [
                {"term": {"status": "live"}}, {"range": {"closing_date": {"gte": today}}}]}})["count"])
            health = self.client.cluster.health()["status"]
        others = [name for name, is_live in self._indices().items() if not is_live]
        return {
            "engine": self.name,
            "url": self.url,
            "alias": self.alias,
            "index": live_index,
            "rebuilding": ", ".join(others) or None,
            "cluster_health": health,
            "documents": documents,
            "live_documents": live,
        }

    def search(self, query: SearchQuery) -> SearchResult:
        body = build_search_body(query)
        response = self._read("search", lambda: self.client.search(index=self.alias, **body))
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
        typed = words(prefix)
        if not typed or len(typed[-1]) < 2:
            return []
        today = dt.date.today().isoformat()
        response = self._read("suggest", lambda: self.client.search(
                index=self.alias, size=0,
                query={"bool": {
                    "must": [{"match_bool_prefix": {"title": {"query": " ".join(typed), "operator": "and"}}}],
                    "filter": [{"term": {"status": "live"}}, {"range": {"closing_date": {"gte": today}}}],
                }},
                aggs={"titles": {"terms": {"field": "title.raw", "size": limit,
                                           "order": [{"_count": "desc"}, {"_key": "asc"}]}}},
        ))
        return [bucket["key"] for bucket in response["aggregations"]["titles"]["buckets"]]
