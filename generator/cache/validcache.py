"""Validation's part of the build cache: each entry file that passed its own checks, kept by
its content, so that a build parses and checks only the files that changed.

A file's own checks (parsing, its kind's schema, the kind's further checks, the guardrails)
depend only on its bytes, its kind and its name (the id), and on the generator's code, which
is in the memo's folder name (``cache.code_key``). What depends on the other files is checked
again on every build, from what was kept: the ids (unique, not reserved, well formed), the
aliases, and the references the checker found (to entries that exist, of the right kind).

Only a clean result is kept: the typed entry. When anything at all is wrong, the folder is
validated again without the memo (``record._collect``), so every message, line and column
is the one a build without the cache gives: they come from the parsed file, which is not kept.

The memo is two files: ``base.pickle``, and ``added.pickle`` with what builds since added, so
that a build after one edit writes one small file. The additions are folded into the base
(keeping only what that build used) once they reach an eighth of it. Both are written to a
temporary file and renamed; a damaged or unreadable one is only a slower build.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import sealed
from generator.cache.store import KEEP, NAME_RE, code_key
from generator.core import hashing
from generator.format.corpus import Corpus
from generator.format.kinds import Kind
from generator.format.model import Entry
from generator.load import reader
from generator.load.loaded import LoadedFile
from generator.load.yaml_compose import Reject
from generator.site import fingerprint
from generator.validate import aliases, record
from generator.validate.record import (
    Result,
    build_entry,
    check_entry,
    check_ids,
    reference_is_fine,
)

log = logging.getLogger(__name__)

FOLDER = "validated"  # in the build cache's folder
FOLD_AT = 1 / 8  # fold the additions into the base when they are this share of it
FOLD_MIN = 64


@dataclass(frozen=True)
class Checked:
    """What a file's own checks found, when they found nothing wrong."""

    entry: Entry
    references: tuple[tuple[tuple[Any, ...], str, str], ...]  # (where, target id, required kind)
    aliases: tuple[str, ...]


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


def collect(entries_dir: Path, memo: Memo) -> Result:
    """``record.collect``, with the files that passed their own checks before not parsed
    again: the result is the same."""
    with record.collector_paused():
        known = collect_known(entries_dir, memo)
    return known if known is not None else record.collect(entries_dir)


def load_corpus(entries_dir: Path, memo: Memo) -> Corpus:
    """``record.load_corpus``, with the memo."""
    return record.corpus_of(collect(entries_dir, memo))


def collect_known(entries_dir: Path, memo: Memo) -> Result | None:
    """The validated folder, using and filling ``memo``; None when any check finds a problem
    (the caller then validates the folder without the memo, for the exact messages)."""
    files, problems = reader.discover(entries_dir)
    if problems:
        return None
    found: list[tuple[Path, Checked]] = []
    for kind, path in files:  # all of them, so that the good ones are kept
        checked = _checked(kind, path, memo)
        if checked is not None:
            found.append((path, checked))
    memo._whole = True
    if len(found) < len(files):
        return None
    problems, kind_of_id = check_ids(files)
    if problems:
        return None
    named = [
        (kind, LoadedFile(path, {"aliases": list(checked.aliases)}))
        for (kind, path), (_, checked) in zip(files, found, strict=True)
        if checked.aliases
    ]
    alias_problems, renamed = aliases.check(named, kind_of_id)
    if alias_problems:
        return None
    entries: dict[str, Entry] = {}
    for path, checked in found:
        entry_id = path.stem
        for _at, target, required in checked.references:
            if not reference_is_fine(target, required, kind_of_id, entry_id, renamed):
                return None
        entries[entry_id] = checked.entry
    log.debug("validated %d files, %d of them parsed", len(files), len(memo._new))
    return Result(problems=[], corpus=Corpus(entries), files=len(files))


def _checked(kind: Kind, path: Path, memo: Memo) -> Checked | None:
    try:
        raw = reader.read_bytes(path)
    except (Reject, OSError):
        return None
    key = hashing.key("entry file", kind.name, path.name, raw)
    checked = memo.get(key)
    if checked is not None:
        if checked.entry.path != path:  # the same file elsewhere (a copy of the folder)
            checked = dataclasses.replace(checked, entry=fingerprint.moved(checked.entry, path))
        return checked
    try:
        loaded = reader.parse(path, reader.decode(raw))
    except Reject:
        return None
    if loaded.problems:
        return None
    checker = check_entry(kind, loaded)
    if checker.problems:
        return None
    values = loaded.data.get("aliases")
    entry = build_entry(kind, loaded)
    fingerprint.entry_digest(entry)  # kept with it: the next build need not hash it again
    checked = Checked(
        entry,
        tuple(checker.references),
        tuple(values) if isinstance(values, list) else (),
    )
    memo.put(key, checked)
    return checked


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


__all__ = ["Checked", "Memo", "collect_known"]
