"""Job search: one interface (query, result, engine protocol), two engines chosen by SEARCH_URL.

Callers use ``get_engine().search(SearchQuery(...))`` and get vacancy ids back; the database
supplies the rows. Documents are built only by ``vacancy_document``; the index is kept in
step by the outbox relay handlers in ``webapp.search.sync``.
"""
from webapp.search.documents import is_indexable, vacancy_document
from webapp.search.engine import SearchEngine, SearchUnavailable, engine_for, get_engine
from webapp.search.query import (
    FACETS,
    MAX_KEYWORDS_LENGTH,
    Hit,
    InvalidSearch,
    Near,
    SearchQuery,
    SearchResult,
    Sort,
    keyword_terms,
)

__all__ = [
    "FACETS",
    "MAX_KEYWORDS_LENGTH",
    "Hit",
    "InvalidSearch",
    "Near",
    "SearchEngine",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "Sort",
    "engine_for",
    "get_engine",
    "is_indexable",
    "keyword_terms",
    "vacancy_document",
]
