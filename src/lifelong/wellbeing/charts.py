"""Trend charts as server-side SVG geometry (pure: no Django). The template
``wellbeing/_chart.html`` draws what :func:`line_chart` computes: no JavaScript, no inline
styles (colours come from CSS classes), a title and a text table for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 600, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    day: date
    value: float
    label: str


@dataclass(frozen=True, slots=True)
class ChartBand:
    y: float
    height: float
    band: str  # low, moderate, high: a CSS class


@dataclass(frozen=True, slots=True)
class ChartTick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class ChartSeries:
    key: str  # a CSS class
    name: str
    points: tuple[ChartPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True, slots=True)
class LineChart:
    title: str
    width: int
    height: int
    series: tuple[ChartSeries, ...]
    bands: tuple[ChartBand, ...]
    ticks: tuple[ChartTick, ...]
    first_day: date | None
    last_day: date | None
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    axis_y: int = HEIGHT - BOTTOM

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left

    @property
    def empty(self) -> bool:
        return not any(series.points for series in self.series)


def line_chart(
    title: str,
    series: Sequence[tuple[str, str, Sequence[tuple[date, float]]]],
    y_min: float,
    y_max: float,
    bands: Sequence[tuple[float, float, str]] = (),
    ticks: int = 5,
) -> LineChart:
    """``series`` is (css key, name, [(day, value), …]); ``bands`` shade value ranges
    (lower, upper, band) behind the lines. Days are placed on a common time axis."""
    days = sorted({day for _, _, values in series for day, _ in values})
    first, last = (days[0], days[-1]) if days else (None, None)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    span = (last - first).days if first and last else 0

    def x_of(day: date) -> float:
        if not first or span == 0:
            return LEFT + plot_width / 2
        return LEFT + (day - first).days / span * plot_width

    def y_of(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return TOP + (y_max - clamped) / (y_max - y_min) * plot_height

    drawn = tuple(
        ChartSeries(
            key=key,
            name=name,
            points=tuple(
                ChartPoint(x_of(day), y_of(value), day, value, f"{name} {value:g} on {day}")
                for day, value in sorted(values)
            ),
        )
        for key, name, values in series
    )
    shaded = tuple(
        ChartBand(y=y_of(upper), height=y_of(lower) - y_of(upper), band=band)
        for lower, upper, band in bands
    )
    step = (y_max - y_min) / (ticks - 1) if ticks > 1 else y_max - y_min
    tick_marks = tuple(
        ChartTick(y=y_of(y_min + index * step), label=f"{y_min + index * step:g}")
        for index in range(ticks)
    )
    return LineChart(title, WIDTH, HEIGHT, drawn, shaded, tick_marks, first, last)
