"""Feeds: a real client (feedparser) reads every one; ids, order, dates and text are right."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import feedgen.entry
import feedgen.feed
import feedparser
import jsonschema
import pytest
from feedgen.feed import FeedGenerator
from helpers import SITE_URL, SOURCE, censorship_list, corpus_of, event, quote, site_config

import generator
from generator.core.config import SiteConfig, load_config
from generator.core.dates import PartialDate
from generator.core.errors import ConfigError
from generator.core.markup import plain_text
from generator.format import corpus as corpus_module
from generator.format.corpus import Corpus
from generator.format.model import Correction
from generator.kinds.actor import Actor
from generator.kinds.censorship_list import CensorshipList, ListItem
from generator.kinds.event import ZhText
from generator.kinds.quote import Quote
from generator.publish import feeds
from generator.site.render import make_environment
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN_ENTRIES = ROOT / "tests" / "data" / "golden" / "entries"
DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
AUTHORITY = "rednote-record.github.io,2025"
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


config = site_config


@pytest.fixture
def env():
    return make_environment()


@pytest.fixture
def small_corpus() -> Corpus:
    """One of each kind, Chinese text, a tag that only an actor carries."""
    actor = Actor(
        id="hu-xijin",
        path=Path("entries/actors/hu-xijin.yaml"),
        added=date(2025, 1, 2),
        name="Hu Xijin",
        kind="person",
        name_zh="胡锡进",
        tags=("state-media", "only-actors"),
    )
    quote = Quote(
        id="quote-welcome",
        path=Path("entries/quotes/quote-welcome.yaml"),
        added=date(2025, 1, 16),
        text="欢迎来自世界各地的朋友!",
        lang="zh-Hans",
        translation="Welcome, friends from all over the world!",
        speaker="hu-xijin",
        date=PartialDate.parse("2025-01-14"),
        platform="Weibo",
        sources=(SOURCE,),
        tags=("migration", "state-media"),
    )
    lst = CensorshipList(
        id="reported-removals",
        path=Path("entries/lists/reported-removals.yaml"),
        added=date(2025, 1, 21),
        title="Reported removals",
        platform="Xiaohongshu",
        compiled_by="hu-xijin",
        date=PartialDate.parse("2025-01"),
        summary="Terms users said got posts *removed*.",
        items=(
            ListItem(
                evidence="reported", term="六四", translation="June Fourth", category="history"
            ),
        ),
        sources=(SOURCE,),
        tags=("censorship",),
    )
    return corpus_of(
        event(
            id="2025-01-13-migration",
            added="2025-01-14",
            tags=("migration",),
            title="小红书 “TikTok 难民” 涌入 & more",
            zh=ZhText(title="TikTok难民涌入小红书", summary="数十万美国用户**涌入**小红书。"),
        ),
        event(id="2024-04-law", added="2025-01-10", date="2024-04", tags=("us-law",)),
        quote,
        lst,
        actor,
    )


def build(corpus: Corpus, cfg: SiteConfig | None = None, env=None) -> dict[str, bytes]:
    return feeds.build_feeds(corpus, cfg or config(), env or make_environment())


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def atom(files: dict[str, bytes], name: str = "feeds/all") -> feedparser.FeedParserDict:
    parsed = parse(files[f"{name}.atom.xml"])
    assert parsed.version == "atom10"
    return parsed


def rss(files: dict[str, bytes], name: str = "feeds/all") -> feedparser.FeedParserDict:
    parsed = parse(files[f"{name}.rss.xml"])
    assert parsed.version == "rss20"
    return parsed


def json_feed(files: dict[str, bytes]) -> dict:
    return json.loads(files["feeds/all.json"].decode("utf-8"))


def ids(parsed: feedparser.FeedParserDict) -> list[str]:
    return [e.id for e in parsed.entries]


def tag_id(kind: str, id: str) -> str:
    return f"tag:{AUTHORITY}:{kind}/{id}"


# --- every feed, read by a real client -----------------------------------------------------


def test_the_site_publishes_these_feeds(small_corpus):
    files = build(small_corpus)
    assert sorted(files) == sorted(
        [
            f"feeds/{name}.{fmt}.xml"
            for name in (
                "all",
                "events",
                "quotes",
                "lists",
                "tags/censorship",
                "tags/migration",
                "tags/only-actors",
                "tags/state-media",
                "tags/us-law",
            )
            for fmt in ("atom", "rss")
        ]
        + ["feeds/all.json"]
    )


def test_every_feed_parses_cleanly(small_corpus):
    files = build(small_corpus)
    expected = {
        "feeds/all": ["reported-removals", "quote-welcome", "2025-01-13-migration", "2024-04-law"],
        "feeds/events": ["2025-01-13-migration", "2024-04-law"],
        "feeds/quotes": ["quote-welcome"],
        "feeds/lists": ["reported-removals"],
        "feeds/tags/censorship": ["reported-removals"],
        "feeds/tags/migration": ["quote-welcome", "2025-01-13-migration"],
        "feeds/tags/state-media": ["quote-welcome"],  # the actor carries it too, but is no news
        "feeds/tags/only-actors": [],
        "feeds/tags/us-law": ["2024-04-law"],
    }
    for name, entry_ids in expected.items():
        for parsed in (atom(files, name), rss(files, name)):
            assert [i.rpartition("/")[2] for i in ids(parsed)] == entry_ids, name


@pytest.mark.record
def test_every_feed_of_the_real_knowledge_base_parses_cleanly():
    corpus = load_corpus(ROOT / "entries")
    cfg = load_config(ROOT / "mkdocs.yml")
    files = build(corpus, cfg)
    assert len(files) == 2 * (4 + len(corpus.tags)) + 1
    for path, data in files.items():
        if path.endswith(".xml"):
            parsed = parse(data)
            assert len(parsed.entries) <= cfg.feed_limit
            assert all(e.link.startswith(cfg.require_site_url()) for e in parsed.entries)
    assert len(atom(files).entries) == min(
        cfg.feed_limit, sum(1 for e in corpus.entries.values() if e.KIND.name != "actor")
    )


def test_no_actor_feed_and_no_actor_items(small_corpus):
    files = build(small_corpus)
    assert not any(path.startswith("feeds/actors") for path in files)
    assert not any(b"actor/hu-xijin" in data for data in files.values())


# --- one item ------------------------------------------------------------------------------


def test_an_item_has_id_link_title_dates_and_categories(small_corpus):
    files = build(small_corpus)
    for parsed in (atom(files, "feeds/events"), rss(files, "feeds/events")):
        item = parsed.entries[0]
        assert item.id == tag_id("event", "2025-01-13-migration")
        assert item.link == SITE_URL + "events/2025-01-13-migration/"
        assert item.title == "13 January 2025: 小红书 “TikTok 难民” 涌入 & more"
        assert item.published == (
            "2025-01-14T00:00:00+00:00"
            if parsed.version == "atom10"
            else "Tue, 14 Jan 2025 00:00:00 +0000"
        )
        assert [t.term for t in item.tags] == ["migration"]
    assert atom(files, "feeds/events").entries[0].updated == "2025-01-14T00:00:00+00:00"
    assert rss(files).entries[0].guidislink is False


def test_item_content_is_the_rendered_entry(small_corpus):
    files = build(small_corpus)
    by_id = {e.id: e for e in atom(files).entries}
    migration = by_id[tag_id("event", "2025-01-13-migration")]
    content = migration.content[0]
    assert content.type == "text/html"
    assert "<strong>13 January 2025</strong>" in content.value
    assert "<strong>涌入</strong>" in content.value  # the Chinese summary, as Markdown → HTML
    assert '<a href="https://example.com/report">A report</a>, Example News' in content.value
    assert plain_text(small_corpus.entries["2025-01-13-migration"].summary) in migration.summary

    quote = by_id[tag_id("quote", "quote-welcome")]
    assert quote.title == "Hu Xijin: “Welcome, friends from all over the world!”"
    assert '<blockquote lang="zh-Hans">' in quote.content[0].value
    assert "欢迎来自世界各地的朋友!" in quote.content[0].value
    assert "— Hu Xijin, 14 January 2025, on Weibo" in quote.content[0].value

    lst = by_id[tag_id("list", "reported-removals")]
    assert "<li>六四 — June Fourth</li>" in lst.content[0].value


def test_html_in_text_comes_out_as_text(env):
    title = '<script>alert("x")</script> & <b>Tom</b>'
    summary = "Uses <script>alert(1)</script> & says 1 < 2."
    # Some readers take an RSS title for HTML: what would be a tag is left out of titles, not
    # escaped; the rest of the text stays as written.
    plain_title = '13 January 2025: alert("x") & Tom'
    files = build(corpus_of(event(id="xss", title=title, summary=summary)), env=env)
    for path in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        raw = files[path]
        assert b"<script" not in raw and b"<b>" not in raw
        assert b"&lt;b&gt;" not in raw and b"&lt;/script&gt; &amp;" not in raw  # the title's
        assert b"alert(1)" in raw  # the summary's, escaped (twice: it is HTML)
    for parsed in (atom(files), rss(files)):
        item = parsed.entries[0]
        assert item.title == plain_title
        assert item.title_detail.type == "text/plain"
        # The summary is HTML whose text is the plain summary: "<" shows as "<".
        assert html.unescape(item.summary) == "Uses <script>alert(1)</script> & says 1 < 2."
        content = item.content[0].value
        assert "<script" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    item = json_feed(files)["items"][0]
    assert item["title"] == plain_title
    assert item["summary"] == "Uses <script>alert(1)</script> & says 1 < 2."
    assert "<script" not in item["content_html"]


def test_chinese_text_round_trips_as_utf8(small_corpus):
    files = build(small_corpus)
    raw = files["feeds/all.atom.xml"]
    assert "小红书 “TikTok 难民” 涌入".encode() in raw  # raw UTF-8, not character references
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    for parsed in (atom(files), rss(files)):
        titles = [e.title for e in parsed.entries]
        assert "13 January 2025: 小红书 “TikTok 难民” 涌入 & more" in titles
    assert (
        json_feed(files)["items"][2]["title"] == "13 January 2025: 小红书 “TikTok 难民” 涌入 & more"
    )
    assert "小红书 “TikTok 难民”".encode() in files["feeds/all.json"]


def test_control_characters_are_stripped():
    bad = "Bad\x01 title\x0b with\x1f controls\x7f"
    # Without stripping, feedgen (lxml) refuses the text outright:
    fg = FeedGenerator()
    fg.id("tag:example.org,2025:x")
    fg.title("t")
    fe = fg.add_entry()
    fe.id("tag:example.org,2025:event/x")
    fe.link(href="https://example.org/x/")
    fe.title(bad)
    with pytest.raises(ValueError, match="XML compatible"):
        fg.atom_str()
    files = build(
        corpus_of(
            event(id="ctrl", title=bad, summary="Sum\x02mary\x08.", zh=ZhText(title="标\x03题"))
        )
    )
    for parsed in (atom(files), rss(files)):
        item = parsed.entries[0]
        assert item.title == "13 January 2025: Bad title with controls"
        assert "Summary." in item.summary
        assert "标题" in item.content[0].value
    assert json_feed(files)["items"][0]["title"] == "13 January 2025: Bad title with controls"


# --- ids -----------------------------------------------------------------------------------


def test_ids_do_not_change_with_the_title_or_the_site_url():
    before = build(corpus_of(event(id="steady", title="First headline")))
    retitled = build(corpus_of(event(id="steady", title="A better headline")))
    moved = build(
        corpus_of(event(id="steady", title="First headline")),
        config(site_url="https://mirror.example.net/elsewhere/"),
    )
    expected = tag_id("event", "steady")
    for files in (before, retitled, moved):
        assert ids(atom(files)) == ids(rss(files)) == [expected]
        assert [i["id"] for i in json_feed(files)["items"]] == [expected]
        assert atom(files).feed.id == f"tag:{AUTHORITY}:feeds/all"
    assert atom(moved).entries[0].link == "https://mirror.example.net/elsewhere/events/steady/"
    assert atom(retitled).entries[0].title == "13 January 2025: A better headline"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("example.org,2030-05", "tag:example.org,2030-05:event/x"),
        ("editors@example.org,2026", "tag:editors@example.org,2026:event/x"),
    ],
)
def test_the_id_authority_comes_from_the_config(setting, expected):
    files = build(corpus_of(event(id="x")), config(feed_id_authority=setting))
    assert ids(atom(files)) == [expected]


def test_no_id_authority_is_refused_with_one_to_copy(tmp_path):
    cfg = dataclasses.replace(
        config(site_url="https://Records.Example.net/ai/"), raw={"extra": {"record": {}}}
    )
    with pytest.raises(ConfigError) as refused:
        feeds.write_feeds(corpus_of(event(id="x")), cfg, tmp_path)
    year = date.today().year
    assert "extra.record.feed_id_authority is not set" in str(refused.value)
    assert f"`feed_id_authority: records.example.net,{year}`" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "setting", ["https://example.org/", "Example.org", "example", 42, "example.org"]
)
def test_a_bad_id_authority_is_a_clear_error(setting, tmp_path):
    with pytest.raises(ConfigError, match="extra.record.feed_id_authority"):
        feeds.write_feeds(corpus_of(event(id="x")), config(feed_id_authority=setting), tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- order, limit and dates ----------------------------------------------------------------


def test_newest_first_by_last_modified_then_id():
    files = build(
        corpus_of(
            event(id="c-same-day", added="2025-02-01"),
            event(id="a-same-day", added="2025-02-01"),
            event(id="old", added="2025-01-01"),
            event(id="edited", added="2024-12-01", updated=date(2025, 3, 1)),
            event(id="b-same-day", added="2025-02-01"),
        )
    )
    expected = ["edited", "a-same-day", "b-same-day", "c-same-day", "old"]
    for parsed in (atom(files), rss(files)):
        assert [i.rpartition("/")[2] for i in ids(parsed)] == expected
    assert [i["id"].rpartition("/")[2] for i in json_feed(files)["items"]] == expected


ONE_DAY = "2025-02-01"  # every entry of the real record shares one `added` date


def _quote(id: str, when: str, added: str = ONE_DAY, **fields) -> Quote:
    return quote(id=id, date=when, added=added, **fields)


def _list(id: str, when: str, added: str = ONE_DAY, **fields) -> CensorshipList:
    return censorship_list(id=id, date=when, added=added, **fields)


def _speaker() -> Actor:
    path = Path("entries/actors/hu-xijin.yaml")
    return Actor(id="hu-xijin", path=path, added=date(2025, 3, 1), name="Hu Xijin", kind="person")


def _kinds_and_ids(parsed: feedparser.FeedParserDict) -> list[str]:
    """``kind/id`` of each item: ``tag:<authority>:event/x`` → ``event/x``."""
    return [i.rpartition(":")[2] for i in ids(parsed)]


def test_with_one_added_date_the_everything_feed_mixes_every_kind_newest_first():
    """The real record's case: ties on `added` fall to the entry's own date, not to its id."""
    corpus = corpus_of(
        event(id="a-2013-event", date="2013-06", added=ONE_DAY),
        event(id="b-event", date="2025-01-18", added=ONE_DAY),
        _quote("c-quote", "2025-01-19"),
        _list("d-list", "2025-01-15"),
        _quote("e-quote-month", "2025-01"),  # a month comes after every day of it
        event(id="f-event-same-day", date="2025-01-15", added=ONE_DAY),
        _speaker(),
    )
    files = build(corpus)
    expected = [
        "quote/c-quote",
        "event/b-event",
        "list/d-list",  # the same date as f-event-same-day: by id
        "event/f-event-same-day",
        "quote/e-quote-month",
        "event/a-2013-event",
    ]
    for parsed in (atom(files), rss(files)):
        assert _kinds_and_ids(parsed) == expected
    assert [i["id"].rpartition(":")[2] for i in json_feed(files)["items"]] == expected
    assert _kinds_and_ids(atom(build(corpus, config(limit=3)))) == expected[:3]


@pytest.mark.record
def test_the_real_everything_feed_holds_every_feed_kind_in_news_order():
    corpus = load_corpus(ROOT / "entries")
    cfg = load_config(ROOT / "mkdocs.yml")
    news = [e for e in corpus.entries.values() if e.KIND.feed]
    expected = [feeds.entry_id(e, AUTHORITY) for e in corpus_module.newest_first(news)]
    parsed = atom(build(corpus, cfg))
    assert ids(parsed) == expected[: cfg.feed_limit]
    # Without the limit, every kind with a feed is in it (the newest 50 may all be of two).
    everything = atom(build(corpus, dataclasses.replace(cfg, feed_limit=len(news))))
    assert ids(everything) == expected
    shown = {i.rpartition(":")[2].partition("/")[0] for i in ids(everything)}
    assert shown == {"event", "quote", "list"}


def test_updated_and_corrected_entries_come_first_then_the_newest_added():
    fix = Correction(date=PartialDate.parse("2025-03-02"), note="Fixed.")
    corpus = corpus_of(
        event(id="a-newest-date", date="2025-12-31", added=ONE_DAY),
        _quote("b-corrected", "2013", corrections=(fix,)),
        _list("c-updated", "2014-05", updated=date(2025, 3, 1)),
        event(id="d-added-later", date="2000", added="2025-03-01"),
        _speaker(),
    )
    expected = [
        "quote/b-corrected",  # last_modified 2 March
        "event/d-added-later",  # 1 March, and added then: before c-updated, added in February
        "list/c-updated",
        "event/a-newest-date",
    ]
    files = build(corpus)
    for parsed in (atom(files), rss(files)):
        assert _kinds_and_ids(parsed) == expected
    assert atom(files).feed.updated == "2025-03-02T00:00:00+00:00"
    assert _kinds_and_ids(atom(files, "feeds/lists")) == ["list/c-updated"]


def test_newest_first_sorts_undated_entries_after_dated_ones_and_ties_by_id():
    same = {"added": ONE_DAY}
    entries = [
        _speaker(),
        dataclasses.replace(_speaker(), id="an-actor", added=date.fromisoformat(ONE_DAY)),
        event(id="z-old", date="1999", **same),
        event(id="b-twin", date="2025-01-13T10:00:00+08:00", **same),
        event(id="a-twin", date="2025-01-13T10:00:00+08:00", **same),
        event(id="later-that-day", date="2025-01-13T03:00:00Z", **same),  # 11:00 in Beijing
        event(id="that-day", date="2025-01-13", **same),
    ]
    assert [e.id for e in corpus_module.newest_first(entries)] == [
        "hu-xijin",  # added in March: first, though it has no date
        "later-that-day",
        "a-twin",
        "b-twin",
        "that-day",  # a day sorts before the times within it in the timeline: after, here
        "z-old",
        "an-actor",  # no date: after every dated entry of the same day
    ]
    assert feeds.newest_first is corpus_module.newest_first


def test_the_rss_channel_links_the_page_the_feed_follows(small_corpus):
    files = build(small_corpus)
    pages = {
        "feeds/all": SITE_URL,
        "feeds/events": SITE_URL + "timeline/",
        "feeds/quotes": SITE_URL + "quotes/",
        "feeds/lists": SITE_URL + "lists/",
        "feeds/tags/migration": SITE_URL + "tags/migration/",
        "feeds/tags/only-actors": SITE_URL + "tags/only-actors/",
    }
    for name, page in pages.items():
        channel = ET.fromstring(files[f"{name}.rss.xml"]).find("channel")
        assert channel is not None
        assert channel.findtext("link") == page, name
        assert [(a.get("rel"), a.get("href")) for a in channel.findall(ATOM_LINK)] == [
            ("self", f"{SITE_URL}{name}.rss.xml")
        ], name
        assert rss(files, name).feed.link == page
        feed = ET.fromstring(files[f"{name}.atom.xml"])
        assert sorted((a.get("rel"), a.get("href")) for a in feed.findall(ATOM_LINK)) == [
            ("alternate", page),
            ("self", f"{SITE_URL}{name}.atom.xml"),
        ], name
        assert atom(files, name).feed.link == page


def test_a_correction_bumps_updated_and_reorders_the_feed():
    old = event(id="old-story", added="2025-01-01")
    new = event(id="new-story", added="2025-02-01")
    before = build(corpus_of(old, new))
    assert [i.rpartition("/")[2] for i in ids(atom(before))] == ["new-story", "old-story"]

    fixed = dataclasses.replace(
        old,
        corrections=(
            Correction(date=PartialDate.parse("2025-03-05"), note="The date was *wrong*."),
        ),
    )
    after = build(corpus_of(fixed, new))
    parsed = atom(after)
    assert [i.rpartition("/")[2] for i in ids(parsed)] == ["old-story", "new-story"]
    item = parsed.entries[0]
    assert item.updated == "2025-03-05T00:00:00+00:00"
    assert item.published == "2025-01-01T00:00:00+00:00"  # published stays the day it was added
    assert "5 March 2025: The date was <em>wrong</em>." in item.content[0].value
    assert parsed.feed.updated == "2025-03-05T00:00:00+00:00"
    assert rss(after).feed.updated == "Wed, 05 Mar 2025 00:00:00 +0000"  # lastBuildDate
    assert ids(rss(after))[0] == tag_id("event", "old-story")
    assert json_feed(after)["items"][0]["date_modified"] == "2025-03-05T00:00:00+00:00"


def test_the_limit_is_honoured_in_every_feed():
    corpus = corpus_of(
        *(event(id=f"e{n}", added=f"2025-01-{n:02d}", tags=("t",)) for n in range(1, 8))
    )
    files = build(corpus, config(limit=3))
    newest = [tag_id("event", f"e{n}") for n in (7, 6, 5)]
    for name in ("feeds/all", "feeds/events", "feeds/tags/t"):
        assert ids(atom(files, name)) == newest
        assert ids(rss(files, name)) == newest
    assert [i["id"] for i in json_feed(files)["items"]] == newest
    pages = feeds.subscribe_and_data_pages(corpus, config(limit=3), make_environment())
    page = pages["subscribe.md"]
    assert "carries the 3 most recently added" in page
    assert "tagged t (7 entries)" in page  # what the tag has, not what the feed shows


def test_the_feed_is_dated_by_its_newest_entry(small_corpus):
    files = build(small_corpus)
    assert atom(files).feed.updated == "2025-01-21T00:00:00+00:00"  # the list, added last
    assert atom(files, "feeds/events").feed.updated == "2025-01-14T00:00:00+00:00"
    assert rss(files, "feeds/events").feed.updated == "Tue, 14 Jan 2025 00:00:00 +0000"
    assert "published" not in rss(files).feed  # no channel pubDate
    # A feed nothing but an actor is tagged with is dated by the newest entry of the record.
    assert atom(files, "feeds/tags/only-actors").feed.updated == "2025-01-21T00:00:00+00:00"
    assert atom(files).feed.generator == f"Sourceline {generator.__version__}"
    assert b"python-feedgen" not in files["feeds/all.atom.xml"] + files["feeds/all.rss.xml"]


class _AnyDatetime(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, datetime)


class _Future(datetime, metaclass=_AnyDatetime):
    """feedgen's clock, moved to 2099: any of it that reaches a feed would show."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2099, 12, 31, 23, 59, 59, tzinfo=tz)


def test_no_build_time_in_any_feed(small_corpus, monkeypatch, env):
    before = build(small_corpus, env=env)
    monkeypatch.setattr(feedgen.feed, "datetime", _Future)
    monkeypatch.setattr(feedgen.entry, "datetime", _Future)
    later = build(small_corpus, env=env)
    assert later == before
    for data in later.values():
        assert b"2099" not in data
        assert date.today().isoformat().encode() not in data


def test_rebuilding_gives_byte_identical_files(small_corpus, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    feeds.write_feeds(small_corpus, config(), first)
    feeds.write_feeds(small_corpus, config(), second)

    def read(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert read(first) == read(second)
    assert sorted(read(first)) == sorted(build(small_corpus))


def test_feeds_are_also_byte_identical_in_a_fresh_interpreter(tmp_path):
    """Dict order, hashing and caches could differ between processes; the bytes must not."""
    script = (
        "import sys; from pathlib import Path;"
        "from generator.core.config import load_config;"
        "from generator.validate.record import load_corpus;"
        "from generator.publish.feeds import write_feeds;"
        f"write_feeds(load_corpus(Path({str(GOLDEN_ENTRIES)!r})),"
        f" load_config(Path({str(ROOT / 'mkdocs.yml')!r})), Path(sys.argv[1]))"
    )
    for name, seed in (("a", "1"), ("b", "2")):
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / name)],
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            cwd=ROOT,
        )
    a = sorted((tmp_path / "a").rglob("*.*"))
    assert len(a) > 10
    for path in a:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


# --- site_url ------------------------------------------------------------------------------


def test_without_site_url_nothing_is_written_and_the_error_says_why(small_corpus, tmp_path):
    with pytest.raises(ConfigError) as info:
        feeds.write_feeds(small_corpus, config(site_url=None), tmp_path)
    assert info.value.message == (
        "mkdocs.yml: 'site_url' is not set. Feeds and the dataset need absolute links; "
        "add for example `site_url: https://example.org/record/` to mkdocs.yml"
    )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ConfigError, match="'site_url' is not set"):
        feeds.subscribe_and_data_pages(small_corpus, config(site_url=None), make_environment())


def test_links_are_absolute(small_corpus):
    files = build(small_corpus, config(site_url="https://example.org/record"))  # no slash
    parsed = atom(files)
    assert parsed.feed.link == "https://example.org/record/"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
        "https://example.org/record/feeds/all.atom.xml"
    ]
    assert all(e.link.startswith("https://example.org/record/") for e in parsed.entries)
    assert (
        atom(files, "feeds/tags/migration").feed.link
        == "https://example.org/record/tags/migration/"
    )
    feed = json_feed(files)
    assert feed["feed_url"] == "https://example.org/record/feeds/all.json"
    assert feed["home_page_url"] == "https://example.org/record/"


# --- JSON Feed -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def json_feed_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_feed_matches_the_json_feed_1_1_structure(small_corpus, json_feed_schema):
    doc = json_feed(build(small_corpus))
    json_feed_schema.validate(doc)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["id"] for i in doc["items"]] == ids(atom(build(small_corpus)))
    item = doc["items"][0]
    assert item["date_published"] == "2025-01-21T00:00:00+00:00"
    assert item["tags"] == ["censorship"]
    assert item["url"] == SITE_URL + "lists/reported-removals/"


@pytest.mark.record
def test_json_feed_of_the_real_knowledge_base_is_valid(json_feed_schema):
    files = build(load_corpus(ROOT / "entries"), load_config(ROOT / "mkdocs.yml"))
    json_feed_schema.validate(json_feed(files))


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("version"),
        lambda d: d.update(version="https://jsonfeed.org/version/1.0"),
        lambda d: d["items"][0].pop("id"),
        lambda d: d["items"][0].update(id=7),
        lambda d: d["items"][0].pop("content_html"),
        lambda d: d["items"][0].update(date_published="2025-01-21"),
        lambda d: d["items"][0].update(tags="censorship"),
        lambda d: d["items"][0].update(contentHtml="<p>x</p>"),
        lambda d: d.update(authors=[{}]),
    ],
)
def test_the_json_feed_schema_rejects_broken_feeds(small_corpus, json_feed_schema, breakage):
    doc = json_feed(build(small_corpus))
    breakage(doc)
    assert not json_feed_schema.is_valid(doc)


# --- the Subscribe and Data pages ----------------------------------------------------------


_LINK_RE = re.compile(r"\]\(([^)\s]+)\)")


def test_subscribe_page_links_every_feed_absolutely(small_corpus, env):
    pages = feeds.subscribe_and_data_pages(small_corpus, config(), env)
    assert sorted(pages) == ["data.md", "subscribe.md"]
    page = pages["subscribe.md"]
    assert [line for line in page.splitlines() if line.startswith("# ")] == ["# Subscribe"]
    links = _LINK_RE.findall(page)
    feed_links = {link for link in links if "/feeds/" in link}
    assert feed_links == {SITE_URL + path for path in build(small_corpus)}
    # Feed files are not MkDocs pages: anything else must be absolute, an anchor, or a page.
    assert all(re.match(r"https?://|#|data\.md$", link) for link in links), links
    assert "`tag:rednote-record.github.io,2025:event/<id>`" in page


def test_subscribe_counts_agree_with_the_tags_page_or_say_what_they_count(small_corpus, env):
    page = feeds.subscribe_and_data_pages(small_corpus, config(), env)["subscribe.md"]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in page.splitlines()}
    assert "tagged migration (2 entries) |" in rows["migration"]  # no actor: the same count
    # The Tags page counts the actor too: say so, with the same number.
    assert "(1 of the tag's 2 entries: actors have no feed) |" in rows["state\\-media"]
    assert "(0 of the tag's 1 entry: actors have no feed)" in rows["only\\-actors"]


def test_the_subscribe_page_is_made_without_ordering_any_feed(small_corpus, env, monkeypatch):
    """It names the feeds and counts their entries; ordering them is the feeds' own work
    (a preview's save makes this page, and sorting every feed cost it 0.07 s at 10,000)."""
    expected = feeds.subscribe_and_data_pages(small_corpus, config(), env)

    def refuse(entries):
        raise AssertionError("a feed's entries were ordered")

    monkeypatch.setattr(feeds, "newest_first", refuse)
    assert feeds.subscribe_and_data_pages(small_corpus, config(), env) == expected


def test_each_feed_lists_its_own_entries_newest_first_to_the_limit(small_corpus):
    news = [e for e in small_corpus.entries.values() if e.KIND.feed]
    for limit in (1, 2, 50):
        for feed in feeds.catalogue(small_corpus, config(limit=limit)):
            own = [e for e in news if e in feed.chosen]
            ordered = corpus_module.newest_first(own)
            assert feed.entries == tuple(ordered[:limit]), feed.path
            assert feed.total == len(own)
            if own:
                assert feed.updated == ordered[0].last_modified


def test_pages_pass_mkdocs_strict_link_validation(small_corpus, env, tmp_path):
    """MkDocs flags relative links to files that are not pages; these pages have none."""
    pytest.importorskip("mkdocs")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    for name, text in feeds.subscribe_and_data_pages(small_corpus, config(), env).items():
        (docs / name).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\nsite_url: https://example.org/record/\nstrict: true\n"
        "nav: [index.md, subscribe.md, data.md]\n"
        "markdown_extensions: [tables, toc]\n"
        "validation: {omitted_files: warn, absolute_links: warn, unrecognized_links: warn,"
        " anchors: warn, not_found: warn}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(tmp_path / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
