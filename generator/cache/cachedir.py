"""Where the build cache lives, and whether a folder can be trusted to hold it."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

from generator import COMMAND
from generator.core import gitrepo
from generator.core.problems import display_path

log = logging.getLogger(__name__)

APP = COMMAND
OLD = Path("build") / "cache"  # where the cache was before it moved out of the repository
TRACKED_SHOWN = 3


def cache_home() -> Path:
    """The user's cache folder for this tool (the XDG base directory rules)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    home = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return home / APP


def default_folder(project: Path) -> Path:
    """The cache of the knowledge base in ``project`` (the folder of its mkdocs.yml): named
    after the folder, and the hash of its real path, so that two checkouts never share one."""
    real = os.path.realpath(project)
    digest = hashlib.blake2b(os.fsencode(real), digest_size=8).hexdigest()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", os.path.basename(real)).strip(".-")[:40]
    return cache_home() / f"{name or 'record'}-{digest}"


def usable(folder: Path, project: Path) -> Path | None:
    """``folder`` if it can hold the build cache, else None, with a warning that says why."""
    reason = refusal(folder, project)
    if reason is None:
        return folder
    log.warning("Building without the cache: %s: %s", display_path(folder), reason)
    return None


def refusal(folder: Path, project: Path) -> str | None:
    """Why ``folder`` cannot hold the build cache of the knowledge base in ``project``, or None."""
    given = Path(os.path.abspath(folder))
    for top in {Path(os.path.abspath(project)), gitrepo.top(project)}:
        if top is not None and given.is_relative_to(top):
            link = _first_symlink(top, given)
            if link is not None:
                shown = display_path(link, link=True)
                return (
                    f"{shown} is a symbolic link inside the repository; the cache must be a "
                    "real folder. Choose another --cache-dir, or leave it out"
                )
    real = Path(os.path.realpath(given))
    top = gitrepo.top(real)
    tracked = gitrepo.tracked(top, real) if top is not None else []
    if tracked:
        shown = ", ".join(tracked[:TRACKED_SHOWN]) + (" …" if len(tracked) > TRACKED_SHOWN else "")
        return (
            f"git tracks {len(tracked)} file(s) in it ({shown}), so a commit put them there. "
            f"A build cache is never committed: remove them from git (git rm -r --cached "
            f"{os.path.relpath(real, top)}), or leave --cache-dir out"
        )
    return _symlink_inside(real)


def _first_symlink(top: Path, path: Path) -> Path | None:
    current = top
    for part in path.relative_to(top).parts:
        current = current / part
        if current.is_symlink():
            return current
        if not current.exists():
            return None
    return None


def _symlink_inside(folder: Path, depth: int = 2) -> str | None:
    """A symbolic link among the folders and files the cache reaches by name (two levels:
    namespaces and their folders, the kept pages' and bundles' folders); deeper files are
    each checked as they are read."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    for entry in entries:
        if entry.is_symlink():
            return (
                f"it holds a symbolic link, {display_path(Path(entry.path), link=True)}; a build "
                "cache holds none. Delete the folder (the next build is a cold one)"
            )
        if depth > 1 and entry.is_dir(follow_symlinks=False):
            found = _symlink_inside(Path(entry.path), depth - 1)
            if found:
                return found
    return None


def old_cache_notice(project: Path, folder: Path | None) -> None:
    """Say once a build that a ``build/cache/`` left by earlier versions is no longer used."""
    old = project / OLD
    if os.path.lexists(old) and (folder is None or Path(os.path.abspath(folder)) != old.absolute()):
        log.warning(
            "%s is no longer used: the build cache is now kept outside the repository, in %s. "
            "Delete the old one: rm -r %s",
            display_path(old),
            display_path(folder or default_folder(project)),
            display_path(old),
        )
