"""A date that keeps its precision: a year, a month, a day, or an instant with offset."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

# ASCII digits only ([0-9], not \d, which also matches full-width and Arabic-Indic digits),
# and fullmatch, so that nothing can follow the date, not even a newline.
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATETIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)

# The months' names in English, what ``display`` writes: calendar.month_name would follow the
# process's locale, and asks the C library for each name every time (strftime, a tenth of a
# second of a preview's save at 10,000 entries).
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August")
MONTHS += ("September", "October", "November", "December")


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
                raise ValueError(f"{text} is not a real date: {MONTHS[mon]} {year} has {last} days")
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

    @functools.cached_property  # frozen, so worked out once: corpora are sorted by it often
    def sort_key(self) -> tuple:
        """Chronological order; a coarser date sorts before finer ones that start with it."""
        instant = self.moment.astimezone(UTC).replace(tzinfo=None) if self.moment else None
        return (self.start, self.PRECISIONS.index(self.precision), instant or datetime.min)

    def display(self) -> str:
        """Text at the date's real precision: ``2024``, ``April 2024``, ``19 January 2025``."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month]
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
            return f"{start.day}–{end.day} {MONTHS[start.month or 1]} {start.year}"
        if start.precision == "day":
            return (
                f"{start.day} {MONTHS[start.month or 1]} – "
                f"{end.day} {MONTHS[end.month or 1]} {start.year}"
            )
        first, last = MONTHS[start.month or 1], MONTHS[end.month or 1]
        return f"{first}–{last} {start.year}"
    return f"{start.display()} – {end.display()}"
