"""matching.ranking: the fast exact ranking gives the reference's answer (matching.scoring.rank_candidates)."""
from __future__ import annotations

import dataclasses
import logging
import random

import numpy as np
import pytest

from domain.geography import LONDON_BOROUGHS
from domain.vocabulary import (
    Availability,
    ContractType,
    HybridPattern,
    NeedLevel,
    RoleLevel,
    ServiceArea,
    WorkingPattern,
)
from matching import ranking
from matching.constraints import CandidateTable, failures
from matching.ranking import CandidatePool, rerank, top_candidates
from matching.scoring import assess, explain, rank_candidates
from matching.text import CandidateFacts, VacancyFacts

SLUGS = [b.slug for b in LONDON_BOROUGHS]


def people(n: int, seed: int) -> list[CandidateFacts]:
    """Every answer the scorer and the constraints read, drawn at random (including none given)."""
    rng = random.Random(seed)
    maybe = lambda value, p=0.8: value if rng.random() < p else None  # noqa: E731
    out = []
    for i in range(n):
        level = maybe(rng.choice(list(RoleLevel)), 0.85)
        out.append(CandidateFacts(
            id=i + 1, user_id=i + 1, role_level=level,
            specialisms=tuple(rng.sample([a.value for a in ServiceArea], rng.randint(0, 3))),
            home_borough=maybe(rng.choice(SLUGS)), preferred_boroughs=tuple(rng.sample(SLUGS, rng.randint(0, 3))),
            max_commute_miles=maybe(rng.choice((1, 3, 5, 10, 20))), min_salary=maybe(rng.randrange(28000, 70000, 500)),
            contract_types=tuple(rng.sample([c.value for c in ContractType], rng.randint(0, 2))),
            working_patterns=tuple(rng.sample([p.value for p in WorkingPattern], rng.randint(0, 2))),
            availability=rng.choice(list(Availability)), registered=rng.random() < 0.9,
            discoverable=rng.random() < 0.8, hidden_from=tuple(rng.sample(SLUGS, rng.randint(0, 1))),
            hybrid_working=rng.choice((None, NeedLevel.PREFER, NeedLevel.PREFER, None)),
            protected_caseload=rng.choice((None, None, NeedLevel.PREFER)),
            in_asye=level == RoleLevel.NQSW,
        ))
    return out


def vacancies(n: int, seed: int) -> list[VacancyFacts]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        borough = rng.choice(LONDON_BOROUGHS)
        low = rng.randrange(30000, 60000, 1000)
        out.append(VacancyFacts(
            id=i + 1, title="Social worker", role_level=rng.choice(list(RoleLevel)),
            service_area=rng.choice(list(ServiceArea)), organisation_id=1, organisation_slug=borough.slug,
            organisation_name=borough.name, latitude=borough.latitude + rng.uniform(-0.01, 0.01),
            longitude=borough.longitude + rng.uniform(-0.01, 0.01), salary_min=low,
            salary_max=low + rng.randrange(0, 12000, 500), contract_type=rng.choice(list(ContractType)),
            working_pattern=rng.choice(list(WorkingPattern)), protected_caseload=rng.random() < 0.5,
            hybrid_pattern=rng.choice((None, *HybridPattern)),
        ))
    return out


def unit_vectors(n: int, seed: int, dims: int = 32) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dims)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def as_rows(matches) -> list[tuple]:
    return [(m.candidate_id, m.score, m.semantic, m.reasons) for m in matches]


@pytest.mark.parametrize("size, limit, shortlist", [(40, 10, 300), (3000, 50, 300), (3000, 20, 60)])
def test_top_candidates_is_the_reference_ranking(size, limit, shortlist):
    candidates, matrix = people(size, seed=size), unit_vectors(size, seed=size)
    pool = CandidatePool.of(candidates, matrix)
    table = CandidateTable.of(candidates)
    queries = unit_vectors(25, seed=size + 1)
    for vacancy, vector in zip(vacancies(25, seed=size), queries):
        expected = rank_candidates(vacancy, vector, candidates, matrix, table, limit=limit, shortlist=shortlist)
        got = top_candidates(vacancy, vector, pool, limit=limit, shortlist=shortlist)
        assert [m.candidate_id for m in got] == [m.candidate_id for m in expected]
        for a, b in zip(got, expected):
            assert a.score == pytest.approx(b.score, abs=1e-6) and a.reasons == b.reasons


def test_pool_keeps_each_candidate_with_their_own_vector():
    candidates, matrix = people(500, seed=3), unit_vectors(500, seed=3)
    pool = CandidatePool.of(candidates, matrix)
    assert [c.id for c in pool.candidates] != [c.id for c in candidates]  # stored in its own order...
    by_id = {c.id: i for i, c in enumerate(candidates)}
    for row, facts in enumerate(pool.candidates):  # ...with facts, vector and constraint row moving together
        assert np.array_equal(pool.matrix[row], matrix[by_id[facts.id]])
        assert pool.table.ids[row] == facts.id
    assert pool.matrix.flags["C_CONTIGUOUS"] and pool.matrix.dtype == np.float32


def test_score_bounds_hold_the_reference_score():
    """Equal bounds are the score itself; a stated hybrid or protected-caseload preference widens them."""
    candidates, matrix = people(800, seed=5), unit_vectors(800, seed=5)
    pool = CandidatePool.of(candidates, matrix)
    rows = np.arange(len(pool))
    for vacancy, vector in zip(vacancies(10, seed=5), unit_vectors(10, seed=6)):
        similarities = pool.matrix @ vector
        low, high = pool.score_bounds(vacancy, rows, similarities)
        exact = np.array([assess(vacancy, c, float(similarities[i]), explain=False).score
                          for i, c in enumerate(pool.candidates)])
        assert np.all(low - 1e-12 <= exact) and np.all(exact <= high + 1e-12)
        simple = pool.pattern_exact
        assert simple.any() and (~simple).any()
        assert np.allclose(low[simple], exact[simple], atol=1e-12, rtol=0)


def test_similarities_skip_only_blocks_with_nobody_allowed():
    candidates, matrix = people(ranking.BLOCK * 5 + 7, seed=8), unit_vectors(ranking.BLOCK * 5 + 7, seed=8)
    pool = CandidatePool.of(candidates, matrix)
    vector = unit_vectors(1, seed=9)[0]
    allowed = np.zeros(len(pool), dtype=bool)
    allowed[[3, ranking.BLOCK * 2 + 1, len(pool) - 1]] = True
    got = pool.similarities(vector, allowed)
    assert np.allclose(got[allowed], pool.matrix[allowed] @ vector, atol=1e-6)


class PoolWithStaleBounds(CandidatePool):
    """A pool whose array form of the score has drifted from matching.scoring (as if one were edited alone)."""

    def score_bounds(self, vacancy, rows, similarities):
        low, high = super().score_bounds(vacancy, rows, similarities)
        return low * 0.5, high * 0.5


def test_a_score_outside_its_bounds_falls_back_to_the_reference(caplog):
    """If the array form and matching.scoring ever drift apart, the answer is still the reference's."""
    candidates, matrix = people(2000, seed=11), unit_vectors(2000, seed=11)
    pool = PoolWithStaleBounds(**vars(CandidatePool.of(candidates, matrix)))
    vacancy, vector = vacancies(1, seed=11)[0], unit_vectors(1, seed=12)[0]
    expected = rank_candidates(vacancy, vector, candidates, matrix, limit=30, shortlist=200)
    with caplog.at_level(logging.WARNING, logger="matching.ranking"):
        got = top_candidates(vacancy, vector, pool, limit=30, shortlist=200)
    assert [m.candidate_id for m in got] == [m.candidate_id for m in expected]
    assert "disagrees" in caplog.text


def test_empty_pool_and_nobody_allowed():
    assert top_candidates(vacancies(1, seed=1)[0], unit_vectors(1, seed=1)[0], CandidatePool.of([], [])) == []
    nobody = [dataclasses.replace(c, discoverable=False) for c in people(50, seed=2)]
    pool = CandidatePool.of(nobody, unit_vectors(50, seed=2))
    assert top_candidates(vacancies(1, seed=1)[0], unit_vectors(1, seed=1)[0], pool) == []


def reference_rerank(vacancy, hits, limit):
    """The kNN path's re-ranking before matching.ranking.rerank: the rules and the score, one hit at a time."""
    scored = sorted((assess(vacancy, c, cosine, explain=False) for c, cosine in hits
                     if not failures(vacancy, c, for_recruiter=True)), key=lambda m: (-m.score, m.candidate_id))
    return [explain(vacancy, next(c for c, _ in hits if c.id == m.candidate_id), m) for m in scored[:limit]]


@pytest.mark.parametrize("size, limit", [(300, 50), (300, 20), (40, 50)])
def test_rerank_of_a_shortlist_is_the_reference(size, limit):
    """A shortlist from elsewhere (kNN hits, nearest first, some breaking a rule as if the index lagged a change)
    comes back as scoring every hit one by one would rank it."""
    everyone = people(size * 4, seed=size + limit)
    queries = unit_vectors(20, seed=size)
    for n, (vacancy, vector) in enumerate(zip(vacancies(20, seed=limit), queries)):
        shortlist = random.Random(n).sample(everyone, size)
        cosines = (unit_vectors(size, seed=n) @ vector).astype(np.float64)
        order = np.argsort(-cosines)
        hits = [(shortlist[i], float(cosines[i])) for i in order]
        got = rerank(vacancy, [c for c, _ in hits], [cosine for _, cosine in hits], limit=limit)
        expected = reference_rerank(vacancy, hits, limit)
        assert [m.candidate_id for m in got] == [m.candidate_id for m in expected]
        assert [(m.score, m.semantic, m.reasons, m.cautions) for m in got] == \
            [(m.score, m.semantic, m.reasons, m.cautions) for m in expected]
        assert any(failures(vacancy, c, for_recruiter=True) for c, _ in hits)  # the mask had someone to leave out


def test_rerank_of_nobody():
    vacancy = vacancies(1, seed=1)[0]
    assert rerank(vacancy, [], []) == []
    nobody = [dataclasses.replace(c, discoverable=False) for c in people(10, seed=2)]
    assert rerank(vacancy, nobody, [0.5] * len(nobody)) == []
