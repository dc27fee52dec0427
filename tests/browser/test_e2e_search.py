"""Search in the browser (Pagefind, assets/record-search.js): the header box and the search
page, in English and Chinese, with filters from the page and from the URL, the empty state,
the keyboard, highlighting on the result page, hostile text shown as text, and results a
reader can scan: the title largest, the excerpt not repeating it, Chinese words marked whole,
an entry first for its own name, a quote with its speaker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import serve

from generator.build.pipeline import BuildResult
from generator.format.corpus import Corpus
from generator.publish import search

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


@pytest.fixture(scope="module")
def golden_url(built_site: BuildResult) -> Iterator[str]:
    """The golden sample corpus (tests/data/golden/) built and served: search as a tool."""
    with serve(built_site.site_dir) as url:
        yield url


# Each result as a reader sees it: its lines' text and font size, and the marked words.
_READ = """lis => lis.map(li => {
  const line = s => { const e = li.querySelector(s);
    return e ? {text: e.innerText, size: parseFloat(getComputedStyle(e).fontSize)} : null; };
  return {path: new URL(li.querySelector('a').href).pathname,
          h: new URL(li.querySelector('a').href).search,
          kind: line('.record-search-kind'), title: line('.record-search-title'),
          names: line('.record-search-names'), facts: line('.record-search-facts'),
          excerpt: line('.record-search-excerpt'),
          marks: [...li.querySelectorAll('.record-search-excerpt mark')].map(m => m.textContent)};
})"""


def _read_page(page: Any, base: str, query: str) -> list[dict[str, Any]]:
    _search_page(page, base, query)
    return page.locator("[data-record-search-page-results] li").evaluate_all(_READ)


def _read_header(page: Any, base: str, query: str) -> list[dict[str, Any]]:
    page.goto(base + "about/")
    _type_in_header(page, query)
    return page.locator("[data-record-search-results] li").evaluate_all(_READ)


def _both(page: Any, base: str, query: str) -> Iterator[list[dict[str, Any]]]:
    """The results for ``query`` in the header box, then on the search page."""
    yield _read_header(page, base, query)
    yield _read_page(page, base, "q=" + query)


def _bare(text: str) -> str:
    return " ".join(re.sub(r"[“”\"‘’…]", "", text).lower().split())


def test_a_results_title_is_its_largest_text(page: Any, golden_url: str) -> None:
    for results in _both(page, golden_url, "小红书"):
        assert {r["path"] for r in results} >= {"/actors/rednote/", "/quotes/quote-welcome-zh/"}
        for r in results:
            others = [r[k]["size"] for k in ("kind", "facts", "excerpt") if r[k]]
            assert r["title"]["size"] > max(others), r


@pytest.mark.parametrize("query", ["refugees", "小红书", "Xiaohongshu", "Shanghai"])
def test_an_excerpt_does_not_repeat_the_title_or_names(
    page: Any, golden_url: str, query: str
) -> None:
    for results in _both(page, golden_url, query):
        assert results
        for r in results:
            if not r["excerpt"]:  # a result with nothing more than its title has no excerpt
                continue
            title, excerpt = _bare(r["title"]["text"]), _bare(r["excerpt"]["text"])
            assert not excerpt.startswith(" ".join(title.split()[:3])), r
            assert title not in excerpt, r
            assert not r["names"] or _bare(r["names"]["text"]) not in excerpt, r


def test_a_chinese_word_is_marked_whole(page: Any, golden_url: str) -> None:
    for results in _both(page, golden_url, "小红书"):
        marks = [m.strip() for r in results for m in r["marks"]]
        assert marks and set(marks) == {"小红书"}, marks
        # The result's page marks the word as typed, not the index's pieces (小 红 书).
        assert all(parse_qs(r["h"][1:])["h"] == ["小红书"] for r in results)


@pytest.mark.parametrize("query", ["小红书", "Xiaohongshu", "RedNote", "xiaohongshu (rednote)"])
def test_an_entry_named_as_typed_comes_first(page: Any, golden_url: str, query: str) -> None:
    for results in _both(page, golden_url, query):
        assert results[0]["path"] == "/actors/rednote/", [r["path"] for r in results]


def test_a_chosen_order_is_kept_whatever_the_names(
    page: Any, golden_url: str, golden_corpus: Corpus
) -> None:
    when = {rec["url"]: rec["sort"].get("date") for rec in search.records(golden_corpus)}
    for order in ("desc", "asc"):
        results = _read_page(page, golden_url, "q=小红书&sort=" + order)
        dates = [when[r["path"]] for r in results if when[r["path"]]]
        assert len(dates) > 1 and dates == sorted(dates, reverse=order == "desc"), dates
        assert results[0]["path"] != "/actors/rednote/"  # undated: not put first by its name


def test_a_quote_result_says_who_said_it(page: Any, golden_url: str) -> None:
    for results in _both(page, golden_url, "chat"):
        (quote,) = [r for r in results if r["path"] == "/quotes/quote-welcome-zh/"]
        assert quote["kind"]["text"] == "Quote by Ada Lee · 14 January 2025"


def test_an_actor_result_has_its_name_as_title_and_its_kind_on_its_own_line(
    page: Any, golden_url: str
) -> None:
    for results in _both(page, golden_url, "Shanghai"):
        (actor,) = [r for r in results if r["path"] == "/actors/rednote/"]
        assert actor["kind"]["text"] == "Actor"
        assert actor["title"]["text"] == "Xiaohongshu (RedNote) 小红书"
        assert actor["names"]["text"] == "小红书"
        assert actor["facts"]["text"] == "Kind: platform"
        assert actor["excerpt"]["text"].startswith("A Shanghai-based lifestyle app")


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
    assert first.locator(".record-search-kind").inner_text() == (
        "Quote by Elena Kagan · 10 January 2025"
    )
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


def test_tabbing_past_the_box_closes_it(page: Any, site_url: str) -> None:
    """The overlay does not stay open, dimming the page, while focus moves on."""
    page.goto(site_url + "timeline/")
    page.keyboard.press("Tab")  # Material's "Skip to content"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-record-search-input]')"):
            break
    assert page.locator("#__search").is_checked()  # focus opened it
    for _ in range(6):
        page.keyboard.press("Tab")
        if not page.evaluate("!!document.activeElement.closest('.md-search')"):
            break
    assert not page.evaluate("!!document.activeElement.closest('.md-search')")
    assert not page.locator("#__search").is_checked()


def test_chinese_in_results_says_it_is_chinese(page: Any, golden_url: str) -> None:
    unmarked = """() => {
      const out = [];
      const lists = '[data-record-search-results], [data-record-search-page-results]';
      for (const root of document.querySelectorAll(lists)) {
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
          const node = walk.currentNode;
          if (!/\\p{Script=Han}/u.test(node.nodeValue)) continue;
          const lang = node.parentElement.closest('[lang]').getAttribute('lang');
          if (!/^zh/.test(lang)) out.push(node.nodeValue);
        }
      }
      return out;
    }"""
    for query in ("小红书", "refugees"):
        for where, results in zip(("header", "page"), _both(page, golden_url, query), strict=True):
            assert results, (query, where)
            assert page.evaluate(unmarked) == [], (query, where)


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


@pytest.mark.parametrize("query", ["小红书", "Xiaohongshu"])
def test_the_platforms_actor_comes_first_for_its_name(page: Any, site_url: str, query: str) -> None:
    for results in _both(page, site_url, query):
        assert results[0]["path"].endswith("/actors/xiaohongshu/"), [r["path"] for r in results]


def test_an_actors_kind_is_not_run_into_its_name(page: Any, site_url: str) -> None:
    for results in _both(page, site_url, "Tony Oswald"):
        actor = results[0]
        assert actor["path"].endswith("/actors/tony-oswald/")
        assert actor["title"]["text"] == "Tony Oswald"
        assert actor["facts"]["text"] == "Kind: person"
        assert actor["excerpt"]["text"].startswith("New York filmmaker")
