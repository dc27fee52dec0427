"""The build pipeline: validate → render pages → MkDocs → feeds and data → swap into site/.

Everything is built into a fresh sibling of the site folder and swapped in with renames at
the very end, so a failed or interrupted build leaves the previous site as it was. A build
replaces only a folder it made: the site folder may not hold the sources, and it must hold
nothing but the files the previous build listed in its manifest. One build at a time runs
into a given site folder (a lock file beside it), and the temporary folders a killed build
left behind are removed by the next one.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
from generator.pagecheck import front_matter_problem
from generator.problems import display_path

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: no flock, so concurrent builds there are not detected
    fcntl = None  # type: ignore[assignment]

# Written last into every site, listing what the build wrote: a rebuild deletes the previous
# site only when it holds nothing else, so a mistyped --site-dir (a home folder, the
# repository, a site with files added by hand) is refused rather than deleted.
MANIFEST = ".rednote-record-build.json"
MANIFEST_FORMAT = 1
# Files a site built before manifests existed always had; only used to word the refusal.
SITE_MARKERS = ("index.html", "404.html", "sitemap.xml")
# How many offending paths a refusal lists.
SHOWN_PATHS = 5

_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


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
        return markdown

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
    or BuildError, leaving any previous ``site_dir`` untouched; BuildError too, before
    anything is read, for a ``site_dir`` that is or holds the sources or holds anything the
    previous build did not write. SIGTERM in the main thread stops the build the same way,
    with SystemExit(143).
    """
    start = time.monotonic()
    config = load_config(config_path)
    if site_url:
        config = dataclasses.replace(config, site_url=site_url)
    entries_dir = entries_dir or config.root / "entries"
    site_dir = _site_path(site_dir or config.root / "site")
    # Before validating, and before touching anything: fail fast on a wrong --site-dir.
    _check_not_sources(site_dir, config, entries_dir)
    with _exclusive_build(site_dir):
        _check_replaceable(site_dir)
        log.info("Validating %s", display_path(entries_dir))
        corpus = load_corpus(entries_dir)
        result = _publish(corpus, config, site_dir, site_url=site_url, progress=progress)
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
    site_dir = _site_path(site_dir)
    _check_not_sources(site_dir, config, None)
    with _exclusive_build(site_dir):
        _check_replaceable(site_dir)
        return _publish(corpus, config, site_dir, site_url=site_url, progress=progress)


def _publish(
    corpus: Corpus,
    config: SiteConfig,
    site_dir: Path,
    *,
    site_url: str | None,
    progress: bool | None,
) -> BuildResult:
    """The build proper, run holding the site folder's lock; ``site_dir`` is resolved."""
    start = time.monotonic()
    with _explain_os_errors(site_dir):
        work = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.new-", dir=site_dir.parent))
        # mkdtemp makes the folder private (0700); the site must be readable like any folder,
        # or a web server running as another user cannot serve it.
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
            _write_manifest(work)  # last: a folder without one is not a finished build
            # Again, just before deleting it: files may have been added while this build ran.
            _check_replaceable(site_dir)
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


def _site_path(site_dir: Path) -> Path:
    """``site_dir`` absolute, with symlinks and ``..`` resolved, so comparisons mean something.

    A symlink as the last part is kept as it is: ``_check_replaceable`` refuses it, rather
    than the build replacing whatever it points to.
    """
    path = Path(site_dir).absolute()
    if path.is_symlink():
        return path.parent.resolve() / path.name
    return path.resolve()


def _check_not_sources(site_dir: Path, config: SiteConfig, entries_dir: Path | None) -> None:
    """Refuse a site folder that is or holds the sources: a build replaces it entirely."""
    docs_dir = config.root / str(config.raw.get("docs_dir") or "docs")
    sources = [
        ("the entries folder", entries_dir),
        ("the docs folder", docs_dir),
        ("the folder of the configuration file", config.path.parent),
    ]
    site = display_path(site_dir)
    target = site_dir.resolve()  # a symlink as the last part too: what would be replaced
    for what, folder in sources:
        if folder is None:
            continue
        folder = folder.resolve()
        if folder == target or target in folder.parents:
            relation = "is" if folder == target else "contains"
            raise BuildError(
                f"the site folder {site} {relation} {what} ({display_path(folder)}); a build "
                "replaces its site folder entirely, which would delete it. Choose a folder of "
                "its own for --site-dir, for example site/ next to mkdocs.yml."
            )
    if target.name == ".git" or os.path.lexists(target / ".git"):
        raise BuildError(
            f"the site folder {site} is or contains a Git repository (.git); a build replaces "
            "its site folder entirely, which would delete it. Choose a folder of its own for "
            "--site-dir, for example site/ next to mkdocs.yml."
        )


def _check_replaceable(site_dir: Path) -> None:
    """Refuse to replace a folder holding anything the previous build did not write."""
    if not os.path.lexists(site_dir):
        return
    site = display_path(site_dir)
    if site_dir.is_symlink() or not site_dir.is_dir():
        raise BuildError(f"{site} exists and is not a folder; choose another --site-dir")
    manifest = site_dir / MANIFEST
    if not os.path.lexists(manifest):
        if not any(site_dir.iterdir()):
            return
        if any((site_dir / m).is_file() for m in SITE_MARKERS):
            # Built by a version that kept no manifest, most likely; but nothing says that a
            # page in it was not added by hand, so the user decides, once.
            raise BuildError(
                f"{site} has no {MANIFEST}, the list of files a build wrote, so the build "
                "cannot tell that it holds nothing else; it is left as it is. If it is a site "
                "built by an earlier version, check it holds nothing you need, remove it "
                f"(rm -r {site}) and build again: later builds replace it by themselves."
            )
        raise BuildError(
            f"{site} is not empty and does not look like a built site (no {MANIFEST}); "
            "refusing to replace it. Choose another --site-dir or remove the folder yourself."
        )
    folders, files = _read_manifest(manifest, site)
    unlisted = _unlisted(site_dir, folders, files)
    if unlisted:
        shown = ", ".join(unlisted[:SHOWN_PATHS])
        more = len(unlisted) - SHOWN_PATHS
        if more > 0:
            shown += f" and {more} more"
        raise BuildError(
            f"{site} holds files the last build did not write ({shown}); replacing the site "
            "would delete them, so it is left as it is. Move them out (pages to publish belong "
            "in docs/) and build again."
        )


def _read_manifest(manifest: Path, site: str) -> tuple[set[str], set[str]]:
    """The folders and files a manifest lists; BuildError if it is not one we wrote."""
    try:
        if manifest.is_symlink():  # we write a plain file; a link could list anything
            raise ValueError("a symbolic link")
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
            raise ValueError("not a manifest this version writes")
        folders, files = doc["folders"], doc["files"]
        for paths in (folders, files):
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise ValueError("not a list of paths")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(
            f"{site}/{MANIFEST}, the list of files the last build wrote, cannot be read "
            f"({exc}); the site is left as it is. Check it holds nothing you need, remove it "
            f"(rm -r {site}) and build again."
        ) from None
    return set(folders), set(files)


def _unlisted(site_dir: Path, folders: set[str], files: set[str]) -> list[str]:
    """Paths under ``site_dir`` the manifest does not list, sorted; an unlisted folder once."""
    found: list[str] = []

    def visit(folder: str, prefix: str) -> None:
        with os.scandir(folder) as scan:
            children = sorted(scan, key=lambda e: e.name)
        for child in children:
            rel = prefix + child.name
            if child.is_dir(follow_symlinks=False):
                if rel in folders:
                    visit(child.path, rel + "/")
                else:
                    found.append(rel + "/")
            elif rel not in files and rel != MANIFEST:
                found.append(rel)

    visit(str(site_dir), "")
    return found


def _write_manifest(work: Path) -> None:
    """List every folder and file under ``work``: what the next build may delete."""
    folders: list[str] = []
    files: list[str] = []
    for root, dirs, names in os.walk(work):
        base = Path(root).relative_to(work)
        # os.walk has already told folders from files; it lists a link to a folder among the
        # folders without entering it, and that is a file here, as _unlisted reads it.
        for name in dirs:
            is_link = os.path.islink(os.path.join(root, name))
            (files if is_link else folders).append((base / name).as_posix())
        files.extend((base / name).as_posix() for name in names)
    doc = {
        "generator": "rednote-record",
        "format": MANIFEST_FORMAT,
        "folders": sorted(folders),
        "files": sorted(files),
    }
    (work / MANIFEST).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(new: Path, site_dir: Path) -> None:
    """Put ``new`` at ``site_dir`` with renames on one filesystem: old → backup, new → site."""
    backup = None
    replaced = False
    try:
        # SIGTERM between two renames would leave no site at all: it waits until they are done.
        with _sigterm_held() as guard:
            if os.path.lexists(site_dir):
                backup = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.old-", dir=site_dir.parent))
                try:
                    os.rename(site_dir, backup)  # replaces the empty folder mkdtemp made
                except BaseException:
                    backup.rmdir()
                    raise
                try:
                    os.rename(new, site_dir)
                except BaseException:
                    os.rename(backup, site_dir)
                    raise
            else:
                os.rename(new, site_dir)
            replaced = True
            if guard:
                guard.replaced = True
    finally:
        # Only once the new site is in: until then the backup is the previous site.
        if replaced and backup:
            shutil.rmtree(backup, ignore_errors=True)


# --- one build at a time, and its leftovers ------------------------------------------------


@contextmanager
def _exclusive_build(site_dir: Path) -> Iterator[None]:
    """Hold the site folder's lock, with SIGTERM stopping the build cleanly, and tidy up first."""
    with _sigterm_stops_the_build():
        with _explain_os_errors(site_dir):
            site_dir.parent.mkdir(parents=True, exist_ok=True)
            lock = _lock(site_dir)
        try:
            with _explain_os_errors(site_dir):
                _remove_leftovers(site_dir)
            yield
        finally:
            _unlock(lock, _lock_path(site_dir))


def _lock_path(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.lock"


def _lock(site_dir: Path) -> int | None:
    """Take the lock beside ``site_dir`` (non-blocking); BuildError if another build has it."""
    if fcntl is None:
        return None
    path = _lock_path(site_dir)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BuildError(
                f"another build into {display_path(site_dir)}/ is running (pid {holder}, "
                f"going by {display_path(path)}); wait for it to finish, or stop it, and build "
                "again. The previous site is unchanged."
            ) from None
        except BaseException:
            os.close(fd)
            raise
        # The build that held the lock removes the file as it lets go, so ours may be a file
        # nobody else will open: only a lock on the file at ``path`` counts.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        if current and os.path.samestat(os.fstat(fd), current):
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return fd


def _unlock(fd: int | None, path: Path) -> None:
    if fd is None:
        return
    # Removed while still held (see _lock), so no lock file stays beside the site.
    with suppress(OSError):
        path.unlink()
    os.close(fd)


def _remove_leftovers(site_dir: Path) -> None:
    """Remove the temporary siblings of a build that was killed; ours by their mkdtemp name."""
    ours = re.compile(re.escape(site_dir.name) + r"\.(?:new|old)-[a-z0-9_]{8}")
    for child in site_dir.parent.iterdir():
        if ours.fullmatch(child.name) and child.is_dir() and not child.is_symlink():
            log.info("Removing %s, left by a build that was stopped", display_path(child))
            try:
                shutil.rmtree(child)
            except OSError as exc:
                log.warning(
                    "Could not remove %s (%s); remove it yourself", display_path(child), exc
                )


@contextmanager
def _explain_os_errors(site_dir: Path) -> Iterator[None]:
    """A full disk or a folder we cannot write: a message instead of a traceback."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _NO_SPACE | _NOT_WRITABLE:
            raise
        where = display_path(Path(os.fsdecode(exc.filename))) if exc.filename else "the site"
        if exc.errno in _NO_SPACE:
            what = f"the disk is full (no space left writing {where})"
            advice = "Free some space and build again."
        elif exc.errno == errno.EROFS:
            what = f"{where} is on a read-only file system"
            advice = "Build into a writable --site-dir."
        else:
            what = f"no permission to write {where}"
            advice = (
                f"Make {display_path(site_dir.parent)}/ and {display_path(site_dir)}/ writable "
                "for this user, or choose another --site-dir."
            )
        raise BuildError(
            f"{what}: the build stopped and the previous site is unchanged. {advice}"
        ) from None


# --- SIGTERM -----------------------------------------------------------------------------


class _Terminated(SystemExit):
    """SIGTERM during a build: unwinds like Ctrl+C, so the temporary folder is removed."""


class _SigtermGuard:
    """The state of the SIGTERM handler while a build runs in the main thread."""

    active: _SigtermGuard | None = None

    def __init__(self) -> None:
        self.raised = False  # once: a second SIGTERM must not interrupt the cleanup
        self.held = False  # during the swap
        self.pending = False
        self.replaced = False  # the new site is in place

    def handle(self, signum: int, frame: Any) -> None:
        if self.held:
            self.pending = True
        elif not self.raised:
            self.raised = True
            raise _Terminated(128 + signum)


@contextmanager
def _sigterm_stops_the_build() -> Iterator[None]:
    """Turn SIGTERM (a CI runner cancelling, ``kill``) into _Terminated in the main thread.

    Python only runs signal handlers in the main thread; a build in another thread (the
    preview server's rebuilds) keeps the default, and its leftovers go at the next build.
    """
    if threading.current_thread() is not threading.main_thread() or _SigtermGuard.active:
        yield
        return
    guard = _SigtermGuard()
    _SigtermGuard.active = guard
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, guard.handle)  # inside the try: put back however it ends
        yield
    except _Terminated:
        if guard.replaced:
            click.echo(
                "Error: the build was stopped by SIGTERM, after the new site was in place",
                err=True,
            )
        else:
            click.echo(
                "Error: the build was stopped by SIGTERM; the previous site is unchanged",
                err=True,
            )
        raise
    finally:
        _SigtermGuard.active = None
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def _sigterm_held() -> Iterator[_SigtermGuard | None]:
    """Defer SIGTERM until the block is done, then stop the build as it would have."""
    guard = _SigtermGuard.active
    if threading.current_thread() is not threading.main_thread() or guard is None:
        yield None
        return
    guard.held = True
    try:
        yield guard
    finally:
        guard.held = False
    if guard.pending and not guard.raised:
        guard.raised = True
        raise _Terminated(128 + signal.SIGTERM)
