"""Every page type on a 390 px phone: nothing scrolls sideways, and controls are 24 px targets.

Tables are stacked into rows of labelled lines (record.js and record.css), so that a list's
items or the Subscribe page's feeds are read without a table wider than the screen.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_accessibility import PAGES

PHONE = {"width": 390, "height": 844}
TARGET = 24  # px: WCAG 2.2's minimum target size (2.5.8)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIDEWAYS = """() => [...document.querySelectorAll('.md-content *')]
  .filter(e => !e.closest('pre') && e.scrollWidth > e.clientWidth + 1 &&
               ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`)"""

SMALL = """(size) => [...document.querySelectorAll(
    '.md-content button, .md-content select, .md-content input, .record-rail a')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([, r]) => r.width < size || r.height < size)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_scrolls_sideways_on_a_phone(browser: Any, site_url: str, name: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(site_url + PAGES[name], wait_until="load")
        page.wait_for_timeout(300)  # record.js has stacked the tables
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("window.innerWidth") == PHONE["width"]  # not zoomed out to fit
        assert page.evaluate(SIDEWAYS) == []
        assert page.evaluate(SMALL, TARGET) == []
    finally:
        context.close()


def test_a_chinese_name_stays_on_one_line(browser: Any, site_url: str) -> None:
    """The home page's 小红书 broke across two lines on a phone; a short run is kept whole."""
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site_url)
        names = page.locator(".record-home__story span[lang=zh]")
        assert names.count() >= 1
        for i in range(names.count()):
            assert names.nth(i).evaluate("e => e.getClientRects().length") == 1
        # and narrower still, where the line must break somewhere else
        page.set_viewport_size({"width": 320, "height": 700})
        for i in range(names.count()):
            assert names.nth(i).evaluate("e => e.getClientRects().length") == 1
    finally:
        context.close()
