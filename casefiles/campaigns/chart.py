"""Geometry of the supporters-over-time chart, drawn as SVG on the server (no script, no style attributes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 960, 300  # wide, so the chart fills the page width with readable labels
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    when: date
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, date]]
    goal_y: float | None
    baseline_y: float
    left: int
    right: int


def _nice_ceiling(value: int) -> int:
    """The next round number at or above the value: 12,345 -> 15,000."""
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def supporters_chart(series: list[tuple[date, int]], goal: int | None = None) -> Chart | None:
    """Points, ticks and the goal line for the series of (date, total supporters); None without data."""
    if not series:
        return None
    top_value = _nice_ceiling(max([count for _, count in series] + [goal or 0]))
    first, last = series[0][0], series[-1][0]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(when: date) -> float:
        if len(series) == 1:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (when - first).days / span, 1)

    def y_of(count: int) -> float:
        return round(TOP + plot_h * (1 - count / top_value), 1)

    points = [Point(x_of(when), y_of(count), when, count) for when, count in series]
    y_ticks = [(y_of(top_value * i // 4), top_value * i // 4) for i in range(5)]
    x_ticks = [(points[0].x, first)]
    if len(points) > 1:
        x_ticks.append((points[-1].x, last))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        goal_y=y_of(goal) if goal else None,
        baseline_y=y_of(0),
        left=LEFT,
        right=WIDTH - RIGHT,
    )
