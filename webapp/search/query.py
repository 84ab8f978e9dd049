"""What a job search asks for and what it gets back: the same types for every engine.

Engines receive a validated ``SearchQuery`` and return a ``SearchResult`` holding vacancy ids
(the database supplies the rows), highlight snippets as safe HTML, a total and facet counts.
Keyword handling that must behave the same in every engine (splitting the words, the
profession's abbreviations, words that carry no meaning on a jobs board) also lives here.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

from domain.vocabulary import (
    ABBREVIATIONS,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SubRegion,
    WorkingPattern,
)

MAX_KEYWORDS_LENGTH = 200
MAX_PER_PAGE = 100
MAX_SALARY = 500_000
MAX_MILES = 50
# Deep pages are never useful to a person and are expensive for Elasticsearch (from + size).
MAX_PAGE = 500


class InvalidSearch(ValueError):
    """A search that cannot be run as asked; the message is meant for the person searching."""


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    CLOSING = "closing"
    NEAREST = "nearest"  # only with a place; without one it reads as newest (effective_sort)

    @property
    def label(self) -> str:
        return SORT_LABELS[self]


SORT_LABELS = {
    Sort.RELEVANCE: "Most relevant",
    Sort.NEWEST: "Newest",
    Sort.SALARY: "Highest salary",
    Sort.CLOSING: "Closing soonest",
    Sort.NEAREST: "Nearest first",
}

# Filters that are also facets: the SearchQuery attribute, the document field it filters on,
# and the vocabulary its values must come from (None: values are checked by the caller,
# e.g. council slugs come from the database).
FACETS: dict[str, tuple[str, type | None]] = {
    "councils": ("organisation_slug", None),
    "sub_regions": ("sub_region", SubRegion),
    "role_levels": ("role_level", RoleLevel),
    "service_areas": ("service_area", ServiceArea),
    "contract_types": ("contract_type", ContractType),
    "working_patterns": ("working_pattern", WorkingPattern),
    "hybrid_patterns": ("hybrid_pattern", HybridPattern),
}


@dataclass(frozen=True)
class Near:
    """A point to measure distance from (a borough now; a postcode district later) and a radius."""

    latitude: float
    longitude: float
    miles: float
    label: str = ""


@dataclass(frozen=True)
class SearchQuery:
    keywords: str = ""
    # Facet filters: a vacancy matches if its value is any of those chosen (OR within a facet,
    # AND across facets).
    councils: tuple[str, ...] = ()
    sub_regions: tuple[str, ...] = ()
    role_levels: tuple[str, ...] = ()
    service_areas: tuple[str, ...] = ()
    contract_types: tuple[str, ...] = ()
    working_patterns: tuple[str, ...] = ()
    hybrid_patterns: tuple[str, ...] = ()
    # Range and promise filters.
    salary_min: int | None = None  # the job can pay at least this (its band's top reaches it)
    closing_after: dt.date | None = None  # closing on or after this day
    # First published at or after this moment (naive UTC): what a job alert asks for, so that
    # "new since the last alert" is decided by the engine, before paging and counting.
    published_since: dt.datetime | None = None
    max_caseload: int | None = None  # a stated maximum caseload of at most this many children
    protected_nqsw_caseload: bool = False
    funded_development: bool = False
    near: Near | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = 20
    # The day liveness is judged on; None means today. Lets tests and alerts ask "as of".
    as_of: dt.date | None = None
    # Only the page's ids (in order) and the total: no facet counts, no highlighted text. Job alerts
    # ask for nothing else, and the facets were most of a search's time (issue 15).
    ids_only: bool = False

    def __post_init__(self) -> None:
        if len(self.keywords) > MAX_KEYWORDS_LENGTH:
            raise InvalidSearch(f"Search words must be {MAX_KEYWORDS_LENGTH} characters or fewer.")
        for name, (_, vocabulary) in FACETS.items():
            values = getattr(self, name)
            if isinstance(values, (str, list)):
                object.__setattr__(self, name, tuple([values] if isinstance(values, str) else values))
            if vocabulary is not None:
                allowed = {m.value for m in vocabulary}
                unknown = [v for v in getattr(self, name) if v not in allowed]
                if unknown:
                    raise InvalidSearch(f"Unknown {name.replace('_', ' ')}: {', '.join(map(str, unknown))}.")
        if not isinstance(self.sort, Sort):
            try:
                object.__setattr__(self, "sort", Sort(self.sort))
            except ValueError:
                raise InvalidSearch(f"Sort by one of: {', '.join(s.value for s in Sort)}.") from None
        if self.salary_min is not None and not 0 <= self.salary_min <= MAX_SALARY:
            raise InvalidSearch(f"Salary must be between £0 and £{MAX_SALARY:,}.")
        if self.max_caseload is not None and not 1 <= self.max_caseload <= 100:
            raise InvalidSearch("Maximum caseload must be between 1 and 100 children.")
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidSearch(f"Page must be between 1 and {MAX_PAGE}.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidSearch(f"Show between 1 and {MAX_PER_PAGE} jobs a page.")
        if self.near is not None and not 0 < self.near.miles <= MAX_MILES:
            raise InvalidSearch(f"Distance must be more than 0 and at most {MAX_MILES} miles.")
        if self.published_since is not None and self.published_since.tzinfo is not None:
            # Documents hold naive UTC times, compared as text in SQLite: one form for both.
            object.__setattr__(self, "published_since",
                               self.published_since.astimezone(dt.UTC).replace(tzinfo=None))

    @property
    def published_since_text(self) -> str | None:
        """``published_since`` as the documents write times (ISO 8601 to the second)."""
        return self.published_since.isoformat(timespec="seconds") if self.published_since else None

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def facet_filters(self) -> dict[str, tuple[str, ...]]:
        """The facet filters that are set, by SearchQuery attribute name."""
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}

    @property
    def pins_featured(self) -> bool:
        """Featured jobs go first unless the user chose an order of their own."""
        return self.sort == Sort.RELEVANCE

    @property
    def effective_sort(self) -> Sort:
        """Relevance means nothing without keywords, nor nearest without a place: then the
        newest jobs come first."""
        if self.sort == Sort.RELEVANCE and not keyword_terms(self.keywords):
            return Sort.NEWEST
        if self.sort == Sort.NEAREST and self.near is None:
            return Sort.NEWEST
        return self.sort


@dataclass(frozen=True)
class Hit:
    vacancy_id: int
    # Field name -> safe HTML: the engine escapes the text and wraps matches in <mark>.
    highlights: dict[str, str] = field(default_factory=dict)
    score: float | None = None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    # SearchQuery facet attribute -> [(value, count)], most common first. Each facet's counts
    # apply every filter except its own (disjunctive faceting), so they say what ticking one
    # more box in that group would add.
    facets: dict[str, list[tuple[str, int]]]
    page: int = 1
    per_page: int = 20
    # Set when a misspelt word was replaced by a word from the index: what was searched instead.
    corrected_keywords: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def ids(self) -> list[int]:
        return [h.vacancy_id for h in self.hits]

    def facet_counts(self, name: str) -> dict[str, int]:
        return dict(self.facets.get(name, []))


# --- Keywords ---------------------------------------------------------------------------

# Words that say nothing on a jobs board where every document is a job; requiring them to
# match (all words must) would only hide jobs.
NOISE_WORDS = frozenset(
    "a an and the in of for to at on with or by from near as is are be job jobs vacancy vacancies role roles".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Term:
    """One thing every result must contain: a word or quoted phrase, or one of its expansions."""

    text: str  # as the person typed it (lower case); a phrase if it contains spaces
    alternatives: tuple[str, ...] = ()  # from ABBREVIATIONS: any one of these also satisfies it

    @property
    def is_phrase(self) -> bool:
        return " " in self.text

    @property
    def is_abbreviation(self) -> bool:
        return bool(self.alternatives)

    @property
    def any_of(self) -> tuple[str, ...]:
        return (self.text, *self.alternatives)


def words(text: str) -> list[str]:
    """Split text into lower-case words the way both engines' analyzers do (letters and digits)."""
    return [w.replace("’", "'") for w in _TOKEN.findall(text.lower())]


def suggestion_words(typed: str) -> list[str]:
    """The words of a half-typed search box, the last one a prefix; none until it has two letters."""
    typed_words = words(typed)
    return typed_words if typed_words and len(typed_words[-1]) >= 2 else []


def keyword_terms(keywords: str) -> list[Term]:
    """The terms of a keyword search: quoted phrases kept whole, noise words dropped,
    abbreviations carrying their expansions (from the one list in domain.vocabulary)."""
    terms: list[Term] = []
    seen: set[str] = set()
    phrases = _PHRASE.findall(keywords)
    rest = _PHRASE.sub(" ", keywords)
    for phrase in phrases:
        phrase_words = words(phrase)
        if len(phrase_words) > 1:
            text = " ".join(phrase_words)
            if text not in seen:
                seen.add(text)
                terms.append(Term(text))
        else:
            rest += " " + " ".join(phrase_words)
    for word in words(rest):
        if word in NOISE_WORDS or word in seen:
            continue
        seen.add(word)
        expansions = tuple(" ".join(words(e)) for e in ABBREVIATIONS.get(word, ()))
        terms.append(Term(word, expansions))
    return terms
