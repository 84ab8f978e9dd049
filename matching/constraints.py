"""Hard constraints: who may never be shown for what. One rule set, three forms that agree:

* `failures(vacancy, candidate)` — the rules themselves, with a reason for each failure;
* `CandidateTable.mask_for(vacancy)` / `VacancyTable.mask_for(candidate)` — the same rules over
  NumPy arrays, for exact ranking of many at once;
* `es_candidate_filters(vacancy)` / `es_vacancy_filters(candidate)` — the same rules as
  Elasticsearch filters for kNN search (no scripts: a per-candidate commute becomes one clause
  per home borough, since a candidate's home is one of the region's boroughs).

The tests hold the three to the same answers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from domain.geography import BOROUGHS_BY_SLUG, EARTH_RADIUS_MILES, LONDON_BOROUGHS, distance_miles
from domain.vocabulary import Availability, ContractType, RoleLevel
from matching.text import CandidateFacts, VacancyFacts
from matching.weights import MAX_ROLE_STEPS, REGISTRATION_FREE_LEVEL, STUDENT_MAY_APPLY_UP_TO

_SLUG_INDEX = {b.slug: i for i, b in enumerate(LONDON_BOROUGHS)}
_BOROUGH_LAT = np.array([b.latitude for b in LONDON_BOROUGHS])
_BOROUGH_LON = np.array([b.longitude for b in LONDON_BOROUGHS])


def home_distance(vacancy: VacancyFacts, candidate: CandidateFacts) -> float | None:
    """Miles from the centre of the candidate's home borough to the vacancy's office, if known."""
    home = BOROUGHS_BY_SLUG.get(candidate.home_borough or "")
    if home is None:
        return None
    return distance_miles(home.latitude, home.longitude, vacancy.latitude, vacancy.longitude)


def borough_distances(latitude: float, longitude: float) -> np.ndarray:
    """Miles from a point to every borough's centre (in LONDON_BOROUGHS order)."""
    return np.array([distance_miles(b.latitude, b.longitude, latitude, longitude) for b in LONDON_BOROUGHS])


def registration_allows(vacancy_level: RoleLevel, candidate: CandidateFacts) -> bool:
    if vacancy_level == REGISTRATION_FREE_LEVEL or candidate.registered:
        return True
    return candidate.role_level == RoleLevel.STUDENT and vacancy_level.rank <= STUDENT_MAY_APPLY_UP_TO.rank


def failures(vacancy: VacancyFacts, candidate: CandidateFacts, *, for_recruiter: bool = False) -> list[str]:
    """Why this candidate and this vacancy can never be a match (empty: they may be)."""
    problems = []
    if for_recruiter and not candidate.discoverable:
        problems.append("has not asked to be found by recruiters")
    if for_recruiter and candidate.availability == Availability.NOT_LOOKING:
        problems.append("not looking at the moment")
    if for_recruiter and vacancy.organisation_slug in candidate.hidden_from:
        problems.append("has hidden their profile from this council")
    if candidate.role_level is not None and abs(vacancy.role_level.rank - candidate.role_level.rank) > MAX_ROLE_STEPS:
        problems.append("role level too far apart")
    if not registration_allows(vacancy.role_level, candidate):
        problems.append("needs Social Work England registration")
    if candidate.contract_types and vacancy.contract_type.value not in candidate.contract_types:
        problems.append("contract type not wanted")
    if candidate.min_salary is not None and vacancy.salary_max < candidate.min_salary:
        problems.append("pays below the minimum salary")
    if candidate.max_commute_miles is not None and vacancy.organisation_slug not in candidate.preferred_boroughs:
        miles = home_distance(vacancy, candidate)
        if miles is not None and miles > candidate.max_commute_miles:
            problems.append("beyond the maximum commute")
    return problems


# --- NumPy: many candidates for one vacancy -------------------------------------------------------------


@dataclass
class CandidateTable:
    """Candidates' hard-constraint fields as arrays, row i for candidates[i]."""

    ids: np.ndarray
    role_rank: np.ndarray  # -1 when not given
    registered: np.ndarray
    student: np.ndarray
    discoverable: np.ndarray
    looking: np.ndarray
    home: np.ndarray  # index into LONDON_BOROUGHS, -1 when not given
    max_commute: np.ndarray  # NaN when not given
    min_salary: np.ndarray  # NaN when not given
    accepts_contract: dict[str, np.ndarray]  # contract type -> who would take it (no preference: anyone)
    prefers_borough: dict[str, np.ndarray]  # borough slug -> who chose it
    hidden_from: dict[str, np.ndarray]  # council slug -> who hid from it (only councils someone hid from)

    @classmethod
    def of(cls, candidates: Sequence[CandidateFacts]) -> "CandidateTable":
        return cls(
            ids=np.array([c.id for c in candidates], dtype=np.int64),
            role_rank=np.array([c.role_level.rank if c.role_level else -1 for c in candidates], dtype=np.int16),
            registered=np.array([c.registered for c in candidates], dtype=bool),
            student=np.array([c.role_level == RoleLevel.STUDENT for c in candidates], dtype=bool),
            discoverable=np.array([c.discoverable for c in candidates], dtype=bool),
            looking=np.array([c.availability != Availability.NOT_LOOKING for c in candidates], dtype=bool),
            home=np.array([_SLUG_INDEX.get(c.home_borough or "", -1) for c in candidates], dtype=np.int16),
            max_commute=np.array([np.nan if c.max_commute_miles is None else c.max_commute_miles
                                  for c in candidates], dtype=np.float64),
            min_salary=np.array([np.nan if c.min_salary is None else c.min_salary for c in candidates],
                                dtype=np.float64),
            accepts_contract={t.value: np.array([not c.contract_types or t.value in c.contract_types
                                                 for c in candidates], dtype=bool) for t in ContractType},
            prefers_borough={b.slug: np.array([b.slug in c.preferred_boroughs for c in candidates], dtype=bool)
                             for b in LONDON_BOROUGHS},
            hidden_from={o: np.array([o in c.hidden_from for c in candidates], dtype=bool)
                         for o in sorted({o for c in candidates for o in c.hidden_from})},
        )

    def __len__(self) -> int:
        return len(self.ids)

    def mask_for(self, vacancy: VacancyFacts, *, for_recruiter: bool = True) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        if for_recruiter:
            mask &= self.discoverable & self.looking
            hidden = self.hidden_from.get(vacancy.organisation_slug)
            if hidden is not None:
                mask &= ~hidden
        rank = vacancy.role_level.rank
        mask &= (self.role_rank < 0) | (np.abs(self.role_rank - rank) <= MAX_ROLE_STEPS)
        if rank > STUDENT_MAY_APPLY_UP_TO.rank:
            mask &= self.registered
        elif rank > REGISTRATION_FREE_LEVEL.rank:
            mask &= self.registered | self.student
        mask &= np.isnan(self.min_salary) | (self.min_salary <= vacancy.salary_max)
        mask &= self.accepts_contract[vacancy.contract_type.value]
        miles = np.append(borough_distances(vacancy.latitude, vacancy.longitude), np.nan)[self.home]
        within = np.isnan(self.max_commute) | (self.home < 0) | (miles <= self.max_commute)
        chose = self.prefers_borough.get(vacancy.organisation_slug)
        if chose is not None:
            within |= chose
        return mask & within


# --- NumPy: many vacancies for one candidate --------------------------------------------------------------


@dataclass
class VacancyTable:
    ids: np.ndarray
    role_rank: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    salary_max: np.ndarray
    contract_type: np.ndarray  # strings
    organisation_slug: np.ndarray  # strings

    @classmethod
    def of(cls, vacancies: Sequence[VacancyFacts]) -> "VacancyTable":
        return cls(
            ids=np.array([v.id for v in vacancies], dtype=np.int64),
            role_rank=np.array([v.role_level.rank for v in vacancies], dtype=np.int16),
            latitude=np.array([v.latitude for v in vacancies], dtype=np.float64),
            longitude=np.array([v.longitude for v in vacancies], dtype=np.float64),
            salary_max=np.array([v.salary_max for v in vacancies], dtype=np.float64),
            contract_type=np.array([v.contract_type.value for v in vacancies], dtype=object),
            organisation_slug=np.array([v.organisation_slug for v in vacancies], dtype=object),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def mask_for(self, candidate: CandidateFacts) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        if candidate.role_level is not None:
            mask &= np.abs(self.role_rank - candidate.role_level.rank) <= MAX_ROLE_STEPS
        if not candidate.registered:
            limit = (STUDENT_MAY_APPLY_UP_TO if candidate.role_level == RoleLevel.STUDENT
                     else REGISTRATION_FREE_LEVEL).rank
            mask &= self.role_rank <= limit
        if candidate.min_salary is not None:
            mask &= self.salary_max >= candidate.min_salary
        if candidate.contract_types:
            mask &= np.isin(self.contract_type, list(candidate.contract_types))
        home = BOROUGHS_BY_SLUG.get(candidate.home_borough or "")
        if home is not None and candidate.max_commute_miles is not None:
            miles = _haversine(home.latitude, home.longitude, self.latitude, self.longitude)
            mask &= (miles <= candidate.max_commute_miles) | np.isin(self.organisation_slug,
                                                                     list(candidate.preferred_boroughs))
        return mask


def _haversine(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(a))


# --- Elasticsearch filters -------------------------------------------------------------------------------


def _missing(field: str) -> dict[str, Any]:
    return {"bool": {"must_not": {"exists": {"field": field}}}}


def _any(*clauses: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def es_candidate_filters(vacancy: VacancyFacts) -> list[dict[str, Any]]:
    """Filters over the candidate-vectors index: discoverable, looking, not hidden from the vacancy's
    council, and the hard constraints."""
    rank = vacancy.role_level.rank
    filters: list[dict[str, Any]] = [
        {"term": {"discoverable": True}},
        {"term": {"looking": True}},
        {"bool": {"must_not": {"term": {"hidden_from": vacancy.organisation_slug}}}},
        _any(_missing("role_rank"), {"range": {"role_rank": {"gte": rank - MAX_ROLE_STEPS, "lte": rank + MAX_ROLE_STEPS}}}),
        _any(_missing("min_salary"), {"range": {"min_salary": {"lte": vacancy.salary_max}}}),
        _any(_missing("contract_types"), {"term": {"contract_types": vacancy.contract_type.value}}),
    ]
    if rank > STUDENT_MAY_APPLY_UP_TO.rank:
        filters.append({"term": {"registered": True}})
    elif rank > REGISTRATION_FREE_LEVEL.rank:
        filters.append(_any({"term": {"registered": True}}, {"term": {"student": True}}))
    miles = borough_distances(vacancy.latitude, vacancy.longitude)
    reach = [_missing("max_commute_miles"), _missing("home_borough"),
             {"term": {"preferred_boroughs": vacancy.organisation_slug}}]
    reach += [{"bool": {"filter": [{"term": {"home_borough": b.slug}},
                                   {"range": {"max_commute_miles": {"gte": float(miles[i])}}}]}}
              for i, b in enumerate(LONDON_BOROUGHS)]
    filters.append(_any(*reach))
    return filters


def es_live_vacancy_filters(today_iso: str) -> list[dict[str, Any]]:
    """Filters over the vacancy-vectors index for jobs anyone may be shown: live, not past closing."""
    return [
        {"term": {"status": "live"}},
        {"range": {"closing_date": {"gte": today_iso}}},
    ]


def es_vacancy_filters(candidate: CandidateFacts, today_iso: str) -> list[dict[str, Any]]:
    """Filters over the vacancy-vectors index: live, and the hard constraints for this candidate."""
    filters = es_live_vacancy_filters(today_iso)
    if candidate.role_level is not None:
        rank = candidate.role_level.rank
        filters.append({"range": {"role_rank": {"gte": rank - MAX_ROLE_STEPS, "lte": rank + MAX_ROLE_STEPS}}})
    if not candidate.registered:
        limit = (STUDENT_MAY_APPLY_UP_TO if candidate.role_level == RoleLevel.STUDENT else REGISTRATION_FREE_LEVEL).rank
        filters.append({"range": {"role_rank": {"lte": limit}}})
    if candidate.min_salary is not None:
        filters.append({"range": {"salary_max": {"gte": candidate.min_salary}}})
    if candidate.contract_types:
        filters.append({"terms": {"contract_type": list(candidate.contract_types)}})
    home = BOROUGHS_BY_SLUG.get(candidate.home_borough or "")
    if home is not None and candidate.max_commute_miles is not None:
        near = {"geo_distance": {"distance": f"{candidate.max_commute_miles}mi",
                                 "location": {"lat": home.latitude, "lon": home.longitude}}}
        if candidate.preferred_boroughs:
            filters.append(_any(near, {"terms": {"organisation_slug": list(candidate.preferred_boroughs)}}))
        else:
            filters.append(near)
    return filters
