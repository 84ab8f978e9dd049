"""What is matched: a vacancy's and a candidate's facts, and the text each is embedded from.

Facts are plain frozen dataclasses built from any object with the model's attributes
(duck-typed, so this package never imports Flask or the ORM). The texts hold what a person
reads to judge fit (role, practice area, experience, the advert's own words); location,
salary and contract are left to the structured scorer, which weighs them exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from domain.vocabulary import Availability, ContractType, HoursWanted, HybridPattern, NeedLevel, RoleLevel, ServiceArea, WorkingPattern

# all-MiniLM-L6-v2 was trained on 128 word pieces (it reads up to 256): about 700 characters of
# English. The opening of an advert says what the job is; more text costs encoding time (the demo's
# first start encodes every advert) and adds little the model was trained to use.
MAX_TEXT_CHARS = 700


@dataclass(frozen=True)
class VacancyFacts:
    id: int
    title: str
    role_level: RoleLevel
    service_area: ServiceArea
    organisation_id: int
    organisation_slug: str
    organisation_name: str
    latitude: float
    longitude: float
    salary_min: int
    salary_max: int
    contract_type: ContractType
    working_pattern: WorkingPattern
    team: str = ""
    summary: str = ""
    description: str = ""
    # Hours as a fraction of a full-time week, and the practice promise, as the advert states them
    # (matching.constraints reads stated needs against these).
    fte: float = 1.0
    protected_caseload: bool = False  # an ASYE post's caseload is protected
    hybrid_pattern: HybridPattern | None = None  # None: the advert does not say

    @classmethod
    def of(cls, vacancy: Any) -> "VacancyFacts":
        organisation = vacancy.organisation
        return cls(
            id=vacancy.id, title=vacancy.title, role_level=RoleLevel(vacancy.role_level),
            service_area=ServiceArea(vacancy.service_area), organisation_id=vacancy.organisation_id,
            organisation_slug=organisation.slug, organisation_name=organisation.name,
            latitude=float(vacancy.latitude), longitude=float(vacancy.longitude),
            salary_min=int(vacancy.salary_min), salary_max=int(vacancy.salary_max),
            contract_type=ContractType(vacancy.contract_type), working_pattern=WorkingPattern(vacancy.working_pattern),
            team=vacancy.team or "", summary=vacancy.summary or "", description=vacancy.description or "",
            fte=float(getattr(vacancy, "fte", None) or 1),
            protected_caseload=bool(getattr(vacancy, "protected_caseload_nqsw", False)),
            hybrid_pattern=HybridPattern(vacancy.hybrid_pattern) if getattr(vacancy, "hybrid_pattern", None) else None,
        )


@dataclass(frozen=True)
class CandidateFacts:
    id: int  # the profile's id
    user_id: int
    role_level: RoleLevel | None
    specialisms: tuple[str, ...] = ()
    home_borough: str | None = None
    preferred_boroughs: tuple[str, ...] = ()
    max_commute_miles: int | None = None
    min_salary: int | None = None
    contract_types: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    availability: Availability = Availability.NOW
    registered: bool = False
    in_asye: bool = False
    years_qualified: int | None = None
    cv_text: str = ""
    discoverable: bool = False
    hidden_from: tuple[str, ...] = ()  # slugs of councils never shown this candidate
    # Stated needs (issue 16): hard unless said otherwise (matching.constraints).
    only_boroughs: tuple[str, ...] = ()  # when given, the only councils whose jobs they see
    hours_wanted: HoursWanted | None = None
    part_time_hours_max: int | None = None
    min_salary_anywhere_in_band: bool = False  # False: the band's bottom must reach min_salary
    considers_step_down: bool = False
    protected_caseload: NeedLevel | None = None
    hybrid_working: NeedLevel | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, profile: Any) -> "CandidateFacts":
        return cls(
            id=profile.id, user_id=profile.user_id,
            role_level=RoleLevel(profile.role_level) if profile.role_level else None,
            specialisms=tuple(profile.specialisms or ()), home_borough=profile.home_borough or None,
            preferred_boroughs=tuple(profile.preferred_boroughs or ()), max_commute_miles=profile.max_commute_miles,
            min_salary=profile.min_salary, contract_types=tuple(profile.contract_types or ()),
            working_patterns=tuple(profile.working_patterns or ()),
            availability=Availability(profile.availability or Availability.NOW),
            registered=bool(profile.swe_number), in_asye=bool(profile.in_asye),
            years_qualified=profile.years_qualified, cv_text=profile.cv_text or "",
            discoverable=bool(profile.discoverable), hidden_from=tuple(profile.hidden_from or ()),
            only_boroughs=tuple(getattr(profile, "only_boroughs", None) or ()),
            hours_wanted=_enum_or_none(HoursWanted, getattr(profile, "hours_wanted", None)),
            part_time_hours_max=getattr(profile, "part_time_hours_max", None),
            min_salary_anywhere_in_band=bool(getattr(profile, "min_salary_anywhere_in_band", False)),
            considers_step_down=bool(getattr(profile, "considers_step_down", False)),
            protected_caseload=_enum_or_none(NeedLevel, getattr(profile, "protected_caseload", None)),
            hybrid_working=_enum_or_none(NeedLevel, getattr(profile, "hybrid_working", None)),
        )


def _enum_or_none(enum_cls, value):
    return enum_cls(value) if value else None


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clip(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:MAX_TEXT_CHARS].rsplit(" ", 1)[0]


def _sentence(text: str) -> str:
    text = _tidy(text)
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def vacancy_text(vacancy: VacancyFacts) -> str:
    """A vacancy as its advert reads: title, role level, practice area, team, summary and description."""
    parts = [
        _sentence(vacancy.title),
        _sentence(f"{vacancy.role_level.label} in {vacancy.service_area.label.lower()}"),
        _sentence(vacancy.team),
        _sentence(vacancy.summary),
        _sentence(vacancy.description),
    ]
    return _clip(_tidy(" ".join(p for p in parts if p)))


def candidate_text(candidate: CandidateFacts) -> str:
    """A social worker as a profile reads: role level, specialisms, experience and their own summary."""
    parts = []
    if candidate.role_level is not None:
        parts.append(_sentence(candidate.role_level.label))
    areas = [ServiceArea.label_for(s).lower() for s in candidate.specialisms]
    if areas:
        parts.append(_sentence("Experience in " + ", ".join(areas)))
    if candidate.in_asye:
        parts.append("In the assessed and supported year in employment (ASYE).")
    elif candidate.years_qualified is not None:
        years = candidate.years_qualified
        parts.append(f"Qualified {years} year{'' if years == 1 else 's'}." if years else "Newly qualified.")
    parts.append(_sentence(candidate.cv_text))
    return _clip(_tidy(" ".join(p for p in parts if p)))
