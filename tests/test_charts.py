"""Chart geometry (webapp/web/charts.py) on its own: scales, ticks, points in the viewBox, gaps and bar widths."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from webapp.web.charts import bar_percentages, line_chart, nice_step, paired_bars, scale_top


@pytest.mark.parametrize("top, step", [(D("4"), D("1")), (D("6"), D("1")), (D("7"), D("2")), (D("23"), D("5")),
                                       (D("31"), D("10")), (D("140"), D("25")), (D("5999"), D("1000")),
                                       (D("7000"), D("5000"))])
def test_nice_step_reaches_the_top_in_at_most_six_ticks(top, step):
    assert nice_step(top) == step


def test_scale_top_rounds_up_to_a_whole_step():
    assert scale_top([D("3"), D("23.4")]) == (D("25"), D("5"))
    assert scale_top([D("20")]) == (D("20"), D("5"))


def test_an_empty_or_all_zero_series_still_has_an_axis():
    assert scale_top([]) == (D("1"), D("1"))
    assert scale_top([D("0")]) == (D("1"), D("1"))
    chart = line_chart("Nothing yet", [], [("Vacancy rate", [])])
    assert [t.label for t in chart.ticks] == ["0%", "1%"]
    assert chart.series[0].segments == [] and chart.series[0].dots == []
    assert chart.label_points == []


def test_points_are_mapped_into_the_plot_area():
    chart = line_chart("Rates", ["2025-26\u00a0Q1", "2025-26\u00a0Q2", "2025-26\u00a0Q3"],
                       [("Vacancy rate", [D("0"), D("10"), D("20")])])
    # The plot runs from x 52 to 606 and from y 220 (zero) up to 12 (the top of the scale, 20).
    (series,) = chart.series
    assert series.dots == [(52.0, 220.0), (329.0, 116.0), (606.0, 12.0)]
    assert series.segments == ["52.0,220.0 329.0,116.0 606.0,12.0"]
    assert [p.x for p in chart.label_points] == [52.0, 329.0, 606.0]
    # Ticks from zero at the bottom to the top of the scale, labelled with the unit.
    assert [(t.y, t.label) for t in chart.ticks] == [
        (220.0, "0%"), (168.0, "5%"), (116.0, "10%"), (64.0, "15%"), (12.0, "20%")]


def test_a_missing_value_breaks_the_line_instead_of_dropping_to_zero():
    chart = line_chart("Turnover", ["a", "b", "c", "d", "e"],
                       [("Turnover rate", [D("5"), D("6"), None, D("8"), None])], unit="")
    (series,) = chart.series
    assert len(series.segments) == 2
    assert len(series.segments[0].split()) == 2 and len(series.segments[1].split()) == 1
    assert len(series.dots) == 3
    assert all(t.label[-1].isdigit() for t in chart.ticks)  # no unit


def test_series_styles_and_dashed_targets():
    chart = line_chart("Glidepath", ["a", "b"], [("Target", [D("1"), D("2")]), ("Actual", [D("1"), D("2")])],
                       unit="", dashed=[True, False])
    assert [s.dash for s in chart.series] == ["6 4", ""]
    assert chart.series[0].colour != chart.series[1].colour


def test_paired_bars_rows_and_widths():
    bars = paired_bars("Reasons", [("Pay", D("50.0"), D("25.0")), ("Other", None, D("100.0"))])
    assert bars.height == 8 + 2 * 44
    assert [(r.y, r.first_w, r.second_w) for r in bars.rows] == [(8, 180.0, 90.0), (52, 0.0, 360.0)]
    assert bars.rows[1].first is None


def test_bar_percentages_scale_to_the_largest_and_keep_small_bars_visible():
    assert bar_percentages([10, 5, 0, None]) == [100.0, 50.0, 0, 0]
    assert bar_percentages([1000, 1]) == [100.0, 0.5]
    assert bar_percentages([]) == []
    assert bar_percentages([None, 0]) == [0, 0]
    assert bar_percentages([2.5, 10.0]) == [25.0, 100.0]
