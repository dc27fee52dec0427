"""What a generated page is made from, as a hash: equal hashes, equal pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sized
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from generator.core import hashing
from generator.format.digest import entry_digest
from generator.format.model import Entry

if TYPE_CHECKING:
    from generator.core.paging import Page
    from generator.site.structure import Site


# Values hashed as they print (_scalar).
_SCALARS = (type(None), bool, int, float, str, bytes, Enum)

# Lists and dicts this long (the timeline's events, a tag's entries) are hashed once per build
# however many pages hold them; shorter ones, inline.
_SHARED_LEN = 32


class Unhashable(Exception):
    """A context value with no stable content to hash."""


class _Walker:
    """Feeds a value's content to a hash; shared containers are walked once per walker."""

    def __init__(self, by_id: bool, lasting: Lasting | None = None):
        self.by_id = by_id  # entries by id only (the structure), or by content
        self.lasting = lasting
        self.entries: set[str] = set()  # ids of the entries met, by content
        self.named: set[str] = set()  # ids those entries refer to
        self._memo: dict[tuple[int, bool], tuple[bytes, frozenset[str], frozenset[str]]] = {}
        self._keep: list[Any] = []  # keeps memoised objects alive, so ids are not reused
        # By id: one walker sees one corpus, where ids are unique.
        self._digests: dict[str, bytes] = {}
        self._references: dict[str, frozenset[str]] = {}
        self._handlers: dict[type, Any] = {}

    def digest(self, value: Any) -> bytes:
        h = hashing.Key("value")
        self.feed(value, h)
        return h.digest()

    def feed(self, value: Any, h: Any) -> None:
        kind = type(value)
        handler = self._handlers.get(kind)
        if handler is None:
            handler = self._handlers[kind] = self._handler(kind)
        handler(value, h)

    def _handler(self, kind: type) -> Any:
        """How to hash values of one type (looked up once per type: pages hold many values)."""
        if issubclass(kind, _SCALARS):
            return _scalar
        if issubclass(kind, Entry):
            return self._entry
        if issubclass(kind, (dt.date, PurePath)):
            return _printed
        if issubclass(kind, (list, tuple, dict)):
            return self._container
        if hasattr(kind, "fingerprinted"):
            return self._fingerprinted
        if dataclasses.is_dataclass(kind):
            return self._structure if getattr(kind, "FINGERPRINT_BY_ID", False) else self._items
        if issubclass(kind, (set, frozenset)):
            return self._set
        raise Unhashable(kind.__name__)

    def _structure(self, value: Any, h: Any) -> None:
        """A value whose entries count by id only: a page shows its shape (which events are
        on which page, how many per year), never their text (``FINGERPRINT_BY_ID``)."""
        saved, self.by_id = self.by_id, True
        try:
            h.update(self._shared(value))
        finally:
            self.by_id = saved

    def _fingerprinted(self, value: Any, h: Any) -> None:
        """A value that says what of it a page shows (its ``fingerprinted()``): that, in its
        place. The timeline filter's rows show a few fields of every event, not its text."""
        h.update(f"{type(value).__name__}:".encode())
        self.feed(value.fingerprinted(), h)

    def _container(self, value: Any, h: Any) -> None:
        if len(value) >= _SHARED_LEN:
            h.update(self._shared(value))
        else:
            self._items(value, h)

    def _set(self, value: Any, h: Any) -> None:
        parts = sorted(self.digest(v) for v in value)
        h.update(b"set[" + b"".join(parts) + b"]")

    def _entry(self, entry: Entry, h: Any) -> None:
        if self.by_id:
            h.update(f"entry:{entry.KIND.name}:{entry.id};".encode())
        else:
            self.entries.add(entry.id)
            self.named |= self.references(entry)
            h.update(b"entry:" + self.entry_digest(entry))

    def entry_digest(self, entry: Entry) -> bytes:
        """``entry_digest``, once per entry id (one walker sees one corpus)."""
        known = self._digests.get(entry.id)
        if known is None:
            known = self._digests[entry.id] = entry_digest(entry)
        return known

    def references(self, entry: Entry) -> frozenset[str]:
        known = self._references.get(entry.id)
        if known is None:
            known = self._references[entry.id] = frozenset(t for _, t in entry.references())
        return known

    def _items(self, value: Any, h: Any) -> None:
        h.update(
            f"{type(value).__name__}[{len(value) if isinstance(value, Sized) else ''}".encode()
        )
        if isinstance(value, dict):
            for k, v in value.items():
                self.feed(k, h)
                self.feed(v, h)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.feed(v, h)
        else:
            for f in dataclasses.fields(value):
                h.update(f.name.encode())
                self.feed(getattr(value, f.name), h)
        h.update(b"]")

    def _shared(self, value: Any) -> bytes:
        """The digest of a container, computed once however many pages hold it (and, with a
        ``Lasting``, once for as long as it holds the same things)."""
        key = (id(value), self.by_id)
        if key not in self._memo:
            lasting = self.lasting
            same = lasting.key(value, self.by_id) if lasting is not None else None
            known = lasting.get(same) if lasting is not None and same is not None else None
            if known is None:
                outer, self.entries = self.entries, set()
                outer_named, self.named = self.named, set()
                h = hashing.Key("shared")
                self._items(value, h)
                known = (h.digest(), frozenset(self.entries), frozenset(self.named))
                self.entries, self.named = outer, outer_named
                if lasting is not None and same is not None:
                    lasting.put(same, known, value)
            self._memo[key] = known
            self._keep.append(value)
        digest, inside, named = self._memo[key]
        self.entries |= inside
        self.named |= named
        return digest


# What a container may hold for ``Lasting`` to know it by what it holds: values that never
# change (an entry is frozen, and its content hashed once: ``entry_digest``).
_UNCHANGING = (*_SCALARS, dt.date, Entry)


class Lasting:
    """Containers' digests kept from one plan of pages to the next (a preview's saves): a
    list of entries is made anew by each plan, but holds the same entries, the same objects,
    where no entry in it changed; found by those objects' identities, which the container
    it was computed for keeps alive. What one plan does not meet is dropped at the next."""

    def __init__(self) -> None:
        self._now: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._before: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._kinds: dict[type, bool] = {}
        self.hits = 0  # containers not walked again

    def next_plan(self) -> None:
        """A new plan's keys begin: what the last one met is kept for it, the rest goes."""
        self._before, self._now = self._now, {}

    def key(self, value: Any, by_id: bool) -> tuple[Any, ...] | None:
        """What ``value`` holds, by identity; None unless it is a list, tuple or dict of
        values that never change."""
        if isinstance(value, dict):
            held: list[Any] = [*value, *value.values()]
        elif isinstance(value, (list, tuple)):
            held = value  # type: ignore[assignment]
        else:
            return None
        kinds = self._kinds
        for kind in {type(v) for v in held}:
            unchanging = kinds.get(kind)
            if unchanging is None:
                unchanging = kinds[kind] = issubclass(kind, _UNCHANGING)
            if not unchanging:
                return None
        return (by_id, type(value), len(value), *map(id, held))

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, frozenset[str], frozenset[str]] | None:
        known = self._now.get(key) or self._before.get(key)
        if known is None:
            return None
        self._now[key] = known
        self.hits += 1
        return known[0]  # type: ignore[no-any-return]

    def put(self, key: tuple[Any, ...], digest: tuple[Any, ...], value: Any) -> None:
        self._now[key] = (digest, value)  # the value: its objects' ids are not reused


def keep_between(site: Site, lasting: Lasting) -> None:
    """Let the keys of ``site``'s pages reuse what ``lasting`` kept from earlier plans."""
    site.memo["lasting"] = lasting


def named_digest(entry: Entry, entries: dict[str, Entry]) -> bytes:
    """``entry``'s content and that of the entries it names (a quote's speaker, an event's
    actors), hashed: what a feed item or a search record of it is made from."""
    h = hashing.Key("named", entry_digest(entry))
    for target in sorted({t for _, t in entry.references()}):
        other = entries.get(target)
        if other is not None:
            h.add(target, entry_digest(other))
    return h.digest()


def _scalar(value: Any, h: Any) -> None:
    h.update(f"{type(value).__name__}:{value!r};".encode())


def _printed(value: Any, h: Any) -> None:
    h.update(f"{type(value).__name__}:{value};".encode())


def site_key(site: Site) -> bytes:
    """The structure every page may read beyond its context (worked out once per site)."""
    known = site.memo.get("site_key")
    if known is None:
        known = site.memo["site_key"] = _site_key(site)
    return known


def _site_key(site: Site) -> bytes:
    walker = _Walker(by_id=True, lasting=site.memo.get("lasting"))
    corpus = site.corpus
    h = hashing.Key("structure")
    for entry in corpus.sorted():
        h.update(_shape(entry))
    walker.feed(site.referrers, h)
    walker.feed(site.counts, h)
    walker.feed(site.indexes, h)
    return h.digest()


def _shape(entry: Entry) -> bytes:
    """What the site's structure takes from one entry: its kind, id, tags and references
    (kept on the entry, whose fields never change, as ``entry_digest`` is)."""
    known = entry.__dict__.get(_SHAPE)
    if known is None:
        known = f"entry:{entry.KIND.name}:{entry.id};".encode()
        known += repr((entry.tags, sorted(entry.references()))).encode()
        object.__setattr__(entry, _SHAPE, known)
    return known  # type: ignore[no-any-return]


_SHAPE = "_structure_shape"


def page_keys(
    site: Site,
    pages: list[Page],
    base: bytes,
    shows: dict[str, frozenset[str]] | None = None,
) -> list[str | None]:
    """Each page's key (hex), or None for a page that must always be rendered; ``shows``, if
    given, receives the ids of the entries whose content each keyed page's key covers. What
    the site's pages hold is walked once per site, however many interfaces ask."""
    walker = site.memo.get("walker")
    if walker is None:
        walker = site.memo["walker"] = _Walker(by_id=False, lasting=site.memo.get("lasting"))
    held = site.memo.setdefault("held", {})
    structure = base + site_key(site)
    keys: list[str | None] = []
    for page in pages:
        known = held.get(id(page))
        if known is None:
            known = held[id(page)] = (_held(walker, page, site.corpus.entries), page)
        content, covered = known[0]
        if content is None:
            keys.append(None)
            continue
        keys.append(hashing.Key("page", structure, page.template, page.src, content).hexdigest())
        if shows is not None:
            shows[page.src] = covered
    return keys


def _held(
    walker: _Walker, page: Page, entries: dict[str, Entry]
) -> tuple[bytes | None, frozenset[str]]:
    """What ``page``'s context holds, hashed, with the entries one step further that its
    entries name; and the ids of the entries that covers. The same for every interface."""
    walker.entries, walker.named = set(), set()
    h = hashing.Key("held")
    try:
        walker.feed(page.context, h)
    except Unhashable:
        return None, frozenset()
    # One update for them all (a timeline's page names thousands): ids hold no NUL, and
    # each digest is of one length.
    digest = walker.entry_digest
    named = sorted(t for t in walker.named - walker.entries if t in entries)
    h.update(b"".join([t.encode() + b"\0" + digest(entries[t]) for t in named]))
    return h.digest(), frozenset(walker.entries | (walker.named & entries.keys()))
