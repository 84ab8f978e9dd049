"""Chart geometry for server-drawn SVG: scales, ticks, points, bars; pure functions, no Flask.

Every position is a percentage of the plot's box, and the SVGs that draw them have no viewBox: the
browser stretches the plot to its container while text keeps the pixel size the stylesheet gives it
(charts.css), so axis labels are as readable on a 375 px phone as on a desktop. (A viewBox scales text
with the drawing: a 640-wide chart squeezed to 345 px turns 12 px labels into 6 px ones.)
"""
from __future__ import annotations

import math
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
NICE_STEPS = tuple(Decimal(s) for s in ("1", "2", "5", "10", "20", "25", "50", "100", "200", "500", "1000", "2000",
                                        "2500", "5000", "10000", "20000", "25000", "50000", "100000"))
MAX_TICKS = 6
# Labels on the x axis: as many as fit at 16 px, every label on a desktop up to this many.
NARROW_LABELS = 5  # a phone (under 641 px)
WIDE_LABELS = 12
X_INSET = 4.0  # percent of the plot kept clear at each end so the first and last labels are not cut off


@dataclass(frozen=True)
class Tick:
    y: float  # percent from the top of the plot
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float  # percent from the left of the plot
    lines: tuple[str, ...]
    narrow: bool  # shown on a phone
    wide: bool  # shown on a wider screen

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    lines: list[Segment]  # an unbroken run of values is drawn as line segments between its points
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    y: float
    height: float
    value: Decimal | int | float


@dataclass
class LineChart:
    title: str
    labels: list[str]
    summary: str = ""
    series: list[Series] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    label_points: list[AxisLabel] = field(default_factory=list)
    unit: str = "%"


@dataclass
class ColumnChart:
    """Columns side by side for each period, one colour per series (for time series of counts)."""

    title: str
    summary: str
    series: list[tuple[str, str, list[Column]]] = field(default_factory=list)  # (name, colour, columns)
    ticks: list[Tick] = field(default_factory=list)
    label_points: list[AxisLabel] = field(default_factory=list)


def nice_step(top: Decimal) -> Decimal:
    """The smallest round step that reaches ``top`` in at most six ticks."""
    for step in NICE_STEPS:
        if top / step <= MAX_TICKS:
            return step
    return (top / MAX_TICKS).to_integral_value(rounding=ROUND_CEILING)


def scale_top(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    """The top of the y axis (a whole number of steps at or above the largest value) and the step."""
    top = max(values, default=Decimal("1")) or Decimal("1")
    step = nice_step(top)
    return ((top / step).to_integral_value(rounding=ROUND_CEILING) or 1) * step, step


def _pct(value: float) -> float:
    return round(value, 2)


def _ticks(top_value: Decimal, step: Decimal, unit: str) -> list[Tick]:
    ticks, tick = [], Decimal("0")
    while tick <= top_value:
        ticks.append(Tick(_pct(100 - float(tick / top_value) * 100), f"{tick.normalize():,f}{unit}"))
        tick += step
    return ticks


def _every(count: int, at_most: int) -> int:
    return max(1, math.ceil(count / at_most))


def axis_labels(labels: Sequence[str], xs: Sequence[float]) -> list[AxisLabel]:
    """Labels under the plot, split into lines at a non-breaking space; on a phone only every few are
    shown (the first always), so 16 px text never overlaps."""
    narrow, wide = _every(len(labels), NARROW_LABELS), _every(len(labels), WIDE_LABELS)
    return [AxisLabel(x, tuple(label.split("\u00a0")), i % narrow == 0, i % wide == 0)
            for i, (label, x) in enumerate(zip(labels, xs))]


def _x_positions(count: int) -> list[float]:
    if count == 1:
        return [50.0]
    return [_pct(X_INSET + (100 - 2 * X_INSET) * i / (count - 1)) for i in range(count)]


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None]]],
               unit: str = "%", dashed: Sequence[bool] | None = None, summary: str = "") -> LineChart:
    """Points of each series mapped into the plot; a None breaks the line rather than dropping to zero."""
    chart = LineChart(title, list(labels), summary=summary or title, unit=unit)
    top_value, step = scale_top([v for _, points in series for v in points if v is not None])
    xs = _x_positions(len(labels))
    chart.ticks = _ticks(top_value, step, unit)
    for index, (name, points) in enumerate(series):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        runs, current = [], []
        for i, v in enumerate(points):
            if v is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append((xs[i], _pct(100 - float(v / top_value) * 100)))
        if current:
            runs.append(current)
        chart.series.append(Series(
            name=name, colour=style["colour"],
            dash=(TARGET_DASH if dashed[index] else "") if dashed else style["dash"],
            lines=[Segment(*a, *b) for run in runs for a, b in zip(run, run[1:])],
            dots=[pt for run in runs for pt in run],
        ))
    chart.label_points = axis_labels(labels, xs)
    return chart


def _summary(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | float]]]) -> str:
    """What a screen reader hears for the chart: its span and, per series, the total and the highest."""
    if not labels:
        return f"{title}: no figures"
    names = [label.replace("\u00a0", " ") for label in labels]
    parts = []
    for name, values in series:
        values = [v or 0 for v in values]
        peak = max(range(len(values)), key=lambda i: values[i]) if values else 0
        parts.append(f"{name}: {sum(values):,} in all, most in {names[peak]} ({values[peak]:,})" if values
                     else f"{name}: none")
    return f"{title}, {names[0]} to {names[-1]}. " + "; ".join(parts)


def column_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | float]]],
                 summary: str = "") -> ColumnChart:
    """One column per period for each series, grouped, on a scale from zero."""
    chart = ColumnChart(title, summary or _summary(title, labels, series))
    top_value, step = scale_top([Decimal(str(v)) for _, values in series for v in values])
    chart.ticks = _ticks(top_value, step, "")
    count = max(len(labels), 1)
    slot = 100 / count
    width = slot * 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        columns = []
        for i, v in enumerate(values):
            height = float(Decimal(str(v or 0)) / top_value) * 100
            columns.append(Column(_pct(i * slot + slot * 0.1 + index * width), _pct(width),
                                  _pct(100 - height), _pct(height), v or 0))
        chart.series.append((name, SERIES_STYLES[index % len(SERIES_STYLES)]["colour"], columns))
    chart.label_points = axis_labels(labels, [_pct(i * slot + slot / 2) for i in range(len(labels))])
    return chart


@dataclass(frozen=True)
class PairedBar:
    label: str
    first: Decimal | None
    second: Decimal | None
    first_w: float  # percent of the plot's width
    second_w: float


@dataclass
class PairedBars:
    """Two horizontal bars per row (shares in percent), each row's label on a line above its bars."""

    title: str
    rows: list[PairedBar]


# 100% reaches this far across, leaving room after the longest bar for its figure.
PAIRED_FULL_WIDTH = 80.0


def paired_bars(title: str, rows: Sequence[tuple[str, Decimal | None, Decimal | None]]) -> PairedBars:
    return PairedBars(title, [PairedBar(label, first, second,
                                        _pct(float(first or 0) * PAIRED_FULL_WIDTH / 100),
                                        _pct(float(second or 0) * PAIRED_FULL_WIDTH / 100))
                              for label, first, second in rows])


@dataclass(frozen=True)
class GapBar:
    """One measure's distance from its target, as a bar from the centre line (percent of the plot)."""

    name: str
    gap: Decimal | None  # actual minus target, as a percentage of the target
    behind: bool
    x: float
    width: float

    @property
    def figure(self) -> str:
        """'+4.2%', '−12.0%' (a real minus sign), '0.0%'."""
        if self.gap is None:
            return ""
        sign = "+" if self.gap > 0 else "−" if self.gap < 0 else ""
        return f"{sign}{abs(self.gap).quantize(Decimal('0.1'))}%"


@dataclass(frozen=True)
class GapRow:
    label: str
    bars: list[GapBar]


@dataclass
class GapChart:
    """A diverging bar chart: each row's distance from its path, left of the centre below, right above."""

    title: str
    summary: str
    rows: list[GapRow]
    scale: Decimal  # the furthest either side of the centre line, in percent

    @property
    def scale_text(self) -> str:
        return f"{self.scale.normalize():f}"


GAP_HALF_WIDTH = 46.0  # percent of the plot from the centre line to the end of the scale (room for the figure)


def gap_chart(title: str, rows: Sequence[tuple[str, Sequence[tuple[str, Decimal | None, bool]]]],
              summary: str = "") -> GapChart:
    """``rows`` are (label, [(measure, gap in percent or None, behind?)]); every row shares one scale,
    rounded up to a whole step, so a bar's length compares across councils."""
    largest = max((abs(g) for _, bars in rows for _, g, _ in bars if g is not None), default=Decimal("0"))
    scale, _ = scale_top([largest]) if largest else (Decimal("10"), Decimal("5"))
    built = []
    for label, bars in rows:
        out = []
        for name, gap, behind in bars:
            length = float(abs(gap) / scale) * GAP_HALF_WIDTH if gap is not None else 0.0
            x = 50.0 - length if gap is not None and gap < 0 else 50.0
            out.append(GapBar(name, gap, behind, _pct(x), _pct(length)))
        built.append(GapRow(label, out))
    return GapChart(title, summary or title, built, scale)


MIN_BAR_PERCENT = 0.5  # a small non-zero figure still shows as a sliver, never as nothing


def bar_percentages(values: Sequence[float | int | None]) -> list[float]:
    """Each bar's width as a percentage of the largest value; None counts as zero."""
    top = max([v for v in (value or 0 for value in values) if isinstance(v, (int, float))] + [0])
    widths = []
    for value in values:
        width = (100.0 * (value or 0) / top) if top else 0
        widths.append(width if width == 0 or width >= MIN_BAR_PERCENT else MIN_BAR_PERCENT)
    return widths
