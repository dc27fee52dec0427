"""PartialDate keeps a date's precision; ranges print compactly."""

from __future__ import annotations

from datetime import date

import pytest

from generator.core.dates import PartialDate, display_range


@pytest.mark.parametrize(
    ("text", "precision", "shown", "start", "end"),
    [
        ("2024", "year", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-04", "month", "April 2024", date(2024, 4, 1), date(2024, 4, 30)),
        ("2025-01-19", "day", "19 January 2025", date(2025, 1, 19), date(2025, 1, 19)),
        (
            "2025-01-18T22:30:00-05:00",
            "datetime",
            "18 January 2025, 22:30 UTC−05:00",
            date(2025, 1, 18),
            date(2025, 1, 18),
        ),
        (
            "2025-01-18T03:30Z",
            "datetime",
            "18 January 2025, 03:30 UTC",
            date(2025, 1, 18),
            date(2025, 1, 18),
        ),
    ],
)
def test_precision_is_kept(text: str, precision: str, shown: str, start: date, end: date) -> None:
    d = PartialDate.parse(text)
    got = (d.precision, d.display(), d.start, d.end, str(d))
    assert got == (precision, shown, start, end, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "2025-02-30 is not a real date: February 2025 has 28 days"),
        ("2024-13", "2024-13 is not a real date: there is no month 13"),
        (
            "2025/01/13",
            "'2025/01/13' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, or a "
            "date-time with offset such as 2025-01-18T22:30:00-05:00)",
        ),
        ("2025-01-18T25:00:00Z", "2025-01-18T25:00:00Z is not a real date and time"),
    ],
)
def test_impossible_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        PartialDate.parse(text)
    assert str(info.value) == message


def test_leap_day() -> None:
    assert PartialDate.parse("2024-02-29").display() == "29 February 2024"


def test_month_sorts_before_its_days() -> None:
    month, day = PartialDate.parse("2025-01"), PartialDate.parse("2025-01-01")
    assert month.sort_key < day.sort_key


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2025-01-10", "2025-01-17", "10–17 January 2025"),
        ("2025-01-13", "2025-02-02", "13 January – 2 February 2025"),
        ("2025-04", "2025-06", "April–June 2025"),
        ("2024-12-06", "2025-01-17", "6 December 2024 – 17 January 2025"),
        ("2025-01-13", "2025-01-13", "13 January 2025"),
    ],
)
def test_ranges(start: str, end: str, shown: str) -> None:
    assert display_range(PartialDate.parse(start), PartialDate.parse(end)) == shown
