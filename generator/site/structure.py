"""Which pages the site has: the indexes every page shares, and the plan of pages to render."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.core.config import SiteConfig
from generator.core.paging import ROWS_PER_PAGE, Page, listing
from generator.format import kinds, urls
from generator.format.corpus import Corpus, newest_first
from generator.format.kinds import Kind
from generator.format.model import Entry, reference_label
from generator.validate import aliases

REFERRERS_SHOWN = 20  # per kind, on an entry's own page; the rest on its referred-by pages
LATEST_ON_HOME = 10


@dataclass
class Site:
    """Indexes computed once from the corpus and shared by every page."""

    corpus: Corpus
    config: SiteConfig
    kinds: kinds.Registry
    # id → kind → [(entry, label)]: entries referring to it through a field other than
    # `related` (those show under "Related", in both directions), and how ("speaker").
    referrers: dict[str, dict[str, list[tuple[Entry, str]]]]
    counts: dict[str, int] = field(default_factory=dict)
    indexes: dict[str, Any] = field(default_factory=dict)  # kind → what Kind.index made
    # What is worked out from the site once for every interface (generator.site.fingerprint).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, corpus: Corpus, config: SiteConfig) -> Site:
        registry = kinds.current()
        referrers: dict[str, dict[str, list[tuple[Entry, str]]]] = {}
        for target, backs in corpus.backlinks.items():
            by_kind: dict[str, list[tuple[Entry, str]]] = {}
            seen: set[str] = set()
            for other, fld in backs:
                if fld == "related" or other.id in seen:
                    continue
                seen.add(other.id)
                label = reference_label(type(other), fld)
                by_kind.setdefault(other.KIND.name, []).append((other, label))
            if by_kind:
                referrers[target] = {k: by_kind[k] for k in registry.names if k in by_kind}
        return cls(
            corpus=corpus,
            config=config,
            kinds=registry,
            referrers=referrers,
            counts={k.name: corpus.count(k.name) for k in registry},
            indexes={k.name: k.index(corpus) for k in registry},
        )

    def index(self, kind: Kind) -> Any:
        return self.indexes[kind.name]

    def referrer_count(self, entry: Entry) -> int:
        return sum(len(v) for v in self.referrers.get(entry.id, {}).values())


@dataclass
class Plan:
    """The site's indexes and every page to render: the same in every interface language
    (what a page says in its language is made as it is rendered), so made once for all."""

    site: Site
    pages: list[Page]

    @classmethod
    def of(cls, corpus: Corpus, config: SiteConfig) -> Plan:
        site = Site.of(corpus, config)
        return cls(site, list(plan(site)))


def plan(site: Site) -> Iterator[Page]:
    """Every generated page, in the order the site lists them."""
    corpus = site.corpus
    # As the "Everything" feed: an actor's profile is not news.
    news = [e for e in corpus.entries.values() if e.KIND.feed]
    latest = newest_first(news)[:LATEST_ON_HOME]
    home: dict[str, Any] = {"latest": latest}
    for kind in site.kinds:
        home.update(kind.home(site))
    yield Page(urls.HOME.src(), "home.md.j2", home)
    yield Page(urls.SEARCH.src(), "search.md.j2", {})
    for kind in site.kinds:
        if kind.leads:
            yield from kind.pages(site)
    entries = corpus.sorted()
    for entry in entries:
        yield from _entry_pages(site, entry)
    yield from aliases.pages(entries)
    for kind in site.kinds:
        if not kind.leads:
            yield from kind.pages(site)
    yield from listing(
        list(corpus.tags), ROWS_PER_PAGE, lambda n: urls.TAGS.src(n), "tags_index.md.j2", "tags"
    )
    for tag, entries in corpus.tags.items():
        yield from listing(
            entries,
            ROWS_PER_PAGE,
            lambda n, t=tag: urls.TAG.src(n, tag=t),
            "tag.md.j2",
            "rows",
            tag=tag,
        )


def _entry_pages(site: Site, entry: Entry) -> Iterator[Page]:
    kind = entry.KIND
    where = {"folder": kind.folder, "id": entry.id}
    referring = site.referrers.get(entry.id, {})
    context, more = kind.entry_pages(site, entry)
    yield from more
    referred = {other.id for pairs in referring.values() for other, _ in pairs}
    yield Page(
        urls.entry_src(entry),
        kind.template("page.md.j2"),
        {
            "entry": entry,
            # An entry that refers to this one shows under "Referred to by" only.
            "related": [e for e in site.corpus.related_both_ways(entry) if e.id not in referred],
            "referring": referring,
            "referrers_shown": REFERRERS_SHOWN,
            "more_src": urls.REFERRED_BY.src(**where),
            **context,
        },
    )
    if any(len(v) > REFERRERS_SHOWN for v in referring.values()):
        rows = [pair for name in site.kinds.names for pair in referring.get(name, [])]
        yield from listing(
            rows,
            ROWS_PER_PAGE,
            lambda n: urls.REFERRED_BY.src(n, **where),
            "referred_by.md.j2",
            "rows",
            entry=entry,
        )


# --- when each page last changed --------------------------------------------------------------

# Containers this long (the timeline's events, a tag's entries) are walked once per build
# however many pages hold them.
_SHARED_LEN = 32


def page_dates(site: Site, pages: Iterable[Page]) -> dict[str, date]:
    """When what each page shows last changed, by source: an entry's own page by its entry
    (``last_modified``: ``updated``, a correction or ``added``), any other page by the newest
    entry it lists. A page that lists no entry (search, the index of tags) has no date."""
    own = {urls.entry_src(e): e for e in site.corpus.entries.values()}
    newest = _Newest()
    dates = {}
    for page in pages:
        entry = own.get(page.src)
        day = entry.last_modified if entry is not None else newest.of(page.context)
        if day is not None:
            dates[page.src] = day
    return dates


class _Newest:
    """The newest ``last_modified`` of the entries in a page's context, walked to the bottom.

    As for the build cache (``generator.site.fingerprint``), a value marked
    ``FINGERPRINT_BY_ID`` is what a page knows of the site's shape (the whole timeline, for its
    rail and counts), not what it shows: its entries do not date the page."""

    def __init__(self) -> None:
        self._shared: dict[int, tuple[Any, date | None]] = {}  # keeps each value alive too

    def of(self, value: Any) -> date | None:
        if isinstance(value, Entry):
            return value.last_modified
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            if len(value) < _SHARED_LEN:
                return self._newest(value)
            kept = self._shared.get(id(value))
            if kept is None:
                kept = self._shared[id(value)] = (value, self._newest(value))
            return kept[1]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if getattr(value, "FINGERPRINT_BY_ID", False):
                return None
            return self._newest(getattr(value, f.name) for f in dataclasses.fields(value))
        return None

    def _newest(self, values: Iterable[Any]) -> date | None:
        if isinstance(values, dict):
            values = values.values()
        return max((d for v in values if (d := self.of(v)) is not None), default=None)
