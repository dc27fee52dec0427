"""`archive`: Save Page Now asked for each source without an archive_url, against a local fake
(tests/spnserver.py) only, and the snapshot written into the entry without touching the rest."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from linkserver import loopback_only
from spnserver import TIMESTAMP, ServerState, serve

from generator.cli.contribute import archive
from generator.tools import archive_spn
from generator.tools.archive import Unplaceable, insert_archive_urls
from generator.tools.archive_spn import Client, retry_after
from generator.tools.linkcheck import parse_networks
from generator.validate.record import collect

DATA = Path(__file__).resolve().parent.parent / "data" / "archive" / "entries"
EVENT = "entries/events/2025-01-18-sample-event.yaml"
QUOTE = "entries/quotes/quote-sample-outlet.yaml"
LIST = "entries/lists/sample-list.yaml"
ACTOR = "entries/actors/sample-outlet.yaml"
LOCAL = ["--allow-private-address", "127.0.0.1"]
FAST = ["--delay", "0", "--backoff", "0", *LOCAL]
NETWORKS = parse_networks(["127.0.0.1"])


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the real archive: connections go to 127.0.0.1 or fail the test."""
    loopback_only(monkeypatch)


@pytest.fixture
def server() -> Iterator[ServerState]:
    with serve() as state:
        yield state


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the command makes, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr(archive_spn, "pause", waits.append)
    return waits


@pytest.fixture
def entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample corpus copied into tmp_path, which becomes the working directory."""
    shutil.copytree(DATA, tmp_path / "entries")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "entries"


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(archive, ["--entries", "entries", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def snap(server: ServerState, url: str) -> str:
    return f"{server.base}/web/{TIMESTAMP}/{url}"


def without_new_lines(new: bytes, added: list[tuple[int, bytes]]) -> bytes:
    """``new`` minus the lines at ``added``'s (1-based) numbers, checked to be those lines."""
    lines = new.splitlines(keepends=True)
    for number, line in sorted(added, reverse=True):
        assert lines[number - 1] == line
        del lines[number - 1]
    return b"".join(lines)


def test_the_files_gain_exactly_the_archive_url_lines(
    entries: Path, server: ServerState, pauses: list[float]
) -> None:
    result = invoke("--endpoint", server.base, *FAST)
    assert result.exit_code == 0, result.output
    old, new = (DATA / "events/2025-01-18-sample-event.yaml").read_bytes(), Path(EVENT).read_bytes()
    added = [
        # quoted as each source's url is: "…", '…', plain
        (14, f'    archive_url: "{snap(server, "https://example.org/ok")}"\n'.encode()),
        (22, f"    archive_url: '{snap(server, 'https://example.org/link')}'\n".encode()),
        (27, f"    archive_url: {snap(server, 'https://example.org/redirect')}\n".encode()),
    ]
    assert without_new_lines(new, added) == old  # comments, blank lines, quoting: all kept
    assert new.splitlines()[22] == b"    lang: en"  # before the field that follows it
    assert (
        without_new_lines(
            Path(QUOTE).read_bytes(),
            [(10, f'    archive_url: "{snap(server, "https://example.org/busy")}"\n'.encode())],
        )
        == (DATA / "quotes/quote-sample-outlet.yaml").read_bytes()
    )
    assert (
        without_new_lines(
            Path(LIST).read_bytes(),  # after the block scalar's text, not inside it
            [(15, f"    archive_url: {snap(server, 'https://example.org/flaky')}\n".encode())],
        )
        == (DATA / "lists/sample-list.yaml").read_bytes()
    )
    assert Path(ACTOR).read_bytes() == (DATA / "actors/sample-outlet.yaml").read_bytes()


def test_the_written_files_still_validate(entries: Path, server: ServerState, pauses) -> None:
    invoke("--endpoint", server.base, *FAST)
    result = collect(entries)
    assert result.problems == []
    assert result.corpus is not None
    event = result.corpus.entries["2025-01-18-sample-event"]
    assert [s.archive_url for s in event.sources] == [
        snap(server, "https://example.org/ok"),
        "https://web.archive.org/web/20240101000000/https://example.org/already",
        snap(server, "https://example.org/link"),
        snap(server, "https://example.org/redirect"),
    ]
    assert event.sources[3].title == "Fields in another order, url last"
    [source] = result.corpus.entries["sample-list"].sources
    assert source.title == "A title in a block scalar\n"


def test_sources_with_an_archive_url_are_skipped(
    entries: Path, server: ServerState, pauses
) -> None:
    result = invoke("--endpoint", server.base, *FAST)
    assert "https://example.org/already" not in server.requests
    assert result.output.endswith(
        "Archived 5 sources, 2 could not be archived, 1 already had an archive_url.\n"
    )
    # A second run has nothing left to do but what failed.
    server.requests.clear()
    again = invoke("--endpoint", server.base, *FAST)
    assert server.requests == ["https://example.org/refused", "https://example.org/flow"]
    assert again.output.endswith(
        "Archived 0 sources, 2 could not be archived, 6 already had an archive_url.\n"
    )


def test_dry_run_asks_for_nothing_and_writes_nothing(entries: Path, server: ServerState) -> None:
    before = {p: p.read_bytes() for p in entries.rglob("*.yaml")}
    result = invoke("--dry-run", "--endpoint", server.base, *LOCAL)
    assert result.exit_code == 0
    assert result.output == (
        f"{EVENT}:12: would archive https://example.org/ok\n"
        f"{EVENT}:17: would archive https://example.org/link\n"
        f"{EVENT}:24: would archive https://example.org/redirect\n"
        f"{QUOTE}:6: would archive https://example.org/refused\n"
        f"{QUOTE}:8: would archive https://example.org/busy\n"
        f"{LIST}:12: would archive https://example.org/flaky\n"
        f"{ACTOR}:4: would archive https://example.org/flow\n"
        "Would archive 7 sources (1 already had an archive_url); "
        "dry run: nothing was asked for or changed.\n"
    )
    assert server.requests == []
    assert {p: p.read_bytes() for p in entries.rglob("*.yaml")} == before


def test_failures_are_reported_at_the_end_and_fail_only_with_strict(
    entries: Path, server: ServerState, pauses
) -> None:
    result = invoke("--endpoint", server.base, *FAST)
    flow = snap(server, "https://example.org/flow")
    assert result.exit_code == 0
    assert result.output.split("Could not archive:\n")[1] == (
        f"  {QUOTE}:6: https://example.org/refused (403 Forbidden: "
        "AdministrativeAccessControlException: Blocked Site Error)\n"
        f"  {ACTOR}:4: https://example.org/flow (archived as {flow}, but not written: "
        "source 1 is written on one line ({…}): add it by hand)\n"
        "Archived 5 sources, 2 could not be archived, 1 already had an archive_url.\n"
    )
    strict = invoke("--endpoint", server.base, *FAST, "--strict", QUOTE)
    assert strict.exit_code == 1
    assert strict.output.endswith("Error: 1 source not archived\n")


def test_429_is_retried_after_retry_after(entries: Path, server: ServerState, pauses) -> None:
    result = invoke("--endpoint", server.base, *FAST, "--delay", "3", QUOTE)
    assert server.requests == ["https://example.org/refused"] + ["https://example.org/busy"] * 2
    # 3 s between the two captures, then the 7 s the 429 asked for, not the backoff's 0.
    assert pauses == [3.0, 7.0]
    assert f"{QUOTE}:8: archived https://example.org/busy as " in result.output


def client(server: ServerState, waits: list[float], **kwargs: float) -> Client:
    return Client(server.base, allow_private=NETWORKS, sleep=waits.append, **kwargs)


def test_5xx_is_retried_with_a_doubling_backoff(server: ServerState) -> None:
    waits: list[float] = []
    spn = client(server, waits, retries=3, backoff=2)
    down = spn.capture("https://example.org/down")
    assert (down.snapshot, down.detail, down.attempts, down.stop) == (
        None,
        "503 Service Unavailable",
        4,
        False,
    )
    assert waits == [2, 4, 8]
    flaky = spn.capture("https://example.org/flaky")
    assert (flaky.snapshot, flaky.attempts) == (snap(server, "https://example.org/flaky"), 2)
    unknown = spn.capture("https://example.org/unknown")
    assert (unknown.detail, unknown.attempts) == ("520 HTTP status", 4)


def test_refusals_are_not_retried(server: ServerState) -> None:
    waits: list[float] = []
    robots = client(server, waits, retries=3).capture("https://example.org/robots")
    assert (robots.snapshot, robots.attempts, robots.stop) == (None, 1, False)
    assert robots.detail == "403 Forbidden: RobotAccessControlException: Blocked By Robots"
    assert waits == []


@pytest.mark.parametrize("name", ["origin-header", "elsewhere"])
def test_an_address_that_is_not_a_snapshot_here_is_not_taken(
    server: ServerState, name: str
) -> None:
    out = client(server, []).capture(f"https://example.org/{name}")
    assert (out.snapshot, out.detail) == (None, "200 OK without a snapshot address")


def test_a_throttled_run_stops_asking(entries: Path, server: ServerState, pauses) -> None:
    event = Path(EVENT)
    event.write_text(event.read_text().replace("example.org/ok", "example.org/throttled"))
    result = invoke("--endpoint", server.base, *FAST, "--retries", "2")
    assert server.requests == ["https://example.org/throttled"] * 3  # then nothing more
    assert pauses == [7.0, 7.0]
    assert f"  {EVENT}:12: https://example.org/throttled (429 Too Many Requests, 3 attempts)\n" in (
        result.output
    )
    assert f"  {EVENT}:17: https://example.org/link (not asked: stopped after 429 " in result.output
    assert result.exit_code == 0
    assert Path(EVENT).read_text() == (
        DATA / "events/2025-01-18-sample-event.yaml"
    ).read_text().replace("example.org/ok", "example.org/throttled")


def test_a_retry_after_past_max_wait_stops_at_once(server: ServerState) -> None:
    server.retry_after = "3600"
    waits: list[float] = []
    out = client(server, waits, max_wait=60).capture("https://example.org/busy")
    assert (out.attempts, out.stop, waits) == (1, True, [])
    assert out.detail == "429 Too Many Requests; asked to wait 3600 s, more than --max-wait"


def test_network_errors_are_reported_without_a_traceback(entries: Path, pauses) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = invoke("--endpoint", f"http://127.0.0.1:{port}", *FAST, "--retries", "1")
    assert result.exit_code == 0
    assert f"  {EVENT}:12: https://example.org/ok (cannot reach http://127.0.0.1:{port}: " in (
        result.output
    )
    assert "not asked: stopped after cannot reach" in result.output
    assert "Traceback" not in result.output


def test_a_private_endpoint_is_refused_unless_allowed(entries: Path, server: ServerState) -> None:
    result = invoke("--endpoint", server.base, "--delay", "0", "--strict")
    assert server.requests == []
    assert (
        "(endpoint private address 127.0.0.1 refused (--allow-private-address is for tests))"
        in (result.output)
    )
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("ftp://web.archive.org", "must be an http:// or https:// address"),
        ("https://web.archive.org/save/", "must not have a path"),
        ("https://user@web.archive.org", "must be a bare address"),
    ],
)
def test_a_wrong_endpoint_is_a_usage_error(entries: Path, endpoint: str, message: str) -> None:
    result = invoke("--endpoint", endpoint)
    assert result.exit_code == 2
    assert message in result.output


def test_files_limit_what_is_archived(entries: Path, server: ServerState, tmp_path: Path) -> None:
    result = invoke("--dry-run", LIST)
    assert result.output.startswith(f"{LIST}:12: would archive https://example.org/flaky\n")
    assert "Would archive 1 source (0 already" in result.output
    stray = tmp_path / "stray.yaml"
    stray.write_text("title: x\n")
    wrong = invoke("--dry-run", str(stray))
    assert wrong.exit_code == 2
    assert "not an entry in entries" in wrong.output


def test_limit_archives_the_first_sources_only(entries: Path, server: ServerState, pauses) -> None:
    result = invoke("--endpoint", server.base, *FAST, "--limit", "2")
    assert server.requests == ["https://example.org/ok", "https://example.org/link"]
    assert result.output.endswith(
        "Archived 2 sources, 0 could not be archived, 1 already had an archive_url, "
        "5 left for the next run (--limit).\n"
    )
    dry = invoke("--dry-run", "--limit", "6")
    assert dry.output.endswith(
        "Would archive 5 sources (3 already had an archive_url); "
        "dry run: nothing was asked for or changed.\n"
    )
    assert invoke("--dry-run", "--limit", "1").output.endswith(
        "Would archive 1 source (3 already had an archive_url, 4 more past --limit); "
        "dry run: nothing was asked for or changed.\n"
    )


def test_invalid_entries_are_reported_and_nothing_is_asked(
    entries: Path, server: ServerState
) -> None:
    Path(QUOTE).write_text("text: no sources\n")
    result = invoke("--endpoint", server.base, *FAST)
    assert result.exit_code == 1
    assert f"{QUOTE}:1:1:" in result.output
    assert server.requests == []


def test_one_url_in_two_sources_is_asked_once(entries: Path, server: ServerState, pauses) -> None:
    quote = Path(QUOTE)
    quote.write_text(quote.read_text().replace("example.org/refused", "example.org/ok"))
    invoke("--endpoint", server.base, *FAST)
    assert server.count("https://example.org/ok") == 1
    assert Path(QUOTE).read_text().count(snap(server, "https://example.org/ok")) == 1
    assert Path(EVENT).read_text().count(snap(server, "https://example.org/ok")) == 1


# --- inserting the line -------------------------------------------------------------------

SNAP = "https://web.archive.org/web/20250118093000/https://example.org/a"


def test_crlf_line_endings_and_a_missing_last_newline_are_kept() -> None:
    text = "title: t\r\nsources:\r\n  - url: https://example.org/a\r\n    title: T"
    new = insert_archive_urls(Path("e.yaml"), text, {0: ("https://example.org/a", SNAP)})
    assert new == text + f"\r\n    archive_url: {SNAP}"


def test_a_line_that_would_change_another_field_is_not_written() -> None:
    # With keep chomping (|+) the blank line after the title is part of it.
    text = "sources:\n  - url: https://example.org/a\n    title: |+\n      T\n\nadded: 2025-01-01\n"
    with pytest.raises(Unplaceable, match="would change other fields"):
        insert_archive_urls(Path("e.yaml"), text, {0: ("https://example.org/a", SNAP)})


def test_a_file_changed_meanwhile_is_not_written() -> None:
    text = "sources:\n  - url: https://example.org/b\n    title: T\n"
    with pytest.raises(Unplaceable, match="changed while"):
        insert_archive_urls(Path("e.yaml"), text, {0: ("https://example.org/a", SNAP)})


# --- what the archive says ----------------------------------------------------------------


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2025, 1, 18, 9, 0, tzinfo=UTC)
    assert retry_after("120") == 120.0
    assert retry_after("Sat, 18 Jan 2025 09:01:30 GMT", now) == 90.0
    assert retry_after("Sat, 18 Jan 2025 08:00:00 GMT", now) == 0.0
    assert retry_after("soon") is None
    assert retry_after(None) is None


@pytest.mark.parametrize(
    "value",
    [
        "/web/20250118093000/https://example.org/a",
        "https://web.archive.org/web/20250118093000id_/https://example.org/a?b=c",
    ],
)
def test_snapshot_addresses_on_the_archive_are_taken(value: str) -> None:
    assert Client().snapshot_of(value).startswith("https://web.archive.org/web/20250118093000")


@pytest.mark.parametrize(
    "value",
    [
        "Overview.html",
        "https://evil.example/web/20250118093000/https://example.org/a",
        "http://web.archive.org/web/20250118093000/https://example.org/a",
        "/web/2025/https://example.org/a",
        '/web/20250118093000/https://example.org/"a',
        "/web/20250118093000/https://example.org/a#x",
        "javascript:alert(1)",
        "https://web.archive.org:99999/web/1/x",
    ],
)
def test_other_addresses_are_not(value: str) -> None:
    assert Client().snapshot_of(value) is None
