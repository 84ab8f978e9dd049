"""The judged set: social workers, a fixed pool of vacancies and grades written by hand (matching/judged_set).

This module reads the set and holds the two independent checks the evaluation runs over what the app
shows: `broken_needs` (does a shown job break something the person said they need?) and `false_reasons`
(is a reason shown for a pair untrue of that pair?). Both are written from the people's stated needs and
the jobs' facts as the set records them, never by calling matching.constraints or matching.scoring, so
they can catch those modules being wrong.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from domain.geography import BOROUGHS_BY_SLUG, distance_miles

SET_DIR = Path(__file__).with_name("judged_set")

# Kinds of working pattern: compressed hours are full-time hours; a job share is part time.
FULL_TIME_KINDS = frozenset({"full_time", "compressed"})
PART_TIME_KINDS = frozenset({"part_time", "job_share"})

# Seniority as a recruiter reads it (not the vocabulary's order): an advanced practitioner and an assistant
# team manager are the same step; an IRO or CP chair sits with team managers, a principal social worker
# with service managers. A post on a lower tier is a step down.
TIER = {"student": 0, "nqsw": 1, "social_worker": 2, "senior_practitioner": 3, "advanced_practitioner": 4,
        "assistant_team_manager": 4, "iro_cp_chair": 5, "team_manager": 5, "principal_social_worker": 6,
        "service_manager": 6}
SUITS_HYBRID = frozenset({"hybrid", "mostly_home"})


@dataclass(frozen=True)
class Job:
    id: str
    council: str
    title: str
    level: str
    area: str
    team: str
    pattern: str
    fte: float
    hours: float
    contract: str
    salary_min: int
    salary_max: int
    hybrid: str | None
    protected_nqsw: bool
    caseload: int | None
    summary: str
    advert: str  # the advert's own words, before the council's standard text is added

    @property
    def borough(self):
        return BOROUGHS_BY_SLUG[self.council]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    level: str
    asye: bool
    years: int
    registered: bool
    areas: tuple[str, ...]
    home: str
    commute: int
    patterns: tuple[str, ...]
    hours: int | None
    contracts: tuple[str, ...]
    min_salary: int | None
    councils: tuple[str, ...]
    only_councils: bool
    step_down: bool
    protected_caseload: str | None  # "need" or "prefer"
    hybrid: str | None
    summary: str
    keywords: str

    @property
    def wants_full_time(self) -> bool:
        return bool(self.patterns) and set(self.patterns) <= FULL_TIME_KINDS

    @property
    def wants_part_time(self) -> bool:
        return bool(self.patterns) and set(self.patterns) <= PART_TIME_KINDS


@dataclass
class JudgedSet:
    jobs: dict[str, Job]
    people: dict[str, Person]
    boilerplate_opening: str
    boilerplate_closing: str
    opens_with_boilerplate: frozenset[str]
    job_grades: dict[str, dict[str, int]]  # person id -> job id -> grade (ungraded: 0)
    candidate_grades: dict[str, dict[str, int]]  # job id -> person id -> grade (ungraded: 0)
    notes: dict[str, str] = field(default_factory=dict)

    def full_description(self, job: Job) -> str:
        """The advert as the council's system sends it: its own words with the council's standard text."""
        name = job.borough.name
        closing = self.boilerplate_closing.format(council=name)
        if job.council in self.opens_with_boilerplate:
            return f"{self.boilerplate_opening.format(council=name)}\n\n{job.advert}\n\n{closing}"
        return f"{job.advert}\n\n{closing}"


def _job(row: dict[str, Any]) -> Job:
    return Job(id=row["id"], council=row["council"], title=row["title"], level=row["level"], area=row["area"],
               team=row.get("team", ""), pattern=row["pattern"], fte=float(row["fte"]), hours=float(row["hours"]),
               contract=row["contract"], salary_min=int(row["salary"][0]), salary_max=int(row["salary"][1]),
               hybrid=row.get("hybrid"), protected_nqsw=bool(row.get("protected_nqsw", False)),
               caseload=row.get("caseload"), summary=row["summary"], advert=row["advert"])


def _person(row: dict[str, Any]) -> Person:
    return Person(id=row["id"], name=row["name"], level=row["level"], asye=bool(row.get("asye", False)),
                  years=int(row.get("years", 0)), registered=bool(row.get("registered", False)),
                  areas=tuple(row.get("areas") or ()), home=row["home"], commute=int(row["commute"]),
                  patterns=tuple(row.get("patterns") or ()), hours=row.get("hours"),
                  contracts=tuple(row.get("contracts") or ()), min_salary=row.get("min_salary"),
                  councils=tuple(row.get("councils") or ()), only_councils=bool(row.get("only_councils", False)),
                  step_down=bool(row.get("step_down", False)), protected_caseload=row.get("protected_caseload"),
                  hybrid=row.get("hybrid"), summary=" ".join(row["summary"].split()), keywords=row["keywords"])


def _grades(rows: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for key, graded in (rows or {}).items():
        found[key] = {}
        for grade_text, ids in graded.items():
            grade = int(str(grade_text).removeprefix("grade_"))
            for ident in ids or ():
                if ident in found[key]:
                    raise ValueError(f"judged set: {ident} is graded twice for {key}")
                found[key][ident] = grade
    return found


def load(folder: Path = SET_DIR) -> JudgedSet:
    pool = yaml.safe_load((folder / "vacancies.yaml").read_text(encoding="utf-8"))
    people = yaml.safe_load((folder / "profiles.yaml").read_text(encoding="utf-8"))
    grades = yaml.safe_load((folder / "grades.yaml").read_text(encoding="utf-8")) if (folder / "grades.yaml").exists() \
        else {}
    jobs = {row["id"]: _job(row) for row in pool["vacancies"]}
    persons = {row["id"]: _person(row) for row in people["profiles"]}
    data = JudgedSet(jobs=jobs, people=persons,
                     boilerplate_opening=" ".join(pool["boilerplate"]["opening"].split()),
                     boilerplate_closing=" ".join(pool["boilerplate"]["closing"].split()),
                     opens_with_boilerplate=frozenset(pool["opens_with_boilerplate"]),
                     job_grades=_grades(grades.get("jobs_for_people")),
                     candidate_grades=_grades(grades.get("people_for_jobs")))
    for person, graded in data.job_grades.items():
        unknown = [j for j in graded if j not in jobs]
        if person not in persons or unknown:
            raise ValueError(f"judged set: grades for {person} name unknown ids {unknown or person}")
    for job, graded in data.candidate_grades.items():
        unknown = [p for p in graded if p not in persons]
        if job not in jobs or unknown:
            raise ValueError(f"judged set: candidate grades for {job} name unknown ids {unknown or job}")
    return data


# --- stated needs: what the person said they need, checked against the job's facts ----------------------


def miles_from_home(person: Person, job: Job) -> float:
    home = BOROUGHS_BY_SLUG[person.home]
    return distance_miles(home.latitude, home.longitude, job.borough.latitude, job.borough.longitude)


def broken_needs(person: Person, job: Job) -> list[str]:
    """Each need this person stated that this job breaks (empty: it breaks none)."""
    broken = []
    if person.level == "student":
        if job.level not in ("student", "nqsw"):
            broken.append("level: not open to a student")
    elif person.level == "nqsw":
        if job.level != "nqsw":
            broken.append("level: newly qualified, not an ASYE post")
    else:
        if job.level in ("student", "nqsw"):
            broken.append("level: an ASYE or student post for an experienced social worker")
        elif TIER[job.level] < TIER[person.level] and not person.step_down:
            broken.append("level: a step down they did not say they would consider")
    if not person.registered and job.level not in ("student", "nqsw"):
        broken.append("registration: needs Social Work England registration")
    if person.wants_full_time and job.pattern not in FULL_TIME_KINDS:
        broken.append("pattern: part time, they want full time")
    if person.wants_part_time and job.pattern not in PART_TIME_KINDS:
        broken.append("pattern: full time, they want part time")
    if person.hours is not None and job.hours > person.hours + 0.5:
        broken.append(f"hours: {job.hours:g} a week, they can work {person.hours}")
    if person.contracts and job.contract not in person.contracts:
        broken.append(f"contract: {job.contract}")
    if person.min_salary is not None and job.salary_min < person.min_salary:
        broken.append(f"salary: band starts at {job.salary_min}, below {person.min_salary}")
    if person.only_councils and job.council not in person.councils:
        broken.append(f"council: {job.council} is not one of theirs")
    if job.council not in person.councils and miles_from_home(person, job) > person.commute:
        broken.append(f"commute: {miles_from_home(person, job):.1f} miles, more than {person.commute}")
    if person.protected_caseload == "need" and job.level == "nqsw" and not job.protected_nqsw:
        broken.append("protected caseload: none offered")
    if person.hybrid == "need" and job.hybrid not in SUITS_HYBRID:
        broken.append("hybrid working: not offered")
    return broken


# --- reasons: each phrase shown for a pair, checked against that pair's facts ----------------------------

AREA_LABELS = {
    "mash": "mash and front door", "assessment": "assessment", "child_protection": "child protection",
    "children_in_need": "children in need", "children_looked_after": "children looked after",
    "care_leavers": "care leavers", "fostering": "fostering", "adoption": "adoption",
    "disabled_children": "disabled children", "youth_justice": "youth justice",
    "exploitation": "exploitation and contextual safeguarding", "edge_of_care": "edge of care",
}
LEVEL_LABELS = {
    "student": "student or apprentice social worker", "nqsw": "newly qualified social worker (asye)",
    "social_worker": "social worker", "senior_practitioner": "senior practitioner",
    "advanced_practitioner": "advanced practitioner", "assistant_team_manager": "assistant team manager",
    "team_manager": "team manager", "service_manager": "service manager",
    "iro_cp_chair": "independent reviewing officer or cp chair", "principal_social_worker": "principal social worker",
}
PATTERN_LABELS = {"full_time": "full time", "part_time": "part time", "compressed": "compressed hours",
                  "job_share": "job share"}
CONTRACT_LABELS = {"permanent": "permanent", "fixed_term": "fixed term", "secondment": "secondment",
                   "locum": "locum or agency"}
HYBRID_LABELS = {"office": "mostly office and visits", "hybrid": "hybrid", "mostly_home": "mostly home and visits"}
_AREA_BY_LABEL = {label: area for area, label in AREA_LABELS.items()}
_LEVEL_BY_LABEL = {label: level for level, label in LEVEL_LABELS.items()}
_MONEY = re.compile(r"£(\d[\d,]*)")


def _money(text: str) -> list[int]:
    return [int(m.replace(",", "")) for m in _MONEY.findall(text)]


def _area_named(text: str) -> str | None:
    """The practice area a phrase names (the longest label found in it), if any."""
    found = [label for label in _AREA_BY_LABEL if label in text]
    return _AREA_BY_LABEL[max(found, key=len)] if found else None


def _step(person: Person, job: Job) -> int:
    """+1 a step up, -1 a step down, 0 the same step. Where a recruiter's tiers tie (an advanced practitioner
    and an assistant team manager; an IRO and a team manager) the posts are sideways moves, and either word
    may fairly be used, so the vocabulary's order decides rather than calling the phrase false."""
    mine, theirs = TIER[person.level], TIER[job.level]
    if mine != theirs:
        return 1 if theirs > mine else -1
    order = list(LEVEL_LABELS)
    return (order.index(job.level) > order.index(person.level)) - (order.index(job.level) < order.index(person.level))


_PATTERN_SAID = re.compile(r"^(full time|part time|compressed hours|job share): (?:you said you|they) prefer")
_HYBRID_SAID = re.compile(r"^(.*?): (?:you said you would|they would) prefer hybrid working$")
_HOURS = re.compile(r"^([\d.]+) fte, ([\d.]+) hours a week$")


def check_reason(reason: str, person: Person, job: Job) -> bool | None:
    """True: the reason is true of this pair; False: it is false; None: a kind of reason this checker does
    not know (reported, so a new kind of reason is noticed and a check written for it). Mismatches said
    plainly ("full time: you said you prefer part time") are reasons too, and are checked the same way."""
    text = " ".join(reason.lower().replace("—", ":").replace("–", "-").split())
    miles = miles_from_home(person, job)
    labels = {label: pattern for pattern, label in PATTERN_LABELS.items()}
    # How the job is worked.
    said = _PATTERN_SAID.match(text)
    if said:
        return labels[said.group(1)] == job.pattern and job.pattern not in person.patterns
    if text in labels:
        return labels[text] == job.pattern and (not person.patterns or job.pattern in person.patterns)
    hours = _HOURS.match(text)
    if hours:
        fte, weekly = float(hours.group(1)), float(hours.group(2))
        return abs(fte - job.fte) < 0.005 and abs(weekly - job.fte * 37) < 0.1 and fte < 1
    said = _HYBRID_SAID.match(text)
    if said:
        return HYBRID_LABELS.get(job.hybrid or "", "") == said.group(1) and job.hybrid not in SUITS_HYBRID
    if text == "the advert does not say whether hybrid working is offered":
        return job.hybrid is None
    if text == "mostly home working":
        return job.hybrid == "mostly_home"
    if text == "hybrid working":
        return job.hybrid in SUITS_HYBRID
    if text == "the advert does not say the asye caseload is protected":
        return job.level == "nqsw" and not job.protected_nqsw
    if "protected caseload" in text:
        return job.level == "nqsw" and job.protected_nqsw
    # Pay: the band as the advert gives it, against the person's minimum.
    money = _money(text)
    if money:
        if len(money) >= 2 and (money[0], money[1]) != (job.salary_min, job.salary_max):
            return False
        if person.min_salary is None or (len(money) >= 3 and money[2] != person.min_salary):
            return False
        if "below" in text:
            return job.salary_min < person.min_salary
        if "above" in text or "meets" in text or "reaches" in text:
            return job.salary_min >= person.min_salary
        return None
    if text.startswith("pays above") or text.startswith("pays at least") or text == "pays enough":
        return person.min_salary is not None and job.salary_min >= person.min_salary
    # Where.
    if "councils you chose" in text or "councils they chose" in text:
        return person.only_councils and job.council in person.councils and job.borough.name.lower() in text
    if "preferred council" in text or text.endswith("a preferred borough"):
        return not person.only_councils and job.council in person.councils and job.borough.name.lower() in text
    if "mile" in text and "away" in text:
        if text.startswith("under a mile"):
            return miles < 1
        number = re.search(r"(\d+) miles? away", text)
        return number is not None and abs(int(number.group(1)) - miles) <= 0.51 and miles <= person.commute + 0.5
    # Practice.
    if text.endswith("not one of your practice areas") or text.endswith("not one of their practice areas"):
        return _area_named(text) == job.area and job.area not in person.areas
    if text.startswith("related experience in"):
        area = _area_named(text)
        return area is not None and area in person.areas and area != job.area
    if text.endswith(" experience") and not text.startswith(("related", "your", "their")):
        area = _area_named(text)
        return area == job.area and area in person.areas
    # Level.
    if text.startswith("a step up to"):
        level = _LEVEL_BY_LABEL.get(text.removeprefix("a step up to ").strip())
        return level == job.level and _step(person, job) > 0
    if text.startswith("a step down to"):
        named, _, rest = text.removeprefix("a step down to ").partition(":")
        level = _LEVEL_BY_LABEL.get(named.strip())
        considered = ("would consider" in rest and "not" not in rest) or not rest
        return level == job.level and _step(person, job) < 0 and (person.step_down or not considered)
    if text in ("an asye post", "in their asye", "in your asye"):
        return job.level == "nqsw" and (person.asye or person.level in ("nqsw", "student"))
    if text in _LEVEL_BY_LABEL:
        return _LEVEL_BY_LABEL[text] == job.level == person.level
    if text in CONTRACT_LABELS.values():
        return CONTRACT_LABELS[job.contract] == text and (not person.contracts or job.contract in person.contracts)
    if text in ("available now", "within a month"):
        return text == "available now"  # everyone in the judged set is available now
    # What was written: a similarity phrase is only true when the practice agrees (issue 16).
    if "matches the advert" in text or "similar to" in text:
        return job.area in person.areas
    return None


def false_reasons(reasons: list[str], person: Person, job: Job) -> tuple[list[str], list[str]]:
    """(the reasons that are false for this pair, the reasons of a kind the checker does not know)."""
    false, unknown = [], []
    for reason in reasons:
        verdict = check_reason(reason, person, job)
        if verdict is False:
            false.append(reason)
        elif verdict is None:
            unknown.append(reason)
    return false, unknown


# --- measures ---------------------------------------------------------------------------------------------


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at(shown: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k of what was shown against the best order of everything graded (ungraded: 0)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if not ideal:
        return 1.0 if not shown else 0.0
    return dcg([grades.get(i, 0) for i in shown[:k]]) / ideal


def precision_at(shown: list[str], grades: dict[str, int], k: int = 10, relevant: int = 2) -> float:
    """Of the (at most k) results shown, the share graded good fit or ideal. Showing nothing when something
    relevant exists scores 0; showing nothing when nothing does scores 1 (nothing was wrong to show)."""
    top = shown[:k]
    if not top:
        return 0.0 if any(g >= relevant for g in grades.values()) else 1.0
    return sum(1 for i in top if grades.get(i, 0) >= relevant) / len(top)


def precision_at_fixed(shown: list[str], grades: dict[str, int], k: int = 10, relevant: int = 2) -> float:
    """The textbook P@k: relevant among the top k, over k (capped by how many relevant the pool holds)."""
    possible = min(k, sum(1 for g in grades.values() if g >= relevant))
    if not possible:
        return 1.0
    return sum(1 for i in shown[:k] if grades.get(i, 0) >= relevant) / possible
