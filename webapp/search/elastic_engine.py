"""The production search engine: Elasticsearch 9 through the official client.

Mirrors the SQLite engine's behaviour (the contract tests hold both to it):

* An index per environment behind an alias (``<prefix>-vacancies``), rebuilt beside the live
  one and swapped in atomically by webapp.search.elastic.AliasedIndex (as the vector indices
  are); writes during a rebuild go to both indices.
* An explicit mapping that uses only the server's own analysis (``standard`` analyzer:
  Unicode word splitting and lower-casing), because the test distribution has no
  analysis-common module; the same mapping behaves identically on a full cluster. There is
  therefore no stemming: a word matches itself and longer words it begins ("foster" finds
  "fostering"); a word with no hits at all matches within an edit distance (fuzziness AUTO),
  as the SQLite engine corrects it — where SQLite's porter stemmer also matches
  "fostering" to "foster", the contract tests document the difference.
* Every keyword must match somewhere; an abbreviation matches itself or any of its
  expansions (domain.vocabulary.ABBREVIATIONS, expanded at query time in webapp.search.query).
  Field boosts: title above service area above description, council and conditions.
* Facets are terms aggregations in one pass: each counts with every filter but its own
  (disjunctive faceting; the facets nobody chose from share one filter), and the facet filters
  themselves apply as a post_filter.
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
# A facet: its global ordinals are built when a refresh opens a new reader, not by the first
# search after it (every search aggregates every facet).
_FACET = {"type": "keyword", "eager_global_ordinals": True}
_TEXT = {"type": "text", "analyzer": "standard"}
# A field searched only through the combined field it is copied to: kept in _source (and
# highlighted from there) but not indexed twice, which was a good part of a rebuild's work.
_COPIED = {"type": "text", "analyzer": "standard", "index": False}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "title": {**_TEXT, "fields": {"raw": _KEYWORD}},
        "summary": {**_COPIED, "copy_to": "description_text"},
        "description": {**_COPIED, "copy_to": "description_text"},
        "team": {**_COPIED, "copy_to": "description_text"},
        "development_details": {**_COPIED, "copy_to": "description_text"},
        "description_text": _TEXT,
        "role_level": _FACET,
        "role_level_label": {**_COPIED, "copy_to": "service_area_text"},
        "service_area": _FACET,
        "service_area_label": {**_COPIED, "copy_to": "service_area_text"},
        "service_area_text": _TEXT,
        "organisation_id": {"type": "long"},
        "organisation_slug": _FACET,
        "organisation_name": {**_COPIED, "copy_to": "council_text"},
        "sub_region": _FACET,
        "sub_region_label": {**_COPIED, "copy_to": "council_text"},
        "town": {**_COPIED, "copy_to": "council_text"},
        "location_name": {**_COPIED, "copy_to": "council_text"},
        "council_text": _TEXT,
        "location": {"type": "geo_point"},
        "salary_min": {"type": "integer"},
        "salary_max": {"type": "integer"},
        "contract_type": _FACET,
        "contract_type_label": {**_COPIED, "copy_to": "conditions_text"},
        "working_pattern": _FACET,
        "working_pattern_label": {**_COPIED, "copy_to": "conditions_text"},
        "hybrid_pattern": _FACET,
        "hybrid_pattern_label": {**_COPIED, "copy_to": "conditions_text"},
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


def corrects_typos(term: Term) -> bool:
    """Whether a term may be matched within an edit distance when it has no hits of its own
    (as the SQLite engine corrects it): single words of three letters or more, not abbreviations."""
    return not term.is_phrase and not term.is_abbreviation and len(term.text) >= 3


def term_query(term: Term, fuzzy: bool = False) -> dict[str, Any]:
    """One keyword term: the word (and as a prefix) or any of its expansions; within an edit
    distance too when ``fuzzy`` (only for a word the index has no hits for: fuzzy matching over
    five fields was most of a search's time, and a word that matches as typed needs no help)."""
    should: list[dict[str, Any]] = []
    if term.is_phrase:
        should.append({"multi_match": {"query": term.text, "type": "phrase", "fields": list(FIELD_BOOSTS)}})
    else:
        should.append({"multi_match": {"query": term.text, "fields": list(FIELD_BOOSTS), "boost": 3}})
        if not term.is_abbreviation and len(term.text) >= 3:
            if fuzzy:
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


# The aggregation holding every facet no filter was chosen in (they all count under the same filters).
UNCHOSEN_FACETS = "unchosen_facets"


def _facet_terms(field: str) -> dict[str, Any]:
    return {"terms": {"field": field, "size": 100, "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def facet_aggregations(chosen: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Disjunctive facets in as few passes as possible: each facet counts under every chosen
    filter but its own, so all the facets nobody chose from share one filter (or none at all)
    and only the chosen ones need a filter each."""
    unchosen = {name: _facet_terms(field) for name, (field, _) in FACETS.items() if name not in chosen}
    aggregations: dict[str, Any] = {}
    if unchosen and chosen:
        aggregations[UNCHOSEN_FACETS] = {"filter": {"bool": {"filter": [facet_filter(n, v) for n, v in chosen.items()]}},
                                         "aggs": unchosen}
    else:
        aggregations.update(unchosen)
    for name in chosen:
        others = [facet_filter(n, v) for n, v in chosen.items() if n != name]
        aggregations[name] = {"filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                              "aggs": {"values": _facet_terms(FACETS[name][0])}}
    return aggregations


def facet_counts(aggregations: dict[str, Any], chosen: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[str, int]]]:
    """Read facet_aggregations' answer back into SearchResult.facets."""
    def buckets(name: str) -> list[dict[str, Any]]:
        if name in chosen:
            return aggregations[name]["values"]["buckets"]
        return (aggregations[UNCHOSEN_FACETS][name] if chosen else aggregations[name])["buckets"]

    return {name: [(b["key"], b["doc_count"]) for b in buckets(name)] for name in FACETS}


def build_search_body(query: SearchQuery, fuzzy: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The search request; ``fuzzy`` names the keyword terms to match within an edit distance."""
    terms = keyword_terms(query.keywords)
    bool_query: dict[str, Any] = {"filter": base_filters(query)}
    if terms:
        bool_query["must"] = [term_query(t, fuzzy=t.text in fuzzy) for t in terms]
    chosen = query.facet_filters()
    sort = nearest_sort(query) if query.effective_sort == Sort.NEAREST else SORTS[query.effective_sort]
    if query.pins_featured:
        # A range field matches a term query for any day inside one of its ranges.
        bool_query["should"] = [{"constant_score": {"filter": {"term": {"featured_periods": query.today.isoformat()}},
                                                    "boost": FEATURED_BOOST}}]
        if sort[0] != {"_score": "desc"}:
            sort = [{"_score": "desc"}, *sort]
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "sort": sort,
        "from": query.offset,
        "size": query.per_page,
        # Exact: the page shows the count and the number of pages. Counting costs nothing extra
        # here, because the facets visit every matching document anyway.
        "track_total_hits": True,
        "_source": False,  # the id is the hit's _id; the database supplies the rows
    }
    if chosen:
        body["post_filter"] = {"bool": {"filter": [facet_filter(n, v) for n, v in chosen.items()]}}
    if query.ids_only:
        return body
    body["aggs"] = facet_aggregations(chosen)
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

    def rebuild(self, docs: Iterable[Document], progress: Progress | None = None, chunk_size: int = 1000) -> int:
        # Merged to one segment before it goes live: the job index is searched on every page.
        return self.vacancies.rebuild((to_source(d) for d in docs), progress=progress, chunk_size=chunk_size,
                                      merge=True)

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
        response = self._search(body)
        if response["hits"]["total"]["value"] == 0:
            # Every term must match, so a term with no hits of its own empties the result: only
            # then is it worth matching such a word within an edit distance (a typo).
            unmatched = self._terms_without_hits([t for t in keyword_terms(query.keywords) if corrects_typos(t)])
            if unmatched:
                body = build_search_body(query, fuzzy=unmatched)
                response = self._search(body)
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
        facets = facet_counts(response["aggregations"], query.facet_filters()) if "aggs" in body else {}
        return SearchResult(hits=hits, total=response["hits"]["total"]["value"], facets=facets,
                            page=query.page, per_page=query.per_page)

    def _search(self, body: dict[str, Any]) -> Any:
        # request_cache: a repeated search (the unfiltered board, a popular filter) is answered from
        # the shard's cache, which Elasticsearch empties whenever a refresh changes the index, so
        # it can never be stale. Dates in the body are explicit days (no "now"), so it can be cached.
        return self._read("search", lambda: self.client.search(index=self.vacancies.alias, request_cache=True, **body))

    def _terms_without_hits(self, terms: list[Term]) -> frozenset[str]:
        """Which of these terms match no document at all, as typed (one round trip for all)."""
        if not terms:
            return frozenset()
        searches: list[dict[str, Any]] = []
        for term in terms:
            searches += [{}, {"query": term_query(term), "size": 0, "track_total_hits": 1, "terminate_after": 1}]
        responses = self._read("typo check", lambda: self.client.msearch(index=self.vacancies.alias, searches=searches))
        return frozenset(term.text for term, r in zip(terms, responses["responses"])
                         if r.get("hits", {}).get("total", {}).get("value", 0) == 0)

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
