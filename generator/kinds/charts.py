"""The events chart: one bar per year, and one per month within the busy years."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.core.dates import PartialDate

Link = Callable[[str], tuple[str, str]]  # an anchor ("2025", "2025-01") → (page, anchor)


@dataclass(frozen=True)
class Row:
    label: str  # "2025", "January 2025"
    count: int
    percent: float  # the bar's length: count / the busiest year's count, in %
    src: str  # where the period starts on the timeline
    anchor: str
    month: bool = False  # a month within a busy year, shown under it
    gap_before: str = ""  # "No events for 7 years": the empty stretch before this row

    @property
    def noun(self) -> str:
        return "event" if self.count == 1 else "events"


@dataclass(frozen=True)
class Chart:
    rows: tuple[Row, ...]
    total: int
    title: str = "Events per year"

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def description(self) -> str:
        """What the chart shows, in words: the span, the busiest year and month."""
        years = [r for r in self.rows if not r.month]
        if not years:
            return "No events yet."
        first, last = years[0], years[-1]
        span = first.label if first is last else f"{first.label} to {last.label}"
        noun = "event" if self.total == 1 else "events"
        text = f"{self.total:,} {noun} from {span}."
        top = max(years, key=lambda r: r.count)  # the first of equals
        text += f" The busiest year was {top.label}, with {top.count:,}"
        months = [r for r in self.rows if r.month]
        if months:
            busiest = max(months, key=lambda r: r.count)
            text += f"; the busiest month, {busiest.label}, had {busiest.count:,}"
        return text + ". Busy years are broken down by month." if months else text + "."


MAX_ROWS = 40  # more bars than this with the months of busy years: the years alone


def events_chart(events: Sequence[Any], link: Link, by_month: Callable[[int], bool]) -> Chart:
    """Events per year, with the months of the years for which ``by_month`` is true, if the
    chart stays short enough to read."""
    years = Counter(e.date.year for e in events)
    months = Counter((e.date.year, e.date.month) for e in events if e.date.month is not None)
    if len(years) + sum(1 for y, _ in months if by_month(y)) > MAX_ROWS:
        by_month = _never
    top = max(years.values(), default=0)
    rows: list[Row] = []
    previous: int | None = None
    for year, n in sorted(years.items()):
        src, at = link(str(year))
        gap = _stretch(year - previous - 1) if previous is not None else ""
        rows.append(Row(str(year), n, _percent(n, top), src, at, gap_before=gap))
        previous = year
        if by_month(year):
            for (y, month), count in sorted(months.items()):
                if y == year:
                    src, at = link(f"{year}-{month:02d}")
                    label = PartialDate(year, month).display()
                    rows.append(Row(label, count, _percent(count, top), src, at, month=True))
    return Chart(tuple(rows), len(events))


def _never(year: int) -> bool:
    return False


def _percent(n: int, top: int) -> float:
    return round(100 * n / top, 1)


def _stretch(years: int) -> str:
    """ "No events for 2 years"; "" when there is no gap."""
    if not years:
        return ""
    return f"No events for {years} year{'' if years == 1 else 's'}"
