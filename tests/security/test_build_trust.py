"""What a pull request commits is never trusted by the build: a build cache under
build/, links out of the repository, files tracked in the build's own folders.

Each attack is committed to a knowledge base's repository (the generator, mkdocs.yml, docs/
and the golden entries), which is then cloned afresh and built there with
``python -m generator``, as a reviewer or CI would get it: the clone's own code runs. A copy
without git (``git archive``, as a release download is) is built too, where git cannot say
what was committed.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Payload, git

pytestmark = pytest.mark.slow  # each test builds a fresh clone

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "entries"
HEX = "0123456789abcdef" * 2  # a name that looks like a cache key: 32 hex digits


def _copy_tree(source: Path, dest: Path) -> None:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base's repository with the working tree's generator, committed once."""
    repo = tmp_path_factory.mktemp("kb") / "repo"
    repo.mkdir()
    for name in ("generator", "docs"):
        _copy_tree(ROOT / name, repo / name)
    for name in ("mkdocs.yml", "CONTRIBUTING.md", ".gitignore"):
        shutil.copy2(ROOT / name, repo / name)
    _copy_tree(GOLDEN, repo / "entries")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A knowledge base")
    return repo


def _pull_request(
    base: Path, work: Path, files: dict[str, bytes], links: dict[str, str] | None = None
) -> Path:
    """A fresh clone of ``base`` after a commit that adds ``files`` and symbolic ``links``
    with ``git add -f`` (build/ is ignored, and a pull request can add files there anyway)."""
    branch = work / "branch"
    git(work, "clone", "-q", str(base), str(branch))
    for name, content in files.items():
        (branch / name).parent.mkdir(parents=True, exist_ok=True)
        (branch / name).write_bytes(content)
    for name, target in (links or {}).items():
        (branch / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, branch / name)
    git(branch, "add", "-f", "--", *files, *(links or {}))
    git(branch, "commit", "-q", "-m", "A hostile pull request")
    fresh = work / "fresh"
    git(work, "clone", "-q", str(branch), str(fresh))
    return fresh


def _withoutgit(clone: Path, dest: Path) -> Path:
    """The clone's files as a release archive holds them: no .git, so no record of what was
    committed."""
    archive = dest.with_suffix(".tar")
    git(clone, "archive", "-o", str(archive), "HEAD")
    dest.mkdir()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(dest)], check=True)
    return dest


def _generator(repo: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if home is not None:
        env["XDG_CACHE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _build_everywhere(clone: Path, work: Path) -> tuple[subprocess.CompletedProcess, list]:
    """A reviewer's build of the clone; then, in a copy without git, a build with the default
    cache and one that chooses the committed cache (--cache-dir build/cache), each into a site
    folder of its own (``SITES``)."""
    build = _generator(clone, "build")
    copy = _withoutgit(clone, work / "download")
    builds = [
        _generator(copy, "build", "--site-dir", site, *args)
        for site, args in zip(SITES, ([], ["--cache-dir", "build/cache"]), strict=True)
    ]
    return build, builds


SITES = ("site-default-cache", "site-committed-cache")


# --- 1. code execution from committed pickles -----------------------------------------------


def test_a_committed_cache_of_pickles_runs_nothing(knowledge_base: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = pickle.dumps(Payload(marker))
    # Namespaces beyond those the cache keeps: it reads their keys to delete what they kept.
    names = [f"{n}{HEX[1:]}/{f}" for n in range(5) for f in ("index.pickle", "keys.pickle")]
    names += [
        f"{HEX}/memo-data.pickle",
        f"{HEX}/memo-feeds.pickle",
        f"{HEX}/memo-records-added.pickle",
        "anything/index.pickle",
        "anything/keys.pickle",
        f"validated/{HEX}/base.pickle",
        f"validated/{HEX}/added.pickle",
    ]
    files = {f"build/cache/{name}": payload for name in names}
    clone = _pull_request(knowledge_base, tmp_path, files)
    # CI's validate job, and a reviewer's build; without git, nothing says the files were
    # committed: a cache is never read from there by default, and a chosen one's files are
    # unsealed, so never unpickled.
    validate = _generator(clone, "validate")
    build, builds = _build_everywhere(clone, tmp_path)

    assert not marker.exists()
    # Both refused, naming each file and why.
    assert validate.returncode == 1, validate.stderr
    for name in files:
        assert f"{name}:1:1: git tracks this file, but build/ holds what builds make" in (
            validate.stdout
        )
    assert "git rm -r --cached build" in validate.stdout
    assert build.returncode == 1
    assert "Error: git tracks files in folders that builds write:" in build.stderr
    assert not (clone / "site").exists()
    assert [done.returncode for done in builds] == [0, 0], builds[-1].stderr


# --- 2. a kept page with a script, linked into the site -------------------------------------


def test_a_committed_page_with_a_script_is_never_published(
    knowledge_base: Path, tmp_path: Path
) -> None:
    # The attacker builds the same repository on their own machine, so that every key is
    # right, and puts a script into a kept event page.
    theirs = tmp_path / "theirs"
    git(tmp_path, "clone", "-q", str(knowledge_base), str(theirs))
    home = tmp_path / "their-home"
    built = _generator(theirs, "build", "--cache-dir", "build/cache", home=home)
    assert built.returncode == 0, built.stderr
    page = theirs / "site" / "events" / "2025-01-18-blackout" / "index.html"
    kept = next(p for p in (theirs / "build" / "cache" / "pages").glob("*/*") if p.samefile(page))
    html = kept.read_text(encoding="utf-8")
    kept.unlink()
    kept.write_text(html.replace("</head>", "<script>alert('cache')</script></head>", 1))
    files = {
        str(p.relative_to(theirs)): p.read_bytes()
        for p in (theirs / "build" / "cache").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    work = tmp_path / "pr"
    work.mkdir()
    clone = _pull_request(knowledge_base, work, files)

    build, builds = _build_everywhere(clone, work)
    sites = [clone / "site", *(work / "download" / site for site in SITES)]
    assert [p for p in sites if "alert('cache')" in _published(p)] == []
    assert build.returncode == 1  # tracked files in build/
    assert [done.returncode for done in builds] == [0, 0], builds[-1].stderr
    for done in builds:
        assert "unchanged, from the cache" not in done.stdout  # nothing taken from theirs


def _published(site: Path) -> str:
    page = site / "events" / "2025-01-18-blackout" / "index.html"
    return page.read_text(encoding="utf-8") if page.exists() else ""


# --- 3 and 4. deletion outside the cache ----------------------------------------------------


def _victim(folder: Path) -> list[Path]:
    """Folders and files that must survive, named like a cache's keys."""
    made = []
    for n in range(4):
        sub = folder / f"{n}{HEX[1:]}"
        sub.mkdir(parents=True)
        (sub / "precious.txt").write_text("keep me")
        made.append(sub / "precious.txt")
    return made


def test_a_committed_symlink_in_the_cache_deletes_nothing(
    knowledge_base: Path, tmp_path: Path
) -> None:
    victims = _victim(tmp_path / "victim")
    clone = _pull_request(
        knowledge_base, tmp_path, {}, links={"build/cache/validated": str(tmp_path / "victim")}
    )
    build, builds = _build_everywhere(clone, tmp_path)
    assert all(v.exists() for v in victims)
    assert build.returncode == 1  # tracked files in build/
    assert [done.returncode for done in builds] == [0, 0], builds[-1].stderr
    assert "build/cache: it holds a symbolic link, build/cache/validated" in builds[-1].stderr


def test_committed_keys_that_are_paths_delete_nothing(knowledge_base: Path, tmp_path: Path) -> None:
    victims = _victim(tmp_path / "victim")
    # Plain data, no code: namespaces whose kept pages are files outside the cache.
    files = {}
    for n, victim in enumerate(victims):
        # From build/cache/pages/<first two characters of the key>/ to tmp_path/victim/.
        keys = pickle.dumps(({f"../../../{victim.relative_to(tmp_path)}"}, None))
        files[f"build/cache/{n}{HEX[1:]}/index.pickle"] = pickle.dumps(None)
        files[f"build/cache/{n}{HEX[1:]}/keys.pickle"] = keys
    clone = _pull_request(knowledge_base, tmp_path, files)
    build, builds = _build_everywhere(clone, tmp_path)
    assert all(v.exists() for v in victims)
    assert build.returncode == 1  # tracked files in build/
    assert [done.returncode for done in builds] == [0, 0], builds[-1].stderr


# --- the docs folder: links out of the repository -------------------------------------------


def test_a_committed_link_out_of_the_repository_is_refused(
    knowledge_base: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the maintainer's secret")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "id_rsa").write_text("a private key")
    links = {
        "docs/leak.txt": str(secret),
        "docs/assets/more": str(tmp_path / "outside"),  # a folder: MkDocs follows it
        "snippet.md": str(secret),  # pymdownx.snippets reads the repository's files
        "docs/inside.txt": "about.md",  # a link inside the repository is fine
    }
    clone = _pull_request(knowledge_base, tmp_path, {}, links=links)
    done = _generator(clone, "build")
    assert not (clone / "site" / "leak.txt").exists()
    assert not (clone / "site" / "assets" / "more").exists()
    assert done.returncode == 1
    assert "Error: files from outside the repository:" in done.stderr
    for name, target in [
        ("docs/leak.txt", secret),
        ("docs/assets/more", tmp_path / "outside"),
        ("snippet.md", secret),
    ]:
        assert (
            f"  {name}: a symbolic link to {target}, outside the repository: the build would "
            "read that file, and publish it. Put the file itself in the repository, or delete "
            "the link"
        ) in done.stderr
    assert "inside.txt" not in done.stderr
    assert not (clone / "site").exists()
    # And without git, where only the folders the build copies from can be walked.
    copy = _withoutgit(clone, tmp_path / "download")
    done = _generator(copy, "build")
    assert done.returncode == 1
    assert "docs/leak.txt: a symbolic link to" in done.stderr
    assert "docs/assets/more: a symbolic link to" in done.stderr


def test_this_repository_tracks_nothing_in_build_or_site() -> None:
    from generator.build.repocheck import tracked_output

    assert tracked_output(ROOT) == []
