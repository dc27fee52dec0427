"""Sitemaps: each page dated by what it shows, in the order of their addresses, one beside
the feeds for Material, and the same after an incremental build as after a cold one."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
from helpers import (
    SITE_URL,
    actor,
    corpus_of,
    edit,
    event,
    quote,
    site_config,
    sitemap_problems,
)
from hypothesis import given
from hypothesis import strategies as st

from generator.build.pipeline import BuildResult, build_site
from generator.core.dates import PartialDate
from generator.core.paging import Page
from generator.format import urls
from generator.format.corpus import Corpus
from generator.format.model import Correction
from generator.kinds.timeline import Timeline
from generator.publish import feeds, sitemap
from generator.site import render, structure
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"
config = site_config


def small() -> Corpus:
    return corpus_of(
        actor("hu-xijin", added="2025-01-02"),
        event(id="2025-01-13-old", added="2025-01-20", updated=date(2025, 3, 1), tags=("law",)),
        event(id="2025-01-14-new", added="2025-02-10", tags=("law",), related=("2025-01-13-old",)),
        quote(
            id="quote-corrected",
            added="2025-01-21",
            corrections=(Correction(date=PartialDate.parse("2025-04-02"), note="Fixed."),),
        ),
    )


def dates_of(corpus: Corpus) -> dict[str, date]:
    dates: dict[str, date] = {}
    render.render_pages(corpus, config(), dates=dates)
    return dates


# --- the day each page is dated by ----------------------------------------------------------


def test_an_entry_page_is_dated_by_its_own_entry():
    dates = dates_of(small())
    assert dates["events/2025-01-13-old.md"] == date(2025, 3, 1)  # updated
    # Its "Related" lists an older event, and the old one a newer: neither dates the other.
    assert dates["events/2025-01-14-new.md"] == date(2025, 2, 10)  # added
    assert dates["quotes/quote-corrected.md"] == date(2025, 4, 2)  # its correction
    assert dates["actors/hu-xijin.md"] == date(2025, 1, 2)


def test_a_listing_is_dated_by_the_newest_entry_it_shows_and_a_page_of_none_has_no_date():
    dates = dates_of(small())
    assert dates[urls.tag_src("law")] == date(2025, 3, 1)
    assert dates["quotes/index.md"] == date(2025, 4, 2)
    assert dates["index.md"] == date(2025, 4, 2)  # the latest additions
    assert "search.md" not in dates
    assert urls.TAGS.src() not in dates  # the tags' names, no entry


def test_the_whole_timeline_a_page_holds_for_its_rail_does_not_date_it():
    events = [
        event(id="2025-01-13-a", added="2025-01-20"),
        event(id="2025-01-14-b", added="2025-05-05"),
    ]
    the_site = structure.Site.of(corpus_of(*events), config())
    line = Timeline.of(events)
    pages = [
        Page("rail.md", "t", {"timeline": line}),
        Page("first.md", "t", {"timeline": line, "shown": [events[0]]}),
    ]
    assert structure.page_dates(the_site, pages) == {"first.md": date(2025, 1, 20)}


# --- the site's sitemap ---------------------------------------------------------------------


def test_the_sitemap_lists_pages_by_address_with_their_days():
    pages = {"index.md": "./", "events/b.md": "events/b/", "about.md": "about/", "a.md": "a/"}
    dates = {"index.md": date(2025, 2, 1), "events/b.md": date(2025, 1, 20)}
    files = sitemap.build_sitemaps(small(), config(), pages, dates)
    text = files["sitemap.xml"].decode()
    assert re.findall(r"<loc>(.*?)</loc>", text) == [
        SITE_URL,
        SITE_URL + "a/",
        SITE_URL + "about/",
        SITE_URL + "events/b/",
    ]
    dated = f"<loc>{SITE_URL}events/b/</loc>\n    <lastmod>2025-01-20</lastmod>\n  </url>\n"
    assert f"  <url>\n    {dated}" in text
    assert f"<loc>{SITE_URL}about/</loc>\n  </url>" in text  # a hand-written page: no day
    assert sitemap_problems(files["sitemap.xml"], SITE_URL + "sitemap.xml") == []
    assert gzip.decompress(files["sitemap.xml.gz"]) == files["sitemap.xml"]
    assert files["sitemap.xml.gz"][4:8] == b"\0\0\0\0"  # no time in the gzip header
    assert sitemap.build_sitemaps(small(), config(), dict(reversed(pages.items())), dates) == files


def test_a_site_of_more_pages_than_a_sitemap_holds_gets_an_index(monkeypatch):
    monkeypatch.setattr(sitemap, "URLS_MAX", 3)
    pages = {f"p{n}.md": f"p{n}/" for n in range(7)}
    files = sitemap.build_sitemaps(small(), config(), pages, {"p6.md": date(2025, 3, 3)})
    index = files["sitemap.xml"].decode()
    assert index.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    )
    assert re.findall(r"<loc>(.*?)</loc>", index) == [
        f"{SITE_URL}sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    assert "<lastmod>2025-03-03</lastmod>" in index
    for name in ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]:
        assert sitemap_problems(files[name], SITE_URL + name) == [], name
    listed = [
        re.findall(r"<loc>(.*?)</loc>", files[f"sitemap-{n}.xml"].decode()) for n in (1, 2, 3)
    ]
    assert sum(listed, []) == [f"{SITE_URL}p{n}/" for n in range(7)]
    # The feeds' folders too (9 feed files in feeds/: Atom, RSS and JSON of everything).
    assert "<sitemapindex" in files["feeds/sitemap.xml"].decode()
    for name in [n for n in files if n.startswith("feeds/")]:
        assert sitemap_problems(files[name], SITE_URL + name) == [], name


# --- beside the feeds -----------------------------------------------------------------------


def test_each_folder_of_feeds_has_a_sitemap_of_its_feeds():
    """Material fetches sitemap.xml beside every rel=alternate link (the feeds): each folder
    of feeds answers with a valid sitemap of its own files, dated by their newest entries."""
    corpus = small()
    files = sitemap.build_sitemaps(corpus, config(), {"index.md": "./"}, {})
    written = set(feeds.build_feeds(corpus, config()))
    for folder in ("feeds", "feeds/tags"):
        xml = files[f"{folder}/sitemap.xml"]
        assert sitemap_problems(xml, f"{SITE_URL}{folder}/sitemap.xml") == []
        listed = re.findall(r"<loc>(.*?)</loc>", xml.decode())
        assert listed == sorted(
            SITE_URL + rel for rel in written if rel.rpartition("/")[0] == folder
        )
    assert sorted(files) == [
        "feeds/sitemap.xml",
        "feeds/tags/sitemap.xml",
        "sitemap.xml",
        "sitemap.xml.gz",
    ]
    tags = files["feeds/tags/sitemap.xml"].decode()
    assert (
        f"<loc>{SITE_URL}feeds/tags/law.atom.xml</loc>\n    <lastmod>2025-03-01</lastmod>" in tags
    )


def test_an_empty_sitemap_breaks_the_protocol():
    """The check the sitemaps above pass: the stub builds wrote before fails it."""
    stub = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
    )
    assert sitemap_problems(stub, SITE_URL + "feeds/sitemap.xml") == [
        "0 <url> elements, not 1 to 50,000"
    ]
    outside = stub.replace(b"></urlset>", f"><url><loc>{SITE_URL}</loc></url></urlset>".encode())
    assert sitemap_problems(outside, SITE_URL + "feeds/sitemap.xml") == [
        f"{SITE_URL} is outside {SITE_URL}feeds/, where the sitemap is"
    ]


# --- in a built site ------------------------------------------------------------------------


def _locations(xml: bytes) -> dict[str, str | None]:
    text = xml.decode()
    found = re.findall(r"<loc>(.*?)</loc>\n(?:    <lastmod>(.*?)</lastmod>\n)?", text)
    return {loc: day or None for loc, day in found}


@pytest.mark.slow
def test_the_built_sitemap_dates_entry_pages_by_their_entries(built_site: BuildResult):
    site = built_site.site_dir
    xml = (site / "sitemap.xml").read_bytes()
    base = "https://rednote-record.github.io/rednote-record/"
    assert sitemap_problems(xml, base + "sitemap.xml") == []
    found = _locations(xml)
    assert list(found) == sorted(found)
    corpus = load_corpus(GOLDEN)
    for entry in corpus.entries.values():
        assert found[base + entry.url] == entry.last_modified.isoformat(), entry.id
    # Every day is an entry's: none is the day of the build.
    days = {e.last_modified.isoformat() for e in corpus.entries.values()}
    assert set(found.values()) - {None} <= days
    assert found[base + "about/"] is None
    # Every page of the site, and only pages: no redirect, no 404 page.
    pages = {
        urljoin(base, p.relative_to(site).as_posix().removesuffix("index.html"))
        for p in site.rglob("index.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:600]
        and not p.relative_to(site).as_posix().startswith(("pagefind/", "zh/"))
    }
    assert set(found) == pages  # the Chinese interface's pages are in zh/sitemap.xml


@pytest.mark.slow
def test_every_feed_a_page_links_has_a_valid_sitemap_beside_it(built_site: BuildResult):
    site = built_site.site_dir
    base = "https://rednote-record.github.io/rednote-record/"
    alternates: set[str] = set()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r'<link rel="alternate"[^>]*>', html):
            href = re.search(r'href="([^"]+)"', tag)
            assert href, tag
            alternates.add(urljoin(base + page.relative_to(site).as_posix(), href.group(1)))
    assert any("/feeds/tags/" in a for a in alternates)
    for alternate in alternates:
        beside = urljoin(alternate, "sitemap.xml")  # what Material fetches
        path = site / beside.removeprefix(base)
        assert path.is_file(), beside
        assert sitemap_problems(path.read_bytes(), beside) == []
    for found in site.rglob("sitemap*.xml"):
        rel = found.relative_to(site).as_posix()
        assert sitemap_problems(found.read_bytes(), base + rel) == [], rel


@pytest.mark.slow
def test_an_incremental_build_writes_the_cold_builds_sitemap(tmp_path: Path):
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN, entries)
    cache = tmp_path / "cache"
    kwargs = {"progress": False, "config_path": ROOT / "mkdocs.yml"}
    build_site(entries, tmp_path / "inc", cache_dir=cache, **kwargs)
    # An edit re-renders that entry's pages; the others come from the cache.
    edit(entries, "events/2025-01-18-blackout.yaml", "updated: 2025-02-05", "updated: 2025-03-09")
    warm = build_site(entries, tmp_path / "inc", cache_dir=cache, **kwargs)
    assert 0 < warm.rebuilt < warm.pages
    cold = build_site(entries, tmp_path / "cold", cache=False, **kwargs)
    for name in ("sitemap.xml", "sitemap.xml.gz", "feeds/sitemap.xml", "feeds/tags/sitemap.xml"):
        assert (warm.site_dir / name).read_bytes() == (cold.site_dir / name).read_bytes(), name
    found = _locations((cold.site_dir / "sitemap.xml").read_bytes())
    blackout = "https://rednote-record.github.io/rednote-record/events/2025-01-18-blackout/"
    assert found[blackout] == "2025-03-09"


@given(
    base=st.sampled_from(
        [
            "https://example.org/",
            "https://example.org/kb/",
            "https://example.org/kb/zh/",
            "https://example.org/kb",
        ]
    ),
    url=st.text(alphabet="ab/.:;?#% \t\n\x00\x7f-", max_size=12),
)
def test_an_address_is_made_absolute_as_urljoin_makes_it(base: str, url: str) -> None:
    assert urls.absolute(base, url) == urljoin(base, url)
