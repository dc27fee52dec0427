"""A build with a warm cache updates the site folder in place: it writes, in a folder beside
the site, only the files the site does not already hold as they are, then moves them in."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator.cache.store import BuildCache
from generator.core.errors import BuildError
from generator.core.problems import display_path
from generator.publish.sigterm import sigterm_held
from generator.publish.sitedir import (
    MANIFEST,
    SHOWN_PATHS,
    listing,
    read_manifest,
    write_listing,
)

log = logging.getLogger(__name__)


class InPlace:
    """What a build into ``work`` (a new folder beside ``site_dir``) leaves out, because the
    site holds it already, and how the rest goes into the site (``apply``).

    A kept file that the site holds as the very same file (a hard link the cache shares
    with it) is not placed in ``work``; nor is a search file whose bytes the site holds.
    ``apply`` renames every file of ``work`` over the site's, where they differ, and
    removes what the site's manifest lists that this build did not make. The replaced and
    removed files go to a folder beside the site first, and come back if a rename fails.
    """

    def __init__(self, site_dir: Path, work: Path):
        self.site, self.work = site_dir, work
        self._site = os.path.join(str(site_dir), "")
        self._start = len(os.path.join(str(work), ""))
        self.held: set[str] = set()  # files the site holds already as the build makes them

    def _in_site(self, dest: str | Path) -> tuple[str, str]:
        """A path in ``work``: relative, and the same path in the site."""
        rel = str(dest)[self._start :]
        return rel, self._site + rel

    def place(self, kept: str | Path, dest: str | Path) -> None:
        """``BuildCache.place``, unless the site holds ``kept`` itself at ``dest``'s place."""
        rel, there = self._in_site(dest)
        if _same_file(kept, there):
            self.held.add(rel)
        else:
            BuildCache.place(kept, dest)

    def holds(self, dest: Path, content: bytes) -> bool:
        """Whether the site holds ``content`` at ``dest``'s place (then it is not written)."""
        rel, there = self._in_site(dest)
        try:
            with open(there, "rb") as f:
                if os.fstat(f.fileno()).st_size != len(content) or f.read() != content:
                    return False
        except OSError:
            return False
        self.held.add(rel)
        return True

    def apply(self) -> None:
        """Move this build's files into the site and remove those it no longer makes; the
        manifest is written last. SIGTERM waits until it is done; an error puts the site
        back as it was, and is raised."""
        site = self.site
        made_folders, made = listing(self.work)
        folders, files = set(made_folders), made | self.held
        for rel in self.held:
            folders.update(_parents(rel))
        old_folders, old_files = read_manifest(site)
        # Files added to the site while this build ran are left alone, unless this build
        # makes a file of the same name: then it stops, as a new site would have.
        added = [rel for rel in made if rel not in old_files and os.path.lexists(site / rel)]
        if added:
            raise BuildError(
                f"{display_path(site)} holds files the last build did not write "
                f"({', '.join(sorted(added)[:SHOWN_PATHS])}); this build would replace them, "
                "so the site is left as it is. Move them out (pages to publish belong in "
                "docs/) and build again."
            )
        gone = sorted(old_files - files - {MANIFEST})
        gone_folders = sorted(old_folders - folders, reverse=True)  # the deepest first
        backup = Path(tempfile.mkdtemp(prefix=f"{site.name}.old-", dir=site.parent))
        undo = _Undo(site, backup)
        with sigterm_held() as guard:
            try:
                # Until the last line, the manifest lists the old site and the new: whatever
                # stops this, the next build may replace what either left.
                write_listing(site / MANIFEST, old_folders | folders, old_files | files)
                for rel in sorted(made_folders):  # an empty one too, as a new site has it
                    undo.make_folders(site / rel)
                for rel in sorted(made):
                    undo.replace(rel, os.path.join(self.work, rel))
                for rel in gone:
                    undo.remove(rel)
                for rel in gone_folders:
                    undo.remove_folder(rel)
                write_listing(site / MANIFEST, folders, files)
                if guard:
                    guard.replaced = True
            except BaseException:
                undo.roll_back()
                write_listing(site / MANIFEST, old_folders, old_files)
                raise
            finally:
                shutil.rmtree(backup, ignore_errors=True)
        log.debug(
            "Moved %d files into the site, removed %d; %d were there already",
            undo.moved,
            len(gone),
            len(self.held),
        )


class _Undo:
    """The changes made to the site, in order, and how to take them back."""

    def __init__(self, site: Path, backup: Path):
        self.site, self.backup = site, backup
        self.steps: list[Callable[[], None]] = []
        self.moved = 0

    def replace(self, rel: str, new: str) -> None:
        """Rename ``new`` to ``rel`` in the site, unless the site's file has its bytes."""
        target = self.site / rel
        if _is_file(target):
            if _same_bytes(new, target):
                return
            self._set_aside(rel)
        elif os.path.lexists(target):
            self._set_aside(rel)  # a folder where a file goes, or a link
        else:
            self.make_folders(target.parent)
        os.rename(new, target)
        self.steps.append(lambda: os.unlink(target))
        self.moved += 1

    def remove(self, rel: str) -> None:
        if os.path.lexists(self.site / rel):
            self._set_aside(rel)

    def remove_folder(self, rel: str) -> None:
        folder = self.site / rel
        try:
            os.rmdir(folder)
        except OSError:  # gone, or not empty: what it holds now was not listed, and stays
            return
        self.steps.append(lambda: os.makedirs(folder, exist_ok=True))

    def _set_aside(self, rel: str) -> None:
        target, aside = self.site / rel, self.backup / rel
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.rename(target, aside)

        def back() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(aside, target)

        self.steps.append(back)

    def make_folders(self, folder: Path) -> None:
        made = []
        while not (os.path.isdir(folder) and not os.path.islink(folder)):
            made.append(folder)
            folder = folder.parent
        for path in reversed(made):
            if os.path.lexists(path):  # a file where a folder goes
                self._set_aside(path.relative_to(self.site).as_posix())
            os.mkdir(path)
            self.steps.append(lambda path=path: os.rmdir(path))  # type: ignore[misc]

    def roll_back(self) -> None:
        for step in reversed(self.steps):
            try:
                step()
            except OSError as exc:  # told, and the next build puts it right
                log.warning("Could not put the site back as it was: %s", exc)
        self.steps = []


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samestat(os.stat(a), os.lstat(b))
    except OSError:
        return False


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _same_bytes(a: str | Path, b: str | Path) -> bool:
    """Whether two files have the same bytes (the same file too)."""
    try:
        first, second = os.stat(a), os.stat(b)
        if os.path.samestat(first, second):
            return True
        if first.st_size != second.st_size:
            return False
        with open(a, "rb") as f, open(b, "rb") as g:
            while True:
                chunk = f.read(1 << 20)
                if chunk != g.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False
