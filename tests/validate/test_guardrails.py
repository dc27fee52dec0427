"""Guardrails: placeholders left in and an id whose date disagrees are problems, precisely:
what is real text, a real example.org URL or a date that agrees passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import edit

from generator.core.dates import PartialDate
from generator.validate.guardrails import PLACEHOLDER_URL, id_date, id_date_problem, renamed_id
from generator.validate.record import collect

EVENT = "events/2025-01-13-rednote-tops-app-store.yaml"


@pytest.fixture
def entries(valid_entries: Path) -> Path:
    return valid_entries


def messages(entries: Path) -> list[str]:
    return [f"{p.line}:{p.col}: {p.message}" for p in collect(entries).problems]


@pytest.mark.parametrize(
    "title",
    [
        "TODO: a short, neutral title",
        "RedNote tops the chart TODO",
        "TODO",
        "(TODO) RedNote tops the chart",
    ],
)
def test_todo_as_a_word_is_a_placeholder(entries: Path, title: str) -> None:
    edit(entries, EVENT, "title: RedNote tops the US App Store", f'title: "{title}"')
    result = collect(entries)
    assert result.corpus is None  # an entry with a placeholder is not built
    assert [p.message for p in result.problems] == [
        f"'title' still holds the placeholder {title!r}; fill it in: A short, neutral headline."
    ]


@pytest.mark.parametrize(
    "title", ["Todo lists on RedNote", "TODOS", "A TODOlist", "MASTODON_TODO", "todo: later"]
)
def test_todo_inside_a_word_or_in_lowercase_is_text(entries: Path, title: str) -> None:
    edit(entries, EVENT, "title: RedNote tops the US App Store", f'title: "{title}"')
    assert messages(entries) == []


def test_a_todo_deep_in_a_long_text_is_shown_from_the_todo(entries: Path) -> None:
    long = "Xiaohongshu reached No. 1 among free apps on the US App Store, " * 3
    edit(
        entries,
        EVENT,
        "  Xiaohongshu reached **No. 1**",
        f"  {long}TODO check the rank in the Play Store, which differs, and the date it went "
        "up there and",
    )
    assert messages(entries) == [
        "3:10: 'summary' still holds the placeholder "
        "'...TODO check the rank in the Play Store, which differs, and...'; "
        "fill it in: What happened (Markdown)."
    ]


def test_an_optional_field_may_be_deleted_instead(entries: Path) -> None:
    edit(entries, "actors/christine-lu.yaml", "kind: person\n", 'kind: person\nname_zh: "TODO"\n')
    assert messages(entries) == [
        "3:10: 'name_zh' still holds the placeholder 'TODO'; fill it in, or delete the line: "
        "Name in Chinese."
    ]


def test_a_value_the_schema_refuses_is_reported_once(entries: Path) -> None:
    edit(entries, EVENT, "tags: [migration, app-rankings]", "tags: [migration, TODO]")
    found = messages(entries)
    assert len(found) == 1
    assert found[0].startswith("6:19: 'tags[1]': 'TODO' ")
    assert "placeholder" not in found[0]


@pytest.mark.parametrize(
    "url",
    [
        PLACEHOLDER_URL,
        "http://example.org/replace-with-the-source-url",
        "https://www.example.com/replace-with-the-source-url/",
        "https://EXAMPLE.org/Replace-With-The-Source-URL",
    ],
)
def test_the_skeleton_url_is_a_placeholder(entries: Path, url: str) -> None:
    edit(entries, EVENT, "https://www.ccn.com/news/technology/tik-tok-users-rush-to-rednote/", url)
    assert messages(entries) == [
        f"9:10: 'sources[0].url' is still the example URL {url!r}: fill in the source's real URL"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/voa",
        "https://example.org/replace-with-the-source-url-of-the-voa-report",
        "https://example.org/news/replace-with-the-source-url",
    ],
)
def test_other_example_urls_are_urls(entries: Path, url: str) -> None:
    edit(entries, EVENT, "https://www.ccn.com/news/technology/tik-tok-users-rush-to-rednote/", url)
    assert messages(entries) == []


def test_the_placeholder_url_in_an_actors_handle(entries: Path) -> None:
    edit(
        entries,
        "actors/christine-lu.yaml",
        "kind: person\n",
        f"kind: person\nhandles:\n  - platform: X\n    handle: '@x'\n    url: {PLACEHOLDER_URL}\n",
    )
    assert messages(entries) == [
        f"6:10: 'handles[0].url' is still the example URL {PLACEHOLDER_URL!r}: fill in the real "
        "URL, or delete the line"
    ]


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("2025-01-13-x", "2025-01-13"),
        ("2025-01-13-x", "2025-01"),  # the date is coarser: they agree as far as it goes
        ("2025-01-13-x", "2025"),
        ("2025-01-x", "2025-01-13"),  # compared at the id's precision
        ("2025-x", "2025-12-31"),
        ("2025-01-18-x", "2025-01-18T22:30:00-05:00"),  # 19 January in UTC: the written day
        ("2025-01-19-x", "2025-01-19T01:30:00+08:00"),  # 18 January in UTC
        ("x-2025-01-18", "2025-01-13"),  # a date at the end is not a prefix
        ("1000-days-of-x", "2025-01-13"),  # not a year of this record
        ("2025-13-x", "2025-01-13"),  # no month 13: the prefix is the year, 2025
        ("2025-02-30-x", "2025-02-28"),  # no 30 February: the prefix is the year and month
    ],
)
def test_id_and_date_that_agree(name: str, date: str) -> None:
    assert id_date_problem(name, PartialDate.parse(date), "'date'") is None


@pytest.mark.parametrize(
    ("name", "date", "renamed"),
    [
        ("2025-01-13-x", "2025-01-18", "2025-01-18-x"),
        ("2025-01-13-x", "2025-02", "2025-02-x"),
        ("2025-01-x", "2025-02-13", "2025-02-x"),
        ("2025-x", "2024-12-31", "2024-x"),
        ("2025-01-19-x", "2025-01-18T22:30:00-05:00", "2025-01-18-x"),
        ("2025-01-13", "2025-01-14", "2025-01-14"),
    ],
)
def test_id_and_date_that_disagree(name: str, date: str, renamed: str) -> None:
    parsed = PartialDate.parse(date)
    message = id_date_problem(name, parsed, "'date'")
    assert message is not None and message.startswith(f"the id {name!r} starts with ")
    assert f"but 'date' is {date}" in message
    assert renamed_id(name, parsed) == renamed


def test_id_date_prefixes() -> None:
    assert id_date("2025-01-13-rednote") == PartialDate.parse("2025-01-13")
    assert id_date("2025-01-duizhang") == PartialDate.parse("2025-01")
    assert id_date("2026-project-ends") == PartialDate.parse("2026")
    assert id_date("quote-hu-xijin") is None
    assert id_date("20250113-rednote") is None


def test_an_event_id_that_disagrees(entries: Path) -> None:
    edit(entries, EVENT, "date: 2025-01-13", "date: 2025-01-18T22:30:00-05:00")
    assert messages(entries) == [
        "2:7: the id '2025-01-13-rednote-tops-app-store' starts with 2025-01-13, but 'date' is "
        "2025-01-18T22:30:00-05:00 (18 January 2025, 22:30 UTC−05:00): rename the file to "
        "2025-01-18-rednote-tops-app-store.yaml if the date is right, or correct the date"
    ]


def test_a_quote_or_list_id_with_a_date_is_checked_too(entries: Path) -> None:
    shutil.move(entries / "lists/three-ts.yaml", entries / "lists/2025-02-three-ts.yaml")
    assert messages(entries) == [
        "4:7: the id '2025-02-three-ts' starts with 2025-02, but 'date' is 2025-01-16: rename "
        "the file to 2025-01-three-ts.yaml if the date is right, or correct the date"
    ]


def test_an_actor_has_no_date_to_disagree_with(entries: Path) -> None:
    edit(entries, EVENT, "actors: [christine-lu]", "actors: [christine-lu, 1989-tank-man]")
    (entries / "actors/1989-tank-man.yaml").write_text(
        "name: Tank Man\nkind: person\nadded: 2026-11-25\n", encoding="utf-8"
    )
    assert messages(entries) == []


def test_an_unreal_date_is_reported_once(entries: Path) -> None:
    edit(entries, EVENT, "date: 2025-01-13", "date: 2025-02-30")
    assert messages(entries) == [
        "2:7: 'date': 2025-02-30 is not a real date: February 2025 has 28 days"
    ]
