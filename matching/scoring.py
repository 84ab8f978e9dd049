"""The hybrid score: meaning (embeddings) plus structured fit, with the reasons people are shown.

`assess(vacancy, candidate, semantic)` scores one pair; `rank_candidates` and `rank_vacancies`
rank many exactly: hard constraints filter (matching.constraints), the nearest by meaning
among the rest form a shortlist, and the shortlist is re-ranked by the hybrid score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from domain.vocabulary import FULL_TIME_HOURS, Availability, HybridPattern, NeedLevel, RoleLevel, ServiceArea, WorkingPattern
from matching.constraints import CandidateTable, VacancyTable, failures, home_distance, offers_hybrid, own_level
from matching.text import CandidateFacts, VacancyFacts
from matching.weights import (
    AVAILABILITY_SCORES,
    DISTANCE_UNKNOWN_SCORE,
    FIT_BANDS,
    PATTERN_MISMATCH_SCORE,
    PREFERENCE_UNKNOWN_SCORE,
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
    STRONG_SEMANTIC,
    WEIGHTS,
)


@dataclass(frozen=True)
class Reason:
    """One thing said about a pair, checked against the job's facts before it is shown.

    `kind` names the fact it states (tests hold each kind to the facts); `fits` is False for a
    mismatch said plainly ("full time — you said you prefer part time"); `short` is its few
    words in the fit summary ("same practice area")."""

    kind: str
    text: str
    fits: bool = True
    short: str = ""


@dataclass
class Match:
    """One candidate–vacancy pair that passed the hard constraints, scored and explained.

    `reasons` are what fits (plain strings, as invitations keep them); `cautions` the mismatches on
    soft preferences, said plainly; `explained` all of them as Reason objects; `fit_label` the score
    as a word ("Strong fit") and `fit_summary` that word with why ("Strong fit: same practice area,
    2 miles away, your level")."""

    vacancy_id: int
    candidate_id: int  # profile id
    score: float
    semantic: float
    components: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    explained: list[Reason] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(max(0.0, min(1.0, self.score)) * 100)

    @property
    def fit_label(self) -> str:
        return fit_label(self.score)

    @property
    def fit_summary(self) -> str:
        shorts = [r.short for r in self.explained if r.fits and r.short][:3]
        return f"{self.fit_label}: {', '.join(shorts)}" if shorts else self.fit_label


def fit_label(score: float) -> str:
    """The hybrid score in words (the bands are in matching.weights)."""
    for floor, label in FIT_BANDS:
        if score >= floor:
            return label
    return FIT_BANDS[-1][1]


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
    return SPECIALISM_RELATED if in_their_practice_area(area, candidate) else 0.0


def in_their_practice(vacancy: VacancyFacts, candidate: CandidateFacts) -> bool:
    """Whether the job is in a practice area the person works in, or one next to it (weights.RELATED_AREAS).
    "Jobs that fit you" shows only these when the person named their areas: a child protection social
    worker with three good jobs today sees three, not seven leaving-care posts besides to fill a page
    (on the hand-judged set, precision at ten 0.48 with the filler, 0.71 without). Naming no area leaves
    every area open."""
    return not candidate.specialisms or in_their_practice_area(vacancy.service_area.value, candidate)


def in_their_practice_area(area: str, candidate: CandidateFacts) -> bool:
    return area in candidate.specialisms or any(related(area, s) for s in candidate.specialisms)


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
    """The soft preferences about how the job is worked: working patterns ticked, hybrid working and a protected
    ASYE caseload preferred (a need is a hard constraint instead). The mean over those they stated; 1 if none."""
    scores = []
    if candidate.working_patterns:
        scores.append(1.0 if vacancy.working_pattern.value in candidate.working_patterns else PATTERN_MISMATCH_SCORE)
    if candidate.hybrid_working == NeedLevel.PREFER:
        scores.append(1.0 if offers_hybrid(vacancy) else PREFERENCE_UNKNOWN_SCORE if vacancy.hybrid_pattern is None
                      else 0.0)
    if candidate.protected_caseload == NeedLevel.PREFER and vacancy.role_level == RoleLevel.NQSW:
        scores.append(1.0 if vacancy.protected_caseload else 0.0)
    return sum(scores) / len(scores) if scores else 1.0


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


def _money(pounds: int) -> str:
    return f"£{pounds:,}"


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def explain_pair(vacancy: VacancyFacts, candidate: CandidateFacts, parts: dict[str, float], miles: float | None,
                 for_recruiter: bool = True) -> list[Reason]:
    """Everything worth saying about a pair, in the profession's words, each a fact of the job read against the
    profile: practice first, then place, level, pay, how the job is worked, availability, and what was written.
    Worded for whoever reads it: 'your' to the social worker, 'their' to the recruiter."""
    your, you = ("their", "they") if for_recruiter else ("your", "you")
    said = f"{you} said {you} would" if not for_recruiter else "they said they would"
    found: list[Reason] = []
    area = vacancy.service_area
    if candidate.specialisms:
        if area.value in candidate.specialisms:
            found.append(Reason("practice_same", f"{_in_sentence(area.label)} experience", short="same practice area"))
        elif any(related(area.value, s) for s in candidate.specialisms):
            near = next(ServiceArea(s) for s in candidate.specialisms if related(area.value, s))
            found.append(Reason("practice_related", f"related experience in {_in_sentence(near.label)}",
                                short="related practice area"))
        else:
            found.append(Reason("practice_other", f"{area.label}: not one of {your} practice areas", fits=False))
    if vacancy.organisation_slug in candidate.only_boroughs:
        found.append(Reason("only_council", f"in {vacancy.organisation_name}, one of the councils {you} chose",
                            short=f"in {vacancy.organisation_name}"))
    elif vacancy.organisation_slug in candidate.preferred_boroughs:
        found.append(Reason("preferred_council", f"in {vacancy.organisation_name}, one of {your} preferred councils",
                            short=f"a council {you} prefer" if not for_recruiter else "a council they prefer"))
    if miles is not None:
        phrase = _miles_phrase(miles)
        found.append(Reason("distance", phrase, short=phrase))
    level = own_level(candidate)
    if level is not None:
        step = vacancy.role_level.rank - level.rank
        label = _in_sentence(vacancy.role_level.label)
        if vacancy.role_level == RoleLevel.NQSW and level == RoleLevel.NQSW:
            found.append(Reason("asye", "in their ASYE" if for_recruiter else "an ASYE post",
                                short="an ASYE post"))
        elif step == 0:
            found.append(Reason("level_same", label, short=f"{your} level"))
        elif step > 0:
            found.append(Reason("level_up", f"a step up to {label}", short="a step up"))
        else:
            found.append(Reason("level_down", f"a step down to {label}: {said} consider one", fits=False))
    if vacancy.role_level == RoleLevel.NQSW and vacancy.protected_caseload:
        found.append(Reason("protected_caseload", "a protected caseload in the ASYE", short="a protected caseload"))
    elif vacancy.role_level == RoleLevel.NQSW and candidate.protected_caseload == NeedLevel.PREFER:
        found.append(Reason("protected_caseload_unsaid", "the advert does not say the ASYE caseload is protected",
                            fits=False))
    if candidate.min_salary is not None:
        band = f"{_money(vacancy.salary_min)}–{_money(vacancy.salary_max)}"
        if vacancy.salary_min >= candidate.min_salary:
            found.append(Reason("salary", f"{band}: starts at or above {your} {_money(candidate.min_salary)}",
                                short="pays enough"))
        else:
            found.append(Reason("salary", f"{band}: starts below {your} {_money(candidate.min_salary)}", fits=False))
    pattern = vacancy.working_pattern
    if candidate.working_patterns:
        if pattern.value in candidate.working_patterns:
            if pattern != WorkingPattern.FULL_TIME:
                found.append(Reason("pattern", _in_sentence(pattern.label), short=_in_sentence(pattern.label)))
        else:
            wanted = _listed([_in_sentence(WorkingPattern.label_for(p)) for p in candidate.working_patterns])
            found.append(Reason("pattern_other", f"{pattern.label}: {you} said {you} prefer {wanted}"
                                if not for_recruiter else f"{pattern.label}: they prefer {wanted}", fits=False))
    if vacancy.fte < 1:
        hours = round(vacancy.fte * FULL_TIME_HOURS, 1)
        found.append(Reason("hours", f"{vacancy.fte:g} FTE, {hours:g} hours a week"))
    if candidate.hybrid_working in (NeedLevel.NEED, NeedLevel.PREFER):
        if offers_hybrid(vacancy):
            words = "mostly home working" if vacancy.hybrid_pattern == HybridPattern.MOSTLY_HOME else "hybrid working"
            found.append(Reason("hybrid", words, short=words))
        elif vacancy.hybrid_pattern is None:
            found.append(Reason("hybrid_unsaid", "the advert does not say whether hybrid working is offered",
                                fits=False))
        else:
            found.append(Reason("hybrid_other", f"{vacancy.hybrid_pattern.label}: {you} said {you} would prefer "
                                "hybrid working" if not for_recruiter else
                                f"{vacancy.hybrid_pattern.label}: they would prefer hybrid working", fits=False))
    if for_recruiter and candidate.availability in (Availability.NOW, Availability.ONE_MONTH):
        found.append(Reason("availability", _in_sentence(candidate.availability.label)))
    # Meaning alone is no reason: only when the practice area agrees does a close text say something true.
    if parts["semantic"] >= STRONG_SEMANTIC and area.value in candidate.specialisms:
        found.append(Reason("similar_text", f"{your} experience matches the advert"))
    return found


def reasons(vacancy: VacancyFacts, candidate: CandidateFacts, parts: dict[str, float],
            miles: float | None, limit: int = 5, for_recruiter: bool = True) -> list[str]:
    """The fitting reasons as short phrases ("child protection experience, 3 miles away, senior practitioner")."""
    return [r.text for r in explain_pair(vacancy, candidate, parts, miles, for_recruiter) if r.fits][:limit]


def _explain_into(match: Match, vacancy: VacancyFacts, candidate: CandidateFacts, miles: float | None,
                  for_recruiter: bool, limit: int = 5) -> Match:
    said = explain_pair(vacancy, candidate, match.components, miles, for_recruiter)
    match.explained = said
    match.reasons = [r.text for r in said if r.fits][:limit]
    match.cautions = [r.text for r in said if not r.fits]
    return match


def assess(vacancy: VacancyFacts, candidate: CandidateFacts, semantic: float, for_recruiter: bool = True,
           explain: bool = True) -> Match:
    """Score one pair; the reasons are worded for whoever reads them (the recruiter, or the social worker).
    Ranking many scores them all first and explains only the ones that will be shown."""
    miles = home_distance(vacancy, candidate)
    parts = components(vacancy, candidate, semantic, miles)
    match = Match(vacancy_id=vacancy.id, candidate_id=candidate.id, score=hybrid_score(parts), semantic=float(semantic),
                  components=parts)
    return _explain_into(match, vacancy, candidate, miles, for_recruiter) if explain else match


def explain(vacancy: VacancyFacts, candidate: CandidateFacts, match: Match, for_recruiter: bool = True) -> Match:
    return _explain_into(match, vacancy, candidate, home_distance(vacancy, candidate), for_recruiter)


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
    if candidate.specialisms:  # in_their_practice over every row at once
        areas = [a.value for a in ServiceArea if in_their_practice_area(a.value, candidate)]
        allowed &= np.isin(np.array([v.service_area.value for v in vacancies], dtype=object), areas)
    similarities = matrix @ candidate_vector
    rows = _shortlist(similarities, allowed, max(shortlist, limit))
    scored = sorted(((assess(vacancies[i], candidate, float(similarities[i]), explain=False), i) for i in rows),
                    key=lambda pair: (-pair[0].score, pair[0].vacancy_id))
    return [explain(vacancies[i], candidate, match, for_recruiter=False) for match, i in scored[:limit]]


__all__ = ["Match", "Reason", "assess", "explain_pair", "fit_label", "components", "failures", "hybrid_score", "in_their_practice", "nearest", "rank_candidates", "rank_vacancies",
           "reasons"]
