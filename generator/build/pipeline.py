"""The build pipeline: validate → render pages → MkDocs → feeds and data → swap into site/."""

from __future__ import annotations

import dataclasses
import gc
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import escape

from generator import engine
from generator.build import repocheck
from generator.build.inplace import InPlace
from generator.cache import validcache
from generator.cache.incremental import Incremental, cache_folder, open_cache
from generator.cache.store import BuildCache
from generator.core import collector, hashing, i18n, parallel
from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.format import kinds, urls
from generator.format.corpus import Corpus
from generator.kinds import configured as configured_kinds
from generator.load import examples
from generator.publish import data, feeds, search, sitemap
from generator.publish.sitedir import MANIFEST as MANIFEST  # re-exported: tests import it from here
from generator.publish.sitedir import (
    check_not_sources,
    check_replaceable,
    exclusive_build,
    explain_os_errors,
    new_work_folder,
    rename_into,
    site_path,
    swap,
    write_manifest,
)
from generator.site import render, share, structure
from generator.validate.record import collect, corpus_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int  # Markdown pages of the site, generated and hand-written
    entries: int
    seconds: float
    rebuilt: int = 0  # of those, the pages rendered by this build (the others were cached)


@dataclass
class Kept:
    """One interface's build as a preview keeps it between saves (``build.session``)."""

    language: str
    config: SiteConfig  # the interface's own
    root: str  # its folder in the site: "" for the first, "zh/"
    docs_pages: list[str]
    built: engine.Built
    keys: dict[str, str | None]  # each generated page's key (fingerprint.page_keys)
    shows: dict[str, frozenset[str]]  # the entries each keyed page's key covers
    base: bytes  # what the keys start with
    structure: bytes  # fingerprint.site_key of the site the keys are for
    links: dict[str, list[tuple[str, str]]]  # each generated page's HTML links
    texts: dict[str, bytes]  # a digest of each page's Markdown, where it was rendered


class Progress:
    """Pages built so far: a counter on a terminal, a log line every tenth otherwise."""

    def __init__(self, total: int, label: str, enabled: bool | None = None):
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.tty = sys.stderr.isatty() if enabled is None else enabled
        self._last_draw = 0.0
        self._next_log = self.total // 10

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw > 0.1 or self.done == self.total:
                self._last_draw = now
                width = 30
                filled = width * self.done // self.total
                bar = "#" * filled + "-" * (width - filled)
                sys.stderr.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}")
                sys.stderr.flush()
        elif self.total >= 1000 and self.done >= self._next_log and self.done < self.total:
            log.info("%s: %d of %d", self.label, self.done, self.total)
            self._next_log += self.total // 10

    def close(self) -> None:
        if self.tty and self.done:
            print(file=sys.stderr)


def hand_written_pages(docs_dir: Path, leave_out: tuple[str, ...] = ()) -> list[str]:
    """Files under docs/ (docs-relative, POSIX), which generated pages must not replace;
    not those in the folders ``leave_out`` (another interface's pages: ``docs/zh/``)."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        rel
        for p in docs_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
        and not (rel := p.relative_to(docs_dir).as_posix()).startswith(
            tuple(f"{folder}/" for folder in leave_out)
        )
    )


def render_all(
    corpus: Corpus,
    config: SiteConfig,
    docs_pages: list[str],
    *,
    jobs: int = 1,
    links: dict[str, list[tuple[str, str]]] | None = None,
    reuse: Any = None,
    bytecode_cache: Any = None,
    dates: dict[str, date] | None = None,
    env: Any = None,
    plan: structure.Plan | None = None,
) -> dict[str, str]:
    """Every generated Markdown page: entries and listings, then Subscribe and Data
    (``reuse``, ``dates``, ``plan``: see render.render_pages; ``bytecode_cache``:
    render.make_environment; ``env``: an environment made by it, with its compiled
    templates)."""
    env = env or render.make_environment(bytecode_cache)
    pages = render.render_pages(
        corpus,
        config,
        env,
        docs_pages=docs_pages,
        jobs=jobs,
        links=links,
        reuse=reuse,
        dates=dates,
        plan=plan,
    )
    for src, text in feeds.subscribe_and_data_pages(corpus, config, env).items():
        if src in pages or src in docs_pages:
            raise BuildError(f"two sources for the page {src}: generated twice, or also in docs/")
        pages[src] = text
    return pages


def build_site(
    entries_dir: Path | None = None,
    site_dir: Path | None = None,
    config_path: Path | None = None,
    *,
    site_url: str | None = None,
    progress: bool | None = None,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Validate ``entries_dir`` and build the whole site into ``site_dir``.

    Defaults: ``entries/`` and ``site/`` next to the configuration file. ``site_url`` replaces
    the configured one (the preview server uses its own address). Raises ValidationFailed
    or BuildError, leaving any previous ``site_dir`` untouched; BuildError too, before
    anything is read, for a ``site_dir`` that is or holds the sources or holds anything the
    previous build did not write. SIGTERM in the main thread stops the build the same way,
    with SystemExit(143). ``jobs`` processes render the pages (default: one per core); the
    site is the same for any number. With ``cache``, pages and the search index that have not
    changed since an earlier build are taken from ``cache_dir`` (default: the knowledge base's
    folder in the user's cache home, ``generator.cache.cachedir``), and this build's are kept there
    (``generator.cache.incremental``); when the cache holds an earlier build's pages, the site
    is updated in place rather than replaced (``generator.build.inplace``).
    """
    start = time.monotonic()
    config = load_config(config_path)
    if site_url:
        config = dataclasses.replace(config, site_url=site_url)
    with kinds.using(configured_kinds(config)):
        return _build(
            config, entries_dir, site_dir, site_url, progress, jobs, cache, cache_dir, start
        )


def _build(
    config: SiteConfig,
    entries_dir: Path | None,
    site_dir: Path | None,
    site_url: str | None,
    progress: bool | None,
    jobs: int | None,
    cache: bool,
    cache_dir: Path | None,
    start: float,
) -> BuildResult:
    entries_dir = entries_dir or config.root / "entries"
    site_dir = site_path(site_dir or config.root / "site")
    # Before validating, and before touching anything: fail fast on a wrong --site-dir.
    check_not_sources(site_dir, config, entries_dir)
    cache_dir = cache_folder(config, cache, cache_dir)
    with exclusive_build(site_dir):
        check_replaceable(site_dir)
        log.info("Validating %s", display_path(entries_dir))
        memo = validcache.Memo.open(cache_dir) if cache_dir else None
        indexer = search.Indexer()  # Pagefind starts while the entries are validated
        # The corpus lives to the end of the build: the collector need not scan it again.
        with collector.unfrozen_after():
            try:
                try:
                    validated = collect(entries_dir, memo=memo, freeze=True, jobs=jobs)
                finally:
                    if memo:
                        memo.save()
                corpus = corpus_of(validated)
                for example in validated.examples:
                    log.warning("%s: %s", display_path(example), examples.WARNING)
                result = _publish(
                    corpus,
                    config,
                    site_dir,
                    site_url=site_url,
                    progress=progress,
                    jobs=jobs,
                    cache_dir=cache_dir,
                    indexer=indexer,
                    freeze=True,
                )
            except BaseException:
                indexer.cancel()
                raise
    seconds = time.monotonic() - start
    log.debug(
        "Built %s: %d pages from %d entries in %.1f s",
        display_path(site_dir),
        result.pages,
        result.entries,
        seconds,
    )
    return dataclasses.replace(result, seconds=seconds)


def publish(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    *,
    site_url: str | None = None,
    progress: bool | None = None,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    keep: list[Kept] | None = None,
) -> BuildResult:
    """Build an already validated corpus into ``site_dir``, replacing it only when all went
    well; ``keep``, if given, receives each interface's build (``Kept``) once it is in place."""
    site_dir = site_path(site_dir)
    check_not_sources(site_dir, config, None)
    with exclusive_build(site_dir):
        check_replaceable(site_dir)
        return _publish(
            corpus,
            config,
            site_dir,
            site_url=site_url,
            progress=progress,
            jobs=jobs,
            cache_dir=cache_folder(config, cache, cache_dir),
            keep=keep,
        )


def _publish(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    *,
    site_url: str | None,
    progress: bool | None,
    jobs: int | None,
    cache_dir: Path | None = None,
    indexer: search.Indexer | None = None,
    keep: list[Kept] | None = None,
    freeze: bool = False,
) -> BuildResult:
    """The build proper, run holding the site folder's lock; ``site_dir`` is resolved.
    ``cache_dir``: the build cache's folder, None to build without one. ``indexer``: Pagefind,
    already started (one is started otherwise). ``keep``: see ``publish``. ``freeze``, for
    a caller that calls ``gc.unfreeze`` when the build is done: after each step that makes
    what the build then holds to its end (the cache's index, the plan, each interface's
    engine structures), it is moved out of the collector's sight (``gc.freeze``). A warm
    build at 10,000 entries spent 1.7 s of its 8.6 s in the collector's nine full passes
    over them, which found a few hundred objects to free."""
    settle = gc.freeze if freeze else lambda: None
    start = time.monotonic()
    jobs = jobs or parallel.default_jobs()
    with explain_os_errors(site_dir):
        work = new_work_folder(site_dir)
        track = keep is not None
        cached = Incremental(None, track)
        others: list[InterfaceBuild] = []  # the other languages' builds, done
        indexer = indexer or search.Indexer()
        try:
            mk = _mkdocs_config(config, work, site_url, _interface(config, config.interfaces[0]))
            _check_repository(config, mk, site_dir)
            if cache_dir is not None:
                with collector.paused(freeze):  # its index: 300,000 objects at 10,000 entries
                    cached = Incremental(open_cache(config, mk, site_url, cache_dir), track)
            # With a warm cache, the site is updated in place: see build/inplace.py.
            inplace = InPlace(site_dir, work) if _updatable(cached, site_dir) else None
            place = inplace.place if inplace else BuildCache.place
            docs_pages = hand_written_pages(mk.docs_dir, config.interfaces[1:])
            # When the cache holds most pages, Pagefind indexes on another core while the few
            # others are built (publish/search.py). Otherwise it indexes first, alone: beside
            # the workers that render and theme every page it held 570 MB at 10,000 entries
            # while they held 600, and took the cores they needed.
            records, records_key = search.keyed_records(
                corpus, cached.records_memo(), config.interfaces[1:]
            )
            settle()
            reusable = cached.search_kept(records_key)
            early = False
            if reusable:
                indexer.cancel()
            else:
                indexing = time.monotonic()
                indexer.index(records)
                log.debug("Pagefind is indexing %d records", len(records))
                if not cached.warm():
                    # Pagefind indexes on one core (5.5-7 s at 10,000 entries): the other
                    # writes the first interface's feeds and the open data meanwhile.
                    early = _write_early(corpus, config, work, cached)
                    indexer.wait()
                    log.debug("Pagefind indexed them in %.1f s", time.monotonic() - indexing)
            started = time.monotonic()
            links: dict[str, list[tuple[str, str]]] = {}
            dates: dict[str, date] = {}
            bytecode = cached.bytecode_cache()
            plan = structure.Plan.of(corpus, config)  # every interface's
            pages = render_all(
                corpus,
                config,
                docs_pages,
                jobs=jobs,
                links=links,
                reuse=cached.choose,
                bytecode_cache=bytecode,
                dates=dates,
                plan=plan,
            )
            same = cached.same_text(plan.site, pages)
            settle()
            links.update(cached.links())
            log.info(
                "Rendered %d pages from %d entries in %.1f s (%d more from the cache, and "
                "%d of these too)",
                len(pages),
                len(corpus.entries),
                time.monotonic() - started,
                len(cached.reused) - len(same),
                len(same),
            )

            to_build = _unless(pages, same)
            total = sum(1 for p in [*to_build, *docs_pages] if p.endswith(".md"))
            bar = Progress(total, "Building pages", progress)
            started = time.monotonic()
            try:
                built = _build_pages(
                    mk, to_build, links, cached, bytecode, jobs, bar.advance, place
                )
            finally:
                bar.close()
            log.info(
                "%s built %d pages in %.1f s", engine.LABEL, bar.done, time.monotonic() - started
            )
            settle()
            first = _kept(config, "", docs_pages, built, cached, pages, links) if track else None
            # Written: the other interfaces' pages need the memory (200 MB at 10,000).
            del pages, to_build
            for language in config.interfaces[1:]:
                others.append(
                    _publish_interface(
                        corpus,
                        config,
                        language,
                        work,
                        site_url,
                        docs_pages,
                        jobs,
                        cache_dir,
                        track,
                        plan,
                        place,
                        freeze,
                    )
                )
                settle()

            started = time.monotonic()
            addresses = built.addresses()
            memos = (cached.feeds_memo(), cached.data_memo())
            write_rest(corpus, config, work, addresses, dates, others, *memos, early=early)
            log.info("Wrote feeds, data and sitemaps in %.1f s", time.monotonic() - started)
            cached.keep_pages(work, built, links)
            started = time.monotonic()
            if reusable:
                cached.place_search(work / search.OUTPUT, place)
            else:  # after MkDocs, which empties the site folder when it starts
                indexer.write(work / search.OUTPUT, inplace.holds if inplace else None)
            log.info("Wrote the search index in %.1f s more", time.monotonic() - started)
            if inplace:  # it removes only what the manifest lists, and replaces nothing else
                inplace.apply()
                shutil.rmtree(work, ignore_errors=True)  # what the site held already
                _keep(cached, others, site_dir)
            else:
                write_manifest(work)  # last: a folder without one is not a finished build
                # Again, just before deleting it: files may have been added while this ran.
                check_replaceable(site_dir)
                swap(work, site_dir, after=lambda: _keep(cached, others, site_dir))
            if keep is not None:
                assert first is not None
                keep.append(first)
                keep.extend(other.kept for other in others if other.kept is not None)
        except BaseException:
            indexer.cancel()
            shutil.rmtree(work, ignore_errors=True)
            raise
        finally:
            cached.close()
            for other in others:
                other.cached.close()
    total = len(built) + sum(len(other.built) for other in others)
    seconds = time.monotonic() - start
    rebuilt = bar.done + sum(other.rebuilt for other in others)
    return BuildResult(site_dir, total, len(corpus.entries), seconds, rebuilt=rebuilt)


def write_rest(
    corpus: Corpus,
    config: SiteConfig,
    site: Path,
    first: dict[str, str],
    dates: dict[str, date],
    others: list[InterfaceBuild],
    feeds_memo: dict[bytes, Any] | None = None,
    data_memo: dict[bytes, bytes] | None = None,
    stopped: Callable[[], bool] = lambda: False,
    *,
    early: bool = False,
) -> None:
    """Every interface's feeds and sitemaps, and the open data, into ``site``, the site's
    root, once every interface's pages are built (``first``: the first's page addresses).
    ``stopped()``, asked between steps, ends it early: what it wrote is then incomplete.
    ``early``: the first interface's feeds and the open data are in ``site/EARLY`` already
    (``_write_early``), and are moved into place."""
    if early:
        _place_early(site)
    else:
        feeds.write_feeds(corpus, config, site, memo=feeds_memo)
        if stopped():
            return
        data.write_data(corpus, config, site, data_memo)
    alternates = _alternates(config, first, others)
    sitemap.write_sitemaps(corpus, config, site, first, dates, alternates=alternates)
    for other in others:
        if stopped():
            return
        other.finish(corpus, dates, _alternates(config, first, others, other), site)


# Where a build writes files before the engine has built the pages, in the folder it builds
# into: MkDocs empties that folder when it starts, of everything but hidden entries.
EARLY = ".early"


def _write_early(corpus: Corpus, config: SiteConfig, work: Path, cached: Incremental) -> bool:
    """The first interface's feeds and the open data, written into ``work/EARLY`` while
    Pagefind indexes alone, to be moved into place by ``write_rest``."""
    started = time.monotonic()
    early = work / EARLY
    early.mkdir()
    feeds.write_feeds(corpus, config, early, memo=cached.feeds_memo())
    data.write_data(corpus, config, early, cached.data_memo())
    log.debug(
        "Wrote the feeds and data while Pagefind indexed, in %.1f s", time.monotonic() - started
    )
    return True


def _place_early(site: Path) -> None:
    """Move what ``_write_early`` wrote to the same places under ``site``."""
    early = site / EARLY
    rename_into(early, site)
    shutil.rmtree(early)


def _kept(
    config: SiteConfig,
    root: str,
    docs_pages: list[str],
    built: engine.Built,
    cached: Incremental,
    pages: dict[str, str],
    links: dict[str, list[tuple[str, str]]],
) -> Kept:
    texts = {src: text_digest(text) for src, text in pages.items()}
    return Kept(
        config.interface,
        config,
        root,
        docs_pages,
        built,
        cached.keys,
        cached.shows,
        cached.base(),
        cached.structure,
        links,
        texts,
    )


def text_digest(text: str) -> bytes:
    """What tells two versions of a page's Markdown apart (``Kept.texts``)."""
    return hashing.key("page text", text)


def _updatable(cached: Incremental, site_dir: Path) -> bool:
    """Whether to update the site in place: the cache holds most pages (and the site, as the
    same files, most likely), and the site has a manifest (``check_replaceable`` read it).
    Otherwise a new site replaces it whole, which is faster when most pages are new."""
    return cached.warm() and (site_dir / MANIFEST).is_file()


def _unless(pages: dict[str, str], reused: set[str]) -> dict[str, str]:
    """The rendered ``pages`` the engine builds: those not ``reused`` from the cache."""
    return {src: text for src, text in pages.items() if src not in reused} if reused else pages


def _build_pages(
    mk: engine.Setup,
    pages: dict[str, str],
    links: dict[str, list[tuple[str, str]]],
    cached: Incremental,
    bytecode: Any,
    jobs: int,
    done: Any,
    place: Callable[[str, str], None] = BuildCache.place,
) -> engine.Built:
    """The engine's build of one interface: its rendered ``pages``, the rest from the cache
    (each put in place by ``place(kept, dest)``)."""
    return engine.build(
        mk,
        pages=pages,
        links=links,
        reuse=cached.reuse(),
        place=place,
        bytecode_cache=bytecode,
        jobs=jobs,
        done=done,
    )


def _keep(cached: Incremental, others: list[InterfaceBuild], site_dir: Path) -> None:
    cached.keep(site_dir, search.OUTPUT)
    for other in others:
        other.cached.keep(site_dir / other.root, search.OUTPUT)


# What the navigation of a knowledge base that ``init`` started calls its pages, and the
# palette's switches: the other interfaces translate them (a title not listed stays as written).
STANDARD_TITLES = (
    i18n.N_("Home"),
    i18n.N_("About"),
    i18n.N_("Tags"),
    i18n.N_("Subscribe"),
    i18n.N_("Data"),
    i18n.N_("Methodology"),
    i18n.N_("How to contribute"),
    i18n.N_("Start your own"),
    i18n.N_("Switch to dark mode"),
    i18n.N_("Switch to light mode"),
)


def _translator(language: str) -> Any:
    def translate(text: str) -> str:
        with i18n.interface(language):
            return i18n.gettext(text)

    return translate


def _interface(config: SiteConfig, language: str) -> engine.Interface | None:
    """How the engine builds the interface in ``language``; None for a site in one language."""
    if len(config.interfaces) == 1:
        return None
    base = config.require_site_url()
    first = config.interfaces[0]
    root = config.interface_root(language)
    up = "../" * root.count("/")
    others = [
        {
            "lang": other,
            "name": i18n.language_name(other),
            "name_here": i18n.language_name(other, language),
            "root": up + config.interface_root(other),
            "url": base + config.interface_root(other),
        }
        for other in config.interfaces
        if other != language
    ]
    docs_root = _docs_root(config)
    if language == first:
        rest = config.interfaces[1:]
        earlier = str(config.raw.get("exclude_docs") or "")
        exclude = earlier + "".join(f"\n/{other}/" for other in rest)
        return engine.Interface(
            first, None, others, base, base, exclude_docs=exclude.strip() + "\n"
        )
    first_pages = set(hand_written_pages(docs_root, config.interfaces[1:]))
    own = docs_root / language
    alone = frozenset(p for p in hand_written_pages(own) if p not in first_pages)
    return engine.Interface(
        language, own, others, base + root, base, alone=alone, nav_title=_translator(language)
    )


def _docs_root(config: SiteConfig) -> Path:
    return config.root / str(config.raw.get("docs_dir") or "docs")


def _alternates(
    config: SiteConfig,
    first: dict[str, str],
    others: list[InterfaceBuild],
    this: InterfaceBuild | None = None,
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each page's address in every language it has, for the sitemap of the interface
    ``this`` (None: the first); none on a site in one language."""
    if not others:
        return {}
    base = config.require_site_url()
    by_language = [(config.interfaces[0], base, first)]
    by_language += [(o.language, base + o.root, o.addresses) for o in others]
    pages = this.addresses if this else first
    return {
        src: tuple(
            (language, urls.absolute(root, urls_[src]))
            for language, root, urls_ in by_language
            if src in urls_
        )
        for src in pages
        if sum(src in urls_ for _, _, urls_ in by_language) > 1
    }


class InterfaceBuild:
    """Another language's pages and feeds, built under ``<language>/`` in the new site."""

    def __init__(
        self,
        config: SiteConfig,
        language: str,
        cached: Incremental,
        built: engine.Built,
        rebuilt: int,
        kept: Kept | None = None,
        feeds_memo: dict[bytes, Any] | None = None,
    ):
        self.config, self.language, self.cached = config, language, cached
        self.root = config.interface_root(language)
        self.built = built
        self.rebuilt = rebuilt
        self.addresses = built.addresses()
        self.kept = kept
        self.feeds_memo = feeds_memo

    def finish(
        self,
        corpus: Corpus,
        dates: dict[str, date],
        alternates: dict[str, tuple[tuple[str, str], ...]],
        site: Path,
    ) -> None:
        """Its feeds and sitemaps in ``site``, the site's root, once every language's pages
        are built."""
        config = self.config
        memo = self.feeds_memo if self.feeds_memo is not None else self.cached.feeds_memo()
        with i18n.interface(self.language):
            # The feeds' paths start with the interface's folder: written from the site's root.
            feeds.write_feeds(corpus, config, site, memo=memo)
            sitemap.write_sitemaps(
                corpus, config, site / self.root, self.addresses, dates, alternates=alternates
            )


def _publish_interface(
    corpus: Corpus,
    config: SiteConfig,
    language: str,
    work: Path,
    site_url: str | None,
    first_pages: list[str],
    jobs: int,
    cache_dir: Path | None,
    track: bool = False,
    plan: structure.Plan | None = None,
    place: Callable[[str, str], None] = BuildCache.place,
    freeze: bool = False,
) -> InterfaceBuild:
    """Build the pages of the interface in ``language`` into ``work/<language>/``: the same
    corpus, the hand-written pages of ``docs/<language>/``, and for each of the first
    interface's (``first_pages``) with no translation, a page that says so. ``freeze``: see
    ``_publish``."""
    started = time.monotonic()
    own = config.for_interface(language)
    out = work / own.interface_root()
    interface = _interface(config, language)
    assert interface is not None and interface.docs_dir is not None
    with tempfile.TemporaryDirectory(prefix="sourceline-docs-") as empty:
        docs_dir = interface.docs_dir if interface.docs_dir.is_dir() else Path(empty)
        interface = dataclasses.replace(interface, docs_dir=docs_dir)
        url = own.require_site_url() + own.interface_root()
        mk = _mkdocs_config(own, out, url, interface)
        cached = Incremental(None, track)
        if cache_dir is not None:
            with collector.paused(freeze):
                cached = Incremental(open_cache(own, mk, url, cache_dir), track)
        try:
            docs_pages = hand_written_pages(mk.docs_dir)
            links: dict[str, list[tuple[str, str]]] = {}
            bytecode = cached.bytecode_cache()
            pages = render_all(
                corpus,
                own,
                docs_pages,
                jobs=jobs,
                links=links,
                reuse=cached.choose,
                bytecode_cache=bytecode,
                plan=plan,
            )
            with i18n.interface(language):
                for src in first_pages:
                    if src.endswith(".md") and src not in docs_pages and src not in pages:
                        pages[src] = _untranslated(_docs_root(config) / src, src, own)
            same = cached.same_text(plan.site, pages) if plan is not None else set()
            links.update(cached.links())
            to_build = _unless(pages, same)
            bar = Progress(len(to_build), f"Building pages ({language})", False)
            with i18n.interface(language):
                built = _build_pages(
                    mk, to_build, links, cached, bytecode, jobs, bar.advance, place
                )
            cached.keep_pages(out, built, links)
        except BaseException:
            cached.close()
            raise
    log.info(
        "Built the %s interface: %d pages in %.1f s",
        language,
        len(built),
        time.monotonic() - started,
    )
    root = own.interface_root()
    kept = _kept(own, root, docs_pages, built, cached, pages, links) if track else None
    return InterfaceBuild(own, language, cached, built, bar.done, kept)


def _untranslated(path: Path, src: str, config: SiteConfig) -> str:
    """A hand-written page with no translation: its title, and a link to it as written."""
    title = next(
        (
            line[2:].strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# ")
        ),
        src.removesuffix(".md"),
    )
    url = urls.page_url(src)
    up = "../" * (url.count("/") + config.interface_root().count("/"))
    first = config.interfaces[0]
    note = i18n.gettext("This page has not been translated into %(language)s yet.") % {
        "language": i18n.language_name(config.interface, config.interface)
    }
    read = i18n.gettext("Read it in %(language)s") % {
        "language": i18n.language_name(first, config.interface)
    }
    return (
        f'# <span lang="{first}">{escape(title)}</span>\n\n{escape(note)} '
        f'<a href="{up}{url}" hreflang="{first}">{escape(read)}</a>\n'
    )


def _check_repository(config: SiteConfig, mk: engine.Setup, site_dir: Path) -> None:
    """Refuse files git tracks in the build's own folders, and links out of the repository."""
    repocheck.refuse(
        repocheck.tracked_output(config.root, site_dir),
        "git tracks files in folders that builds write",
    )
    folders = [mk.docs_dir]
    if mk.theme_dir:
        folders.append(mk.theme_dir)
    repocheck.refuse(
        repocheck.outside_links(config.root, folders), "files from outside the repository"
    )


def _mkdocs_config(
    config: SiteConfig,
    site_dir: Path,
    site_url: str | None,
    interface: engine.Interface | None = None,
) -> engine.Setup:
    # Entry pages are reached from the listings, never from the nav: each kind's folder is
    # kept out of it, also for a kind that mkdocs.yml's not_in_nav does not name.
    not_in_nav = str(config.raw.get("not_in_nav") or "").splitlines()
    missing = [f"/{k.folder}/" for k in kinds.current() if f"/{k.folder}/" not in not_in_nav]
    patterns = "\n".join(not_in_nav + missing) + "\n" if missing else None
    theme = config.raw.get("theme")
    font_given = isinstance(theme, dict) and "font" in theme
    with i18n.interface(config.interface):  # named in the interface's language
        languages = render.languages_read(config) if len(config.languages) > 1 else ""
    setup = engine.configure(
        config.path,
        site_dir,
        site_url,
        patterns,
        font_given=font_given,
        search_languages=languages,
        interface=interface,
    )
    if interface is not None and interface.docs_dir is not None:  # its own words for it
        setup.native.site_description = config.site_description
        setup.native.copyright = config.copyright or None
    image = share.share_image(config, setup.docs_dir, setup.theme_dir)
    engine.theme_values(setup, share_image=image.theme_values())
    return setup
