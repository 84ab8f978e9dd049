"""Hard constraints: who may never be shown for what. One rule set, three forms that agree:

* `failures(vacancy, candidate)` — the rules themselves, with a reason for each failure;
* `CandidateTable.mask_for(vacancy)` / `VacancyTable.mask_for(candidate)` — the same rules over
  NumPy arrays, for exact ranking of many at once;
* `es_candidate_filters(vacancy)` / `es_vacancy_filters(candidate)` — the same rules as
  Elasticsearch filters for kNN search (no scripts: a candidate's home borough and longest commute
  are one keyword, and a vacancy lists every keyword that reaches it: see `commute_reach`).

Every stated need is hard, both ways (a social worker never sees a job that breaks one, and a
recruiter is never suggested someone whose needs the job breaks). Where a rule needs a derived
figure (the levels someone may be shown, the hours they can work) one function here derives it
and all three forms use it:

| need                    | rule                                                                            |
|-------------------------|---------------------------------------------------------------------------------|
| role level              | `level_range`: students see student and ASYE posts; NQSWs (ASYE) see ASYE posts;  |
|                         | experienced workers never see ASYE or student posts, see their level and up to   |
|                         | MAX_ROLE_STEPS up, and up to MAX_ROLE_STEPS down only if they consider a step down |
| registration            | `registration_allows`: registered posts need an SWE number (students: ASYE posts) |
| full or part time       | `fte_bounds`: full time needs a 1.0 FTE post; part time a post under 1.0 FTE and  |
|                         | within their most hours a week (FTE × 37)                                        |
| only these councils     | the vacancy's council is one of them                                             |
| contract type           | the vacancy's contract is one they ticked                                        |
| lowest salary           | the band's bottom reaches it, or its top when they said "anywhere in the band"   |
| commute                 | the office is within their longest commute of their home borough's centre        |
| protected caseload need | an ASYE post must say its caseload is protected                                  |
| hybrid working need     | the advert must say hybrid or mostly home                                        |

Preferred councils and working patterns (compressed hours, job share) only rank (matching.scoring).
The tests hold the three forms to the same answers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from domain.geography import BOROUGHS_BY_SLUG, EARTH_RADIUS_MILES, LONDON_BOROUGHS, distance_miles
from domain.vocabulary import (
    FULL_TIME_HOURS,
    Availability,
    ContractType,
    HoursWanted,
    HybridPattern,
    NeedLevel,
    RoleLevel,
)
from matching.text import CandidateFacts, VacancyFacts
from matching.weights import MAX_ROLE_STEPS, REGISTRATION_FREE_LEVEL, STUDENT_MAY_APPLY_UP_TO

_SLUG_INDEX = {b.slug: i for i, b in enumerate(LONDON_BOROUGHS)}
_BOROUGH_LAT = np.array([b.latitude for b in LONDON_BOROUGHS])
_BOROUGH_LON = np.array([b.longitude for b in LONDON_BOROUGHS])

# Hours are compared in hundredths of a full-time week (integers), so the three forms cannot round differently.
FULL_TIME_FTE = 100
NO_FTE_LIMIT = 10_000
# Adverts that say people may work from home some of the week.
HYBRID_PATTERNS = (HybridPattern.HYBRID, HybridPattern.MOSTLY_HOME)
ASYE_RANK = RoleLevel.NQSW.rank
FIRST_EXPERIENCED_RANK = RoleLevel.SOCIAL_WORKER.rank
TOP_RANK = len(RoleLevel) - 1


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


def own_level(candidate: CandidateFacts) -> RoleLevel | None:
    """The level a person works at: someone in their ASYE is a newly qualified social worker whatever else they said."""
    return RoleLevel.NQSW if candidate.in_asye else candidate.role_level


def level_range(candidate: CandidateFacts) -> tuple[int, int] | None:
    """The role ranks (inclusive) a person may be shown; None when they gave no level."""
    level = own_level(candidate)
    if level is None:
        return None
    rank = level.rank
    if level == RoleLevel.STUDENT:
        return rank, STUDENT_MAY_APPLY_UP_TO.rank  # their own posts, and ASYE posts as they qualify
    if level == RoleLevel.NQSW:
        return (rank - 1 if candidate.considers_step_down else rank), rank  # the ASYE, not posts asking for more
    low = max(rank - MAX_ROLE_STEPS, FIRST_EXPERIENCED_RANK) if candidate.considers_step_down else rank
    return low, min(rank + MAX_ROLE_STEPS, TOP_RANK)


def fte_bounds(candidate: CandidateFacts) -> tuple[int | None, int | None]:
    """The least and most hundredths of a full-time week someone can work (None: no bound)."""
    if candidate.hours_wanted == HoursWanted.FULL_TIME:
        return FULL_TIME_FTE, None
    if candidate.hours_wanted == HoursWanted.PART_TIME:
        if candidate.part_time_hours_max:
            return None, min(FULL_TIME_FTE - 1, math.floor(candidate.part_time_hours_max * FULL_TIME_FTE
                                                           / FULL_TIME_HOURS))
        return None, FULL_TIME_FTE - 1
    return None, None


def fte_hundredths(vacancy: VacancyFacts) -> int:
    return round(vacancy.fte * FULL_TIME_FTE)


def salary_reaches(vacancy: VacancyFacts, candidate: CandidateFacts) -> bool:
    """Whether the pay meets their lowest salary: the band's bottom, or its top if they said a band reaching it will do."""
    if candidate.min_salary is None:
        return True
    pay = vacancy.salary_max if candidate.min_salary_anywhere_in_band else vacancy.salary_min
    return pay >= candidate.min_salary


def needs_protected_caseload(candidate: CandidateFacts) -> bool:
    return candidate.protected_caseload == NeedLevel.NEED


def needs_hybrid(candidate: CandidateFacts) -> bool:
    return candidate.hybrid_working == NeedLevel.NEED


def unprotected_asye_post(vacancy: VacancyFacts) -> bool:
    return vacancy.role_level == RoleLevel.NQSW and not vacancy.protected_caseload


def offers_hybrid(vacancy: VacancyFacts) -> bool:
    return vacancy.hybrid_pattern in HYBRID_PATTERNS


def failures(vacancy: VacancyFacts, candidate: CandidateFacts, *, for_recruiter: bool = False) -> list[str]:
    """Why this candidate and this vacancy can never be a match (empty: they may be)."""
    problems = []
    if for_recruiter and not candidate.discoverable:
        problems.append("has not asked to be found by recruiters")
    if for_recruiter and candidate.availability == Availability.NOT_LOOKING:
        problems.append("not looking at the moment")
    if for_recruiter and vacancy.organisation_slug in candidate.hidden_from:
        problems.append("has hidden their profile from this council")
    levels = level_range(candidate)
    if levels is not None and not levels[0] <= vacancy.role_level.rank <= levels[1]:
        problems.append("not a level they asked to see")
    if not registration_allows(vacancy.role_level, candidate):
        problems.append("needs Social Work England registration")
    least, most = fte_bounds(candidate)
    fte = fte_hundredths(vacancy)
    if least is not None and fte < least:
        problems.append("part time, and they need full time")
    if most is not None and fte > most:
        problems.append("more hours than they can work")
    if candidate.only_boroughs and vacancy.organisation_slug not in candidate.only_boroughs:
        problems.append("not one of the only councils they would work for")
    if candidate.contract_types and vacancy.contract_type.value not in candidate.contract_types:
        problems.append("contract type not wanted")
    if not salary_reaches(vacancy, candidate):
        problems.append("pays below the minimum salary")
    if candidate.max_commute_miles is not None:
        miles = home_distance(vacancy, candidate)
        if miles is not None and miles > candidate.max_commute_miles:
            problems.append("beyond the maximum commute")
    if needs_protected_caseload(candidate) and unprotected_asye_post(vacancy):
        problems.append("an ASYE post without a protected caseload")
    if needs_hybrid(candidate) and not offers_hybrid(vacancy):
        problems.append("does not say it offers hybrid working")
    return problems


# --- NumPy: many candidates for one vacancy -------------------------------------------------------------


@dataclass
class CandidateTable:
    """Candidates' hard-constraint fields as arrays, row i for candidates[i]."""

    ids: np.ndarray
    level_low: np.ndarray  # rank range they may be shown (0..TOP_RANK when no level given)
    level_high: np.ndarray
    registered: np.ndarray
    student: np.ndarray
    discoverable: np.ndarray
    looking: np.ndarray
    home: np.ndarray  # index into LONDON_BOROUGHS, -1 when not given
    max_commute: np.ndarray  # NaN when not given
    min_salary: np.ndarray  # NaN when not given
    anywhere_in_band: np.ndarray
    fte_low: np.ndarray  # hundredths of full time (0 / NO_FTE_LIMIT when unbounded)
    fte_high: np.ndarray
    has_only: np.ndarray  # who said "only these councils"
    only_borough: dict[str, np.ndarray]  # council slug -> who named it as one of their only councils
    needs_protected: np.ndarray
    needs_hybrid: np.ndarray
    accepts_contract: dict[str, np.ndarray]  # contract type -> who would take it (no preference: anyone)
    hidden_from: dict[str, np.ndarray]  # council slug -> who hid from it (only councils someone hid from)

    @classmethod
    def of(cls, candidates: Sequence[CandidateFacts]) -> "CandidateTable":
        levels = [level_range(c) or (0, TOP_RANK) for c in candidates]
        ftes = [fte_bounds(c) for c in candidates]
        return cls(
            ids=np.array([c.id for c in candidates], dtype=np.int64),
            level_low=np.array([low for low, _ in levels], dtype=np.int16),
            level_high=np.array([high for _, high in levels], dtype=np.int16),
            registered=np.array([c.registered for c in candidates], dtype=bool),
            student=np.array([c.role_level == RoleLevel.STUDENT for c in candidates], dtype=bool),
            discoverable=np.array([c.discoverable for c in candidates], dtype=bool),
            looking=np.array([c.availability != Availability.NOT_LOOKING for c in candidates], dtype=bool),
            home=np.array([_SLUG_INDEX.get(c.home_borough or "", -1) for c in candidates], dtype=np.int16),
            max_commute=np.array([np.nan if c.max_commute_miles is None else c.max_commute_miles
                                  for c in candidates], dtype=np.float64),
            min_salary=np.array([np.nan if c.min_salary is None else c.min_salary for c in candidates],
                                dtype=np.float64),
            anywhere_in_band=np.array([c.min_salary_anywhere_in_band for c in candidates], dtype=bool),
            fte_low=np.array([0 if low is None else low for low, _ in ftes], dtype=np.int32),
            fte_high=np.array([NO_FTE_LIMIT if high is None else high for _, high in ftes], dtype=np.int32),
            has_only=np.array([bool(c.only_boroughs) for c in candidates], dtype=bool),
            only_borough={o: np.array([o in c.only_boroughs for c in candidates], dtype=bool)
                          for o in sorted({o for c in candidates for o in c.only_boroughs})},
            needs_protected=np.array([needs_protected_caseload(c) for c in candidates], dtype=bool),
            needs_hybrid=np.array([needs_hybrid(c) for c in candidates], dtype=bool),
            accepts_contract={t.value: np.array([not c.contract_types or t.value in c.contract_types
                                                 for c in candidates], dtype=bool) for t in ContractType},
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
        mask &= (self.level_low <= rank) & (rank <= self.level_high)
        if rank > STUDENT_MAY_APPLY_UP_TO.rank:
            mask &= self.registered
        elif rank > REGISTRATION_FREE_LEVEL.rank:
            mask &= self.registered | self.student
        fte = fte_hundredths(vacancy)
        mask &= (self.fte_low <= fte) & (fte <= self.fte_high)
        chose = self.only_borough.get(vacancy.organisation_slug)
        mask &= ~self.has_only if chose is None else (~self.has_only | chose)
        pay = np.where(self.anywhere_in_band, vacancy.salary_max, vacancy.salary_min)
        mask &= np.isnan(self.min_salary) | (self.min_salary <= pay)
        mask &= self.accepts_contract[vacancy.contract_type.value]
        miles = np.append(borough_distances(vacancy.latitude, vacancy.longitude), np.nan)[self.home]
        mask &= np.isnan(self.max_commute) | (self.home < 0) | (miles <= self.max_commute)
        if unprotected_asye_post(vacancy):
            mask &= ~self.needs_protected
        if not offers_hybrid(vacancy):
            mask &= ~self.needs_hybrid
        return mask


# --- NumPy: many vacancies for one candidate --------------------------------------------------------------


@dataclass
class VacancyTable:
    ids: np.ndarray
    role_rank: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    salary_min: np.ndarray
    salary_max: np.ndarray
    fte: np.ndarray  # hundredths of full time
    contract_type: np.ndarray  # strings
    organisation_slug: np.ndarray  # strings
    unprotected_asye: np.ndarray
    offers_hybrid: np.ndarray

    @classmethod
    def of(cls, vacancies: Sequence[VacancyFacts]) -> "VacancyTable":
        return cls(
            ids=np.array([v.id for v in vacancies], dtype=np.int64),
            role_rank=np.array([v.role_level.rank for v in vacancies], dtype=np.int16),
            latitude=np.array([v.latitude for v in vacancies], dtype=np.float64),
            longitude=np.array([v.longitude for v in vacancies], dtype=np.float64),
            salary_min=np.array([v.salary_min for v in vacancies], dtype=np.float64),
            salary_max=np.array([v.salary_max for v in vacancies], dtype=np.float64),
            fte=np.array([fte_hundredths(v) for v in vacancies], dtype=np.int32),
            contract_type=np.array([v.contract_type.value for v in vacancies], dtype=object),
            organisation_slug=np.array([v.organisation_slug for v in vacancies], dtype=object),
            unprotected_asye=np.array([unprotected_asye_post(v) for v in vacancies], dtype=bool),
            offers_hybrid=np.array([offers_hybrid(v) for v in vacancies], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def mask_for(self, candidate: CandidateFacts) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        levels = level_range(candidate)
        if levels is not None:
            mask &= (levels[0] <= self.role_rank) & (self.role_rank <= levels[1])
        if not candidate.registered:
            limit = (STUDENT_MAY_APPLY_UP_TO if candidate.role_level == RoleLevel.STUDENT
                     else REGISTRATION_FREE_LEVEL).rank
            mask &= self.role_rank <= limit
        least, most = fte_bounds(candidate)
        if least is not None:
            mask &= self.fte >= least
        if most is not None:
            mask &= self.fte <= most
        if candidate.only_boroughs:
            mask &= np.isin(self.organisation_slug, list(candidate.only_boroughs))
        if candidate.min_salary is not None:
            pay = self.salary_max if candidate.min_salary_anywhere_in_band else self.salary_min
            mask &= pay >= candidate.min_salary
        if candidate.contract_types:
            mask &= np.isin(self.contract_type, list(candidate.contract_types))
        home = BOROUGHS_BY_SLUG.get(candidate.home_borough or "")
        if home is not None and candidate.max_commute_miles is not None:
            miles = _haversine(home.latitude, home.longitude, self.latitude, self.longitude)
            mask &= miles <= candidate.max_commute_miles
        if needs_protected_caseload(candidate):
            mask &= ~self.unprotected_asye
        if needs_hybrid(candidate):
            mask &= self.offers_hybrid
        return mask


def _haversine(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(a))


# --- Elasticsearch filters -------------------------------------------------------------------------------
# Candidate documents carry (webapp.search.vectors.candidate_vector_document) every stated need as a field
# that is always there, so each need is one plain clause: no "missing, or ..." disjunctions, which made Lucene
# step through every candidate once per need (issue 15). `open_to` folds five rules into one keyword a job:
# `rank:contract:hours` for every level, contract and full or part time a person may be shown for (none when
# they are not findable), so one selective term leads the search and the other clauses only check its
# matches. only_boroughs holds ANYWHERE when they named none, as commute_reach does when they gave no home or
# commute; fte_high is NO_FTE_LIMIT when unsaid (only part-time jobs read it); salary_floor and
# salary_floor_in_band hold their lowest salary against the band's bottom or top (0 for the other, and for
# both when unsaid); needs_protected_caseload and needs_hybrid are booleans. Vacancy documents carry fte
# (hundredths), salary_min/salary_max, unprotected_asye and offers_hybrid.
ANYWHERE = "*"  # no borough slug is this
NO_FTE_LIMIT = 10_000  # hundredths of a full-time week: above any job's


def _hours(fte: int) -> str:
    return "full" if fte >= FULL_TIME_FTE else "part"


def open_to(candidate: CandidateFacts) -> list[str]:
    """``rank:contract:hours`` for every job a person may be shown for by level, registration, contract and
    full or part time (matching `failures`); none when they are not findable (hidden, or not looking)."""
    if not candidate.discoverable or candidate.availability == Availability.NOT_LOOKING:
        return []
    levels = level_range(candidate)
    ranks = range(levels[0], levels[1] + 1) if levels is not None else range(len(RoleLevel))
    by_rank = list(RoleLevel)
    ranks = [r for r in ranks if registration_allows(by_rank[r], candidate)]
    contracts = candidate.contract_types or [c.value for c in ContractType]
    least, most = fte_bounds(candidate)
    # fte_bounds: at least full time, or at most some part-time share (always under full time), or neither
    hours = [h for h, fits in (("full", most is None), ("part", least is None)) if fits]
    return [f"{r}:{c}:{h}" for r in ranks for c in contracts for h in hours]


# Longest commutes are whole miles (the form and the column). A commute of this many miles or more is
# indexed as this many: it reaches every office that close to home, and an office further than this from a
# home borough's centre (outside the region) is checked against the commute itself (see below).
COMMUTE_REACH_CAP = 50  # the profile form's longest commute (webapp.services.profiles.COMMUTE_MILES_MAX)


def commute_reach(home_borough: str, max_commute_miles: int) -> list[str]:
    """A candidate's reach as keywords: ``camden:0`` … ``camden:8`` for a commute of 8 miles from Camden.

    An office d miles from a borough's centre is then reached by exactly those who hold
    ``borough:ceil(d)`` (a whole-mile commute m reaches it when m >= ceil(d)), so the filter is one
    ``terms`` clause of a keyword per borough. It replaces a (borough and commute range) pair per
    borough, which was most of a kNN search's time (25 of 34 ms under load, issue 15)."""
    return [f"{home_borough}:{miles}" for miles in range(min(int(max_commute_miles), COMMUTE_REACH_CAP) + 1)]


def candidate_need_fields(candidate: CandidateFacts) -> dict[str, Any]:
    """The stated-need fields of a candidate's vector document, each present whether or not they said it
    (see the comment above: one plain clause a need)."""
    _, most = fte_bounds(candidate)
    salary = candidate.min_salary or 0
    reach = (commute_reach(candidate.home_borough, candidate.max_commute_miles)
             if candidate.home_borough and candidate.max_commute_miles is not None else [ANYWHERE])
    return {
        "open_to": open_to(candidate),
        "fte_high": most if most is not None else NO_FTE_LIMIT,
        "only_boroughs": list(candidate.only_boroughs) or [ANYWHERE],
        "salary_floor": 0 if candidate.min_salary_anywhere_in_band else salary,
        "salary_floor_in_band": salary if candidate.min_salary_anywhere_in_band else 0,
        "commute_reach": reach,
        "needs_protected_caseload": needs_protected_caseload(candidate),
        "needs_hybrid": needs_hybrid(candidate),
    }


def vacancy_need_fields(vacancy: VacancyFacts) -> dict[str, Any]:
    """The facts of a vacancy's vector document that stated needs are read against."""
    return {
        "fte": fte_hundredths(vacancy),
        "salary_min": vacancy.salary_min,
        "salary_max": vacancy.salary_max,
        "unprotected_asye": unprotected_asye_post(vacancy),
        "offers_hybrid": offers_hybrid(vacancy),
    }


def _not(clause: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"must_not": clause}}


def es_candidate_filters(vacancy: VacancyFacts) -> list[dict[str, Any]]:
    """Filters over the candidate-vectors index: findable, not hidden from the vacancy's council, and the
    hard constraints, one plain clause each."""
    fte = fte_hundredths(vacancy)
    filters: list[dict[str, Any]] = [
        {"term": {"open_to": f"{vacancy.role_level.rank}:{vacancy.contract_type.value}:{_hours(fte)}"}},
        _not({"term": {"hidden_from": vacancy.organisation_slug}}),
        {"terms": {"only_boroughs": [vacancy.organisation_slug, ANYWHERE]}},
        {"range": {"salary_floor": {"lte": vacancy.salary_min}}},
        {"range": {"salary_floor_in_band": {"lte": vacancy.salary_max}}},
    ]
    if _hours(fte) == "part":
        filters.append({"range": {"fte_high": {"gte": fte}}})
    if unprotected_asye_post(vacancy):
        filters.append(_not({"term": {"needs_protected_caseload": True}}))
    if not offers_hybrid(vacancy):
        filters.append(_not({"term": {"needs_hybrid": True}}))
    miles = borough_distances(vacancy.latitude, vacancy.longitude)
    reach: list[dict[str, Any]] = [{"terms": {"commute_reach": [
        ANYWHERE, *(f"{b.slug}:{math.ceil(miles[i])}" for i, b in enumerate(LONDON_BOROUGHS)
                    if math.ceil(miles[i]) <= COMMUTE_REACH_CAP)]}}]
    reach += [{"bool": {"filter": [{"term": {"home_borough": b.slug}},
                                   {"range": {"max_commute_miles": {"gte": float(miles[i])}}}]}}
              for i, b in enumerate(LONDON_BOROUGHS) if math.ceil(miles[i]) > COMMUTE_REACH_CAP]
    filters.append(reach[0] if len(reach) == 1 else {"bool": {"should": reach, "minimum_should_match": 1}})
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
    levels = level_range(candidate)
    if levels is not None:
        filters.append({"range": {"role_rank": {"gte": levels[0], "lte": levels[1]}}})
    if not candidate.registered:
        limit = (STUDENT_MAY_APPLY_UP_TO if candidate.role_level == RoleLevel.STUDENT else REGISTRATION_FREE_LEVEL).rank
        filters.append({"range": {"role_rank": {"lte": limit}}})
    least, most = fte_bounds(candidate)
    if least is not None:
        filters.append({"range": {"fte": {"gte": least}}})
    if most is not None:
        filters.append({"range": {"fte": {"lte": most}}})
    if candidate.only_boroughs:
        filters.append({"terms": {"organisation_slug": list(candidate.only_boroughs)}})
    if candidate.min_salary is not None:
        field = "salary_max" if candidate.min_salary_anywhere_in_band else "salary_min"
        filters.append({"range": {field: {"gte": candidate.min_salary}}})
    if candidate.contract_types:
        filters.append({"terms": {"contract_type": list(candidate.contract_types)}})
    home = BOROUGHS_BY_SLUG.get(candidate.home_borough or "")
    if home is not None and candidate.max_commute_miles is not None:
        filters.append({"geo_distance": {"distance": f"{candidate.max_commute_miles}mi",
                                         "location": {"lat": home.latitude, "lon": home.longitude}}})
    if needs_protected_caseload(candidate):
        filters.append({"term": {"unprotected_asye": False}})
    if needs_hybrid(candidate):
        filters.append({"term": {"offers_hybrid": True}})
    return filters
