"""Every workforce CSV: measures, trends, the census and agency returns, placements, reasons and glidepaths."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Sequence

from domain import workforce as wf
from domain.workforce import Quarter, ReasonGroup
from webapp.models import Organisation
from webapp.services.spreadsheets import write_csv
from webapp.services.workforce.agency import PlacementRow, agency_summary
from webapp.services.workforce.glidepaths import GlidepathPoint
from webapp.services.workforce.measures import AreaMeasures, SnapshotStore, councils, figures_of, quarters_with_data
from webapp.services.workforce.reasons import ReasonsSummary


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    return write_csv([header, *rows])


def _rate_cells(rate: wf.Rate | None) -> list[Any]:
    if rate is None:
        return ["", "", ""]
    percent = rate.percent()
    return [rate.numerator, rate.denominator, "" if percent is None else percent]


MEASURE_COLUMNS = ("vacancy_rate", "agency_rate", "turnover_rate", "permanency", "asye_retention")


def measures_csv_header() -> list[str]:
    header = ["area", "area_type", "quarter", "councils_reporting"]
    for name, (num, den) in (
        ("vacancy_rate", ("vacancies_fte", "vacancies_plus_permanent_fte")),
        ("agency_rate", ("agency_fte", "agency_plus_permanent_fte")),
        ("turnover_rate", ("permanent_leavers_fte_in_year", "permanent_fte_at_quarter_end")),
        ("permanency", ("permanent_fte", "establishment_fte")),
        ("asye_retention", ("asye_retained_12_months", "asye_cohort")),
    ):
        header += [f"{name}_{num}", f"{name}_{den}", f"{name}_percent"]
    return header


def measures_csv_row(area: AreaMeasures, quarter: Quarter) -> list[Any]:
    m = area.measures
    row: list[Any] = [area.name, area.kind, quarter.label, area.reporting]
    for rate in (m.vacancy, m.agency, m.turnover, m.permanency, m.asye_retention):
        row += _rate_cells(rate)
    return row


def measures_csv(areas: Sequence[AreaMeasures], quarter: Quarter) -> str:
    return _csv(measures_csv_header(), [measures_csv_row(a, quarter) for a in areas])


def trend_csv(name: str, points: Sequence[tuple[Quarter, wf.Measures]]) -> str:
    header = measures_csv_header()
    rows = [measures_csv_row(AreaMeasures(name, "trend", m, reporting=m.figures.councils), q) for q, m in points]
    return _csv(header, rows)


# The annual children's social work workforce census (DfE), local-authority level, at 30 September.
CENSUS_COLUMNS: tuple[str, ...] = (
    "la_name", "census_date", "census_year",
    "permanent_sw_fte", "permanent_sw_headcount", "agency_sw_fte", "agency_sw_headcount",
    "agency_bank_fte", "agency_project_team_fte", "vacancies_fte", "vacancy_rate",
    "agency_rate", "starters_fte_in_year", "leavers_fte_in_year", "turnover_rate",
    "caseholding_sw_fte", "cases_held", "average_caseload", "establishment_fte",
)


def census_rows(organisation: Organisation, years: Sequence[int]) -> list[list[Any]]:
    rows = []
    for year in years:
        quarter = wf.census_quarter(year)
        store = SnapshotStore(quarter.year_ending(), [organisation.id])
        snapshot = store.get(organisation.id, quarter)
        if snapshot is None:
            continue
        m = store.measures([organisation.id], quarter)
        year_rows = [store.get(organisation.id, q) for q in quarter.year_ending()]
        starters = sum((s.starters_fte for s in year_rows if s), Decimal("0")) if all(year_rows) else None
        caseload = None
        if snapshot.cases_held is not None and snapshot.caseholding_posts_fte:
            caseload = (Decimal(snapshot.cases_held) / snapshot.caseholding_posts_fte).quantize(Decimal("0.1"))
        rows.append([
            organisation.name, quarter.end.isoformat(), f"{year}",
            snapshot.permanent_fte, snapshot.permanent_headcount, snapshot.agency_fte, snapshot.agency_headcount,
            snapshot.agency_bank_fte, snapshot.agency_project_fte, snapshot.vacancies_fte, m.vacancy.percent(),
            m.agency.percent(), starters, m.leavers_in_year_fte, m.turnover.percent() if m.turnover else None,
            snapshot.caseholding_posts_fte, snapshot.cases_held, caseload, snapshot.establishment_fte,
        ])
    return rows


def census_csv(organisation: Organisation, years: Sequence[int]) -> str:
    return _csv(CENSUS_COLUMNS, census_rows(organisation, years))


def region_census_csv(year: int) -> str:
    """Every council's census figures for one census year, one row per council."""
    return _csv(CENSUS_COLUMNS, [row for organisation in councils() for row in census_rows(organisation, [year])])


def census_year_of(quarter: Quarter) -> int:
    """The year of the latest census date (30 September, the end of Q2) on or before the end of ``quarter``."""
    return quarter.year if quarter.number >= 2 else quarter.year - 1


def census_years(organisation: Organisation) -> list[int]:
    """The census years for which this council reported the census quarter, newest first."""
    return sorted({q.year for q in quarters_with_data([organisation.id]) if q.number == 2}, reverse=True)


# The quarterly agency return: agency use, rates against the cap, spend and conversions for one quarter.
AGENCY_RETURN_COLUMNS: tuple[str, ...] = (
    "la_name", "quarter", "quarter_start", "quarter_end",
    "agency_fte", "agency_bank_fte", "agency_project_team_fte", "permanent_fte", "agency_rate",
    "placements_active", "placements_over_cap", "placements_no_cap", "cooling_off_flags",
    "estimated_agency_spend", "conversions", "conversion_rate", "median_days_to_convert",
    "annual_saving_from_conversions",
)


def agency_return_rows(organisation: Organisation, quarters: Sequence[Quarter]) -> list[list[Any]]:
    rows = []
    store = SnapshotStore(quarters, [organisation.id])
    for quarter in quarters:
        snapshot = store.get(organisation.id, quarter)
        summary = agency_summary([organisation.id], quarter.start, quarter.end)
        rate = wf.agency_rate(figures_of(snapshot)) if snapshot else None
        rows.append([
            organisation.name, quarter.label, quarter.start.isoformat(), quarter.end.isoformat(),
            snapshot.agency_fte if snapshot else None, snapshot.agency_bank_fte if snapshot else None,
            snapshot.agency_project_fte if snapshot else None, snapshot.permanent_fte if snapshot else None,
            rate.percent() if rate else None,
            summary.active_placements, summary.over_cap, summary.no_cap, summary.cooling_off_flags,
            summary.spend, summary.conversions, summary.conversion_rate.percent(), summary.median_days_to_convert,
            summary.annual_saving,
        ])
    return rows


def agency_return_csv(organisation: Organisation, quarters: Sequence[Quarter]) -> str:
    return _csv(AGENCY_RETURN_COLUMNS, agency_return_rows(organisation, quarters))


PLACEMENT_COLUMNS = ("id", "role_level", "team", "agency", "start_on", "end_on", "day_rate", "fte", "day_rate_cap",
                     "within_cap", "estimated_spend_to_date", "cooling_off_until", "converted_on", "conversion_source",
                     "days_to_convert", "annual_saving")


def placements_csv(rows: Sequence[PlacementRow]) -> str:
    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    return _csv(PLACEMENT_COLUMNS, [[
        r.placement.id, r.placement.role_level.label, r.placement.team, r.placement.agency_name,
        r.placement.start_on.isoformat(), r.placement.end_on.isoformat() if r.placement.end_on else "",
        r.placement.day_rate, r.placement.fte, r.cap, yes_no(r.within_cap), r.spend_to_date,
        r.placement.cooling_off_until.isoformat() if r.placement.cooling_off_until else "",
        r.conversion.converted_on.isoformat() if r.conversion else "",
        r.conversion.source.label if r.conversion else "", r.days_to_convert,
        r.saving.saving if r.saving else "",
    ] for r in rows])


def reasons_csv(summary: ReasonsSummary) -> str:
    rows = [[g.label, summary.leavers_by_group[g], summary.declines_by_group[g]] for g in ReasonGroup]
    return _csv(("reason_group", "leavers_fte", "offers_declined"), rows)


def glidepath_csv(points: Sequence[GlidepathPoint]) -> str:
    return _csv(
        ("quarter", "permanent_fte_target", "permanent_fte_actual", "agency_fte_target", "agency_fte_actual", "behind"),
        [[p.quarter.label, p.check.permanent_target, p.check.permanent_actual, p.check.agency_target,
          p.check.agency_actual, "" if not p.check.has_actual else ("yes" if p.check.behind else "no")]
         for p in points])
