"""What git says of the repository a folder is in: its top, and which files it tracks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SYMLINK_MODE = "120000"  # git's mode for a symbolic link


class GitFailed(Exception):
    """git could not be run, or refused; ``reason`` is its last line of explanation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def run(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """What ``git args`` run in ``folder`` prints; raises GitFailed."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, input=stdin, capture_output=True, check=False
        )
    except OSError as exc:
        raise GitFailed(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(lines[-1] if lines else f"git {args[0]} failed")
    return done.stdout


def top(path: Path) -> Path | None:
    """The top folder of the git work tree that holds ``path`` (which need not exist yet), or
    None: not in one, or git is not installed."""
    folder = Path(os.path.abspath(path))
    while not folder.is_dir():
        if folder.parent == folder:
            return None
        folder = folder.parent
    try:
        out = run(folder, "rev-parse", "--show-toplevel")
    except GitFailed:
        return None
    return Path(os.fsdecode(out.rstrip(b"\n")))


def tracked(repo: Path, *paths: Path) -> list[str]:
    """The files under ``paths`` that git tracks in the work tree ``repo`` (its top), relative
    to it; none when git cannot say."""
    return [name for name, _ in _listing(repo, paths)]


def tracked_symlinks(repo: Path, *paths: Path) -> list[str]:
    """Of ``tracked``, the symbolic links."""
    return [name for name, mode in _listing(repo, paths) if mode == SYMLINK_MODE]


def _listing(repo: Path, paths: tuple[Path, ...]) -> list[tuple[str, str]]:
    """(path, mode) of each file git tracks under ``paths``."""
    try:
        out = run(repo, "ls-files", "--stage", "-z", "--", *(os.fspath(p) for p in paths))
    except GitFailed:
        return []
    found = []
    for record in os.fsdecode(out).split("\0"):
        if record:
            info, _, name = record.partition("\t")
            found.append((name, info.split(" ", 1)[0]))
    return found
