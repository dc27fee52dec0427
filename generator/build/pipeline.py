"""The build pipeline: validate → render pages → MkDocs → feeds and data → swap into site/."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator import engine
from generator.build import repocheck
from generator.cache import validcache
from generator.cache.incremental import Incremental, cache_folder, open_cache
from generator.cache.store import BuildCache
from generator.core import parallel
from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.format import kinds
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
    site_path,
    swap,
    write_manifest,
)
from generator.site import render, share
from generator.validate.record import collect, corpus_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int  # Markdown pages of the site, generated and hand-written
    entries: int
    seconds: float
    rebuilt: int = 0  # of those, the pages rendered by this build (the others were cached)


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


def hand_written_pages(docs_dir: Path) -> list[str]:
    """Files under docs/ (docs-relative, POSIX), which generated pages must not replace."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        p.relative_to(docs_dir).as_posix()
        for p in docs_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
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
) -> dict[str, str]:
    """Every generated Markdown page: entries and listings, then Subscribe and Data
    (``reuse``, ``dates``: see render.render_pages; ``bytecode_cache``:
    render.make_environment)."""
    env = render.make_environment(bytecode_cache)
    pages = render.render_pages(
        corpus,
        config,
        env,
        docs_pages=docs_pages,
        jobs=jobs,
        links=links,
        reuse=reuse,
        dates=dates,
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
    (``generator.cache.incremental``).
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
        try:
            try:
                validated = collect(entries_dir, memo=memo)
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
) -> BuildResult:
    """Build an already validated corpus into ``site_dir``, replacing it only when all went well."""
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
) -> BuildResult:
    """The build proper, run holding the site folder's lock; ``site_dir`` is resolved.
    ``cache_dir``: the build cache's folder, None to build without one. ``indexer``: Pagefind,
    already started (one is started otherwise)."""
    start = time.monotonic()
    jobs = jobs or parallel.default_jobs()
    with explain_os_errors(site_dir):
        work = new_work_folder(site_dir)
        cached = Incremental(None)
        indexer = indexer or search.Indexer()
        try:
            mk = _mkdocs_config(config, work, site_url)
            _check_repository(config, mk, site_dir)
            if cache_dir is not None:
                cached = Incremental(open_cache(config, mk, site_url, cache_dir))
            docs_pages = hand_written_pages(mk.docs_dir)
            # Pagefind indexes on another core while the pages are built (publish/search.py):
            # from now on when the cache holds most pages, so that what is Pagefind's longest
            # step starts first; otherwise once the two workers have rendered the pages.
            records, records_key = search.keyed_records(corpus, cached.records_memo())
            reusable = cached.search_kept(records_key)
            if reusable:
                indexer.cancel()
            elif cached.warm():
                indexer.index(records)
                log.debug("Pagefind is indexing %d records", len(records))
            started = time.monotonic()
            links: dict[str, list[tuple[str, str]]] = {}
            dates: dict[str, date] = {}
            bytecode = cached.bytecode_cache()
            pages = render_all(
                corpus,
                config,
                docs_pages,
                jobs=jobs,
                links=links,
                reuse=cached.choose,
                bytecode_cache=bytecode,
                dates=dates,
            )
            links.update(cached.links())
            log.info(
                "Rendered %d pages from %d entries in %.1f s (%d more from the cache)",
                len(pages),
                len(corpus.entries),
                time.monotonic() - started,
                len(cached.reused),
            )

            total = sum(1 for p in [*pages, *docs_pages] if p.endswith(".md"))
            bar = Progress(total, "Building pages", progress)
            if not reusable:
                indexer.index(records)  # if not given already
            started = time.monotonic()
            try:
                built = engine.build(
                    mk,
                    pages=pages,
                    links=links,
                    reuse=cached.reuse(),
                    place=BuildCache.place,
                    bytecode_cache=bytecode,
                    jobs=jobs,
                    done=bar.advance,
                )
            finally:
                bar.close()
            log.info(
                "%s built %d pages in %.1f s", engine.LABEL, bar.done, time.monotonic() - started
            )

            started = time.monotonic()
            feeds.write_feeds(corpus, config, work, memo=cached.feeds_memo())
            data.write_data(corpus, config, work, cached.data_memo())
            urls = {src: page.url for src, page in built.items()}
            sitemap.write_sitemaps(corpus, config, work, urls, dates)
            log.info("Wrote feeds, data and sitemaps in %.1f s", time.monotonic() - started)
            cached.keep_pages(work, built, links)
            started = time.monotonic()
            if reusable:
                cached.place_search(work / search.OUTPUT)
            else:  # after MkDocs, which empties the site folder when it starts
                indexer.write(work / search.OUTPUT)
            log.info("Wrote the search index in %.1f s more", time.monotonic() - started)
            write_manifest(work)  # last: a folder without one is not a finished build
            # Again, just before deleting it: files may have been added while this build ran.
            check_replaceable(site_dir)
            swap(work, site_dir, after=lambda: cached.keep(site_dir, search.OUTPUT))
        except BaseException:
            indexer.cancel()
            shutil.rmtree(work, ignore_errors=True)
            raise
        finally:
            cached.close()
    total = len(built)
    seconds = time.monotonic() - start
    return BuildResult(site_dir, total, len(corpus.entries), seconds, rebuilt=bar.done)


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


def _mkdocs_config(config: SiteConfig, site_dir: Path, site_url: str | None) -> engine.Setup:
    # Entry pages are reached from the listings, never from the nav: each kind's folder is
    # kept out of it, also for a kind that mkdocs.yml's not_in_nav does not name.
    not_in_nav = str(config.raw.get("not_in_nav") or "").splitlines()
    missing = [f"/{k.folder}/" for k in kinds.current() if f"/{k.folder}/" not in not_in_nav]
    patterns = "\n".join(not_in_nav + missing) + "\n" if missing else None
    theme = config.raw.get("theme")
    font_given = isinstance(theme, dict) and "font" in theme
    languages = config.language_names if len(config.languages) > 1 else ""
    setup = engine.configure(
        config.path, site_dir, site_url, patterns, font_given=font_given, search_languages=languages
    )
    image = share.share_image(config, setup.docs_dir, setup.theme_dir)
    engine.theme_values(setup, share_image=image.theme_values())
    return setup
