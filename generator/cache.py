"""The build cache, in ``build/cache/``: what earlier builds made, by what it was made from.

Everything a build makes is a function of its inputs, so it can be kept under a hash of them:
- the **global key** covers what every page depends on: the generator's own code and
  templates, ``mkdocs.yml`` and the published address, ``docs/`` and what it includes, and
  the installed versions of MkDocs, Material, Python-Markdown, Jinja2 and Pagefind. Each
  global key has its own folder (a namespace); changing any of them starts an empty one, and
  the oldest are removed beyond ``KEEP``;
- a **page's key** (``generator.fingerprint``) covers its template, its context and the
  site's structure; the page as built (theme included) is kept under it, with its anchors and
  its links, for the link check;
- the **search bundle** is kept under the hash of the records Pagefind indexes.

Kept files are hard-linked into each new site, so an unchanged page costs a link, not a
render. They are read-only; a tool that edits a built site in place must copy it first
(``build --no-cache`` writes plain files). The index is written to a temporary file and
renamed, and each kept file likewise, so an interrupted build leaves the cache as it was; a
cache another build is using is left alone (that build runs without it), and one that cannot
be read is started again.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import importlib.metadata
import logging
import os
import pickle
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what is kept changes shape
KEEP = 3  # namespaces kept: build, serve (another address) and one more
PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "pyyaml",
    "pagefind",
    "pagefind-bin-extended",
)
_GENERATOR = Path(__file__).resolve().parent


@dataclass
class CachedPage:
    """A built page: its key, its anchor ids and its HTML links (target source, anchor)."""

    key: str
    anchors: frozenset[str]
    links: list[tuple[str, str]]


@dataclass
class Index:
    """What one namespace holds."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    search: str | None = None  # the records' hash of the kept bundle
    data: dict[bytes, str] = field(default_factory=dict)  # each entry's JSON (data.py)
    feeds: dict[bytes, Any] = field(default_factory=dict)  # feed files and items (feeds.py)
    records: dict[bytes, Any] = field(default_factory=dict)  # Pagefind's records (search.py)


def code_key() -> str:
    """The hash of the generator's own code and templates, Python's version and the versions
    of ``PACKAGES``: what validation depends on besides the entries."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"format {FORMAT}; python {sys.version}\n".encode())
    for name in PACKAGES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name} {version}\n".encode())
    _hash_files(h, [("generator", p, p.relative_to(_GENERATOR)) for p in _tree(_GENERATOR)])
    return h.hexdigest()


def global_key(config_path: Path, site_url: str | None, docs_dir: Path, extra: list[Path]) -> str:
    """The hash of everything every page depends on (see the module's docstring)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"code {code_key()}; site_url {site_url}\n".encode())
    named = [
        *(("docs", p, p.relative_to(docs_dir)) for p in _tree(docs_dir)),
        *(("file", p, p.name) for p in [config_path, *extra] if p.is_file()),
    ]
    _hash_files(h, named)
    return h.hexdigest()


def _hash_files(h: Any, named: list[tuple[str, Path, PurePath | str]]) -> None:
    # Named relative to their folder, so that the key is the same however the paths were
    # given and wherever the repository is.
    for group, path, name in named:
        h.update(f"{group}/{PurePath(name).as_posix()}\0".encode())
        h.update(path.read_bytes())


def _tree(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and "__pycache__" not in parts and not parts[-1].startswith("."):
            yield path


class BuildCache:
    """One namespace of the cache, held (locked) from ``open`` until ``close``."""

    def __init__(self, root: Path, key: str, lock: int):
        self.root = root
        self.folder = root / key
        self._lock = lock
        self.index = self._read_index()

    @classmethod
    def open(cls, root: Path, key: str) -> BuildCache | None:
        """The namespace for ``key`` under ``root``, or None if another build holds it or it
        cannot be created (the build then runs without a cache, and says so)."""
        try:
            (root / key).mkdir(parents=True, exist_ok=True)
            lock = os.open(root / key / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            log.warning("Building without the cache: %s: %s", root, exc.strerror or exc)
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            log.info("Building without the cache: another build is using %s", root)
            return None
        return cls(root, key, lock)

    def close(self) -> None:
        os.close(self._lock)

    def _read_index(self) -> Index:
        path = self.folder / "index.pickle"
        if not path.is_file():
            return Index()
        try:
            with path.open("rb") as f:
                index = pickle.load(f)  # noqa: S301 - written by this module, in the user's own folder
            if isinstance(index, Index):
                with (self.folder / "memo.pickle").open("rb") as f:
                    index.data, index.feeds, index.records = pickle.load(f)  # noqa: S301 - likewise
                return index
        except Exception as exc:  # noqa: BLE001 - a damaged index only means a cold build
            log.info("The build cache's index could not be read (%s); starting it again", exc)
        return Index()

    # --- kept files ---------------------------------------------------------------------

    def page_file(self, key: str) -> Path:
        return Path(self.page_path(key))

    def page_path(self, key: str) -> str:
        """``page_file`` as text: cheaper, for the thousands of pages a build reuses."""
        return f"{self.root}/pages/{key[:2]}/{key}"

    def search_folder(self, key: str) -> Path:
        return self.root / "search" / key

    def keep(self, made: Path, kept: Path) -> None:
        """Keep the file ``made`` (a new site's) as ``kept``, sharing its content."""
        if kept.exists():
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        _link(made, tmp)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, kept)

    def keep_folder(self, made: Path, kept: Path) -> None:
        if kept.exists():
            return
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        # The folder is renamed into place whole, so its files need no renaming one by one.
        for source, dest in _files_into(made, tmp):
            _link(source, dest)
            os.chmod(dest, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, kept)

    @staticmethod
    def place(kept: Path | str, dest: Path | str) -> None:
        """Put a kept file at ``dest`` in a new site."""
        try:
            os.link(kept, dest)
        except FileNotFoundError:  # its folder is new (a link per file, a folder per page)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            _link(kept, dest)
        except OSError:  # another file system, or no hard links: a copy
            shutil.copyfile(kept, dest)

    def place_folder(self, kept: Path, dest: Path) -> None:
        for source, into in _files_into(kept, dest):
            _link(source, into)

    # --- the index ----------------------------------------------------------------------

    def save(self, index: Index, memos: bool = True) -> None:
        """Write the index, then delete the kept files that no namespace refers to any more.
        ``memos``: whether the entries' JSON, the feeds or the records changed."""
        # Apart from what other namespaces' builds read of this one (``_collect_garbage``):
        # what only this one's builds read, the memos, 40 MB at 10,000 entries.
        if memos or not (self.folder / "memo.pickle").is_file():
            memo = (index.data, index.feeds, index.records)
            write_pickle(self.folder / "memo.pickle", memo)
        pages = dataclasses.replace(index, data={}, feeds={}, records={})
        write_pickle(self.folder / "index.pickle", pages)
        # And what other namespaces' garbage collection needs: the keys of what is kept.
        write_pickle(self.folder / "keys.pickle", _keys(index))
        previous, self.index = self.index, index
        self._collect_garbage([previous])

    def _collect_garbage(self, dropped: list[Index]) -> None:
        namespaces = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and (p / "index.pickle").is_file()),
            key=lambda p: (p / "index.pickle").stat().st_mtime,
            reverse=True,
        )
        kept = [self.folder, *(p for p in namespaces if p != self.folder)][:KEEP]
        gone = [_keys(index) for index in dropped]
        for folder in namespaces:
            if folder not in kept:
                gone.append(self._other(folder))
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
                keys, search = self._other(folder)
                pages -= keys
                searches.discard(search)
        for key in pages:
            self.page_file(key).unlink(missing_ok=True)
        for key in searches:
            shutil.rmtree(self.search_folder(key), ignore_errors=True)

    def _other(self, folder: Path) -> tuple[set[str], str | None]:
        """What another namespace keeps: its pages' keys and its search bundle's."""
        try:
            with (folder / "keys.pickle").open("rb") as f:
                keys, search = pickle.load(f)  # noqa: S301 - written by this module
            return set(keys), search
        except Exception:  # noqa: BLE001 - unreadable (or from before keys.pickle): its files go
            return set(), None


def _keys(index: Index) -> tuple[set[str], str | None]:
    return {p.key for p in index.pages.values()}, index.search


def write_pickle(path: Path, value: Any) -> None:
    """Write ``value`` to a temporary file, then rename it over ``path``: an interrupted or
    failed write leaves the earlier file, and no temporary one."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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
        os.link(source, dest)
    except OSError:  # another file system, or no hard links: a copy
        shutil.copyfile(source, dest)
