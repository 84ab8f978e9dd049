"""The search engine interface both engines implement, their document batching, and the choice between them by config."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Protocol, runtime_checkable

from flask import Flask, current_app

from webapp.search.query import SearchQuery, SearchResult

Document = dict[str, Any]
Progress = Callable[[int], None]  # called with the number of documents loaded so far


def in_chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Documents in lists of at most ``size``, so a load of any length holds one batch at a time."""
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class SearchUnavailable(RuntimeError):
    """The configured engine cannot be used; the message says what to change."""


@runtime_checkable
class SearchEngine(Protocol):
    name: str

    def index(self, docs: Iterable[Document]) -> int:
        """Add or replace these documents (by id); visible to the next search."""

    def bulk_index(self, docs: Iterable[Document], chunk_size: int = 500) -> int:
        """Load many documents efficiently, in chunks; returns how many were loaded."""

    def delete(self, ids: Iterable[int]) -> int:
        """Remove documents by vacancy id; ids not in the index are ignored."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Live vacancies (published, closing today or later) matching the query."""

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        """Job titles of live vacancies with a word starting with ``prefix``, most common first."""

    def rebuild(self, docs: Iterable[Document], progress: Progress | None = None) -> int:
        """Build a complete new index beside the live one and swap it in only when it is whole,
        so searches keep working during a rebuild and a failed rebuild changes nothing."""

    def reset(self) -> None:
        """Empty the index (tests, first run)."""

    def count(self) -> int:
        """How many documents the index holds (including ones past their closing date)."""

    def status(self) -> dict[str, Any]:
        """Facts for `flask search status`: engine, location, document counts, last rebuild."""


EXTENSION_KEY = "cswjobs_search"  # where an app keeps its engine


def engine_for(app: Flask) -> SearchEngine:
    """The engine SEARCH_URL names, built once per app."""
    engine = app.extensions.get(EXTENSION_KEY)
    if engine is None:
        engine = _build(app)
        app.extensions[EXTENSION_KEY] = engine
    return engine


def get_engine() -> SearchEngine:
    return engine_for(current_app._get_current_object())  # type: ignore[attr-defined]


def configured_elasticsearch_url(app: Flask) -> str | None:
    """SEARCH_URL when it names an Elasticsearch cluster; None when the embedded engine is chosen."""
    url = _search_url(app)
    return url if url.startswith(("http://", "https://")) else None


def _search_url(app: Flask) -> str:
    return (app.config.get("SEARCH_URL") or "sqlite").strip()


def _build(app: Flask) -> SearchEngine:
    url = _search_url(app)
    # Imported here: each engine imports this module for its types, and only the configured
    # engine's client library needs loading.
    if url == "sqlite":
        from webapp.search.sqlite_engine import SqliteSearchEngine

        return SqliteSearchEngine(app.config["SEARCH_SQLITE_PATH"])
    if configured_elasticsearch_url(app):
        from webapp.search.elastic_engine import ElasticsearchEngine  # loads the Elasticsearch client

        return ElasticsearchEngine(url, prefix=app.config["SEARCH_INDEX_PREFIX"], replicas=app.config["SEARCH_REPLICAS"])
    raise SearchUnavailable(
        f"CSWJOBS_SEARCH_URL={url!r} is not understood: use 'sqlite' or an http(s):// Elasticsearch URL."
    )
