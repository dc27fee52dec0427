"""Typed entries of the knowledge base, and a date that keeps its precision."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

# The four kinds, in the order the site presents them. The folder under entries/ and the
# URL prefix are both the plural.
KINDS: tuple[str, ...] = ("event", "quote", "list", "actor")
PLURAL: dict[str, str] = {"event": "events", "quote": "quotes", "list": "lists", "actor": "actors"}
KIND_OF_FOLDER: dict[str, str] = {v: k for k, v in PLURAL.items()}
KIND_LABEL: dict[str, str] = {
    "event": "Event",
    "quote": "Quote",
    "list": "Censorship list",
    "actor": "Actor",
}

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Used with fullmatch: "$" would also match before a final newline ("us-law\n").
ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# ASCII digits only ([0-9], not \d, which also matches full-width and Arabic-Indic digits),
# and fullmatch, so that nothing can follow the date, not even a newline.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATETIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as its source: a year, a month, a day, or an instant with offset.

    ``2024-04`` means "April 2024" and is never silently turned into 1 April.
    """

    year: int
    month: int | None = None
    day: int | None = None
    moment: datetime | None = None  # set only for date-times (always timezone-aware)
    text: str = ""  # the canonical text, as written

    PRECISIONS: ClassVar[tuple[str, ...]] = ("year", "month", "day", "datetime")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or an ISO 8601 date-time with offset.

        Raises ValueError with a message fit to show a contributor.
        """
        m = _DATE_RE.fullmatch(text)
        if m:
            year, month, day = int(m[1]), m[2], m[3]
            if year == 0:
                raise ValueError(f"{text} is not a real date: there is no year 0")
            if month is None:
                return cls(year, text=text)
            mon = int(month)
            if not 1 <= mon <= 12:
                raise ValueError(f"{text} is not a real date: there is no month {mon}")
            if day is None:
                return cls(year, mon, text=text)
            d = int(day)
            last = calendar.monthrange(year, mon)[1]
            if not 1 <= d <= last:
                raise ValueError(
                    f"{text} is not a real date: {calendar.month_name[mon]} {year} has {last} days"
                )
            return cls(year, mon, d, text=text)
        m = _DATETIME_RE.fullmatch(text)
        if m:
            iso = text.replace(" ", "T", 1)
            if iso.endswith("Z"):
                iso = iso[:-1] + "+00:00"
            if int(m[1]) == 0:
                raise ValueError(f"{text} is not a real date: there is no year 0")
            try:
                moment = datetime.fromisoformat(iso)
            except ValueError:
                raise ValueError(f"{text} is not a real date and time") from None
            try:  # sorting and feeds convert to UTC, which must stay within years 1 to 9999
                moment.astimezone(UTC)
            except OverflowError:
                raise ValueError(
                    f"{text} is out of range: in UTC it falls outside the years 1 to 9999"
                ) from None
            return cls(moment.year, moment.month, moment.day, moment=moment, text=text)
        raise ValueError(
            f"{text!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, "
            "or a date-time with offset such as 2025-01-18T22:30:00-05:00)"
        )

    @property
    def precision(self) -> str:
        if self.moment is not None:
            return "datetime"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def start(self) -> date:
        """The first day the date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        """The last day the date can mean."""
        if self.day is not None:
            return date(self.year, self.month or 1, self.day)
        if self.month is not None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    @property
    def sort_key(self) -> tuple:
        """Chronological order; a coarser date sorts before finer ones that start with it."""
        instant = self.moment.astimezone(UTC).replace(tzinfo=None) if self.moment else None
        return (self.start, self.PRECISIONS.index(self.precision), instant or datetime.min)

    def display(self) -> str:
        """Text at the date's real precision: ``2024``, ``April 2024``, ``19 January 2025``."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        text = f"{self.day} {month} {self.year}"
        if self.moment is not None:
            offset = self.moment.utcoffset() or timedelta(0)
            text += f", {self.moment:%H:%M} {_offset_text(offset)}"
        return text

    def __str__(self) -> str:
        return self.text or self.display()


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def display_range(start: PartialDate, end: PartialDate | None) -> str:
    """A date or a compact range: ``10–17 January 2025``, ``April–June 2025``."""
    if end is None or end.text == start.text:
        return start.display()
    same_precision = start.precision == end.precision and start.precision in ("month", "day")
    if same_precision and start.year == end.year:
        if start.precision == "day" and start.month == end.month:
            return f"{start.day}–{end.day} {calendar.month_name[start.month or 1]} {start.year}"
        if start.precision == "day":
            return (
                f"{start.day} {calendar.month_name[start.month or 1]} – "
                f"{end.day} {calendar.month_name[end.month or 1]} {start.year}"
            )
        first, last = calendar.month_name[start.month or 1], calendar.month_name[end.month or 1]
        return f"{first}–{last} {start.year}"
    return f"{start.display()} – {end.display()}"


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    publisher: str | None = None
    date: PartialDate | None = None
    archive_url: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Correction:
    date: PartialDate
    note: str  # Markdown


@dataclass(frozen=True)
class ZhText:
    title: str | None = None
    summary: str | None = None  # Markdown


@dataclass(frozen=True)
class ListItem:
    term: str
    translation: str
    category: str | None = None
    note: str | None = None  # Markdown
    first_seen: PartialDate | None = None


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    """Fields every kind shares. ``path`` is the file the entry came from."""

    kind: ClassVar[str] = ""

    id: str
    path: Path
    added: date
    updated: date | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def title(self) -> str:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Site-relative permalink, without a leading slash: ``events/<id>/``."""
        return f"{PLURAL[self.kind]}/{self.id}/"

    @property
    def last_modified(self) -> date:
        """The later of ``updated`` and the last correction; ``added`` when neither exists."""
        dates = [self.added]
        if self.updated:
            dates.append(self.updated)
        dates.extend(c.date.end for c in self.corrections)
        return max(dates)

    def references(self) -> Iterable[tuple[str, str]]:
        """(field, target id) for every reference this entry makes to another entry."""
        for target in self.related:
            yield ("related", target)


@dataclass(frozen=True)
class Event(Entry):
    kind: ClassVar[str] = "event"

    headline: str = ""  # the YAML field `title`
    date: PartialDate = field(default_factory=lambda: PartialDate(1970))
    end_date: PartialDate | None = None
    summary: str = ""  # Markdown
    actors: tuple[str, ...] = ()
    zh: ZhText | None = None

    @property
    def title(self) -> str:
        return self.headline

    @property
    def when(self) -> str:
        return display_range(self.date, self.end_date)

    def references(self) -> Iterable[tuple[str, str]]:
        yield from super().references()
        for target in self.actors:
            yield ("actors", target)


@dataclass(frozen=True)
class Quote(Entry):
    kind: ClassVar[str] = "quote"

    text: str = ""
    lang: str = "en"
    translation: str | None = None
    speaker: str = ""
    date: PartialDate = field(default_factory=lambda: PartialDate(1970))
    platform: str | None = None
    context: str | None = None  # Markdown
    event: str | None = None

    @property
    def title(self) -> str:
        words = (self.translation or self.text).split()
        short = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        if not words:  # Chinese or another language written without spaces
            short = self.text[:40] + ("…" if len(self.text) > 40 else "")
        return f"“{short}”"

    def references(self) -> Iterable[tuple[str, str]]:
        yield from super().references()
        yield ("speaker", self.speaker)
        if self.event:
            yield ("event", self.event)


@dataclass(frozen=True)
class CensorshipList(Entry):
    kind: ClassVar[str] = "list"

    headline: str = ""  # the YAML field `title`
    platform: str = ""
    compiled_by: str = ""
    date: PartialDate = field(default_factory=lambda: PartialDate(1970))
    summary: str = ""  # Markdown
    items: tuple[ListItem, ...] = ()

    @property
    def title(self) -> str:
        return self.headline

    def references(self) -> Iterable[tuple[str, str]]:
        yield from super().references()
        yield ("compiled_by", self.compiled_by)


@dataclass(frozen=True)
class Actor(Entry):
    kind: ClassVar[str] = "actor"

    name: str = ""
    actor_kind: str = ""  # the YAML field `kind`: person, account, organisation, ...
    name_zh: str | None = None
    handles: tuple[Handle, ...] = ()
    description: str | None = None  # Markdown

    @property
    def title(self) -> str:
        return self.name


CLASS_OF_KIND: dict[str, type[Entry]] = {
    "event": Event,
    "quote": Quote,
    "list": CensorshipList,
    "actor": Actor,
}


@dataclass
class Corpus:
    """Every entry of a knowledge base, with the indexes the renderers need."""

    entries: dict[str, Entry]

    def __post_init__(self) -> None:
        self.backlinks: dict[str, list[tuple[Entry, str]]] = {i: [] for i in self.entries}
        for entry in self.sorted():
            for fld, target in entry.references():
                if target in self.backlinks and target != entry.id:
                    self.backlinks[target].append((entry, fld))
        self.tags: dict[str, list[Entry]] = {}
        for entry in self.sorted():
            for tag in entry.tags:
                self.tags.setdefault(tag, []).append(entry)
        self.tags = dict(sorted(self.tags.items()))

    def sorted(self, kind: str | None = None) -> list[Entry]:
        """Entries of one kind (or all), in a stable order: by date where they have one, then id."""
        chosen = [e for e in self.entries.values() if kind is None or e.kind == kind]
        return sorted(chosen, key=_order_key)

    @property
    def events(self) -> list[Event]:
        return self.sorted("event")  # type: ignore[return-value]

    @property
    def quotes(self) -> list[Quote]:
        return self.sorted("quote")  # type: ignore[return-value]

    @property
    def lists(self) -> list[CensorshipList]:
        return self.sorted("list")  # type: ignore[return-value]

    @property
    def actors(self) -> list[Actor]:
        return sorted(self.sorted("actor"), key=lambda a: a.title.casefold())  # type: ignore[return-value]

    def related_both_ways(self, entry: Entry) -> list[Entry]:
        """Entries this one lists in ``related``, plus those that list it: backlinks included."""
        seen: dict[str, Entry] = {}
        for target in entry.related:
            if target in self.entries:
                seen[target] = self.entries[target]
        for other, fld in self.backlinks.get(entry.id, []):
            if fld == "related":
                seen.setdefault(other.id, other)
        return sorted(seen.values(), key=_order_key)

    def referring(self, entry: Entry, kind: str | None = None) -> list[Entry]:
        """Entries that refer to this one through any field, optionally of one kind."""
        out: dict[str, Entry] = {}
        for other, _fld in self.backlinks.get(entry.id, []):
            if kind is None or other.kind == kind:
                out.setdefault(other.id, other)
        return sorted(out.values(), key=_order_key)


def _order_key(entry: Entry) -> tuple:
    when = getattr(entry, "date", None)
    if isinstance(when, PartialDate):
        return (KINDS.index(entry.kind), when.sort_key, entry.id)
    return (KINDS.index(entry.kind), (date.min, 0, datetime.min), entry.id)
