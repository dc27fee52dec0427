"""Validation's part of the build cache: each entry file that passed its own checks, kept by its
content, so that a build parses and checks only the files that changed."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from generator.cache import sealed
from generator.cache.store import KEEP, NAME_RE, code_key
from generator.validate.record import Checked

log = logging.getLogger(__name__)

FOLDER = "validated"  # in the build cache's folder
FOLD_AT = 1 / 8  # fold the additions into the base when they are this share of it
FOLD_MIN = 64


class Memo:
    """The kept results for the generator's current code, in ``root``/validated/."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._base: dict[bytes, Checked] | None = None  # read on first use
        self._added: dict[bytes, Checked] = {}
        self._new: dict[bytes, Checked] = {}
        self._used: set[bytes] = set()
        self._whole = False  # whether every file of the folder was looked up

    @classmethod
    def open(cls, root: Path) -> Memo:
        return cls(root / FOLDER / code_key())

    def get(self, key: bytes) -> Checked | None:
        if self._base is None:
            self._base = _read(self.folder / "base.pickle")
            self._added = _read(self.folder / "added.pickle")
        found = self._new.get(key) or self._added.get(key) or self._base.get(key)
        if found is not None:
            self._used.add(key)
        return found

    def put(self, key: bytes, checked: Checked) -> None:
        self._new[key] = checked
        self._used.add(key)

    def covered(self) -> None:
        """Every file of the folder was looked up: what was not, the next save may drop."""
        self._whole = True

    def save(self) -> None:
        """Keep what this build checked (nothing to write when every file was known)."""
        if not self._new or self._base is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            added = {**self._added, **self._new}
            if self._whole and len(added) >= max(FOLD_MIN, FOLD_AT * len(self._base)):
                known = {**self._base, **added}
                sealed.write_pickle(self.folder / "base.pickle", {k: known[k] for k in self._used})
                (self.folder / "added.pickle").unlink(missing_ok=True)
            else:
                sealed.write_pickle(self.folder / "added.pickle", added)
            _remove_old(self.folder.parent, self.folder)
        except OSError as exc:  # the build goes on; only the next one is slower
            log.warning("Could not update the build cache: %s", exc)


class InMemory:
    """Validation's memo without a build cache, in memory: an unchanged file gives the same
    entry, the very object, again (the preview's session without a cache folder)."""

    def __init__(self) -> None:
        self.known: dict[bytes, Checked] = {}

    def get(self, key: bytes) -> Checked | None:
        return self.known.get(key)

    def put(self, key: bytes, checked: Checked) -> None:
        self.known[key] = checked

    def covered(self) -> None:
        pass

    def save(self) -> None:
        pass


def _read(path: Path) -> dict[bytes, Checked]:
    kept = sealed.read_pickle(path)  # None when missing, damaged, or not this user's
    return kept if isinstance(kept, dict) else {}


def _remove_old(parent: Path, current: Path) -> None:
    """The memos of older code beyond the KEEP most recently written go: folders named by a
    key only, never a symbolic link (``rmtree`` refuses one anyway)."""
    others = sorted(
        (
            p
            for p in parent.iterdir()
            if NAME_RE.fullmatch(p.name) and not p.is_symlink() and p.is_dir() and p != current
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for folder in others[KEEP - 1 :]:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["InMemory", "Memo"]
