"""One build's use of the build cache: what it can reuse, and what it keeps for the next."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from generator.cache import cachedir, sealed
from generator.cache.store import KEEP, MEMOS, BuildCache, CachedPage, Index, global_key
from generator.core import hashing
from generator.core.config import SiteConfig
from generator.core.paging import Page
from generator.format.digest import entry_digest
from generator.site import fingerprint
from generator.site.structure import Site

log = logging.getLogger(__name__)


def cache_folder(config: SiteConfig, cache: bool, folder: Path | None) -> Path | None:
    """The build cache's folder: ``folder``, by default the knowledge base's folder in the
    user's cache home (``generator.cache.cachedir``); None without ``cache``, or when the folder
    cannot be trusted to hold it (with a warning that says why)."""
    if not cache:
        return None
    cachedir.old_cache_notice(config.root, folder)
    try:
        sealed.secret()
    except sealed.NoKey as exc:
        log.warning("Building without the cache: %s", exc)
        return None
    return cachedir.usable(folder or cachedir.default_folder(config.root), config.root)


def open_cache(
    config: SiteConfig, mk: Any, site_url: str | None, folder: Path
) -> BuildCache | None:
    """The cache's namespace in ``folder`` for this configuration and address."""
    extra = [config.root / "CONTRIBUTING.md"]  # docs/contributing.md includes it
    key = global_key(config.path, site_url, Path(mk.docs_dir), extra, mk.theme_dir)
    return BuildCache.open(folder, key, KEEP * len(config.interfaces))


class Incremental:
    """Decides what a build reuses from ``cache`` (None: nothing) and keeps what it made."""

    def __init__(self, cache: BuildCache | None, track: bool = False):
        self.cache = cache
        self.track = track  # keys and what each page shows, also without a cache (a preview)
        self.keys: dict[str, str | None] = {}
        self.shows: dict[str, frozenset[str]] = {}
        self.structure = b""  # fingerprint.site_key
        self.reused: dict[str, CachedPage] = {}
        self.texts: dict[str, str] = {}  # the rendered pages' text keys (``text_key``)
        self._digests: dict[str, bytes] = {}  # each entry's, for ``_standing`` and the cache
        self.search_key: str | None = None
        self._search_stamp: str | None = None  # the kept bundle's, when it is reused
        self._data: _Memo | None = None
        self._feeds: _Memo | None = None
        self._records: _Memo | None = None
        self._index: Index | None = None  # what keep_pages kept, for keep to save

    def choose(self, site: Site, planned: list[Page]) -> set[str]:
        """The pages not to render (``render.render_pages``' ``reuse``)."""
        if self.cache is None and not self.track:
            return set()
        shows = self.shows  # by source, the entries each page's key covers
        self.structure = structure = fingerprint.site_key(site)
        if self.cache is not None:
            self._digests = _digests(site)
        standing = self._standing(planned, structure)
        todo = [page for page in planned if page.src not in standing]
        keys = fingerprint.page_keys(site, todo, self.base(), shows)
        self.keys.update((page.src, key) for page, key in zip(todo, keys, strict=True))
        for src, old in standing.items():
            self.keys[src] = old.key
            shows[src] = old.covered  # type: ignore[assignment]
        if self.cache is None:
            return set()
        kept = self.cache.index.pages
        for page in planned:
            key, old = self.keys[page.src], kept.get(page.src)
            if key is not None and old is not None and old.key == key:
                if self.cache.intact(self.cache.page_path(key), old.stamp):
                    self.reused[page.src] = old
        log.debug(
            "reusing %d of %d generated pages (%d keys taken from the cache)",
            len(self.reused),
            len(planned),
            len(standing),
        )
        return set(self.reused)

    def _standing(self, planned: list[Page], structure: bytes) -> dict[str, CachedPage]:
        """The kept pages whose key stands, not computed again: the pages of entries whose
        covered entries have not changed since the build that kept them, under the same
        structure. The preview decides the same way which keys may change
        (``build.session._Chooser._may_change``), where a listing's key is always computed
        again: it may show what is made from entries it does not hold."""
        if self.cache is None:
            return {}
        index = self.cache.index
        if index.structure != structure or not index.digests:
            return {}
        now = self._digests
        changed = {i for i, digest in now.items() if index.digests.get(i) != digest}
        changed.update(index.digests.keys() - now.keys())
        standing = {}
        for page in planned:
            old = index.pages.get(page.src)
            if old is not None and old.covered is not None and "entry" in page.context:
                if not old.covered & changed:
                    standing[page.src] = old
        return standing

    def same_text(self, site: Site, pages: Mapping[str, str]) -> set[str]:
        """Of the rendered ``pages`` (source → Markdown), those the engine need not build: a
        kept page was built from the same Markdown, under the same configuration and site
        structure (``text_key``), so the engine would make the same file. They are reused.

        A page's key covers all that its context holds, and so changes with fields a page
        does not show (an event's summary, for the pages of the entries that name it): at
        1,000 entries, one summary edit changed the key of 34 pages and the HTML of two."""
        if self.cache is None:
            return set()
        structure = self.base() + fingerprint.site_key(site)
        kept = self.cache.index.pages
        same = set()
        for src, text in pages.items():
            key = self.keys.get(src)
            if key is None:
                continue
            self.texts[src] = digest = text_key(structure, src, text)
            old = kept.get(src)
            if old is not None and old.text == digest:
                if self.cache.intact(self.cache.page_path(old.key), old.stamp):
                    self.reused[src] = old
                    same.add(src)
        log.debug("reusing %d more pages whose Markdown is the same", len(same))
        return same

    def base(self) -> bytes:
        """What every page's key starts with: the cache's namespace, which covers the code,
        the configuration and the templates."""
        return self.cache.folder.name.encode() if self.cache is not None else b"uncached"

    def reuse(self) -> dict[str, tuple[str, frozenset[str]]]:
        """For ``engine.build``: each reused page's kept file and anchor ids."""
        if self.cache is None:
            return {}
        cache = self.cache
        return {src: (cache.page_path(page.key), page.anchors) for src, page in self.reused.items()}

    def bytecode_cache(self) -> jinja2.BytecodeCache | None:
        """Where compiled Jinja templates are kept. Jinja checks each against its source but
        not against the environment's options, which are in the generator's code: so in this
        namespace, whose key covers that code."""
        if self.cache is None:
            return None
        folder = self.cache.folder / "jinja"
        folder.mkdir(exist_ok=True)
        return sealed.BytecodeCache(folder)

    def data_memo(self) -> dict[bytes, bytes] | None:
        """For ``data.write_data``: the entries' JSON that earlier builds encoded."""
        if self.cache is None:
            return None
        self._data = _Memo(getattr(self.cache.index, "data", {}))
        return self._data

    def feeds_memo(self) -> dict[bytes, Any] | None:
        """For ``feeds.write_feeds``: the feed files and items that earlier builds made."""
        if self.cache is None:
            return None
        self._feeds = _Memo(getattr(self.cache.index, "feeds", {}))
        return self._feeds

    def links(self) -> dict[str, list[tuple[str, str]]]:
        return {src: page.links for src, page in self.reused.items() if page.links}

    def warm(self) -> bool:
        """Whether the cache holds an earlier build's pages."""
        return self.cache is not None and bool(self.cache.index.pages)

    def records_memo(self) -> dict[bytes, Any] | None:
        """For ``search.keyed_records``: Pagefind's records that earlier builds made."""
        if self.cache is None:
            return None
        self._records = _Memo(getattr(self.cache.index, "records", {}))
        return self._records

    def search_kept(self, key: str) -> bool:
        """Whether a kept search bundle was made from the records whose key is ``key``."""
        if self.cache is None:
            return False
        self.search_key = key
        self._search_stamp = self.cache.kept_search(key)
        return self._search_stamp is not None

    def place_search(self, dest: Path, link: Any = None) -> None:
        """Put the kept search bundle at ``dest`` (see ``BuildCache.place_folder``)."""
        assert self.cache is not None and self.search_key is not None
        self.cache.place_folder(self.cache.search_folder(self.search_key), dest, link)

    def keep_pages(
        self, work: Path, built: Mapping[str, Any], links: dict[str, list[tuple[str, str]]]
    ) -> None:
        """Before the swap, while Pagefind may still be indexing: keep the pages built in
        ``work``, the new site's folder (a kept file is the same file, wherever it moves)."""
        if self.cache is None:
            return
        self._index = index = Index(structure=self.structure, digests=self._digests)
        try:
            for src, key in self.keys.items():
                if key is None:
                    continue
                page = self.reused.get(src)
                if page is None:
                    out = built.get(src)  # an engine.BuiltPage
                    if out is not None:
                        dest, anchors = out.dest, out.anchors
                    elif not src.endswith(".md") and src in self.texts:
                        dest, anchors = src, frozenset()  # written as rendered (a JSON file)
                    else:
                        continue
                    stamp = self.cache.keep(work / dest, self.cache.page_file(key))
                    text, covered = self.texts.get(src, ""), self.shows.get(src)
                    page = CachedPage(key, anchors, links.get(src, []), stamp, text, covered)
                elif page.key != key:  # reused for its Markdown (``same_text``): now by its key
                    kept = Path(self.cache.page_path(page.key))
                    stamp = self.cache.keep(kept, self.cache.page_file(key))
                    covered = self.shows.get(src)
                    page = CachedPage(key, page.anchors, page.links, stamp, page.text, covered)
                index.pages[src] = page
        except OSError as exc:  # the site is built; only the next build will be slower
            log.warning("Could not update the build cache: %s", exc)
            self._index = None

    def keep(self, site_dir: Path, bundle: str) -> None:
        """After a build has been swapped in: keep its search bundle and the index."""
        if self.cache is None or self._index is None:
            return
        index = self._index
        try:
            if self._data is not None:
                index.data = self._data.used
            memos = (self._data, self._feeds, self._records)
            if self._feeds is not None:
                index.feeds = self._feeds.used
            if self._records is not None:
                index.records = self._records.used
            if self._search_stamp is not None:
                index.search, index.search_stamp = self.search_key, self._search_stamp
            elif self.search_key is not None:
                kept = self.cache.search_folder(self.search_key)
                index.search_stamp = self.cache.keep_folder(site_dir / bundle, kept)
                index.search = self.search_key
            changed = frozenset(
                name for name, m in zip(MEMOS, memos, strict=True) if m is not None and m.changed()
            )
            self.cache.save(index, changed)
        except OSError as exc:  # the site is built; only the next build will be slower
            log.warning("Could not update the build cache: %s", exc)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def _digests(site: Site) -> dict[str, bytes]:
    return {entry_id: entry_digest(entry) for entry_id, entry in site.corpus.entries.items()}


def text_key(structure: bytes, src: str, text: str) -> str:
    """What the engine builds a page from: its Markdown, under ``structure`` (the cache's
    namespace and the site's structure, as in the pages' keys: ``fingerprint.page_keys``)."""
    return hashing.Key("page text", structure, src, text).hexdigest()


class _Memo(dict):  # type: ignore[type-arg]
    """What an earlier build kept, and what this build used (kept for the next one)."""

    def __init__(self, earlier: dict[bytes, Any]):
        super().__init__()
        self.earlier = earlier
        self.used: dict[bytes, Any] = {}
        self.added = False

    def get(self, key: bytes, default: Any = None) -> Any:
        value = self.used.get(key) or self.earlier.get(key)
        if value is not None:
            self.used[key] = value
        return value if value is not None else default

    def __setitem__(self, key: bytes, value: Any) -> None:
        self.used[key] = value
        self.added = True

    def changed(self) -> bool:
        """Whether this build's memo differs from the earlier one (then it is written)."""
        return self.added or len(self.used) != len(self.earlier)
