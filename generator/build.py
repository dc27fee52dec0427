"""The build pipeline: validate → render pages → MkDocs → feeds and data → swap into site/.

Everything is built into a fresh sibling of the site folder and swapped in with renames at
the very end, so a failed or interrupted build leaves the previous site as it was. What a
build may replace, the lock that lets one build at a time into a site folder, and the swap
itself are in ``generator.sitedir``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import mkdocs.config
import mkdocs.exceptions
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from generator import data, engine, fastpage, feeds, kinds, parallel, render, search
from generator.config import SiteConfig, load_config
from generator.corpus import Corpus
from generator.errors import BuildError
from generator.pagecheck import front_matter_problem
from generator.problems import display_path
from generator.sitedir import MANIFEST as MANIFEST  # re-exported: tests import it from here
from generator.sitedir import (
    check_not_sources,
    check_replaceable,
    exclusive_build,
    explain_os_errors,
    new_work_folder,
    site_path,
    swap,
    write_manifest,
)
from generator.validate import load_corpus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    pages: int  # Markdown pages MkDocs built, generated and hand-written
    entries: int
    seconds: float


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
                click.echo(
                    f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}", nl=False, err=True
                )
        elif self.total >= 1000 and self.done >= self._next_log and self.done < self.total:
            log.info("%s: %d of %d", self.label, self.done, self.total)
            self._next_log += self.total // 10

    def close(self) -> None:
        if self.tty and self.done:
            click.echo("", err=True)


class _RecordPlugin(BasePlugin):
    """Hands MkDocs the generated pages (in memory, never written into docs/) and counts pages."""

    def __init__(self, pages: dict[str, str], links: dict[str, list[tuple[str, str]]]):
        super().__init__()
        self.pages = pages
        self.links = links

    def on_files(self, files: Files, *, config: Any) -> Files:
        for src, text in self.pages.items():
            files.append(File.generated(config, src, content=text))
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        # MkDocs has parsed the front matter by now, and would swallow a parse error: the
        # page's own text is read again and held to what MkDocs made of it.
        src = page.file.src_uri
        generated = src in self.pages
        source = self.pages[src] if generated else page.file.content_string
        name = src if generated else display_path(Path(page.file.abs_src_path))
        problem = front_matter_problem(name, source, page.meta, markdown, generated=generated)
        if problem:
            raise BuildError(problem)
        if generated and (converted := fastpage.convert(markdown)) is not None:
            page.render = functools.partial(_render_converted, page, converted)
        return markdown

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        # Every page has been read and converted by now, so every anchor is known.
        for src, links in self.links.items():
            for to_src, anchor in links:
                problem = _link_problem(files, to_src, anchor)
                if problem:
                    raise BuildError(f"the generated page {src} links to {problem}")
        return env


def _link_problem(files: Files, to_src: str, anchor: str) -> str | None:
    """What is wrong with a generated HTML link (MkDocs checks only Markdown links), or None."""
    target = files.get_file_from_path(to_src)
    if target is None:
        return f"{to_src}, which is not a page of the site"
    if anchor and target.page is not None and anchor not in (target.page.present_anchor_ids or ()):
        return f"{to_src}#{anchor}, which has no such anchor"
    return None


def _render_converted(page: Any, converted: fastpage.Converted, config: Any, files: Any) -> None:
    """Page.render for a page that generator.fastpage converted: what MkDocs' would set."""
    page.content = converted.content
    page.toc = get_toc(converted.toc_tokens)
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    page.links_to_anchors = {}  # no Markdown links: the page is headings and HTML


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
) -> dict[str, str]:
    """Every generated Markdown page: entries and listings, then Subscribe and Data."""
    env = render.make_environment()
    pages = render.render_pages(corpus, config, env, docs_pages=docs_pages, jobs=jobs, links=links)
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
) -> BuildResult:
    """Validate ``entries_dir`` and build the whole site into ``site_dir``.

    Defaults: ``entries/`` and ``site/`` next to the configuration file. ``site_url`` replaces
    the configured one (the preview server uses its own address). Raises ValidationFailed
    or BuildError, leaving any previous ``site_dir`` untouched; BuildError too, before
    anything is read, for a ``site_dir`` that is or holds the sources or holds anything the
    previous build did not write. SIGTERM in the main thread stops the build the same way,
    with SystemExit(143). ``jobs`` processes render the pages (default: one per core); the
    site is the same for any number.
    """
    start = time.monotonic()
    config = load_config(config_path)
    if site_url:
        config = dataclasses.replace(config, site_url=site_url)
    entries_dir = entries_dir or config.root / "entries"
    site_dir = site_path(site_dir or config.root / "site")
    # Before validating, and before touching anything: fail fast on a wrong --site-dir.
    check_not_sources(site_dir, config, entries_dir)
    with exclusive_build(site_dir):
        check_replaceable(site_dir)
        log.info("Validating %s", display_path(entries_dir))
        corpus = load_corpus(entries_dir)
        result = _publish(corpus, config, site_dir, site_url=site_url, progress=progress, jobs=jobs)
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
) -> BuildResult:
    """Build an already validated corpus into ``site_dir``, replacing it only when all went well."""
    site_dir = site_path(site_dir)
    check_not_sources(site_dir, config, None)
    with exclusive_build(site_dir):
        check_replaceable(site_dir)
        return _publish(corpus, config, site_dir, site_url=site_url, progress=progress, jobs=jobs)


def _publish(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    *,
    site_url: str | None,
    progress: bool | None,
    jobs: int | None,
) -> BuildResult:
    """The build proper, run holding the site folder's lock; ``site_dir`` is resolved."""
    start = time.monotonic()
    jobs = jobs or parallel.default_jobs()
    with explain_os_errors(site_dir):
        work = new_work_folder(site_dir)
        try:
            mk = _mkdocs_config(config, work, site_url)
            docs_pages = hand_written_pages(Path(mk.docs_dir))
            started = time.monotonic()
            links: dict[str, list[tuple[str, str]]] = {}
            pages = render_all(corpus, config, docs_pages, jobs=jobs, links=links)
            log.info(
                "Rendered %d pages from %d entries in %.1f s",
                len(pages),
                len(corpus.entries),
                time.monotonic() - started,
            )

            total = sum(1 for p in [*pages, *docs_pages] if p.endswith(".md"))
            bar = Progress(total, "Building pages", progress)
            mk.plugins["rednote-record"] = _RecordPlugin(pages, links)
            started = time.monotonic()
            # Pagefind indexes on another core while MkDocs builds (generator/search.py).
            indexer = search.Indexer(corpus, work / search.OUTPUT)
            try:
                _run_mkdocs(mk, jobs, bar)
            except BaseException:
                indexer.cancel()
                raise
            finally:
                bar.close()
            log.info("MkDocs built %d pages in %.1f s", bar.done, time.monotonic() - started)
            started = time.monotonic()
            indexer.write()
            log.info("Wrote the search index in %.1f s more", time.monotonic() - started)

            started = time.monotonic()
            feeds.write_feeds(corpus, config, work)
            data.write_data(corpus, config, work)
            log.info("Wrote feeds and data in %.1f s", time.monotonic() - started)
            write_manifest(work)  # last: a folder without one is not a finished build
            # Again, just before deleting it: files may have been added while this build ran.
            check_replaceable(site_dir)
            swap(work, site_dir)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return BuildResult(site_dir, bar.done, len(corpus.entries), time.monotonic() - start)


def _mkdocs_config(config: SiteConfig, site_dir: Path, site_url: str | None) -> Any:
    overrides: dict[str, Any] = {"site_dir": str(site_dir), "strict": True}
    # Entry pages are reached from the listings, never from the nav: each kind's folder is
    # kept out of it, also for a kind that mkdocs.yml's not_in_nav does not name.
    not_in_nav = str(config.raw.get("not_in_nav") or "").splitlines()
    missing = [f"/{k.folder}/" for k in kinds.current() if f"/{k.folder}/" not in not_in_nav]
    if missing:
        overrides["not_in_nav"] = "\n".join(not_in_nav + missing) + "\n"
    if site_url:
        overrides["site_url"] = site_url
    try:
        with _quiet_loggers():
            return mkdocs.config.load_config(config_file=str(config.path), **overrides)
    except mkdocs.exceptions.ConfigurationError as exc:
        raise BuildError(f"{display_path(config.path)}: {exc}") from None


def _run_mkdocs(mk: Any, jobs: int, bar: Progress) -> None:
    mk.plugins.on_startup(command="build", dirty=False)
    try:
        with _quiet_loggers():
            engine.build(mk, jobs=jobs, done=bar.advance)
    except mkdocs.exceptions.Abort as exc:
        # The warnings that caused it were logged just before (broken links, missing pages).
        raise BuildError(f"MkDocs: {exc.message}") from None
    except mkdocs.exceptions.MkDocsException as exc:
        raise BuildError(f"MkDocs: {exc}") from None
    finally:
        mk.plugins.on_shutdown()


@contextmanager
def _quiet_loggers() -> Iterator[None]:
    """Keep MkDocs' per-step INFO lines and the Pagefind service's chatter out of the output."""
    verbose = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    saved = {}
    for name in ("mkdocs", "pagefind"):
        logger = logging.getLogger(name)
        saved[name] = logger.level
        if not verbose:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
