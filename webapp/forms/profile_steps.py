"""The profile a topic at a time (GOV.UK question pages): which answers each step asks for, its form,
and the answers read back for "Check your answers".

Each step's form is ProfileForm with the other steps' fields taken out, so every question, its
wording and its rules are written once (in ProfileForm and services.profiles) whichever page asks it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.vocabulary import Availability, ContractType, HoursWanted, RoleLevel, ServiceArea, WorkingPattern
from webapp.forms.account import (
    HOURS_CHOICES,
    HYBRID_CHOICES,
    PROTECTED_CASELOAD_CHOICES,
    SALARY_READING_CHOICES,
    ProfileForm,
)


@dataclass(frozen=True)
class ProfileStep:
    slug: str  # its address: /account/profile/<slug>
    title: str  # the page's heading and its section on "Check your answers"
    fields: tuple[str, ...]
    lead: str = ""  # a sentence under the heading: why we ask


PROFILE_STEPS: tuple[ProfileStep, ...] = (
    ProfileStep("role-and-registration", "Your role and registration",
                ("swe_number", "in_asye", "years_qualified", "role_level", "considers_step_down"),
                "We show you posts at your level, and ASYE posts if you are newly qualified."),
    ProfileStep("practice-areas", "Practice areas", ("specialisms",),
                "The areas of children's social work you have worked in or want to work in."),
    ProfileStep("where-you-would-work", "Where you would work",
                ("home_borough", "max_commute_miles", "only_boroughs", "preferred_boroughs"),
                "We only suggest jobs you could get to."),
    ProfileStep("working-pattern", "Working pattern, hours and caseload",
                ("hours_wanted", "part_time_hours_max", "working_patterns", "hybrid_working", "protected_caseload")),
    ProfileStep("contract-and-salary", "Contract, salary and start date",
                ("contract_types", "min_salary", "min_salary_anywhere_in_band", "availability")),
    ProfileStep("about-you", "About you", ("cv_text",),
                "Recruiters read this if you let them find you, and we compare it with each job's advert."),
    ProfileStep("visibility", "Being found by recruiters", ("discoverable", "hidden_from")),
)
STEPS_BY_SLUG = {step.slug: step for step in PROFILE_STEPS}

# Answers a profile needs before it is "set up": matching cannot place someone without a level.
REQUIRED_ANSWERS = {"role_level": "Answer ‘Role level’"}


def step_of(field_name: str) -> ProfileStep:
    return next(step for step in PROFILE_STEPS if field_name in step.fields)


def next_step(step: ProfileStep) -> ProfileStep | None:
    index = PROFILE_STEPS.index(step)
    return PROFILE_STEPS[index + 1] if index + 1 < len(PROFILE_STEPS) else None


def previous_step(step: ProfileStep) -> ProfileStep | None:
    index = PROFILE_STEPS.index(step)
    return PROFILE_STEPS[index - 1] if index else None


def step_form(step: ProfileStep, profile, **kwargs: Any) -> ProfileForm:
    """ProfileForm asking only this step's questions, filled in from the saved profile."""
    form = ProfileForm.for_profile(profile, **kwargs)
    for name in list(form._fields):
        if name != "csrf_token" and name not in step.fields:
            del form[name]
    return form


def unanswered(profile) -> list[tuple[str, ProfileStep]]:
    """(message, step) for each answer the profile still needs before it is set up."""
    if profile is None:
        return [(message, step_of(name)) for name, message in REQUIRED_ANSWERS.items()]
    return [(message, step_of(name)) for name, message in REQUIRED_ANSWERS.items()
            if getattr(profile, name) in (None, "", [])]


# --- the answers read back ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    field: str  # the question's field (the step's page has it as its id)
    label: str
    value: str | list[str]  # a list shows as a list


def _labels(values, choices) -> list[str]:
    names = dict(choices)
    return [names.get(value, value) for value in values or []]


def _choice(choices, value) -> str | None:
    """The answer's words as the question offered them (None when not answered)."""
    value = getattr(value, "value", value)
    return dict(choices).get(value) if value else None


def answers(profile, council_names: dict[str, str]) -> dict[str, list[Answer]]:
    """The saved answers, by step slug, in the words the questions use ("Not given" when blank)."""
    def given(text, blank="Not given"):
        return text if text not in (None, "", []) else blank

    if profile.in_asye:
        qualified = "In my ASYE"
    elif profile.years_qualified is not None:
        qualified = f"{profile.years_qualified} year{'' if profile.years_qualified == 1 else 's'}"
    else:
        qualified = "Not given"
    cv = profile.cv_text or ""
    rows = [
        Answer("swe_number", "Social Work England number", given(profile.swe_number)),
        Answer("in_asye", "Qualified", qualified),
        Answer("role_level", "Role level", given(RoleLevel.label_for(profile.role_level))),
        Answer("considers_step_down", "Would consider a lower level", "Yes" if profile.considers_step_down else "No"),
        Answer("specialisms", "Specialisms", given(_labels(profile.specialisms, ServiceArea.choices()))),
        Answer("home_borough", "Home borough",
               given(council_names.get(profile.home_borough or "", profile.home_borough))),
        Answer("max_commute_miles", "Longest commute",
               given(f"{profile.max_commute_miles} miles" if profile.max_commute_miles else None)),
        Answer("only_boroughs", "Only jobs at",
               given(_labels(profile.only_boroughs, council_names.items()), "Any council within your commute")),
        Answer("preferred_boroughs", "Councils you would prefer",
               given(_labels(profile.preferred_boroughs, council_names.items()), "No preference")),
        Answer("hours_wanted", "Full or part time", given(_choice(HOURS_CHOICES, profile.hours_wanted))),
        Answer("part_time_hours_max", "Most hours a week",
               given(f"{profile.part_time_hours_max} hours" if profile.part_time_hours_max else None,
                     "Any part-time hours" if profile.hours_wanted == HoursWanted.PART_TIME else "Not given")),
        Answer("working_patterns", "Working patterns you would like",
               given(_labels(profile.working_patterns, WorkingPattern.choices()))),
        Answer("hybrid_working", "Hybrid working", given(_choice(HYBRID_CHOICES, profile.hybrid_working))),
        Answer("protected_caseload", "Protected caseload",
               given(_choice(PROTECTED_CASELOAD_CHOICES, profile.protected_caseload))),
        Answer("contract_types", "Contract types", given(_labels(profile.contract_types, ContractType.choices()))),
        Answer("min_salary", "Lowest salary",
               given(f"£{profile.min_salary:,}" if profile.min_salary is not None else None)),
        Answer("min_salary_anywhere_in_band", "How we use your lowest salary",
               _choice(SALARY_READING_CHOICES, "reach" if profile.min_salary_anywhere_in_band else "start")),
        Answer("availability", "When you could start", given(Availability.label_for(profile.availability))),
        Answer("cv_text", "Your CV",
               given(f"{cv[:300]}{'…' if len(cv) > 300 else ''} ({len(cv):,} characters)" if cv else None)),
        Answer("discoverable", "Let recruiters find me", "Yes" if profile.discoverable else "No"),
        Answer("hidden_from", "Hidden from", given(_labels(profile.hidden_from, council_names.items()), "No council")),
    ]
    by_step: dict[str, list[Answer]] = {step.slug: [] for step in PROFILE_STEPS}
    for row in rows:
        by_step[step_of(row.field).slug].append(row)
    return by_step

