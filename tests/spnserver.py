"""A stand-in for the Internet Archive's Save Page Now (SPN), on 127.0.0.1, for the tests.

It answers ``GET /save/<url>`` the way SPN is documented and observed to answer, choosing by
the last segment of ``<url>``'s path (``https://example.org/busy`` → ``busy``):

- success, as ``web.archive.org/save/`` answers a capture (the behaviour the ``savepagenow``
  client relies on, palewire/savepagenow ``api.py``): 200 with the snapshot's path in
  ``Content-Location: /web/<14-digit timestamp>/<url>`` (``ok`` and any other name);
- ``link``: 200 with no Content-Location, the snapshot in a ``Link`` header with
  ``rel="memento"`` (how SPN answers non-HTML captures; savepagenow's fallback);
- ``redirect``: 302 to the snapshot in ``Location`` (how SPN answers a browser);
- ``origin-header``: 200 whose Content-Location is the captured page's own relative one
  (``Overview.html``), which SPN passes through (oduwsdl/archivenow issue 36): not a snapshot;
- ``elsewhere``: 200 with a Content-Location on another host: not a snapshot of this archive;
- ``refused``: a URL it refuses: 403 with ``X-Archive-Wayback-Runtime-Error:
  AdministrativeAccessControlException: Blocked Site Error``; ``robots``: 403 with
  ``RobotAccessControlException: Blocked By Robots`` (the header savepagenow checks);
- ``busy``: 429 Too Many Requests with ``Retry-After`` (``ServerState.retry_after`` seconds)
  the first time, then success; ``throttled``: 429 every time;
- ``flaky``: 502 Bad Gateway the first time, then success; ``down``: 503 every time;
  ``unknown``: 520, SPN's "unknown error", every time.

Every request is recorded, so tests can count what was asked for and when.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from linkserver import running

TIMESTAMP = "20250118093000"
ERROR_HEADER = "X-Archive-Wayback-Runtime-Error"


@dataclass
class ServerState:
    base: str = ""
    requests: list[str] = field(default_factory=list)  # the URL asked to save, in order
    retry_after: str = "7"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, url: str) -> int:
        with self.lock:
            return self.requests.count(url)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass

    def _reply(self, code: int, headers: dict[str, str] | None = None) -> None:
        body = f"{code}\n".encode()
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib's name
        state = self.server.state
        if not self.path.startswith("/save/"):
            self._reply(404)
            return
        url = self.path[len("/save/") :]
        with state.lock:
            state.requests.append(url)
            seen = state.requests.count(url)
        snapshot = f"/web/{TIMESTAMP}/{url}"
        saved = {"Content-Location": snapshot, "X-Page-Cache": "MISS"}
        name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        match name:
            case "link":
                memento = f'<{url}>; rel="original", <{state.base}{snapshot}>; rel="memento"'
                self._reply(200, {"Link": memento})
            case "redirect":
                self._reply(302, {"Location": snapshot})
            case "origin-header":
                self._reply(200, {"Content-Location": "Overview.html"})
            case "elsewhere":
                self._reply(200, {"Content-Location": f"https://evil.example{snapshot}"})
            case "refused":
                blocked = "AdministrativeAccessControlException: Blocked Site Error"
                self._reply(403, {ERROR_HEADER: blocked})
            case "robots":
                self._reply(403, {ERROR_HEADER: "RobotAccessControlException: Blocked By Robots"})
            case "busy" if seen == 1:
                self._reply(429, {"Retry-After": state.retry_after})
            case "throttled":
                self._reply(429, {"Retry-After": state.retry_after})
            case "flaky" if seen == 1:
                self._reply(502)
            case "down":
                self._reply(503)
            case "unknown":
                self._reply(520)
            case _:
                self._reply(200, saved)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    state: ServerState


@contextmanager
def serve() -> Iterator[ServerState]:
    """Run the fake archive on 127.0.0.1 on a free port; yield its state with ``base`` set."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = ServerState(base=f"http://127.0.0.1:{server.server_address[1]}")
    with running(server):
        yield server.state
