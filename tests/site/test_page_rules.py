"""Rules every page of the built record keeps, for tools other people run on it.

- No inline style (a `style` attribute or a `<style>` element): a Content-Security-Policy of
  `style-src 'self'`, which a publisher may set, blocks both, and the page would lose them.
- A `<title>` of at most 70 characters, which search results and tabs show whole: the page's
  title and " - " and the site's name when that fits, the page's title alone when only that
  fits, and otherwise the page's title cut after a word, with "…" (og:title keeps it whole).
- Chinese text in an element whose language is Chinese (`lang="zh…"`), so that a screen
  reader reads it with a Chinese voice and a browser picks Chinese glyphs, not Japanese ones.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.core.config import SiteConfig

pytestmark = pytest.mark.slow

TITLE_LENGTH = 70
_HAN = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
# (page, tag) pairs of Material's own markup with inline style; none so far.
MATERIAL_STYLES: set[tuple[str, str]] = set()


class _Page(HTMLParser):
    """What these rules read from a page: its title, og:title and inline styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.og_title: str | None = None
        self.styles: list[str] = []  # the tags that carry one
        self.unmarked: list[str] = []  # Chinese text in an element of another language
        self._in_title = False
        self._open: list[tuple[str, str | None]] = []  # (element, its lang attribute)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in _VOID:
            self._open.append((tag, values.get("lang")))
        if "style" in values or tag == "style":
            self.styles.append(self.get_starttag_text() or tag)
        if tag == "title" and self.title is None:
            self._in_title, self.title = True, ""
        if tag == "meta" and values.get("property") == "og:title":
            self.og_title = values.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif _HAN.search(data) and not any(t in ("script", "style") for t, _ in self._open):
            lang = next((lang for _, lang in reversed(self._open) if lang), "")
            if not lang.lower().startswith(("zh", "ja", "ko", "yue")):
                self.unmarked.append(f"{' '.join(data.split())[:60]!r} (lang {lang!r})")


def _pages(site: Path) -> dict[str, _Page]:
    pages = {}
    for file in sorted(site.rglob("*.html")):
        parser = _Page()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[file.relative_to(site).as_posix()] = parser
    assert len(pages) > 100, f"only {len(pages)} pages in {site}"
    return pages


def test_no_inline_styles(record_site: Path) -> None:
    found = [
        f"{name}: {tag}"
        for name, page in _pages(record_site).items()
        for tag in page.styles
        if (name, tag) not in MATERIAL_STYLES
    ]
    assert not found, "inline styles, which style-src 'self' blocks:\n" + "\n".join(found[:20])


def _expected_title(full: str, site_name: str, title: str) -> str | None:
    """What is wrong with ``title`` for a page whose whole title is ``full``, or None."""
    if full == site_name:
        return None if title == site_name else f"{title!r}: the home page is titled {site_name!r}"
    if len(with_name := f"{full} - {site_name}") <= TITLE_LENGTH:
        return None if title == with_name else f"{title!r}, not {with_name!r}"
    if len(full) <= TITLE_LENGTH:
        return None if title == full else f"{title!r}, not {full!r}"
    cut = title.rstrip('”"')
    if not cut.endswith("…"):
        return f"{title!r}: cut without '…'"
    cut = cut[:-1]
    if not (full.startswith(cut) and full[len(cut)] in " ,;:"):
        return f"{title!r} is not {full!r} cut after a word"
    return None


def test_titles_fit(record_site: Path, site_config: SiteConfig) -> None:
    site_name = site_config.site_name
    wrong = []
    for name, page in _pages(record_site).items():
        if page.title is None:
            continue
        title = " ".join(page.title.split())
        if len(title) > TITLE_LENGTH:
            wrong.append(f"{name}: {len(title)} characters: {title}")
        elif page.og_title is not None:
            full = " ".join(page.og_title.split())
            problem = _expected_title(full, site_name, title)
            if problem:
                wrong.append(f"{name}: {problem}")
    assert not wrong, "titles:\n" + "\n".join(wrong[:20])


def test_chinese_text_says_it_is_chinese(record_site: Path) -> None:
    found = [
        f"{name}: {text}" for name, page in _pages(record_site).items() for text in page.unmarked
    ]
    assert not found, "Chinese text without lang=zh:\n" + "\n".join(found[:20])
