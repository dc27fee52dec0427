"""Search in the browser (Pagefind, assets/record-search.js): the header box and the search
page, in English and Chinese, with filters from the page and from the URL, the empty state,
the keyboard, highlighting on the result page, and hostile text shown as text."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
HEADER_RESULTS = "[data-record-search-results] a.md-search-result__link"
PAGE_RESULTS = "[data-record-search-page-results] a.md-search-result__link"
PAGE_STATUS = "[data-record-search-page-status]"


@pytest.fixture
def page(checked_page: Any) -> Any:
    return checked_page


def _paths(page: Any, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("as => as.map(a => new URL(a.href).pathname)")


def _type_in_header(page: Any, query: str) -> list[str]:
    page.locator("[data-record-search-input]").click()
    page.keyboard.insert_text(query)  # as an input method commits Chinese: one input event
    page.locator(HEADER_RESULTS).first.wait_for()
    return _paths(page, HEADER_RESULTS)


def _search_page(page: Any, base: str, query: str) -> list[str]:
    page.goto(base + "search/?" + query)
    page.wait_for_function(
        f"document.querySelector('{PAGE_STATUS}').textContent.match(/results?|No results/)"
    )
    return _paths(page, PAGE_RESULTS)


def _status(page: Any) -> str:
    return page.locator(PAGE_STATUS).inner_text()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kagan", "/quotes/quote-elena-kagan-incidental-effects/"),
        ("moderators", "/events/2025-01-13-xiaohongshu-hires-english-moderators/"),
        ("坦克人", "/events/2025-01-15-thewrap-tank-man-test/"),  # in its zh title
        ("审查", "/events/2022-07-14-cdt-publishes-xiaohongshu-censorship-leak/"),
        ("难民", "/events/2025-01-13-tiktok-refugee-hashtag-grows/"),
    ],
)
def test_a_word_finds_its_entry_from_the_header_and_the_page(
    page: Any, site_url: str, query: str, expected: str
) -> None:
    page.goto(site_url + "about/")
    found = _type_in_header(page, query)
    path = urlsplit(site_url).path
    assert path + expected.lstrip("/") in found or expected in found, found
    assert any(expected in p for p in _search_page(page, site_url, "q=" + query))


def test_a_result_shows_its_kind_date_title_and_marked_excerpt(page: Any, site_url: str) -> None:
    _search_page(page, site_url, "q=Kagan&kind=Quote")
    first = page.locator("[data-record-search-page-results] li").first
    assert first.locator(".record-search-kind").inner_text() == "Quote · 10 January 2025"
    assert "TikTok is going to suffer" in first.locator(".record-search-title").inner_text()
    assert first.locator(".record-search-excerpt mark").first.inner_text().strip() == "Kagan"


def _count(page: Any) -> int:
    status = _status(page)
    return 0 if status.startswith("No results") else int(status.split()[0])


@pytest.mark.parametrize(
    ("base", "extra", "folder"),
    [
        ("q=TikTok", "kind=Quote", "/quotes/"),
        ("q=TikTok", "kind=Event", "/events/"),
        ("q=TikTok", "tag=censorship", None),
        ("q=TikTok", "year=2025", None),
        ("kind=Quote", "language=Chinese", "/quotes/"),  # a filter alone, without words
    ],
)
def test_each_filter_from_the_url_narrows_the_results(
    page: Any, site_url: str, base: str, extra: str, folder: str | None
) -> None:
    _search_page(page, site_url, base)
    everything = _count(page)
    narrowed = _search_page(page, site_url, base + "&" + extra)
    name, value = extra.split("=")
    assert page.locator(f"select[name={name}]").input_value() == value  # applied, and shown
    assert 0 < _count(page) < everything
    if folder:
        assert all(folder in p for p in narrowed), narrowed


def test_choosing_a_filter_narrows_and_goes_into_the_url(page: Any, site_url: str) -> None:
    _search_page(page, site_url, "q=TikTok")
    before = int(_status(page).split()[0])
    page.locator("select[name=kind]").select_option("Quote")
    page.wait_for_url("**/search/?q=TikTok&kind=Quote")
    page.wait_for_function(
        f"!document.querySelector('{PAGE_STATUS}').textContent.startsWith('{before} ')"
    )
    assert int(_status(page).split()[0]) < before
    assert all("/quotes/" in p for p in _paths(page, PAGE_RESULTS))
    page.locator("select[name=sort]").select_option("asc")
    page.wait_for_url("**/search/?q=TikTok&kind=Quote&sort=asc")


def test_nothing_found_says_so_and_suggests_removing_filters(page: Any, site_url: str) -> None:
    assert _search_page(page, site_url, "q=qqqqzzzz") == []
    assert _status(page) == "No results for “qqqqzzzz”. Try other words, or fewer."
    assert _search_page(page, site_url, "q=Kagan&kind=Censorship+list") == []
    assert _status(page) == "No results for “Kagan”. Try removing a filter."


def test_slash_and_s_focus_the_box_and_escape_closes_it(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    box = page.locator("[data-record-search-input]")
    for key in ("/", "s"):
        page.locator("h1").first.click()
        page.keyboard.press(key)
        assert box.evaluate("el => el === document.activeElement")
        assert page.locator("#__search").is_checked()
        assert box.input_value() == ""  # the key opened the box; it was not typed into it
        page.keyboard.press("Escape")
        assert not page.locator("#__search").is_checked()
        assert not box.evaluate("el => el === document.activeElement")


def test_enter_opens_the_search_page_and_a_result_highlights_the_words(
    page: Any, site_url: str
) -> None:
    page.goto(site_url)
    _type_in_header(page, "moderators")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=moderators")
    page.locator(PAGE_RESULTS).first.click()
    page.wait_for_url("**/events/**?h=moderators")
    mark = page.locator("mark.record-highlight").first
    mark.wait_for()
    assert mark.inner_text().lower().startswith("moderator")


def test_a_missing_index_is_reported_in_the_box(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP)  # not `page`: the failed load is logged
    pg = context.new_page()
    pg.route("**/pagefind/pagefind.js", lambda route: route.abort())
    pg.goto(site_url)
    pg.locator("[data-record-search-input]").click()
    status = pg.locator("[data-record-search-status]")
    status.filter(has_text="Search is unavailable").wait_for(timeout=10_000)
    context.close()


def test_hostile_text_is_shown_as_text_in_results(page: Any, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for query in ("XSS-EVENT-SUMMARY", "XSS-QUOTE-TEXT", "审查"):
        page.goto(hostile_url + "about/")
        _type_in_header(page, query)
        results = page.locator("[data-record-search-results]")
        assert results.locator("script, img, iframe, style, a a").count() == 0
        text = results.inner_text()
        assert "<script>" in text or "<img" in text or "XSS" in text, text
        _search_page(page, hostile_url, "q=" + query)
        assert page.locator("[data-record-search-page-results] script").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    titles = page.locator(".record-search-title").all_inner_texts()
    assert any('<script>alert("' in t for t in titles), titles


def test_without_javascript_the_page_says_search_needs_it(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(site_url + "search/?q=Kagan")
    assert "Search needs JavaScript" in pg.locator(PAGE_STATUS).inner_text()
    assert pg.locator("fieldset.record-search-page__filters").is_hidden()
    context.close()


def test_a_shared_material_search_link_opens_the_box(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/?q=Kagan")
    page.locator(HEADER_RESULTS).first.wait_for()
    assert page.locator("#__search").is_checked()
    assert page.locator("[data-record-search-input]").input_value() == "Kagan"
