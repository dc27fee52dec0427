"""A preview's builds: the first builds the whole site; after a save, only the pages that show
what changed are rendered again and written in place, and the rest follows in the background."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generator import engine
from generator.build import pipeline
from generator.build.pipeline import BuildResult, Kept
from generator.cache import validcache
from generator.cache.incremental import Incremental, cache_folder
from generator.core import collector, i18n
from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildError
from generator.core.paging import Page
from generator.format import kinds
from generator.format.corpus import Corpus
from generator.format.digest import entry_digest
from generator.kinds import configured as configured_kinds
from generator.publish import search
from generator.publish.sitedir import rename_into, site_path, write_manifest
from generator.site import fingerprint, render, structure
from generator.validate.record import Folder, corpus_of

log = logging.getLogger(__name__)


class Session:
    """Builds ``entries_dir`` into ``site_dir`` (a folder only the preview writes), keeping
    the corpus, each page's key and the engine's structures between builds.

    ``build()`` builds the whole site, as ``generator build`` does; ``update(paths)`` after
    ``paths`` changed (the watcher's list: only those files are read again) renders and writes
    only the pages whose key changed, each by a rename, and then, in a thread, the feeds,
    data, sitemaps and search index; when the change reaches beyond those pages (a page added
    or removed, a template, the configuration), it builds the whole site. Either way the site
    is the one a cold build makes (``tests/cache/test_session.py``). Raises what
    ``build_site`` raises, leaving the site as it was."""

    def __init__(
        self,
        entries_dir: Path,
        site_dir: Path,
        config_path: Path | None = None,
        *,
        site_url: str | None = None,
        cache: bool = True,
        cache_dir: Path | None = None,
    ):
        config = load_config(config_path)
        if site_url:
            config = dataclasses.replace(config, site_url=site_url)
        self.config = config
        self.site_url = site_url
        self.entries_dir = entries_dir.resolve()
        self.site_dir = site_path(site_dir)
        self.kinds = configured_kinds(config)
        self.cache_dir = cache_folder(config, cache, cache_dir)
        self.memo: Any = (
            validcache.Memo.open(self.cache_dir) if self.cache_dir else validcache.InMemory()
        )
        self.folder = Folder(self.entries_dir, self.memo)
        self.corpus: Corpus | None = None
        self.kept: list[Kept] = []  # each interface's build, while the site is the last one's
        self.last = "site"  # what the last build did: "site" or "pages"
        self.rendered = 0  # the pages the last build rendered
        self.rerendered: set[str] = set()  # after an update, the pages whose key changed
        self.timings: dict[str, float] = {}  # the last update's steps, in seconds
        # What the background's steps keep between builds (dicts as the build cache's memos).
        self._feeds: dict[str, dict[bytes, Any]] = {}
        self._data: dict[bytes, bytes] = {}
        self._records: dict[bytes, Any] = {}
        self._search_key: str | None = None  # the records of the index in the site
        self._rest: threading.Thread | None = None
        # What the background is making the rest of the site from, until it has made it.
        self._unfinished: tuple[Corpus, structure.Plan] | None = None
        self._indexer: search.Indexer | None = None
        self._stop = threading.Event()  # the background's latest work: asks it to stop
        self._env: Any = None  # the templates, compiled once per whole build
        self._lasting = fingerprint.Lasting()  # what the pages' keys kept between saves
        # Its kinds for as long as it runs, in every thread (kinds.using is not per thread).
        self._using = contextlib.ExitStack()
        self._using.enter_context(kinds.using(self.kinds))

    # --- the whole site -----------------------------------------------------------------------

    def build(self) -> BuildResult:
        """Validate and build the whole site (with the build cache, if any)."""
        self.settle(cancel=True)
        self._unfinished = None  # this build writes all of it
        gc.unfreeze()  # the last build's structures may go now
        self.kept, self.corpus = [], None  # until this build is in place
        self._feeds, self._data, self._search_key = {}, {}, None
        self._lasting = fingerprint.Lasting()
        start = time.monotonic()
        with kinds.using(self.kinds):
            corpus = self._validate()
            kept: list[Kept] = []
            result = pipeline.publish(
                corpus,
                self.config,
                self.site_dir,
                site_url=self.site_url,
                cache=self.cache_dir is not None,
                cache_dir=self.cache_dir,
                keep=kept,
            )
        self.kept, self.corpus = kept, corpus
        self._env = render.make_environment()  # the templates as this build read them
        # What is kept between saves (a million objects at 10,000 entries) is left out of
        # the collector's passes: each took 1-2 s of a save's time.
        gc.collect()
        gc.freeze()
        self.last, self.rendered = "site", result.rebuilt
        self._start(self._after_build, corpus)
        return dataclasses.replace(result, seconds=time.monotonic() - start)

    def _validate(self, changed: list[Path] | None = None) -> Corpus:
        """The corpus, with every file read again, or those ``changed`` only (after a save, as
        the watcher says; what the memo learnt is then written at the next whole build)."""
        validated = self.folder.collect(changed)
        if changed is None:
            self.memo.save()
        return corpus_of(validated)

    # --- after a save -------------------------------------------------------------------------

    def update(self, changed: Iterable[Path] = ()) -> str:
        """Show what changed in ``changed`` (paths; an empty list: anything may have): returns
        "pages" when only the pages that show it were written, "site" after a whole build."""
        paths = [Path(p).resolve() for p in changed]
        if not self.kept or not paths or not all(p.is_relative_to(self.entries_dir) for p in paths):
            self.build()
            return self.last
        start = time.monotonic()
        # The collector waits until the pages are written: a save makes a plan of every page
        # (hundreds of thousands of objects that reference counting frees), and the passes it
        # set off over them took 0.4 of 1.5 s at 10,000 entries.
        with kinds.using(self.kinds), collector.paused():
            # The last save's feeds and search stop first: in this process, they would take
            # turns with this save for the interpreter.
            self._interrupt()
            try:
                corpus = self._validate(paths)
            except Exception:  # ValidationFailed: the site stays as the last save left it
                self._resume()
                raise
            self.timings = {"validate": time.monotonic() - start}
            try:
                done = self._pages(corpus)
            except BuildError as exc:  # the whole build says it again, or succeeds
                log.debug("A whole build, after: %s", exc)
                done = False
        if not done:
            self.build()
            return self.last
        log.info(
            "Wrote %d pages in %.2f s (%s); feeds, data and search follow",
            self.rendered,
            time.monotonic() - start,
            ", ".join(f"{step} {seconds:.2f}" for step, seconds in self.timings.items()),
        )
        return self.last

    def _pages(self, corpus: Corpus) -> bool:
        """Render and write the pages that changed; False when only a whole build can."""
        assert self.corpus is not None
        started = time.monotonic()
        changed = _changed_entries(self.corpus, corpus)
        render = _Render(corpus, self.config, changed, self._env, self._lasting)
        self.timings["plan"] = time.monotonic() - started
        started = time.monotonic()
        # In this process: forking it for the second interface saved nothing at 10,000 entries
        # (1.6-4.9 s against 2.6-3.4 s), copying the page tables of a process of 1.2 GB. That
        # was measured while the watcher still heard every file read (engine.preview).
        rendered = [render(kept) for kept in self.kept]
        if any(r is None for r in rendered):
            return False
        plans = list(zip(self.kept, rendered, strict=True))
        self.timings["render"] = time.monotonic() - started
        started = time.monotonic()
        written: list[dict[str, str]] = []
        done = False
        try:
            for kept, r in plans:
                with i18n.interface(kept.language) if kept.root else contextlib.nullcontext():
                    folder = self.site_dir / kept.root
                    out = engine.rebuild(kept.built, r.pages, r.links, folder, _linked(kept))
                if out is None:
                    return False
                written.append(out)
            done = True
        finally:
            if not done:
                for out in written:
                    for path in out.values():
                        Path(path).unlink(missing_ok=True)
        for out in written:  # every page rendered: now into place, each by a rename
            for path in out.values():
                os.replace(path, path.removesuffix(".new"))
        self.timings["engine"] = time.monotonic() - started
        for kept, r in plans:
            for src in r.pages:
                kept.links.pop(src, None)
            kept.links.update(r.links)
            kept.keys.update(r.keys)
            kept.shows.update(r.shows)
            kept.texts.update(r.texts)
            kept.structure = r.structure
        self.corpus = corpus
        self.last, self.rendered = "pages", sum(len(r.pages) for _, r in plans)
        self.rerendered = {kept.root + src for kept, r in plans for src in r.rerender}
        # The last save's work was told to stop: this save's starts once it has (_start), and
        # the browsers reload now, not after it.
        self._start(self._rest_of_site, corpus, render.plan)
        return True

    # --- the background -----------------------------------------------------------------------

    def settle(self, cancel: bool = False) -> None:
        """Wait for the background's work (``cancel``: stop the search index first, which the
        next build makes again)."""
        thread = self._rest
        if thread is not None:
            if cancel:
                self._interrupt()
            thread.join()  # and so the work it waited for
            self._rest = None

    def _resume(self) -> None:
        """Finish the last save's feeds, data and search, if they were interrupted."""
        self.settle()
        if self._unfinished is not None:
            self._start(self._rest_of_site, *self._unfinished)

    def _interrupt(self) -> None:
        """Ask the background's work to stop where it can: its search index at once."""
        self._stop.set()
        indexer = self._indexer
        if indexer is not None:
            indexer.cancel()

    def close(self) -> None:
        """Stop the background's work; the kinds in use before come back, and what the session
        kept out of the collector's sight (``build``) is in it again, to be freed."""
        self.settle(cancel=True)
        self._using.close()
        gc.unfreeze()

    def _start(self, work: Any, *args: Any) -> None:
        """Run ``work(stop, *args)`` in a thread once the work before it has ended (it was told
        to stop); ``stop`` is set when a save or build wants it to end."""
        previous, stop = self._rest, threading.Event()

        def run() -> None:
            if previous is not None:
                previous.join()  # it writes nothing once told to stop, but it may be writing
            try:
                with kinds.using(self.kinds):
                    work(stop, *args)
            except Exception as exc:  # the next save builds the whole site again
                self._unfinished = None
                if not stop.is_set():
                    log.warning("Could not update the preview's feeds, data or search: %s", exc)
                    self.kept = []

        self._stop, self._indexer = stop, None
        self._rest = threading.Thread(target=run, name="preview-rest", daemon=True)
        self._rest.start()

    def _after_build(self, stop: threading.Event, corpus: Corpus) -> None:
        """What the first save would otherwise work out: the search records' key, and what
        the pages' keys hold (``fingerprint.Lasting``)."""
        _, self._search_key = search.keyed_records(
            corpus, self._records, self.config.interfaces[1:]
        )
        render = _Render(corpus, self.config, set(), self._env, self._lasting)
        for kept in self.kept:
            if stop.is_set():
                return
            _Chooser(kept, set())(render.plan.site, render.plan.pages)

    def _rest_of_site(self, stop: threading.Event, corpus: Corpus, plan: structure.Plan) -> None:
        """The feeds, data and sitemaps, written where they differ; then the search index."""
        self._unfinished = (corpus, plan)
        if stop.is_set():  # told to stop while it waited for the work before it
            return
        config, site = self.config, self.site_dir
        started = time.monotonic()
        dates = structure.page_dates(plan.site, plan.pages)
        first, *rest = self.kept
        others = [
            pipeline.InterfaceBuild(
                k.config, k.language, Incremental(None), k.built, 0, k, self._memo(k.language)
            )
            for k in rest
        ]
        addresses = first.built.addresses()
        with _scratch(site) as scratch:
            pipeline.write_rest(
                corpus,
                config,
                scratch,
                addresses,
                dates,
                others,
                self._memo(first.language),
                self._data,
                stop.is_set,
            )
            if stop.is_set():
                return
            if rename_into(scratch, site):
                _rewrite_manifest(site)
        log.debug("The preview's feeds, data and sitemaps in %.2f s", time.monotonic() - started)
        if stop.is_set():
            return
        records, key = search.keyed_records(corpus, self._records, config.interfaces[1:])
        if key == self._search_key:
            self._unfinished = None
        else:
            self._indexer = indexer = search.Indexer()
            if stop.is_set():  # interrupted before it could be told (_interrupt)
                indexer.cancel()
                return
            indexer.index(records)
            with _scratch(site) as scratch:
                indexer.write(scratch / search.OUTPUT)
                if stop.is_set():
                    return
                _replace_folder(scratch / search.OUTPUT, site / search.OUTPUT)
                _rewrite_manifest(site)
            self._indexer = None
            self._search_key = key
            self._unfinished = None
            log.debug("The preview's search index in %.2f s", time.monotonic() - started)

    def _memo(self, language: str) -> dict[bytes, Any]:
        return self._feeds.setdefault(language, {})


@dataclasses.dataclass
class _Rendered:
    """One interface's pages after a save: those whose Markdown changed, and what the
    session keeps of them."""

    pages: dict[str, str]
    links: dict[str, list[tuple[str, str]]]
    texts: dict[str, bytes]
    keys: dict[str, str | None]
    shows: dict[str, frozenset[str]]
    rerender: set[str]  # the pages whose key changed
    structure: bytes


class _Render:
    """Renders one interface's pages whose key changed; None when the pages are not the same
    pages any more (then only a whole build will do). The plan is made once for every
    interface, and so what its pages hold is hashed once (``fingerprint.page_keys``)."""

    def __init__(
        self,
        corpus: Corpus,
        config: SiteConfig,
        changed: set[str],
        env: Any,
        lasting: fingerprint.Lasting,
    ):
        self.corpus, self.changed, self.env = corpus, changed, env
        self.plan = structure.Plan.of(corpus, config)
        lasting.next_plan()
        fingerprint.keep_between(self.plan.site, lasting)

    def __call__(self, kept: Kept) -> _Rendered | None:
        chooser = _Chooser(kept, self.changed)
        links: dict[str, list[tuple[str, str]]] = {}
        pages = pipeline.render_all(
            self.corpus,
            kept.config,
            kept.docs_pages,
            links=links,
            reuse=chooser,
            env=self.env,
            plan=self.plan,
        )
        if chooser.whole:
            return None
        texts = {src: pipeline.text_digest(text) for src, text in pages.items()}
        # The pages whose Markdown changed (a key also covers what a page leaves out).
        changed = {
            src: pages[src] for src, digest in texts.items() if kept.texts.get(src) != digest
        }
        return _Rendered(
            changed,
            {src: links[src] for src in changed if src in links},
            {src: texts[src] for src in changed},
            chooser.keys,
            chooser.shows,
            chooser.rerender,
            chooser.structure,
        )


class _Chooser:
    """``render.render_pages``' ``reuse`` for an update: the pages whose key changed are
    rendered, found through the entries each page shows; ``whole`` when the pages differ."""

    def __init__(self, kept: Kept, changed: set[str]):
        self.kept, self.changed = kept, changed
        self.whole = False
        self.rerender: set[str] = set()
        self.keys: dict[str, str | None] = {}
        self.shows: dict[str, frozenset[str]] = {}
        self.structure = kept.structure

    def __call__(self, site: structure.Site, planned: list[Page]) -> set[str]:
        kept = self.kept
        srcs = {page.src for page in planned}
        if srcs != kept.keys.keys():
            self.whole = True
            return srcs
        site_key = fingerprint.site_key(site)
        if site_key != kept.structure:  # the order, counts or references: every page's key
            candidates = planned
        else:
            candidates = [page for page in planned if self._may_change(page)]
        keys = fingerprint.page_keys(site, candidates, kept.base, self.shows)
        for page, key in zip(candidates, keys, strict=True):
            self.keys[page.src] = key
            if key is None or key != kept.keys[page.src]:
                self.rerender.add(page.src)
        self.structure = site_key
        return srcs - self.rerender

    def _may_change(self, page: Page) -> bool:
        """Whether the page's key may differ: it shows a changed entry, or it is a listing.

        An entry's page shows that entry and the entries it names or that name it, and what
        is made from them (its items, its evidence): the entries its key covers. A listing
        may also show what is made from entries it does not hold (the timeline's filter
        lists every actor's name; the home page's chart): its key is always computed again.
        """
        if self.kept.keys[page.src] is None or "entry" not in page.context:
            return True
        return bool(self.kept.shows.get(page.src, _NONE) & self.changed)


_NONE: frozenset[str] = frozenset()


def _linked(kept: Kept) -> Any:
    """``linked(src)`` for ``engine.rebuild``: the anchors of ``src`` that the generated pages
    link to (looked for only when a page loses an anchor)."""

    def linked(src: str) -> set[str]:
        return {
            anchor
            for page_links in kept.links.values()
            for to_src, anchor in page_links
            if to_src == src and anchor
        }

    return linked


def _changed_entries(old: Corpus, new: Corpus) -> set[str]:
    """Ids of the entries added, removed or changed between two corpora."""
    changed = set(old.entries.keys() ^ new.entries.keys())
    for entry_id, entry in new.entries.items():
        before = old.entries.get(entry_id)
        if (
            before is not None
            and before is not entry
            and entry_digest(before) != entry_digest(entry)
        ):
            changed.add(entry_id)
    return changed


@contextlib.contextmanager
def _scratch(site: Path) -> Iterator[Path]:
    """A folder beside the site (on its file system), deleted afterwards: what is written
    there is renamed into the site."""
    with tempfile.TemporaryDirectory(prefix=f"{site.name}.part-", dir=site.parent) as folder:
        yield Path(folder)


def _rewrite_manifest(site: Path) -> None:
    """The list of what the site holds, again: what the next whole build may replace (the
    new list replaces the old by a rename, and leaves itself out)."""
    write_manifest(site)


def _replace_folder(new: Path, old: Path) -> None:
    """``new`` in place of ``old``, by renames (the old one is deleted afterwards)."""
    gone = old.with_name(f"{old.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    if old.exists():
        os.rename(old, gone)
    os.rename(new, old)
    shutil.rmtree(gone, ignore_errors=True)


__all__ = ["Session"]
