"""Geometry of the build-time SVG charts; the SVG itself is the template partials/chart.svg.j2."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.dates import PartialDate

BAR_WIDTH = 10
BAR_GAP = 2
PLOT_HEIGHT = 120
TOP = 16  # room for the maximum's label
BOTTOM = 22  # room for the year labels
LEFT = 4
RIGHT = 28  # room for the last year's label, which starts at its January bar


@dataclass(frozen=True)
class Bar:
    x: int
    y: float
    width: int
    height: float
    label: str  # "January 2025: 12 events"
    count: int


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Chart:
    """A bar chart in SVG user units; the template scales it to the page width."""

    width: int
    height: int
    plot_top: int
    baseline: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    maximum: int
    total: int
    undated: int  # events dated only to a year: no month to put them in
    title: str

    @property
    def empty(self) -> bool:
        return not self.bars


def events_per_month(events: Sequence[Any]) -> Chart:
    """Events per month from the first month to the last, empty months included."""
    counts = Counter((e.date.year, e.date.month) for e in events if e.date.month is not None)
    undated = sum(1 for e in events if e.date.month is None)
    title = "Events per month"
    if not counts:
        return Chart(0, 0, TOP, TOP + PLOT_HEIGHT, (), (), 0, 0, undated, title)
    first, last = min(counts), max(counts)
    months: list[tuple[int, int]] = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    maximum = max(counts.values())
    baseline = TOP + PLOT_HEIGHT
    bars: list[Bar] = []
    ticks: list[Tick] = []
    step = BAR_WIDTH + BAR_GAP
    # The chart scales to the page width: over long spans, label every fifth year only.
    every = 1 if last[0] - first[0] < 20 else 5
    for i, (year, month) in enumerate(months):
        x = LEFT + i * step
        n = counts.get((year, month), 0)
        height = round(PLOT_HEIGHT * n / maximum, 2)
        noun = "event" if n == 1 else "events"
        bars.append(
            Bar(
                x,
                round(baseline - height, 2),
                BAR_WIDTH,
                height,
                f"{PartialDate(year, month).display()}: {n} {noun}",
                n,
            )
        )
        if (month == 1 or i == 0) and (year - first[0]) % every == 0:
            ticks.append(Tick(x, str(year)))
    width = LEFT + len(months) * step + RIGHT
    return Chart(
        width=max(width, 120),
        height=baseline + BOTTOM,
        plot_top=TOP,
        baseline=baseline,
        bars=tuple(bars),
        ticks=tuple(ticks),
        maximum=maximum,
        total=sum(counts.values()),
        undated=undated,
        title=title,
    )
