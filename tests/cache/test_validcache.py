"""Validation with the build cache's memo gives what validation without it gives.

The memo keeps each file that passed its own checks, by content, so that a build parses only
the files that changed (``generator.cache.validcache``). Whatever the edits, good or bad, the
problems (message, file, line, column) and the corpus must be those of validating the folder
afresh; and after one edit, only that file is parsed.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import yaml
from edits import apply, dump, entry_files, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import GOLDEN

from generator.cache import validcache
from generator.validate.record import collect

ROOT = Path(__file__).resolve().parent.parent.parent


def _same(entries: Path, memo_root: Path) -> validcache.Memo:
    """Validate with and without the memo; they must agree. Returns the memo used."""
    memo = validcache.Memo.open(memo_root)
    with_memo = collect(entries, memo=memo)
    memo.save()
    fresh = collect(entries)
    assert with_memo.problems == fresh.problems
    assert with_memo.files == fresh.files
    if fresh.corpus is None:
        assert with_memo.corpus is None
    else:
        assert with_memo.corpus is not None
        assert list(with_memo.corpus.entries) == list(fresh.corpus.entries)  # same order
        assert with_memo.corpus.entries == fresh.corpus.entries
    return memo


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(GOLDEN, tmp_path / "entries")
    return tmp_path / "entries"


def test_a_second_validation_parses_nothing_and_one_edit_parses_one_file(copy, tmp_path) -> None:
    assert len(_same(copy, tmp_path / "cache")._new) == len(entry_files(copy))
    assert _same(copy, tmp_path / "cache")._new == {}
    apply(copy, "text", 3)
    assert len(_same(copy, tmp_path / "cache")._new) == 1


def test_the_real_record_validates_the_same_from_the_memo(tmp_path) -> None:
    _same(ROOT / "entries", tmp_path / "cache")
    assert _same(ROOT / "entries", tmp_path / "cache")._new == {}


def test_a_copy_of_the_folder_gets_its_own_paths(copy, tmp_path) -> None:
    _same(copy, tmp_path / "cache")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(copy, elsewhere)
    memo = _same(elsewhere, tmp_path / "cache")  # the entries' paths are compared too
    assert memo._new == {}


def test_a_damaged_memo_is_only_slower(copy, tmp_path, caplog) -> None:
    memo = _same(copy, tmp_path / "cache")
    kept = sorted(memo.folder.glob("*.pickle"))
    assert kept
    for path in kept:
        path.write_bytes(b"not a pickle")
    with caplog.at_level(logging.INFO, logger="generator.cache.sealed"):
        again = _same(copy, tmp_path / "cache")
    assert len(again._new) == len(entry_files(copy))
    assert "not a file the build cache wrote" in caplog.text


def test_additions_are_folded_into_the_base(copy, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(validcache, "FOLD_MIN", 2)
    memo = _same(copy, tmp_path / "cache")
    assert (memo.folder / "base.pickle").is_file()
    assert not (memo.folder / "added.pickle").exists()
    apply(copy, "text", 1)
    _same(copy, tmp_path / "cache")
    assert (memo.folder / "added.pickle").is_file()  # one addition: below the fold
    apply(copy, "text", 2)
    apply(copy, "text", 5)
    _same(copy, tmp_path / "cache")
    assert not (memo.folder / "added.pickle").exists()  # three: folded
    assert _same(copy, tmp_path / "cache")._new == {}


def _break(entries: Path, how: str, pick: int) -> None:
    """Edits that make the folder invalid, some of them only in other files' eyes."""
    files = entry_files(entries)
    path = files[pick % len(files)]
    try:
        data = load(path)
    except yaml.YAMLError:  # broken by an earlier edit
        data = None
    if not isinstance(data, dict) and how in ("schema", "alias-taken"):
        return
    if how == "yaml":
        path.write_text("title: [unclosed\n", encoding="utf-8")
    elif how == "schema":
        data["title"] = ""
        dump(path, data)
    elif how == "dangling":  # every file that names this one is now wrong, unchanged
        path.unlink()
    elif how == "alias-taken":
        other = files[(pick + 1) % len(files)]
        data["aliases"] = [*data.get("aliases", []), other.stem]
        dump(path, data)
    elif how == "same-id":  # the same id in another kind's folder
        folders = sorted({p.parent for p in files} - {path.parent})
        shutil.copy(path, folders[pick % len(folders)] / path.name)
    elif how == "symlink" and not path.is_symlink():
        target = path.with_name(f"{path.stem}-target.yaml.txt")
        path.rename(target)
        path.symlink_to(target)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["text", "retag", "correct", "add", "rename", "delete"]
                + ["yaml", "schema", "dangling", "alias-taken", "same-id", "symlink"]
            ),
            st.integers(min_value=0, max_value=1000),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_edit_good_or_bad_validates_as_without_the_memo(tmp_path_factory, edits) -> None:
    base = tmp_path_factory.mktemp("memo")
    entries = base / "entries"
    shutil.copytree(GOLDEN, entries)
    _same(entries, base / "cache")  # a memo of the unedited folder
    for edit, pick in edits:
        if edit in ("text", "retag", "correct", "add", "rename", "delete"):
            try:
                apply(entries, edit, pick)
            except (yaml.YAMLError, AttributeError, TypeError):  # a file broken earlier
                continue
        else:
            _break(entries, edit, pick)
        _same(entries, base / "cache")


def test_a_file_fixed_again_comes_from_the_memo(copy, tmp_path) -> None:
    path = entry_files(copy)[0]
    good = path.read_bytes()
    _same(copy, tmp_path / "cache")
    path.write_text("title: [unclosed\n", encoding="utf-8")
    broken = collect(copy, memo=validcache.Memo.open(tmp_path / "cache"))
    assert broken.corpus is None and broken.problems
    path.write_bytes(good)
    assert _same(copy, tmp_path / "cache")._new == {}


def test_nothing_is_kept_of_a_file_with_problems(copy, tmp_path) -> None:
    path = entry_files(copy)[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["title"] = ""
    dump(path, data)
    memo = _same(copy, tmp_path / "cache")
    assert len(memo._new) == len(entry_files(copy)) - 1
