"""The built site in a real browser (headless Chromium through Playwright), served on localhost.

Search (English and Chinese), the timeline filter, entry pages and feed links, console
errors, hostile entries whose scripts must never run, and screenshots in both palettes at
desktop and phone widths (saved under test-artifacts/screenshots/).

With CI=true these tests never skip: a missing Playwright or Chromium fails them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import serve

from generator.build.pipeline import publish
from generator.core.config import load_config
from generator.format.corpus import Corpus
from generator.load.reader import discover, parse, read_text
from generator.validate.record import build_entry

ROOT = Path(__file__).resolve().parent.parent.parent
HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def unvalidated_links_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/data/hostile/xss-links/ published WITHOUT validation (which would refuse it),
    to show the renderer alone keeps javascript:/data: links off the pages."""
    files, problems = discover(HOSTILE / "xss-links" / "entries")
    assert not problems
    entries = {}
    for kind, path in files:
        entry = build_entry(kind, parse(path, read_text(path)))
        entries[entry.id] = entry
    site_dir = tmp_path_factory.mktemp("links") / "site"
    publish(Corpus(entries), load_config(ROOT / "mkdocs.yml"), site_dir, progress=False)
    with serve(site_dir) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


# --- search -----------------------------------------------------------------------------------


def _search(page: Any, base: str, query: str) -> list[str]:
    """Type ``query`` into the header's search box and return the result links' paths."""
    page.goto(base)
    box = page.locator("[data-record-search-input]")
    box.click()
    box.press_sequentially(query, delay=30)
    page.locator("[data-record-search-results] .md-search-result__item").first.wait_for()
    return page.locator("[data-record-search-results] a.md-search-result__link").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("moderators", "/events/2025-01-13-xiaohongshu-hires-english-moderators/"),
        ("翻译", "/events/2025-01-19-xiaohongshu-translation-feature/"),  # in its zh summary
        ("官媒", "/events/2025-01-13-beijing-welcomes-newcomers/"),  # in its zh title
    ],
)
def test_search_finds_the_entry(page: Any, site_url: str, query: str, expected: str) -> None:
    hrefs = _search(page, site_url, query)
    assert expected in hrefs, hrefs


# --- entry pages and feeds --------------------------------------------------------------------


def test_an_entry_page_and_its_feed_links_work(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    row = page.locator("#event-2025-01-13-xiaohongshu-hires-english-moderators")
    row.locator("summary").click()  # the row opens in place, with a link to the entry
    entry_page = "events/2025-01-13-xiaohongshu-hires-english-moderators/"
    row.locator(f"a[href$='{entry_page}']").click()  # its title, not a citation (…/#source-1)
    page.wait_for_url("**/events/2025-01-13-xiaohongshu-hires-english-moderators/")
    assert "moderators" in page.locator("h1").first.inner_text().lower()
    feeds = page.locator("head link[rel=alternate]").evaluate_all(
        "links => links.map(l => ({href: l.href, type: l.type}))"
    )
    assert {f["type"] for f in feeds} >= {
        "application/atom+xml",
        "application/rss+xml",
        "application/feed+json",
    }
    for feed in feeds:
        response = page.request.get(feed["href"])
        assert response.status == 200, feed
        body = response.body()
        if feed["type"].endswith("json"):
            doc = json.loads(body)
            assert doc["version"].startswith("https://jsonfeed.org/version/") and doc["items"]
        else:
            root = ET.fromstring(body)
            assert root.tag in ("{http://www.w3.org/2005/Atom}feed", "rss"), feed


# --- console errors ---------------------------------------------------------------------------

MAIN_PAGES = [
    "",
    "timeline/",
    "timeline/?tag=us-law&actor=us-congress",
    "events/",
    "quotes/",
    "lists/",
    "lists/cdt-xiaohongshu-censorship-tracking/",
    "lists/terms/",
    "actors/",
    "tags/",
    "tags/censorship/",
    "events/2025-01-18-tiktok-goes-dark/",
    "quotes/quote-angelica-oung-new-accounts/",
    "actors/christine-lu/",
    "subscribe/",
    "data/",
]


def test_no_console_errors_on_the_main_pages(page: Any, site_url: str) -> None:
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    for path in MAIN_PAGES:
        response = page.goto(site_url + path, wait_until="load")
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(300)  # let deferred scripts (the timeline filter) run
    assert errors == []


# --- hostile entries --------------------------------------------------------------------------

HOSTILE_PAGES = {
    "events/2025-01-13-xss-event/": 'XSS-EVENT-SUMMARY <script>alert("event-summary")</script>',
    "actors/xss-actor/": '<script>alert("actor-name")</script>XSS-ACTOR-NAME',
    "quotes/quote-xss/": '<script>alert("quote-text")</script>XSS-QUOTE-TEXT',
    "lists/xss-list/": '<script>alert("term")</script>XSS-TERM',
    "timeline/": '<script>alert("event-title")</script>XSS-EVENT-TITLE',
    "lists/terms/": '<script>alert("term")</script>XSS-TERM',
    "tags/xss/": "XSS-LIST-TITLE",
    "actors/": "XSS-ACTOR-NAME",
    "quotes/": "XSS-QUOTE",
    "": "",
}


def _watch_dialogs(page: Any) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{page.url}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_hostile_scripts_never_run_and_show_as_text(page: Any, hostile_url: str) -> None:
    dialogs = _watch_dialogs(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path, shown in HOSTILE_PAGES.items():
        page.goto(hostile_url + path, wait_until="load")
        page.wait_for_timeout(200)
        page.mouse.move(300, 300)  # onmouseover payloads, had any become attributes
        if shown:
            text = page.locator("article").first.inner_text()
            assert shown in " ".join(text.split()), path
    assert dialogs == []
    assert errors == []


def _unsafe_anchors(page: Any) -> list[str]:
    return page.locator("article a[href], article [src]").evaluate_all(
        "els => els.map(e => e.href || e.src).filter(u => /^(javascript|data|vbscript):/i.test(u))"
    )


def _click_every_content_link(page: Any, url: str) -> None:
    count = page.locator("article a").count()
    for i in range(count):
        page.goto(url, wait_until="load")
        link = page.locator("article a").nth(i)
        href = link.get_attribute("href") or ""
        if href.startswith(("http://", "https://", "#", "/")) or not link.is_visible():
            continue  # would leave the site, or is an anchor on the page
        link.click(no_wait_after=True, timeout=2_000)
        page.wait_for_timeout(100)


@pytest.mark.parametrize("path", ["actors/xss-actor/", "events/2025-01-13-xss-event/"])
def test_hostile_links_never_run_when_clicked(page: Any, hostile_url: str, path: str) -> None:
    dialogs = _watch_dialogs(page)
    page.goto(hostile_url + path, wait_until="load")
    unsafe = _unsafe_anchors(page)
    _click_every_content_link(page, hostile_url + path)
    assert (unsafe, dialogs) == ([], [])


@pytest.mark.parametrize(
    "path",
    [
        "actors/link-actor/",
        "events/2025-01-13-link-event/",
        "quotes/quote-link/",
        "lists/link-list/",
    ],
)
def test_unvalidated_javascript_links_are_dropped_by_the_renderer(
    page: Any, unvalidated_links_url: str, path: str
) -> None:
    dialogs = _watch_dialogs(page)
    response = page.goto(unvalidated_links_url + path, wait_until="load")
    assert response is not None and response.status == 200
    assert "LINK-" in page.locator("article").first.inner_text()
    unsafe = _unsafe_anchors(page)
    _click_every_content_link(page, unvalidated_links_url + path)
    assert (unsafe, dialogs) == ([], [])


# --- screenshots ------------------------------------------------------------------------------

SHOTS = {
    "home": "",
    "timeline": "timeline/",
    "timeline-filtered": "timeline/?tag=us-law",
    "event": "events/2025-01-18-tiktok-goes-dark/",
    "quote": "quotes/quote-rei-xia-jail/",
    "list": "lists/cdt-xiaohongshu-censorship-tracking/",
    "actor": "actors/christine-lu/",
    "actors": "actors/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_in_both_palettes(browser: Any, site_url: str, scheme: str, width: str) -> None:
    """Material follows prefers-color-scheme (mkdocs.yml's palette has a media query per
    scheme) until the reader picks one, so emulating the preference really switches it."""
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, device_scale_factor=1, is_mobile=width == "phone"
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in SHOTS.items():
            page.goto(site_url + path, wait_until="load")
            expected = "slate" if scheme == "dark" else "default"
            assert page.locator("body").get_attribute("data-md-color-scheme") == expected
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            dark = _luminance(background) < 0.3
            assert dark == (scheme == "dark"), background
            out = SCREENSHOTS / f"{name}-{scheme}-{width}.png"
            page.screenshot(path=str(out), full_page=False)
            assert out.stat().st_size > 5_000
    finally:
        context.close()


def test_the_palette_toggle_switches_and_is_remembered(page: Any, site_url: str) -> None:
    page.goto(site_url)
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.goto(site_url + "timeline/")
    assert body.get_attribute("data-md-color-scheme") == "slate"


def _luminance(css_color: str) -> float:
    parts = css_color[css_color.index("(") + 1 : css_color.index(")")].split(",")
    r, g, b = (float(p) / 255 for p in parts[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
