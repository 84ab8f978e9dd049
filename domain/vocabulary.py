"""The words of children's social work recruitment, in one place.

Every list a form, a filter, a facet, the seed data or the matcher needs comes from here.
Values are stored in the database as the enum's value (a short stable slug); labels are
what people read.
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a human label: ``Member = ("slug", "Label")``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_for(cls, value: str | None) -> str:
        try:
            return cls(value).label
        except ValueError:
            return value or ""


class RoleLevel(LabelledEnum):
    # Ordered by seniority: the order is used by matching (one step up or down is a near fit).
    STUDENT = ("student", "Student or apprentice social worker")
    NQSW = ("nqsw", "Newly qualified social worker (ASYE)")
    SOCIAL_WORKER = ("social_worker", "Social worker")
    SENIOR_PRACTITIONER = ("senior_practitioner", "Senior practitioner")
    ADVANCED_PRACTITIONER = ("advanced_practitioner", "Advanced practitioner")
    ASSISTANT_TEAM_MANAGER = ("assistant_team_manager", "Assistant team manager")
    TEAM_MANAGER = ("team_manager", "Team manager")
    SERVICE_MANAGER = ("service_manager", "Service manager")
    IRO_CP_CHAIR = ("iro_cp_chair", "Independent reviewing officer or CP chair")
    PRINCIPAL_SOCIAL_WORKER = ("principal_social_worker", "Principal social worker")

    @property
    def rank(self) -> int:
        return _ROLE_RANKS[self]


# Read for every pair matching scores: a dict, not a walk over the members each time.
_ROLE_RANKS = {level: i for i, level in enumerate(RoleLevel)}


class ServiceArea(LabelledEnum):
    MASH = ("mash", "MASH and front door")
    ASSESSMENT = ("assessment", "Assessment")
    CHILD_PROTECTION = ("child_protection", "Child protection")
    CHILDREN_IN_NEED = ("children_in_need", "Children in need")
    CHILDREN_LOOKED_AFTER = ("children_looked_after", "Children looked after")
    CARE_LEAVERS = ("care_leavers", "Care leavers")
    FOSTERING = ("fostering", "Fostering")
    ADOPTION = ("adoption", "Adoption")
    DISABLED_CHILDREN = ("disabled_children", "Disabled children")
    YOUTH_JUSTICE = ("youth_justice", "Youth justice")
    EXPLOITATION = ("exploitation", "Exploitation and contextual safeguarding")
    EDGE_OF_CARE = ("edge_of_care", "Edge of care")


class ContractType(LabelledEnum):
    PERMANENT = ("permanent", "Permanent")
    FIXED_TERM = ("fixed_term", "Fixed term")
    SECONDMENT = ("secondment", "Secondment")
    LOCUM = ("locum", "Locum or agency")


class WorkingPattern(LabelledEnum):
    FULL_TIME = ("full_time", "Full time")
    PART_TIME = ("part_time", "Part time")
    COMPRESSED = ("compressed", "Compressed hours")
    JOB_SHARE = ("job_share", "Job share")


class HoursWanted(LabelledEnum):
    """Full time or part time, as a social worker states it on their profile (a hard need in matching)."""

    FULL_TIME = ("full_time", "Full time")
    PART_TIME = ("part_time", "Part time")
    EITHER = ("either", "Either")


# A full-time week in local government (the NJC's 37 hours): a vacancy's FTE times this is its hours.
FULL_TIME_HOURS = 37


class NeedLevel(LabelledEnum):
    """How much a practice promise matters to a social worker: a need hides jobs without it, a
    preference only ranks jobs with it higher."""

    NEED = ("need", "I need it")
    PREFER = ("prefer", "I would prefer it")
    NO_MATTER = ("no_matter", "It does not matter")


class HybridPattern(LabelledEnum):
    OFFICE = ("office", "Mostly office and visits")
    HYBRID = ("hybrid", "Hybrid (office, visits and home)")
    MOSTLY_HOME = ("mostly_home", "Mostly home and visits")


class SupervisionFrequency(LabelledEnum):
    WEEKLY = ("weekly", "Weekly")
    FORTNIGHTLY = ("fortnightly", "Fortnightly")
    MONTHLY = ("monthly", "Monthly")
    SIX_WEEKLY = ("six_weekly", "Every six weeks")


class Availability(LabelledEnum):
    NOW = ("now", "Available now")
    ONE_MONTH = ("one_month", "Within a month")
    THREE_MONTHS = ("three_months", "Within three months")
    NOT_LOOKING = ("not_looking", "Not looking at the moment")


class ApplyMethod(LabelledEnum):
    IN_PLATFORM = ("in_platform", "Apply on this site")
    EXTERNAL = ("external", "Apply on the council's own site")


class VacancyStatus(LabelledEnum):
    DRAFT = ("draft", "Draft")
    LIVE = ("live", "Live")
    CLOSED = ("closed", "Closed")


class AlertFrequency(LabelledEnum):
    """How often a saved search's new jobs are emailed."""

    INSTANT = ("instant", "As soon as they are posted")
    DAILY = ("daily", "Once a day")
    WEEKLY = ("weekly", "Once a week")


class SubRegion(LabelledEnum):
    NORTH = ("north", "North London")
    EAST = ("east", "East London")
    SOUTH = ("south", "South London")
    WEST = ("west", "West London")


class OrganisationKind(LabelledEnum):
    COUNCIL = ("council", "Local authority")
    FLIP_PROVIDER = ("flip", "FLiP provider")


class OfstedRating(LabelledEnum):
    OUTSTANDING = ("outstanding", "Outstanding")
    GOOD = ("good", "Good")
    REQUIRES_IMPROVEMENT = ("requires_improvement", "Requires improvement to be good")
    INADEQUATE = ("inadequate", "Inadequate")


class UserRole(LabelledEnum):
    CANDIDATE = ("candidate", "Social worker")
    RECRUITER = ("recruiter", "Recruiter")
    ORG_ADMIN = ("org_admin", "Council administrator")
    PROGRAMME_LEAD = ("programme_lead", "Programme lead")
    ADMIN = ("admin", "Platform administrator")


class ApplicationStatus(LabelledEnum):
    SUBMITTED = ("submitted", "Submitted")
    SHORTLISTED = ("shortlisted", "Shortlisted")
    INTERVIEW = ("interview", "Interview")
    OFFERED = ("offered", "Offered")
    HIRED = ("hired", "Hired")
    REJECTED = ("rejected", "Not progressed")
    WITHDRAWN = ("withdrawn", "Withdrawn")
    OFFER_DECLINED = ("offer_declined", "Offer declined")

    @property
    def is_final(self) -> bool:
        return self in FINAL_APPLICATION_STATUSES


FINAL_APPLICATION_STATUSES = frozenset(
    {ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.OFFER_DECLINED}
)

# The pipeline a recruiter moves an application through. Keys are the current status,
# values the statuses a recruiter may move it to. Withdrawal is the candidate's alone.
PIPELINE_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED}),
    ApplicationStatus.SHORTLISTED: frozenset({ApplicationStatus.INTERVIEW, ApplicationStatus.REJECTED}),
    ApplicationStatus.INTERVIEW: frozenset({ApplicationStatus.OFFERED, ApplicationStatus.REJECTED}),
    ApplicationStatus.OFFERED: frozenset({ApplicationStatus.HIRED, ApplicationStatus.OFFER_DECLINED}),
}


def is_valid_history(statuses: Sequence[ApplicationStatus | None]) -> bool:
    """Whether ``[from_status of event 1, to_status of event 1, to_status of event 2, ...]`` is a legal path."""
    if len(statuses) < 2 or statuses[0] is not None or statuses[1] != ApplicationStatus.SUBMITTED:
        return False
    for before, after in zip(statuses[1:], statuses[2:]):
        if after == ApplicationStatus.WITHDRAWN:
            if before.is_final:
                return False
        elif after not in PIPELINE_TRANSITIONS.get(before, frozenset()):
            return False
    return True


class OfferDeclineReason(LabelledEnum):
    PAY = ("pay", "Pay")
    PROGRESSION = ("progression", "Progression")
    WORKLOAD = ("workload", "Workload or caseload")
    HOURS = ("hours", "Hours or working pattern")
    WORK_LIFE_BALANCE = ("work_life_balance", "Work-life balance")
    TRAVEL = ("travel", "Travel or location")
    OTHER_OFFER = ("other_offer", "Accepted another offer")
    AGENCY = ("agency", "Chose agency work")
    OTHER = ("other", "Other")


# What social workers type, expanded to what vacancies say. Used by both search engines
# at query time (the one place the abbreviations live).
ABBREVIATIONS: dict[str, list[str]] = {
    "nqsw": ["newly qualified social worker", "asye"],
    "asye": ["assessed and supported year in employment", "newly qualified"],
    "cp": ["child protection"],
    "cin": ["children in need"],
    "cla": ["children looked after", "looked after children"],
    "lac": ["looked after children", "children looked after"],
    "mash": ["multi agency safeguarding hub", "front door"],
    "iro": ["independent reviewing officer"],
    "atm": ["assistant team manager"],
    "tm": ["team manager"],
    "sp": ["senior practitioner"],
    "ap": ["advanced practitioner"],
    "psw": ["principal social worker"],
    "sw": ["social worker"],
    "yot": ["youth offending", "youth justice"],
    "yos": ["youth offending service", "youth justice"],
    "cse": ["child sexual exploitation", "exploitation"],
    "cce": ["child criminal exploitation", "exploitation"],
    "dcs": ["disabled children"],
    "cwd": ["children with disabilities", "disabled children"],
    "uasc": ["unaccompanied asylum seeking children"],
    "flip": ["frontline"],
}
