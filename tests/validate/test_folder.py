"""A folder validated again after changes (``record.Folder``, the preview's): told which paths
changed, it finds what ``collect`` finds reading the whole folder, and reads only those."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from edits import EDITS, apply, entry_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cache.validcache import InMemory
from generator.core.config import load_config
from generator.core.problems import display_path
from generator.format import kinds
from generator.format.digest import entry_digest
from generator.kinds import configured
from generator.validate.record import Folder, Result, collect

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"


@pytest.fixture(autouse=True)
def record_kinds() -> Any:
    with kinds.using(configured(load_config(ROOT / "mkdocs.yml"))):
        yield


def _found(result: Result) -> dict[str, Any]:
    entries = result.corpus.entries if result.corpus else {}
    return {
        "problems": result.problems,
        "files": result.files,
        "examples": result.examples,
        "entries": {i: (e.path, entry_digest(e)) for i, e in entries.items()},
    }


def _snapshot(entries: Path) -> dict[Path, bytes | None]:
    """Every path under ``entries``: a file's bytes, None for a folder."""
    return {p: (p.read_bytes() if p.is_file() else None) for p in entries.rglob("*")}


# Besides a contributor's edits (tests/edits.py): what else lands in an entries folder.
def _other(entries: Path, change: str, pick: int) -> None:
    files = entry_files(entries)
    path = files[pick % len(files)]
    rel = path.relative_to(entries).parts
    top = entries / rel[0] if len(rel) > 1 else entries  # its kind's folder
    if change == "break":  # YAML that does not parse, or an entry its schema refuses
        text = "title: [unclosed\n" if pick % 2 else "title: 3\n"
        path.write_text(text, encoding="utf-8")
    elif change == "misplace":  # a wrong extension, or outside a kind's folder
        name = ("notes.txt", "draft.yml", "stray.yaml")[pick % 3]
        (entries / name).write_bytes(path.read_bytes())
    elif change == "hidden":  # an editor's swap file, a hidden folder
        (path.parent / f".{path.name}.swp").write_text("x", encoding="utf-8")
        (entries / ".git").mkdir(exist_ok=True)
        (entries / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    elif change == "folder":  # a folder of entries added, or taken away again
        folder = top / "more"
        if folder.exists():
            shutil.rmtree(folder)
        else:
            folder.mkdir()
            (folder / f"{path.stem}-more.yaml").write_bytes(path.read_bytes())
    elif change == "restore":
        original = GOLDEN / path.relative_to(entries)
        if original.exists():
            shutil.copyfile(original, path)


CHANGES = st.lists(
    st.one_of(
        EDITS,
        st.lists(
            st.tuples(
                st.sampled_from(["break", "misplace", "hidden", "folder", "restore"]),
                st.integers(min_value=0, max_value=1000),
            ),
            min_size=1,
            max_size=2,
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(saves=CHANGES, memo=st.booleans())
def test_told_what_changed_it_finds_what_reading_the_whole_folder_finds(
    saves: list[list[tuple[str, int]]], memo: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    entries = tmp_path_factory.mktemp("folder") / "entries"
    shutil.copytree(GOLDEN, entries)
    folder = Folder(entries, InMemory() if memo else None)
    assert _found(folder.collect()) == _found(collect(entries))
    for save in saves:
        before = _snapshot(entries)
        for change, pick in save:
            if change in ("break", "misplace", "hidden", "folder", "restore"):
                _other(entries, change, pick)
            else:
                try:
                    apply(entries, change, pick)
                except yaml.YAMLError:  # a broken file on the way: what it did stays
                    pass
        after = _snapshot(entries)
        changed = [p for p in before.keys() | after.keys() if before.get(p) != after.get(p)]
        changed += [p for p in before.keys() ^ after.keys() if p.is_dir() or p not in after]
        assert _found(folder.collect(changed)) == _found(collect(entries))


def test_it_reads_only_the_files_it_is_told_of(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN, entries)
    folder = Folder(entries, InMemory())
    assert folder.collect().corpus is not None
    one, other = entry_files(entries)[:2]
    one.write_text("title: [unclosed\n", encoding="utf-8")  # a change no one reported
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert folder.collect([other]).corpus is not None  # `one` was not read again
    found = folder.collect([one])
    assert {problem.file for problem in found.problems} == {display_path(one)}
    assert found.corpus is None


def test_a_new_folder_or_one_taken_away_is_looked_through(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN, entries)
    folder = Folder(entries)
    count = folder.collect().files
    extra = entries / "events" / "extra"
    extra.mkdir()
    source = entry_files(entries / "events")[0]
    (extra / f"{source.stem}-extra.yaml").write_bytes(source.read_bytes())
    assert folder.collect([extra]).files == count + 1
    shutil.rmtree(extra)
    assert folder.collect([extra]).files == count


def _broken_corpus(root: Path) -> Path:
    """The benchmark's synthetic corpus of 300 entries, with problems of every sort: a file
    that does not parse, one its schema refuses, one with a duplicate key (reported, not
    fatal), one naming an actor that does not exist (found across files, at its line), and
    a file under entries/ that is not an entry."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    generate(300, root)
    entries = root / "entries"
    events = entry_files(entries / "events")
    events[3].write_text(events[3].read_text(encoding="utf-8") + "  : [\n", encoding="utf-8")
    events[5].write_text(events[5].read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    text = events[8].read_text(encoding="utf-8")
    events[8].write_text(text + "added: '2025-01-01'\n", encoding="utf-8")
    text = events[13].read_text(encoding="utf-8")
    events[13].write_text(text.replace("- actor-", "- actor-9", 1), encoding="utf-8")
    (entries / "notes.txt").write_text("not an entry\n", encoding="utf-8")
    return entries


@pytest.mark.parametrize("memo", [False, True], ids=["without a memo", "with a memo"])
def test_files_checked_on_every_core_give_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memo: bool
) -> None:
    from generator.core import parallel

    entries = _broken_corpus(tmp_path)
    forks: list[int] = []
    real = parallel.map_ordered

    def counted(*args: Any, **kwargs: Any) -> Any:
        forks.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "map_ordered", counted)
    memos = (InMemory(), InMemory()) if memo else (None, None)
    apart = collect(entries, memo=memos[0], jobs=2)
    assert forks == [300]  # every file parsed, in the workers
    alone = collect(entries, memo=memos[1], jobs=1)  # as `build --jobs 1` validates
    assert len(forks) == 1
    assert _found(apart) == _found(alone)
    found = [p.message.splitlines()[0].split(";")[0].split(" (")[0] for p in apart.problems]
    assert found == [
        "YAML syntax error: did not find expected key while parsing a block mapping",
        "unknown field 'colour' for an event",
        "duplicate key 'added'",
        "'actors[0]': no entry has the id 'actor-900018'",  # at its line, read again
        "entries/ holds only entry files, whose names end in .yaml, so this file is not read: "
        "move it out of entries/, or delete it",
    ]
    assert apart.problems[3].line == 6
    if memo:
        assert memos[0].known.keys() == memos[1].known.keys()  # the same files remembered
        again = collect(entries, memo=memos[0], jobs=2)  # from the memo: nothing is parsed
        assert len(forks) == 1
        assert _found(again) == _found(alone)


def test_the_tags_a_change_adds_are_checked_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # They are read at their lines from every file, which the workers do not send back.
    from generator.core import parallel

    entries = _broken_corpus(tmp_path)
    monkeypatch.setattr(parallel, "map_ordered", None)  # called, it would fail
    result = collect(entries, base_tags=set(), jobs=2)
    assert sum("is new tag number" in p.message for p in result.problems) > 0
