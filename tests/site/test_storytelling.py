"""What a reader is told: the timeline's pages and anchors, previous and next events, the
home page's key moments, citations, and the small things an entry page says."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from helpers import actor, corpus_of, event, quote, site_config

from generator.kinds.actor import Actor
from generator.kinds.timeline import Timeline
from generator.site import cite, render
from generator.site.render import language_name

CONFIG = site_config()


def _actor(id: str) -> Actor:
    return actor(id, added="2025-01-20", name=id.title())


def _spread(years: range, each: int) -> list:
    return [
        event(id=f"e{year}-{i:02d}", date=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for year in years
        for i in range(each)
    ]


# --- the timeline's pages ----------------------------------------------------------------


def test_sparse_years_share_a_page_and_busy_ones_are_split() -> None:
    # 2010-2013: 30 a year, packed under 100 a page; 2014: 150, split into months
    events = sorted(
        _spread(range(2010, 2014), 30) + _spread(range(2014, 2015), 150),
        key=lambda e: e.date.sort_key,
    )
    line = Timeline.of(events)
    titles = [p.title for p in line.event_pages]
    assert titles[:2] == ["2010–2012", "2013"]
    assert [p.src for p in line.event_pages[:2]] == ["timeline/2010-2012.md", "timeline/2013.md"]
    assert titles[2:] == [
        f"{m} 2014"
        for m in (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        )
    ]
    assert not line.single
    # anchors point at the heading that exists on the page that has the period
    assert line.link("2011") == ("timeline/2010-2012.md", "2011")
    assert line.link("2013") == ("timeline/2013.md", "")  # the page's title is the year
    assert line.link("2013-02") == ("timeline/2013.md", "2013-02")  # 30 events: by month
    assert line.link("2014") == ("timeline/2014.md", "")  # the split year's list of months
    assert line.link("2014-03") == ("timeline/2014/03.md", "")
    assert line.page_of["e2011-00"] == "timeline/2010-2012.md"
    pages = render.render_pages(corpus_of(*events), CONFIG)
    assert "timeline/2010-2012.md" in pages and "timeline/2011.md" not in pages
    page = pages["timeline/2010-2012.md"]
    assert '## 2011 { #2011 data-record-period="2011" }' in page
    assert '### February 2011 { #2011-02 data-record-period="2011-02" }' in page


def test_the_whole_record_on_one_page_when_it_fits() -> None:
    events = _spread(range(2013, 2016), 5)
    line = Timeline.of(events)
    assert line.single and [p.src for p in line.event_pages] == ["timeline/index.md"]
    assert line.link("2014") == ("timeline/index.md", "2014")
    assert line.link("2014-03") == ("timeline/index.md", "2014")  # 5 events: no month headings


def test_a_busy_month_has_a_heading_per_week() -> None:
    days = [6, 7, 13, 14, 15, 20, 27, 28, 29, 30]  # 10 events in January 2025
    events = [event(id="m", date="2025-01")] + [
        event(id=f"d{d:02d}", date=f"2025-01-{d:02d}") for d in days
    ]
    pages = render.render_pages(corpus_of(*events), CONFIG)
    page = pages["timeline/index.md"]
    headings = re.findall(r"^#### (.+?) \{ #([\w-]+)", page, re.MULTILINE)
    assert headings == [
        ("Sometime in January 2025", "2025-01-undated"),
        ("6–12 January", "2025-01-06"),
        ("13–19 January", "2025-01-13"),
        ("20–26 January", "2025-01-20"),
        ("27–31 January", "2025-01-27"),  # the week is cut at the month's end
    ]
    assert 'data-periods="2025 2025-01 2025-01-13"' in page


def test_the_filter_index_lists_every_event_with_its_page_link() -> None:
    people = [_actor("ann")]
    events = [event(id="a", date="2024-05", tags=("x",), actors=("ann",), key_moment=True)]
    pages = render.render_pages(corpus_of(*people, *events), CONFIG)
    data = json.loads(pages["timeline/events.json"])
    assert data == {
        "events": [
            {
                "id": "a",
                "title": "Event a",
                "when": "May 2024",
                "date": "2024-05",
                "url": "../events/a/",
                "tags": ["x"],
                "actors": ["ann"],
                "key": True,
            }
        ],
        "actors": {"ann": "Ann"},
    }


# --- entry pages -------------------------------------------------------------------------


def test_event_pages_link_the_previous_and_next_events_in_time() -> None:
    events = [
        event(id=i, date=d) for i, d in (("c", "2025-03"), ("a", "2024"), ("b", "2025-01-02"))
    ]
    pages = render.render_pages(corpus_of(*events), CONFIG)
    first, middle, last = pages["events/a.md"], pages["events/b.md"], pages["events/c.md"]
    assert (
        'rel="prev"' not in first
        and '<a class="record-prevnext__next" href="../b/" rel="next">' in first
    )
    assert 'href="../a/" rel="prev"' in middle and 'href="../c/" rel="next"' in middle
    assert 'href="../b/" rel="prev"' in last and 'rel="next"' not in last
    assert "Next event, <time" in middle and "Event c" in middle


def test_every_entry_page_can_be_cited() -> None:
    e = event(
        id="dark",
        title="TikTok goes {dark} & 100% off",
        added="2026-11-25",
        updated=dt.date(2026, 12, 1),
    )
    assert cite.apa(e, CONFIG) == (
        "RedNote Record. (2026, December 1). TikTok goes {dark} & 100% off. "
        "https://example.org/record/events/dark/"
    )
    assert cite.bibtex(e, CONFIG) == (
        "@misc{rednote-record:dark,\n"
        "  author = {{RedNote Record}},\n"
        "  title = {{TikTok goes \\{dark\\} \\& 100\\% off}},\n"
        "  year = {2026},\n"
        "  month = dec,\n"
        "  url = {https://example.org/record/events/dark/},\n"
        "  note = {Event, last updated 2026-12-01}\n"
        "}"
    )
    page = render.render_pages(corpus_of(e), CONFIG)["events/dark.md"]
    assert "## Cite this entry" in page
    assert 'last updated <time datetime="2026-12-01">1 December 2026</time>' in page
    assert "TikTok goes {dark} &amp; 100% off." in page  # escaped once, as HTML
    assert "og_type: article" in page


def test_a_question_ends_its_own_citation_title() -> None:
    e = event(id="q", title="Can it last?")
    assert "Can it last? https://" in cite.apa(e, CONFIG)


@pytest.mark.parametrize(
    "tag, name",
    [
        ("en", "English"),
        ("zh-Hans", "Chinese (simplified characters)"),
        ("zh-Hant-TW", "Chinese (traditional characters, Taiwan)"),
        ("tlh", "tlh"),  # unknown: as written
        ("zh-Latn", "zh-Latn"),
        ("zh-hans", "Chinese (simplified characters)"),  # tags are case-insensitive
    ],
)
def test_languages_are_named_not_coded(tag: str, name: str) -> None:
    assert language_name(tag) == name


def test_an_entry_is_listed_once_under_related_or_referred_to_by() -> None:
    speaker = _actor("ann")
    e = event(id="e", related=("q",))
    q = quote(id="q", speaker="ann", date="2025-01-13", event="e")
    page = render.render_pages(corpus_of(speaker, e, q), CONFIG)["events/e.md"]
    assert "## Referred to by" in page and "## Related entries" not in page


def test_an_actor_without_sources_has_no_empty_sources_section() -> None:
    pages = render.render_pages(corpus_of(_actor("ann")), CONFIG)
    assert "## Sources" not in pages["actors/ann.md"]
    assert "No sources listed" not in pages["actors/ann.md"]


# --- the home page -----------------------------------------------------------------------


def test_home_tells_the_story_with_key_moments_and_the_newest_first() -> None:
    config = site_config()
    config = type(config)(**{**config.__dict__, "intro": "What **happened**."})
    events = [
        event(id="old", date="2013-06", added="2025-01-20"),
        event(id="new", date="2026-04", added="2025-01-20"),
        event(id="key", date="2025-01-18", added="2025-01-20", key_moment=True),
        event(id="fixed", date="2014", added="2025-01-20", updated=dt.date(2025, 2, 1)),
    ]
    home = render.render_pages(corpus_of(*events, _actor("ann")), config)["index.md"]
    assert "<p>What <strong>happened</strong>.</p>" in home
    moments = home[home.index('<ol class="record-moments">') :]
    moments = moments[: moments.index("</ol>")]
    assert re.findall(r'href="events/([\w-]+)/"', moments) == ["key"]
    latest = home[home.index('<ol class="record-latest">') :]
    latest = latest[: latest.index("</ol>")]
    # the corrected entry first, then by date, newest first; actors are not news
    assert re.findall(r'href="events/([\w-]+)/"', latest) == ["fixed", "new", "key", "old"]
    assert "updated <time" in latest
    assert '<figure class="record-chart"' in home
    assert 'href="timeline/#2025"' in home


# --- key moments in the entry format -----------------------------------------------------

EVENT_YAML = """\
title: Something happened
date: 2025-01-13
summary: It did.
sources:
  - url: https://example.com/a
    title: A report
added: 2025-01-20
"""


@pytest.mark.parametrize(
    "value, problem",
    [
        ("true", None),
        ("false", None),
        ("yes", "'key_moment' must be true or false, not 'yes'"),
        ("[true]", "'key_moment' must be true or false, not a list"),
    ],
)
def test_key_moment_is_true_or_false(tmp_path: Path, value: str, problem: str | None) -> None:
    from generator.validate.record import collect

    (tmp_path / "events").mkdir()
    path = tmp_path / "events" / "2025-01-13-something.yaml"
    path.write_text(EVENT_YAML + f"key_moment: {value}\n", encoding="utf-8")
    result = collect(tmp_path)
    if problem is None:
        assert result.problems == []
        (e,) = result.corpus.of("event")
        assert e.key_moment is (value == "true")
    else:
        assert [(p.line, p.col, p.message) for p in result.problems] == [(8, 13, problem)]


def test_a_record_without_events_says_so() -> None:
    pages = render.render_pages(corpus_of(_actor("ann")), CONFIG)
    timeline = pages["timeline/index.md"]
    assert "No events yet." in timeline and "record-rail" not in timeline
    assert json.loads(pages["timeline/events.json"]) == {"events": [], "actors": {}}
