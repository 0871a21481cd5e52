"""Horizontal bar charts as server-side SVG geometry (pure: no Django). The template
``growth/_bar_chart.html`` draws what :func:`bar_chart` computes: no JavaScript, no inline
styles, a title, and the same figures as a table for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 600
LABEL_WIDTH = 190
VALUE_WIDTH = 50
BAR_HEIGHT = 18
GAP = 8


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    value_text: str
    y: float
    width: float
    text_y: float


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def bar_x(self) -> int:
        return self.label_width

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def empty(self) -> bool:
        return not any(bar.value > 0 for bar in self.bars)


def bar_chart(title: str, rows: Sequence[tuple[str, float, str]]) -> BarChart:
    """One bar per ``(label, value, value_text)``, scaled to the largest value."""
    largest = max((value for _, value, _ in rows), default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value, value_text) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = room * value / largest if largest > 0 else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                value_text=value_text,
                y=y,
                width=round(width, 1),
                text_y=y + BAR_HEIGHT * 0.72,
            )
        )
    height = GAP + len(rows) * (BAR_HEIGHT + GAP)
    return BarChart(title=title, bars=tuple(bars), height=height)
