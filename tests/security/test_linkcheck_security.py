"""The link checker against servers that try to misuse it, all on the loopback.

Redirects to places it must not go (other schemes, the machine itself, its network), redirects
without end, answers that never finish, and text meant to write lines of its own into the
report or GitHub's log.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from linkserver import HOP_SECONDS, ServerState, fake_dns, loopback_only, serve

from generator.tools import linkcheck
from generator.tools.linkcheck import Link, Outcome, check_links, check_url

TIMEOUT = 0.5
LOCAL = ("127.0.0.1",)  # the test server; every other non-public address stays refused
SLACK = 0.5  # what a deadline may overrun by on a loaded CI machine


@pytest.fixture(autouse=True)
def _nowhere_but_the_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_only(monkeypatch)


@pytest.fixture
def server() -> Iterator[ServerState]:
    with serve() as state:
        yield state


def check(url: str, **kwargs: Any) -> Outcome:
    """check_url with the tests' defaults: quick, no retries, the test server allowed."""
    return check_url(url, **{"timeout": TIMEOUT, "retries": 0, "backoff": 0} | kwargs)


def redirect(server: ServerState, location: str, code: int = 302) -> str:
    """A URL on the test server that redirects to ``location``."""
    return f"{server.base}/to?code={code}&u={quote(location, safe='')}"


def port(server: ServerState) -> int:
    return int(server.base.rsplit(":", 1)[1])


# --- only http and https, on every hop --------------------------------------------------------


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "gopher://127.0.0.1/", "data:text/plain,hi", "javascript:1"]
)
def test_a_redirect_to_another_scheme_is_dead(server: ServerState, location: str) -> None:
    scheme = location.split(":", 1)[0]
    out = check(redirect(server, location), allow_private=LOCAL)
    assert (out.alive, out.code, out.detail) == (False, 302, f"redirect to a {scheme}: URL refused")
    assert out.final_url is None  # nothing past the first hop was asked for
    assert len(server.requests) == 1


def test_a_redirect_to_ftp_opens_no_connection(server: ServerState) -> None:
    with socket.create_server(("127.0.0.1", 0)) as ftp:
        ftp_port = ftp.getsockname()[1]
        out = check(redirect(server, f"ftp://127.0.0.1:{ftp_port}/pub"), allow_private=LOCAL)
        ftp.settimeout(0.2)
        with pytest.raises(TimeoutError):  # a connection would be waiting to be accepted
            ftp.accept()
    assert (out.alive, out.detail) == (False, "redirect to a ftp: URL refused")


# --- no private, loopback or link-local addresses, on every hop -------------------------------


def test_the_loopback_is_refused_without_the_option(server: ServerState) -> None:
    out = check(f"{server.base}/ok")
    assert (out.alive, out.code, out.detail) == (False, None, "private address 127.0.0.1 refused")
    assert server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://0.0.0.0/",  # unspecified: the machine itself, on Linux
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://127.0.0.2/",  # loopback, though not the one allowed
        "http://2130706434/",  # 127.0.0.2 written as a number, as getaddrinfo reads it
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[ff02::1]/",
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    started = time.monotonic()
    out = check(url, allow_private=LOCAL, timeout=5)
    assert (out.alive, out.code, out.attempts) == (False, None, 1)
    assert re.fullmatch(r"private address \S+( \(\S+\))? refused", out.detail), out.detail
    assert time.monotonic() - started < 1  # refused before connecting, not timed out


def test_a_name_is_refused_when_any_of_its_addresses_is_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dns = fake_dns({"intranet.test": ["10.1.2.3"], "mixed.test": ["93.184.215.14", "10.0.0.7"]})
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    out = check("http://intranet.test/wiki")
    assert (out.alive, out.detail) == (False, "private address 10.1.2.3 (intranet.test) refused")
    out = check("https://mixed.test/")
    assert (out.alive, out.detail) == (False, "private address 10.0.0.7 (mixed.test) refused")


@pytest.mark.parametrize(
    ("location", "address"),
    [
        ("http://127.0.0.2:{port}/ok", "127.0.0.2"),
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]:{port}/ok", ":1"),  # ::1, with the :: a workflow command needs taken out
        ("http://internal.test:{port}/ok", "10.9.8.7 (internal.test)"),
    ],
)
def test_a_redirect_to_a_private_address_is_dead(
    server: ServerState, monkeypatch: pytest.MonkeyPatch, location: str, address: str
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"internal.test": ["10.9.8.7"]}))
    out = check(redirect(server, location.format(port=port(server))), allow_private=LOCAL)
    assert (out.alive, out.code, out.detail, out.final_url) == (
        False,
        302,
        f"redirect to a private address {address} refused",
        None,
    )
    assert len(server.requests) == 1


def test_the_connection_goes_to_the_address_that_was_checked(
    server: ServerState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the first answer passes the check, a later one would point elsewhere
    # (127.0.0.2, where nothing listens). The checker must not ask DNS a second time.
    answers: list[str] = []

    def rebinding() -> list[str]:
        answers.append("127.0.0.1" if not answers else "127.0.0.2")
        return answers[-1:]

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"rebind.test": rebinding}))
    out = check(f"http://rebind.test:{port(server)}/ok", allow_private=LOCAL)
    assert (out.alive, out.code) == (True, 200)
    assert answers == ["127.0.0.1"]
    assert server.hosts == [f"rebind.test:{port(server)}"]  # the name, not the address


# --- redirects: followed here, method kept, bounded ------------------------------------------


def test_head_stays_head_through_redirects(server: ServerState) -> None:
    out = check(f"{server.base}/moved", allow_private=LOCAL)
    assert (out.alive, out.code, out.final_url) == (True, 200, f"{server.base}/ok")
    assert server.requests == [("HEAD", "/moved"), ("HEAD", "/ok")]


def test_head_stays_head_after_303_see_other(server: ServerState) -> None:
    out = check(redirect(server, "/ok", 303), allow_private=LOCAL)
    assert (out.alive, out.code) == (True, 200)
    assert [method for method, _ in server.requests] == ["HEAD", "HEAD"]


def test_head_refused_after_a_redirect_asks_again_with_get(server: ServerState) -> None:
    out = check(redirect(server, "/no-head"), allow_private=LOCAL)
    assert (out.alive, out.code, out.final_url) == (True, 200, f"{server.base}/no-head")
    assert [(m, p.split("?")[0]) for m, p in server.requests] == [
        ("HEAD", "/to"),
        ("HEAD", "/no-head"),
        ("GET", "/to"),
        ("GET", "/no-head"),
    ]


def test_a_redirect_to_itself_is_a_dead_loop(server: ServerState) -> None:
    out = check(f"{server.base}/loop", allow_private=LOCAL, retries=2)
    assert (out.alive, out.code, out.detail, out.attempts) == (False, 302, "redirect loop", 1)
    assert server.count("/loop") == 1


def test_a_redirect_back_is_a_dead_loop(server: ServerState) -> None:
    out = check(f"{server.base}/ping", allow_private=LOCAL)
    assert (out.alive, out.code, out.detail) == (False, 308, "redirect loop")
    assert out.final_url == f"{server.base}/pong"
    assert server.requests == [("HEAD", "/ping"), ("HEAD", "/pong")]


def test_ten_redirects_are_followed(server: ServerState) -> None:
    out = check(f"{server.base}/chain/10", allow_private=LOCAL)
    assert (out.alive, out.code, out.final_url) == (True, 200, f"{server.base}/chain/0")
    assert len(server.requests) == 11


def test_eleven_redirects_are_too_many(server: ServerState) -> None:
    out = check(f"{server.base}/chain/11", allow_private=LOCAL)
    assert (out.alive, out.code, out.detail) == (False, 302, "too many redirects (more than 10)")
    assert out.final_url == f"{server.base}/chain/1"
    assert len(server.requests) == 11


def test_the_redirect_limit_can_be_lowered(server: ServerState) -> None:
    out = check(f"{server.base}/chain/3", allow_private=LOCAL, max_redirects=2)
    assert (out.alive, out.detail) == (False, "too many redirects (more than 2)")


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://[oops/", "Invalid IPv6 URL"),
        ("http://127.0.0.1:99999/", "Port out of range 0-65535"),
    ],
)
def test_a_redirect_to_a_malformed_url_is_dead(
    server: ServerState, location: str, why: str
) -> None:
    out = check(redirect(server, location), allow_private=LOCAL)
    assert (out.alive, out.detail) == (False, f"redirect to a malformed URL ({why}) refused")


def test_a_malformed_url_is_dead_not_an_exception() -> None:
    out = check("http://[oops/x")
    assert (out.alive, out.detail, out.attempts) == (False, "not a valid URL: Invalid IPv6 URL", 0)


def test_non_ascii_urls_are_sent_percent_encoded(server: ServerState) -> None:
    # As a browser does: UTF-8 for what the entry says; a Location header's raw bytes as sent.
    encoded = quote("/小红书")
    out = check(f"{server.base}/小红书", allow_private=LOCAL)
    assert (out.code, out.detail) == (404, "404 Not Found")
    raw_location = "/小红书".encode().decode("latin-1")  # UTF-8 bytes, as http.client reads them
    out = check(redirect(server, raw_location), allow_private=LOCAL)
    assert (out.code, out.final_url) == (404, f"{server.base}{encoded}")
    assert [p for _m, p in server.requests if not p.startswith("/to")] == [encoded, encoded]


# --- a deadline for the whole try ------------------------------------------------------------


def test_a_server_dripping_bytes_is_cut_off_at_the_timeout(server: ServerState) -> None:
    # A byte every 0.4 s: each read is well within 1 s, so a timeout per read never fires;
    # the old checker waited the 4.8 s the first 12 bytes took and called the link alive.
    url = f"{server.base}/drip?every=0.4&count=12"
    started = time.monotonic()
    out = check(url, allow_private=LOCAL, timeout=1)
    elapsed = time.monotonic() - started
    assert (out.alive, out.code, out.detail, out.attempts) == (
        False,
        None,
        "timed out after 1 s",
        1,
    )
    assert 0.9 < elapsed < 1 + SLACK, elapsed


def test_each_retry_of_a_dripping_server_has_its_own_deadline(server: ServerState) -> None:
    url = f"{server.base}/drip?every=0.4&count=12"
    started = time.monotonic()
    out = check(url, allow_private=LOCAL, timeout=0.6, retries=1, backoff=0)
    elapsed = time.monotonic() - started
    assert (out.alive, out.detail, out.attempts) == (False, "timed out after 0.6 s", 2)
    assert elapsed < 2 * 0.6 + SLACK, elapsed  # (retries + 1) * timeout, as documented


def test_the_deadline_covers_every_redirect(server: ServerState) -> None:
    # Five hops of 0.3 s each: every one answers in time, together they take too long.
    started = time.monotonic()
    out = check(f"{server.base}/slow-hop/5", allow_private=LOCAL, timeout=1)
    elapsed = time.monotonic() - started
    assert (out.alive, out.detail) == (False, "timed out after 1 s")
    assert elapsed < 1 + SLACK, elapsed
    assert server.count("/slow-hop/0") == 0
    assert HOP_SECONDS * 6 > 1  # the chain really is longer than the timeout


def test_the_deadline_covers_a_slow_name_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def stuck() -> list[str]:
        release.wait(5)  # a resolver that does not answer (bounded, so no thread outlives us)
        return ["93.184.215.14"]

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"stuck.test": stuck}))
    started = time.monotonic()
    try:
        out = check("http://stuck.test/", timeout=0.5)
    finally:
        release.set()
    assert (out.alive, out.detail) == (False, "timed out after 0.5 s")
    assert time.monotonic() - started < 0.5 + SLACK


# --- what a server says cannot write lines of its own ----------------------------------------


def _lines(text: str) -> list[str]:
    """Lines as GitHub's runner reads them: a bare CR ends one too."""
    return re.split(r"\r\n|\r|\n", text)


def test_a_server_cannot_inject_lines_or_workflow_commands(server: ServerState) -> None:
    # /bad-status answers "junk\r::error title=injected::pwned ...": a bare CR, then a command.
    results = check_links(
        [Link(f"{server.base}/bad-status", "entries/x.yaml:3")],
        timeout=TIMEOUT,
        retries=0,
        backoff=0,
        allow_private=LOCAL,
    )
    [result] = results
    assert result.status == "dead"
    assert result.detail == "junk :error title=injected:pwned by the server"
    for text in (linkcheck.format_text(results), linkcheck.format_github(results)):
        commands = [line for line in _lines(text) if line.lstrip().startswith("::")]
        assert commands == [line for line in commands if line.startswith("::warning file=")]
        assert "::error" not in text
    assert len(_lines(linkcheck.format_text(results))) == 3  # the dead link, totals, the end


def test_a_final_url_is_cleaned_too(server: ServerState) -> None:
    # A folded Location header: its second line begins, after the fold, with a command.
    out = check(redirect(server, "/missing\r\n ::error::x"), allow_private=LOCAL)
    assert out.final_url is not None and out.code == 404
    assert "::" not in out.final_url and "\n" not in out.final_url and "\r" not in out.final_url


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a\r\nb", "a b"),
        ("a\rb\nc", "a b c"),
        ("::error::x", ":error:x"),
        ("a:::::b", "a:b"),
        ("x\u2028::y\x85z", "x :y z"),
        ("  tabs\tand\x00nul  ", "tabs and nul"),
    ],
)
def test_clean(text: str, clean: str) -> None:
    assert linkcheck.printable(text) == clean
