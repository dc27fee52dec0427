"""The timeline in a real browser: the filter held in the URL (across years, on one page and
across several), its empty state and the table of contents, previous and next events, the
chart's label sizes and links, and the pages without JavaScript.

With CI=true these never skip (the fixtures in conftest.py fail instead).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import serve
from helpers import corpus_of, event

from generator.build.pipeline import publish
from generator.core.config import load_config
from generator.format.corpus import Corpus
from generator.format.kinds import using
from generator.kinds import configured
from generator.kinds.actor import Actor
from generator.site import render
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent


@functools.cache
def record() -> Corpus:
    """The real record, read when a test first needs it (not when the module is collected)."""
    return load_corpus(ROOT / "entries")


def events() -> int:
    """How many events the real record has, all on the timeline's one page."""
    return len(record().of("event"))


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.record]


@pytest.fixture
def page(checked_page: Any) -> Any:
    return checked_page


def _rows(page: Any) -> list[dict[str, Any]]:
    """The timeline's rows that are shown."""
    return page.locator(".record-row").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => ({"
        "id: e.id, tags: (e.dataset.tags || '').split(' '),"
        "actors: (e.dataset.actors || '').split(' '), periods: e.dataset.periods || ''}))"
    )


def _wait_for_filter(page: Any) -> None:
    page.locator("form[data-record-filter]").wait_for(state="visible")  # record.js un-hides it


# --- the filter on the real record, which fits on one page ------------------------------------


def test_the_filter_comes_from_the_url_and_spans_every_year(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    _wait_for_filter(page)
    everything = _rows(page)
    assert len(everything) == events()
    page.goto(site_url + "timeline/?tag=us-law")
    _wait_for_filter(page)
    shown = _rows(page)
    expected = [r["id"] for r in everything if "us-law" in r["tags"]]
    assert [r["id"] for r in shown] == expected
    assert {r["periods"].split()[0] for r in shown} >= {"2024", "2025"}  # not one year only
    assert page.locator("select[name=tag]").input_value() == "us-law"
    assert page.locator(".record-chart").is_hidden()  # it counts the whole record
    count = page.locator(".record-filter__count").inner_text()
    assert count == f"{len(expected)} of {events()} events, tag us-law"
    # headings without a shown event are hidden, and so are their lines in the contents
    assert page.locator("h2[id='2013']").is_hidden() and page.locator("h2[id='2024']").is_visible()
    toc = page.locator(".md-sidebar--secondary a.md-nav__link[href='#2013']")
    assert toc.evaluate("a => a.parentNode.hidden") is True
    # reloading keeps the filter; a second value narrows it and goes into the URL
    page.reload()
    _wait_for_filter(page)
    assert [r["id"] for r in _rows(page)] == expected
    page.locator("select[name=actor]").select_option("us-congress")
    assert urlsplit(page.url).query == "tag=us-law&actor=us-congress"
    both = [r["id"] for r in everything if "us-law" in r["tags"] and "us-congress" in r["actors"]]
    assert [r["id"] for r in _rows(page)] == both and 0 < len(both) < len(expected)


def test_no_match_says_so_and_clearing_shows_everything(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/?tag=blackout&actor=christine-lu")
    _wait_for_filter(page)
    assert _rows(page) == []
    empty = page.locator("[data-record-filter-empty]")
    assert empty.is_visible() and "No event matches this filter." in empty.inner_text()
    empty.get_by_role("link", name="Clear the filter").click()
    assert len(_rows(page)) == events()
    assert empty.is_hidden() and urlsplit(page.url).query == ""
    assert page.locator(".record-chart").is_visible()
    assert page.locator(".md-sidebar--secondary li:has(> a[href='#2013'])").is_visible()
    assert page.locator("select[name=tag]").input_value() == ""


def test_an_unknown_value_in_the_url_is_ignored(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/?tag=no-such-tag")
    _wait_for_filter(page)
    assert len(_rows(page)) == events()
    assert page.locator(".record-filter__count").inner_text() == ""


# --- the timeline leads with its events (issue 30) ----------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_first_event_is_on_the_first_screen(
    browser: Any, site_url: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    try:
        page.goto(site_url + "timeline/")
        _wait_for_filter(page)
        first = page.locator(".record-row summary").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= viewport["height"], box
        # the chart follows the events
        chart = page.locator(".record-chart").bounding_box()
        last = page.locator(".record-row").last.bounding_box()
        assert chart is not None and last is not None and chart["y"] > last["y"]
    finally:
        context.close()


def test_a_phone_reader_reaches_a_week_in_one_tap(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(site_url + "timeline/")
        _wait_for_filter(page)
        link = page.locator(".record-rail a[href$='#2025-01-13']")
        box = link.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # no sideways scroll
        assert box["width"] >= 24 and box["height"] >= 24, box  # WCAG 2.2's target size
        # shown: "13–19" under "Jan"; read: "13–19 January 2025"
        assert link.evaluate("a => a.firstChild.textContent") == "13–19"
        assert link.evaluate("a => a.textContent") == "13–19 January 2025"
        link.tap()
        page.wait_for_url("**/timeline/#2025-01-13")
        heading = page.locator("[id='2025-01-13']")
        top = heading.evaluate("h => h.getBoundingClientRect().top")
        assert 40 <= top < 200, top  # below the header, at the top of the screen
    finally:
        context.close()


def test_the_rail_says_what_it_shows(page: Any, site_url: str) -> None:
    """A month reads "Jan 2025": its accessible name starts with its visible text."""
    page.goto(site_url + "timeline/")
    jan = page.locator(".record-rail a[href$='#2025-01']")
    assert jan.evaluate("a => a.firstChild.textContent") == "Jan"
    hidden = jan.locator(".record-sr")
    assert hidden.is_hidden() or hidden.bounding_box()["width"] <= 1
    assert jan.get_attribute("aria-label") is None
    assert jan.evaluate("a => a.textContent") == "Jan 2025"


def test_every_event_opens_and_closes_at_once(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    _wait_for_filter(page)
    button = page.locator("button[data-record-expand]")
    assert button.inner_text() == "Open every event"
    opened = "() => [...document.querySelectorAll('.record-row details')].filter(d => d.open)"
    assert page.evaluate(opened + ".length") == 0
    button.click()
    assert page.evaluate(opened + ".length") == events()
    assert button.inner_text() == "Close every event"
    button.click()
    assert page.evaluate(opened + ".length") == 0
    # opening each row by hand also turns the button around
    page.locator(".record-row summary").first.click()
    assert button.inner_text() == "Open every event"


FORM = re.compile(r'(?s)<form class="record-filter".*?</form>')


def test_the_filter_writes_its_words_in_the_pages_language(page: Any, site_url: str) -> None:
    """record.js takes the words it writes from the page (data-record-*): here the built
    English timeline with its filter as the Chinese interface renders it."""
    config = load_config(ROOT / "mkdocs.yml")
    with using(configured(config)):
        chinese = render.render_pages(record(), config.for_interface("zh"))["timeline/index.md"]
    form = FORM.search(chinese).group()  # type: ignore[union-attr]

    def in_chinese(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=FORM.sub(lambda _: form, response.text()))

    page.route(re.compile(r"/timeline/(\?.*)?$"), in_chinese)
    page.goto(site_url + "timeline/?tag=us-law")
    _wait_for_filter(page)
    shown = len(_rows(page))
    count = page.locator(".record-filter__count").inner_text()
    assert count == f"{events()}个事件中的{shown}个，标签“us-law”"
    assert page.locator("[data-record-follow] span").inner_text() == "带有标签“us-law”的条目"
    button = page.locator("button[data-record-expand]")
    assert button.inner_text() == "展开全部事件"
    button.click()
    assert button.inner_text() == "收起全部事件"
    button.click()
    assert button.inner_text() == "展开全部事件"


def test_a_keyboard_reaches_the_first_event_in_a_few_keys(page: Any, site_url: str) -> None:
    """Tab, Enter (Material's "Skip to content"), Tab, Enter (ours), Tab: the first event."""
    page.goto(site_url + "timeline/")
    _wait_for_filter(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    skip = page.locator("a.record-skip")
    for _ in range(2):  # the title's permanent link, if there is one, then ours
        page.keyboard.press("Tab")
        if skip.evaluate("a => a === document.activeElement"):
            break
    assert skip.evaluate("a => a === document.activeElement"), page.evaluate(
        "document.activeElement.outerHTML"
    )
    assert skip.is_visible() and skip.inner_text() == "Skip to the first event"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('.record-row')?.id")
    first = page.locator(".record-row").first.get_attribute("id")
    assert focused == first
    assert skip.is_hidden() or skip.bounding_box()["width"] <= 1  # out of sight again


def test_a_filtered_timeline_leaves_no_gap(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/?tag=censorship")
    _wait_for_filter(page)
    shown = _rows(page)
    assert 0 < len(shown) < events()
    headings = page.locator("[data-record-period]").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => e.id)"
    )
    periods = {p for r in shown for p in r["periods"].split()}
    assert set(headings) <= periods, set(headings) - periods
    runs = page.locator("ol.record-rows:not([data-record-filter-results])").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => e.querySelectorAll('.record-row:not([hidden])').length)"
    )
    assert runs and 0 not in runs  # no empty run of rows takes space
    # between one shown row and the next: the headings of shown periods and their margins only
    gaps = page.evaluate(
        """() => {
        const shown = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent);
        const rows = shown('.record-row'), heads = shown('[data-record-period]');
        return rows.slice(1).map((row, i) => {
          const above = rows[i].getBoundingClientRect().bottom;
          const below = row.getBoundingClientRect().top;
          const between = heads.map(h => h.getBoundingClientRect())
            .filter(r => r.top >= above - 1 && r.bottom <= below + 1);
          const headings = between.reduce((n, r) => n + r.height, 0);
          return [row.id, below - above - headings, between.length];
        });
      }"""
    )
    for row, blank, n in gaps:
        assert blank < 40 + 30 * n, (row, blank, n)
    # the rail offers only periods with a shown event; the intro counts what is shown
    rail = page.locator(".record-rail a").evaluate_all(
        "as => as.filter(a => a.offsetParent !== null).map(a => a.hash.slice(1))"
    )
    assert rail and set(rail) <= periods, set(rail) - periods
    total = page.locator("[data-record-filter-total]").inner_text()
    assert total == f"{len(shown)} of {events()} events"
    # the feed links name the tag's feed
    follow = page.locator(".record-follow")
    assert "entries tagged censorship" in follow.inner_text()
    hrefs = follow.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any(h.endswith("feeds/tags/censorship.atom.xml") for h in hrefs), hrefs
    assert any(h.endswith("feeds/tags/censorship.rss.xml") for h in hrefs), hrefs
    # and clearing the filter puts everything back
    page.get_by_role("button", name="Clear the filter").click()
    assert len(_rows(page)) == events()
    assert page.locator("[data-record-filter-total]").inner_text() == f"{events()} events"
    hrefs = follow.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any(h.endswith("feeds/events.atom.xml") for h in hrefs), hrefs


@pytest.mark.parametrize("path", ["timeline/", "timeline/?tag=censorship"])
def test_the_timeline_fits_a_phone(browser: Any, site_url: str, path: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site_url + path)
        _wait_for_filter(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for select in page.locator("form[data-record-filter] select").all():
            box = select.bounding_box()
            font = select.evaluate("s => parseFloat(getComputedStyle(s).fontSize)")
            assert box is not None and box["height"] >= 24 and font >= 16, (box, font)
            assert box["x"] + box["width"] <= PHONE["width"], box
    finally:
        context.close()


# --- the filter across pages --------------------------------------------------------------


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A timeline too long for one page: 2010-2012 of 40 events a year, then 2013 of 150."""
    ann = Actor(
        id="ann", path=Path("entries/actors/ann.yaml"), added=dt.date(2025, 1, 1),
        name="Ann", kind="person",
    )  # fmt: skip
    events = []
    for year, count in ((2010, 40), (2011, 40), (2012, 40), (2013, 150)):
        for i in range(count):
            tags = ("even",) if i % 2 == 0 else ("odd",)
            events.append(
                event(
                    id=f"e{year}-{i:03d}",
                    date=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    title='<script>alert("title")</script> rows' if i == 7 else None,
                    tags=tags + (("rare",) if i == 3 else ()),
                    actors=("ann",) if i % 5 == 0 else (),
                )
            )
    site = tmp_path_factory.mktemp("paged") / "site"
    publish(corpus_of(ann, *events), load_config(ROOT / "mkdocs.yml"), site, progress=False)
    with serve(site) as url:
        yield url


def test_the_filter_searches_every_page_of_a_long_timeline(page: Any, paged_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(paged_url + "timeline/?tag=rare")
    _wait_for_filter(page)
    results = page.locator("[data-record-filter-results] li")
    results.first.wait_for()
    assert results.count() == 4  # one a year, from four pages
    assert page.locator("[data-record-unfiltered]").first.is_hidden()
    assert page.locator(".record-filter__count").inner_text() == "4 of 270 events, tag rare"
    link = results.nth(3).locator("a")
    assert link.inner_text() == "Event e2013-003"
    link.click()
    page.wait_for_url("**/events/e2013-003/")
    # from another page of the timeline, choosing a value goes to the filter
    page.goto(paged_url + "timeline/2010-2011/")
    _wait_for_filter(page)
    page.locator("select[name=actor]").select_option("ann")
    page.wait_for_url("**/timeline/?actor=ann")
    page.locator("[data-record-filter-results] li").first.wait_for()
    assert page.locator("[data-record-filter-results] li").count() == 8 + 8 + 8 + 30
    page.goto(paged_url + "timeline/?tag=odd")
    page.locator("[data-record-filter-results] li").first.wait_for()
    assert '<script>alert("title")</script> rows' in page.locator("article").inner_text()
    assert dialogs == []


# --- entry pages -------------------------------------------------------------------------


def test_event_pages_step_through_time(page: Any, site_url: str) -> None:
    page.goto(site_url + "events/2025-01-18-tiktok-goes-dark/")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/events/2025-01-19-divest-or-ban-law-takes-effect/")
    page.locator("a[rel=prev]").click()
    page.wait_for_url("**/events/2025-01-18-tiktok-goes-dark/")
    page.goto(site_url + "events/2013-06-xiaohongshu-founded/")
    assert page.locator("a[rel=prev]").count() == 0 and page.locator("a[rel=next]").count() == 1


def test_an_entry_page_offers_a_citation(page: Any, site_url: str) -> None:
    page.goto(site_url + "events/2025-01-18-tiktok-goes-dark/")
    apa = page.locator(".record-cite__apa").inner_text()
    changed = record().entries["2025-01-18-tiktok-goes-dark"].last_modified
    day = f"{changed.year}, {changed:%B} {changed.day}"
    assert apa.startswith(f"RedNote Record. ({day}). TikTok goes dark")
    assert apa.endswith("/events/2025-01-18-tiktok-goes-dark/")
    assert page.locator(".record-cite__bibtex").inner_text().startswith("@misc{")


# --- the chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "timeline/"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chart_labels_are_readable_at_any_width(
    browser: Any, site_url: str, path: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE)
    page = context.new_page()
    try:
        page.goto(site_url + path)
        sizes = page.locator(
            ".record-chart__label, .record-chart__count, .record-chart__gap, "
            ".record-chart__description"
        ).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return {"
            "text: e.textContent.trim(), font: parseFloat(getComputedStyle(e).fontSize),"
            "height: r.height, width: r.width, right: r.right, clipped: e.scrollWidth > "
            "Math.ceil(r.width) + 1}; })"
        )
        assert len(sizes) > 10
        width = page.evaluate("document.documentElement.clientWidth")
        for s in sizes:
            assert s["font"] >= 12 and s["height"] >= 12, s
            assert not s["clipped"] and s["right"] <= width, s
    finally:
        context.close()


def test_chart_bars_link_to_their_period_on_the_timeline(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.locator("a.record-chart__row", has_text="January 2025").click()
    page.wait_for_url("**/timeline/#2025-01")
    heading = page.locator("h3[id='2025-01']")
    assert heading.is_visible()
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 300  # scrolled to it
    # every bar of the timeline's own chart leads to a heading on the page
    hrefs = page.locator("a.record-chart__row").evaluate_all("as => as.map(a => a.hash)")
    assert len(hrefs) > 10
    for anchor in hrefs:
        assert page.locator(f"[id='{anchor[1:]}']").count() == 1, anchor


# --- without JavaScript ------------------------------------------------------------------


def test_the_timeline_and_tag_pages_work_without_javascript(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + "timeline/?tag=us-law")  # the filter needs JavaScript: all shown
        assert len(_rows(page)) == events()
        assert page.locator("form[data-record-filter]").is_hidden()
        row = page.locator("#event-2025-01-18-tiktok-goes-dark")
        body = row.locator(".record-row__body")
        assert body.is_hidden()
        row.locator("summary").click()  # <details> opens without a script
        assert body.is_visible() and "Sources:" in body.inner_text()
        body.get_by_role("link", name="The entry: TikTok goes dark").click()
        page.wait_for_url("**/events/2025-01-18-tiktok-goes-dark/")
        page.goto(site_url + "tags/us-law/")
        assert page.locator("article a[href*='/events/']").count() >= 5
        page.goto(site_url)
        assert page.locator(".record-chart__row").count() > 5
    finally:
        context.close()


def test_without_its_choices_the_filter_stays_hidden(browser: Any, site_url: str) -> None:
    # The choices are one file (timeline/filters.json); if it cannot be loaded, the page is
    # as without JavaScript: no filter offering nothing, every event listed. (Not the `page`
    # fixture: the browser logs the failed request as an error, which is the point here.)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.route("**/timeline/filters.json", lambda route: route.abort())
        page.goto(site_url + "timeline/?tag=us-law")
        page.wait_for_load_state("networkidle")
        assert page.locator("form[data-record-filter]").is_hidden()
        assert len(_rows(page)) == events()
        assert errors == []  # no script error, only the request's
    finally:
        context.close()


def test_the_choices_are_offered_in_order(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    _wait_for_filter(page)
    tags = page.locator("select[name=tag] option").all_inner_texts()
    assert tags[0] == "All tags" and tags[1:] == sorted(tags[1:]) and len(tags) > 2
    actors = page.locator("select[name=actor] option")
    assert actors.first.inner_text() == "All actors"
    assert page.locator("select[name=actor] option[value=us-congress]").count() == 1
