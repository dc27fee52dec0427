"""The distribution: `python -m build` makes a wheel without writing into the checkout's
tracked folders, and the wheel alone (no checkout) starts and builds a knowledge base."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import generator

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a clean copy of the checkout's files, as `python -m build` does."""
    source = tmp_path_factory.mktemp("source")
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # The build left nothing in the copy but the metadata folder setuptools always writes.
    assert not (source / "build").exists()
    (found,) = dist.glob("*.whl")
    return found


def test_the_wheel_has_its_version_and_the_files_init_and_the_build_need(wheel: Path) -> None:
    assert wheel.name == f"sourceline-{generator.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "generator/templates/theme/main.html",
        "generator/templates/theme/assets/record.css",
        "generator/templates/init/mkdocs.yml.j2",
        "generator/templates/init/gitignore",
        "generator/templates/init/github/workflows/pages.yml",
        "generator/templates/kinds/list/init/files/github/ISSUE_TEMPLATE/list-item.yml.j2",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "entries/", "docs/"))]


def test_the_installed_wheel_starts_and_builds_a_knowledge_base(
    wheel: Path, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(lib),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(lib)}  # before the checkout's editable install
    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(lib))
    args = ["--name", "Harbour Flood Log", "--url", "https://floods.example.net/"]
    args += ["--authority", "floods.example.net,2026", "--language", "en", "--kind", "event"]
    args += ["--kind", "actor"]
    for command in (["init", "kb", *args], ["--quiet", "build", "--config", "kb/mkdocs.yml"]):
        proc = subprocess.run(
            [sys.executable, "-m", "generator", *command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    home = (tmp_path / "kb" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Harbour Flood Log" in home and f"Sourceline {generator.__version__}" in home
