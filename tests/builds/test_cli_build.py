"""`build` and `serve` on the command line."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build.pipeline import MANIFEST
from generator.cli.commands import cli

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
pytestmark = pytest.mark.slow


def test_build_writes_the_site_where_asked(tmp_path: Path) -> None:
    site = tmp_path / "elsewhere" / "site"
    result = CliRunner().invoke(
        cli, ["build", "--entries", str(GOLDEN / "entries"), "--site-dir", str(site)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Built {site}/: ")
    assert result.output.endswith(" pages from 15 entries in " + result.output.split(" in ")[-1])
    assert (site / "events/2025-01-18-blackout/index.html").is_file()
    assert (site / "feeds/all.atom.xml").is_file()


def test_build_reports_every_problem_and_keeps_the_old_site(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN / "entries", entries)
    (entries / "events/2026-project-ends.yaml").write_text(
        "title: Broken\ndate: 2025-02-30\nsummary: x\nsources: []\nadded: 2025-01-01\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old site", encoding="utf-8")
    manifest = {"generator": "sourceline", "format": 1, "folders": [], "files": ["index.html"]}
    (site / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--entries", str(entries), "--site-dir", str(site)])
    assert result.exit_code == 1
    assert "2026-project-ends.yaml:2:7: " in result.output
    assert result.output.splitlines()[-1].startswith("Error: ")
    assert (site / "index.html").read_text(encoding="utf-8") == "old site"


def test_build_and_serve_have_help_with_an_example() -> None:
    for command in ("build", "serve"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:\n    python -m generator " + command in result.output


def test_serve_rejects_a_malformed_address() -> None:
    result = CliRunner().invoke(cli, ["serve", "--dev-addr", "localhost"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: --dev-addr 'localhost' is not HOST:PORT (for example 127.0.0.1:8000)\n"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return None


def test_serve_rebuilds_when_an_entry_changes(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(GOLDEN / "entries", entries)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/events/2025-01-13-app-tops-charts/"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--entries",
            str(entries),
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _wait_for(lambda: _get(url))
        assert page and "RedNote tops the US App Store" in page
        assert "livereload" in page  # the preview reloads open tabs
        path = entries / "events/2025-01-13-app-tops-charts.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "title: RedNote tops the US App Store", "title: Edited while serving"
            ),
            encoding="utf-8",
        )
        assert _wait_for(lambda: "Edited while serving" in (_get(url) or ""))
        # a broken entry: the page shows the problem instead of the stale site
        path.write_text("title: [unclosed\n", encoding="utf-8")
        assert _wait_for(lambda: "The preview could not be rebuilt" in (_get(url) or ""))
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "unclosed" in output or "problem" in output


def test_a_missing_included_file_is_named_not_an_unexpected_error(tmp_path: Path) -> None:
    project = tmp_path / "kb"
    shutil.copytree(GOLDEN / "entries", project / "entries")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")  # no CONTRIBUTING.md beside it
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: Snippet at path 'CONTRIBUTING.md' could not be found: a page under docs/ "
        "includes it with --8<--; restore the file, or remove the line that includes it"
    )
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
