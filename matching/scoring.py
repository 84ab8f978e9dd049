"""The hybrid score: meaning (embeddings) plus structured fit, with the reasons people are shown.

`assess(vacancy, candidate, semantic)` scores one pair; `rank_candidates` and `rank_vacancies`
rank many exactly: hard constraints filter (matching.constraints), the nearest by meaning
among the rest form a shortlist, and the shortlist is re-ranked by the hybrid score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from domain.vocabulary import Availability, RoleLevel, ServiceArea, WorkingPattern
from matching.constraints import CandidateTable, VacancyTable, failures, home_distance
from matching.text import CandidateFacts, VacancyFacts
from matching.weights import (
    AVAILABILITY_SCORES,
    DISTANCE_UNKNOWN_SCORE,
    PATTERN_MISMATCH_SCORE,
    PREFERRED_BOROUGH_SCORE,
    REASON_THRESHOLD,
    RELATED_AREAS,
    ROLE_STEP_SCORES,
    ROLE_UNKNOWN_SCORE,
    SALARY_HEADROOM,
    SALARY_UNKNOWN_SCORE,
    SHORTLIST,
    SPECIALISM_EXACT,
    SPECIALISM_NONE_GIVEN,
    SPECIALISM_RELATED,
    STRONG_SEMANTIC,
    WEIGHTS,
)


@dataclass
class Match:
    """One candidate–vacancy pair that passed the hard constraints, scored and explained."""

    vacancy_id: int
    candidate_id: int  # profile id
    score: float
    semantic: float
    components: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(max(0.0, min(1.0, self.score)) * 100)


def _unit(value: float) -> float:
    """Clamp to [0, 1] (plain Python: np.clip on one number costs more than the whole comparison)."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else float(value)


def related(area_a: str, area_b: str) -> bool:
    return any(area_a in group and area_b in group for group in RELATED_AREAS)


def role_component(vacancy: VacancyFacts, candidate: CandidateFacts) -> float:
    if candidate.role_level is None:
        return ROLE_UNKNOWN_SCORE
    return ROLE_STEP_SCORES.get(vacancy.role_level.rank - candidate.role_level.rank, 0.0)


def specialism_component(vacancy: VacancyFacts, candidate: CandidateFacts) -> float:
    if not candidate.specialisms:
        return SPECIALISM_NONE_GIVEN
    area = vacancy.service_area.value
    if area in candidate.specialisms:
        return SPECIALISM_EXACT
    if any(related(area, s) for s in candidate.specialisms):
        return SPECIALISM_RELATED
    return 0.0


def distance_component(vacancy: VacancyFacts, candidate: CandidateFacts, miles: float | None) -> float:
    preferred = PREFERRED_BOROUGH_SCORE if vacancy.organisation_slug in candidate.preferred_boroughs else 0.0
    if miles is None or candidate.max_commute_miles is None:
        return max(preferred, DISTANCE_UNKNOWN_SCORE)
    reach = max(candidate.max_commute_miles, 1)
    return max(preferred, _unit(1.0 - miles / (reach * 1.25)))


def salary_component(vacancy: VacancyFacts, candidate: CandidateFacts) -> float:
    if candidate.min_salary is None:
        return SALARY_UNKNOWN_SCORE
    return _unit(0.5 + 0.5 * (vacancy.salary_max - candidate.min_salary) / SALARY_HEADROOM)


def pattern_component(vacancy: VacancyFacts, candidate: CandidateFacts) -> float:
    if not candidate.working_patterns or vacancy.working_pattern.value in candidate.working_patterns:
        return 1.0
    return PATTERN_MISMATCH_SCORE


def components(vacancy: VacancyFacts, candidate: CandidateFacts, semantic: float,
               miles: float | None = None) -> dict[str, float]:
    return {
        "semantic": _unit(semantic),
        "role_level": role_component(vacancy, candidate),
        "specialism": specialism_component(vacancy, candidate),
        "distance": distance_component(vacancy, candidate, miles),
        "salary": salary_component(vacancy, candidate),
        "working_pattern": pattern_component(vacancy, candidate),
        "availability": AVAILABILITY_SCORES[candidate.availability],
    }


def hybrid_score(parts: dict[str, float]) -> float:
    return sum(WEIGHTS[name] * value for name, value in parts.items())


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: 'Child protection' -> 'child protection', but 'MASH and front door' and
    'Independent reviewing officer or CP chair' keep their capitals where they are abbreviations."""
    first, _, rest = label.partition(" ")
    head = first if first.isupper() and len(first) > 1 else first.lower()
    return f"{head} {rest}".strip() if rest else head


def _miles_phrase(miles: float) -> str:
    if miles < 1:
        return "under a mile away"
    rounded = round(miles)
    return f"{rounded} mile{'' if rounded == 1 else 's'} away"


def reasons(vacancy: VacancyFacts, candidate: CandidateFacts, parts: dict[str, float],
            miles: float | None, limit: int = 5, for_recruiter: bool = True) -> list[str]:
    """Short phrases, in the profession's words, for what makes this a fit: practice first, then
    place, level, pay, pattern, availability ("child protection experience, 3 miles away, senior practitioner")."""
    found: list[str] = []
    area = vacancy.service_area
    if parts["specialism"] >= SPECIALISM_EXACT and candidate.specialisms:
        found.append(f"{_in_sentence(area.label)} experience")
    elif parts["specialism"] >= SPECIALISM_RELATED and candidate.specialisms:
        near = next(ServiceArea(s) for s in candidate.specialisms if related(area.value, s))
        found.append(f"related experience in {_in_sentence(near.label)}")
    if vacancy.organisation_slug in candidate.preferred_boroughs:
        found.append(f"in {vacancy.organisation_name}, a preferred borough")
    elif miles is not None and candidate.max_commute_miles is not None and miles <= candidate.max_commute_miles:
        found.append(_miles_phrase(miles))
    if candidate.role_level is not None:
        step = vacancy.role_level.rank - candidate.role_level.rank
        if step == 0:
            found.append(_in_sentence(vacancy.role_level.label))
        elif step == 1:
            found.append(f"a step up to {_in_sentence(vacancy.role_level.label)}")
    if vacancy.role_level == RoleLevel.NQSW and candidate.in_asye:
        found.append("in their ASYE" if for_recruiter else "an ASYE post")
    if candidate.min_salary is not None and parts["salary"] >= REASON_THRESHOLD:
        found.append("pays above their minimum salary" if for_recruiter else "pays above your minimum salary")
    if candidate.working_patterns and parts["working_pattern"] >= 1.0 and vacancy.working_pattern != WorkingPattern.FULL_TIME:
        found.append(_in_sentence(vacancy.working_pattern.label))
    if for_recruiter and candidate.availability in (Availability.NOW, Availability.ONE_MONTH):
        found.append(_in_sentence(candidate.availability.label))
    if parts["semantic"] >= STRONG_SEMANTIC:
        found.append("profile closely matches the advert")
    return found[:limit]


def assess(vacancy: VacancyFacts, candidate: CandidateFacts, semantic: float, for_recruiter: bool = True,
           explain: bool = True) -> Match:
    """Score one pair; the reasons are worded for whoever reads them (the recruiter, or the social worker).
    Ranking many scores them all first and explains only the ones that will be shown."""
    miles = home_distance(vacancy, candidate)
    parts = components(vacancy, candidate, semantic, miles)
    found = reasons(vacancy, candidate, parts, miles, for_recruiter=for_recruiter) if explain else []
    return Match(vacancy_id=vacancy.id, candidate_id=candidate.id, score=hybrid_score(parts), semantic=float(semantic),
                 components=parts, reasons=found)


def explain(vacancy: VacancyFacts, candidate: CandidateFacts, match: Match, for_recruiter: bool = True) -> Match:
    match.reasons = reasons(vacancy, candidate, match.components, home_distance(vacancy, candidate),
                            for_recruiter=for_recruiter)
    return match


def _shortlist(similarities: np.ndarray, allowed: np.ndarray, size: int) -> np.ndarray:
    """Row indices of the `size` most similar rows among the allowed ones, best first."""
    rows = np.flatnonzero(allowed)
    if len(rows) > size:
        top = np.argpartition(-similarities[rows], size - 1)[:size]
        rows = rows[top]
    return rows[np.argsort(-similarities[rows], kind="stable")]


def nearest(vector: np.ndarray, matrix: np.ndarray, allowed: np.ndarray, limit: int) -> list[int]:
    """Row indices of the `limit` allowed rows nearest in meaning to `vector`, nearest first (similar jobs)."""
    if not len(matrix):
        return []
    return _shortlist(matrix @ vector, allowed, limit).tolist()


def rank_candidates(vacancy: VacancyFacts, vacancy_vector: np.ndarray, candidates: Sequence[CandidateFacts],
                    matrix: np.ndarray, table: CandidateTable | None = None, limit: int = 50,
                    shortlist: int = SHORTLIST, for_recruiter: bool = True) -> list[Match]:
    """The best `limit` candidates for a vacancy (exact: every allowed row is compared)."""
    if not len(candidates):
        return []
    table = table or CandidateTable.of(candidates)
    allowed = table.mask_for(vacancy, for_recruiter=for_recruiter)
    similarities = matrix @ vacancy_vector
    rows = _shortlist(similarities, allowed, max(shortlist, limit))
    scored = sorted(((assess(vacancy, candidates[i], float(similarities[i]), explain=False), i) for i in rows),
                    key=lambda pair: (-pair[0].score, pair[0].candidate_id))
    return [explain(vacancy, candidates[i], match) for match, i in scored[:limit]]


def rank_vacancies(candidate: CandidateFacts, candidate_vector: np.ndarray, vacancies: Sequence[VacancyFacts],
                   matrix: np.ndarray, table: VacancyTable | None = None, limit: int = 50,
                   shortlist: int = SHORTLIST) -> list[Match]:
    """The best `limit` vacancies for a candidate (the vacancies given are the live ones)."""
    if not len(vacancies):
        return []
    table = table or VacancyTable.of(vacancies)
    allowed = table.mask_for(candidate)
    similarities = matrix @ candidate_vector
    rows = _shortlist(similarities, allowed, max(shortlist, limit))
    scored = sorted(((assess(vacancies[i], candidate, float(similarities[i]), explain=False), i) for i in rows),
                    key=lambda pair: (-pair[0].score, pair[0].vacancy_id))
    return [explain(vacancies[i], candidate, match, for_recruiter=False) for match, i in scored[:limit]]


__all__ = ["Match", "assess", "components", "failures", "hybrid_score", "nearest", "rank_candidates", "rank_vacancies",
           "reasons"]
