"""Rendering entries into Markdown pages: which pages exist, links, pagination, escaping."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import markdown
import pytest
import yaml
from helpers import SOURCE, corpus_of, event

from generator.core.config import SiteConfig
from generator.core.dates import PartialDate
from generator.core.errors import BuildError
from generator.core.paging import ROWS_PER_PAGE
from generator.format import urls
from generator.format.corpus import Corpus
from generator.format.model import Source
from generator.kinds import charts
from generator.kinds.actor import Actor
from generator.kinds.censorship_list import TERMS_PER_PAGE, CensorshipList, ListItem
from generator.site import render
from generator.site.structure import REFERRERS_SHOWN

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = SiteConfig(
    path=ROOT / "mkdocs.yml",
    site_name="RedNote Record",
    site_url="https://example.org/record/",
    site_description="A test record.",
)


def actor(id: str, **fields) -> Actor:
    values = {"name": id.replace("-", " ").title(), "kind": "person"}
    values.update(fields)
    return Actor(id=id, path=Path(f"actors/{id}.yaml"), added=date(2025, 2, 1), **values)


# --- links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("index.md", ""),
        ("events/foo.md", "events/foo/"),
        ("tags/index.md", "tags/"),
        ("timeline/2025/01/2.md", "timeline/2025/01/2/"),
    ],
)
def test_page_url_follows_directory_urls(src: str, url: str) -> None:
    assert urls.page_url(src) == url


def test_links_are_relative_to_the_page() -> None:
    assert urls.md_link("timeline/2025.md", "events/foo.md") == "../events/foo.md"
    assert urls.md_link("index.md", "events/foo.md") == "events/foo.md"
    assert urls.html_href("timeline/2025.md", "events/foo.md") == "../../events/foo/"
    assert urls.html_href("index.md", "events/foo.md") == "events/foo/"
    assert urls.html_href("events/foo.md", "events/foo.md", "x") == "./#x"
    assert urls.html_href("tags/a/2.md", "tags/a.md") == "../"


# --- the pages of the golden corpus ------------------------------------------------------


@pytest.fixture(scope="module")
def golden_pages(golden_corpus: Corpus, site_config: SiteConfig) -> dict[str, str]:
    return render.render_pages(golden_corpus, site_config, docs_pages=["about.md"])


def test_every_entry_has_a_permanent_page(golden_pages: dict[str, str], golden_corpus) -> None:
    for entry in golden_corpus.entries.values():
        assert f"{entry.url[:-1]}.md" in golden_pages


def test_listing_pages_exist(golden_pages: dict[str, str]) -> None:
    for src in (
        "index.md",
        "timeline/index.md",
        "events/index.md",
        "quotes/index.md",
        "lists/index.md",
        "lists/terms/index.md",
        "actors/index.md",
        "tags/index.md",
        "tags/migration.md",
    ):
        assert src in golden_pages, src


def test_no_page_carries_search_front_matter(golden_pages: dict[str, str]) -> None:
    # Search indexes the entries' data (generator/publish/search.py), not pages: nothing to exclude.
    for src, text in golden_pages.items():
        assert "\nsearch:" not in text.split("\n---\n", 1)[0], src


def test_home_links_only_hand_written_pages_that_exist(golden_pages: dict[str, str]) -> None:
    home = golden_pages["index.md"]
    assert "(about.md)" in home
    assert "(methodology.md)" not in home  # not among docs_pages in this test


def test_the_timeline_is_one_page_of_rows_when_it_fits(golden_pages: dict[str, str]) -> None:
    page = golden_pages["timeline/index.md"]
    assert not [src for src in golden_pages if re.fullmatch(r"timeline/.+\.md", src)][1:]
    # a heading per year, with a fixed anchor the filter and the chart use
    assert '## 2025 { #2025 data-record-period="2025" }' in page
    assert '<time datetime="2025-01">January 2025</time>' in page  # month precision
    assert '<time datetime="2025-01-18">18–19 January 2025</time>' in page  # a range
    # chronological: the month-only event sorts before the days of that month
    assert page.index("event-2025-01-refugees-arrive") < page.index("event-2025-01-13-app-tops")
    # each event is a row that opens in place, and says which periods it belongs to
    row = page[page.index('<li class="record-row" id="event-2025-01-13-app-tops-charts"') :]
    row = row[: row.index("</li>")]
    assert 'data-periods="2025 2025-01"' in row
    assert "<details>\n<summary>" in row and "</summary>" in row
    assert '<a href="../events/2025-01-13-app-tops-charts/">' in row


def test_timeline_filter_is_hidden_until_javascript(golden_pages: dict[str, str]) -> None:
    page = golden_pages["timeline/index.md"]
    form = '<form class="record-filter" method="get" action="./" data-record-filter'
    options = ' data-record-options="./filters.json" data-record-nouns="event|events"'
    assert form + options + " data-record-here hidden>" in page
    assert 'data-tags="migration app-rankings" data-actors="rednote"' in page
    assert "No event matches this filter." in page  # shown by record.js when it is true


def test_the_filters_choices_are_one_file_not_in_every_page(golden_pages: dict[str, str]) -> None:
    # Every page of the timeline would otherwise carry an <option> per actor of the record.
    choices = json.loads(golden_pages["timeline/filters.json"])
    assert "migration" in choices["tags"] and choices["tags"] == sorted(choices["tags"])
    assert ["rednote", "Xiaohongshu (RedNote)"] in choices["actors"]
    assert "<option" not in golden_pages["timeline/index.md"].replace('<option value="">', "")


def test_related_links_go_both_ways(golden_pages: dict[str, str]) -> None:
    # 2025-01-refugees-arrive lists 2025-01-13-app-tops-charts in `related`; not the reverse.
    assert "../2025-01-refugees-arrive/" in golden_pages["events/2025-01-13-app-tops-charts.md"]
    assert "../2025-01-13-app-tops-charts/" in golden_pages["events/2025-01-refugees-arrive.md"]


def test_entries_show_what_refers_to_them(golden_pages: dict[str, str]) -> None:
    event = golden_pages["events/2025-01-refugees-arrive.md"]
    assert "### Quotes (2)" in event
    assert "../../quotes/quote-welcome-zh/" in event
    actor = golden_pages["actors/list-watch.md"]
    assert "### Censorship lists (3)" in actor


def test_quote_is_marked_with_its_language(golden_pages: dict[str, str]) -> None:
    page = golden_pages["quotes/quote-three-ts.md"]
    assert '<blockquote class="record-quote" lang="zh-Hant">' in page
    assert "<p>天安門、西藏、臺灣，都不能說。</p>" in page
    welcome = golden_pages["quotes/quote-welcome-zh.md"]
    assert "<p>欢迎TikTok难民来到小红书！<br>我们一起聊天吧。</p>" in welcome


def test_terms_index_shows_which_lists_hold_each_term(golden_pages: dict[str, str]) -> None:
    page = golden_pages["lists/terms/index.md"]
    row = next(line for line in page.splitlines() if line.startswith('<tr><td lang="zh">天安門'))
    assert "Tiananmen; Tiananmen Square" in row
    assert "../second-list/" in row and "../sample-keywords/" in row
    assert "<td>VPN</td>" in page  # no lang on a Latin-script term


def test_corrections_and_archive_links_are_shown(golden_pages: dict[str, str]) -> None:
    page = golden_pages["events/2025-01-18-blackout.md"]
    assert "## Corrections" in page
    assert "<strong>14 hours</strong>" in page
    arrive = golden_pages["events/2025-01-refugees-arrive.md"]
    assert 'href="https://web.archive.org/web/2025/https://example.org/refugees"' in arrive


# --- size: paginated listings --------------------------------------------------------------


def test_long_listings_are_paginated() -> None:
    people = [actor(f"a{i}") for i in range(3)]
    events = [
        event(
            id=f"e{i:04d}",
            date=f"2025-{1 + i % 2:02d}-{1 + i % 28:02d}",
            tags=("big",),
            actors=(people[i % 3].id,),
        )
        for i in range(450)
    ]
    corpus = corpus_of(*people, *events)
    pages = render.render_pages(corpus, CONFIG)
    # 450 events in 2025: the year page lists months, each month split into pages of 100.
    assert "timeline/2025.md" in pages and "Jan" in pages["timeline/2025.md"]
    assert "timeline/2025/01.md" in pages and "timeline/2025/01/3.md" in pages
    assert "timeline/2025/01/4.md" not in pages  # 225 events in January
    assert pages["timeline/2025/01/3.md"].count('<li class="record-row"') == 25
    # the first page is the overview; the filter searches every event through events.json
    overview = pages["timeline/index.md"]
    assert 'data-record-here data-record-events="events.json"' in overview
    rows = json.loads(pages["timeline/events.json"])["events"]
    assert len(rows) == 450 and rows[0]["url"] == "../events/e0000/"
    # every event links to the page that lists it
    for id in ("e0001", "e0448"):
        (listed_on,) = [src for src, text in pages.items() if f'id="event-{id}"' in text]
        href = urls.html_href(f"events/{id}.md", listed_on, f"event-{id}")
        assert f'href="{href}"' in pages[f"events/{id}.md"]
    # a tag's page holds at most ROWS_PER_PAGE rows
    assert pages["tags/big.md"].count("<tr><td>Event</td>") == ROWS_PER_PAGE
    assert "tags/big/3.md" in pages
    # an actor referred to by 150 events shows 20 and links to the full list
    referrers = pages["actors/a0.md"].split('<ul class="record-referrers">')[1].split("</ul>")[0]
    assert referrers.count("<li>") == REFERRERS_SHOWN + 1  # and "All 150 events →"
    assert "(as actor)" not in referrers  # every one refers the same way: nothing to say
    assert "actors/a0/referred-by.md" in pages
    for src, text in pages.items():
        if src.endswith(".md"):
            assert len(text.encode()) < 200_000, src


def test_long_list_items_are_paginated() -> None:
    compiler = actor("compiler")
    items = tuple(
        ListItem(evidence="reported", term=f"term {i}", translation=f"t{i}") for i in range(700)
    )
    lst = CensorshipList(
        id="big",
        path=Path("lists/big.yaml"),
        added=date(2025, 1, 1),
        title="Big",
        platform="X",
        compiled_by="compiler",
        date=PartialDate.parse("2025"),
        summary="Big.",
        items=items,
        sources=(SOURCE,),
    )
    pages = render.render_pages(corpus_of(compiler, lst), CONFIG)
    assert pages["lists/big.md"].count("<tr><td>term") == TERMS_PER_PAGE
    assert "lists/big/items/3.md" in pages
    assert "# Big: items 601–700" in pages["lists/big/items/3.md"]
    assert "lists/terms/3.md" in pages


def test_terms_with_many_translations_are_paginated_by_size() -> None:
    # The index of terms shows every translation of a term: 200 lists translating the same
    # 50 terms each their own way make rows of 8 KB, which must not all go on one page.
    compiler = actor("compiler")
    lists = [
        CensorshipList(
            id=f"list-{i:03d}",
            path=Path(f"lists/list-{i:03d}.yaml"),
            added=date(2025, 1, 1),
            title=f"List {i}",
            platform="X",
            compiled_by="compiler",
            date=PartialDate.parse("2025"),
            summary="A list.",
            items=tuple(
                ListItem(
                    evidence="reported",
                    term=f"term {j}",
                    translation=f"term {j} as list {i} put it",
                )
                for j in range(50)
            ),
            sources=(SOURCE,),
        )
        for i in range(200)
    ]
    pages = render.render_pages(corpus_of(compiler, *lists), CONFIG)
    terms = [text for src, text in pages.items() if src.startswith("lists/terms")]
    assert len(terms) > 1
    for text in terms:
        assert len(text.encode()) < 250_000


def test_two_pages_at_one_url_is_an_error() -> None:
    compiler = actor("compiler")
    lst = CensorshipList(
        id="terms",
        path=Path("lists/terms.yaml"),
        added=date(2025, 1, 1),
        title="Terms",
        platform="X",
        compiled_by="compiler",
        date=PartialDate.parse("2025"),
        summary="S.",
        items=(ListItem(evidence="reported", term="a", translation="b"),),
        sources=(SOURCE,),
    )
    with pytest.raises(
        BuildError,
        match=r"two pages would be published at /lists/terms/: "
        r"lists/terms\.md and lists/terms/index\.md",
    ):
        render.render_pages(corpus_of(compiler, lst), CONFIG)


def test_generated_page_may_not_replace_a_hand_written_one() -> None:
    with pytest.raises(BuildError, match="index.md"):
        render.render_pages(corpus_of(actor("x")), CONFIG, docs_pages=["index.md"])


# --- chart -------------------------------------------------------------------------------


def _link(anchor: str) -> tuple[str, str]:
    return "timeline/index.md", anchor


def test_chart_counts_events_per_year_and_the_months_of_busy_years() -> None:
    events = [
        event(id="a", date="2019-11-02"),
        event(id="b", date="2025-01"),
        event(id="c", date="2025-01-13"),
        event(id="d", date="2025-03-01"),
        event(id="e", date="2025"),
    ]
    chart = charts.events_chart(events, _link, lambda year: year == 2025)
    assert [(r.label, r.count, r.month) for r in chart.rows] == [
        ("2019", 1, False),
        ("2025", 4, False),
        ("January 2025", 2, True),
        ("March 2025", 1, True),
    ]
    assert [r.percent for r in chart.rows] == [25.0, 100.0, 50.0, 25.0]
    assert chart.rows[1].gap_before == "No events for 5 years"
    assert (chart.rows[2].src, chart.rows[2].anchor) == ("timeline/index.md", "2025-01")
    assert chart.description == (
        "5 events from 2019 to 2025. The busiest year was 2025, with 4; the busiest month, "
        "January 2025, had 2. Busy years are broken down by month."
    )
    html = (
        render.make_environment()
        .get_template("kinds/event/chart.html.j2")
        .render(chart=chart, page_src="timeline/index.md")
    )
    assert html.count('<a class="record-chart__row') == 4
    assert '<li class="record-chart__gap">No events for 5 years</li>' in html
    assert 'href="./#2025-01"' in html
    assert not re.search(r"#(000|fff)\b|black|white", html, re.IGNORECASE)  # theme colours


def test_chart_of_no_events_is_empty() -> None:
    chart = charts.events_chart([], _link, lambda year: False)
    assert chart.empty and chart.description == "No events yet."


# --- configuration -----------------------------------------------------------------------


def _mkdocs_yml() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def test_nav_lists_only_listing_pages() -> None:
    raw = _mkdocs_yml()
    targets = [next(iter(item.values())) for item in raw["nav"]]
    assert targets == [
        "index.md",
        "about.md",
        "timeline/index.md",
        "quotes/index.md",
        "lists/index.md",
        "actors/index.md",
        "tags/index.md",
        "subscribe.md",
        "data.md",
        "methodology.md",
        "contributing.md",
        "publishing.md",
    ]
    for folder in ("events", "quotes", "lists", "actors", "tags", "timeline"):
        assert f"/{folder}/" in raw["not_in_nav"]


def test_config_is_strict_and_validates_links() -> None:
    raw = _mkdocs_yml()
    assert raw["strict"] is True
    assert raw["validation"] == {
        "omitted_files": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
        "anchors": "warn",
        "not_found": "warn",
    }
    assert raw["use_directory_urls"] is True
    assert raw["extra"]["record"]["feed_limit"] == 50
    assert "!!python" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        'Let\'s "quote": a|b ~c^ =d',
        'back\\slash \\" and \\*',
        "2*3 = _x_ [l](javascript:x)",
        "<script>alert(1)</script> & &amp;",
        "# not a heading",
        "1. not a list",
    ],
)
def test_plain_text_in_markdown_reads_exactly_as_written(text: str) -> None:
    out = markdown.markdown(str(render._md(text)), extensions=["tables", "attr_list", "toc"])
    assert html.unescape(re.sub(r"</?p>", "", out)) == text


def test_pages_of_long_items_are_cut_by_size_not_only_count() -> None:
    people = [actor("a0")]
    long = "word " * 2000  # 10 KB summaries: 100 of them would make a 2 MB page
    events = [event(id=f"e{i:03d}", date="2025-03-01", summary=long) for i in range(60)]
    pages = render.render_pages(corpus_of(*people, *events), CONFIG)
    month_pages = [src for src in pages if src.startswith("timeline/2025/03")]
    assert len(month_pages) > 1
    for src in month_pages:
        assert len(pages[src].encode()) < 250_000, src
    assert sum(pages[src].count('<li class="record-row"') for src in month_pages) == 60


def test_a_quote_is_listed_with_its_speaker(golden_pages: dict[str, str]) -> None:
    """On an event's page and the home page, never a bare quotation or "(as …)" notes."""
    event = golden_pages["events/2025-01-refugees-arrive.md"]
    quotes = event.split('<ul class="record-referrers">')[1].split("</ul>")[0]
    assert ">Ada Lee: “Welcome, TikTok refugees" in quotes
    assert "(as " not in quotes
    assert ">Ada Lee: “Tiananmen, Tibet, Taiwan" in golden_pages["index.md"]


def test_every_entry_page_offers_a_prefilled_correction(
    golden_pages: dict[str, str], golden_corpus: Corpus
) -> None:
    form = "https://github.com/rednote-record/rednote-record/issues/new?template=correction.yml"
    for entry in golden_corpus.entries.values():
        page = golden_pages[f"{entry.url[:-1]}.md"]
        link = re.search(r'<p class="record-suggest">[^\n]*?<a href="([^"]+)"', page)
        assert link, entry.id
        query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
        assert html.unescape(link.group(1)).startswith(form + "&")
        assert query["entry"] == [f"https://rednote-record.github.io/rednote-record/{entry.url}"]
        assert query["title"][0].startswith("[Correction] ")


def test_actor_pages_keep_editing_notes_out(golden_pages: dict[str, str]) -> None:
    page = golden_pages["actors/ada-lee.md"]
    assert "Id (for entries)" not in page
    assert "(as speaker)" not in page and "(as actor)" not in page


def test_a_timeline_row_names_a_sources_language_when_it_shows_its_title() -> None:
    """A Chinese title shown for want of a publisher carries the source's own lang (zh-Hant);
    a publisher's name is the site's language whatever the source's."""
    titled = Source(url="https://x.tw/a", title="違反平臺規則", lang="zh-Hant")
    published = Source(url="https://x.tw/b", title="報導", publisher="VOA Chinese", lang="zh-Hant")
    pages = render.render_pages(corpus_of(event(sources=(titled, published))), CONFIG)
    row = pages["timeline/index.md"]
    assert '<a href="https://x.tw/a" rel="nofollow noopener" lang="zh-Hant">違反平臺規則</a>' in row
    assert '<a href="https://x.tw/b" rel="nofollow noopener">VOA Chinese</a>' in row
