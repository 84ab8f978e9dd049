"""Which figures each workforce chart draws; the geometry is in webapp/web/charts.py."""
from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from domain import workforce as wf
from domain.workforce import Quarter, ReasonGroup
from webapp.services.workforce.glidepaths import GlidepathPoint
from webapp.services.workforce.reasons import ReasonsSummary
from webapp.web.charts import LineChart, PairedBars, line_chart, paired_bars


def _axis_label(quarter: Quarter) -> str:
    # The axis splits the label at the non-breaking space: year above, quarter below.
    return quarter.label.replace(" ", "\u00a0")


def trend_chart(points: Sequence[tuple[Quarter, wf.Measures]]) -> LineChart:
    return line_chart(
        "Vacancy, agency and turnover rates by quarter",
        [_axis_label(q) for q, _ in points],
        [("Vacancy rate", [m.vacancy.percent() for _, m in points]),
         ("Agency rate", [m.agency.percent() for _, m in points]),
         ("Turnover rate (12 months)", [m.turnover.percent() if m.turnover else None for _, m in points])],
    )


def glidepath_chart(path: Sequence[GlidepathPoint],
                    title: str = "Glidepath: target against actual FTE") -> LineChart | None:
    if not path:
        return None
    return line_chart(
        title,
        [_axis_label(p.quarter) for p in path],
        [("Permanent target", [p.check.permanent_target for p in path]),
         ("Permanent actual", [p.check.permanent_actual for p in path]),
         ("Agency target", [p.check.agency_target for p in path]),
         ("Agency actual", [p.check.agency_actual for p in path])],
        unit="", dashed=[True, False, True, False],
    )


def reason_bars(summary: ReasonsSummary) -> PairedBars:
    """Two bars per reason group: share of leavers (FTE) and share of declined offers."""
    leavers_total = summary.leavers_total
    declines_total = Decimal(summary.declines_total)
    return paired_bars("Why people leave and why offers are declined, share by reason", [
        (group.label, wf.Rate(summary.leavers_by_group[group], leavers_total).percent(1),
         wf.Rate(Decimal(summary.declines_by_group[group]), declines_total).percent(1))
        for group in ReasonGroup])
