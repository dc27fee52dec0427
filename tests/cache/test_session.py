"""A preview's session (``generator.build.session``) keeps its state between saves and writes
only the pages an edit changes; after any sequence of edits its site is a cold build's."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from edits import EDITS, apply, dump, load
from helpers import comparable_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import pipeline
from generator.build.pipeline import build_site
from generator.build.session import Session
from generator.core.config import load_config
from generator.core.errors import ValidationFailed
from generator.format import kinds
from generator.kinds import configured
from generator.site import fingerprint, structure
from generator.validate.record import load_corpus

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"
CONFIG = ROOT / "mkdocs.yml"
EVENT = "events/2025-01-13-app-tops-charts.yaml"


@pytest.fixture
def session(tmp_path: Path) -> Session:
    shutil.copytree(GOLDEN, tmp_path / "entries")
    running = Session(tmp_path / "entries", tmp_path / "site", CONFIG, cache=False)
    running.build()
    yield running
    running.close()


def _same_as_cold(running: Session, work: Path) -> None:
    running.settle()
    cold = build_site(running.entries_dir, work / "cold", CONFIG, progress=False, cache=False)
    preview, built = comparable_tree(running.site_dir), comparable_tree(cold.site_dir)
    assert sorted(preview.keys() ^ built.keys()) == []
    assert [name for name in preview if preview[name] != built[name]] == []
    shutil.rmtree(work / "cold")


def _keys(entries: Path) -> dict[str, str | None]:
    """Every page's key, computed from scratch (the first interface's)."""
    config = load_config(CONFIG)
    with kinds.using(configured(config)):
        site = structure.Site.of(load_corpus(entries), config)
        planned = list(structure.plan(site))
        keys = fingerprint.page_keys(site, planned, b"test")
    return {page.src: key for page, key in zip(planned, keys, strict=True)}


def _summary_edit(entries: Path, words: str = "Edited: ") -> Path:
    path = entries / EVENT
    data = load(path)
    data["summary"] = words + data["summary"]
    dump(path, data)
    return path


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_a_sequence_of_saves_ends_in_a_cold_builds_site(
    edits: list[list[tuple[str, int]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("session")
    shutil.copytree(GOLDEN, work / "entries")
    running = Session(work / "entries", work / "site", CONFIG, cache=False)
    try:
        running.build()
        for save in edits:  # one save may change several files (a rename)
            before = {p: p.read_bytes() for p in (work / "entries").rglob("*.yaml")}
            for edit, pick in save:
                apply(work / "entries", edit, pick)
            after = {p: p.read_bytes() for p in (work / "entries").rglob("*.yaml")}
            changed = [p for p in before.keys() | after.keys() if before.get(p) != after.get(p)]
            running.update(changed or [work / "entries" / EVENT])
            _same_as_cold(running, work)
    finally:
        running.close()


@pytest.mark.slow
def test_a_summary_edit_writes_only_the_pages_that_show_it(
    session: Session, tmp_path: Path
) -> None:
    site = session.site_dir
    untouched = site / "actors" / "state-paper" / "index.html"
    stamp = untouched.stat()
    path = _summary_edit(session.entries_dir)
    assert session.update([path]) == "pages"
    # The event's page, the timeline's and the listings that show its summary, per interface.
    assert 0 < session.rendered <= 12
    assert "events/2025-01-13-app-tops-charts.md" in session.rerendered
    assert "zh/events/2025-01-13-app-tops-charts.md" in session.rerendered
    page = site / "events" / "2025-01-13-app-tops-charts" / "index.html"
    assert "Edited: " in page.read_text(encoding="utf-8")
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == (
        stamp.st_ino,
        stamp.st_mtime_ns,
    )
    assert not [p for p in site.rglob("*.new")]  # each page renamed into place
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("edit", ["text", "retag", "correct"])
def test_every_page_whose_key_changed_is_rendered_again(
    session: Session, edit: str, tmp_path: Path
) -> None:
    """The pages found through what each page shows are those whose key, computed afresh
    over every page, changed."""
    for pick in (0, 7, 13):
        before = _keys(session.entries_dir)
        apply(session.entries_dir, edit, pick)
        changed_files = list(session.entries_dir.rglob("*.yaml"))
        if session.update(changed_files) != "pages":
            continue  # a page added or gone: the whole site was built
        after = _keys(session.entries_dir)
        expected = {src for src in after if after[src] is None or after[src] != before[src]}
        assert expected <= session.rerendered
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_broken_save_keeps_the_site_and_the_fix_writes_pages(
    session: Session, tmp_path: Path
) -> None:
    path = session.entries_dir / EVENT
    good = path.read_bytes()
    page = session.site_dir / "events" / "2025-01-13-app-tops-charts" / "index.html"
    shown = page.read_bytes()
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        session.update([path])
    assert page.read_bytes() == shown
    path.write_bytes(good)
    _summary_edit(session.entries_dir)
    assert session.update([path]) == "pages"
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_change_outside_the_entries_builds_the_whole_site(session: Session) -> None:
    assert session.update([CONFIG]) == "site"
    assert session.update([]) == "site"  # nothing said: anything may have changed
    path = _summary_edit(session.entries_dir)
    assert session.update([path]) == "pages"


@pytest.mark.slow
def test_a_new_entry_builds_the_whole_site(session: Session, tmp_path: Path) -> None:
    data = load(session.entries_dir / EVENT)
    copy = session.entries_dir / "events" / "2025-01-13-app-tops-charts-again.yaml"
    dump(copy, data)
    assert session.update([copy]) == "site"
    assert (session.site_dir / "events" / copy.stem / "index.html").is_file()
    os.unlink(copy)
    assert session.update([copy]) == "site"
    assert not (session.site_dir / "events" / copy.stem).exists()
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_saves_in_quick_succession_end_in_a_cold_builds_site(
    session: Session, tmp_path: Path
) -> None:
    """A save while the last one's feeds and search are still being written: those stop, and
    the second save's are written instead."""
    path = session.entries_dir / EVENT
    for words in ("First: ", "Second: ", "Third: "):
        _summary_edit(session.entries_dir, words)
        assert session.update([path]) == "pages"
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_save_after_the_last_one_was_all_written_updates_search_too(
    session: Session, tmp_path: Path
) -> None:
    """The background had finished when the save came: its search index is still made."""
    path = _summary_edit(session.entries_dir, "First: ")
    assert session.update([path]) == "pages"
    session.settle()
    _summary_edit(session.entries_dir, "Second: ")
    assert session.update([path]) == "pages"
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_broken_save_lets_the_last_saves_feeds_and_search_finish(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save stops the last one's background work before it validates (the two would take
    turns for the interpreter); when the save turns out broken, that work is done again."""
    real, calls = pipeline.write_rest, []

    def held(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) == 1:  # the good save's, until the broken save interrupts it
            assert session._stop.wait(timeout=60)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "write_rest", held)
    path = _summary_edit(session.entries_dir, "Good: ")
    assert session.update([path]) == "pages"
    good = path.read_bytes()
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        session.update([path])
    session.settle()
    assert len(calls) == 2  # interrupted, then written again in full
    path.write_bytes(good)
    monkeypatch.setattr(pipeline, "write_rest", real)
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_save_does_not_wait_for_the_last_saves_feeds_and_search_to_end(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save's pages are written, and the browsers reload, while the last save's background
    work is still ending: told to stop, it ends before this save's own starts."""
    real, holding, release, calls = pipeline.write_rest, threading.Event(), threading.Event(), []

    def held(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) == 1:  # the first save's, until the test lets it go
            holding.set()
            release.wait(timeout=60)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "write_rest", held)
    path = _summary_edit(session.entries_dir, "First: ")
    assert session.update([path]) == "pages"
    assert holding.wait(timeout=60)
    _summary_edit(session.entries_dir, "Second: ")
    started = time.monotonic()
    assert session.update([path]) == "pages"
    assert time.monotonic() - started < 30  # not the 60 s the first save's work is held
    page = session.site_dir / "events" / Path(EVENT).stem / "index.html"
    assert "Second: " in page.read_text(encoding="utf-8")
    assert len(calls) == 1  # the second save's waits for the first's to end
    release.set()
    session.settle()
    assert len(calls) == 2
    monkeypatch.setattr(pipeline, "write_rest", real)
    _same_as_cold(session, tmp_path)


@pytest.mark.slow
def test_a_whole_build_after_saves_keeps_the_validation_memo(tmp_path: Path) -> None:
    """With a build cache, a whole build writes what validation learnt: the entries, after
    saves have rendered them (what a page keeps of an entry is not written with it)."""
    shutil.copytree(GOLDEN, tmp_path / "entries")
    running = Session(tmp_path / "entries", tmp_path / "site", CONFIG, cache_dir=tmp_path / "c")
    try:
        running.build()
        path = _summary_edit(running.entries_dir, "First: ")
        assert running.update([path]) == "pages"
        copy = path.with_name(f"{path.stem}-copy.yaml")
        data = load(path)
        data.pop("aliases", None)
        dump(copy, data)
        assert running.update([copy]) == "site"  # a page added: the whole site, and the memo
        running.settle()
        assert running.folder.collect().corpus is not None
    finally:
        running.close()
    _same_as_cold(running, tmp_path)


def test_a_closed_session_leaves_nothing_out_of_the_collectors_sight(tmp_path: Path) -> None:
    # What a session keeps between saves is frozen (gc.freeze); closed, it may be freed.
    import gc

    shutil.copytree(GOLDEN, tmp_path / "entries")
    running = Session(tmp_path / "entries", tmp_path / "site", CONFIG, cache=False)
    try:
        running.build()
        assert gc.get_freeze_count() > 0
    finally:
        running.close()
    assert gc.get_freeze_count() == 0
