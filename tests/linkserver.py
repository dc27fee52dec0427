"""A local HTTP server with an endpoint for each way a link can live or die, for the tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 1.5  # well past the timeout the tests give, well under pytest's patience


@dataclass
class ServerState:
    base: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
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

    def _handle(self) -> None:
        state = self.server.state
        with state.lock:
            state.requests.append((self.command, self.path))
            seen = sum(1 for _m, p in state.requests if p == self.path)
        match self.path:
            case "/ok":
                self._reply(200)
            case "/missing":
                self._reply(404)
            case "/broken":
                self._reply(500)
            case "/moved":
                self._reply(301, {"Location": "/ok"})
            case "/moved-to-missing":
                self._reply(302, {"Location": "/missing"})
            case "/slow":
                time.sleep(SLOW_SECONDS)
                try:
                    self._reply(200)
                except OSError:  # the checker gave up and hung up, as it should
                    pass
            case "/no-head":
                self._reply(405 if self.command == "HEAD" else 200)
            case "/flaky":
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
def serve() -> Iterator[ServerState]:
    """Run the server on 127.0.0.1 on a free port; yield its state with ``base`` set."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = ServerState(base=f"http://127.0.0.1:{server.server_address[1]}")
    # A short poll interval: shutdown() waits up to one interval, once per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
