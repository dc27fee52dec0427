"""The build cache reads only what this user's builds wrote: sealed files, a key outside every
repository, keys that are names, kept files that are still the ones it kept, and a folder it
can trust. test_build_trust.py commits the attacks to a repository and builds a fresh clone;
these are the same walls, one at a time.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path

import jinja2
import pytest
from helpers import Payload, git

from generator.build.pipeline import build_site
from generator.cache import cachedir, sealed, store
from generator.cache.store import BuildCache, CachedPage, Index

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "mkdocs.yml"
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"
KEY = "ab" * 20  # a page key: 40 hex digits
NAMESPACE = "cd" * 16


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache home (and so a key) of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / cachedir.APP


# --- sealed files -----------------------------------------------------------------------------


def test_a_sealed_value_reads_back(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.pickle"
    sealed.write_pickle(path, Index(pages={"a.md": CachedPage(KEY, frozenset({"x"}), [], (1, 2))}))
    assert sealed.read_pickle(path).pages["a.md"].key == KEY
    key = home / sealed.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600 and key.stat().st_size == sealed.KEY_BYTES


def test_a_pickle_this_user_did_not_seal_is_never_unpickled(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "index.pickle"
    path.write_bytes(pickle.dumps(Payload(marker)))
    assert sealed.read_pickle(path) is None
    # Nor with a seal made with another key (another user's, or an attacker's cache home).
    sealed.write_pickle(path, {"made": "elsewhere"})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another"))
    assert sealed.read_pickle(path) is None
    assert not marker.exists()


def test_a_tampered_or_renamed_file_is_a_miss(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.pickle"
    sealed.write_pickle(path, {"a": 1})
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    assert sealed.read_pickle(path) is None
    sealed.write_pickle(path, {"a": 1})
    path.rename(tmp_path / "keys.pickle")  # a seal holds for its own file name only
    assert sealed.read_pickle(tmp_path / "keys.pickle") is None


def test_a_symbolic_link_is_never_read(home: Path, tmp_path: Path) -> None:
    sealed.write_pickle(tmp_path / "real.pickle", {"a": 1})
    (tmp_path / "index.pickle").symlink_to(tmp_path / "real.pickle")
    assert sealed.read(tmp_path / "index.pickle") is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("payload", id="exec"),
        pytest.param(os.system, id="a function of the standard library"),
        pytest.param(shutil.rmtree, id="another"),
        pytest.param(build_site, id="a function of the generator's"),
        pytest.param(BuildCache, id="a class of the generator's that is not a dataclass"),
    ],
)
def test_even_a_sealed_pickle_makes_only_the_generators_dataclasses(
    home: Path, tmp_path: Path, value: object
) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "memo.pickle"
    sealed.write_pickle(path, Payload(marker) if value == "payload" else value)
    assert sealed.read_pickle(path) is None
    assert not marker.exists()


def test_a_key_others_can_read_is_refused_and_the_build_runs_without_the_cache(
    home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home.mkdir(parents=True)
    (home / sealed.KEY_FILE).write_bytes(b"k" * sealed.KEY_BYTES)
    (home / sealed.KEY_FILE).chmod(0o644)
    with caplog.at_level(logging.WARNING):
        result = build_site(GOLDEN, tmp_path / "site", CONFIG, progress=False)
    assert result.rebuilt == result.pages
    assert f"Building without the cache: {home / sealed.KEY_FILE}: others can read or change" in (
        caplog.text
    )


def test_jinja_templates_compiled_elsewhere_are_never_loaded(home: Path, tmp_path: Path) -> None:
    source = "{{ 1 + 1 }}"

    def render(cache: jinja2.BytecodeCache) -> str:
        env = jinja2.Environment(bytecode_cache=cache, loader=jinja2.DictLoader({"t": source}))
        return env.get_template("t").render()

    # Someone else's compiled template, under the right key and with the right checksum:
    # marshalled code that Jinja runs instead of compiling the template.
    env = jinja2.Environment()
    plain = jinja2.FileSystemBytecodeCache(str(tmp_path))
    bucket = jinja2.bccache.Bucket(env, plain.get_cache_key("t"), plain.get_source_checksum(source))
    bucket.code = env.compile("{{ 'planted' }}", "t")
    (tmp_path / (plain.pattern % bucket.key)).write_bytes(bucket.bytecode_to_string())
    assert render(plain) == "planted"  # what an unsealed cache does
    (tmp_path / f"{bucket.key}.cache").write_bytes(bucket.bytecode_to_string())
    assert render(sealed.BytecodeCache(tmp_path)) == "2"
    assert render(sealed.BytecodeCache(tmp_path)) == "2"  # and from its own, sealed, file


# --- the cache's folder ------------------------------------------------------------------------


def test_the_cache_lives_in_the_users_cache_home(home: Path, tmp_path: Path) -> None:
    one = cachedir.default_folder(tmp_path / "my record")
    assert one.parent == home and one.name.startswith("my-record-")
    assert cachedir.default_folder(tmp_path / "other" / "my record") != one
    assert cachedir.default_folder(tmp_path / "my record") == one


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cachedir.cache_home() == Path.home() / ".cache" / cachedir.APP


def test_a_build_keeps_nothing_in_the_repository(home: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(GOLDEN, project / "entries")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "CONTRIBUTING.md", project)
    shutil.copy(CONFIG, project / "mkdocs.yml")
    build_site(config_path=project / "mkdocs.yml", progress=False)
    again = build_site(config_path=project / "mkdocs.yml", progress=False)
    assert again.rebuilt < again.pages  # the cache was used
    assert sorted(p.name for p in project.iterdir()) == [
        "CONTRIBUTING.md",
        "docs",
        "entries",
        "mkdocs.yml",
        "site",
    ]
    assert list(cachedir.default_folder(project).glob("*/index.pickle")) != []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "build" / "cache").mkdir(parents=True)
    (repo / "mkdocs.yml").write_text("site_name: x\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x")
    return repo


def test_a_folder_git_tracks_files_in_is_refused(repo: Path) -> None:
    assert cachedir.refusal(repo / "build" / "cache", repo) is None
    (repo / "build" / "cache" / "index.pickle").write_bytes(b"x")
    assert cachedir.refusal(repo / "build" / "cache", repo) is None  # not committed: the user's
    git(repo, "add", "-f", "build")
    reason = cachedir.refusal(repo / "build" / "cache", repo)
    assert reason is not None and reason.startswith(
        "git tracks 1 file(s) in it (build/cache/index.pickle), so a commit put them there."
    )


def test_a_symbolic_link_on_the_way_inside_the_repository_is_refused(
    repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    shutil.rmtree(repo / "build")
    (repo / "build").symlink_to(tmp_path / "elsewhere")
    reason = cachedir.refusal(repo / "build" / "cache", repo)
    assert reason is not None and "is a symbolic link inside the repository" in reason


def test_a_folder_holding_a_symbolic_link_is_refused(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "pages").mkdir(parents=True)
    assert cachedir.refusal(cache, repo) is None
    (cache / "pages" / "ab").symlink_to(tmp_path)
    reason = cachedir.refusal(cache, repo)
    assert reason is not None and "it holds a symbolic link" in reason


def test_an_old_build_cache_is_left_alone_and_named(
    home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = tmp_path / "build" / "cache"
    old.mkdir(parents=True)
    (old / "index.pickle").write_bytes(b"from an earlier version")
    with caplog.at_level(logging.WARNING):
        cachedir.old_cache_notice(tmp_path, None)
    assert "is no longer used: the build cache is now kept outside the repository" in caplog.text
    assert (old / "index.pickle").exists()


# --- keys are names; kept files are the ones kept -----------------------------------------------


def test_keys_that_are_paths_are_never_followed_even_when_sealed(
    home: Path, tmp_path: Path
) -> None:
    """Were a seal ever to hold on such an index, its keys would still be refused."""
    root = tmp_path / "cache"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (root / "pages").mkdir(parents=True)
    # As a page's file: cache/pages/<its first two characters>/<key>.
    hostile = Index(pages={"a.md": CachedPage("../victim.txt", frozenset(), [], (1, 2))})
    (root / NAMESPACE).mkdir(parents=True)
    sealed.write_pickle(root / NAMESPACE / "index.pickle", hostile)
    for name in store.MEMOS:
        sealed.write_pickle(root / NAMESPACE / f"memo-{name}.pickle", {})
    cache = BuildCache.open(root, NAMESPACE)
    assert cache is not None and cache.index.pages == {}
    cache.close()
    # Another namespace's list of what it keeps, read to delete what none keeps any more.
    for n in range(4):
        other = root / f"{n}{NAMESPACE[1:]}"
        other.mkdir()
        sealed.write_pickle(other / "index.pickle", Index())
        sealed.write_pickle(other / "keys.pickle", ({"../victim.txt"}, "../victim", None))
    cache = BuildCache.open(root, NAMESPACE)
    assert cache is not None
    cache.save(Index())
    cache.close()
    assert victim.read_text() == "keep me"


def test_a_kept_page_changed_since_it_was_kept_is_rendered_again(
    home: Path, tmp_path: Path
) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN, entries)
    build_site(entries, tmp_path / "site", CONFIG, progress=False)
    page = tmp_path / "site" / "events" / "2025-01-18-blackout" / "index.html"
    (kept,) = [p for p in home.glob("*/pages/*/*") if p.samefile(page)]
    html = kept.read_text(encoding="utf-8")
    stat = kept.stat()
    kept.chmod(0o644)
    kept.write_text(html.replace("</head>", "<script>alert(1)</script></head>", 1))
    os.utime(kept, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    again = build_site(entries, tmp_path / "site", CONFIG, progress=False)
    assert "alert(1)" not in page.read_text(encoding="utf-8")
    assert again.rebuilt < again.pages  # the others came from the cache
    # The same for the search bundle: a file added to it is a reason to index again.
    (bundle,) = home.glob("*/search/*")
    (bundle / "planted.js").write_text("alert(1)")
    build_site(entries, tmp_path / "site", CONFIG, progress=False)
    assert not (tmp_path / "site" / "pagefind" / "planted.js").exists()
