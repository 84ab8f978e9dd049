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
            years_qualified=profile.years_qualified,
            cv_text=getattr(profile, "cv_text", None) or "",  # a shortlist's rows leave it out: ranking never reads it
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


# What the work is in each practice area: who it is with and what is done. Both sides are embedded with
# the same words for the same area, so "what the job is" and "what the person does" meet in meaning
# even when an advert or a profile says little of its own.
AREA_WORK: dict[ServiceArea, str] = {
    ServiceArea.MASH: "front door and MASH: screening contacts and referrals, threshold decisions and strategy "
                      "discussions with police and health",
    ServiceArea.ASSESSMENT: "assessment: single assessments of children and families newly referred, duty and "
                            "section 47 enquiries",
    ServiceArea.CHILD_PROTECTION: "child protection: children at risk of significant harm, section 47 enquiries, "
                                  "child protection plans, core groups and care proceedings",
    ServiceArea.CHILDREN_IN_NEED: "children in need: family support, child in need plans, parenting and neglect",
    ServiceArea.CHILDREN_LOOKED_AFTER: "children in care: statutory visits, care plans, permanence and reviews for "
                                       "looked-after children in foster and residential care",
    ServiceArea.CARE_LEAVERS: "leaving care: care leavers aged 16 to 25, pathway plans, housing, education and "
                              "independence",
    ServiceArea.FOSTERING: "fostering: assessing, supervising and supporting foster carers, Form F and kinship "
                           "assessments, fostering panel",
    ServiceArea.ADOPTION: "adoption: assessing adopters, family finding, matching children and adoption support",
    ServiceArea.DISABLED_CHILDREN: "disabled children: children with learning disabilities, autism and complex "
                                   "health needs, short breaks and transition to adult services",
    ServiceArea.YOUTH_JUSTICE: "youth justice: young people who have offended, AssetPlus, court reports and "
                               "supervision of court orders",
    ServiceArea.EXPLOITATION: "exploitation and contextual safeguarding: teenagers at risk outside the home, "
                              "county lines, criminal and sexual exploitation, missing episodes",
    ServiceArea.EDGE_OF_CARE: "edge of care: intensive work with adolescents and families in crisis to keep "
                              "teenagers safely at home, family group conferences and reunification",
}

# What each level of post does (the same words on both sides, as for the areas).
LEVEL_WORK: dict[RoleLevel, str] = {
    RoleLevel.STUDENT: "student or apprentice social worker, not yet qualified",
    RoleLevel.NQSW: "newly qualified social worker in the assessed and supported year in employment (ASYE)",
    RoleLevel.SOCIAL_WORKER: "qualified social worker holding a caseload",
    RoleLevel.SENIOR_PRACTITIONER: "senior practitioner holding complex cases and guiding colleagues",
    RoleLevel.ADVANCED_PRACTITIONER: "advanced practitioner leading practice and the most complex cases",
    RoleLevel.ASSISTANT_TEAM_MANAGER: "assistant team manager supervising social workers",
    RoleLevel.TEAM_MANAGER: "team manager managing and supervising a team of social workers",
    RoleLevel.SERVICE_MANAGER: "service manager leading several teams",
    RoleLevel.IRO_CP_CHAIR: "independent reviewing officer or child protection conference chair",
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: "principal social worker leading practice standards",
}

# Sentences every council's advert carries whatever the job (who they are, benefits, the safeguarding and
# equal opportunities statements, "are you passionate..."): they say nothing about what the job is, and
# shared by every advert they pull all adverts' meanings together.
BOILERPLATE = re.compile(
    r"committed to safeguarding|promoting the welfare of children|share this commitment|\bDBS\b|disclosure and barring"
    r"|equal opportunit|welcome applications|all sections of the community|diverse workforce|annual leave"
    r"|pension|cycle to work|employee assistance|season ticket|leisure|discounts?\b|competitive salary"
    r"|great place to work|make a (?:real |positive )?difference|passionate|friendly,? supportive|ambitious"
    r"|subject to (?:an? )?(?:enhanced|satisfactory)|registration with social work england|right to work"
    r"|apply (?:now|today)|closing date|informal (?:chat|discussion)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(£0-9])")


def without_boilerplate(text: str) -> str:
    """The advert's own sentences: those that say nothing about this job (BOILERPLATE) are left out."""
    sentences = _SENTENCE_END.split(_tidy(text))
    return " ".join(s for s in sentences if s and not BOILERPLATE.search(s))


def vacancy_text(vacancy: VacancyFacts) -> str:
    """What the job is: its title, level and practice area described in the profession's words (who the
    work is with, what is done), then the advert's own words without the council's boilerplate."""
    parts = [
        _sentence(vacancy.title),
        _sentence(f"{LEVEL_WORK[vacancy.role_level].capitalize()} in {AREA_WORK[vacancy.service_area]}"),
        _sentence(vacancy.team),
        _sentence(without_boilerplate(vacancy.summary)),
        _sentence(without_boilerplate(vacancy.description)),
    ]
    return _clip(_tidy(" ".join(p for p in parts if p)))


def candidate_text(candidate: CandidateFacts) -> str:
    """What the person does: their level and practice areas in the same words as the adverts', how long
    qualified, then their own summary."""
    parts = []
    if candidate.role_level is not None:
        parts.append(_sentence(LEVEL_WORK[candidate.role_level].capitalize()))
    areas = [AREA_WORK[ServiceArea(s)] for s in candidate.specialisms if s in ServiceArea._value2member_map_]
    if areas:
        parts.append(_sentence("Experience in " + "; ".join(areas)))
    if candidate.in_asye:
        parts.append("In the assessed and supported year in employment (ASYE).")
    elif candidate.years_qualified is not None:
        years = candidate.years_qualified
        parts.append(f"Qualified {years} year{'' if years == 1 else 's'}." if years else "Newly qualified.")
    parts.append(_sentence(candidate.cv_text))
    return _clip(_tidy(" ".join(p for p in parts if p)))
