"""What a /jobs query string asks for, read in plain Python.

The one reading of a job search's parameters: the /jobs page's form shows what this reads (and
puts each error beside its field), and saved searches and job alerts, which run with no request,
re-read a stored query string through it, so a saved search means exactly what the page showed.

``parse`` returns the criteria and the problems by parameter name, in the order the page shows
its fields, each with the message the person sees. Unknown parameters (tracking tags, say) are
ignored; a known one whose value we cannot use is a problem, never silently dropped. For a
parameter that takes one value, the first one given wins.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

from domain.vocabulary import (
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SubRegion,
    WorkingPattern,
)
from webapp.search.places import DEFAULT_MILES, DISTANCE_CHOICES, Place, resolve_place
from webapp.search.query import (
    MAX_KEYWORDS_LENGTH,
    MAX_PAGE,
    MAX_SALARY,
    Near,
    SearchQuery,
    Sort,
)


@dataclass(frozen=True)
class Facet:
    """A filter of ticked boxes: its parameter, the criteria (and SearchQuery) attribute it
    fills, what the page calls it, and the vocabulary its values come from (None for councils,
    whose choices come from the database and are passed in)."""

    param: str
    attr: str
    label: str
    vocabulary: type[StrEnum] | None

    def choices(self, council_choices: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
        """(value, label) for each box."""
        return list(council_choices) if self.vocabulary is None else self.vocabulary.choices()


# In the order the page shows them.
FACETS: tuple[Facet, ...] = (
    Facet("council", "councils", "Council", None),
    Facet("sub_region", "sub_regions", "Part of London", SubRegion),
    Facet("role_level", "role_levels", "Role level", RoleLevel),
    Facet("service_area", "service_areas", "Service area", ServiceArea),
    Facet("contract_type", "contract_types", "Contract", ContractType),
    Facet("working_pattern", "working_patterns", "Working pattern", WorkingPattern),
    Facet("hybrid", "hybrid_patterns", "Hybrid working", HybridPattern),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}

# Labels that also appear in messages, so the page and the messages say the same thing.
PROTECTED_NQSW_LABEL = "Protected caseload for newly qualified social workers"
FUNDED_DEVELOPMENT_LABEL = "Funded training and development"
CLOSING_AFTER_LABEL = "Closing on or after"

# A tick box sent by GET: these mean ticked, nothing means not ticked, anything else is a mistake.
TICKED = frozenset({"y", "yes", "true", "1", "on"})

KEYWORDS_TOO_LONG = f"Search words must be {MAX_KEYWORDS_LENGTH} characters or fewer"
SALARY_MESSAGE = (f"Minimum salary must be a whole number of pounds between 0 and {MAX_SALARY:,}, "
                  f"like 40000")
MAX_CASELOAD_MESSAGE = "Maximum caseload must be a number of children from 1 to 100"
PLACE_MESSAGE = "Enter a London borough or postcode district, like Hackney or SE15"
MILES_MESSAGE = "Choose a distance from the list"
SORT_MESSAGE = "Sort by most relevant, newest, highest salary, closing soonest or nearest first"
PAGE_MESSAGE = f"Page must be a whole number from 1 to {MAX_PAGE}, like 2"


def not_a_choice_message(facet: Facet, value: str) -> str:
    return f"‘{value[:40]}’ is not a {facet.label.lower()} you can filter by. Choose from the list."


@dataclass(frozen=True)
class JobSearchCriteria:
    """A job search as the person asked for it. Read with errors, it holds what could be read
    (the words and boxes as sent, None for a number that is not one), for showing back."""

    keywords: str = ""
    councils: tuple[str, ...] = ()
    sub_regions: tuple[str, ...] = ()
    role_levels: tuple[str, ...] = ()
    service_areas: tuple[str, ...] = ()
    contract_types: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    hybrid_patterns: tuple[str, ...] = ()
    salary: int | None = None
    max_caseload: int | None = None
    protected_nqsw: bool = False
    funded_development: bool = False
    # The place's key (borough slug or postcode district) when we know it, else what was typed, tidied.
    near: str = ""
    place: Place | None = None
    miles: int = DEFAULT_MILES
    closing_after: dt.date | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1

    def to_query(self, per_page: int) -> SearchQuery:
        """The search as the engines take it (SearchQuery checks it again)."""
        place = self.place
        return SearchQuery(
            keywords=self.keywords,
            **{facet.attr: getattr(self, facet.attr) for facet in FACETS},
            salary_min=self.salary,
            max_caseload=self.max_caseload,
            protected_nqsw_caseload=self.protected_nqsw,
            funded_development=self.funded_development,
            near=None if place is None else Near(place.latitude, place.longitude, float(self.miles),
                                                 label=place.label),
            closing_after=self.closing_after,
            sort=self.sort,
            page=self.page,
            per_page=per_page,
        )

    def chosen_filters(self, council_choices: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
        """(parameter, value, what it reads as) for each filter set: the page's "remove filter"
        links, and a saved search's description. A value we have no name for reads as itself."""
        chosen = []
        council_choices = list(council_choices)
        for facet in FACETS:
            labels = dict(facet.choices(council_choices))
            for value in getattr(self, facet.attr):
                chosen.append((facet.param, value, f"{facet.label}: {labels.get(value, value)}"))
        if self.salary is not None:
            chosen.append(("salary", str(self.salary), f"Salary at least £{self.salary:,}"))
        if self.max_caseload is not None:
            chosen.append(("max_caseload", str(self.max_caseload), f"Caseload at most {self.max_caseload} children"))
        if self.protected_nqsw:
            chosen.append(("protected_nqsw", "y", "Protected NQSW caseload"))
        if self.funded_development:
            chosen.append(("funded_development", "y", "Funded development"))
        if self.place is not None:
            chosen.append(("near", self.near, f"Within {self.miles} miles of {self.place.label}"))
        if self.closing_after:
            chosen.append(("closing_after", self.closing_after.isoformat(),
                           f"Closing on or after {self.closing_after:%-d %B %Y}"))
        return chosen

    def filter_count(self) -> int:
        """How many filters are chosen: the n of the page's "Filter (n)" button."""
        return len(self.chosen_filters(()))

    def normalised(self) -> str:
        """The search's parameters in one canonical order, without page or sort (an alert always
        lists the newest jobs), so the same search saved twice is recognised as one."""
        pairs: list[tuple[str, str]] = []
        if self.keywords:
            pairs.append(("q", self.keywords))
        for facet in FACETS:
            pairs.extend((facet.param, value) for value in sorted(set(getattr(self, facet.attr))))
        if self.salary is not None:
            pairs.append(("salary", str(self.salary)))
        if self.max_caseload is not None:
            pairs.append(("max_caseload", str(self.max_caseload)))
        if self.protected_nqsw:
            pairs.append(("protected_nqsw", "y"))
        if self.funded_development:
            pairs.append(("funded_development", "y"))
        if self.place is not None:
            pairs.extend([("near", self.place.key), ("miles", str(self.miles))])
        if self.closing_after:
            pairs.append(("closing_after", self.closing_after.isoformat()))
        return urlencode(pairs)


# Every parameter a /jobs query string can carry (others, like tracking tags, are ignored).
SEARCH_PARAMETERS = frozenset({
    "q", *FACETS_BY_PARAM, "salary", "max_caseload", "protected_nqsw", "funded_development", "near", "miles",
    "closing_after", "sort", "page",
})

# Removing one of these takes its other parameters with it: a distance is a place and a radius,
# so removing it must drop both (dropping only the radius would narrow to the default 5 miles).
_REMOVED_TOGETHER = {"near": ("near", "miles")}


def without_filter(pairs: Iterable[tuple[str, str]], param: str, value: str) -> list[tuple[str, str]]:
    """A query string's pairs with one chosen filter (from ``chosen_filters``) taken out, and back
    on page 1. A tick-box filter loses only that box; any other filter loses its whole parameter,
    whatever was typed for it (a place typed "Camden" is chosen as "camden"), so removing a filter
    always widens the search and never touches another one."""
    if param in FACETS_BY_PARAM:
        return [(k, v) for k, v in pairs if not (k == param and v == value) and k != "page"]
    dropped = {*_REMOVED_TOGETHER.get(param, (param,)), "page"}
    return [(k, v) for k, v in pairs if k not in dropped]


# --- reading one parameter's text; a value that cannot be used raises ValueError with the message ---

def keywords(text: str) -> str:
    """Runs of spaces, tabs and new lines read as one space."""
    return " ".join(text.split())


def whole_number(text: str, minimum: int, maximum: int, message: str) -> int | None:
    """A whole number typed as text: "£40,000" reads as 40000; nothing typed is None."""
    text = re.sub(r"[\s,£]", "", text)
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,9}", text) or not minimum <= int(text) <= maximum:
        raise ValueError(message)
    return int(text)


def ticked(text: str, label: str) -> bool:
    value = text.strip().lower()
    if value and value not in TICKED:
        raise ValueError(f"{label} can only be ticked or not ticked")
    return bool(value)


def place_words(text: str) -> str:
    """What was typed for a place, tidied: single spaces, at most 60 characters."""
    return keywords(text)[:60]


def iso_date(text: str, label: str) -> dt.date | None:
    """A date in a link (YYYY-MM-DD), as saved searches and alerts write it; nothing is None."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label} must be a date like 2026-12-31") from None


def one_of(text: str, allowed: Iterable[str], default: str, message: str) -> str:
    """One option from a list; nothing chosen is the default."""
    value = text or default
    if value not in allowed:
        raise ValueError(message)
    return value


_MILES = [str(m) for m in DISTANCE_CHOICES]
_SORTS = [s.value for s in Sort]


def parse(pairs: Iterable[tuple[str, str]],
          council_choices: Iterable[tuple[str, str]]) -> tuple[JobSearchCriteria, dict[str, str]]:
    """The criteria a query string's (name, value) pairs ask for, and the problems by parameter
    name in the page's field order (empty if there are none)."""
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        given.setdefault(name, []).append(value)
    council_choices = list(council_choices)
    problems: dict[str, str] = {}

    def first(name: str) -> str:
        return given.get(name, [""])[0]

    def read(name: str, reader, *args, otherwise=None):
        try:
            return reader(first(name), *args)
        except ValueError as problem:
            problems[name] = str(problem)
            return otherwise

    # Read in the page's field order, so the problems come in that order.
    words = keywords(first("q"))
    if len(words) > MAX_KEYWORDS_LENGTH:
        problems["q"] = KEYWORDS_TOO_LONG
    facets: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        chosen = tuple(given.get(facet.param, ()))
        allowed = {value for value, _ in facet.choices(council_choices)}
        unknown = [value for value in chosen if value not in allowed]
        if unknown:
            problems[facet.param] = not_a_choice_message(facet, unknown[0])
        facets[facet.attr] = chosen
    salary = read("salary", whole_number, 0, MAX_SALARY, SALARY_MESSAGE)
    max_caseload = read("max_caseload", whole_number, 1, 100, MAX_CASELOAD_MESSAGE)
    protected_nqsw = read("protected_nqsw", ticked, PROTECTED_NQSW_LABEL, otherwise=False)
    funded_development = read("funded_development", ticked, FUNDED_DEVELOPMENT_LABEL, otherwise=False)
    near = place_words(first("near"))
    place = resolve_place(near) if near else None
    if near and place is None:
        problems["near"] = PLACE_MESSAGE
    # A distance or order not on the list reads as the default (the problem says what is wrong).
    miles = read("miles", one_of, _MILES, str(DEFAULT_MILES), MILES_MESSAGE, otherwise=str(DEFAULT_MILES))
    closing_after = read("closing_after", iso_date, CLOSING_AFTER_LABEL)
    sort = read("sort", one_of, _SORTS, Sort.RELEVANCE.value, SORT_MESSAGE, otherwise=Sort.RELEVANCE.value)
    page = read("page", whole_number, 1, MAX_PAGE, PAGE_MESSAGE)
    search = JobSearchCriteria(
        keywords=words,
        **facets,
        salary=salary,
        max_caseload=max_caseload,
        protected_nqsw=protected_nqsw,
        funded_development=funded_development,
        near=place.key if place is not None else near,
        place=place,
        miles=int(miles),
        closing_after=closing_after,
        sort=Sort(sort),
        page=page or 1,
    )
    return search, problems
