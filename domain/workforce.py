"""Workforce stability measures, quarters, agency costs and reasons: the one place the formulas live.

Pure functions over FTE figures, no Flask and no database. Every figure is a Decimal (FTE to two
decimal places, as councils report it) and every rate is kept as an exact Fraction of the two
figures behind it: nothing is rounded until a rate is shown, and then only to two decimal places
of a percentage, half up.

Definitions (DfE children's social work workforce census, see DESIGN.md "Workforce measures"):

- vacancy rate   = vacancies FTE / (vacancies FTE + permanent social workers FTE)
- agency rate    = agency workers FTE / (agency workers FTE + permanent social workers FTE)
- turnover rate  = permanent leavers FTE in the year (the four quarters ending with the quarter
                   shown; at Q2 that is the census year to 30 September) / permanent FTE at the end
                   of that quarter (at Q2, the census date)
- permanency     = permanent FTE / establishment FTE
- ASYE retention = of the newly qualified social workers who started their ASYE in a quarter, the
                   share still employed by the council 12 months later, counted in people. A
                   quarter's snapshot carries the cohort that started four quarters earlier and how
                   many of them are still employed at the end of this quarter.

Quarters are financial quarters: Q1 April–June, Q2 July–September (ending on the census date,
30 September), Q3 October–December, Q4 January–March. "2025-26 Q2" is July–September 2025.
"""
from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
import statistics
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from hashlib import sha256
from typing import Iterable, Sequence

from domain.vocabulary import LabelledEnum, OfferDeclineReason

ZERO = Decimal("0")
FTE_PLACES = Decimal("0.01")
CENSUS_MONTH_DAY = (9, 30)  # the DfE census date, 30 September

# --- quarters ------------------------------------------------------------------------------------------------

_QUARTER_FORMAT = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})[\s_-]*Q([1-4])\s*$", re.IGNORECASE)
_QUARTER_FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter: ``year`` is the year the financial year starts (2025 for 2025-26)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4) or not 1900 < self.year < 2200:
            raise ValueError("not a financial quarter")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2025-26 Q2' (also '2025-26-q2', the form used in addresses); anything else is a ValueError."""
        match = _QUARTER_FORMAT.match(text or "")
        if not match:
            raise ValueError("Write the quarter as a financial year and quarter, like 2025-26 Q2")
        year, short_next, number = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if short_next != (year + 1) % 100:
            raise ValueError(f"{year}-{match.group(2)} is not a financial year: did you mean {year}-{(year + 1) % 100:02d}?")
        return cls(year, number)

    @classmethod
    def containing(cls, day: dt.date) -> "Quarter":
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def starting(cls, day: dt.date) -> "Quarter":
        quarter = cls.containing(day)
        if quarter.start != day:
            raise ValueError(f"{day} is not the first day of a financial quarter")
        return quarter

    @property
    def start(self) -> dt.date:
        month = _QUARTER_FIRST_MONTH[self.number]
        return dt.date(self.year + (1 if self.number == 4 else 0), month, 1)

    @property
    def end(self) -> dt.date:
        return self.shift(1).start - dt.timedelta(days=1)

    def shift(self, quarters: int) -> "Quarter":
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def year_ending(self) -> list["Quarter"]:
        """The four quarters ending with this one, oldest first (at Q2: the census year)."""
        return [self.shift(-3), self.shift(-2), self.shift(-1), self]

    @property
    def is_census_quarter(self) -> bool:
        return (self.end.month, self.end.day) == CENSUS_MONTH_DAY

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-q{self.number}"

    @property
    def months(self) -> str:
        first = self.start.month
        return f"{_MONTH_NAMES[first - 1]}–{_MONTH_NAMES[first + 1]} {self.start.year}"

    def __str__(self) -> str:
        return self.label


def census_quarter(year: int) -> Quarter:
    """The quarter ending on the census date 30 September ``year``."""
    return Quarter(year, 2)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    out, quarter = [], first
    while quarter <= last:
        out.append(quarter)
        quarter = quarter.shift(1)
    return out


# --- figures and rates -----------------------------------------------------------------------------------------


def fte(value: Decimal | int | str | None) -> Decimal:
    """An FTE figure as an exact Decimal (None counts as nothing)."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Rate:
    """A rate and the two figures behind it. The value is exact; only ``percent`` rounds."""

    numerator: Decimal
    denominator: Decimal

    @property
    def value(self) -> Fraction | None:
        if self.denominator == 0:
            return None
        return Fraction(self.numerator) / Fraction(self.denominator)

    def percent(self, places: int = 2) -> Decimal | None:
        """The rate as a percentage, rounded half up to ``places`` decimal places (only here)."""
        cache = self.__dict__.setdefault("_percent_cache", {})  # pages show each rate several times
        if places not in cache:
            cache[places] = self._percent(places)
        return cache[places]

    def _percent(self, places: int) -> Decimal | None:
        value = self.value
        if value is None:
            return None
        exact = value * 100
        quantum = Decimal(1).scaleb(-places)
        # Divide with enough digits that the single rounding below is the only one.
        as_decimal = Decimal(exact.numerator) / Decimal(exact.denominator) if exact.denominator != 1 \
            else Decimal(exact.numerator)
        return as_decimal.quantize(quantum, rounding=ROUND_HALF_UP)

    def percent_text(self, places: int = 2) -> str:
        value = self.percent(places)
        return "no data" if value is None else f"{value}%"


@dataclass(frozen=True)
class WorkforceFigures:
    """The FTE figures of one council (or a sum of councils) for one quarter."""

    establishment_fte: Decimal = ZERO
    permanent_fte: Decimal = ZERO
    agency_fte: Decimal = ZERO  # every agency worker, bank staff and project teams included
    agency_bank_fte: Decimal = ZERO  # of which bank staff
    agency_project_fte: Decimal = ZERO  # of which managed project teams
    vacancies_fte: Decimal = ZERO
    starters_fte: Decimal = ZERO  # permanent starters in the quarter
    leavers_fte: Decimal = ZERO  # permanent leavers in the quarter
    caseholding_posts_fte: Decimal = ZERO
    caseholding_permanent_fte: Decimal = ZERO
    asye_starters: int = 0  # people who started their ASYE in the quarter
    asye_cohort_year_ago: int = 0  # people who started their ASYE four quarters earlier
    asye_retained: int = 0  # of those, still employed at the end of the quarter
    councils: int = 1

    def __add__(self, other: "WorkforceFigures") -> "WorkforceFigures":
        return WorkforceFigures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def add_figures(figures: Iterable[WorkforceFigures]) -> WorkforceFigures:
    """Sum councils' FTE figures. A sub-region's or the region's rates are computed from these sums:
    rates are never averaged across councils, so a big council weighs as much as its workforce."""
    return functools.reduce(lambda a, b: a + b, figures, WorkforceFigures(councils=0))


def vacancy_rate(f: WorkforceFigures) -> Rate:
    return Rate(f.vacancies_fte, f.vacancies_fte + f.permanent_fte)


def agency_rate(f: WorkforceFigures) -> Rate:
    return Rate(f.agency_fte, f.agency_fte + f.permanent_fte)


def permanency(f: WorkforceFigures) -> Rate:
    return Rate(f.permanent_fte, f.establishment_fte)


def caseholding_permanency(f: WorkforceFigures) -> Rate:
    """Case-holding posts filled by permanent social workers (FTE)."""
    return Rate(f.caseholding_permanent_fte, f.caseholding_posts_fte)


def turnover_rate(leavers_in_year_fte: Decimal, permanent_at_end_fte: Decimal) -> Rate:
    return Rate(leavers_in_year_fte, permanent_at_end_fte)


def asye_retention(retained: int, cohort: int) -> Rate:
    return Rate(Decimal(retained), Decimal(cohort))


@dataclass(frozen=True)
class Measures:
    """Every published rate for one council, sub-region or the region in one quarter."""

    figures: WorkforceFigures
    vacancy: Rate
    agency: Rate
    permanency: Rate
    caseholding_permanency: Rate
    turnover: Rate | None  # None without all four quarters of leavers
    asye_retention: Rate | None  # over the year ending with the quarter; None without four quarters
    leavers_in_year_fte: Decimal | None = None
    asye_cohort_in_year: int | None = None
    asye_retained_in_year: int | None = None
    year_councils: int = 0  # councils with all four quarters, behind turnover and ASYE retention


def measures(quarter_figures: WorkforceFigures, year_figures: Sequence[Sequence[WorkforceFigures]] = ()) -> Measures:
    """The measures for a quarter.

    ``quarter_figures``: the (summed) figures of the quarter shown.
    ``year_figures``: for each council with all four quarters of the year ending with the quarter shown,
    its four quarters' figures (oldest first). Turnover and ASYE retention use only those councils, and
    for turnover the denominator is those councils' permanent FTE at the end of the quarter shown.
    """
    turnover = retention = None
    leavers = cohort = retained = None
    if year_figures:
        leavers = sum((q.leavers_fte for council in year_figures for q in council), ZERO)
        permanent_end = sum((council[-1].permanent_fte for council in year_figures), ZERO)
        turnover = turnover_rate(leavers, permanent_end)
        cohort = sum(q.asye_cohort_year_ago for council in year_figures for q in council)
        retained = sum(q.asye_retained for council in year_figures for q in council)
        retention = asye_retention(retained, cohort)
    return Measures(
        figures=quarter_figures,
        vacancy=vacancy_rate(quarter_figures),
        agency=agency_rate(quarter_figures),
        permanency=permanency(quarter_figures),
        caseholding_permanency=caseholding_permanency(quarter_figures),
        turnover=turnover,
        asye_retention=retention,
        leavers_in_year_fte=leavers,
        asye_cohort_in_year=cohort,
        asye_retained_in_year=retained,
        year_councils=len(year_figures),
    )


# --- leaving and declining: why a council loses people ---------------------------------------------------------


class LeavingReason(LabelledEnum):
    PAY = ("pay", "Pay")
    PROGRESSION = ("progression", "Career progression")
    WORKLOAD = ("workload", "Workload or caseload")
    HOURS = ("hours", "Hours or working pattern")
    WORK_LIFE_BALANCE = ("work_life_balance", "Work-life balance")
    AGENCY_WORK = ("agency_work", "Left for agency work")
    ANOTHER_COUNCIL = ("another_council", "Moved to another council")
    RELOCATION = ("relocation", "Moved away")
    RETIREMENT = ("retirement", "Retirement")
    LEFT_PROFESSION = ("left_profession", "Left social work")
    DISMISSAL = ("dismissal", "Dismissal or end of contract")
    OTHER = ("other", "Other")
    NOT_KNOWN = ("not_known", "Not known")


class ReasonGroup(LabelledEnum):
    PAY = ("pay", "Pay")
    PROGRESSION = ("progression", "Progression")
    WORKLOAD = ("workload", "Workload")
    HOURS = ("hours", "Hours")
    WORK_LIFE_BALANCE = ("work_life_balance", "Work-life balance")
    OTHER = ("other", "Other")


LEAVING_REASON_GROUP: dict[LeavingReason, ReasonGroup] = {
    LeavingReason.PAY: ReasonGroup.PAY,
    LeavingReason.AGENCY_WORK: ReasonGroup.PAY,  # agency work is chosen for the day rate
    LeavingReason.PROGRESSION: ReasonGroup.PROGRESSION,
    LeavingReason.ANOTHER_COUNCIL: ReasonGroup.PROGRESSION,
    LeavingReason.WORKLOAD: ReasonGroup.WORKLOAD,
    LeavingReason.HOURS: ReasonGroup.HOURS,
    LeavingReason.WORK_LIFE_BALANCE: ReasonGroup.WORK_LIFE_BALANCE,
}
DECLINE_REASON_GROUP: dict[OfferDeclineReason, ReasonGroup] = {
    OfferDeclineReason.PAY: ReasonGroup.PAY,
    OfferDeclineReason.AGENCY: ReasonGroup.PAY,
    OfferDeclineReason.PROGRESSION: ReasonGroup.PROGRESSION,
    OfferDeclineReason.WORKLOAD: ReasonGroup.WORKLOAD,
    OfferDeclineReason.HOURS: ReasonGroup.HOURS,
    OfferDeclineReason.WORK_LIFE_BALANCE: ReasonGroup.WORK_LIFE_BALANCE,
}


def reason_group(reason: LeavingReason | OfferDeclineReason) -> ReasonGroup:
    if isinstance(reason, LeavingReason):
        return LEAVING_REASON_GROUP.get(reason, ReasonGroup.OTHER)
    return DECLINE_REASON_GROUP.get(reason, ReasonGroup.OTHER)


# --- agency placements, conversions and costs ------------------------------------------------------------------


class ConversionSource(LabelledEnum):
    TEMP_TO_PERM_EVENT = ("temp_to_perm_event", "Temp-to-perm event")
    CAMPAIGN = ("campaign", "Recruitment campaign")
    DIRECT_APPROACH = ("direct_approach", "Direct approach")
    OTHER = ("other", "Other")


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # England's bank holidays; imported on first use (about 0.1 s), as few processes need it

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days(first: dt.date, last: dt.date) -> int:
    """Working days from ``first`` to ``last`` inclusive: Monday to Friday, less England's bank holidays."""
    if last < first:
        return 0
    total_days = (last - first).days + 1
    full_weeks, extra = divmod(total_days, 7)
    weekdays = full_weeks * 5 + sum(1 for i in range(extra) if (first + dt.timedelta(days=i)).weekday() < 5)
    holidays_on_weekdays = sum(
        1 for year in range(first.year, last.year + 1) for day in _bank_holidays(year)
        if first <= day <= last and day.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def overlap(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
    """The part of a placement (``end`` None: still running) inside [first, last], or None."""
    lo, hi = max(start, first), min(end or last, last)
    return (lo, hi) if lo <= hi else None


def agency_cost(day_rate: Decimal, fte_worked: Decimal, first: dt.date, last: dt.date) -> Decimal:
    """Estimated agency spend: day rate × FTE × working days. An upper estimate: it counts every
    working day, including any the worker took off unpaid."""
    return (day_rate * fte_worked * working_days(first, last)).quantize(FTE_PLACES, rounding=ROUND_HALF_UP)


def within_cap(day_rate: Decimal, cap: Decimal | None) -> bool | None:
    """Whether a day rate is within the regional agreed cap (None when no cap is set for the role)."""
    if cap is None:
        return None
    return day_rate <= cap


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month // 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def cooling_off_ends(left_on: dt.date, months: int) -> dt.date:
    """The first day a worker who left a permanent post on ``left_on`` may take agency work in the region."""
    return add_months(left_on, months)


def in_cooling_off(left_on: dt.date, placement_start: dt.date, months: int) -> bool:
    return left_on <= placement_start < cooling_off_ends(left_on, months)


@dataclass(frozen=True)
class ConversionSaving:
    """A year of the same post: agency cost against permanent cost, from the day after conversion."""

    first_day: dt.date
    last_day: dt.date
    working_days: int
    agency_cost: Decimal  # day rate × FTE × working days in the year
    permanent_cost: Decimal  # salary × FTE × (1 + on-costs)
    saving: Decimal
    premium: Rate  # agency cost over permanent cost, less one: the agency premium

    @property
    def premium_percent(self) -> Decimal | None:
        value = self.premium.value
        if value is None:
            return None
        return Rate(self.agency_cost - self.permanent_cost, self.permanent_cost).percent(1)


def conversion_saving(day_rate: Decimal, annual_salary: Decimal, on_cost_rate: Decimal, fte_worked: Decimal,
                      converted_on: dt.date) -> ConversionSaving:
    """Saving from converting one agency worker: the next 12 months of the post at the agency day rate,
    less the same 12 months at the permanent salary plus employer on-costs (NI and pension)."""
    first = converted_on + dt.timedelta(days=1)
    last = add_months(converted_on, 12)
    days = working_days(first, last)
    agency = (day_rate * fte_worked * days).quantize(FTE_PLACES, rounding=ROUND_HALF_UP)
    permanent = (annual_salary * fte_worked * (1 + on_cost_rate)).quantize(FTE_PLACES, rounding=ROUND_HALF_UP)
    return ConversionSaving(first, last, days, agency, permanent, agency - permanent,
                            Rate(agency - permanent, permanent))


def median_days(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values)))


# --- glidepaths ------------------------------------------------------------------------------------------------

# A council is behind its path when it misses a target by more than this: 2% of the target, and
# never less than half a post, so rounding in a small council's figures does not raise a flag.
GLIDEPATH_TOLERANCE_SHARE = Decimal("0.02")
GLIDEPATH_TOLERANCE_MIN_FTE = Decimal("0.5")


def glidepath_tolerance(target: Decimal) -> Decimal:
    return max(GLIDEPATH_TOLERANCE_MIN_FTE, (target * GLIDEPATH_TOLERANCE_SHARE).quantize(FTE_PLACES))


@dataclass(frozen=True)
class GlidepathCheck:
    permanent_target: Decimal
    agency_target: Decimal
    permanent_actual: Decimal | None
    agency_actual: Decimal | None

    @property
    def permanent_behind(self) -> bool:
        return self.permanent_actual is not None and \
            self.permanent_actual < self.permanent_target - glidepath_tolerance(self.permanent_target)

    @property
    def agency_behind(self) -> bool:
        return self.agency_actual is not None and \
            self.agency_actual > self.agency_target + glidepath_tolerance(self.agency_target)

    @property
    def behind(self) -> bool:
        return self.permanent_behind or self.agency_behind

    @property
    def has_actual(self) -> bool:
        return self.permanent_actual is not None


# --- the Social Work England number, kept only as a keyed hash ------------------------------------------------

SWE_NUMBER_FORMAT = re.compile(r"^SW[0-9]{1,8}$")  # ASCII digits only: \d also matches other scripts' digits


def normalise_swe_number(text: str) -> str:
    """'sw 104527' → 'SW104527'; a ValueError if it is not a Social Work England number."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    if not SWE_NUMBER_FORMAT.match(cleaned):
        raise ValueError("Enter a Social Work England number, like SW104527")
    return cleaned


def worker_key(swe_number: str, secret: str) -> str:
    """A keyed hash of a Social Work England number. The register of numbers is public, so a plain
    hash could be reversed by trying them all; with a key kept out of the database it cannot."""
    return hmac.new(secret.encode(), normalise_swe_number(swe_number).encode(), sha256).hexdigest()

