"""Chart geometry (webapp/web/charts.py) on its own: scales, ticks, points in percentages of the plot, gaps and bar widths."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from webapp.web.charts import bar_percentages, column_chart, gap_chart, line_chart, nice_step, paired_bars, scale_top


@pytest.mark.parametrize("top, step", [(D("4"), D("1")), (D("6"), D("1")), (D("7"), D("2")), (D("23"), D("5")),
                                       (D("31"), D("10")), (D("140"), D("25")), (D("5999"), D("1000")),
                                       (D("7000"), D("2000")), (D("70000"), D("20000"))])
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
    assert chart.series[0].lines == [] and chart.series[0].dots == []
    assert chart.label_points == []


def test_points_are_placed_in_percentages_of_the_plot():
    chart = line_chart("Rates", ["2025-26\u00a0Q1", "2025-26\u00a0Q2", "2025-26\u00a0Q3"],
                       [("Vacancy rate", [D("0"), D("10"), D("20")])])
    # x runs from 4% to 96% (clear of the edges for the labels); y from 100% (zero) up to 0% (the top, 20).
    (series,) = chart.series
    assert series.dots == [(4.0, 100.0), (50.0, 50.0), (96.0, 0.0)]
    assert [(l.x1, l.y1, l.x2, l.y2) for l in series.lines] == [(4.0, 100.0, 50.0, 50.0), (50.0, 50.0, 96.0, 0.0)]
    assert [p.x for p in chart.label_points] == [4.0, 50.0, 96.0]
    assert chart.label_points[0].lines == ("2025-26", "Q1")
    # Ticks from zero at the bottom to the top of the scale, labelled with the unit.
    assert [(t.y, t.label) for t in chart.ticks] == [
        (100.0, "0%"), (75.0, "5%"), (50.0, "10%"), (25.0, "15%"), (0.0, "20%")]


def test_a_single_point_sits_in_the_middle():
    chart = line_chart("One quarter", ["Q1"], [("Rate", [D("4")])])
    assert chart.series[0].dots == [(50.0, 0.0)]


def test_a_missing_value_breaks_the_line_instead_of_dropping_to_zero():
    chart = line_chart("Turnover", ["a", "b", "c", "d", "e"],
                       [("Turnover rate", [D("5"), D("6"), None, D("8"), None])], unit="")
    (series,) = chart.series
    assert len(series.lines) == 1  # a to b; d stands alone as a dot
    assert len(series.dots) == 3
    assert all(t.label[-1].isdigit() for t in chart.ticks)  # no unit


def test_series_styles_and_dashed_targets():
    chart = line_chart("Glidepath", ["a", "b"], [("Target", [D("1"), D("2")]), ("Actual", [D("1"), D("2")])],
                       unit="", dashed=[True, False])
    assert [s.dash for s in chart.series] == ["6 4", ""]
    assert chart.series[0].colour != chart.series[1].colour


def test_axis_labels_thin_out_on_a_phone_so_16px_text_never_overlaps():
    days = [f"{n}\u00a0Oct" for n in range(1, 31)]
    chart = column_chart("Job views by day", days, [("Job views", list(range(30)))])
    narrow = [p.text for p in chart.label_points if p.narrow]
    wide = [p.text for p in chart.label_points if p.wide]
    assert narrow == ["1 Oct", "7 Oct", "13 Oct", "19 Oct", "25 Oct"]
    assert len(wide) == 10 and wide[0] == "1 Oct"
    quarters = line_chart("Rates", [f"Q{n}" for n in range(8)], [("Rate", [D(1)] * 8)]).label_points
    assert sum(p.narrow for p in quarters) == 4 and all(p.wide for p in quarters)


def test_columns_share_a_scale_from_zero_and_sit_inside_their_slot():
    chart = column_chart("Applied and hires", ["a", "b"], [("Applied", [10, 0]), ("Hires", [5, 2])])
    (_, _, applied), (_, _, hires) = chart.series
    assert [(c.x, c.width, c.y, c.height) for c in applied] == [(5.0, 20.0, 0.0, 100.0), (55.0, 20.0, 100.0, 0.0)]
    assert [(c.x, c.height) for c in hires] == [(25.0, 50.0), (75.0, 20.0)]
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6", "8", "10"]
    assert "Applied: 10 in all, most in a (10)" in chart.summary


def test_paired_bars_rows_and_widths():
    bars = paired_bars("Reasons", [("Pay", D("50.0"), D("25.0")), ("Other", None, D("100.0"))])
    assert [(r.first_w, r.second_w) for r in bars.rows] == [(40.0, 20.0), (0.0, 80.0)]
    assert bars.rows[1].first is None


def test_gap_chart_shares_one_scale_and_diverges_from_the_centre():
    chart = gap_chart("Gaps", [("Barnet", [("Permanent", D("-12"), True), ("Agency", None, False)]),
                               ("Camden", [("Permanent", D("3"), False), ("Agency", D("25"), True)])])
    assert chart.scale == D("25")
    barnet, camden = chart.rows
    below, missing = barnet.bars
    assert (below.x, below.width, below.figure) == (27.92, 22.08, "−12.0%")  # left of the centre line
    assert (missing.width, missing.figure) == (0.0, "")
    assert (camden.bars[1].x, camden.bars[1].width, camden.bars[1].figure) == (50.0, 46.0, "+25.0%")


def test_bar_percentages_scale_to_the_largest_and_keep_small_bars_visible():
    assert bar_percentages([10, 5, 0, None]) == [100.0, 50.0, 0, 0]
    assert bar_percentages([1000, 1]) == [100.0, 0.5]
    assert bar_percentages([]) == []
    assert bar_percentages([None, 0]) == [0, 0]
    assert bar_percentages([2.5, 10.0]) == [25.0, 100.0]
