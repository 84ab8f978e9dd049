"""The embedded engine's filters, facets, counts and sort orders, over its documents held as NumPy columns.

The SQLite engine keeps full-text matching (FTS5: stemming, phrases, bm25, highlights) in
SQLite. Everything else a search asks — liveness, the range and promise filters, seven
disjunctive facet counts, the total and one sorted page — used to be SQL over a temporary
table of every candidate, which is linear in the candidates with a large constant (90,000 rows
copied, counted eight times and sorted, per search). Here the docs table's filter and sort
fields are read once into arrays, and a search is a handful of vectorised comparisons, one
``bincount`` per facet and a sort of the matching positions only.

The columns are a snapshot of one index version (``meta.version`` moves on every write, and
the engine reads it in the same transaction as the full-text match), so a write is seen by
the next search: there is no cache that can answer with yesterday's index.

Each comparison reproduces the SQL it replaces exactly: text dates compare as text (ranks in
the sorted distinct values), NULLs are never >= or <= anything and sort as SQLite sorts them
(smallest), ties fall to the same keys (published time, then id, descending).
"""
from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from webapp.search.query import FACETS, SearchQuery, Sort

EARTH_RADIUS_MILES = 3958.8  # domain.geography's haversine radius


def _text_ranks(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Each text value's rank among the distinct values in text order (-1 for NULL), so a rank
    comparison is the text comparison SQLite made (ISO 8601 text sorts as time)."""
    distinct = sorted({v for v in values if v is not None})
    rank = {v: n for n, v in enumerate(distinct)}
    ranks = np.fromiter((rank[v] if v is not None else -1 for v in values), dtype=np.int64, count=len(values))
    return ranks, np.array(distinct, dtype=str)


def _numbers(values: Sequence[Any]) -> np.ndarray:
    """NULL as -inf: never >= a bound, and last in a descending sort (SQLite's NULL is smallest)."""
    return np.fromiter((-math.inf if v is None else float(v) for v in values), dtype=np.float64, count=len(values))


@dataclass
class Facet:
    values: list[str]  # code -> value
    codes: np.ndarray  # per document; -1 for NULL


@dataclass
class Selection:
    total: int
    matching: np.ndarray  # mask over positions: the documents every filter lets through
    facets: dict[str, list[tuple[str, int]]]


class DocumentColumns:
    """One index version's documents as arrays, in id order (position = index into ``ids``)."""

    def __init__(self, rows: list[sqlite3.Row]):
        self.size = len(rows)
        self.ids = np.fromiter((r["id"] for r in rows), dtype=np.int64, count=self.size)
        self.live = np.fromiter((r["status"] == "live" for r in rows), dtype=bool, count=self.size)
        self.closing, self._closing_values = _text_ranks([r["closing_date"] for r in rows])
        self.published, self._published_values = _text_ranks([r["published_at"] for r in rows])
        self.salary_min = _numbers([r["salary_min"] for r in rows])
        self.salary_max = _numbers([r["salary_max"] for r in rows])
        caseload = [r["caseload_max"] for r in rows]
        self.caseload = np.fromiter((math.nan if v is None else float(v) for v in caseload), dtype=np.float64,
                                    count=self.size)  # NaN: a NULL caseload fails every comparison
        self.protected = np.fromiter((bool(r["protected_caseload_nqsw"]) for r in rows), dtype=bool, count=self.size)
        self.funded = np.fromiter((bool(r["funded_development"]) for r in rows), dtype=bool, count=self.size)
        self.latitude = np.fromiter((math.nan if r["latitude"] is None else r["latitude"] for r in rows),
                                    dtype=np.float64, count=self.size)
        self.longitude = np.fromiter((math.nan if r["longitude"] is None else r["longitude"] for r in rows),
                                     dtype=np.float64, count=self.size)
        self.facets: dict[str, Facet] = {}
        for name, (column, _) in FACETS.items():
            values = [r[column] for r in rows]
            distinct = sorted({v for v in values if v is not None})
            code = {v: n for n, v in enumerate(distinct)}
            self.facets[name] = Facet(distinct, np.fromiter((code[v] if v is not None else -1 for v in values),
                                                            dtype=np.int64, count=self.size))
        # Orders that do not depend on the search, computed once: a search's page in one of
        # them is the first matching positions along it.
        newest = np.lexsort((-self.ids, -self.published))
        self.orders: dict[Sort, np.ndarray] = {
            Sort.NEWEST: newest,
            Sort.SALARY: np.lexsort((-self.ids, -self.salary_min, -self.salary_max)),
            Sort.CLOSING: np.lexsort((-self.ids, -self.published, self.closing)),
        }

    @classmethod
    def load(cls, conn: sqlite3.Connection, g: int) -> "DocumentColumns":
        columns = ["id", "status", "closing_date", "published_at", "salary_min", "salary_max", "caseload_max",
                   "protected_caseload_nqsw", "funded_development", "latitude", "longitude",
                   *(column for column, _ in FACETS.values())]
        return cls(conn.execute(f"SELECT {', '.join(columns)} FROM docs_{g} ORDER BY id").fetchall())

    def positions_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of these ids, and which of them the columns hold."""
        positions = np.searchsorted(self.ids, ids)
        positions[positions >= self.size] = 0
        held = self.ids[positions] == ids if self.size else np.zeros(len(ids), dtype=bool)
        return positions, held

    def _at_least(self, ranks: np.ndarray, values: np.ndarray, text: str) -> np.ndarray:
        """The values (as ranks) at or after ``text`` in text order; NULL never is."""
        return ranks >= np.searchsorted(values, text, side="left") if len(values) else np.zeros(self.size, dtype=bool)

    def distances(self, latitude: float, longitude: float, where: np.ndarray | None = None) -> np.ndarray:
        """Haversine miles from a point (domain.geography.distance_miles, vectorised)."""
        lat = self.latitude if where is None else self.latitude[where]
        lon = self.longitude if where is None else self.longitude[where]
        phi1, phi2 = np.radians(lat), math.radians(latitude)
        a = (np.sin((phi2 - phi1) / 2) ** 2
             + np.cos(phi1) * math.cos(phi2) * np.sin(np.radians(longitude - lon) / 2) ** 2)
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(a))

    def base_mask(self, query: SearchQuery) -> np.ndarray:
        """Liveness and the filters that are not facets (they apply to every count)."""
        mask = self.live & self._at_least(self.closing, self._closing_values, query.today.isoformat())
        if query.salary_min is not None:
            mask &= self.salary_max >= query.salary_min
        if query.closing_after is not None:
            mask &= self._at_least(self.closing, self._closing_values, query.closing_after.isoformat())
        if query.published_since is not None:
            mask &= self._at_least(self.published, self._published_values, query.published_since_text)
        if query.max_caseload is not None:
            mask &= self.caseload <= query.max_caseload
        if query.protected_nqsw_caseload:
            mask &= self.protected
        if query.funded_development:
            mask &= self.funded
        if query.near is not None:
            inside = np.flatnonzero(mask)
            with np.errstate(invalid="ignore"):
                mask[inside] = self.distances(query.near.latitude, query.near.longitude, inside) <= query.near.miles
        return mask

    def facet_mask(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        facet = self.facets[name]
        wanted = [facet.values.index(v) for v in values if v in facet.values]
        return np.isin(facet.codes, wanted) if wanted else np.zeros(self.size, dtype=bool)

    def select(self, query: SearchQuery, candidates: np.ndarray) -> Selection:
        """Filter and facet the candidates (a mask over positions): the documents matching
        every filter, their number, and each facet's counts under every filter but its own."""
        base = candidates & self.base_mask(query)
        chosen = {name: self.facet_mask(name, values) for name, values in query.facet_filters().items()}
        matching = base.copy()
        for mask in chosen.values():
            matching &= mask
        facets: dict[str, list[tuple[str, int]]] = {}
        for name, facet in self.facets.items():
            counted = base.copy()
            for other, mask in chosen.items():
                if other != name:
                    counted &= mask
            codes = facet.codes[counted]
            counts = np.bincount(codes[codes >= 0], minlength=len(facet.values))
            present = np.flatnonzero(counts)
            # Most common first, then by value (the GROUP BY's ORDER BY n DESC, value).
            facets[name] = sorted(((facet.values[c], int(counts[c])) for c in present), key=lambda vc: (-vc[1], vc[0]))
        return Selection(total=int(matching.sum()), matching=matching, facets=facets)

    def page(self, query: SearchQuery, matching: np.ndarray, scores: np.ndarray | None,
             featured: np.ndarray) -> np.ndarray:
        """The positions of the query's page of the matching documents, in order.

        ``scores``: bm25 per position (lower is better) for the relevance order; ``featured``: a
        mask of the jobs featured today, first when the query pins them."""
        end = query.offset + query.per_page
        sort = query.effective_sort
        if sort in self.orders and not query.pins_featured:
            order = self.orders[sort]
            return order[matching[order]][query.offset:end]
        positions = np.flatnonzero(matching)
        keys: list[np.ndarray] = [-self.ids[positions], -self.published[positions]]
        if sort == Sort.RELEVANCE:
            keys.append(scores[positions] if scores is not None else np.zeros(len(positions)))
        elif sort == Sort.NEAREST and query.near is not None:
            keys.append(self.distances(query.near.latitude, query.near.longitude, positions))
        elif sort == Sort.SALARY:
            keys = [-self.ids[positions], -self.salary_min[positions], -self.salary_max[positions]]
        elif sort == Sort.CLOSING:
            keys.append(self.closing[positions])
        if query.pins_featured:
            keys.append(~featured[positions])  # featured (False sorts first) before the rest
        return positions[np.lexsort(keys)[query.offset:end]]
