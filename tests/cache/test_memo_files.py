"""The cache's memos (the entries' JSON, the feeds, the search records) are written as a base
and what later builds added, and read back as one: what a build kept is what the next finds."""

from __future__ import annotations

from pathlib import Path

from generator.cache import sealed, store
from generator.cache.store import BuildCache, Index

NAMESPACE = "ab" * 16


def _saved(root: Path, data: dict[bytes, str]) -> Index:
    """Open the namespace, find what the last save kept, save ``data`` as the entries' JSON."""
    cache = BuildCache.open(root, NAMESPACE)
    assert cache is not None
    found = cache.index
    index = Index(data=data, feeds={b"f": b"feed"}, records={b"r": ("record", b"h")})
    cache.save(index, changed=frozenset({"data"}))
    cache.close()
    return found


def _files(root: Path) -> set[str]:
    return {p.name for p in (root / NAMESPACE).glob("memo-*.pickle")}


def test_an_edit_writes_what_it_changed_and_a_later_one_folds_it_in(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    data = {bytes([i % 256, i // 256]): f"entry {i} " * 20 for i in range(1000)}
    _saved(root, data)
    assert _files(root) == {f"memo-{name}.pickle" for name in store.MEMOS}
    base = root / NAMESPACE / "memo-data.pickle"
    written = base.stat().st_mtime_ns

    # One entry edited, one dropped: only the change is written beside the base.
    edited = dict(data)
    edited[b"\x00\x00"] = "edited"
    del edited[b"\x01\x00"]
    assert _saved(root, edited).data == data
    assert base.stat().st_mtime_ns == written
    added = sealed.read_pickle(root / NAMESPACE / "memo-data-added.pickle")
    assert added == {b"\x00\x00": "edited"}
    # The next build finds the edit (and, until the base is written again, the dropped one).
    found = _saved(root, edited).data
    assert found == {**data, b"\x00\x00": "edited"}

    # Changes beyond an eighth of the base: the base is written again, with what was used.
    changed = {k: v.upper() for k, v in edited.items()}
    _saved(root, changed)
    assert base.stat().st_mtime_ns != written
    assert "memo-data-added.pickle" not in _files(root)
    assert _saved(root, changed).data == changed


def test_a_memo_whose_files_are_damaged_is_empty(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    data = {str(i).encode(): "entry " * 20 for i in range(100)}
    _saved(root, data)
    _saved(root, {**data, b"0": "edited"})
    (root / NAMESPACE / "memo-data-added.pickle").write_bytes(b"not sealed")
    assert _saved(root, data).data == data  # the base alone
    (root / NAMESPACE / "memo-data.pickle").write_bytes(b"not sealed")
    found = _saved(root, data)
    assert found.data == {} and found.feeds == {b"f": b"feed"}
