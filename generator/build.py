"""The build pipeline: validate → render pages → MkDocs → feeds and data → swap into site/.

Everything is built into a fresh sibling of the site folder and swapped in with renames at
the very end, so a failed or interrupted build leaves the previous site as it was.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import mkdocs.config
import mkdocs.exceptions
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator import data, feeds, render
from generator.config import SiteConfig, load_config
from generator.errors import BuildError
from generator.load import load_corpus
from generator.model import Corpus
from generator.problems import display_path

log = logging.getLogger(__name__)

# A folder we may replace must look like a site we built, so a mistyped --site-dir (a home
# folder, the repository) is refused rather than deleted.
SITE_MARKERS = ("index.html", "404.html", "sitemap.xml")


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

    def advance(self) -> None:
        self.done += 1
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

    def __init__(self, pages: dict[str, str], progress: Progress):
        super().__init__()
        self.pages = pages
        self.progress = progress

    def on_files(self, files: Files, *, config: Any) -> Files:
        for src, text in self.pages.items():
            files.append(File.generated(config, src, content=text))
        return files

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        self.progress.advance()
        return output


def hand_written_pages(docs_dir: Path) -> list[str]:
    """Files under docs/ (docs-relative, POSIX), which generated pages must not replace."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        p.relative_to(docs_dir).as_posix()
        for p in docs_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
    )


def render_all(corpus: Corpus, config: SiteConfig, docs_pages: list[str]) -> dict[str, str]:
    """Every generated Markdown page: entries and listings, then Subscribe and Data."""
    env = render.make_environment()
    pages = render.render_pages(corpus, config, env, docs_pages=docs_pages)
    for src, text in feeds.render_pages(corpus, config, env).items():
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
) -> BuildResult:
    """Validate ``entries_dir`` and build the whole site into ``site_dir``.

    Defaults: ``entries/`` and ``site/`` next to the configuration file. ``site_url`` replaces
    the configured one (the preview server uses its own address). Raises ValidationFailed
    or BuildError, leaving any previous ``site_dir`` untouched.
    """
    start = time.monotonic()
    config = load_config(config_path)
    if site_url:
        config = dataclasses.replace(config, site_url=site_url)
    entries_dir = entries_dir or config.root / "entries"
    site_dir = site_dir or config.root / "site"
    _check_replaceable(site_dir.absolute())  # before validating: fail fast on a wrong --site-dir

    log.info("Validating %s", display_path(entries_dir))
    corpus = load_corpus(entries_dir)
    result = publish(corpus, config, site_dir, site_url=site_url, progress=progress)
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
) -> BuildResult:
    """Build an already validated corpus into ``site_dir``, replacing it only when all went well."""
    start = time.monotonic()
    site_dir = site_dir.absolute()
    _check_replaceable(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.new-", dir=site_dir.parent))
    # mkdtemp makes the folder private (0700); the site must be readable like any folder, or a
    # web server running as another user cannot serve it.
    work.chmod(0o777 & ~_umask())
    try:
        mk = _mkdocs_config(config, work, site_url)
        docs_pages = hand_written_pages(Path(mk.docs_dir))
        started = time.monotonic()
        pages = render_all(corpus, config, docs_pages)
        log.info(
            "Rendered %d pages from %d entries in %.1f s",
            len(pages),
            len(corpus.entries),
            time.monotonic() - started,
        )

        total = len(pages) + sum(1 for p in docs_pages if p.endswith(".md"))
        bar = Progress(total, "Building pages", progress)
        mk.plugins["rednote-record"] = _RecordPlugin(pages, bar)
        started = time.monotonic()
        try:
            _run_mkdocs(mk)
        finally:
            bar.close()
        log.info("MkDocs built %d pages in %.1f s", bar.done, time.monotonic() - started)

        started = time.monotonic()
        feeds.write_feeds(corpus, config, work)
        data.write_data(corpus, config, work)
        log.info("Wrote feeds and data in %.1f s", time.monotonic() - started)
        _swap(work, site_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BuildResult(site_dir, bar.done, len(corpus.entries), time.monotonic() - start)


def _mkdocs_config(config: SiteConfig, site_dir: Path, site_url: str | None) -> Any:
    overrides: dict[str, Any] = {"site_dir": str(site_dir), "strict": True}
    if site_url:
        overrides["site_url"] = site_url
    try:
        with _quiet_loggers():
            return mkdocs.config.load_config(config_file=str(config.path), **overrides)
    except mkdocs.exceptions.ConfigurationError as exc:
        raise BuildError(f"{display_path(config.path)}: {exc}") from None


def _run_mkdocs(mk: Any) -> None:
    mk.plugins.on_startup(command="build", dirty=False)
    try:
        with _quiet_loggers():
            mkdocs_build(mk)
    except mkdocs.exceptions.Abort as exc:
        # The warnings that caused it were logged just before (broken links, missing pages).
        raise BuildError(f"MkDocs: {exc.message}") from None
    except mkdocs.exceptions.MkDocsException as exc:
        raise BuildError(f"MkDocs: {exc}") from None
    finally:
        mk.plugins.on_shutdown()


@contextmanager
def _quiet_loggers() -> Iterator[None]:
    """Keep MkDocs' per-step INFO lines and jieba's dictionary chatter out of the output."""
    verbose = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    saved = {}
    for name in ("mkdocs", "jieba"):
        logger = logging.getLogger(name)
        saved[name] = logger.level
        if not verbose:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _check_replaceable(site_dir: Path) -> None:
    if not site_dir.exists() and not site_dir.is_symlink():
        return
    if site_dir.is_symlink() or not site_dir.is_dir():
        raise BuildError(
            f"{display_path(site_dir)} exists and is not a folder; choose another --site-dir"
        )
    if any(site_dir.iterdir()) and not any((site_dir / m).is_file() for m in SITE_MARKERS):
        raise BuildError(
            f"{display_path(site_dir)} is not empty and does not look like a built site "
            f"(no {', '.join(SITE_MARKERS)}); refusing to replace it. Choose another --site-dir "
            "or remove the folder yourself."
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(new: Path, site_dir: Path) -> None:
    """Put ``new`` at ``site_dir`` with renames on one filesystem: old → backup, new → site."""
    if not site_dir.exists():
        os.rename(new, site_dir)
        return
    backup = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.old-", dir=site_dir.parent))
    os.rename(site_dir, backup)  # replaces the empty folder mkdtemp made
    try:
        os.rename(new, site_dir)
    except BaseException:
        os.rename(backup, site_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)
