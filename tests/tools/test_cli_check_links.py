"""`python -m generator check-links` on a small corpus whose links point at a local server."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from linkserver import ServerState, serve

from generator.cli.commands import cli
from generator.tools.linkcheck import DEFAULT_ALLOWLIST

DATA = Path(__file__).resolve().parent.parent / "data" / "linkcheck" / "entries"
ROOT = Path(__file__).resolve().parent.parent.parent
PLACEHOLDER = "http://127.0.0.1:1"  # what the sample entries say instead of the server's address
EVENT = "entries/events/2025-01-18-local-event.yaml"
QUOTE = "entries/quotes/quote-test-outlet.yaml"
# The server is on the loopback, which the checker refuses unless told otherwise.
FAST = ["--timeout", "2", "--retries", "1", "--allow-private-address", "127.0.0.1"]


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
    allowlist = tmp_path / DEFAULT_ALLOWLIST  # the knowledge base's own, read from where it runs
    allowlist.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / DEFAULT_ALLOWLIST, allowlist)
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
        "--allow-private-address",
    ):
        assert option in result.output
    assert "For testing only" in result.output


def point(entries_dir: Path, server: ServerState, replace: dict[str, str]) -> None:
    """Make the sample entries' links ask for other pages of the server: {"/moved": "/loop"}."""
    for path in entries_dir.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for old, new in replace.items():
            text = text.replace(f'"{server.base}{old}"', f'"{server.base}{new}"')
        path.write_text(text, encoding="utf-8")


def test_private_addresses_are_refused_without_the_testing_flag(
    entries_dir: Path, server: ServerState
) -> None:
    result = invoke("--entries", "entries", "--timeout", "2", "--retries", "1")
    assert result.exit_code == 0
    assert result.output.count("(private address 127.0.0.1 refused)\n") == 5
    assert result.output.endswith("Checked 6 links: 0 alive, 5 dead, 1 skipped.\n")
    assert server.requests == []


def test_a_wrong_private_address_is_an_error(entries_dir: Path) -> None:
    result = invoke("--entries", "entries", "--allow-private-address", "localhost")
    assert result.exit_code == 2
    assert (
        "Invalid value for '--allow-private-address': 'localhost' is not an IP address or network"
    ) in result.output
    assert "Traceback" not in result.output


def test_redirects_the_checker_will_not_follow_are_dead_with_the_reason(
    entries_dir: Path, server: ServerState
) -> None:
    point(
        entries_dir,
        server,
        {"/moved": "/loop", "/no-head": "/to?u=file%3A%2F%2F%2Fetc%2Fpasswd", "/ok": "/chain/11"},
    )
    result = invoke("--entries", "entries", *FAST)
    b = server.base
    assert result.output == (
        f"{EVENT}:8: dead: {b}/chain/11 (too many redirects (more than 10))\n"
        f"{EVENT}:10: dead: {b}/missing (404 Not Found)\n"
        f"{EVENT}:11: dead: {b}/loop (redirect loop)\n"
        f"{QUOTE}:6: dead: {b}/to?u=file%3A%2F%2F%2Fetc%2Fpasswd "
        "(redirect to a file: URL refused)\n"
        f"{QUOTE}:8: dead: {b}/broken (500 Internal Server Error, 2 attempts)\n"
        f"{EVENT}:13: skipped: https://www.xiaohongshu.com/explore/0123456789 "
        "(allowlisted: xiaohongshu.com)\n"
        "Checked 6 links: 0 alive, 5 dead, 1 skipped.\n"
    )


def test_a_dripping_server_is_cut_off_at_the_timeout(
    entries_dir: Path, server: ServerState
) -> None:
    # A byte every 0.4 s against --timeout 1: every read is in time, the whole answer is not.
    point(entries_dir, server, {"/moved": "/drip?every=0.4&count=12"})
    started = time.monotonic()
    result = invoke(
        "--entries", "entries", "--timeout", "1", "--retries", "0", *FAST[-2:], "--format", "github"
    )
    elapsed = time.monotonic() - started
    assert f"{EVENT}:11: dead: {server.base}/drip?every=0.4&count=12 (timed out after 1 s)\n" in (
        result.output
    )
    assert elapsed < 2, elapsed  # the timeout, and a second for loading and the other links


def test_github_output_carries_no_line_a_server_wrote(
    entries_dir: Path, server: ServerState
) -> None:
    # /bad-status answers with a bare CR and then an ::error workflow command.
    point(entries_dir, server, {"/broken": "/bad-status"})
    result = invoke("--entries", "entries", *FAST, "--format", "github")
    assert result.exit_code == 0
    lines = re.split(r"\r\n|\r|\n", result.output)  # a bare CR ends a line in GitHub's log
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == 2  # the two dead links' warnings, and nothing else
    assert all(line.startswith("::warning file=entries/") for line in commands)
    assert "::error" not in result.output
    assert f"{QUOTE}:8: dead: {server.base}/bad-status (junk :error title=injected:pwned" in (
        result.output
    )
