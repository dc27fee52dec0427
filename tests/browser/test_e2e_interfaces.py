"""The two interfaces in a browser (issue 31): the language switch is reached by keyboard, is
named for screen readers and leads to the same page; search in the Chinese interface finds by
English and Chinese words and shows its results in Chinese, linking the Chinese pages."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVENT = "events/2025-01-13-rednote-tops-us-app-store/"


@pytest.mark.parametrize(
    ("start", "to", "name"),
    [
        (EVENT, "zh/" + EVENT, "中文: this page in Chinese"),
        ("zh/" + EVENT, EVENT, "English：本页的英语版"),
    ],
)
def test_the_switch_is_reached_by_keyboard_and_leads_to_the_same_page(
    browser: Any, site_url: str, start: str, to: str, name: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(site_url + start)
        for _ in range(15):  # past the skip links, the logo, the palette's switch
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('record-language__link')"):
                break
        else:
            pytest.fail("the language switch was not reached with Tab")
        label = page.evaluate(
            "() => { const e = document.activeElement; return e.textContent.trim(); }"
        )
        assert label == name
        page.keyboard.press("Enter")
        page.wait_for_url(site_url + to)
        assert page.evaluate("document.documentElement.lang") == (
            "zh" if to.startswith("zh/") else "en"
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("words", ["refugee", "小红书"])
def test_search_in_chinese_shows_chinese_results(
    browser: Any, site_url: str, words: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    try:
        page.goto(site_url + f"zh/search/?q={words}")
        first = page.locator("[data-record-search-page-results] a").first
        first.wait_for(timeout=20_000)
        assert first.get_attribute("href").startswith(site_url + "zh/")
        results = page.locator("[data-record-search-page-results] li")
        kinds = results.locator(".record-search-kind").all_inner_texts()
        assert kinds and all("年" in k for k in kinds if "·" in k)  # dates the Chinese way
        assert any(k.startswith(("事件", "引语", "相关方", "审查清单")) for k in kinds), kinds
    finally:
        context.close()
