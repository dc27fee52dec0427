"""The site folder: what a build may replace, and how it replaces it safely."""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from generator import COMMAND
from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.publish.sigterm import sigterm_held, sigterm_stops_the_build

if TYPE_CHECKING:
    from generator.core.config import SiteConfig

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: no flock, so concurrent builds there are not detected
    fcntl = None  # type: ignore[assignment]

# Written last into every site, listing what the build wrote: a rebuild deletes the previous
# site only when it holds nothing else, so a mistyped --site-dir (a home folder, the
# repository, a site with files added by hand) is refused rather than deleted.
MANIFEST = f".{COMMAND}-build.json"
MANIFEST_FORMAT = 1
# Files a site built before manifests existed always had; only used to word the refusal.
SITE_MARKERS = ("index.html", "404.html", "sitemap.xml")
# How many offending paths a refusal lists.
SHOWN_PATHS = 5

_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


def site_path(site_dir: Path) -> Path:
    """``site_dir`` absolute, with symlinks and ``..`` resolved, so comparisons mean something.

    A symlink as the last part is kept as it is: ``check_replaceable`` refuses it, rather
    than the build replacing whatever it points to.
    """
    path = Path(site_dir).absolute()
    if path.is_symlink():
        return path.parent.resolve() / path.name
    return path.resolve()


def check_not_sources(site_dir: Path, config: SiteConfig, entries_dir: Path | None) -> None:
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


def check_replaceable(site_dir: Path) -> None:
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


def write_manifest(work: Path) -> None:
    """List every folder and file under ``work``: what the next build may delete."""
    folders, files = listing(work)
    write_listing(work / MANIFEST, folders, files)


def listing(folder: Path) -> tuple[set[str], set[str]]:
    """The folders and files under ``folder``, as a manifest lists them (relative, POSIX)."""
    folders: set[str] = set()
    files: set[str] = set()
    start = len(os.path.join(str(folder), ""))
    for root, dirs, names in os.walk(folder):
        base = Path(root[start:]).as_posix() + "/" if len(root) > start else ""
        # os.walk has already told folders from files; it lists a link to a folder among the
        # folders without entering it, and that is a file here, as _unlisted reads it.
        for name in dirs:
            is_link = os.path.islink(os.path.join(root, name))
            (files if is_link else folders).add(base + name)
        files.update(base + name for name in names)
    return folders, files


def write_listing(manifest: Path, folders: set[str], files: set[str]) -> None:
    """Write a manifest listing ``folders`` and ``files``, replacing any by a rename (from
    beside its folder, where a build stopped halfway leaves nothing the next one refuses)."""
    doc = {
        "generator": COMMAND,
        "format": MANIFEST_FORMAT,
        "folders": sorted(folders),
        "files": sorted(files - {MANIFEST}),
    }
    folder = manifest.parent
    tmp = folder.with_name(f".{folder.name}{manifest.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, manifest)
    finally:
        tmp.unlink(missing_ok=True)


def rename_into(new: Path, site: Path) -> bool:
    """Rename each file of ``new`` over its namesake in ``site`` where they differ (a file
    that is the same keeps its time); whether a file was added."""
    added = False
    for folder, _, names in os.walk(new):
        rel = os.path.relpath(folder, new)
        for name in names:
            source = os.path.join(folder, name)
            target = site / rel / name
            try:
                same = target.read_bytes() == Path(source).read_bytes()
            except FileNotFoundError:
                same, added = False, True
            if not same:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    return added


def read_manifest(site_dir: Path) -> tuple[set[str], set[str]]:
    """The folders and files the manifest of ``site_dir`` lists; BuildError if it cannot."""
    return _read_manifest(site_dir / MANIFEST, display_path(site_dir))


def new_work_folder(site_dir: Path) -> Path:
    """A fresh, empty sibling of ``site_dir`` to build into; ``swap`` puts it in place."""
    work = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.new-", dir=site_dir.parent))
    # mkdtemp makes the folder private (0700); the site must be readable like any folder,
    # or a web server running as another user cannot serve it.
    work.chmod(0o777 & ~_umask())
    return work


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def swap(new: Path, site_dir: Path, *, after: Callable[[], None] | None = None) -> None:
    """Put ``new`` at ``site_dir`` with renames on one filesystem: old → backup, new → site.
    ``after`` runs once the new site is in, while the previous one is deleted (in a thread:
    deleting a site of 20,000 files takes a second, and the build cache is written meanwhile).
    """
    backup = None
    replaced = False
    try:
        # SIGTERM between two renames would leave no site at all: it waits until they are done.
        with sigterm_held() as guard:
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
        remover = None
        if replaced and backup:
            remover = threading.Thread(
                target=shutil.rmtree, args=(backup,), kwargs={"ignore_errors": True}
            )
            remover.start()
        try:
            if replaced and after:
                after()
        finally:
            if remover:
                remover.join()  # also when ``after`` failed: the new site is in


# --- one build at a time, and its leftovers ------------------------------------------------


@contextmanager
def exclusive_build(site_dir: Path) -> Iterator[None]:
    """Hold the site folder's lock, with SIGTERM stopping the build cleanly, and tidy up first."""
    with sigterm_stops_the_build():
        with explain_os_errors(site_dir):
            site_dir.parent.mkdir(parents=True, exist_ok=True)
            lock = _lock(site_dir)
        try:
            with explain_os_errors(site_dir):
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
def explain_os_errors(site_dir: Path) -> Iterator[None]:
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
