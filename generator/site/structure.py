"""Which pages the site has: the indexes every page shares, and the plan of pages to render."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
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
