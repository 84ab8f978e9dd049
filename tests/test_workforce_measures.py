"""The workforce formulas on their own (domain/workforce.py): no app, no database."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from domain import workforce as wf
from domain.vocabulary import OfferDeclineReason
from domain.workforce import LeavingReason, Quarter, ReasonGroup, WorkforceFigures


def figures(**values) -> WorkforceFigures:
    return WorkforceFigures(**{k: D(str(v)) if k.endswith("_fte") else v for k, v in values.items()})


COUNCIL_A = figures(establishment_fte="100", permanent_fte="80", agency_fte="15", vacancies_fte="20")
COUNCIL_B = figures(establishment_fte="53.5", permanent_fte="41.25", agency_fte="9.5", vacancies_fte="12.25")


def test_rates_to_two_decimal_places_with_the_figures_behind_them():
    assert wf.vacancy_rate(COUNCIL_B).percent() == D("22.90")
    assert (wf.vacancy_rate(COUNCIL_B).numerator, wf.vacancy_rate(COUNCIL_B).denominator) == (D("12.25"), D("53.50"))
    assert wf.agency_rate(COUNCIL_B).percent() == D("18.72")
    assert wf.agency_rate(COUNCIL_B).denominator == D("50.75")
    assert wf.permanency(COUNCIL_B).percent() == D("77.10")
    assert wf.agency_rate(COUNCIL_A).percent() == D("15.79")


def test_a_group_adds_figures_then_divides_never_averages_rates():
    north = wf.add_figures([COUNCIL_A, COUNCIL_B])
    assert north.councils == 2
    assert north.vacancies_fte == D("32.25") and north.permanent_fte == D("121.25")
    assert wf.vacancy_rate(north).percent() == D("21.01")
    average_of_rates = (wf.vacancy_rate(COUNCIL_A).percent() + wf.vacancy_rate(COUNCIL_B).percent()) / 2
    assert average_of_rates == D("21.45")  # what averaging would wrongly publish


def test_nothing_is_rounded_before_dividing():
    # 1/3 of a post: exact as a fraction, rounded only when shown.
    rate = wf.Rate(D("1"), D("3"))
    assert rate.value == wf.Fraction(1, 3)
    assert rate.percent() == D("33.33") and rate.percent(4) == D("33.3333")
    assert wf.Rate(D("1"), D("8")).percent() == D("12.50")
    assert wf.Rate(D("1"), D("1600")).percent() == D("0.06")  # 0.0625 rounds half up
    assert wf.Rate(D("0"), D("0")).percent() is None


def test_turnover_uses_the_four_quarters_and_permanent_at_the_end():
    year = [[figures(leavers_fte=x, permanent_fte=p) for x, p in (("2", "70"), ("3", "75"), ("1.5", "78"), ("2.25", "80"))]]
    m = wf.measures(year[0][-1], year)
    assert m.leavers_in_year_fte == D("8.75")
    assert m.turnover.denominator == D("80")
    assert m.turnover.percent() == D("10.94")
    assert wf.measures(year[0][-1], []).turnover is None  # without a full year, no turnover


def test_asye_retention_counts_people_over_the_year():
    year = [[WorkforceFigures(asye_cohort_year_ago=c, asye_retained=r) for c, r in ((2, 2), (1, 1), (0, 0), (3, 2))]]
    m = wf.measures(year[0][-1], year)
    assert (m.asye_retained_in_year, m.asye_cohort_in_year) == (5, 6)
    assert m.asye_retention.percent() == D("83.33")


def test_financial_quarters_and_the_census_date():
    q = Quarter.parse("2025-26 Q2")
    assert (q.start, q.end, q.is_census_quarter) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30), True)
    assert Quarter.parse("2025-26-q4").start == dt.date(2026, 1, 1)
    assert [x.label for x in q.year_ending()] == ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2"]
    assert Quarter.containing(dt.date(2026, 3, 31)) == Quarter(2025, 4)
    assert wf.census_quarter(2025) == q
    for bad in ("2025 Q2", "2025-27 Q2", "2025-26 Q5", "", "Q2"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_working_days_leave_out_weekends_and_england_bank_holidays():
    assert wf.working_days(dt.date(2025, 4, 1), dt.date(2025, 6, 30)) == 61  # 65 weekdays, 4 bank holidays
    assert wf.working_days(dt.date(2025, 12, 22), dt.date(2026, 1, 2)) == 7
    assert wf.agency_cost(D("350"), D("1"), dt.date(2025, 4, 1), dt.date(2025, 6, 30)) == D("21350.00")
    assert wf.agency_cost(D("350"), D("0.5"), dt.date(2025, 4, 1), dt.date(2025, 6, 30)) == D("10675.00")


def test_conversion_saving_and_the_agency_premium():
    saving = wf.conversion_saving(D("350"), D("45000"), D("0.28"), D("1"), dt.date(2025, 6, 30))
    assert saving.working_days == 253  # 1 July 2025 to 30 June 2026
    assert saving.agency_cost == D("88550.00")
    assert saving.permanent_cost == D("57600.00")
    assert saving.saving == D("30950.00")
    assert saving.premium.percent(1) == D("53.7")


def test_cooling_off_period():
    left = dt.date(2025, 1, 10)
    assert wf.cooling_off_ends(left, 6) == dt.date(2025, 7, 10)
    assert wf.in_cooling_off(left, dt.date(2025, 7, 9), 6)
    assert not wf.in_cooling_off(left, dt.date(2025, 7, 10), 6)
    assert not wf.in_cooling_off(left, dt.date(2025, 1, 9), 6)  # placed before leaving
    assert wf.add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)


def test_glidepath_tolerance():
    on = wf.GlidepathCheck(D("100"), D("20"), D("98.5"), D("20.5"))  # within 2 FTE and 0.5 FTE
    assert not on.behind
    behind = wf.GlidepathCheck(D("100"), D("20"), D("97.99"), D("20"))
    assert behind.permanent_behind and behind.behind and not behind.agency_behind
    agency = wf.GlidepathCheck(D("100"), D("20"), D("100"), D("20.51"))
    assert agency.agency_behind
    assert not wf.GlidepathCheck(D("100"), D("20"), None, None).behind


def test_reasons_group_into_the_six_headings():
    assert wf.reason_group(LeavingReason.AGENCY_WORK) == ReasonGroup.PAY
    assert wf.reason_group(LeavingReason.RETIREMENT) == ReasonGroup.OTHER
    assert wf.reason_group(OfferDeclineReason.HOURS) == ReasonGroup.HOURS
    assert wf.reason_group(OfferDeclineReason.TRAVEL) == ReasonGroup.OTHER


def test_swe_numbers_are_kept_only_as_a_keyed_hash():
    key = wf.worker_key("sw 104527", "secret")
    assert key == wf.worker_key("SW104527", "secret") != wf.worker_key("SW104527", "other")
    assert "104527" not in key and len(key) == 64
    with pytest.raises(ValueError):
        wf.normalise_swe_number("104527")
    with pytest.raises(ValueError):
        wf.normalise_swe_number("SW١٢٣")  # Arabic-Indic digits: the rule takes ASCII digits only
