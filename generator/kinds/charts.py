"""The events chart: one bar per year, and one per month within the busy years."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.core import i18n
from generator.core.dates import PartialDate

Link = Callable[[str], tuple[str, str]]  # an anchor ("2025", "2025-01") → (page, anchor)


@dataclass(frozen=True)
class Row:
    """One bar. Its words are read in the interface's language when the chart is shown."""

    period: PartialDate  # a year, or a month within a busy year
    count: int
    percent: float  # the bar's length: count / the busiest year's count, in %
    src: str  # where the period starts on the timeline
    anchor: str
    gap: int = 0  # years without events before this row

    @property
    def label(self) -> str:
        """ "2025", "January 2025"."""
        return i18n.when(self.period)

    @property
    def month(self) -> bool:
        """A month within a busy year, shown under it."""
        return self.period.month is not None

    @property
    def noun(self) -> str:
        return i18n.ngettext("event", "events", self.count)

    @property
    def gap_before(self) -> str:
        """ "No events for 7 years": the empty stretch before this row; "" when there is none."""
        if not self.gap:
            return ""
        text = i18n.ngettext("No events for %(num)s year", "No events for %(num)s years", self.gap)
        return text % {"num": i18n.number(self.gap)}


@dataclass(frozen=True)
class Chart:
    rows: tuple[Row, ...]
    total: int

    @property
    def title(self) -> str:
        return i18n.gettext("Events per year")

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def description(self) -> str:
        """What the chart shows, in words: the span, the busiest year and month."""
        years = [r for r in self.rows if not r.month]
        if not years:
            return i18n.gettext("No events yet.")
        first, last = years[0], years[-1]
        span = first.label
        if first is not last:
            span = i18n.gettext("%(first)s to %(last)s") % {"first": span, "last": last.label}
        top = max(years, key=lambda r: r.count)  # the first of equals
        values = {
            "num": i18n.number(self.total),
            "span": span,
            "year": top.label,
            "top": i18n.number(top.count),
        }
        months = [r for r in self.rows if r.month]
        if not months:
            return (
                i18n.ngettext(
                    "%(num)s event from %(span)s. The busiest year was %(year)s, with %(top)s.",
                    "%(num)s events from %(span)s. The busiest year was %(year)s, with %(top)s.",
                    self.total,
                )
                % values
            )
        busiest = max(months, key=lambda r: r.count)
        values.update(month=busiest.label, most=i18n.number(busiest.count))
        return (
            i18n.ngettext(
                "%(num)s event from %(span)s. The busiest year was %(year)s, with %(top)s; the "
                "busiest month, %(month)s, had %(most)s. Busy years are broken down by month.",
                "%(num)s events from %(span)s. The busiest year was %(year)s, with %(top)s; the "
                "busiest month, %(month)s, had %(most)s. Busy years are broken down by month.",
                self.total,
            )
            % values
        )


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
        gap = year - previous - 1 if previous is not None else 0
        rows.append(Row(PartialDate(year), n, _percent(n, top), src, at, gap))
        previous = year
        if by_month(year):
            for (y, month), count in sorted(months.items()):
                if y == year:
                    src, at = link(f"{year}-{month:02d}")
                    period = PartialDate(year, month)
                    rows.append(Row(period, count, _percent(count, top), src, at))
    return Chart(tuple(rows), len(events))


def _never(year: int) -> bool:
    return False


def _percent(n: int, top: int) -> float:
    return round(100 * n / top, 1)
