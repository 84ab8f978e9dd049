"""Chart geometry for server-drawn SVG: scales, ticks, line and bar positions; pure functions, no Flask."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Sequence

# Colour and dash both tell series apart, so a chart still reads in greyscale or for colour-blind readers.
SERIES_STYLES = (
    {"colour": "#1d70b8", "dash": ""},
    {"colour": "#d4351c", "dash": "6 4"},
    {"colour": "#00703c", "dash": "2 3"},
    {"colour": "#6f3f8b", "dash": "10 3 2 3"},
)
TARGET_DASH = "6 4"
NICE_STEPS = tuple(Decimal(s) for s in ("1", "2", "5", "10", "20", "25", "50", "100", "200", "500", "1000"))
MAX_TICKS = 6


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    segments: list[str]  # SVG polyline points, one string per unbroken run of values
    dots: list[tuple[float, float]]


@dataclass
class LineChart:
    title: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    label_points: list[AxisLabel] = field(default_factory=list)
    width: int = 640
    height: int = 260
    left: int = 52
    bottom: int = 40
    top: int = 12
    right: int = 34
    unit: str = "%"


def nice_step(top: Decimal) -> Decimal:
    """The smallest round step that reaches ``top`` in at most six ticks."""
    for step in NICE_STEPS:
        if top / step <= MAX_TICKS:
            return step
    return Decimal("5000")


def scale_top(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """The top of the y axis (a whole number of steps at or above the largest value) and the step."""
    top = max(values, default=Decimal("1")) or Decimal("1")
    step = nice_step(top)
    return ((top / step).to_integral_value(rounding=ROUND_CEILING) or 1) * step, step


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None]]],
               unit: str = "%", dashed: Sequence[bool] | None = None) -> LineChart:
    """Points of each series mapped into the plot; a None breaks the line rather than dropping to zero."""
    chart = LineChart(title, list(labels), unit=unit)
    top_value, step = scale_top([v for _, points in series for v in points if v is not None])
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom
    n = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(chart.left + plot_w * i / n, 1)

    def y(v: Decimal) -> float:
        return round(chart.top + plot_h - float(v / top_value) * plot_h, 1)

    tick = Decimal("0")
    while tick <= top_value:
        chart.ticks.append(Tick(y(tick), f"{tick.normalize():f}{unit}"))
        tick += step
    for index, (name, points) in enumerate(series):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        segments, current = [], []
        for i, v in enumerate(points):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x(i), y(v)))
        if current:
            segments.append(current)
        chart.series.append(Series(
            name=name, colour=style["colour"],
            dash=(TARGET_DASH if dashed[index] else "") if dashed else style["dash"],
            segments=[" ".join(f"{px},{py}" for px, py in seg) for seg in segments],
            dots=[pt for seg in segments for pt in seg],
        ))
    chart.label_points = [AxisLabel(x(i), label) for i, label in enumerate(labels)]
    return chart


@dataclass(frozen=True)
class PairedBar:
    label: str
    y: int
    first: Decimal | None
    second: Decimal | None
    first_w: float
    second_w: float


@dataclass
class PairedBars:
    """Two horizontal bars per row (shares in percent), drawn in a fixed-width viewBox."""

    title: str
    rows: list[PairedBar]
    height: int


PAIRED_ROW_HEIGHT = 44
PAIRED_TOP = 8
PAIRED_SCALE = 3.6  # pixels per percentage point: 100% fills 360 of the 560-wide viewBox after the labels


def paired_bars(title: str, rows: Sequence[tuple[str, Decimal | None, Decimal | None]]) -> PairedBars:
    bars = [PairedBar(label, PAIRED_TOP + i * PAIRED_ROW_HEIGHT, first, second,
                      float(first or 0) * PAIRED_SCALE, float(second or 0) * PAIRED_SCALE)
            for i, (label, first, second) in enumerate(rows)]
    return PairedBars(title, bars, PAIRED_TOP + len(bars) * PAIRED_ROW_HEIGHT)


MIN_BAR_PERCENT = 0.5  # a small non-zero figure still shows as a sliver, never as nothing


def bar_percentages(values: Sequence[float | int | None]) -> list[float]:
    """Each bar's width as a percentage of the largest value; None counts as zero."""
    top = max([v for v in (value or 0 for value in values) if isinstance(v, (int, float))] + [0])
    widths = []
    for value in values:
        width = (100.0 * (value or 0) / top) if top else 0
        widths.append(width if width == 0 or width >= MIN_BAR_PERCENT else MIN_BAR_PERCENT)
    return widths
