"""The build cache: what earlier builds made, by what it was made from."""

from __future__ import annotations

import dataclasses
import fcntl
import importlib.metadata
import inspect
import logging
import os
import pickle
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from generator import engine
from generator.cache import sealed
from generator.core import hashing
from generator.format import kinds

log = logging.getLogger(__name__)

FORMAT = 6  # bump when what is kept changes shape
KEEP = 3  # namespaces kept per interface language: build, serve (another address), one more
PACKAGES = (
    "mkdocs",
    "properdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "pyyaml",
    "pagefind",
    "pagefind-bin-extended",
)
_GENERATOR = Path(__file__).resolve().parent.parent
NAME_RE = re.compile(r"[0-9a-f]{32,64}")  # every key: a hash, never a path

Stamp = tuple[int, int]  # a kept file's size and modification time (ns), as the cache kept it


@dataclass
class CachedPage:
    """A built page: its key, its anchor ids, its HTML links (target source, anchor), the
    stamp of its kept file, the key of the Markdown it was built from (``text_key``), and
    the ids of the entries whose content its key covers (``fingerprint.page_keys``' shows)."""

    key: str
    anchors: frozenset[str]
    links: list[tuple[str, str]]
    stamp: Stamp
    text: str = ""
    covered: frozenset[str] | None = None


@dataclass
class Index:
    """What one namespace holds."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    search: str | None = None  # the records' hash of the kept bundle
    search_stamp: str | None = None  # the kept bundle's files (``folder_stamp``)
    data: dict[bytes, bytes] = field(default_factory=dict)  # each entry's JSON (data.py)
    feeds: dict[bytes, Any] = field(default_factory=dict)  # feed files and items (feeds.py)
    records: dict[bytes, Any] = field(default_factory=dict)  # Pagefind's records (search.py)
    structure: bytes = b""  # the site's structure the pages were built under (site_key)
    digests: dict[str, bytes] = field(default_factory=dict)  # each entry's, by id


def code_key() -> str:
    """The hash of the generator's own code and templates, Python's version and the versions
    of ``PACKAGES``: what validation depends on besides the entries."""
    h = hashing.Key("code", f"format {FORMAT}", f"python {sys.version}", f"engine {engine.NAME}")
    for name in PACKAGES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.add(name, version)
    _hash_files(h, [("generator", p, p.relative_to(_GENERATOR)) for p in _tree(_GENERATOR)])
    _hash_kinds(h)
    return h.hexdigest()


def _hash_kinds(h: hashing.Key) -> None:
    """The kinds in use, and the code and templates of those a knowledge base declares itself."""
    for kind in kinds.current():
        h.add("kind", kind.name, kind.label, kind.plural_label)
        own: list[tuple[str, Path, PurePath | str]] = []
        for cls in dict.fromkeys((type(kind), kind.entry)):
            path = Path(inspect.getfile(cls)).resolve()
            if not path.is_relative_to(_GENERATOR):
                own.append((f"kind/{kind.name}", path, path.name))
        templates = kind.templates.resolve()
        if not templates.is_relative_to(_GENERATOR):
            own += [(f"kind/{kind.name}", p, p.relative_to(templates)) for p in _tree(templates)]
        _hash_files(h, own)


def global_key(
    config_path: Path,
    site_url: str | None,
    docs_dir: Path,
    extra: list[Path],
    theme_dir: Path | None = None,
) -> str:
    """The hash of everything every page depends on (see the module's docstring)."""
    h = hashing.Key("site", code_key(), str(site_url))
    theme = [("theme", p, p.relative_to(theme_dir)) for p in _tree(theme_dir)] if theme_dir else []
    named = [
        *(("docs", p, p.relative_to(docs_dir)) for p in _tree(docs_dir)),
        *theme,
        *(("file", p, p.name) for p in [config_path, *extra] if p.is_file()),
    ]
    _hash_files(h, named)
    return h.hexdigest()


def _hash_files(h: hashing.Key, named: list[tuple[str, Path, PurePath | str]]) -> None:
    # Named relative to their folder, so that the key is the same however the paths were
    # given and wherever the repository is.
    for group, path, name in named:
        h.add(f"{group}/{PurePath(name).as_posix()}", path.read_bytes())


_NONE = object()


def _same(a: Any, b: Any) -> bool:
    """Whether two values of a memo are the same: most are the very object read (cheap)."""
    return a is b or (a is not _NONE and type(a) is type(b) and a == b)


def _tree(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and "__pycache__" not in parts and not parts[-1].startswith("."):
            yield path


MEMOS = ("data", "feeds", "records")  # the memos of ``Index``, each in its own files
FOLD_AT = 1 / 8  # a memo's additions are folded into its base at this share of its size


class BuildCache:
    """One namespace of the cache, held (locked) from ``open`` until ``close``."""

    def __init__(self, root: Path, key: str, lock: int, keep: int = KEEP):
        self.root = root
        self.folder = root / key
        self._lock = lock
        self.kept_namespaces = keep  # kept in all (``KEEP`` per interface language)
        # Each memo as its base file holds it, and that file's size (see ``_save_memo``).
        self._bases: dict[str, tuple[dict[bytes, Any], int]] = {}
        self.index = self._read_index()

    @classmethod
    def open(cls, root: Path, key: str, keep: int = KEEP) -> BuildCache | None:
        """The namespace for ``key`` under ``root`` (the ``keep`` namespaces used last are
        kept, the others deleted), or None if another build holds it or it
        cannot be created (the build then runs without a cache, and says so)."""
        try:
            (root / key).mkdir(parents=True, exist_ok=True)
            lock = os.open(root / key / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            log.warning("Building without the cache: %s: %s", root, exc.strerror or exc)
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            log.info("Building without the cache: another build is using %s", root)
            return None
        return cls(root, key, lock, keep)

    def close(self) -> None:
        os.close(self._lock)

    def _read_index(self) -> Index:
        index = sealed.read_pickle(self.folder / "index.pickle")
        if not isinstance(index, Index):
            return Index()
        if not _names_only(index):
            log.info("The build cache's index names files that are not keys; starting it again")
            return Index()
        for name in MEMOS:
            setattr(index, name, self._read_memo(name))
        return index

    def _read_memo(self, name: str) -> dict[bytes, Any]:
        """A memo: its base, and what builds since added (each key's latest value)."""
        path = self.folder / f"memo-{name}.pickle"
        try:
            size = path.stat().st_size
        except OSError:
            return {}
        base = sealed.read_pickle(path)
        if not isinstance(base, dict):
            return {}
        self._bases[name] = base, size
        added = sealed.read_pickle(self.folder / f"memo-{name}-added.pickle")
        return {**base, **added} if isinstance(added, dict) and added else base

    # --- kept files ---------------------------------------------------------------------

    def page_file(self, key: str) -> Path:
        return Path(self.page_path(key))

    def page_path(self, key: str) -> str:
        """``page_file`` as text: cheaper, for the thousands of pages a build reuses."""
        return f"{self.root}/pages/{key[:2]}/{key}"

    def search_folder(self, key: str) -> Path:
        return self.root / "search" / key

    @staticmethod
    def intact(path: str, stamp: Stamp) -> bool:
        """Whether the kept file at ``path`` is still the plain file its stamp describes."""
        try:
            info = os.lstat(path)
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and (info.st_size, info.st_mtime_ns) == stamp

    def keep(self, made: Path, kept: Path) -> Stamp:
        """Keep the file ``made`` (a new site's) as ``kept``, sharing its content; its stamp.
        Whatever was at ``kept`` is replaced: it may not be what the index says it is."""
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        _link(made, tmp)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, kept)
        info = os.lstat(kept)
        return info.st_size, info.st_mtime_ns

    def keep_folder(self, made: Path, kept: Path) -> str:
        """Keep the folder ``made`` as ``kept`` (replacing what was there); its stamp."""
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        old = kept.with_name(f".{kept.name}.{os.getpid()}.old")
        for folder in (tmp, old):
            shutil.rmtree(folder, ignore_errors=True)
        # The folder is renamed into place whole, so its files need no renaming one by one.
        for source, dest in _files_into(made, tmp):
            _link(source, dest)
            os.chmod(dest, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        stamp = folder_stamp(tmp)
        if stamp is None:  # a build's own bundle is files only: this one cannot be kept
            shutil.rmtree(tmp, ignore_errors=True)
            raise OSError(f"{made} holds something other than files and folders")
        if os.path.lexists(kept):
            os.replace(kept, old)
        os.replace(tmp, kept)
        shutil.rmtree(old, ignore_errors=True)
        return stamp

    @staticmethod
    def place(kept: Path | str, dest: Path | str) -> None:
        """Put a kept file at ``dest`` in a new site."""
        try:
            os.link(kept, dest, follow_symlinks=False)
        except FileNotFoundError:  # its folder is new (a link per file, a folder per page)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            _link(kept, dest)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copyfile(kept, dest, follow_symlinks=False)

    def place_folder(
        self, kept: Path, dest: Path, link: Callable[[str, str], None] | None = None
    ) -> None:
        """Put a kept folder's files at ``dest`` (each by ``link(kept, dest)``, if given)."""
        for source, into in _files_into(kept, dest):
            (link or _link)(source, into)

    # --- the index ----------------------------------------------------------------------

    def save(self, index: Index, changed: frozenset[str] = frozenset(MEMOS)) -> None:
        """Write the index, then delete the kept files that no namespace refers to any more.
        ``changed``: the memos (``MEMOS``) that differ from those read."""
        # Apart from what other namespaces' builds read of this one (``_collect_garbage``):
        # what only this one's builds read, the memos, 40 MB at 10,000 entries.
        for name in MEMOS:
            if name in changed or name not in self._bases:
                self._save_memo(name, getattr(index, name))
        pages = dataclasses.replace(index, data={}, feeds={}, records={})
        sealed.write_pickle(self.folder / "index.pickle", pages)
        # And what other namespaces' garbage collection needs: the keys of what is kept.
        sealed.write_pickle(self.folder / "keys.pickle", (*_keys(index), index.search_stamp))
        previous, self.index = self.index, index
        self._collect_garbage([previous])

    def _save_memo(self, name: str, memo: dict[bytes, Any]) -> None:
        """Write a memo as its base, or only what differs from its base (``-added``), while
        that is under ``FOLD_AT`` of the base's size: one edit changes a few of the 10,000
        values of a memo, which was written whole (18 MB of the entries' JSON, 11 MB of
        search records and 13 MB of feeds at 10,000 entries). What the base holds that this
        build did not use stays in it until the next time it is written whole."""
        base, size = self._bases.get(name, (None, 0))
        added_path = self.folder / f"memo-{name}-added.pickle"
        if base is not None:
            added = {k: v for k, v in memo.items() if not _same(base.get(k, _NONE), v)}
            if not added:
                added_path.unlink(missing_ok=True)
                return
            payload = pickle.dumps(added, protocol=pickle.HIGHEST_PROTOCOL)
            if len(payload) < FOLD_AT * size:
                sealed.write(added_path, payload)
                return
        payload = pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL)
        sealed.write(self.folder / f"memo-{name}.pickle", payload)
        added_path.unlink(missing_ok=True)
        self._bases[name] = memo, len(payload)

    def _collect_garbage(self, dropped: list[Index]) -> None:
        namespaces = sorted(
            (
                Path(p.path)
                for p in os.scandir(self.root)
                if NAME_RE.fullmatch(p.name)
                and p.is_dir(follow_symlinks=False)
                and os.path.isfile(os.path.join(p.path, "index.pickle"))
            ),
            key=lambda p: (p / "index.pickle").stat().st_mtime,
            reverse=True,
        )
        kept = [self.folder, *(p for p in namespaces if p != self.folder)][: self.kept_namespaces]
        gone = [_keys(index) for index in dropped]
        for folder in namespaces:
            if folder not in kept:
                gone.append(self._other(folder)[:2])
                shutil.rmtree(folder, ignore_errors=True)
        pages = {key for keys, _ in gone for key in keys}
        searches = {search for _, search in gone if search}
        own, own_search = _keys(self.index)
        pages -= own
        searches.discard(own_search)
        if not pages and not searches:
            return
        for folder in kept:
            if folder != self.folder:
                keys, search, _ = self._other(folder)
                pages -= keys
                searches.discard(search)
        for key in pages:
            self.page_file(key).unlink(missing_ok=True)
        for key in searches:
            shutil.rmtree(self.search_folder(key), ignore_errors=True)

    def _other(self, folder: Path) -> tuple[set[str], str | None, str | None]:
        """What another namespace keeps: its pages' keys, its search bundle's key and stamp
        (none when its list cannot be read, or names anything but keys: its files then go)."""
        found = sealed.read_pickle(folder / "keys.pickle")
        try:
            keys, search, stamp = found
            if all(_is_name(k) for k in [*keys, search] if k is not None):
                return set(keys), search, stamp
        except (TypeError, ValueError):
            pass
        return set(), None, None

    def kept_search(self, key: str) -> str | None:
        """The stamp of the search bundle kept for ``key``, if it is the one this namespace or
        another kept (they share bundles); None otherwise."""
        index = self.index
        stamps = {index.search_stamp} if index.search == key else set()
        if not stamps:
            for folder in self.root.iterdir():
                if NAME_RE.fullmatch(folder.name) and folder != self.folder:
                    _, search, stamp = self._other(folder)
                    if search == key:
                        stamps.add(stamp)
        stamps.discard(None)
        if not stamps:
            return None
        stamp = folder_stamp(self.search_folder(key))
        return stamp if stamp in stamps else None


def _keys(index: Index) -> tuple[set[str], str | None]:
    return {p.key for p in index.pages.values()}, index.search


def _is_name(key: Any) -> bool:
    return isinstance(key, str) and NAME_RE.fullmatch(key) is not None


def _names_only(index: Index) -> bool:
    """Whether every key the index holds is a plain name (see NAME_RE), and every page a page."""
    pages = index.pages.values() if isinstance(index.pages, dict) else [None]
    return all(isinstance(p, CachedPage) and _is_name(p.key) for p in pages) and (
        index.search is None or _is_name(index.search)
    )


def folder_stamp(folder: Path) -> str | None:
    """The hash of the names, sizes and modification times of every file under ``folder``;
    None when it holds anything but plain files and folders, or cannot be read."""
    h = hashing.Key("folder")
    start = len(str(folder)) + 1
    try:
        for root, dirs, names in os.walk(folder, onerror=_raise):
            dirs.sort()
            if any(os.path.islink(os.path.join(root, d)) for d in dirs):
                return None
            for name in sorted(names):
                path = os.path.join(root, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode):
                    return None
                h.add(path[start:], f"{info.st_size} {info.st_mtime_ns}")
    except OSError:
        return None
    return h.hexdigest()


def _raise(exc: OSError) -> None:
    raise exc


def _files_into(source: Path, dest: Path) -> Iterator[tuple[str, str]]:
    """Each file under ``source`` but hidden ones, with its path under ``dest``, whose folders
    are made on the way."""
    start = len(str(source)) + 1
    for root, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        into = os.path.join(dest, root[start:])
        os.makedirs(into, exist_ok=True)
        for name in names:
            if not name.startswith("."):
                yield os.path.join(root, name), os.path.join(into, name)


def _link(source: Path | str, dest: Path | str) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError:  # another file system, or no hard links: a copy
        shutil.copyfile(source, dest, follow_symlinks=False)
