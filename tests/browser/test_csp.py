"""The record under a strict Content-Security-Policy for styles, as a publisher may serve it.

One page of each type (helpers.page_types) is served with `style-src 'self'`, which blocks
inline styles (a `style` attribute, a `<style>` element). Chromium logs every style it
refuses; none may be refused, and the events chart keeps its bars, each as long as its count
against the busiest year's.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import page_types

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CSP = "style-src 'self'"


def _strict_page(browser: Any) -> tuple[Any, Any, list[str]]:
    """A page whose documents come with the CSP header; the styles Chromium refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    def with_csp(route: Any) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/*", with_csp)
    return context, page, refused


def test_no_style_is_refused(browser: Any, site_url: str) -> None:
    context, page, refused = _strict_page(browser)
    try:
        for path in page_types().values():
            page.goto(site_url + path)
            page.wait_for_load_state("load")
        assert refused == []
    finally:
        context.close()


def test_chart_bars_keep_their_lengths(browser: Any, site_url: str) -> None:
    context, page, refused = _strict_page(browser)
    try:
        page.goto(site_url + "timeline/")
        rows = page.locator("a.record-chart__row").evaluate_all(
            """rows => rows.map(row => {
                const bar = row.querySelector(".record-chart__bar");
                const parts = [...bar.querySelectorAll("*")];
                return {
                    count: parseInt(row.querySelector(".record-chart__count").textContent, 10),
                    full: bar.getBoundingClientRect().width,
                    drawn: Math.max(0, ...parts.map(p => p.getBoundingClientRect().width)),
                };
            })"""
        )
    finally:
        context.close()
    assert refused == []
    assert len(rows) > 3
    top = max(r["count"] for r in rows)
    for r in rows:
        expected = max(2, r["full"] * r["count"] / top)  # 2 px: a year with one event shows
        assert abs(r["drawn"] - expected) <= 1.5, (r, expected)
