"""Atom, RSS and JSON Feed files of the newest entries, and the Subscribe and Data pages."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from generator import NAME, __version__
from generator.core import hashing, i18n
from generator.core.config import SiteConfig
from generator.core.errors import ConfigError
from generator.core.markup import escape_markdown, plain_text, strip_control_chars, strip_tags
from generator.format import kinds, urls
from generator.format.corpus import Corpus, newest_first
from generator.format.model import Entry
from generator.publish import data
from generator.site import structured
from generator.site.fingerprint import named_digest
from generator.site.render import make_environment, words

log = logging.getLogger(__name__)

# Entry and feed ids are tag: URIs (RFC 4151) minted under the knowledge base's own authority
# (extra.record.feed_id_authority), never under site_url, so moving the site changes no id
# and readers show nothing twice: a domain or e-mail address it held on the date given.
_AUTHORITY_RE = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"  # DNS name
    r"|[^\s@,:]+@[a-z0-9.-]+\.[a-z]{2,})"  # or an e-mail address
    r",\d{4}(?:-\d{2}(?:-\d{2})?)?$"  # the date the name was held
)

# Fixed so that rebuilding an unchanged knowledge base gives byte-identical files (feedgen
# would otherwise announce its own version, and stamp now() into the feed's dates).
GENERATOR = f"{NAME} {__version__}"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Only when no entry at all can date a feed (an empty knowledge base): a fixed instant, never now.
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Feed:
    """One feed: where it is written (without extension), what it says, and what it lists."""

    path: str  # site-relative, without extension: ``feeds/all``, ``zh/feeds/tags/<tag>``
    title: str
    description: str
    page: str  # site-relative URL of the HTML page the feed follows
    total: int  # how many entries it follows, before the limit
    updated: date  # the newest entry's last_modified (never the build time)
    chosen: tuple[Entry, ...] = field(repr=False)  # every entry it follows, in any order
    limit: int  # how many of them it lists
    news: _News = field(repr=False, compare=False)  # their order
    everything: bool = False  # the feed of every entry, also published as JSON Feed

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Newest first, cut to the limit (ordered when first asked for: the Subscribe page
        names the feeds and counts their entries, and never asks)."""
        rank = self.news.rank
        return tuple(sorted(self.chosen, key=lambda e: rank[e.id])[: self.limit])


class _News:
    """Every entry that is news, ranked newest first once for all the feeds that ask."""

    def __init__(self, news: list[Entry]):
        self.news = news

    @cached_property
    def rank(self) -> dict[str, int]:
        # Each feed's entries in the order of all of them (a total order: the same as sorting
        # each feed's own), sorted once: 89 sorts took a tenth of a second at 10,000 entries.
        return {e.id: i for i, e in enumerate(newest_first(self.news))}


# --- choosing and ordering entries ------------------------------------------------------------

# Feeds order their entries with corpus.newest_first (also importable from here), which
# every other list of "what is new" can share.


def feed_id_authority(config: SiteConfig) -> str:
    """``authority,date`` for tag: URIs, from ``extra.record.feed_id_authority``; there is no
    default, since ids are permanent and another site's would collide with its items."""
    record = (config.raw.get("extra") or {}).get("record") or {}
    value = record.get("feed_id_authority")
    example = suggested_authority(config.site_url)
    where = f"{config.path}: extra.record.feed_id_authority"
    if value is None:
        raise ConfigError(
            f"{where} is not set. Feed readers know an item by its id for ever, so the ids "
            "are minted under a name this knowledge base holds: add it under extra.record, "
            f"for example `feed_id_authority: {example}` (a domain or e-mail address you "
            "control, a comma, and the year you held it); keep it when the site moves"
        )
    if not isinstance(value, str) or not _AUTHORITY_RE.match(value.strip()):
        raise ConfigError(
            f"{where} {value!r} is not a tag: URI authority; use a lowercase domain or e-mail "
            f"address you control, a comma and the year you held it, such as {example!r}"
        )
    return value.strip()


def is_authority(value: str) -> bool:
    """Whether ``value`` is a tag: URI authority with its date (``example.org,2026``)."""
    return bool(_AUTHORITY_RE.match(value))


def suggested_authority(site_url: str | None, year: int | None = None) -> str:
    """A feed id authority for a site at ``site_url``: its host and ``year`` (this year)."""
    host = (urlsplit(site_url or "").hostname or "example.org").lower()
    return f"{host},{year or date.today().year}"


def entry_id(entry: Entry, authority: str, root: str = "") -> str:
    """The permanent id of an entry in every feed of an interface: ``tag:<authority>:<kind>/<id>``
    (``root``, another interface's folder, first: ``tag:<authority>:zh/<kind>/<id>``), with the
    id it was first published under (a renamed entry keeps its old one)."""
    return f"tag:{authority}:{root}{entry.KIND.name}/{entry.first_id}"


def _feed_id(feed: Feed, authority: str) -> str:
    return f"tag:{authority}:{feed.path}"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def catalogue(corpus: Corpus, config: SiteConfig) -> list[Feed]:
    """Every feed the site publishes in ``config``'s interface: all entries, one per kind, one
    per tag, under the interface's folder and in its language.

    Only kinds whose new entries are news have feeds (``Kind.feed``): an actor's ``added``
    date says when the profile was written, which is nothing a subscriber waits for.
    """
    with i18n.interface(config.interface):
        return _catalogue(corpus, config)


def _catalogue(corpus: Corpus, config: SiteConfig) -> list[Feed]:
    _ = i18n.gettext
    root = config.interface_root()
    limit = config.feed_limit
    feed_kinds = kinds.current().feed_kinds
    news = [e for e in corpus.entries.values() if e.KIND.feed]
    # An empty feed (a tag only actors carry) is dated by the newest entry of the corpus.
    fallback = max((e.last_modified for e in news), default=EPOCH)
    site = config.site_name
    ranked = _News(news)

    def make(path: str, title: str, description: str, page: str, chosen: list[Entry]) -> Feed:
        # The newest entry's date: newest_first orders by last_modified first.
        updated = max((e.last_modified for e in chosen), default=fallback)
        everything = path == urls.FEED_ALL.src()
        return Feed(
            root + path,
            title,
            description,
            root + page,
            len(chosen),
            updated,
            tuple(chosen),
            limit,
            ranked,
            everything,
        )

    feeds = [
        make(
            urls.FEED_ALL.src(),
            site,
            config.site_description or _("New and corrected entries of %(site)s.") % {"site": site},
            "",
            news,
        )
    ]
    for kind in feed_kinds:
        label = _(kind.plural_label).lower()
        feeds.append(
            make(
                urls.FEED_KIND.src(folder=kind.folder),
                _("%(site)s: %(kinds)s") % {"site": site, "kinds": label},
                _("New and corrected %(kinds)s.") % {"kinds": label},
                urls.page_url(kind.index_src),
                [e for e in news if e.KIND is kind],
            )
        )
    carried = _carried(feed_kinds)
    for tag, tagged in corpus.tags.items():
        feeds.append(
            make(
                urls.FEED_TAG.src(tag=tag),
                _("%(site)s: tagged %(tag)s") % {"site": site, "tag": tag},
                _("New and corrected %(kinds)s tagged %(tag)s.") % {"kinds": carried, "tag": tag},
                urls.page_url(urls.tag_src(tag)),
                [e for e in tagged if e.KIND.feed],
            )
        )
    return feeds


# --- one item ---------------------------------------------------------------------------------


def _carried(feed_kinds: tuple[kinds.Kind, ...]) -> str:
    """ "events, quotes and lists": what a tag's feed carries (in English by the kinds' folders,
    as it always has; in another interface by their names: "事件、引语和审查清单")."""
    if i18n.is_english():
        names = [k.folder for k in feed_kinds]
    else:
        names = [i18n.gettext(k.plural_label).lower() for k in feed_kinds]
    return words(names)


def _content_html(entry: Entry, corpus: Corpus, env: jinja2.Environment, base: str) -> str:
    """The item's HTML: its citations lead to the sources on the entry's page (``base``)."""
    template = env.get_template(entry.KIND.template("feed.html.j2"))
    html = template.render(entry=entry, corpus=corpus, cite_base=base + entry.url)
    return strip_control_chars(html.strip())


def _summary_text(entry: Entry) -> str:
    """One paragraph of plain text saying what the entry is."""
    return strip_control_chars(plain_text(entry.KIND.summary(entry)))


@dataclass(frozen=True)
class _Item:
    id: str
    url: str
    title: str
    summary: str  # plain text
    content_html: str
    published: datetime
    updated: datetime
    tags: tuple[str, ...]


def _item(
    entry: Entry, corpus: Corpus, env: jinja2.Environment, base: str, authority: str, root: str
) -> _Item:
    """One entry's item in the feeds of the interface at ``root`` ("" or "zh/") of the site at
    ``base``: its id, its page there, its text in the interface's language."""
    base += root
    return _Item(
        id=entry_id(entry, authority, root),
        url=base + entry.url,
        # Atom needs a title; one made only of characters a feed cannot hold (which the
        # validator refuses anyway) falls back to the id. Titles are plain text, but some
        # readers take an RSS title for HTML: what would be a tag there is left out.
        title=strip_tags(strip_control_chars(entry.KIND.feed_title(entry, corpus))).strip()
        or entry.id,
        summary=_summary_text(entry),
        content_html=_content_html(entry, corpus, env, base),
        published=_midnight(entry.added),
        updated=_midnight(entry.last_modified),
        tags=tuple(strip_control_chars(t) for t in entry.tags),
    )


# --- Atom and RSS -----------------------------------------------------------------------------


def _feedgen(
    feed: Feed, items: list[_Item], config: SiteConfig, base: str, authority: str, fmt: str
) -> bytes:
    fg = FeedGenerator()
    fg.id(_feed_id(feed, authority))
    fg.title(strip_control_chars(feed.title))
    fg.description(strip_control_chars(feed.description))
    fg.author(name=strip_control_chars(config.site_name))
    fg.link(
        href=f"{base}{feed.path}.{fmt}.xml",
        rel="self",
        type="application/atom+xml" if fmt == "atom" else "application/rss+xml",
    )
    # Last: RSS has one <link>, the page the feed follows, and feedgen fills it with the href
    # of the last link given (Atom keeps both; RSS writes rel=self as an <atom:link>).
    fg.link(href=base + feed.page, rel="alternate", type="text/html")
    fg.language(config.interface)
    copyright_ = config.raw.get("copyright")
    if copyright_:
        fg.rights(strip_control_chars(str(copyright_)))
    fg.generator(GENERATOR)
    fg.updated(_midnight(feed.updated))  # also RSS lastBuildDate; RSS pubDate stays unset
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)  # also the RSS guid, isPermaLink="false"
        fe.title(item.title)
        fe.link(href=item.url, rel="alternate")
        # HTML-escaped plain text, typed html: RSS readers treat <description> as HTML, so
        # a "<" in the text must arrive as "&lt;" for both formats to show it as written.
        fe.summary(str(escape(item.summary)), type="html")
        fe.content(item.content_html, type="html")
        fe.published(item.published)
        fe.updated(item.updated)
        for tag in item.tags:
            fe.category(term=tag)
    out = fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)
    return out


# --- JSON Feed --------------------------------------------------------------------------------


def _json_feed(feed: Feed, items: list[_Item], config: SiteConfig, base: str) -> bytes:
    doc: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": strip_control_chars(feed.title),
        "home_page_url": base + feed.page,
        "feed_url": f"{base}{feed.path}.json",
        "description": strip_control_chars(feed.description),
        "language": config.interface,
        "authors": [{"name": strip_control_chars(config.site_name), "url": base}],
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "content_html": item.content_html,
                "summary": item.summary,
                "date_published": item.published.isoformat(),
                "date_modified": item.updated.isoformat(),
                "tags": list(item.tags),
            }
            for item in items
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- what the build calls ---------------------------------------------------------------------


def build_feeds(
    corpus: Corpus,
    config: SiteConfig,
    env: jinja2.Environment | None = None,
    memo: dict[bytes, Any] | None = None,
) -> dict[str, bytes]:
    """Every feed file as bytes, keyed by site-relative path, without writing anything.
    ``memo`` keeps feed files and items between builds, by what they are made from
    (``generator.cache.incremental``): a feed whose items and description are unchanged is not
    made again."""
    with i18n.interface(config.interface):
        return _build_feeds(corpus, config, env, memo)


def _build_feeds(
    corpus: Corpus,
    config: SiteConfig,
    env: jinja2.Environment | None,
    memo: dict[bytes, Any] | None,
) -> dict[str, bytes]:
    base = config.require_site_url()
    authority = feed_id_authority(config)
    root = config.interface_root()
    env = env or make_environment()
    made: dict[str, _Item] = {}
    item_keys: dict[str, bytes] = {}

    def key_of(entry: Entry) -> bytes:
        if entry.id not in item_keys:
            item_keys[entry.id] = _item_key(entry, corpus, base, authority, config.interface)
        return item_keys[entry.id]

    def item_of(entry: Entry) -> _Item:
        if entry.id not in made:
            kept = memo.get(key_of(entry)) if memo is not None else None
            made[entry.id] = kept or _item(entry, corpus, env, base, authority, root)
            if memo is not None and kept is None:
                memo[key_of(entry)] = made[entry.id]
        return made[entry.id]

    files: dict[str, bytes] = {}
    for feed in catalogue(corpus, config):
        for fmt, rel in feed_files(feed):
            key = None
            if memo is not None:
                key = _feed_key(fmt, feed, config, base, authority, map(key_of, feed.entries))
                kept = memo.get(key)
                if kept is not None:
                    files[rel] = kept
                    continue
            items = [item_of(e) for e in feed.entries]
            if fmt == "json":
                files[rel] = _json_feed(feed, items, config, base)
            else:
                files[rel] = _feedgen(feed, items, config, base, authority, fmt)
            if key is not None:
                memo[key] = files[rel]  # type: ignore[index]
    return files


def feed_files(feed: Feed) -> list[tuple[str, str]]:
    """The files a feed is published as: (format, site path), Atom and RSS, and JSON Feed for
    the feed of everything."""
    formats = ["atom", "rss"] + (["json"] if feed.everything else [])
    return [(f, f"{feed.path}.json" if f == "json" else f"{feed.path}.{f}.xml") for f in formats]


def _item_key(
    entry: Entry, corpus: Corpus, base: str, authority: str, interface: str = "en"
) -> bytes:
    """What an item is made from: the entry, the entries it names (a quote's speaker), the
    site's address, the ids' authority and the interface's language."""
    named = named_digest(entry, corpus.entries)
    return hashing.key("feed item", base, authority, interface, named)


def _feed_key(
    fmt: str,
    feed: Feed,
    config: SiteConfig,
    base: str,
    authority: str,
    item_keys: Iterable[bytes],
) -> bytes:
    """What one feed file is made from: its format, what the feed says, and its items."""
    head = (fmt, feed.path, feed.title, feed.description, feed.page, feed.total, feed.updated)
    rest = (config.site_name, config.raw.get("copyright"), base, authority, config.interface)
    h = hashing.Key("feed", repr((head, rest)))
    for item in item_keys:
        h.add(item)
    return h.digest()


def write_feeds(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    env: jinja2.Environment | None = None,
    memo: dict[bytes, Any] | None = None,
) -> None:
    """Write every feed under ``site_dir/feeds/``. Fails before writing if site_url is unset.
    ``memo``: see build_feeds."""
    files = build_feeds(corpus, config, env, memo)
    for rel, content in files.items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    log.info("wrote %d feed files", len(files))


def subscribe_and_data_pages(
    corpus: Corpus, config: SiteConfig, env: jinja2.Environment
) -> dict[str, str]:
    """The generated Subscribe and Data pages in ``config``'s interface, keyed by
    docs-relative path."""
    with i18n.interface(config.interface):
        return _subscribe_and_data_pages(corpus, config, env)


def _subscribe_and_data_pages(
    corpus: Corpus, config: SiteConfig, env: jinja2.Environment
) -> dict[str, str]:
    base = config.require_site_url()
    feeds = catalogue(corpus, config)
    kind_feeds = feeds[1 : 1 + len(kinds.current().feed_kinds)]
    tag_feeds = feeds[1 + len(kind_feeds) :]
    context = {
        "site_name": Markup(escape_markdown(config.site_name)),
        "base": base,
        "all_feed": feeds[0],
        "kind_feeds": kind_feeds,
        "tag_feeds": tag_feeds,
        # What the Tags page counts (actors too), beside what each tag's feed follows.
        "tag_totals": {tag: len(tagged) for tag, tagged in corpus.tags.items()},
        "limit": config.feed_limit,
        "authority": feed_id_authority(config),
        "registry": kinds.current(),
    }
    data_context = data.page_context(corpus, config)
    modified = max((e.last_modified for e in corpus.entries.values()), default=None)
    linked_data = structured.dataset(
        config, data.files(data_context), modified.isoformat() if modified else None
    )
    return {
        "subscribe.md": env.get_template("subscribe.md.j2").render(**context),
        data.DATA_PAGE: env.get_template("data.md.j2").render(
            **context, **data_context, linked_data=linked_data
        ),
    }
