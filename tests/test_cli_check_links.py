"""`python -m generator check-links` on a small corpus whose links point at a local server."""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from linkserver import ServerState, serve

from generator.cli import cli

DATA = Path(__file__).resolve().parent / "data" / "linkcheck" / "entries"
ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "http://127.0.0.1:1"  # what the sample entries say instead of the server's address
EVENT = "entries/events/2025-01-18-local-event.yaml"
QUOTE = "entries/quotes/quote-test-outlet.yaml"
FAST = ["--timeout", "2", "--retries", "1"]


@pytest.fixture
def server() -> Iterator[ServerState]:
    with serve() as state:
        yield state


@pytest.fixture
def entries_dir(server: ServerState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample corpus with its links pointing at the running server; the cwd is its parent."""
    target = tmp_path / "entries"
    shutil.copytree(DATA, target)
    for path in target.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(PLACEHOLDER, server.base))
    monkeypatch.chdir(tmp_path)
    return target


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check-links", *args])


def test_reports_dead_and_skipped_links_and_exits_0(entries_dir: Path, server: ServerState) -> None:
    result = invoke("--entries", "entries", *FAST)
    b = server.base
    assert result.output == (
        f"{EVENT}:10: dead: {b}/missing (404 Not Found)\n"
        f"{QUOTE}:8: dead: {b}/broken (500 Internal Server Error, 2 attempts)\n"
        f"{EVENT}:13: skipped: https://www.xiaohongshu.com/explore/0123456789 "
        "(allowlisted: xiaohongshu.com)\n"
        "Checked 6 links: 3 alive, 2 dead, 1 skipped.\n"
    )
    assert result.exit_code == 0
    assert server.count("/no-head", "GET") == 1  # HEAD was refused, GET answered


def test_fail_on_dead_exits_1(entries_dir: Path) -> None:
    result = invoke("--entries", "entries", *FAST, "--fail-on-dead")
    assert result.output.endswith(
        "Checked 6 links: 3 alive, 2 dead, 1 skipped.\nError: 2 dead links\n"
    )
    assert result.exit_code == 1


def test_an_allowlist_file_replaces_the_default(
    entries_dir: Path, server: ServerState, tmp_path: Path
) -> None:
    allow = tmp_path / "allow.txt"
    # The robot-blocking site stays listed: this test must never reach the internet.
    allow.write_text(
        f"# the broken page is known\n{server.base}/broken\nxiaohongshu.com\n", encoding="utf-8"
    )
    result = invoke("--entries", "entries", *FAST, "--allowlist", str(allow))
    b = server.base
    assert result.output == (
        f"{EVENT}:10: dead: {b}/missing (404 Not Found)\n"
        f"{EVENT}:13: skipped: https://www.xiaohongshu.com/explore/0123456789 "
        "(allowlisted: xiaohongshu.com)\n"
        f"{QUOTE}:8: skipped: {b}/broken (allowlisted: {b}/broken)\n"
        "Checked 6 links: 3 alive, 1 dead, 2 skipped.\n"
    )
    assert server.count("/broken") == 0
    assert result.exit_code == 0


def test_a_missing_allowlist_is_an_error(entries_dir: Path) -> None:
    result = invoke("--entries", "entries", "--allowlist", "nowhere.txt")
    assert result.exit_code == 2
    assert "File 'nowhere.txt' does not exist." in result.output


def test_json_report(entries_dir: Path, server: ServerState, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = invoke("--entries", "entries", *FAST, "--format", "json", "--report", str(report))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert report.read_text(encoding="utf-8") == result.output
    assert (data["checked"], data["alive"], data["dead"], data["skipped"]) == (6, 3, 2, 1)
    moved = next(link for link in data["links"] if link["url"].endswith("/moved"))
    assert moved == {
        "url": f"{server.base}/moved",
        "where": f"{EVENT}:11",
        "field": "url",
        "status": "alive",
        "code": 200,
        "detail": "200 OK",
        "attempts": 1,
        "final_url": f"{server.base}/ok",
    }


def test_the_weekly_workflows_command_line_works(entries_dir: Path, tmp_path: Path) -> None:
    # The exact flags links.yml passes, so a renamed option cannot break the schedule unseen.
    workflow = yaml.safe_load((ROOT / ".github/workflows/links.yml").read_text(encoding="utf-8"))
    [line] = [
        step["run"].replace("\\\n", " ").split("|")[0]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "check-links" in step.get("run", "")
    ]
    argv = shlex.split(line)
    assert argv[:4] == [".venv/bin/python", "-m", "generator", "check-links"]
    result = invoke(*argv[4:], "--entries", "entries", *FAST)
    assert result.exit_code == 0, result.output
    assert "::warning file=entries/events/2025-01-18-local-event.yaml,line=10," in result.output
    assert json.loads((tmp_path / "linkcheck.json").read_text(encoding="utf-8"))["dead"] == 2


def test_invalid_entries_are_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "entries" / "actors").mkdir(parents=True)
    (tmp_path / "entries" / "actors" / "nobody.yaml").write_text("name: Nobody\n", encoding="utf-8")
    result = invoke("--entries", "entries")
    assert result.exit_code == 1
    assert result.output.startswith("entries/actors/nobody.yaml:1:1: ")
    assert result.output.endswith("Error: 2 problems in 1 file\n")


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["check-links", "--help"])
    assert result.exit_code == 0
    assert "  Example:\n    python -m generator check-links\n" in result.output
    for option in (
        "--allowlist",
        "--concurrency",
        "--timeout",
        "--retries",
        "--format",
        "--report",
        "--fail-on-dead",
    ):
        assert option in result.output
