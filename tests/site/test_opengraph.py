"""Every built page's head: OpenGraph and Twitter card tags, escaped whatever the entry says,
and a listing's own feed beside the site-wide ones."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator.build.pipeline import BuildResult
from generator.core.config import SiteConfig

SOCIAL = (
    "og:type",
    "og:site_name",
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:type",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
    "twitter:card",
    "twitter:image:alt",
    "twitter:title",
    "twitter:description",
)
_SOCIAL_TAG_RE = re.compile(r'<meta (?:property|name)="(?:og|twitter):[^>]*>')
XSS_EVENT = "events/2025-01-13-xss-event/index.html"
XSS_TITLE = (
    '<script>alert("event-title")</script>XSS-EVENT-TITLE & "double" \'single\' {{ 7*7 }} '
    '{: onclick="alert(1)" }'
)


class _Head(HTMLParser):
    """The social tags (name → every content given, and every attribute of the tag) and the
    feed links of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.social: dict[str, list[str]] = {}
        self.attributes: list[list[str]] = []
        self.feeds: list[dict[str, str]] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._in_head = True
        if not self._in_head:
            return
        if tag == "meta":
            key = values.get("property") or values.get("name") or ""
            if key.startswith(("og:", "twitter:")):
                self.social.setdefault(key, []).append(values.get("content", ""))
                self.attributes.append([k for k, _ in attrs])
        if tag == "link" and values.get("rel") == "alternate" and "xml" in values.get("type", ""):
            self.feeds.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False


def head(path: Path) -> _Head:
    parsed = _Head()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def one(parsed: _Head) -> dict[str, str]:
    """Each social tag's content, checking that each is there exactly once."""
    assert {k: len(v) for k, v in parsed.social.items()} == dict.fromkeys(SOCIAL, 1)
    return {k: v[0] for k, v in parsed.social.items()}


def test_an_entry_page_carries_opengraph_and_twitter_tags_escaped(hostile_site: Path) -> None:
    parsed = head(hostile_site / XSS_EVENT)
    tags = one(parsed)
    assert tags["og:title"] == tags["twitter:title"] == XSS_TITLE  # the text, as written
    assert tags["og:description"] == tags["twitter:description"]
    assert tags["og:description"].startswith(
        'XSS-EVENT-SUMMARY <script>alert("event-summary")</script> <iframe srcdoc='
    )
    assert tags["og:type"] == "article"
    assert tags["og:site_name"] == "RedNote Record"
    assert tags["og:url"] == (
        "https://rednote-record.github.io/rednote-record/events/2025-01-13-xss-event/"
    )
    assert tags["twitter:card"] == "summary_large_image"  # the theme's image, 1200×630
    # No quote in the text ended an attribute: each tag has its two attributes, nothing more.
    assert {tuple(sorted(a)) for a in parsed.attributes} == {
        ("content", "property"),
        ("content", "name"),
    }


def test_every_page_of_the_hostile_site_has_each_social_tag_once(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("index.html"))
    assert len(pages) > 10
    for path in pages:
        parsed = head(path)
        tags = one(parsed)
        assert tags["og:type"] in ("article", "website"), path
        assert all(len(a) == 2 for a in parsed.attributes), path
        # Escaped in the HTML itself: no "<" inside any social tag.
        raw = _SOCIAL_TAG_RE.findall(path.read_text(encoding="utf-8"))
        assert len(raw) == len(SOCIAL) and not any("<" in t[1:] for t in raw), path


def test_pages_without_a_description_of_their_own_use_the_sites(
    built_site: BuildResult, site_config: SiteConfig
) -> None:
    tags = one(head(built_site.site_dir / "tags/migration/index.html"))
    assert tags["og:description"] == " ".join(site_config.site_description.split())
    assert "“TikTok refugee”" in tags["og:description"]  # kept as text, quotes and all
    assert tags["og:type"] == "website"
    assert tags["og:title"] == "Tag: migration"
    home = one(head(built_site.site_dir / "index.html"))
    assert home["og:title"] == site_config.site_name
    assert home["og:url"] == site_config.require_site_url()


@pytest.mark.parametrize(
    ("page", "feed", "title"),
    [
        ("tags/migration/index.html", "feeds/tags/migration", "RedNote Record: tagged migration"),
        ("tags/migration/index.html", "feeds/all", "RedNote Record"),
        ("quotes/index.html", "feeds/quotes", "RedNote Record: quotes"),
        ("lists/index.html", "feeds/lists", "RedNote Record: censorship lists"),
        ("events/2025-01-18-blackout/index.html", "feeds/all", "RedNote Record"),
    ],
)
def test_a_page_head_links_its_own_feed_beside_the_sites(
    built_site: BuildResult, page: str, feed: str, title: str
) -> None:
    site = built_site.site_dir
    links = {
        (link["title"], urljoin(page, link["href"])): link["type"]
        for link in head(site / page).feeds
    }
    assert links[(f"{title} (Atom)", f"{feed}.atom.xml")] == "application/atom+xml"
    assert links[(f"{title} (RSS)", f"{feed}.rss.xml")] == "application/rss+xml"
    for _, target in links:
        assert (site / target).is_file(), target


def test_only_pages_with_a_feed_of_their_own_link_more_than_the_sites(
    built_site: BuildResult,
) -> None:
    site = built_site.site_dir
    for page in ("events/2025-01-18-blackout/index.html", "actors/index.html", "index.html"):
        assert [urljoin(page, link["href"]) for link in head(site / page).feeds] == [
            "feeds/all.atom.xml",
            "feeds/all.rss.xml",
        ], page
