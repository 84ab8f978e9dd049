"""The embedded search engine: SQLite FTS5 in an index file of its own.

The index lives in its own file (SEARCH_SQLITE_PATH, beside the database) whether the
database is SQLite or PostgreSQL, and is fed by the same outbox relay as Elasticsearch.

How it mirrors the Elasticsearch design:

* Field boosts: one FTS5 table with columns title, service_area (service area and role level
  labels), description (summary, team, description), council (name, town, office,
  sub-region) and conditions (contract, pattern, hybrid working); bm25() column weights
  rank title above service area above the rest.
* Every keyword must match somewhere (after dropping noise words); an abbreviation matches
  itself or any of its expansions from domain.vocabulary.ABBREVIATIONS, at query time.
* Stemming: the porter tokenizer, so "fostering" finds "foster carers".
* Typo tolerance is spelling correction against the index's own vocabulary: a word with no
  hits at all is replaced by the indexed word closest to it within Elasticsearch's AUTO
  fuzziness (1 edit for 3-5 letters, 2 beyond; transpositions count as one edit), the most
  common winning ties. The vocabulary comes from an unstemmed twin FTS5 table read through
  fts5vocab, so "protecton" is compared with "protection", not the stem "protect". The
  result says which words were searched instead, so the page can say so.
* Facets count with every filter except their own (disjunctive faceting), one GROUP BY each.
* Liveness (status live and closing date today or later) is a filter at query time, so a
  vacancy past its closing date disappears without anything being reindexed.
* Highlights come from highlight()/snippet() with private-use-character markers that cannot
  occur in indexed text; the text is HTML-escaped and only then are the markers turned into
  <mark> tags, so a job's text can never inject markup.
* Rebuilds never empty the live index (the alias swap): each rebuild writes a new generation
  of tables beside the live one, then a single transaction points `meta.active` at it and
  drops the old. Writes during a rebuild go to both generations.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import numpy as np
from markupsafe import Markup

from domain.geography import distance_miles
from webapp.search.engine import Document, Progress, in_chunks
from webapp.search.highlighting import MARK_END, MARK_START, highlight_html, without_markers
from webapp.search.query import Hit, SearchQuery, SearchResult, Sort, Term, keyword_terms, suggestion_words
from webapp.search.sqlite_columns import DocumentColumns

# Column order matters: bm25 weights and highlight()/snippet() refer to columns by position.
FTS_COLUMNS = ("title", "service_area", "description", "council", "conditions")
BM25_WEIGHTS = (10.0, 4.0, 1.0, 1.0, 1.0)
TITLE_COLUMN, DESCRIPTION_COLUMN = 0, 2
SNIPPET_TOKENS = 28

# Filter columns of the docs table (the document's scalar fields the engine filters and sorts on).
DOC_COLUMNS = (
    "organisation_slug", "sub_region", "role_level", "service_area", "contract_type", "working_pattern",
    "hybrid_pattern", "salary_min", "salary_max", "caseload_max", "protected_caseload_nqsw", "funded_development",
    "status", "closing_date", "published_at", "latitude", "longitude", "title",
)

def fts_texts(doc: Document) -> dict[str, str]:
    """The text of each FTS column for one document."""
    return {
        "title": without_markers(doc["title"]),
        "service_area": without_markers(f"{doc['service_area_label']}. {doc['role_level_label']}"),
        "description": without_markers("\n".join(
            part for part in (
                doc.get("summary"), doc.get("team"), doc.get("description"), doc.get("development_details"),
            ) if part
        )),
        # Kept out of the description so its snippet shows the advert's own words.
        "conditions": without_markers(". ".join(
            part for part in (doc.get("contract_type_label"), doc.get("working_pattern_label"),
                              doc.get("hybrid_pattern_label")) if part
        )),
        "council": without_markers(", ".join(
            part for part in (doc["organisation_name"], doc.get("town"), doc.get("location_name"),
                              doc.get("sub_region_label")) if part
        )),
    }


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_expression(terms: list[Term]) -> str:
    """Every term must match; a term matches as itself or as any of its expansions."""
    parts = []
    for term in terms:
        options = [_quote(t) for t in term.any_of]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def allowed_edits(word: str) -> int:
    """Elasticsearch's AUTO fuzziness: none for 1-2 letters, 1 for 3-5, 2 beyond."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition is one edit), giving up past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class SqliteSearchEngine:
    name = "sqlite"

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._vocabulary_cache: tuple[tuple[int, str | None], list[tuple[str, int]]] | None = None
        self._columns_cache: tuple[tuple[int, str | None], DocumentColumns] | None = None

    # --- connections and schema -------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        # isolation_level=None: we open transactions ourselves, so reads see one snapshot
        # and writes take the lock up front (BEGIN IMMEDIATE) instead of failing halfway.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.create_function("distance_miles", 4, distance_miles, deterministic=True)
            if not self._schema_ready:
                self._ensure_schema(conn)
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection, write: bool) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return
            # WAL: searches read a snapshot while the relay writes.
            conn.execute("PRAGMA journal_mode=WAL")
            with self._transaction(conn, write=True):
                conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                if self._meta(conn, "active") is None:
                    self._create_generation(conn, 1)
                    self._set_meta(conn, "active", "1")
                for g in self._generations(conn):
                    self._create_featured(conn, g)
            self._schema_ready = True

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def _active(self, conn: sqlite3.Connection) -> int:
        return int(self._meta(conn, "active") or 1)

    def _building(self, conn: sqlite3.Connection) -> int | None:
        value = self._meta(conn, "building")
        return int(value) if value else None

    @staticmethod
    def _create_generation(conn: sqlite3.Connection, g: int) -> None:
        conn.execute(f"""
            CREATE TABLE docs_{g} (
                id INTEGER PRIMARY KEY,
                organisation_slug TEXT NOT NULL, sub_region TEXT, role_level TEXT, service_area TEXT,
                contract_type TEXT, working_pattern TEXT, hybrid_pattern TEXT,
                salary_min INTEGER, salary_max INTEGER, caseload_max INTEGER,
                protected_caseload_nqsw INTEGER NOT NULL DEFAULT 0, funded_development INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL, closing_date TEXT NOT NULL, published_at TEXT,
                latitude REAL, longitude REAL, title TEXT NOT NULL, document TEXT NOT NULL
            )""")
        conn.execute(f"CREATE INDEX docs_{g}_live ON docs_{g} (status, closing_date)")
        SqliteSearchEngine._create_featured(conn, g)
        columns = ", ".join(FTS_COLUMNS)
        conn.execute(f"CREATE VIRTUAL TABLE fts_{g} USING fts5({columns}, "
                     "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')")
        # Unstemmed twin, only for its vocabulary (spelling correction).
        conn.execute(f"CREATE VIRTUAL TABLE spell_{g} USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')")
        conn.execute(f"CREATE VIRTUAL TABLE spellvocab_{g} USING fts5vocab(spell_{g}, 'row')")

    @staticmethod
    def _create_featured(conn: sqlite3.Connection, g: int) -> None:
        """Featured slot dates, one row per slot (IF NOT EXISTS: index files older than featured jobs)."""
        conn.execute(f"CREATE TABLE IF NOT EXISTS featured_{g} (id INTEGER NOT NULL, gte TEXT NOT NULL, lte TEXT NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS featured_{g}_id ON featured_{g} (id)")

    @staticmethod
    def _drop_generation(conn: sqlite3.Connection, g: int) -> None:
        for table in (f"featured_{g}", f"spellvocab_{g}", f"spell_{g}", f"fts_{g}", f"docs_{g}"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")

    def _generations(self, conn: sqlite3.Connection) -> list[int]:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'docs\\_%' ESCAPE '\\'")]
        return sorted(int(n.split("_")[1]) for n in names if n.split("_")[1].isdigit())

    # --- writing ------------------------------------------------------------------------

    def _targets(self, conn: sqlite3.Connection) -> list[int]:
        building = self._building(conn)
        return [self._active(conn)] + ([building] if building else [])

    @staticmethod
    def _delete_texts(conn: sqlite3.Connection, g: int, rows: list[tuple[int]]) -> None:
        """Remove these ids from the tables rows cannot be replaced in (FTS and featured slots)."""
        conn.executemany(f"DELETE FROM fts_{g} WHERE rowid = ?", rows)
        conn.executemany(f"DELETE FROM spell_{g} WHERE rowid = ?", rows)
        conn.executemany(f"DELETE FROM featured_{g} WHERE id = ?", rows)

    @staticmethod
    def _upsert(conn: sqlite3.Connection, g: int, docs: list[Document]) -> None:
        SqliteSearchEngine._delete_texts(conn, g, [(int(d["id"]),) for d in docs])
        fts_rows, spell_rows, doc_rows, featured_rows = [], [], [], []
        for doc in docs:
            texts = fts_texts(doc)
            fts_rows.append((doc["id"], *(texts[c] for c in FTS_COLUMNS)))
            spell_rows.append((doc["id"], "\n".join(texts.values())))
            location = doc.get("location") or {}
            values = {
                **{c: doc.get(c) for c in DOC_COLUMNS},
                "protected_caseload_nqsw": int(bool(doc.get("protected_caseload_nqsw"))),
                "funded_development": int(bool(doc.get("funded_development"))),
                "latitude": location.get("lat"),
                "longitude": location.get("lon"),
            }
            doc_rows.append((doc["id"], *(values[c] for c in DOC_COLUMNS), json.dumps(doc, sort_keys=True)))
            featured_rows.extend((doc["id"], p["gte"], p["lte"]) for p in doc.get("featured_periods") or ())
        placeholders = ", ".join("?" for _ in FTS_COLUMNS)
        conn.executemany(f"INSERT INTO fts_{g} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, {placeholders})",
                         fts_rows)
        conn.executemany(f"INSERT INTO spell_{g} (rowid, text) VALUES (?, ?)", spell_rows)
        doc_placeholders = ", ".join("?" for _ in DOC_COLUMNS)
        conn.executemany(
            f"INSERT OR REPLACE INTO docs_{g} (id, {', '.join(DOC_COLUMNS)}, document) "
            f"VALUES (?, {doc_placeholders}, ?)", doc_rows)
        conn.executemany(f"INSERT INTO featured_{g} (id, gte, lte) VALUES (?, ?, ?)", featured_rows)

    def index(self, docs: Iterable[Document]) -> int:
        batch = list(docs)
        if not batch:
            return 0
        with self._connection() as conn, self._transaction(conn, write=True):
            for g in self._targets(conn):
                self._upsert(conn, g, batch)
            self._bump_version(conn)
        return len(batch)

    def bulk_index(self, docs: Iterable[Document], chunk_size: int = 500) -> int:
        total = 0
        for chunk in in_chunks(docs, chunk_size):
            total += self.index(chunk)
        return total

    def delete(self, ids: Iterable[int]) -> int:
        rows = [(int(i),) for i in ids]
        if not rows:
            return 0
        removed = 0
        with self._connection() as conn, self._transaction(conn, write=True):
            for n, g in enumerate(self._targets(conn)):
                self._delete_texts(conn, g, rows)
                before = conn.total_changes
                conn.executemany(f"DELETE FROM docs_{g} WHERE id = ?", rows)
                if n == 0:
                    removed = conn.total_changes - before
            self._bump_version(conn)
        return removed

    def rebuild(self, docs: Iterable[Document], progress: Progress | None = None, chunk_size: int = 500) -> int:
        with self._connection() as conn:
            with self._transaction(conn, write=True):
                stale = self._building(conn)
                if stale:  # a rebuild that died half way: its tables were never live
                    self._drop_generation(conn, stale)
                new = max([self._active(conn), *self._generations(conn)]) + 1
                self._create_generation(conn, new)
                self._set_meta(conn, "building", str(new))
            loaded = 0
            try:
                for chunk in in_chunks(docs, chunk_size):
                    with self._transaction(conn, write=True):
                        self._upsert(conn, new, chunk)
                    loaded += len(chunk)
                    if progress:
                        progress(loaded)
                with self._transaction(conn, write=True):
                    old = self._active(conn)
                    self._set_meta(conn, "active", str(new))
                    self._set_meta(conn, "building", None)
                    self._set_meta(conn, "built_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
                    self._bump_version(conn)
                    self._drop_generation(conn, old)
            except BaseException:
                with self._transaction(conn, write=True):
                    self._drop_generation(conn, new)
                    self._set_meta(conn, "building", None)
                raise
        return loaded

    def reset(self) -> None:
        with self._connection() as conn, self._transaction(conn, write=True):
            for g in self._generations(conn):
                self._drop_generation(conn, g)
            self._create_generation(conn, 1)
            self._set_meta(conn, "active", "1")
            self._set_meta(conn, "building", None)
            self._set_meta(conn, "built_at", None)
            self._bump_version(conn)

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        with self._connection() as conn, self._transaction(conn, write=False):
            return conn.execute(f"SELECT count(*) FROM docs_{self._active(conn)}").fetchone()[0]

    def status(self) -> dict[str, Any]:
        today = dt.date.today().isoformat()
        with self._connection() as conn, self._transaction(conn, write=False):
            g = self._active(conn)
            documents = conn.execute(f"SELECT count(*) FROM docs_{g}").fetchone()[0]
            live = conn.execute(f"SELECT count(*) FROM docs_{g} WHERE status = 'live' AND closing_date >= ?",
                                (today,)).fetchone()[0]
            return {
                "engine": self.name,
                "path": self.path,
                "size_bytes": os.path.getsize(self.path) if os.path.exists(self.path) else 0,
                "generation": g,
                "rebuilding": self._building(conn),
                "built_at": self._meta(conn, "built_at"),
                "documents": documents,
                "live_documents": live,
            }

    def search(self, query: SearchQuery) -> SearchResult:
        with self._connection() as conn, self._transaction(conn, write=False):
            g = self._active(conn)
            columns = self._columns(conn, g)
            terms, corrected = self._correct_spelling(conn, g, keyword_terms(query.keywords))
            match = fts_expression(terms) if terms else None
            if match is None:
                candidates = np.ones(columns.size, dtype=bool)
            else:
                candidates = np.zeros(columns.size, dtype=bool)
                # One text of every matching id: tens of thousands of rows without a Python object each.
                ids = np.fromstring(conn.execute(f"SELECT group_concat(rowid) FROM fts_{g} WHERE fts_{g} MATCH ?",
                                                 (match,)).fetchone()[0] or "", dtype=np.int64, sep=",")
                positions, held = columns.positions_of(ids)
                candidates[positions[held]] = True
            selection = columns.select(query, candidates)
            scores = None
            if match is not None and query.effective_sort == Sort.RELEVANCE and selection.total:
                scores = self._scores(conn, g, match, columns, selection.matching)
            featured = np.zeros(columns.size, dtype=bool)
            if query.pins_featured:
                today = query.today.isoformat()
                featured_ids = np.array([r[0] for r in conn.execute(
                    f"SELECT DISTINCT id FROM featured_{g} WHERE gte <= ? AND lte >= ?", (today, today))], dtype=np.int64)
                positions, held = columns.positions_of(featured_ids)
                featured[positions[held]] = True
            page_ids = [int(i) for i in columns.ids[columns.page(query, selection.matching, scores, featured)]]
            texts = self._page_texts(conn, g, match, page_ids) if match and not query.ids_only else {}
            hits = [
                Hit(vacancy_id=i, highlights=texts[i][0] if i in texts else {},
                    score=-texts[i][1] if i in texts else None)
                for i in page_ids
            ]
        return SearchResult(
            hits=hits, total=selection.total, facets={} if query.ids_only else selection.facets, page=query.page,
            per_page=query.per_page,
            corrected_keywords=" ".join(t.text for t in terms) if corrected else None,
        )

    @staticmethod
    def _scores(conn: sqlite3.Connection, g: int, match: str, columns: DocumentColumns,
                matching: np.ndarray) -> np.ndarray:
        """bm25 (lower is better) for the documents that pass every filter, by position.

        bm25 costs many times the match itself, so it is worked out only for the rows the filters
        let through: the unary + keeps the id list out of FTS5's own lookup (which would restart
        the match for every id) and SQLite then checks each match against it as a set."""
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        wanted = json.dumps(columns.ids[matching].tolist())
        rows = _tuples(conn).execute(
            f"SELECT rowid, bm25(fts_{g}, {weights}) FROM fts_{g} WHERE fts_{g} MATCH ? "
            f"AND +rowid IN (SELECT value FROM json_each(?))", (match, wanted)).fetchall()
        scores = np.zeros(columns.size, dtype=np.float64)
        positions, held = columns.positions_of(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        scores[positions[held]] = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))[held]
        return scores

    def _columns(self, conn: sqlite3.Connection, g: int) -> DocumentColumns:
        """The active generation's filter and sort fields as arrays, read afresh whenever the
        index has changed (``meta.version`` moves on every write), inside the search's own
        transaction, so they are always the documents the full-text match sees."""
        key = (g, self._meta(conn, "version"))
        cached = self._columns_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        columns = DocumentColumns.load(conn, g)
        self._columns_cache = (key, columns)
        return columns

    @staticmethod
    def _page_texts(conn: sqlite3.Connection, g: int, match: str,
                    ids: list[int]) -> dict[int, tuple[dict[str, Markup], float]]:
        """Title and description highlights, and the bm25 score, for one page of hits only."""
        if not ids:
            return {}
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        rows = conn.execute(
            f"SELECT rowid AS id, highlight(fts_{g}, {TITLE_COLUMN}, ?, ?) AS title_html, "
            f"snippet(fts_{g}, {DESCRIPTION_COLUMN}, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet_html, "
            f"bm25(fts_{g}, {weights}) AS score "
            # +rowid: one pass of the match checked against the page's ids, rather than FTS5
            # restarting the match for each id (several times slower for phrases).
            f"FROM fts_{g} WHERE fts_{g} MATCH ? AND +rowid IN ({', '.join('?' for _ in ids)})",
            [MARK_START, MARK_END, MARK_START, MARK_END, match, *ids],
        ).fetchall()
        return {
            row["id"]: ({"title": highlight_html(row["title_html"]), "description": highlight_html(row["snippet_html"])},
                        row["score"])
            for row in rows
        }

    def _correct_spelling(self, conn: sqlite3.Connection, g: int, terms: list[Term]) -> tuple[list[Term], bool]:
        corrected = False
        result = []
        vocabulary: list[tuple[str, int]] | None = None
        for term in terms:
            if (term.is_abbreviation or term.is_phrase or not term.text.isalpha() or not allowed_edits(term.text)
                    or self._has_hits(conn, g, term)):
                result.append(term)
                continue
            if vocabulary is None:
                vocabulary = self._vocabulary(conn, g)
            replacement = closest_word(term.text, vocabulary)
            if replacement is None:
                result.append(term)
                continue
            corrected = True
            result.append((keyword_terms(replacement) or [Term(replacement)])[0])
        return result, corrected

    def _vocabulary(self, conn: sqlite3.Connection, g: int) -> list[tuple[str, int]]:
        """Every indexed word with its document count. Reading fts5vocab walks the whole index,
        so the list is kept until the index next changes (``meta.version`` moves on every write)."""
        key = (g, self._meta(conn, "version"))
        cached = self._vocabulary_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        words_and_counts = [(r[0], r[1]) for r in conn.execute(f"SELECT term, doc FROM spellvocab_{g}")
                            if r[0].isalpha()]
        self._vocabulary_cache = (key, words_and_counts)
        return words_and_counts

    @staticmethod
    def _bump_version(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES ('version', '1') "
                     "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    @staticmethod
    def _has_hits(conn: sqlite3.Connection, g: int, term: Term) -> bool:
        return conn.execute(f"SELECT 1 FROM fts_{g} WHERE fts_{g} MATCH ? LIMIT 1",
                            (fts_expression([term]),)).fetchone() is not None

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        typed = suggestion_words(prefix)
        if not typed:
            return []
        expression = " AND ".join([_quote(w) for w in typed[:-1]] + [_quote(typed[-1]) + "*"])
        with self._connection() as conn, self._transaction(conn, write=False):
            g = self._active(conn)
            rows = conn.execute(
                f"SELECT d.title, count(*) AS n FROM fts_{g} JOIN docs_{g} AS d ON d.id = fts_{g}.rowid "
                f"WHERE fts_{g} MATCH ? AND d.status = 'live' AND d.closing_date >= ? "
                f"GROUP BY d.title ORDER BY n DESC, d.title LIMIT ?",
                (f"title : ({expression})", dt.date.today().isoformat(), limit),
            ).fetchall()
        return [r[0] for r in rows]


def _tuples(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor whose rows are plain tuples (the connection's sqlite3.Row is slower to build)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def closest_word(word: str, vocabulary: list[tuple[str, int]]) -> str | None:
    """The indexed word nearest ``word`` within AUTO fuzziness; ties go to the more common word."""
    limit = allowed_edits(word)
    best: tuple[int, int, str] | None = None
    for candidate, doc_count in vocabulary:
        if not candidate.isalpha() or abs(len(candidate) - len(word)) > limit:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, -doc_count, candidate) < best):
            best = (distance, -doc_count, candidate)
    return best[2] if best else None

