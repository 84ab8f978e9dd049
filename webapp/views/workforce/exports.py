"""Every workforce CSV download, for the region and for one council."""
from __future__ import annotations

from webapp.models import Organisation
from webapp.services.workforce import exports
from webapp.services.workforce.agency import placement_rows
from webapp.services.workforce.glidepaths import glidepath
from webapp.services.workforce.measures import (
    councils,
    latest_quarter_with_data,
    quarters_with_data,
    region_breakdown,
    trend,
)
from webapp.services.workforce.reasons import reasons_summary
from webapp.views.workforce.common import (
    TREND_QUARTERS,
    census_year_arg,
    council_page,
    current_quarter,
    quarter_arg,
    region_required,
    today,
)
from webapp.web.downloads import csv_download


@region_required
def areas_csv():
    quarter = quarter_arg(latest_quarter_with_data() or current_quarter())
    region, subs, rows = region_breakdown(quarter)
    return csv_download(exports.measures_csv([region, *subs, *rows], quarter), f"workforce-{quarter.slug}.csv")


@region_required
def region_trend_csv():
    quarter = quarter_arg(latest_quarter_with_data() or current_quarter())
    points = trend([o.id for o in councils()], quarter, TREND_QUARTERS)
    return csv_download(exports.trend_csv("Region", points), f"workforce-trend-{quarter.slug}.csv")


@region_required
def region_reasons_csv():
    quarter = quarter_arg(latest_quarter_with_data() or current_quarter())
    summary = reasons_summary([o.id for o in councils()], quarter.year_ending())
    return csv_download(exports.reasons_csv(summary), f"workforce-reasons-{quarter.slug}.csv")


@region_required
def region_census_csv():
    """Every council's census figures for one census year (30 September), one row per council."""
    year = census_year_arg()
    if year is None:
        year = exports.census_year_of(latest_quarter_with_data() or current_quarter())
    return csv_download(exports.region_census_csv(year), f"workforce-census-{year}.csv")


@council_page
def council_trend_csv(organisation: Organisation):
    quarter = quarter_arg(latest_quarter_with_data([organisation.id]) or current_quarter())
    points = trend([organisation.id], quarter, TREND_QUARTERS)
    return csv_download(exports.trend_csv(organisation.name, points), f"{organisation.slug}-workforce-trend.csv")


@council_page
def council_reasons_csv(organisation: Organisation):
    quarter = quarter_arg(latest_quarter_with_data([organisation.id]) or current_quarter())
    summary = reasons_summary([organisation.id], quarter.year_ending())
    return csv_download(exports.reasons_csv(summary), f"{organisation.slug}-reasons-{quarter.slug}.csv")


@council_page
def census_csv(organisation: Organisation):
    year = census_year_arg()
    years = [year] if year is not None else exports.census_years(organisation)
    return csv_download(exports.census_csv(organisation, years), f"{organisation.slug}-workforce-census.csv")


@council_page
def agency_return_csv(organisation: Organisation):
    quarter = quarter_arg(None)
    quarters = [quarter] if quarter is not None else sorted(quarters_with_data([organisation.id]))
    return csv_download(exports.agency_return_csv(organisation, quarters), f"{organisation.slug}-agency-return.csv")


@council_page
def placements_csv(organisation: Organisation):
    return csv_download(exports.placements_csv(placement_rows(organisation, today())),
                        f"{organisation.slug}-agency-placements.csv")


@council_page
def glidepath_csv(organisation: Organisation):
    return csv_download(exports.glidepath_csv(glidepath(organisation)), f"{organisation.slug}-glidepath.csv")
