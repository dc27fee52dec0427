"""The timeline: events grouped by year and month, on pages of bounded size, paginated once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator import charts
from generator.dates import PartialDate
from generator.paging import PAGE_BUDGET, Page, paginate
from generator.urls import Route

if TYPE_CHECKING:
    from generator.corpus import Corpus
    from generator.kinds.base import Kind

EVENTS_PER_PAGE = 100  # a year longer than this is split into month pages

TIMELINE = Route("timeline/index.md")
YEAR = Route("timeline/{year}.md")
MONTH = Route("timeline/{year}/{month}.md", "timeline/{year}/{month}/{n}.md")
ROUTES = {"timeline": TIMELINE, "year": YEAR, "month": MONTH}


def event_weight(e: Any) -> int:
    """A generous estimate of an event card's HTML size, in bytes."""
    return 600 + 2 * len(e.summary) + 200 * len(e.sources) + 120 * (len(e.actors) + len(e.tags))


@dataclass
class MonthGroup:
    """Events of one month of one year (month None: dated only to the year)."""

    year: int
    month: int | None
    events: Sequence[Any]

    @property
    def label(self) -> str:
        if self.month is None:
            return f"Sometime in {self.year}"
        return PartialDate(self.year, self.month).display()

    @property
    def slug(self) -> str:
        return "undated" if self.month is None else f"{self.month:02d}"


@dataclass
class YearGroup:
    year: int
    months: list[MonthGroup]

    @property
    def events(self) -> list[Any]:
        return [e for m in self.months for e in m.events]

    @property
    def split(self) -> bool:
        """Too much for one page: the year page lists months, each on its own page(s)."""
        events = self.events
        return len(events) > EVENTS_PER_PAGE or sum(event_weight(e) for e in events) > PAGE_BUDGET

    @property
    def src(self) -> str:
        return YEAR.src(year=self.year)

    def month_src(self, month: MonthGroup, number: int = 1) -> str:
        return MONTH.src(number, year=self.year, month=month.slug)


@dataclass
class Timeline:
    """The years, and the page each event is shown on."""

    years: list[YearGroup]
    # (year, heading, groups, pager) of every page listing events, in order
    event_pages: list[tuple[YearGroup, str, list[MonthGroup], Any]] = field(default_factory=list)
    page_of: dict[str, str] = field(default_factory=dict)  # event id → its timeline page

    @classmethod
    def build(cls, events: Sequence[Any]) -> Timeline:
        line = cls(_group(events))
        for year in line.years:
            if not year.split:
                line.event_pages.append((year, str(year.year), year.months, None))
                continue
            for month in year.months:
                pages = paginate(
                    month.events,
                    EVENTS_PER_PAGE,
                    lambda n, y=year, m=month: y.month_src(m, n),
                    event_weight,
                )
                for pager, chunk in pages:
                    group = MonthGroup(month.year, month.month, list(chunk))
                    line.event_pages.append((year, month.label, [group], pager))
        for year, _heading, groups, pager in line.event_pages:
            for group in groups:
                for e in group.events:
                    line.page_of[e.id] = pager.src if pager else year.src
        return line

    def pages(self, corpus: Corpus, kind: Kind) -> Iterable[Page]:
        chart = charts.events_per_month(corpus.of(kind.name))
        yield Page(
            TIMELINE.src(), kind.template("timeline.md.j2"), {"chart": chart, "timeline": self}
        )
        neighbours = {}
        for i, year in enumerate(self.years):
            neighbours[year.year] = {
                "prev_year": self.years[i - 1] if i > 0 else None,
                "next_year": self.years[i + 1] if i + 1 < len(self.years) else None,
            }
        done: set[int] = set()
        for year, heading, groups, pager in self.event_pages:
            if year.split and year.year not in done:
                done.add(year.year)
                yield Page(
                    year.src, kind.template("year.md.j2"), {"year": year, **neighbours[year.year]}
                )
            events = [e for g in groups for e in g.events]
            yield Page(
                pager.src if pager else year.src,
                kind.template("events.md.j2"),
                {
                    "year": year,
                    "heading": heading,
                    "groups": groups,
                    "pager": pager,
                    **_filters(corpus, events),
                    **neighbours[year.year],
                },
            )


def _group(events: Sequence[Any]) -> list[YearGroup]:
    years: dict[int, dict[int | None, list[Any]]] = {}
    for event in events:  # already in chronological order
        years.setdefault(event.date.year, {}).setdefault(event.date.month, []).append(event)
    out = []
    for year in sorted(years):
        months = years[year]
        # Year-only dates sort before the months they span (PartialDate.sort_key).
        order = sorted(months, key=lambda m: -1 if m is None else m)
        out.append(YearGroup(year, [MonthGroup(year, m, months[m]) for m in order]))
    return out


def _filters(corpus: Corpus, events: Iterable[Any]) -> dict[str, Any]:
    """The tags and actors the timeline filter offers: those of the events on the page."""
    tags: set[str] = set()
    actors: set[str] = set()
    for e in events:
        tags.update(e.tags)
        actors.update(e.actors)
    people = sorted((corpus.entries[a] for a in actors), key=lambda a: (a.title.casefold(), a.id))
    return {"filter_tags": sorted(tags), "filter_actors": people}
