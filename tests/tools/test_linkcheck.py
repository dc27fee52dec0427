"""The link checker's core, against a local HTTP server only: never the internet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkserver import ServerState, serve

from generator.tools import linkcheck
from generator.tools.linkcheck import Link, allowlisted, check_links, check_url, read_allowlist

# Short enough to keep the suite quick, long enough for a loaded 2-core CI machine to answer.
TIMEOUT = 0.5
# The test server's address: loopback, which the checker refuses unless told otherwise.
LOCAL = ("127.0.0.1",)


@pytest.fixture
def server() -> Iterator[ServerState]:
    with serve() as state:
        yield state


def test_ok_is_alive_after_one_head_request(server: ServerState) -> None:
    out = check_url(f"{server.base}/ok", timeout=TIMEOUT, retries=1, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.code, out.detail, out.attempts) == (True, 200, "200 OK", 1)
    assert server.requests == [("HEAD", "/ok")]


def test_404_is_dead_and_not_retried(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/missing", timeout=TIMEOUT, retries=2, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code, out.detail, out.attempts) == (False, 404, "404 Not Found", 1)
    assert server.count("/missing") == 1


def test_500_is_dead_after_every_retry(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/broken", timeout=TIMEOUT, retries=2, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code, out.detail, out.attempts) == (
        False,
        500,
        "500 Internal Server Error",
        3,
    )
    assert server.count("/broken") == 3


def test_redirect_is_followed_and_alive(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/moved", timeout=TIMEOUT, retries=0, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code, out.final_url) == (True, 200, f"{server.base}/ok")


def test_redirect_to_a_missing_page_is_dead(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/moved-to-missing",
        timeout=TIMEOUT,
        retries=0,
        backoff=0,
        allow_private=LOCAL,
    )
    assert (out.alive, out.code, out.final_url) == (False, 404, f"{server.base}/missing")


def test_slow_endpoint_times_out(server: ServerState) -> None:
    out = check_url(f"{server.base}/slow", timeout=0.2, retries=1, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.code, out.detail, out.attempts) == (
        False,
        None,
        "timed out after 0.2 s",
        2,
    )


def test_head_refused_falls_back_to_get(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/no-head", timeout=TIMEOUT, retries=0, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code) == (True, 200)
    assert server.requests == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_flaky_endpoint_passes_on_the_retry(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/flaky", timeout=TIMEOUT, retries=1, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code, out.attempts) == (True, 200, 2)


def test_flaky_endpoint_is_dead_without_retries(server: ServerState) -> None:
    out = check_url(
        f"{server.base}/flaky", timeout=TIMEOUT, retries=0, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code, out.detail) == (False, 503, "503 Service Unavailable")


def test_refused_connection_is_dead(server: ServerState) -> None:
    # Port 9 on the loopback: nothing listens there, so the connection is refused at once.
    out = check_url(
        "http://127.0.0.1:9/", timeout=TIMEOUT, retries=0, backoff=0, allow_private=LOCAL
    )
    assert (out.alive, out.code) == (False, None)
    assert out.detail.endswith("] Connection refused"), out.detail  # errno differs by OS


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "not a url"])
def test_only_http_urls_are_opened(url: str) -> None:
    out = check_url(url, timeout=TIMEOUT, retries=3, backoff=0, allow_private=LOCAL)
    assert (out.alive, out.detail, out.attempts) == (False, "not an http or https URL", 0)


def test_allowlist_file_hosts_prefixes_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "allow.txt"
    path.write_text(
        "# sites that block robots\n\nxiaohongshu.com  # logs in first\n"
        "https://example.org/private/\n",
        encoding="utf-8",
    )
    rules = read_allowlist(path)
    assert rules == ("xiaohongshu.com", "https://example.org/private/")
    assert allowlisted("https://www.xiaohongshu.com/explore/1", rules) == "xiaohongshu.com"
    assert allowlisted("https://xiaohongshu.com/", rules) == "xiaohongshu.com"
    assert allowlisted("https://notxiaohongshu.com/", rules) is None
    assert allowlisted("https://example.org/private/a", rules) == "https://example.org/private/"
    assert allowlisted("https://example.org/public", rules) is None


def test_check_links_all_endpoints_concurrently(server: ServerState) -> None:
    b = server.base
    links = [
        Link(f"{b}/ok", "entries/events/a.yaml:5"),
        Link(f"{b}/missing", "entries/events/a.yaml:9"),
        Link(f"{b}/ok", "entries/quotes/b.yaml:7"),  # the same URL twice: asked for once
        Link(f"{b}/slow", "entries/events/a.yaml:12", "archive_url"),
        Link(f"{b}/flaky", "entries/lists/c.yaml:4"),
        Link(f"{b}/no-head", "entries/lists/c.yaml:8"),
        Link(f"{b}/moved", "entries/lists/c.yaml:11"),
        Link(f"{b}/broken", "entries/lists/c.yaml:15"),
    ]
    results = check_links(
        links,
        allowlist=(f"{b}/ok",),
        concurrency=4,
        timeout=TIMEOUT,
        retries=1,
        backoff=0,
        allow_private=LOCAL,
    )
    assert [r.link for r in results] == links
    assert [r.status for r in results] == [
        "skipped",
        "dead",
        "skipped",
        "dead",
        "alive",
        "alive",
        "alive",
        "dead",
    ]
    assert server.count("/ok") == 1  # only the redirect's target: the allowlisted link is skipped
    assert linkcheck.format_text(results) == (
        f"entries/events/a.yaml:9: dead: {b}/missing (404 Not Found)\n"
        f"entries/events/a.yaml:12: dead: {b}/slow (timed out after {TIMEOUT:g} s, 2 attempts)\n"
        f"entries/lists/c.yaml:15: dead: {b}/broken (500 Internal Server Error, 2 attempts)\n"
        f"entries/events/a.yaml:5: skipped: {b}/ok (allowlisted: {b}/ok)\n"
        f"entries/quotes/b.yaml:7: skipped: {b}/ok (allowlisted: {b}/ok)\n"
        "Checked 8 links: 3 alive, 3 dead, 2 skipped.\n"
    )


def test_json_report_lists_every_link(server: ServerState) -> None:
    b = server.base
    results = check_links(
        [Link(f"{b}/ok", "entries/events/a.yaml:5"), Link(f"{b}/missing", "x.yaml:2")],
        timeout=TIMEOUT,
        retries=0,
        backoff=0,
        allow_private=LOCAL,
    )
    data = json.loads(linkcheck.format_json(results))
    assert {k: data[k] for k in ("checked", "alive", "dead", "skipped")} == {
        "checked": 2,
        "alive": 1,
        "dead": 1,
        "skipped": 0,
    }
    assert data["links"][1] == {
        "url": f"{b}/missing",
        "where": "x.yaml:2",
        "field": "url",
        "status": "dead",
        "code": 404,
        "detail": "404 Not Found",
        "attempts": 1,
        "final_url": None,
    }


def test_github_report_warns_on_dead_links_then_reports(server: ServerState) -> None:
    b = server.base
    results = check_links(
        [Link(f"{b}/ok", "entries/events/a.yaml:5"), Link(f"{b}/missing", "entries/x.yaml:2")],
        timeout=TIMEOUT,
        retries=0,
        backoff=0,
        allow_private=LOCAL,
    )
    port = b.rsplit(":", 1)[1]
    assert linkcheck.format_github(results) == (
        "::warning file=entries/x.yaml,line=2,title=Dead link::"
        f"http://127.0.0.1:{port}/missing (404 Not Found)\n"
        f"entries/x.yaml:2: dead: http://127.0.0.1:{port}/missing (404 Not Found)\n"
        "Checked 2 links: 1 alive, 1 dead, 0 skipped.\n"
    )
