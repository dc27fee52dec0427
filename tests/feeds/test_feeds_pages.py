"""Pages that have a feed of their own say so: tag pages and kind listings name their feed in
their front matter (the theme links it from the head) and link it from the page, and the
counts beside a feed say what they count."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urljoin

import pytest
import yaml
from helpers import SITE_URL, actor, censorship_list, corpus_of, event, quote, site_config

from generator.format import urls
from generator.format.corpus import Corpus
from generator.publish import feeds
from generator.site import render

_FRONT_MATTER_RE = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_FOLLOW_RE = re.compile(r'<p class="record-follow"[^>]*>.*?</p>')
_HREF_RE = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    person = actor("hu-xijin", tags=("state-media",))
    said = quote(
        id="quote-welcome", added="2025-01-16", text="Welcome!", tags=("state-media", "migration")
    )
    lst = censorship_list(
        id="reported-removals", added="2025-01-21", title="Reported removals", tags=("migration",)
    )
    return corpus_of(event(id="arrival", tags=("migration",)), said, lst, person)


@pytest.fixture(scope="module")
def pages(corpus: Corpus) -> dict[str, str]:
    return render.render_pages(corpus, site_config())


def front_matter(page: str) -> dict:
    match = _FRONT_MATTER_RE.match(page)
    assert match, page[:200]
    return yaml.safe_load(match.group(1))


def follow_links(src: str, page: str) -> list[str]:
    """The absolute URLs the page's "Follow" line links to."""
    (line,) = _FOLLOW_RE.findall(page)
    return [urljoin(SITE_URL + urls.page_url(src), href) for href in _HREF_RE.findall(line)]


# Which page follows which feed: the feed's own `page` is the page that names it.
PAGES = {
    "tags/migration.md": "feeds/tags/migration",
    "tags/state-media.md": "feeds/tags/state-media",
    "quotes/index.md": "feeds/quotes",
    "lists/index.md": "feeds/lists",
    "timeline/index.md": "feeds/events",
    "events/index.md": "feeds/events",
}
# Listings that show a kind's entries again: their feed's page is the kind's main listing.
SECOND_LISTINGS = {"events/index.md": "timeline/"}


@pytest.mark.parametrize("src", sorted(PAGES))
def test_a_page_with_a_feed_names_it_in_its_front_matter(pages, corpus, src):
    catalogue = {f.path: f for f in feeds.catalogue(corpus, site_config())}
    feed = catalogue[PAGES[src]]
    # the feed's page is this page
    assert SECOND_LISTINGS.get(src, urls.page_url(src)) == feed.page
    meta = front_matter(pages[src])
    assert {k: meta[k] for k in ("feed", "feed_title")} == {
        "feed": feed.path,
        "feed_title": feed.title,
    }
    assert set(meta) <= {"feed", "feed_title", "json_ld", "breadcrumb"}  # and structured data


@pytest.mark.parametrize("src", sorted(PAGES))
def test_a_page_with_a_feed_links_its_atom_and_rss_files(pages, corpus, src):
    files = feeds.build_feeds(corpus, site_config())
    path = PAGES[src]
    links = follow_links(src, pages[src])
    assert links[:2] == [f"{SITE_URL}{path}.atom.xml", f"{SITE_URL}{path}.rss.xml"]
    assert all(link.removeprefix(SITE_URL) in files for link in links[:2])


def test_listings_also_link_every_other_feed(pages):
    for src in ("quotes/index.md", "lists/index.md"):
        assert follow_links(src, pages[src])[2] == SITE_URL + "subscribe/"


def test_a_tag_page_says_how_many_of_its_entries_its_feed_follows(pages):
    assert "2 entries tagged <code>state-media</code>." in pages["tags/state-media.md"]
    (line,) = _FOLLOW_RE.findall(pages["tags/state-media.md"])
    assert line.endswith("(1 of these 2: actors have no feed).</p>")
    # Without actors the feed follows every entry the page counts: nothing to add.
    assert "3 entries tagged <code>migration</code>." in pages["tags/migration.md"]
    (line,) = _FOLLOW_RE.findall(pages["tags/migration.md"])
    assert line.endswith("for its new and corrected entries.</p>")


def test_the_tags_page_counts_what_the_tag_pages_count(pages, corpus):
    table = pages["tags/index.md"]
    for tag, tagged in corpus.tags.items():
        count = len(tagged)
        assert f'data-sort="{count:08d}">{count}</td>' in table
        assert pages[urls.tag_src(tag)].count(f"{count:,} entr") >= 1
    assert "actors included" in table


def test_pages_without_a_feed_name_none(pages):
    assert set(front_matter(pages["actors/index.md"])) == {"json_ld"}  # its ItemList
    assert "record-follow" not in pages["actors/index.md"]


def test_a_paginated_tag_page_links_the_same_feed():
    many = [event(id=f"e{n:03d}", tags=("big",)) for n in range(201)]
    pages = render.render_pages(corpus_of(*many), site_config())
    assert front_matter(pages["tags/big/2.md"])["feed"] == "feeds/tags/big"
    assert follow_links("tags/big/2.md", pages["tags/big/2.md"]) == [
        SITE_URL + "feeds/tags/big.atom.xml",
        SITE_URL + "feeds/tags/big.rss.xml",
    ]


def test_a_hostile_site_name_stays_text_in_the_front_matter(corpus):
    name = '</title><script>alert("x")</script> "Record"\n---\nsearch: 1'
    cfg = dataclasses.replace(site_config(), site_name=name)
    pages = render.render_pages(corpus, cfg)
    meta = front_matter(pages["tags/migration.md"])
    assert meta["feed_title"] == (
        "&lt;/title&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#34;Record&#34;\n"
        "---\nsearch: 1: tagged migration"
    )
    assert "<script" not in _FRONT_MATTER_RE.match(pages["tags/migration.md"]).group(1)
