"""A local HTTP server with an endpoint for each way a link can live or die, for the tests.

And a stand-in for DNS, to point made-up names at it (or anywhere else).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

SLOW_SECONDS = 1.5  # well past the timeout the tests give, well under pytest's patience
HOP_SECONDS = 0.3  # each hop of /slow-hop/N: quick alone, slow together
# What /bad-status answers instead of a status line: a bare CR, then a GitHub workflow command.
BAD_STATUS_LINE = b"junk\r::error title=injected::pwned by the server\r\n"


@dataclass
class ServerState:
    base: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    hosts: list[str] = field(default_factory=list)  # the Host header of each request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str, method: str | None = None) -> int:
        with self.lock:
            return sum(1 for m, p in self.requests if p == path and method in (None, m))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass  # keep pytest's output clean

    def _reply(self, code: int, headers: dict[str, str] | None = None) -> None:
        body = b"" if self.command == "HEAD" else f"{code}\n".encode()
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _drip(self, response: bytes, every: float, count: int) -> None:
        """The first ``count`` bytes one at a time, ``every`` seconds apart; then the rest."""
        try:
            for i in range(min(count, len(response))):
                self.wfile.write(response[i : i + 1])
                self.wfile.flush()
                time.sleep(every)
            self.wfile.write(response[count:])
        except OSError:  # the checker's deadline passed and it hung up, as it should
            pass

    def _handle(self) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append((self.command, self.path))
            state.hosts.append(self.headers.get("Host", ""))
            seen = sum(1 for _m, p in state.requests if p == self.path)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        match url.path.split("/")[1:]:
            case ["ok"]:
                self._reply(200)
            case ["missing"]:
                self._reply(404)
            case ["broken"]:
                self._reply(500)
            case ["moved"]:
                self._reply(301, {"Location": "/ok"})
            case ["moved-to-missing"]:
                self._reply(302, {"Location": "/missing"})
            case ["to"]:  # /to?u=LOCATION&code=302: a redirect anywhere at all
                self._reply(int(query.get("code", "302")), {"Location": query["u"]})
            case ["chain", "0"]:
                self._reply(200)
            case ["chain", n]:  # /chain/3 → /chain/2 → /chain/1 → /chain/0, which is there
                self._reply(302, {"Location": f"/chain/{int(n) - 1}"})
            case ["loop"]:
                self._reply(302, {"Location": "/loop"})
            case ["ping"]:
                self._reply(307, {"Location": "/pong"})
            case ["pong"]:
                self._reply(308, {"Location": "/ping#again"})
            case ["slow"]:
                time.sleep(SLOW_SECONDS)
                try:
                    self._reply(200)
                except OSError:  # the checker gave up and hung up, as it should
                    pass
            case ["slow-hop", n]:  # like /chain/N, each hop taking HOP_SECONDS
                time.sleep(HOP_SECONDS)
                try:
                    if n == "0":
                        self._reply(200)
                    else:
                        self._reply(302, {"Location": f"/slow-hop/{int(n) - 1}"})
                except OSError:  # the checker's deadline passed and it hung up, as it should
                    pass
            case ["drip"]:  # /drip?every=0.4&count=12: a server that answers a byte at a time
                response = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                self._drip(response, float(query["every"]), int(query["count"]))
                self.close_connection = True
            case ["bad-status"]:
                self.wfile.write(BAD_STATUS_LINE)
                self.close_connection = True
            case ["no-head"]:
                self._reply(405 if self.command == "HEAD" else 200)
            case ["flaky"]:
                self._reply(503 if seen == 1 else 200)  # fails the first time only
            case _:
                self._reply(404)

    do_HEAD = _handle
    do_GET = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # don't wait for /slow to finish sleeping when the test ends
    state: ServerState


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[ServerState]:
    """Run the server on 127.0.0.1 on a free port; yield its state with ``base`` set.

    With ``tls``, a server-side context, it speaks https instead.
    """
    server = _Server(("127.0.0.1", 0), _Handler)
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    server.state = ServerState(base=f"{scheme}://127.0.0.1:{server.server_address[1]}")
    with running(server):
        yield server.state


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[None]:
    """Serve in a daemon thread until the block ends, then shut the server down and close it.

    A short poll interval: shutdown() waits up to one interval, once per test."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


_real_getaddrinfo = socket.getaddrinfo


def fake_dns(
    names: Mapping[str, Sequence[str] | Callable[[], Sequence[str]]],
) -> Callable[..., Any]:
    """A getaddrinfo that answers for ``names`` (addresses, or a function giving them) itself.

    Other names go to the real one. For ``monkeypatch.setattr(socket, "getaddrinfo", ...)``.
    """

    def getaddrinfo(
        host: str, port: int, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[tuple[Any, ...]]:
        if host not in names:
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        answer = names[host]
        infos: list[tuple[Any, ...]] = []
        for address in answer() if callable(answer) else answer:
            if ipaddress.ip_address(address).version == 4:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
            else:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
        return infos

    return getaddrinfo


_real_connect = socket.socket.connect


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection to an address but 127.0.0.1 instead of making it.

    The tests point the checker at private addresses it must refuse; a checker that did not
    would otherwise really reach them (on a cloud runner, 169.254.169.254 is its metadata).
    """

    def connect(sock: socket.socket, address: Any) -> None:
        if address[0] != "127.0.0.1":
            raise AssertionError(f"the checker tried to connect to {address[0]}")
        _real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
