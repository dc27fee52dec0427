"""The timeline: every event in date order, as compact rows, on as few pages as fit."""

from __future__ import annotations

import calendar
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from babel.dates import format_interval, format_skeleton

from generator.core import hashing, i18n
from generator.core.dates import PartialDate
from generator.core.paging import PAGE_BUDGET, Page, Pager, paginate
from generator.format import urls
from generator.format.urls import Route
from generator.kinds import charts

if TYPE_CHECKING:
    from generator.format.corpus import Corpus
    from generator.format.kinds import Kind

EVENTS_PER_PAGE = 100  # at most this many events on one page of the timeline
MONTH_HEADINGS = 8  # a year with more events than this has a heading per month
WEEK_HEADINGS = 8  # a month with more events than this has a heading per week

TIMELINE = Route("timeline/index.md")
# One year ("2025") or a run of sparse years ("2013-2024"); for a split year, its months.
PERIOD = Route("timeline/{span}.md")
MONTH = Route("timeline/{year}/{month}.md", "timeline/{year}/{month}/{n}.md")
ROUTES = {"timeline": TIMELINE, "period": PERIOD, "month": MONTH}
# Not a page: what the filter needs to search every event when they span several pages.
FILTER_INDEX = Route("timeline/events.json")
# Not a page either: the filter's choices, which every page of the timeline loads (a page
# holding them all would grow with the record: 2,000 actors at 10,000 entries).
FILTER_OPTIONS = Route("timeline/filters.json")


def event_weight(e: Any) -> int:
    """A generous estimate of an event row's HTML size, in bytes."""
    return 600 + 2 * len(e.summary) + 200 * len(e.sources) + 120 * (len(e.actors) + len(e.tags))


@dataclass
class Week:
    """Events of one week (Monday to Sunday) within one month; start None: dated to the month."""

    month: MonthGroup
    start: date | None
    events: list[Any]

    @property
    def days(self) -> tuple[date, date] | None:
        """The week's first and last day within its month (weeks can straddle two)."""
        m = self.month
        if self.start is None or m.month is None:
            return None
        last = date(m.year, m.month, calendar.monthrange(m.year, m.month)[1])
        return max(self.start, date(m.year, m.month, 1)), min(self.start + timedelta(6), last)

    @property
    def anchor(self) -> str:
        days = self.days
        return f"{self.month.anchor}-undated" if days is None else days[0].isoformat()

    @property
    def label(self) -> str:
        days = self.days
        if days is None:
            return i18n.gettext("Sometime in %(period)s") % {"period": self.month.label}
        first, end = days
        if not i18n.is_english():  # "1月13–19日"
            return _days(first, end, "MMMMd")
        return f"{self.short} {calendar.month_name[first.month]}"

    @property
    def short(self) -> str:
        """ "13–19" on the date rail, under its month; "Undated" for events dated to the month."""
        days = self.days
        if days is None:
            return i18n.gettext("Undated")
        first, end = days
        if not i18n.is_english():  # "13–19日"
            return _days(first, end, "d")
        return str(first.day) if first == end else f"{first.day}–{end.day}"

    @property
    def spoken_rest(self) -> str:
        """What a screen reader hears after ``short``: " January 2025"."""
        after = i18n.N_(", %(period)s") if self.days is None else i18n.N_(" %(period)s")
        return i18n.gettext(after) % {"period": self.month.label}


@dataclass
class MonthGroup:
    """Events of one month of one year (month None: dated only to the year)."""

    year: int
    month: int | None
    events: Sequence[Any]

    @property
    def label(self) -> str:
        if self.month is None:
            year = i18n.when(PartialDate(self.year))
            return i18n.gettext("Sometime in %(period)s") % {"period": year}
        return i18n.when(PartialDate(self.year, self.month))

    @property
    def slug(self) -> str:
        return "undated" if self.month is None else f"{self.month:02d}"

    @property
    def short(self) -> str:
        """ "Jan", on the date rail; "Undated" for events dated only to the year."""
        if self.month is None:
            return i18n.gettext("Undated")
        if not i18n.is_english():  # "1月"
            return _format(date(self.year, self.month, 1), "MMM")
        return calendar.month_abbr[self.month]

    @property
    def spoken_rest(self) -> str:
        """What a screen reader hears after ``short``: "Jan" is read "Jan 2025"."""
        return i18n.gettext(" %(period)s") % {"period": i18n.when(PartialDate(self.year))}

    @property
    def anchor(self) -> str:
        return f"{self.year}-{self.slug}"

    @cached_property
    def weeks(self) -> list[Week]:
        """The month's events by week, when there are too many to read as one run."""
        if self.month is None or len(self.events) <= WEEK_HEADINGS:
            return []
        weeks: dict[date | None, list[Any]] = {}
        for e in self.events:  # in date order: month-only dates first
            start = None if e.date.day is None else e.date.start
            monday = None if start is None else start - timedelta(days=start.weekday())
            weeks.setdefault(monday, []).append(e)
        return [Week(self, start, events) for start, events in weeks.items()]


@dataclass
class YearGroup:
    year: int
    months: list[MonthGroup]

    @cached_property
    def events(self) -> list[Any]:
        return [e for m in self.months for e in m.events]

    @property
    def anchor(self) -> str:
        return str(self.year)

    @property
    def label(self) -> str:
        """ "2025" in the interface's language ("2025年")."""
        return i18n.when(PartialDate(self.year))

    @cached_property
    def split(self) -> bool:
        """Too much for one page: the year's page lists months, each on its own page(s)."""
        events = self.events
        return len(events) > EVENTS_PER_PAGE or sum(event_weight(e) for e in events) > PAGE_BUDGET

    @property
    def by_month(self) -> bool:
        """Busy enough for a heading per month."""
        return len(self.events) > MONTH_HEADINGS

    @property
    def src(self) -> str:
        return PERIOD.src(span=self.year)

    def month_src(self, month: MonthGroup, number: int = 1) -> str:
        return MONTH.src(number, year=self.year, month=month.slug)


@dataclass
class TimelinePage:
    """One page of events: a run of years, or (part of) one month of a split year."""

    src: str
    span: str  # its years: "2025", "2013–2024"
    years: list[YearGroup]
    pager: Pager | None = None
    month: MonthGroup | None = None  # the month this page is part of, in a split year

    @property
    def title(self) -> str:
        """Its years ("2013–2024") or its month, in the interface's language."""
        if self.month is not None:
            return self.month.label
        if i18n.is_english():
            return self.span
        first, last = (PartialDate.parse(str(y.year)) for y in (self.years[0], self.years[-1]))
        return i18n.when_range(first, last)  # "2013–2024年"

    @property
    def events(self) -> list[Any]:
        return [e for y in self.years for e in y.events]

    @property
    def year_level(self) -> int:
        """The heading level of each year (0: none, the page's title says it)."""
        if self.month is not None or (len(self.years) == 1 and self.src != TIMELINE.src()):
            return 0
        return 2

    def month_level(self, year: YearGroup) -> int:
        """The heading level of each month of ``year`` (0: none)."""
        if self.month is not None or not year.by_month:
            return 0
        return (self.year_level or 1) + 1

    def week_level(self, year: YearGroup) -> int:
        return (self.month_level(year) or self.year_level or 1) + 1


@dataclass
class Timeline:
    """Every event in order, the pages that list them, and where each anchor is."""

    # Every timeline page holds the whole timeline for its rail, its counts and its links,
    # and shows the text of its own events only (``page``): for the build cache, an event
    # edited elsewhere leaves the page as it is (generator.site.fingerprint).
    FINGERPRINT_BY_ID: ClassVar[bool] = True

    years: list[YearGroup]
    events: list[Any]
    event_pages: list[TimelinePage] = field(default_factory=list)
    page_of: dict[str, str] = field(default_factory=dict)  # event id → its timeline page
    position: dict[str, int] = field(default_factory=dict)  # event id → index in `events`
    anchors: dict[str, tuple[str, str]] = field(default_factory=dict)  # → (page, anchor)

    @classmethod
    def of(cls, events: Sequence[Any]) -> Timeline:
        line = cls(_group(events), list(events))
        line.event_pages = _pages(line.years)
        if len(line.event_pages) == 1 and line.event_pages[0].month is None:
            line.event_pages[0].src = TIMELINE.src()  # the whole record fits on one page
        for page in line.event_pages:
            for year in page.years:
                if page.month is not None:  # a month page: the year's page lists the months
                    line.anchors.setdefault(year.anchor, (year.src, ""))
                    line.anchors.setdefault(page.month.anchor, (page.src, ""))
                else:  # the nearest heading there is
                    at = year.anchor if page.year_level else ""
                    line.anchors[year.anchor] = (page.src, at)
                    for month in year.months:
                        here = month.anchor if page.month_level(year) else at
                        line.anchors[month.anchor] = (page.src, here)
                for e in year.events:
                    line.page_of[e.id] = page.src
        line.position = {e.id: i for i, e in enumerate(line.events)}
        return line

    @property
    def single(self) -> bool:
        """Every event is on the timeline's own page."""
        return bool(self.event_pages) and self.event_pages[0].src == TIMELINE.src()

    @property
    def index_src(self) -> str:
        return TIMELINE.src()

    @property
    def split_years(self) -> list[YearGroup]:
        return [y for y in self.years if y.split]

    def link(self, anchor: str) -> tuple[str, str]:
        """The page and anchor where a year ("2025") or month ("2025-01") starts."""
        return self.anchors[anchor]

    @cached_property
    def chart(self) -> charts.Chart:
        """Shown on the timeline and the home page; computed once."""
        busy = {y.year for y in self.years if y.by_month}
        return charts.events_chart(self.events, self.link, busy.__contains__)

    def neighbours(self, event: Any) -> tuple[Any, Any]:
        """The events just before and after ``event`` in time."""
        i = self.position[event.id]
        before = self.events[i - 1] if i > 0 else None
        after = self.events[i + 1] if i + 1 < len(self.events) else None
        return before, after

    def pages(self, corpus: Corpus, kind: Kind) -> Iterable[Page]:
        shared = {
            "timeline": self,
            "chart": self.chart,
            # the filter's index, relative to the timeline's first page, which loads it
            "filter_index": FILTER_INDEX.src().removeprefix(
                TIMELINE.src().rpartition("/")[0] + "/"
            ),
            **_filters(corpus, self.events),
        }
        if not self.single:
            yield Page(TIMELINE.src(), kind.template("timeline.md.j2"), shared)
        for year in self.split_years:
            yield Page(year.src, kind.template("year.md.j2"), {**shared, "year": year})
        for page in self.event_pages:
            yield Page(page.src, kind.template("events.md.j2"), {**shared, "page": page})
        yield Page(
            FILTER_INDEX.src(),
            kind.template("events.json.j2"),
            {"rows": FilterRows(self.events), "actor_names": shared["actor_names"]},
        )
        yield Page(
            FILTER_OPTIONS.src(),
            kind.template("filters.json.j2"),
            {"tags": shared["filter_tags"], "actor_names": shared["actor_names"]},
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


def _pages(years: list[YearGroup]) -> list[TimelinePage]:
    """Runs of consecutive years packed onto pages; split years' months on pages of their own."""
    pages: list[TimelinePage] = []
    run: list[YearGroup] = []
    count = weight = 0

    def flush() -> None:
        if run:
            first, last = run[0].year, run[-1].year
            span = str(first) if first == last else f"{first}-{last}"
            title = str(first) if first == last else f"{first}–{last}"
            pages.append(TimelinePage(PERIOD.src(span=span), title, list(run)))
            run.clear()

    for year in years:
        if year.split:
            flush()
            count = weight = 0
            for month in year.months:
                chunks = paginate(
                    month.events,
                    EVENTS_PER_PAGE,
                    lambda n, y=year, m=month: y.month_src(m, n),
                    event_weight,
                )
                for pager, chunk in chunks:
                    part = MonthGroup(month.year, month.month, list(chunk))
                    group = YearGroup(year.year, [part])
                    pages.append(TimelinePage(pager.src, "", [group], pager, month))
            continue
        n, w = len(year.events), sum(event_weight(e) for e in year.events)
        if run and (count + n > EVENTS_PER_PAGE or weight + w > PAGE_BUDGET):
            flush()
            count = weight = 0
        run.append(year)
        count, weight = count + n, weight + w
    flush()
    return pages


def _days(first: date, last: date, skeleton: str) -> str:
    """Days of one month in the interface's language: "13–19日", "1月13–19日"."""
    if first == last:
        return _format(first, skeleton)
    return format_interval(first, last, skeleton, locale=i18n.locale(i18n.current()))


def _format(day: date, skeleton: str) -> str:
    return format_skeleton(skeleton, day, locale=i18n.locale(i18n.current()))


def _filters(corpus: Corpus, events: Iterable[Any]) -> dict[str, Any]:
    """The tags and actors the timeline filter offers: those of every event in the record."""
    tags: set[str] = set()
    actors: set[str] = set()
    for e in events:
        tags.update(e.tags)
        actors.update(e.actors)
    people = sorted((corpus.entries[a] for a in actors), key=lambda a: (a.title.casefold(), a.id))
    return {
        "filter_tags": sorted(tags),
        "filter_actors": people,
        "actor_names": {a.id: a.title for a in people},
    }


@dataclass(frozen=True)
class FilterRows:
    """The events as the filter reads them (``timeline/events.json``), made as the page is
    rendered, in its interface's language: the plan of pages is the same in every language."""

    events: Sequence[Any]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        language, catalogue = i18n.current(), i18n.catalogue()
        for e in self.events:
            yield _kept_row(e, language, catalogue)

    def fingerprinted(self) -> list[bytes]:
        """What the rows are made from, for the page's key (``generator.site.fingerprint``):
        an event's summary, sources or corrections do not change the filter's rows, and at
        10,000 events the file took 0.8 s to make again in two interfaces."""
        return [_shown(e) for e in self.events]


# What the filter keeps of each event while it lives: its row per interface and catalogue,
# and what the row is made from, hashed. A preview's save makes the whole list again (10,000
# rows, a tenth of a second per interface), and an event is frozen; the same hash object
# from one save to the next lets the page's key know the list by what it holds
# (fingerprint.Lasting). Not on the event itself, which the validation memo pickles (a
# catalogue cannot be).
_KEPT: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}
_SHOWN = "shown"  # the hash's name there, beside the rows' interface languages


def _kept(e: Any) -> dict[str, Any]:
    """What is kept of the event ``e`` (``_KEPT``), while it lives."""
    kept = _KEPT.get(id(e))
    if kept is None or kept[0]() is not e:
        key = id(e)
        kept = _KEPT[key] = (weakref.ref(e, lambda _: _KEPT.pop(key, None)), {})
    return kept[1]


def _kept_row(e: Any, language: str, catalogue: Any) -> dict[str, Any]:
    kept = _kept(e)
    row = kept.get(language)
    if row is None or row[0] is not catalogue:
        row = kept[language] = (catalogue, _filter_row(e))
    return row[1]  # type: ignore[no-any-return]


def _shown(e: Any) -> bytes:
    """The fields ``_filter_row`` reads of an event, in any interface language, hashed."""
    kept = _kept(e)
    digest = kept.get(_SHOWN)
    if digest is None:
        zh_title = e.zh.title if e.zh is not None else None  # its ``local_title``
        fields = (e.id, e.title, zh_title, e.date, e.end_date, e.tags, e.actors, e.key_moment)
        digest = kept[_SHOWN] = hashing.key("filter row", repr(fields))
    return digest  # type: ignore[no-any-return]


def _filter_row(e: Any) -> dict[str, Any]:
    """One event as the filter shows it when the events span several pages."""
    title = e.local_title or e.title
    return {
        "id": e.id,
        "title": title,
        **({} if i18n.is_english() or e.local_title else {"lang": "en"}),
        "when": e.when,
        "date": e.date.text or e.date.start.isoformat(),
        "url": urls.html_href(TIMELINE.src(), urls.entry_src(e)),
        "tags": list(e.tags),
        "actors": list(e.actors),
        "key": e.key_moment,
    }
