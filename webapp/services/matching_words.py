"""Matching said in words: what a fit figure means, what someone asked for (so "nothing fits you
today" can say what "nothing" is), and the job search that would alert them when it appears.

The rules that decide a fit live in `matching/`; this module only puts their answers and the
person's own answers into sentences, and never decides anything.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import ContractType, HoursWanted, RoleLevel, ServiceArea, UserRole
from matching.constraints import failures
from matching.text import CandidateFacts, VacancyFacts
from webapp.models import Application, CandidateProfile, User
from webapp.search import criteria as search_criteria
from webapp.services.matching import home_miles
from webapp.search.places import DISTANCE_CHOICES

# What each fit band (matching.weights.FIT_BANDS, said by Match.fit_label) means, for the page that explains them.
FIT_MEANING = {
    "Very close fit": "matches almost everything they would prefer, and what they wrote is close to the advert",
    "Close fit": "matches most of what they would prefer, with one or two differences",
    "Good fit": "matches some of what they would prefer",
    "Partial fit": "differs on much of what they would prefer",
}


def miles_from_home(profile: CandidateProfile | None, vacancy) -> int | None:
    """How far the job is from their home borough, in whole miles, as matching measures it (None if unknown)."""
    miles = home_miles(profile, vacancy)
    return None if miles is None else round(miles)


def _either(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _in_a_sentence(label: str) -> str:
    """"Child protection" → "child protection"; "MASH and front door" keeps its capitals."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _place(slug: str) -> str:
    borough = BOROUGHS_BY_SLUG.get(slug)
    return borough.name if borough else slug


def stated_needs(profile: CandidateProfile) -> str:
    """What this person asked for, as one phrase: "permanent, part-time fostering posts for a senior
    practitioner within 10 miles of Hackney, paying at least £45,000"."""
    kinds = []
    if profile.contract_types and len(profile.contract_types) < len(ContractType):
        kinds.append(_either([ContractType(value).label.lower() for value in profile.contract_types]))
    hours = getattr(profile, "hours_wanted", None)
    if hours == HoursWanted.PART_TIME:
        limit = getattr(profile, "part_time_hours_max", None)
        kinds.append(f"part-time (up to {limit} hours a week)" if limit else "part-time")
    elif hours == HoursWanted.FULL_TIME:
        kinds.append("full-time")
    areas = [_in_a_sentence(ServiceArea(value).label) for value in profile.specialisms or []]
    phrase = " ".join(part for part in (", ".join(kinds), _either(areas), "posts") if part)
    if profile.role_level is not None:
        level = RoleLevel(profile.role_level)
        phrase += " in the ASYE" if level == RoleLevel.NQSW else f" for a {level.label.lower()}"
    only = list(getattr(profile, "only_boroughs", None) or [])
    if only:
        phrase += f" at {_either([_place(slug) for slug in only])}"
    if profile.home_borough and profile.max_commute_miles:
        phrase += f" within {profile.max_commute_miles} miles of {_place(profile.home_borough)}"
    if profile.min_salary:
        phrase += f", paying at least £{profile.min_salary:,}"
    return phrase


def alert_query(profile: CandidateProfile, council_choices) -> str:
    """The /jobs search (its query string) for what this person asked for: saved, it emails them new
    jobs like the ones they are waiting for. Only what the search page can read goes in."""
    pairs: list[tuple[str, str]] = []
    pairs += [("service_area", value) for value in profile.specialisms or []]
    if profile.role_level is not None:
        pairs.append(("role_level", RoleLevel(profile.role_level).value))
    pairs += [("contract_type", value) for value in profile.contract_types or []
              if len(profile.contract_types) < len(ContractType)]
    hours = getattr(profile, "hours_wanted", None)
    if hours == HoursWanted.PART_TIME:
        pairs += [("working_pattern", "part_time"), ("working_pattern", "job_share")]
    elif hours == HoursWanted.FULL_TIME:
        pairs.append(("working_pattern", "full_time"))
    pairs += [("council", slug) for slug in getattr(profile, "only_boroughs", None) or []]
    if profile.min_salary:
        pairs.append(("salary", str(profile.min_salary)))
    if profile.home_borough and profile.max_commute_miles:
        # The search's distances are a short list: the nearest one that covers their commute.
        miles = next((m for m in DISTANCE_CHOICES if m >= profile.max_commute_miles), DISTANCE_CHOICES[-1])
        pairs += [("near", profile.home_borough), ("miles", str(miles))]
    found, problems = search_criteria.parse(pairs, council_choices)
    if problems:  # a value the search cannot read (a council since renamed, say): leave that part out
        found, _ = search_criteria.parse([(k, v) for k, v in pairs if k not in problems], council_choices)
    return found.normalised()


# --- suggested candidates, as a recruiter reads them --------------------------------------------------------


@dataclass(frozen=True)
class WhyNobody:
    """Why no one is suggested: of the people who let recruiters find them, how many each stated need rules out."""

    findable: int
    applied: int
    reasons: list[tuple[str, int]]  # (a need the vacancy does not meet, how many people it rules out), most first


def why_nobody(session: Session, vacancy) -> WhyNobody:
    """Reads every findable profile against the vacancy with the matching rules themselves (only when the
    list is empty, so it is worth the walk)."""
    facts = VacancyFacts.of(vacancy)
    applied = set(session.scalars(sa.select(Application.candidate_id).where(Application.vacancy_id == vacancy.id)))
    counts: Counter[str] = Counter()
    findable = applied_count = 0
    query = (sa.select(CandidateProfile).join(User, User.id == CandidateProfile.user_id)
             .where(CandidateProfile.discoverable.is_(True), User.active.is_(True), User.role == UserRole.CANDIDATE)
             .execution_options(yield_per=500))
    for profile in session.scalars(query):
        findable += 1
        if profile.user_id in applied:
            applied_count += 1
            continue
        counts.update(failures(facts, CandidateFacts.of(profile), for_recruiter=True))
    return WhyNobody(findable, applied_count, counts.most_common())
