"""A social worker's profile: the rules for each answer, saving it, and reading it back.

The rules live here once; the profile form imports the same limits so the page and the
service never disagree.
"""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from domain import workforce
from domain.vocabulary import (
    FULL_TIME_HOURS,
    Availability,
    ContractType,
    HoursWanted,
    NeedLevel,
    OrganisationKind,
    RoleLevel,
    ServiceArea,
    WorkingPattern,
)
from webapp.extensions import db
from webapp.models import CandidateProfile, Organisation, User
from webapp.services import ServiceError
from webapp.services import audit

YEARS_QUALIFIED_MAX = 50
COMMUTE_MILES_MIN = 1
COMMUTE_MILES_MAX = 50
SALARY_MAX = 150_000
CV_TEXT_MAX = 10_000
PART_TIME_HOURS_MIN = 1
PART_TIME_HOURS_MAX = FULL_TIME_HOURS - 1  # part time is fewer hours than a full-time week

# Social Work England numbers: the one rule is domain.workforce.normalise_swe_number (SW then ASCII digits).
SWE_NUMBER_FORMAT = "Enter your Social Work England number in the right format: SW followed by numbers, like SW123456"

PROFILE_FIELDS = (
    "swe_number",
    "in_asye",
    "years_qualified",
    "role_level",
    "specialisms",
    "preferred_boroughs",
    "only_boroughs",
    "home_borough",
    "max_commute_miles",
    "hours_wanted",
    "part_time_hours_max",
    "working_patterns",
    "contract_types",
    "min_salary",
    "min_salary_anywhere_in_band",
    "considers_step_down",
    "protected_caseload",
    "hybrid_working",
    "availability",
    "cv_text",
    "discoverable",
    "hidden_from",
)


class ProfileInvalid(ServiceError):
    """One or more answers break the rules; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def normalise_swe_number(raw: str | None) -> str | None:
    """'sw 123 456' → 'SW123456'; blank → None; anything else not "SW + digits" → ServiceError."""
    compact = re.sub(r"[\s\-]+", "", raw or "")
    if not compact:
        return None
    try:
        return workforce.normalise_swe_number(compact)
    except ValueError:
        raise ServiceError(SWE_NUMBER_FORMAT) from None


def normalise_cv_text(text: str | None) -> str:
    # Browsers send line breaks as CRLF; the character count on the page counts one per break.
    return (text or "").replace("\r\n", "\n").strip()


def councils() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL).order_by(Organisation.name)
        )
    )


def council_choices() -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in councils()]


def _whole_number(value: Any, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ServiceError(message)
    return value


def _choices(values: Any, allowed: list[str], message: str) -> list[str]:
    values = list(values or [])
    if any(v not in allowed for v in values):
        raise ServiceError(message)
    return [v for v in allowed if v in values]  # stable order, no duplicates


def clean_profile(values: dict[str, Any]) -> dict[str, Any]:
    """Check every answer and return them normalised, or raise ProfileInvalid with a message per field."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}

    def check(field: str, fn) -> None:
        if field not in values:
            return
        try:
            cleaned[field] = fn(values[field])
        except ServiceError as error:
            errors[field] = str(error)

    council_slugs = [slug for slug, _ in council_choices()]
    check("swe_number", normalise_swe_number)
    check("in_asye", bool)

    def years(value):
        if values.get("in_asye"):
            return 0  # in the assessed and supported year: qualified less than a year
        if value is None:
            raise ServiceError("Enter how many years you have been qualified, or say you are in your ASYE")
        return _whole_number(value, 0, YEARS_QUALIFIED_MAX,
                             f"Years qualified must be between 0 and {YEARS_QUALIFIED_MAX}")

    check("years_qualified", years)

    def enum_value(enum_cls, message, required=True):
        def fn(value):
            if value in (None, "") and not required:
                return None
            try:
                return enum_cls(value)
            except ValueError:
                raise ServiceError(message) from None
        return fn

    check("role_level", enum_value(RoleLevel, "Select your role level"))
    check("specialisms", lambda v: _choices(v, [m.value for m in ServiceArea], "Select specialisms from the list"))
    check("preferred_boroughs", lambda v: _choices(v, council_slugs, "Select councils from the list"))

    def home(value):
        if value in (None, ""):
            return None
        if value not in council_slugs:
            raise ServiceError("Select your home borough from the list")
        return value

    check("home_borough", home)
    check("max_commute_miles", lambda v: None if v is None else _whole_number(
        v, COMMUTE_MILES_MIN, COMMUTE_MILES_MAX,
        f"Longest commute must be between {COMMUTE_MILES_MIN} and {COMMUTE_MILES_MAX} miles"))
    check("working_patterns", lambda v: _choices(v, [m.value for m in WorkingPattern], "Select working patterns from the list"))
    check("contract_types", lambda v: _choices(v, [m.value for m in ContractType], "Select contract types from the list"))
    check("min_salary", lambda v: None if v is None else _whole_number(
        v, 0, SALARY_MAX, f"Lowest salary must be between £0 and £{SALARY_MAX:,}"))
    check("availability", enum_value(Availability, "Select when you could start"))
    check("only_boroughs", lambda v: _choices(v, council_slugs, "Select councils from the list"))
    check("hours_wanted", enum_value(HoursWanted, "Select full time, part time or either", required=False))

    def part_time_hours(value):
        # Only a part-time answer has hours; a full-time or "either" answer clears any left from before.
        if value is None or values.get("hours_wanted") != HoursWanted.PART_TIME:
            return None
        return _whole_number(value, PART_TIME_HOURS_MIN, PART_TIME_HOURS_MAX,
                             f"Hours a week must be between {PART_TIME_HOURS_MIN} and {PART_TIME_HOURS_MAX}")

    check("part_time_hours_max", part_time_hours)
    check("min_salary_anywhere_in_band", bool)
    check("considers_step_down", bool)
    check("protected_caseload", enum_value(NeedLevel, "Select whether you need a protected caseload", required=False))
    check("hybrid_working", enum_value(NeedLevel, "Select whether you need hybrid working", required=False))

    def cv(value):
        text = normalise_cv_text(value)
        if len(text) > CV_TEXT_MAX:
            raise ServiceError(f"Your CV must be {CV_TEXT_MAX:,} characters or fewer")
        return text

    check("cv_text", cv)
    check("discoverable", bool)
    check("hidden_from", lambda v: _choices(v, council_slugs, "Select councils from the list to hide your profile from"))
    if errors:
        raise ProfileInvalid(errors)
    return cleaned


def update_profile(user: User, values: dict[str, Any]) -> list[str]:
    """Save a social worker's answers. Returns the names of the fields that changed.

    Nothing is changed unless every answer is valid. The audit entry holds field names only;
    the outbox row that tells search and matching is written by the outbox hooks.
    """
    if not user.is_candidate:
        raise ServiceError("Only social workers have a profile")
    cleaned = clean_profile(values)
    profile = user.profile
    created = profile is None
    if created:
        profile = CandidateProfile(user=user)
        db.session.add(profile)
    changed = [field for field, value in cleaned.items() if getattr(profile, field) != value or created]
    for field in changed:
        setattr(profile, field, cleaned[field])
    if "discoverable" in changed and profile.discoverable:
        # Findable again by their own choice: whatever the absence check did or warned of is over.
        profile.switched_off_at = profile.switch_off_warned_at = None
    if changed:
        db.session.flush()
        audit.record(user, "profile.created" if created else "profile.updated", profile, fields=sorted(changed))
    return changed


def profile_as_dict(profile: CandidateProfile) -> dict[str, Any]:
    return {
        "swe_number": profile.swe_number,
        "in_asye": profile.in_asye,
        "years_qualified": profile.years_qualified,
        "role_level": profile.role_level.value if profile.role_level else None,
        "specialisms": list(profile.specialisms or []),
        "preferred_boroughs": list(profile.preferred_boroughs or []),
        "home_borough": profile.home_borough,
        "only_boroughs": list(profile.only_boroughs or []),
        "max_commute_miles": profile.max_commute_miles,
        "hours_wanted": profile.hours_wanted.value if profile.hours_wanted else None,
        "part_time_hours_max": profile.part_time_hours_max,
        "working_patterns": list(profile.working_patterns or []),
        "contract_types": list(profile.contract_types or []),
        "min_salary": profile.min_salary,
        "min_salary_anywhere_in_band": profile.min_salary_anywhere_in_band,
        "considers_step_down": profile.considers_step_down,
        "protected_caseload": profile.protected_caseload.value if profile.protected_caseload else None,
        "hybrid_working": profile.hybrid_working.value if profile.hybrid_working else None,
        "availability": profile.availability.value if profile.availability else None,
        "cv_text": profile.cv_text,
        "discoverable": profile.discoverable,
        "hidden_from": list(profile.hidden_from or []),
        "last_visit_at": profile.last_visit_at.isoformat() if profile.last_visit_at else None,
        "switched_off_at": profile.switched_off_at.isoformat() if profile.switched_off_at else None,
        "updated_at": profile.updated_at.isoformat() if profile.updated_at else None,
    }
