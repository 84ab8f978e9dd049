"""Which figures each workforce chart draws; the geometry is in webapp/web/charts.py."""
from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from domain import workforce as wf
from domain.workforce import Quarter, ReasonGroup
from webapp.services.workforce.glidepaths import GlidepathPoint
from webapp.services.workforce.reasons import ReasonsSummary
from webapp.models import Organisation
from webapp.web.charts import GapChart, LineChart, PairedBars, gap_chart, line_chart, paired_bars


def _axis_label(quarter: Quarter) -> str:
    # The axis splits the label at the non-breaking space: year above, quarter below.
    return quarter.label[2:].replace(" ", "\u00a0")  # "25-26 Q1": short enough for twelve quarters


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


def _gap(actual: Decimal | None, target: Decimal) -> Decimal | None:
    """Actual minus target as a percentage of the target (None with no target to measure against)."""
    if actual is None or not target:
        return None
    return (actual - target) / target * 100


def glidepath_gaps(checks: Sequence[tuple[Organisation, wf.GlidepathCheck]], quarter: Quarter) -> GapChart | None:
    """Each council's distance from its own path this quarter: permanent FTE below its target, or agency
    FTE above it, is the wrong side. On one scale, so a small council's miss shows as plainly as a large one's."""
    if not checks:
        return None
    behind = sum(1 for _, check in checks if check.behind)
    return gap_chart(
        f"Each council's distance from its glidepath, {quarter.label} (actual FTE against target)",
        [(org.name, [("Permanent", _gap(check.permanent_actual, check.permanent_target), check.permanent_behind),
                     ("Agency", _gap(check.agency_actual, check.agency_target), check.agency_behind)])
         for org, check in checks],
        summary=f"For {len(checks)} councils with a target and figures for {quarter.label}, permanent and agency FTE "
                f"as a percentage above or below the target; {behind} behind",
    )


def reason_bars(summary: ReasonsSummary) -> PairedBars:
    """Two bars per reason group: share of leavers (FTE) and share of declined offers."""
    leavers_total = summary.leavers_total
    declines_total = Decimal(summary.declines_total)
    return paired_bars("Why people leave and why offers are declined, share by reason", [
        (group.label, wf.Rate(summary.leavers_by_group[group], leavers_total).percent(1),
         wf.Rate(Decimal(summary.declines_by_group[group]), declines_total).percent(1))
        for group in ReasonGroup])
