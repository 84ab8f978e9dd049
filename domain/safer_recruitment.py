"""The safer-recruitment application form: its sections, the rules each answer must meet, and
employment gaps. Plain Python over plain dicts of text, so the web app, the PDF and tests share it.

A section is "completed" when its answers pass its check; nothing is submitted until all are.
Every check returns (clean answers, problems by field name); problems are sentences a person
can act on, in the GOV.UK error message style.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from domain.postcodes import full_postcode
from domain.vocabulary import LabelledEnum
from domain.workforce import normalise_swe_number

Answers = dict[str, Any]
Problems = dict[str, str]

SHORT_MAX = 200
DETAILS_MAX = 2000
STATEMENT_MAX = 10000  # about 1,500 words: enough to answer a person specification point by point
GAP_MONTHS_ALLOWED = 3  # a gap of more than this many whole months must be explained
EARLIEST_YEAR = 1950
MAX_QUALIFICATIONS = 15
MAX_JOBS = 40

# The DBS filtering rules, in plain words, shown beside the criminal record question.
DBS_FILTERING_GUIDANCE = (
    "You do not need to tell us about cautions, reprimands, warnings or convictions that are "
    "'protected'. Under the Disclosure and Barring Service (DBS) filtering rules, these are "
    "removed from standard and enhanced checks after a set time, as long as they are not for "
    "certain serious offences, such as violent or sexual offences or offences against children. "
    "A youth caution is always protected. You must tell us about anything that is not protected. "
    "If you are not sure, use the DBS's filtering guidance on GOV.UK or ask Nacro for free advice."
)


class RegistrationStatus(LabelledEnum):
    REGISTERED = ("registered", "Registered with Social Work England")
    CONDITIONS = ("conditions", "Registered, with conditions of practice or a warning on my entry")
    APPLIED = ("applied", "I have applied to register and am waiting (newly qualified)")


class YesNo(LabelledEnum):
    YES = ("yes", "Yes")
    NO = ("no", "No")


# --- small readers --------------------------------------------------------------------------------

def _text(data: Answers, name: str) -> str:
    value = data.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _long_text(data: Answers, name: str) -> str:
    value = data.get(name)
    return str(value).replace("\r\n", "\n").strip() if value is not None else ""


def _required(data: Answers, name: str, problems: Problems, missing: str, limit: int = SHORT_MAX,
              what: str | None = None) -> str:
    value = _text(data, name)
    if not value:
        problems[name] = missing
    elif len(value) > limit:
        problems[name] = f"{what or missing.removeprefix('Enter ').capitalize()} must be {limit:,} characters or fewer"
    return value


def _optional(data: Answers, name: str, problems: Problems, what: str, limit: int = SHORT_MAX) -> str:
    value = _text(data, name)
    if len(value) > limit:
        problems[name] = f"{what} must be {limit:,} characters or fewer"
    return value


def _details(data: Answers, name: str, problems: Problems, missing: str, what: str,
             limit: int = DETAILS_MAX) -> str:
    value = _long_text(data, name)
    if not value:
        problems[name] = missing
    elif len(value) > limit:
        problems[name] = f"{what} must be {limit:,} characters or fewer"
    return value


def _choice(data: Answers, name: str, problems: Problems, enum: type[LabelledEnum], missing: str) -> str:
    value = _text(data, name)
    if value not in {m.value for m in enum}:
        problems[name] = missing
        return ""
    return value


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[\d\s()\-]{7,20}$")
NI_RE = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")  # the shape only: GOV.UK's own example, QQ 12 34 56 C, is not issued


def _email(data: Answers, name: str, problems: Problems, missing: str) -> str:
    value = _text(data, name).lower()
    if not value:
        problems[name] = missing
    elif len(value) > 254 or not EMAIL_RE.match(value):
        problems[name] = "Enter an email address in the correct format, like name@example.com"
    return value


def _phone(data: Answers, name: str, problems: Problems, missing: str) -> str:
    value = _text(data, name)
    if not value:
        problems[name] = missing
    elif not PHONE_RE.match(value) or sum(c.isdecimal() for c in value) < 7:
        problems[name] = "Enter a telephone number, like 020 7946 0000 or 07700 900 982"
    return value


# --- months -----------------------------------------------------------------------------------------

def month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def month_text(index: int) -> str:
    """'2021-03' for storage and gap keys."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(value: str | None) -> str:
    """'2021-03' → 'March 2021'; None → 'now'."""
    if not value:
        return "now"
    year, month = (int(part) for part in value.split("-"))
    return f"{dt.date(year, month, 1):%B %Y}"


def _parse_month_index(value: str) -> int:
    year, month = (int(part) for part in value.split("-"))
    return month_index(year, month)


def _month(data: Answers, prefix: str, problems: Problems, what: str, today: dt.date) -> str | None:
    """Read <prefix>_month and <prefix>_year as 'YYYY-MM'; a problem (on the month field) if wrong."""
    month_raw, year_raw = _text(data, f"{prefix}_month"), _text(data, f"{prefix}_year")
    key = f"{prefix}_month"
    if not month_raw and not year_raw:
        problems[key] = f"Enter the {what}"
        return None
    if not month_raw.isdecimal() or not year_raw.isdecimal() or len(month_raw) > 2 or len(year_raw) != 4:
        problems[key] = f"The {what} must be a real month and year, like 03 2019"
        return None
    month, year = int(month_raw), int(year_raw)
    if not 1 <= month <= 12 or year < EARLIEST_YEAR:
        problems[key] = f"The {what} must be a real month and year, like 03 2019"
        return None
    if month_index(year, month) > month_index(today.year, today.month):
        problems[key] = f"The {what} must be this month or in the past"
        return None
    return month_text(month_index(year, month))


def _date(data: Answers, prefix: str, problems: Problems, what: str, today: dt.date) -> str | None:
    """Read <prefix>_day, _month and _year as an ISO date, in the past or today."""
    parts = [_text(data, f"{prefix}_{p}") for p in ("day", "month", "year")]
    key = f"{prefix}_day"
    if not any(parts):
        problems[key] = f"Enter the {what}"
        return None
    try:
        day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError):  # not numbers, not a real day, or a year beyond any calendar
        problems[key] = f"The {what} must be a real date, like 27 3 2025"
        return None
    if day > today:
        problems[key] = f"The {what} must be today or in the past"
        return None
    if day.year < EARLIEST_YEAR:
        problems[key] = f"The {what} must be a real date, like 27 3 2025"
        return None
    return day.isoformat()


# --- the sections -------------------------------------------------------------------------------------

def check_personal_details(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    clean = {
        "full_name": _required(data, "full_name", problems, "Enter your full name", what="Full name"),
        "previous_names": _optional(data, "previous_names", problems, "Previous names"),
        "address": _details(data, "address", problems, "Enter your address", "Address", limit=500),
        "postcode": _text(data, "postcode").upper(),
        "phone": _phone(data, "phone", problems, "Enter a telephone number"),
        "email": _email(data, "email", problems, "Enter your email address"),
        "ni_number": _text(data, "ni_number").upper().replace(" ", ""),
    }
    if not clean["postcode"]:
        problems["postcode"] = "Enter your postcode"
    elif written := full_postcode(clean["postcode"]):
        clean["postcode"] = written  # the written form, 'SE17PB' → 'SE1 7PB'
    else:
        problems["postcode"] = "Enter a real postcode, like SE1 7PB"
    if clean["ni_number"] and not NI_RE.match(clean["ni_number"]):
        problems["ni_number"] = "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
    return clean, problems


def check_registration(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    status = _choice(data, "status", problems, RegistrationStatus,
                     "Select your Social Work England registration status")
    clean: Answers = {"status": status, "number": "", "checked_on": None}
    if status and status != RegistrationStatus.APPLIED:
        raw = _text(data, "number")
        if not raw:
            problems["number"] = "Enter your Social Work England registration number"
        else:
            try:
                clean["number"] = normalise_swe_number(raw)
            except ValueError:
                problems["number"] = ("Enter your Social Work England registration number in the right format: "
                                      "SW followed by numbers, like SW123456")
        clean["checked_on"] = _date(data, "checked", problems, "date you last checked the register", today)
    return clean, problems


def check_qualification(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    clean: Answers = {
        "name": _required(data, "name", problems, "Enter the qualification, like BA (Hons) Social Work",
                          what="Qualification"),
        "institution": _required(data, "institution", problems, "Enter the university or college",
                                 what="University or college"),
        "year": None,
    }
    year = _text(data, "year")
    if not year:
        problems["year"] = "Enter the year you were awarded it"
    elif not (year.isdecimal() and len(year) == 4 and EARLIEST_YEAR <= int(year) <= today.year):
        problems["year"] = f"The year awarded must be a real year, {today.year} or before, like 2018"
    else:
        clean["year"] = int(year)
    return clean, problems


def check_job(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    clean: Answers = {
        "employer": _required(data, "employer", problems, "Enter the employer's name", what="Employer"),
        "job_title": _required(data, "job_title", problems, "Enter your job title", what="Job title"),
        "duties": _details(data, "duties", problems, "Describe your main duties", "Main duties", limit=1000),
        "start": _month(data, "start", problems, "start date", today),
        "current": _text(data, "current") in ("yes", "y", "true", "on"),
        "end": None,
        "reason_for_leaving": "",
    }
    if not clean["current"]:
        clean["end"] = _month(data, "end", problems, "end date", today)
        clean["reason_for_leaving"] = _details(data, "reason_for_leaving", problems,
                                               "Enter why you left this job", "Reason for leaving", limit=500)
        if clean["start"] and clean["end"] and clean["end"] < clean["start"]:
            problems["end_month"] = "The end date must be the same as or after the start date"
    return clean, problems


@dataclass(frozen=True)
class Gap:
    """Whole months with no job between two roles (or since the last one): ``key`` names it for its explanation."""

    key: str
    after: str  # 'YYYY-MM', the month the earlier role ended
    before: str | None  # 'YYYY-MM' the next role started; None: the gap runs to today
    months: int

    @property
    def label(self) -> str:
        start = month_label(month_text(_parse_month_index(self.after) + 1))
        if self.before is None:
            return f"{start} to now ({self.months} months)"
        end = month_label(month_text(_parse_month_index(self.before) - 1))
        return f"{start} to {end} ({self.months} months)"


def employment_gaps(jobs: list[Answers], today: dt.date) -> list[Gap]:
    """Gaps of more than GAP_MONTHS_ALLOWED whole months between roles and from the last role to today.

    Roles may overlap (a second job, a secondment): a gap starts only after the latest end so far.
    """
    dated = sorted((j for j in jobs if j.get("start")), key=lambda j: j["start"])
    gaps: list[Gap] = []
    covered_to: int | None = None  # month index the history is covered up to; None once a role is current
    ongoing = False
    for job in dated:
        start = _parse_month_index(job["start"])
        if covered_to is not None and not ongoing:
            months = start - covered_to - 1
            if months > GAP_MONTHS_ALLOWED:
                gaps.append(Gap(f"{month_text(covered_to)}/{job['start']}", month_text(covered_to), job["start"],
                                months))
        if job.get("current") or not job.get("end"):
            ongoing = True
        else:
            end = _parse_month_index(job["end"])
            covered_to = end if covered_to is None else max(covered_to, end)
    if dated and not ongoing and covered_to is not None:
        months = month_index(today.year, today.month) - covered_to - 1
        if months > GAP_MONTHS_ALLOWED:
            gaps.append(Gap(f"{month_text(covered_to)}/today", month_text(covered_to), None, months))
    return gaps


def check_employment(answers: Answers, today: dt.date) -> tuple[Answers, Problems]:
    """The whole history: at least one role, each role valid, each long gap explained."""
    problems: Problems = {}
    jobs = answers.get("employment") or []
    if not jobs:
        problems["employment"] = "Add your current or most recent job"
    for number, job in enumerate(jobs, 1):
        if check_job(job_as_form(job), today)[1]:
            problems[f"job-{number}"] = f"Finish the details of job {number}: {job.get('job_title') or 'no title'}"
    explanations = answers.get("gaps") or {}
    for gap in employment_gaps(jobs, today):
        if not _text(explanations, gap.key):
            problems[f"gap-{gap.key}"] = f"Explain the gap in your employment from {gap.label}"
    return {"employment": jobs, "gaps": explanations}, problems


def job_as_form(job: Answers) -> Answers:
    """A stored job as the form's fields, so a saved job is checked by the same rule as a typed one."""
    form = {k: v for k, v in job.items() if k not in ("start", "end", "current")}
    for name in ("start", "end"):
        if job.get(name):
            year, month = job[name].split("-")
            form[f"{name}_month"], form[f"{name}_year"] = month, year
    form["current"] = "yes" if job.get("current") else ""
    return form


def check_gap_explanations(data: Answers, gaps: list[Gap]) -> tuple[dict[str, str], Problems]:
    problems: Problems = {}
    clean: dict[str, str] = {}
    for number, gap in enumerate(gaps, 1):
        name = f"gap_{number}"
        clean[gap.key] = _details(data, name, problems, f"Explain the gap from {gap.label}",
                                  "Your explanation", limit=1000)
    return clean, problems


REFEREE_FIELDS = ("name", "job_title", "organisation", "relationship", "email", "phone")


def check_referees(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    """Two referees: the first from the current or most recent employer; consent to contact both."""
    problems: Problems = {}
    referees = []
    for number, which in ((1, "first"), (2, "second")):
        p = f"referee{number}_"
        one = {
            "name": _required(data, p + "name", problems, f"Enter your {which} referee's name",
                              what="Referee's name"),
            "job_title": _required(data, p + "job_title", problems, f"Enter your {which} referee's job title",
                                   what="Referee's job title"),
            "organisation": _required(data, p + "organisation", problems,
                                      f"Enter your {which} referee's organisation", what="Organisation"),
            "relationship": _required(data, p + "relationship", problems,
                                      f"Enter how you know your {which} referee, like 'my team manager'",
                                      what="How you know them"),
            "email": _email(data, p + "email", problems, f"Enter your {which} referee's email address"),
            "phone": _phone(data, p + "phone", problems, f"Enter your {which} referee's telephone number"),
            "current_employer": number == 1,
        }
        referees.append(one)
    if referees[0]["email"] and referees[0]["email"] == referees[1]["email"]:
        problems["referee2_email"] = "Your two referees must have different email addresses"
    consent = _text(data, "consent") in ("yes", "y", "true", "on")
    if not consent:
        problems["consent"] = "Confirm we may contact your referees"
    email = _text(data, "own_email").lower()
    if email and email in (referees[0]["email"], referees[1]["email"]):
        problems["referee1_email" if referees[0]["email"] == email else "referee2_email"] = \
            "A referee's email address cannot be your own"
    return {"referees": referees, "referee_consent": consent}, problems


def referees_as_form(answers: Answers) -> Answers:
    form: Answers = {}
    for number, referee in enumerate((answers.get("referees") or [])[:2], 1):
        for name in REFEREE_FIELDS:
            form[f"referee{number}_{name}"] = referee.get(name, "")
    form["consent"] = "yes" if answers.get("referee_consent") else ""
    return form


def check_statement(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    statement = _details(data, "statement", problems, "Enter your supporting statement", "Supporting statement",
                         limit=STATEMENT_MAX)
    return {"statement": statement}, problems


def check_declarations(data: Answers, today: dt.date) -> tuple[Answers, Problems]:
    problems: Problems = {}
    clean: Answers = {
        "criminal_record": _choice(data, "criminal_record", problems, YesNo,
                                   "Select yes if you have anything to declare that is not protected"),
        "criminal_record_details": "",
        "related_to_council": _choice(data, "related_to_council", problems, YesNo,
                                      "Select yes if you are related to a councillor or member of staff"),
        "relationship_details": "",
        "right_to_work": _choice(data, "right_to_work", problems, YesNo,
                                 "Select yes if you have the right to work in the UK"),
        "right_to_work_details": "",
    }
    if clean["criminal_record"] == YesNo.YES:
        clean["criminal_record_details"] = _details(data, "criminal_record_details", problems,
                                                    "Give details of what you are declaring", "Details")
    if clean["related_to_council"] == YesNo.YES:
        clean["relationship_details"] = _details(data, "relationship_details", problems,
                                                 "Give their name, their role and how you are related", "Details",
                                                 limit=1000)
    if clean["right_to_work"] == YesNo.NO:
        clean["right_to_work_details"] = _details(data, "right_to_work_details", problems,
                                                  "Tell us what visa or sponsorship you would need", "Details",
                                                  limit=1000)
    return clean, problems


@dataclass(frozen=True)
class Section:
    """One task on the task list: the answers it keeps (top-level keys) and whether they are complete."""

    slug: str
    title: str
    keys: tuple[str, ...]
    is_complete: Callable[[Answers, dt.date], bool]


def _complete(check: Callable[[Answers, dt.date], tuple[Answers, Problems]], key: str | None = None,
              as_form: Callable[[Answers], Answers] | None = None) -> Callable[[Answers, dt.date], bool]:
    def is_complete(answers: Answers, today: dt.date) -> bool:
        if as_form is not None:
            data = as_form(answers)
        else:
            data = answers.get(key) if key else answers
        if not data:
            return False
        return not check(data, today)[1]

    return is_complete


def _qualifications_complete(answers: Answers, today: dt.date) -> bool:
    found = answers.get("qualifications") or []
    return bool(found) and not any(check_qualification(q, today)[1] for q in found)


def registration_as_form(answers: Answers) -> Answers:
    registration = answers.get("registration") or {}
    form = {"status": registration.get("status", ""), "number": registration.get("number", "")}
    if registration.get("checked_on"):
        year, month, day = registration["checked_on"].split("-")
        form.update(checked_day=day, checked_month=month, checked_year=year)
    return form if registration else {}


SECTIONS: tuple[Section, ...] = (
    Section("personal-details", "Personal details", ("personal",), _complete(check_personal_details, "personal")),
    Section("registration", "Social Work England registration", ("registration",),
            _complete(check_registration, as_form=registration_as_form)),
    Section("qualifications", "Qualifications", ("qualifications",), _qualifications_complete),
    Section("employment-history", "Employment history", ("employment", "gaps"),
            lambda answers, today: bool(answers.get("employment")) and not check_employment(answers, today)[1]),
    Section("references", "References", ("referees", "referee_consent"),
            _complete(check_referees, as_form=lambda a: referees_as_form(a) if a.get("referees") else {})),
    Section("supporting-statement", "Supporting statement", ("statement",),
            _complete(check_statement, as_form=lambda a: {"statement": a.get("statement")} if a.get("statement")
                      else {})),
    Section("declarations", "Declarations", ("declarations",), _complete(check_declarations, "declarations")),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def incomplete_sections(answers: Answers, today: dt.date) -> list[Section]:
    return [section for section in SECTIONS if not section.is_complete(answers, today)]


# What carries over from one application to the next: everything but the job-specific statement.
CARRIED_OVER = ("personal", "registration", "qualifications", "employment", "gaps", "referees",
                "referee_consent", "declarations")


# --- the reference a referee gives ----------------------------------------------------------------------

REFERENCE_QUESTIONS = {
    "known_as": "How do you know the applicant?",
    "known_for": "How long have you known them?",
    "applicant_role": "What is (or was) their job title with you?",
    "suitability": "How suited are they to this job? Tell us about their practice, strengths and anything to develop",
    "safeguarding_concerns": "Are you aware of any reason the applicant should not work with children, including "
                             "any allegations or concerns about their conduct towards children?",
    "disciplinary": "Has the applicant been the subject of any disciplinary action or fitness to practise "
                    "proceedings that is current or was upheld?",
    "would_reemploy": "Would you employ them again?",
}


def check_reference(data: Answers) -> tuple[Answers, Problems]:
    problems: Problems = {}
    clean: Answers = {
        "referee_name": _required(data, "referee_name", problems, "Enter your name", what="Your name"),
        "referee_job_title": _required(data, "referee_job_title", problems, "Enter your job title",
                                       what="Your job title"),
        "known_as": _required(data, "known_as", problems, "Enter how you know the applicant, like 'I was their "
                              "team manager'", what="How you know them"),
        "known_for": _required(data, "known_for", problems, "Enter how long you have known them, like '3 years'",
                               what="How long you have known them"),
        "applicant_role": _optional(data, "applicant_role", problems, "Their job title"),
        "suitability": _details(data, "suitability", problems, "Tell us how suited they are to this job",
                                "Your answer", limit=5000),
        "safeguarding_concerns": _choice(data, "safeguarding_concerns", problems, YesNo,
                                         "Select yes if you are aware of any reason they should not work with "
                                         "children"),
        "safeguarding_details": "",
        "disciplinary": _choice(data, "disciplinary", problems, YesNo,
                                "Select yes if they have been the subject of disciplinary action"),
        "disciplinary_details": "",
        "would_reemploy": _choice(data, "would_reemploy", problems, YesNo,
                                  "Select yes if you would employ them again"),
        "reemploy_details": _optional(data, "reemploy_details", problems, "Your reason", limit=DETAILS_MAX),
    }
    if clean["safeguarding_concerns"] == YesNo.YES:
        clean["safeguarding_details"] = _details(data, "safeguarding_details", problems,
                                                 "Give details of your concerns", "Details")
    if clean["disciplinary"] == YesNo.YES:
        clean["disciplinary_details"] = _details(data, "disciplinary_details", problems,
                                                 "Give details of the disciplinary action", "Details")
    if clean["would_reemploy"] == YesNo.NO and not clean["reemploy_details"]:
        problems["reemploy_details"] = "Tell us why you would not employ them again"
    if _text(data, "confirm") not in ("yes", "y", "true", "on"):
        problems["confirm"] = "Confirm that this reference is accurate to the best of your knowledge"
    return clean, problems


def check_decline(data: Answers) -> tuple[Answers, Problems]:
    problems: Problems = {}
    reason = _details(data, "decline_reason", problems, "Tell us why you cannot give a reference",
                      "Your reason", limit=1000)
    return {"decline_reason": reason}, problems
