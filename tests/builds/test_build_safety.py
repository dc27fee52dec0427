"""What a build may delete, and how it fails: the site folder is checked, locked and swapped,
or, with a warm cache, updated in place.

A build replaces its site folder entirely, so it must never be given the sources, and must
never delete a file it did not write. It also fails with a message, not a traceback, when
the disk is full or the folder is not writable, when another build runs into the same
folder, and when it is stopped; and it removes what a killed build left behind. Either way,
a build that fails leaves the previous site as it was.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import mkdocs.utils
import pytest
from click.testing import CliRunner
from helpers import comparable_tree

from generator.build import pipeline
from generator.build.pipeline import MANIFEST, BuildResult, build_site
from generator.cli.commands import cli
from generator.core.errors import BuildError
from generator.publish import data

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
CONFIG = ROOT / "mkdocs.yml"
pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Every path under ``folder``: a file's bytes, a link's target, None for a folder."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[rel] = None
        else:
            found[rel] = path.read_bytes()
    return found


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def site(tmp_path: Path, built_site: BuildResult) -> Path:
    """A site the previous build wrote (its manifest included), in a folder of its own."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site, symlinks=True)
    return site


def build(site: Path) -> BuildResult:
    """A build that replaces the site whole (the swap: there is no cache to update it from)."""
    return build_site(GOLDEN / "entries", site, CONFIG, progress=False, cache=False)


def edited_entries(tmp_path: Path) -> Path:
    """A copy of the golden entries with one summary longer."""
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN / "entries", entries)
    event = entries / "events" / "2025-01-18-blackout.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("gives the hour.[2]", "gives the hour.[2] Later, more.[1]"))
    return entries


def update(entries: Path, site: Path, cache: Path) -> BuildResult:
    """A build with a warm cache: it updates the site in place (build/inplace.py)."""
    return build_site(entries, site, CONFIG, progress=False, cache_dir=cache)


@pytest.fixture
def warm(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Edited entries, a site built before the edit, and the cache it was built with (the
    entries and the cache outside ``tmp_path``, which holds the site alone)."""
    site, cache = tmp_path / "site", tmp_path_factory.mktemp("cache")
    build_site(GOLDEN / "entries", site, CONFIG, progress=False, cache_dir=cache)
    return edited_entries(tmp_path_factory.mktemp("edited")), site, cache


# --- the sources are never the site folder -----------------------------------------------


def test_a_site_folder_holding_the_entries_is_refused(tmp_path: Path) -> None:
    """The reported case: this exited 0 having deleted proj/entries and proj/notes.txt."""
    proj = tmp_path / "proj"
    shutil.copytree(GOLDEN / "entries", proj / "entries")
    (proj / "index.html").write_text("x\n", encoding="utf-8")
    (proj / "notes.txt").write_text("keep\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(
        cli, ["build", "--entries", str(proj / "entries"), "--site-dir", str(proj)]
    )
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output.startswith(f"Error: the site folder {proj} contains the entries folder")
    assert "Choose a folder of its own for --site-dir" in result.output
    assert snapshot(tmp_path) == before  # not even a lock file was made


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """mkdocs.yml in proj/, its docs_dir in pages/docs/, the entries in data/entries/; each
    folder holds an index.html, so that it looks like a built site."""
    (tmp_path / "pages/docs").mkdir(parents=True)
    (tmp_path / "proj").mkdir()
    shutil.copytree(GOLDEN / "entries", tmp_path / "data/entries")
    config = tmp_path / "proj/mkdocs.yml"
    config.write_text(
        f"site_name: Test\nsite_url: https://example.org/\ndocs_dir: {tmp_path / 'pages/docs'}\n",
        encoding="utf-8",
    )
    for folder in ("pages", "pages/docs", "proj", "data", "data/entries"):
        (tmp_path / folder / "index.html").write_text("mine\n", encoding="utf-8")
    (tmp_path / "alias").symlink_to(tmp_path / "data")
    return config


@pytest.mark.parametrize(
    ("site_dir", "clash"),
    [
        ("data", "contains the entries folder"),
        ("data/entries", "is the entries folder"),
        ("data/nowhere/..", "contains the entries folder"),
        ("alias", "contains the entries folder"),  # a symlink to data/
        ("data/entries/../../alias/entries", "is the entries folder"),
        ("pages", "contains the docs folder"),
        ("pages/docs", "is the docs folder"),
        ("proj", "is the folder of the configuration file"),
        (".", "contains the entries folder"),
    ],
)
def test_a_site_folder_that_is_or_holds_a_source_is_refused(
    tmp_path: Path, project: Path, site_dir: str, clash: str
) -> None:
    before = snapshot(tmp_path)
    with pytest.raises(BuildError, match=f"the site folder .* {clash} "):
        build_site(tmp_path / "data/entries", tmp_path / site_dir, project, progress=False)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("site_dir", ["repo", "repo/.git"])
def test_a_git_repository_is_never_the_site_folder(tmp_path: Path, site_dir: str) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (repo / ".git/index.html").write_text("mine\n", encoding="utf-8")
    (repo / "index.html").write_text("mine\n", encoding="utf-8")
    (repo / "README.md").write_text("mine\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(BuildError, match="is or contains a Git repository"):
        build(tmp_path / site_dir)
    assert snapshot(tmp_path) == before


# --- only what a build wrote is replaced -------------------------------------------------


def test_the_manifest_lists_everything_the_build_wrote(built_site: BuildResult) -> None:
    site = built_site.site_dir
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == "sourceline" and manifest["format"] == 1
    paths = snapshot(site)
    del paths[MANIFEST]
    assert manifest["folders"] == sorted(p for p, v in paths.items() if v is None)
    assert manifest["files"] == sorted(p for p, v in paths.items() if v is not None)
    assert "index.html" in manifest["files"] and "events" in manifest["folders"]


def test_files_the_last_build_did_not_write_are_never_deleted(tmp_path: Path, site: Path) -> None:
    (site / "notes.txt").write_text("mine\n", encoding="utf-8")
    (site / "extra").mkdir()
    (site / "extra/keep.txt").write_text("mine\n", encoding="utf-8")
    (site / "drafts").mkdir()  # even an empty folder
    (site / "events/by-hand.html").write_text("mine\n", encoding="utf-8")
    before = snapshot(site)
    with pytest.raises(BuildError) as refused:
        build(site)
    message = str(refused.value)
    assert "holds files the last build did not write" in message
    assert "(drafts/, events/by-hand.html, extra/, notes.txt)" in message
    assert snapshot(site) == before
    assert names(tmp_path) == ["site"]


def test_a_long_list_of_files_not_written_by_the_build_is_cut_short(site: Path) -> None:
    for n in range(8):
        (site / f"mine-{n}.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"\(mine-0.txt, .*, mine-4.txt and 3 more\)"):
        build(site)
    assert (site / "mine-7.txt").is_file()


def test_a_site_built_before_manifests_is_left_for_the_user_to_remove(site: Path) -> None:
    """The migration: nothing says an old site/ holds only built files, so the user checks."""
    (site / MANIFEST).unlink()
    before = snapshot(site)
    with pytest.raises(BuildError) as refused:
        build(site)
    assert str(refused.value).startswith(f"{site} has no {MANIFEST}, the list of files")
    assert f"remove it (rm -r {site}) and build again" in str(refused.value)
    assert snapshot(site) == before
    shutil.rmtree(site)
    build(site)  # once removed, the site is built again, manifest and all
    assert (site / MANIFEST).is_file()


@pytest.mark.parametrize(
    "manifest",
    [
        "not json",
        '{"format": 99, "folders": [], "files": []}',
        '{"format": 1, "folders": "events", "files": []}',
        '{"format": 1, "files": []}',
        "[]",
    ],
)
def test_a_manifest_that_cannot_be_read_is_refused(site: Path, manifest: str) -> None:
    (site / MANIFEST).write_text(manifest, encoding="utf-8")
    before = snapshot(site)
    with pytest.raises(BuildError, match=f"{MANIFEST}, the list of files .* cannot be read"):
        build(site)
    assert snapshot(site) == before


def test_a_manifest_that_is_a_symlink_is_refused(tmp_path: Path, site: Path) -> None:
    (tmp_path / "planted.json").write_text(
        '{"format": 1, "folders": [], "files": ["notes.txt"]}', encoding="utf-8"
    )
    (site / MANIFEST).unlink()
    (site / MANIFEST).symlink_to(tmp_path / "planted.json")
    with pytest.raises(BuildError, match="a symbolic link"):
        build(site)
    assert (site / MANIFEST).is_symlink() and (site / "index.html").is_file()


def test_a_file_added_while_the_build_runs_is_not_deleted(
    tmp_path: Path, site: Path, monkeypatch
) -> None:
    write_data = data.write_data

    def and_a_person_saves_a_file(*args, **kwargs):
        write_data(*args, **kwargs)
        (site / "saved-meanwhile.txt").write_text("mine\n", encoding="utf-8")

    monkeypatch.setattr(data, "write_data", and_a_person_saves_a_file)
    with pytest.raises(BuildError, match=r"did not write \(saved-meanwhile.txt\)"):
        build(site)
    assert (site / "saved-meanwhile.txt").is_file() and (site / "index.html").is_file()
    assert names(tmp_path) == ["site"]


def test_a_file_added_while_an_update_runs_is_kept_and_named_by_the_next_build(
    tmp_path: Path, warm: tuple[Path, Path, Path], monkeypatch
) -> None:
    entries, site, cache = warm
    write_data = data.write_data

    def and_a_person_saves_a_file(*args, **kwargs):
        write_data(*args, **kwargs)
        (site / "saved-meanwhile.txt").write_text("mine\n", encoding="utf-8")

    monkeypatch.setattr(data, "write_data", and_a_person_saves_a_file)
    update(entries, site, cache)  # an update removes only what the last build wrote
    monkeypatch.undo()
    assert (site / "saved-meanwhile.txt").read_text(encoding="utf-8") == "mine\n"
    with pytest.raises(BuildError, match=r"did not write \(saved-meanwhile.txt\)"):
        update(entries, site, cache)
    assert (site / "saved-meanwhile.txt").is_file()
    assert names(tmp_path) == ["site"]


def test_an_update_does_not_replace_a_file_the_last_build_did_not_write(tmp_path: Path) -> None:
    from generator.build.inplace import InPlace
    from generator.publish.sitedir import write_listing

    site, work = tmp_path / "site", tmp_path / "site.new-x"
    (site / "events").mkdir(parents=True)
    (site / "events" / "old.html").write_text("old", encoding="utf-8")
    (site / "events" / "new.html").write_text("mine", encoding="utf-8")  # not listed
    write_listing(site / MANIFEST, {"events"}, {"events/old.html"})
    (work / "events").mkdir(parents=True)
    (work / "events" / "new.html").write_text("built", encoding="utf-8")
    before = snapshot(site)
    with pytest.raises(BuildError, match=r"did not write \(events/new.html\); this build"):
        InPlace(site, work).apply()
    assert snapshot(site) == before
    assert names(tmp_path) == ["site", "site.new-x"]  # the build removes its own folder


def test_an_empty_site_folder_is_built_into(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    build(tmp_path / "site")
    assert (tmp_path / "site" / MANIFEST).is_file()
    assert names(tmp_path) == ["site"]


# --- a full disk, a folder that cannot be written ----------------------------------------


@pytest.mark.parametrize("in_place", [False, True], ids=["new site", "update in place"])
def test_a_full_disk_is_reported_and_the_previous_site_kept(
    tmp_path: Path, request: pytest.FixtureRequest, monkeypatch, in_place: bool
) -> None:
    if in_place:  # the edited page, while the files to move into the site are written
        entries, site, cache = request.getfixturevalue("warm")
        args = ["--entries", str(entries), "--site-dir", str(site), "--cache-dir", str(cache)]

        def fails(path: str) -> bool:
            return path.endswith("2025-01-18-blackout/index.html")

    else:
        site = request.getfixturevalue("site")
        args = ["--entries", str(GOLDEN / "entries"), "--site-dir", str(site), "--no-cache"]
        written = itertools.count()

        def fails(path: str) -> bool:
            return next(written) == 5

    before = snapshot(site)
    write_file = mkdocs.utils.write_file

    def until_the_disk_fills(content: bytes, output_path: str) -> None:
        if fails(output_path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)
        write_file(content, output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", until_the_disk_fills)
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: the disk is full (no space left writing ")
    assert "the build stopped and the previous site is unchanged. Free some space" in last
    assert snapshot(site) == before
    assert names(tmp_path) == ["site"]


def test_an_update_in_place_that_fails_puts_the_site_back(
    tmp_path: Path, warm: tuple[Path, Path, Path], monkeypatch
) -> None:
    # The third file moved into the site cannot be: the two before it, and the files they
    # replaced, go back where they were.
    from generator.build import inplace

    entries, site, cache = warm
    before = snapshot(site)
    undone: list[int] = []
    roll_back = inplace._Undo.roll_back

    def rolling_back(self: inplace._Undo) -> None:
        undone.append(len(self.steps))
        roll_back(self)

    monkeypatch.setattr(inplace._Undo, "roll_back", rolling_back)
    moved = itertools.count()
    _refuse(
        monkeypatch,
        "rename",
        errno.EPERM,
        lambda p: any(q.name.startswith("site.new-") for q in p.parents) and next(moved) == 2,
    )
    result = CliRunner().invoke(
        cli,
        ["build", "--entries", str(entries), "--site-dir", str(site), "--cache-dir", str(cache)],
    )
    monkeypatch.undo()
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: no permission to write ")
    assert "the build stopped and the previous site is unchanged" in last
    assert undone and undone[0] >= 2  # it failed moving files in, and undid what it had done
    assert snapshot(site) == before
    assert names(tmp_path) == ["site"]
    # And the next update makes the site a cold build would.
    update(entries, site, cache)
    assert "Later, more." in (site / "events/2025-01-18-blackout/index.html").read_text("utf-8")


def _refuse(monkeypatch, name: str, code: int, applies) -> None:
    """Make ``os.<name>`` fail with ``code`` for the paths ``applies`` picks."""
    real = getattr(os, name)

    def refusing(path, *args, **kwargs):
        if applies(Path(os.fsdecode(path))):
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, refusing)


@pytest.mark.parametrize(
    ("name", "code", "where", "expected"),
    [
        # a read-only file system: nothing can be made beside the site
        ("open", errno.EROFS, "parent", "is on a read-only file system"),
        ("mkdir", errno.EROFS, "parent", "is on a read-only file system"),
        # the parent is not writable for this user: no temporary folder
        ("mkdir", errno.EACCES, "new", "no permission to write"),
        # the site folder cannot be moved away (a sticky /tmp, say)
        ("rename", errno.EPERM, "site", "no permission to write"),
    ],
)
def test_a_folder_that_cannot_be_written_is_reported_and_the_previous_site_kept(
    tmp_path: Path, site: Path, monkeypatch, name: str, code: int, where: str, expected: str
) -> None:
    picks = {
        "parent": lambda p: p.parent == tmp_path,
        "new": lambda p: p.name.startswith("site.new-"),
        "site": lambda p: p == site,
    }
    before = snapshot(site)
    _refuse(monkeypatch, name, code, picks[where])
    result = CliRunner().invoke(
        cli, ["build", "--entries", str(GOLDEN / "entries"), "--site-dir", str(site), "--no-cache"]
    )
    monkeypatch.undo()
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    last = result.output.splitlines()[-1]
    assert last.startswith("Error: ") and expected in last
    assert "the build stopped and the previous site is unchanged" in last
    assert snapshot(site) == before
    assert names(tmp_path) == ["site"]  # no temporary folder, backup or lock file left


# --- one build at a time -----------------------------------------------------------------


def test_a_second_build_into_the_same_folder_is_refused(tmp_path: Path, site: Path) -> None:
    lock = tmp_path / ".site.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys, time
                fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.write(fd, str(os.getpid()).encode())
                print("locked", flush=True)
                time.sleep(120)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline() == "locked\n"
        before = snapshot(site)
        with pytest.raises(BuildError) as refused:
            build(site)
        assert str(refused.value).startswith(
            f"another build into {site}/ is running (pid {holder.pid}, going by {lock}); "
            "wait for it to finish, or stop it, and build again. The previous site is unchanged."
        )
        assert snapshot(site) == before
        assert lock.exists()  # the other build's lock is left alone
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_file_left_by_a_killed_build_does_not_block(tmp_path: Path, site: Path) -> None:
    # flock locks go with the process, so the file alone means nothing
    (tmp_path / ".site.lock").write_text("99999\n", encoding="utf-8")
    build(site)
    assert names(tmp_path) == ["site"]


def test_the_lock_is_taken_by_whoever_builds(tmp_path: Path, site: Path, monkeypatch) -> None:
    """While the build runs the lock is held: a try from elsewhere fails."""
    seen = []
    write_data = data.write_data

    def check(*args, **kwargs):
        fd = os.open(tmp_path / ".site.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(os.pread(fd, 32, 0))
        finally:
            os.close(fd)
        write_data(*args, **kwargs)

    monkeypatch.setattr(data, "write_data", check)
    build(site)
    assert seen == [f"{os.getpid()}\n".encode()]
    assert names(tmp_path) == ["site"]


# --- stopped builds ----------------------------------------------------------------------


def test_folders_left_by_a_killed_build_are_removed_by_the_next(tmp_path: Path, site: Path) -> None:
    """SIGKILL cannot be caught: what a killed build left goes at the next build."""
    for leftover in ("site.new-abcd1234/events", "site.old-zz_9xy01"):
        (tmp_path / leftover).mkdir(parents=True)
        (tmp_path / leftover / "index.html").write_text("half built\n", encoding="utf-8")
    # named alike, but not by mkdtemp for this site: none of them is ours
    (tmp_path / "target").mkdir()
    (tmp_path / "target/keep.txt").write_text("mine\n", encoding="utf-8")
    for other in ("site.new-keep", "site.new-abcd12345", "other.new-abcd1234"):
        (tmp_path / other).mkdir()
    (tmp_path / "site.old-file1234").write_text("mine\n", encoding="utf-8")
    (tmp_path / "site.new-link1234").symlink_to(tmp_path / "target")
    handler = signal.getsignal(signal.SIGTERM)
    build(site)
    assert names(tmp_path) == [
        "other.new-abcd1234",
        "site",
        "site.new-abcd12345",
        "site.new-keep",
        "site.new-link1234",
        "site.old-file1234",
        "target",
    ]
    assert (tmp_path / "target/keep.txt").is_file()
    assert signal.getsignal(signal.SIGTERM) is handler  # put back after the build


def test_a_build_outside_the_main_thread_leaves_signals_alone(tmp_path: Path) -> None:
    """The preview server rebuilds in a thread, where Python cannot set a signal handler."""
    handler = signal.getsignal(signal.SIGTERM)
    failed: list[Exception] = []

    def run() -> None:
        try:
            build(tmp_path / "site")
        except Exception as exc:  # reported to the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert failed == [] and (tmp_path / "site" / MANIFEST).is_file()
    assert signal.getsignal(signal.SIGTERM) is handler


def test_sigterm_stops_the_build_and_removes_its_folder(tmp_path: Path, site: Path) -> None:
    before = snapshot(site)
    script = textwrap.dedent(
        f"""
        import os, signal, time
        from generator.publish import data
        def stopped(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGTERM)  # a CI runner cancelling, say
            time.sleep(60)
        data.write_data = stopped
        from generator.cli.commands import main
        import sys
        sys.argv = ["generator", "build", "--entries", {str(GOLDEN / "entries")!r},
                    "--site-dir", {str(site)!r}]
        main()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.endswith(
        "Error: the build was stopped by SIGTERM; the previous site is unchanged\n"
    )
    assert "Traceback" not in done.stderr
    assert snapshot(site) == before
    assert names(tmp_path) == ["site"]


def _sigterm_at_rename(monkeypatch, when, run) -> int:
    """Send SIGTERM to this process as ``os.rename`` is called with a source ``when`` picks,
    during ``run()``, which must stop with SystemExit: its code. Should the build not handle
    SIGTERM, pytest lives on (a stand-in handler, which must not have been called)."""
    received = []

    def stand_in(*args) -> None:
        received.append(args)

    previous = signal.signal(signal.SIGTERM, stand_in)
    rename = os.rename

    def renaming(src, dst, *args, **kwargs):
        if when(Path(src)):
            os.kill(os.getpid(), signal.SIGTERM)
        return rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", renaming)
    try:
        with pytest.raises(SystemExit) as stopped:
            run()
        assert signal.getsignal(signal.SIGTERM) is stand_in  # put back after the build
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert received == []
    return stopped.value.code


def test_sigterm_during_the_swap_waits_for_it(tmp_path: Path, site: Path, monkeypatch) -> None:
    """Between the two renames there is no site at all: SIGTERM must not land there."""
    # The first of the two renames moves the site away.
    code = _sigterm_at_rename(monkeypatch, lambda src: src == site, lambda: build(site))
    assert code == 128 + signal.SIGTERM
    assert (site / MANIFEST).is_file() and (site / "index.html").is_file()
    assert names(tmp_path) == ["site"]  # the new site is in, the old one removed


def test_sigterm_during_an_update_in_place_waits_for_it(
    tmp_path: Path, warm: tuple[Path, Path, Path], monkeypatch
) -> None:
    """While files move into the site, SIGTERM waits: the site is then the new one, whole."""
    entries, site, cache = warm

    def moving_in(src: Path) -> bool:
        return any(q.name.startswith("site.new-") for q in src.parents)

    code = _sigterm_at_rename(monkeypatch, moving_in, lambda: update(entries, site, cache))
    assert code == 128 + signal.SIGTERM
    assert "Later, more." in (site / "events/2025-01-18-blackout/index.html").read_text("utf-8")
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    paths = snapshot(site)
    del paths[MANIFEST]
    assert manifest["files"] == sorted(p for p, v in paths.items() if v is not None)
    assert names(tmp_path) == ["site"]


def test_feeds_and_data_written_while_pagefind_indexes_end_where_they_belong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a cache holding the index, Pagefind indexes alone on one core; the first
    # interface's feeds and the open data are written meanwhile, into a hidden folder of the
    # build's own that MkDocs does not empty, then moved into place (pipeline._write_early).
    used: list[bool] = []
    real = pipeline._write_early

    def early(*args: object) -> bool:
        used.append(True)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_write_early", early)
    first = build_site(GOLDEN / "entries", tmp_path / "early", CONFIG, progress=False, cache=False)
    monkeypatch.setattr(pipeline, "_write_early", lambda *args: False)
    second = build_site(GOLDEN / "entries", tmp_path / "late", CONFIG, progress=False, cache=False)
    assert used == [True]
    early_tree, late_tree = comparable_tree(first.site_dir), comparable_tree(second.site_dir)
    assert early_tree.keys() == late_tree.keys()
    assert [name for name in early_tree if early_tree[name] != late_tree[name]] == []
    assert any(name.startswith("feeds/") for name in early_tree)
    assert any(name.startswith("api/") for name in early_tree)
    assert not (first.site_dir / pipeline.EARLY).exists()
