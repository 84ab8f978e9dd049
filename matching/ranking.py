"""Exact ranking of many candidates for one vacancy, fast enough for 100,000 of them.

`CandidatePool.of(candidates, vectors)` holds everyone who may be ranked, once, between calls:
unit vectors as one C-contiguous float32 matrix, the hard constraints' table
(matching.constraints.CandidateTable) and the few arrays the hybrid score reads. Rows are stored
in an order that puts candidates with the same findability, contract types, registration and role
level side by side, so the candidates a vacancy may be shown sit in few runs of rows.

`top_candidates(vacancy, vector, pool)` gives the same answer as `matching.scoring.rank_candidates`
(the reference, one candidate at a time):

1. the hard constraints as one NumPy mask (the constraint table's own `mask_for`, so one rule set);
2. cosine similarity only for the blocks of rows that hold an allowed candidate — a matrix–vector
   product reads every byte of the matrix, so skipping the blocks nobody allowed is most of the win;
3. the `SHORTLIST` nearest by meaning with `argpartition`;
4. bounds of the hybrid score for the whole shortlist at once with NumPy (`score_bounds`, the array
   form of `matching.scoring.components`: exact where the arrays hold all a component reads);
5. `assess` (the reference) only for the rows whose best case can still reach the top `limit`,
   which decides the order and the reasons. If a score falls outside its bounds (someone changed one
   form and not the other), the shortlist is scored the reference way instead and a warning is logged.

`rerank(vacancy, candidates, similarities)` does steps 4 and 5 for a shortlist found elsewhere
(Elasticsearch kNN), after applying the hard constraints' mask to the facts given.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from domain.geography import LONDON_BOROUGHS
from domain.vocabulary import Availability, NeedLevel, ServiceArea, WorkingPattern
from matching.constraints import CandidateTable, borough_distances, failures
from matching.scoring import Match, assess, explain
from matching.text import CandidateFacts, VacancyFacts
from matching.weights import (
    AVAILABILITY_SCORES,
    DISTANCE_UNKNOWN_SCORE,
    PATTERN_MISMATCH_SCORE,
    PREFERRED_BOROUGH_SCORE,
    RELATED_AREAS,
    ROLE_STEP_SCORES,
    ROLE_UNKNOWN_SCORE,
    SALARY_HEADROOM,
    SALARY_UNKNOWN_SCORE,
    SHORTLIST,
    SPECIALISM_EXACT,
    SPECIALISM_NONE_GIVEN,
    SPECIALISM_RELATED,
    WEIGHTS,
)

log = logging.getLogger(__name__)

BLOCK = 256  # rows per block when skipping blocks with nobody allowed: 384 KB of float32 vectors
# The array score and the reference agree to ~1e-15; anything within this of the last place is re-scored.
SCORE_SLACK = 1e-9

_AREAS = list(ServiceArea)
_AREA_BIT = {a.value: 1 << i for i, a in enumerate(_AREAS)}
# For each service area, the bits of the areas that count as related experience for it.
_RELATED_BITS = {a.value: sum(_AREA_BIT[b.value] for b in _AREAS if b != a and any(a in g and b in g for g in RELATED_AREAS))
                 for a in _AREAS}
_PATTERN_BIT = {p.value: 1 << i for i, p in enumerate(WorkingPattern)}
_BOROUGH_BIT = {b.slug: 1 << i for i, b in enumerate(LONDON_BOROUGHS)}
assert len(LONDON_BOROUGHS) < 63 and len(_AREAS) < 63, "bit sets are held in int64"
_SLUG_INDEX = {b.slug: i for i, b in enumerate(LONDON_BOROUGHS)}
# role step (vacancy rank - candidate rank) -> score, over every step a rank difference can make
_STEP_OFFSET = 32
_STEP_SCORES = np.zeros(2 * _STEP_OFFSET + 1)
for _step, _score in ROLE_STEP_SCORES.items():
    _STEP_SCORES[_step + _STEP_OFFSET] = _score


_controller: ThreadpoolController | None = None


def _one_blas_thread():
    """A matrix-vector product is bound by memory, not arithmetic: a second BLAS thread adds little on a
    quiet machine and, on a busy one, waiting for it to be scheduled costs more than the product itself."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def _bits(values: Sequence[str], bit: dict[str, int]) -> int:
    return sum(bit.get(v, 0) for v in set(values))


# The same few tuples (specialisms, boroughs, patterns) recur across thousands of people: each is turned into
# its bit set once (a shortlist's arrays were most of a re-ranking's time, issue 15).
@functools.lru_cache(maxsize=8192)
def _area_bits(values: tuple[str, ...]) -> int:
    return _bits(values, _AREA_BIT)


@functools.lru_cache(maxsize=8192)
def _borough_bits(values: tuple[str, ...]) -> int:
    return _bits(values, _BOROUGH_BIT)


@functools.lru_cache(maxsize=256)
def _pattern_bits(values: tuple[str, ...]) -> int:
    return _bits(values, _PATTERN_BIT)


def _storage_key(c: CandidateFacts) -> tuple:
    """Candidates a vacancy treats alike (findable or not, contracts, registration, level) go side by side."""
    findable = c.discoverable and c.availability != Availability.NOT_LOOKING
    return (not findable, tuple(sorted(c.contract_types)), not c.registered,
            c.role_level.rank if c.role_level is not None else -1, c.min_salary or 0, c.home_borough or "", c.id)


def _other_soft_preferences(c: CandidateFacts) -> bool:
    """Whether the working-pattern component reads more than the patterns ticked (hybrid working or a
    protected caseload preferred): those rows get bounds [0, 1] for it instead of a value."""
    return c.hybrid_working == NeedLevel.PREFER or c.protected_caseload == NeedLevel.PREFER


def _score_row(c: CandidateFacts) -> tuple:
    return (c.role_level.rank if c.role_level is not None else -1,
            _area_bits(tuple(c.specialisms)),
            _SLUG_INDEX.get(c.home_borough or "", -1),
            np.nan if c.max_commute_miles is None else c.max_commute_miles,
            np.nan if c.min_salary is None else c.min_salary,
            _borough_bits(tuple(c.preferred_boroughs)),
            _pattern_bits(tuple(c.working_patterns)),
            not _other_soft_preferences(c),
            AVAILABILITY_SCORES[c.availability])


_SCORE_COLUMNS = (("role_rank", np.int64), ("specialism_bits", np.int64), ("home", np.int64),
                  ("max_commute", np.float64), ("min_salary", np.float64), ("preferred_bits", np.int64),
                  ("pattern_bits", np.int64), ("pattern_exact", bool), ("availability", np.float64))


def _score_arrays(facts: Sequence[CandidateFacts]) -> dict[str, np.ndarray]:
    """What the hybrid score reads, one array per field, row i for facts[i] (one pass over the people)."""
    columns = list(zip(*(_score_row(c) for c in facts))) or [()] * len(_SCORE_COLUMNS)
    return {name: np.array(column, dtype=dtype) for (name, dtype), column in zip(_SCORE_COLUMNS, columns)}


@dataclass
class CandidatePool:
    """Everyone who may be ranked, as arrays in storage order (row i is candidates[i] and matrix[i])."""

    candidates: list[CandidateFacts]
    matrix: np.ndarray  # (n, dims) float32, C-contiguous, unit rows
    table: CandidateTable | None  # the hard constraints (matching.constraints); None for a shortlist
    # what the hybrid score reads, as arrays
    role_rank: np.ndarray  # -1 when not given
    specialism_bits: np.ndarray
    home: np.ndarray  # index into LONDON_BOROUGHS, -1 when not given
    max_commute: np.ndarray  # NaN when not given
    min_salary: np.ndarray  # NaN when not given
    preferred_bits: np.ndarray  # bit i: LONDON_BOROUGHS[i] is a preferred borough
    pattern_bits: np.ndarray
    pattern_exact: np.ndarray  # False: other soft preferences also count (bounds, not a value)
    availability: np.ndarray

    @classmethod
    def of(cls, candidates: Sequence[CandidateFacts], vectors: np.ndarray | Sequence[np.ndarray]) -> "CandidatePool":
        order = sorted(range(len(candidates)), key=lambda i: _storage_key(candidates[i]))
        facts = [candidates[i] for i in order]
        if facts:
            matrix = np.asarray(vectors, dtype=np.float32).reshape(len(candidates), -1)[order]
        else:
            matrix = np.zeros((0, 0), dtype=np.float32)
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        return cls(candidates=facts, matrix=matrix, table=CandidateTable.of(facts), **_score_arrays(facts))

    @classmethod
    def of_shortlist(cls, candidates: Sequence[CandidateFacts]) -> "CandidatePool":
        """A shortlist found elsewhere (Elasticsearch kNN) as a pool, in the order given, without vectors (its
        similarities come with it) and without a constraint table (`rerank` checks the rules one by one, and
        only for the rows that can reach the top)."""
        facts = list(candidates)
        return cls(candidates=facts, matrix=np.zeros((len(facts), 0), dtype=np.float32), table=None,
                   **_score_arrays(facts))

    def __len__(self) -> int:
        return len(self.candidates)

    def similarities(self, vector: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Cosine similarity for every allowed row (rows in blocks with nobody allowed are left unset)."""
        n = len(self)
        out = np.empty(n, dtype=np.float32)
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        blocks = -(-n // BLOCK)
        padded = np.zeros(blocks * BLOCK, dtype=bool)
        padded[:n] = allowed
        wanted = padded.reshape(blocks, BLOCK).any(axis=1)
        # runs of consecutive wanted blocks: one matrix-vector product each
        edges = np.flatnonzero(np.diff(np.concatenate(([0], wanted.view(np.int8), [0]))))
        with _one_blas_thread():
            for start, stop in zip(edges[0::2] * BLOCK, np.minimum(edges[1::2] * BLOCK, n)):
                out[start:stop] = self.matrix[start:stop] @ vector
        return out

    def score_bounds(self, vacancy: VacancyFacts, rows: np.ndarray,
                     similarities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of `matching.scoring.hybrid_score(components(...))` for these rows at once.

        The array form of each component (same weights, same order of addition); where a component
        reads more than these arrays hold (the working pattern when hybrid working or a protected
        caseload is preferred) its bounds are [0, 1]. Equal bounds are the score itself."""
        role = self.role_rank[rows]
        role_part = np.where(role < 0, ROLE_UNKNOWN_SCORE,
                             _STEP_SCORES[np.clip(vacancy.role_level.rank - role + _STEP_OFFSET, 0, 2 * _STEP_OFFSET)])
        bits = self.specialism_bits[rows]
        area = vacancy.service_area.value
        specialism = np.where(bits == 0, SPECIALISM_NONE_GIVEN,
                              np.where(bits & _AREA_BIT[area], SPECIALISM_EXACT,
                                       np.where(bits & _RELATED_BITS[area], SPECIALISM_RELATED, 0.0)))
        borough_bit = _BOROUGH_BIT.get(vacancy.organisation_slug, 0)
        preferred = np.where(self.preferred_bits[rows] & borough_bit != 0, PREFERRED_BOROUGH_SCORE, 0.0)
        home = self.home[rows]
        reach = self.max_commute[rows]
        miles = np.append(borough_distances(vacancy.latitude, vacancy.longitude), np.nan)[home]
        unknown = (home < 0) | np.isnan(reach)
        with np.errstate(invalid="ignore"):
            near = np.clip(1.0 - miles / (np.maximum(np.nan_to_num(reach, nan=1.0), 1) * 1.25), 0.0, 1.0)
        distance = np.maximum(preferred, np.where(unknown, DISTANCE_UNKNOWN_SCORE, near))
        minimum = self.min_salary[rows]
        salary = np.where(np.isnan(minimum), SALARY_UNKNOWN_SCORE,
                          np.clip(0.5 + 0.5 * (vacancy.salary_max - np.nan_to_num(minimum)) / SALARY_HEADROOM, 0.0, 1.0))
        patterns = self.pattern_bits[rows]
        pattern = np.where((patterns == 0) | (patterns & _PATTERN_BIT.get(vacancy.working_pattern.value, 0) != 0),
                           1.0, PATTERN_MISMATCH_SCORE)
        exact = self.pattern_exact[rows]
        low_parts = {
            "semantic": np.clip(similarities[rows].astype(np.float64), 0.0, 1.0),
            "role_level": role_part,
            "specialism": specialism,
            "distance": distance,
            "salary": salary,
            "working_pattern": np.where(exact, pattern, 0.0),
            "availability": self.availability[rows],
        }
        low = np.zeros(len(rows))
        high = np.zeros(len(rows))
        for name, value in low_parts.items():
            low = low + WEIGHTS[name] * value
            high = high + WEIGHTS[name] * (np.where(exact, pattern, 1.0) if name == "working_pattern" else value)
        return low, high


def _nearest_allowed(similarities: np.ndarray, allowed: np.ndarray, size: int) -> np.ndarray:
    rows = np.flatnonzero(allowed)
    if len(rows) > size:
        rows = rows[np.argpartition(-similarities[rows], size - 1)[:size]]
    return rows


def top_candidates(vacancy: VacancyFacts, vector: np.ndarray, pool: CandidatePool, limit: int = 50,
                   shortlist: int = SHORTLIST, for_recruiter: bool = True) -> list[Match]:
    """The best `limit` candidates for a vacancy, explained, best first (exact: every allowed row is compared)."""
    if not len(pool):
        return []
    assert pool.table is not None, "a pool of a shortlist is for rerank"
    allowed = pool.table.mask_for(vacancy, for_recruiter=for_recruiter)
    similarities = pool.similarities(vector, allowed)
    rows = _nearest_allowed(similarities, allowed, max(shortlist, limit))
    if not len(rows):
        return []
    return _best(vacancy, pool, rows, similarities, limit, for_recruiter)


def rerank(vacancy: VacancyFacts, candidates: Sequence[CandidateFacts], similarities: Sequence[float],
           limit: int = 50, for_recruiter: bool = True) -> list[Match]:
    """The best `limit` of a shortlist found by meaning elsewhere (Elasticsearch kNN; `similarities[i]` is
    candidates[i]'s cosine), explained, best first: the same re-ranking as `top_candidates` gives its own
    shortlist. The hard constraints (`failures`) are checked again on the facts given, so a vector index that
    lags the database never decides who is shown; only for the rows that can reach the top, since a row that
    cannot never moves the cut (its best case is below it, so its worst case is too)."""
    if not len(candidates):
        return []
    pool = CandidatePool.of_shortlist(candidates)
    checked: dict[int, bool] = {}

    def may_show(row: int) -> bool:
        if row not in checked:
            checked[row] = not failures(vacancy, pool.candidates[row], for_recruiter=for_recruiter)
        return checked[row]

    return _best(vacancy, pool, np.arange(len(pool)), np.asarray(similarities, dtype=np.float64), limit,
                 for_recruiter, may_show)


def _best(vacancy: VacancyFacts, pool: CandidatePool, rows: np.ndarray, similarities: np.ndarray, limit: int,
          for_recruiter: bool, may_show: Callable[[int], bool] | None = None) -> list[Match]:
    """Steps 4 and 5: the best `limit` of these rows by the hybrid score, `assess` only for those that can get
    there. `may_show(row)`, when given, is asked of those rows only; a row it refuses leaves, and the cut is
    drawn again without it."""
    low, high = pool.score_bounds(vacancy, rows, similarities)
    keep = np.ones(len(rows), dtype=bool)
    while True:
        alive = np.flatnonzero(keep)
        if len(alive) > limit:  # whoever's best case cannot reach the limit-th best worst case is out
            cut = np.partition(low[alive], len(alive) - limit)[len(alive) - limit]
            alive = alive[high[alive] >= cut - SCORE_SLACK]
        refused = [p for p in alive.tolist() if may_show is not None and not may_show(int(rows[p]))]
        if not refused:
            break
        keep[refused] = False
    contenders = rows[alive]
    candidates = pool.candidates

    def scored(chosen: np.ndarray) -> list[tuple[Match, int]]:
        return sorted(((assess(vacancy, candidates[i], float(similarities[i]), for_recruiter=for_recruiter,
                               explain=False), int(i)) for i in chosen),
                      key=lambda pair: (-pair[0].score, pair[0].candidate_id))

    ranked = scored(contenders)
    bounds = dict(zip(rows.tolist(), zip(low.tolist(), high.tolist())))
    if any(not bounds[i][0] - SCORE_SLACK <= match.score <= bounds[i][1] + SCORE_SLACK for match, i in ranked):
        log.warning("matching: the array form of the hybrid score disagrees with matching.scoring; "
                    "scoring the shortlist one by one (update matching.ranking.CandidatePool.score_bounds)")
        ranked = scored(np.array([r for r in rows[keep].tolist() if may_show is None or may_show(r)], dtype=np.int64))
    return [explain(vacancy, candidates[i], match, for_recruiter=for_recruiter) for match, i in ranked[:limit]]


__all__ = ["CandidatePool", "rerank", "top_candidates"]
