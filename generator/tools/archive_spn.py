"""Asking the Internet Archive's Save Page Now (SPN) for a snapshot of a page, politely."""

from __future__ import annotations

import http.client
import re
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from generator import COMMAND, __version__
from generator.format.fields import URL_MAX, URL_PATTERN
from generator.tools.linkcheck import describe_status, printable
from generator.tools.linkcheck_http import (
    SCHEMES,
    Connection,
    Network,
    Refused,
    TLSConnection,
    percent_encoded,
    vetted,
)

DEFAULT_ENDPOINT = "https://web.archive.org"
USER_AGENT = f"{COMMAND}-archive/{__version__} (+Save Page Now client)"
# Worth another try after a pause: the archive is busy or briefly down. Other 4xx will not change.
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 522, 523, 524})
ERROR_HEADER = "X-Archive-Wayback-Runtime-Error"
# /web/20250118093000/https://example.org/a, optionally with a mode flag (id_, if_) after it.
_SNAPSHOT_PATH = re.compile(r"/web/\d{14}(?:[a-z]{2}_)?/\S+")
# What a snapshot address written into an entry may hold: RFC 3986's characters, no quotes.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")
_LINK = re.compile(r"<([^>]*)>([^<]*)")


def pause(seconds: float) -> None:
    """Wait between requests (the tests replace it, to count the waits instead)."""
    time.sleep(seconds)


def parse_endpoint(endpoint: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``https://web.archive.org``; ValueError says what is wrong."""
    try:
        parts = urlsplit(endpoint.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("must be an http:// or https:// address such as https://web.archive.org")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("must be a bare address, without a user, query or fragment")
    if parts.path not in ("", "/"):
        raise ValueError("must not have a path: the archive's /save/ and /web/ are at its root")
    default = http.client.HTTPS_PORT if parts.scheme == "https" else http.client.HTTP_PORT
    return parts.scheme, parts.hostname, port or default


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Capture:
    """What asking for one URL gave: the snapshot's address, or why there is none."""

    url: str
    snapshot: str | None
    detail: str
    attempts: int
    stop: bool = False  # the archive cannot be reached or wants a rest: ask for nothing more


@dataclass(frozen=True)
class _Reply:
    code: int
    headers: http.client.HTTPMessage


class Client:
    """Save Page Now at ``endpoint``: one capture at a time, each with its own retries.

    ``timeout`` is each try's deadline (the archive fetches the page while the request waits).
    A failed try is repeated up to ``retries`` times after ``backoff`` seconds, doubling each
    time; a ``Retry-After`` the archive sends is honoured, unless it is longer than
    ``max_wait``, and then the run stops. ``allow_private`` networks may hold the endpoint
    (for tests against 127.0.0.1; refused otherwise, as the link checker refuses them).
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 10.0,
        max_wait: float = 600.0,
        allow_private: Sequence[Network] = (),
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.scheme, self.host, self.port = parse_endpoint(endpoint)
        default = http.client.HTTPS_PORT if self.scheme == "https" else http.client.HTTP_PORT
        netloc = self.host if ":" not in self.host else f"[{self.host}]"
        self.base = f"{self.scheme}://{netloc}" + (f":{self.port}" if self.port != default else "")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.allow_private = tuple(allow_private)
        self.sleep = sleep or pause

    # --- one request --------------------------------------------------------------------------

    def _get(self, target: str) -> _Reply:
        deadline = time.monotonic() + self.timeout
        addresses = vetted(self.host, self.port, deadline, self.allow_private)
        kind = TLSConnection if self.scheme == "https" else Connection
        conn = kind(self.host, self.port, addresses, deadline)
        try:
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Connection": "close"})
            resp = conn.getresponse()
            try:
                return _Reply(resp.status, resp.headers)
            finally:
                resp.close()
        finally:
            conn.close()

    def snapshot_of(self, value: str | None) -> str | None:
        """``value`` (a header's address) as an absolute snapshot URL, if it is a safe one."""
        if not value:
            return None
        try:
            # http.client read the header as ISO-8859-1: encoded so, its bytes go back as sent.
            url = urljoin(self.base + "/", percent_encoded(value.strip(), "iso-8859-1"))
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return None
        default = http.client.HTTPS_PORT if parts.scheme == "https" else http.client.HTTP_PORT
        if (
            parts.scheme not in SCHEMES
            or (parts.hostname, port or default) != (self.host, self.port)
            or not _SNAPSHOT_PATH.fullmatch(parts.path + (f"?{parts.query}" if parts.query else ""))
            or parts.fragment
            or len(url) > URL_MAX
            or not _URL_CHARS.fullmatch(url)
            or not re.fullmatch(URL_PATTERN, url)
        ):
            return None
        return url

    def _found(self, reply: _Reply) -> str | None:
        """The snapshot's address in a successful answer: Content-Location, Link, Location."""
        candidates = [reply.headers.get("Content-Location")]
        for link in reply.headers.get_all("Link") or []:
            for target, params in _LINK.findall(link):
                rel = re.search(r'rel\s*=\s*"?([^";,]*)', params)
                if rel and "memento" in rel.group(1).split():
                    candidates.append(target)
        if 300 <= reply.code < 400:
            candidates.append(reply.headers.get("Location"))
        for value in candidates:
            found = self.snapshot_of(value)
            if found:
                return found
        return None

    # --- one capture, with retries ------------------------------------------------------------

    def capture(self, url: str) -> Capture:
        """Ask the archive to save ``url``; never raises for what the network or archive does."""
        try:
            scheme = urlsplit(url).scheme
            target = "/save/" + percent_encoded(urldefrag(url).url, "utf-8")
        except ValueError as exc:
            return Capture(url, None, printable(f"not a valid URL: {exc}"), 0)
        if scheme not in SCHEMES:
            return Capture(url, None, "not an http or https URL", 0)
        detail = "not asked"
        for attempt in range(1, self.retries + 2):
            try:
                reply = self._get(target)
            except Refused as exc:
                hint = " (--allow-private-address is for tests)" if "private" in str(exc) else ""
                return Capture(url, None, printable(f"endpoint {exc} refused{hint}"), attempt, True)
            except TimeoutError:
                detail, wait, unreachable = f"timed out after {self.timeout:g} s", None, False
            except (ConnectionRefusedError, socket.gaierror) as exc:
                detail, wait, unreachable = (
                    printable(f"cannot reach {self.base}: {exc}"),
                    None,
                    True,
                )
            except (OSError, ValueError, http.client.HTTPException) as exc:
                detail, wait, unreachable = printable(str(exc) or type(exc).__name__), None, False
            else:
                unreachable = False
                error = reply.headers.get(ERROR_HEADER)
                described = describe_status(reply.code) + (f": {printable(error)}" if error else "")
                if reply.code < 400 and not error:
                    found = self._found(reply)
                    if found:
                        return Capture(url, found, described, attempt)
                    return Capture(url, None, f"{described} without a snapshot address", attempt)
                if reply.code not in RETRYABLE:
                    return Capture(url, None, described, attempt)
                detail = described
                wait = retry_after(reply.headers.get("Retry-After"))
                if wait is not None and wait > self.max_wait:
                    why = f"{detail}; asked to wait {wait:.0f} s, more than --max-wait"
                    return Capture(url, None, why, attempt, True)
            if attempt > self.retries:
                throttled = detail.startswith("429")
                return Capture(url, None, detail, attempt, throttled or unreachable)
            pause = self.backoff * 2 ** (attempt - 1)
            self.sleep(min(max(pause, wait or 0.0), self.max_wait))
        raise AssertionError("unreachable: the last try returns")  # pragma: no cover
