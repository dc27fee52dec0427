"""Asking one server, carefully: public addresses only, vetted before connecting, a deadline."""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import socket
import ssl
import string
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from generator import COMMAND, __version__

# An honest user agent: sites that block robots belong in the allowlist, not behind a disguise.
USER_AGENT = f"Mozilla/5.0 (compatible; {COMMAND}-linkcheck/{__version__})"

# The statuses that send the checker elsewhere; other 3xx (300, 304) are alive, not followed.
REDIRECTS = frozenset({301, 302, 303, 307, 308})
SCHEMES = ("http", "https")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):
    """A URL the checker will not ask for; the message names it: ``private address 10.0.0.1``."""


def _remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; TimeoutError when there are none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


def _resolve(host: str, port: int, deadline: float) -> list[tuple[Any, ...]]:
    """getaddrinfo for TCP, within the deadline: it has no timeout, so it runs in a thread."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:  # a literal address: nothing to wait for
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[tuple[Any, ...]] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # noqa: BLE001 - handed to the asking thread as it is
            failed.append(exc)

    thread = threading.Thread(target=work, name=f"linkcheck-resolve {host}", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():  # left behind, a daemon; the check goes on without it
        raise TimeoutError(f"looking up {host} timed out")
    if failed:
        raise failed[0]
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``ip`` is on the public internet: not private, loopback, link-local, etc."""
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    for addr in (ip, mapped) if mapped is not None else (ip,):
        if (
            not addr.is_global
            or addr.is_private
            or addr.is_loopback
            or addr.is_link_local
            or addr.is_reserved
            or addr.is_multicast
            or addr.is_unspecified
        ):
            return False
    return True


def vetted(
    host: str, port: int, deadline: float, allow_private: Sequence[Network]
) -> list[tuple[int, tuple[Any, ...]]]:
    """Where ``host`` may be reached: (family, sockaddr) for every address it resolves to.

    Refused when any of them is not public (and not in ``allow_private``): a name that points
    at the machine itself or at its network is not a source anyone can read. The connection is
    then made to exactly these addresses, so a second answer from DNS cannot change them.
    """
    vetted: list[tuple[int, tuple[Any, ...]]] = []
    for family, _type, _proto, _name, sockaddr in _resolve(host, port, deadline):
        ip = ipaddress.ip_address(sockaddr[0])
        if not _public(ip) and not any(ip in net for net in allow_private):
            named = f" ({host})" if host != str(ip) else ""
            raise Refused(f"private address {ip}{named}")
        if (family, sockaddr) not in vetted:
            vetted.append((family, sockaddr))
    if not vetted:
        raise OSError(f"no address found for {host}")
    return vetted


class _DeadlineReader(io.RawIOBase):
    """Reads from a socket, each read given only what is left of the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """The socket as http.client sees it: a server dripping a byte at a time, each within a
    socket timeout, still cannot keep a check past its deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data)

    def close(self) -> None:
        self._sock.close()


@cache
def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


class Connection(http.client.HTTPConnection):
    """An HTTP connection to addresses already vetted, never to what the host name says now.

    The Host header (and for https, SNI and the certificate check) still use the host name.
    """

    def __init__(
        self, host: str, port: int, addresses: list[tuple[int, tuple[Any, ...]]], deadline: float
    ) -> None:
        super().__init__(host, port)
        self._addresses = addresses
        self._deadline = deadline

    def connect(self) -> None:
        error: OSError = OSError(f"no address to connect to for {self.host}")
        for family, sockaddr in self._addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(_remaining(self._deadline))
                sock.connect(sockaddr)
            except OSError as exc:  # refused, unreachable or timed out: try the next address
                sock.close()
                error = exc
                continue
            with contextlib.suppress(OSError):  # as http.client: not every system has it
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                sock = self._secure(sock)
            except BaseException:
                sock.close()
                raise
            self.sock = _DeadlineSocket(sock, self._deadline)  # type: ignore[assignment]
            return
        raise error

    def _secure(self, sock: socket.socket) -> socket.socket:
        return sock


class TLSConnection(Connection):
    default_port = http.client.HTTPS_PORT

    def _secure(self, sock: socket.socket) -> socket.socket:
        # The handshake's timeout is for the whole handshake, not for each read.
        sock.settimeout(_remaining(self._deadline))
        return _tls_context().wrap_socket(sock, server_hostname=self.host)


def percent_encoded(url: str, charset: str) -> str:
    """``url`` with what is not ASCII or not printable in its path, query and fragment
    percent-encoded in ``charset``, as browsers and urllib do; the host is left as it is."""
    parts = urlsplit(url)

    def enc(text: str) -> str:
        return quote(text, safe=string.punctuation, encoding=charset, errors="replace")

    return parts._replace(
        path=enc(parts.path), query=enc(parts.query), fragment=enc(parts.fragment)
    ).geturl()


def _ask(
    url: str, method: str, deadline: float, allow_private: Sequence[Network]
) -> tuple[int, str | None]:
    """One request, no redirects followed: the status and the Location header, if any.

    Raises Refused for a URL it will not ask for, TimeoutError, OSError or HTTPException.
    """
    # An entry's URL may be written as people read it (/wiki/北京): sent as UTF-8.
    parts = urlsplit(percent_encoded(url, "utf-8"))
    try:
        port = parts.port
    except ValueError as exc:
        raise Refused(f"malformed URL ({exc})") from None
    host = parts.hostname
    if not host:
        raise Refused("URL without a host")
    https = parts.scheme == "https"
    port = port or (http.client.HTTPS_PORT if https else http.client.HTTP_PORT)
    addresses = vetted(host, port, deadline, allow_private)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = (TLSConnection if https else Connection)(host, port, addresses, deadline)
    try:
        headers = {"User-Agent": USER_AGENT, "Connection": "close"}
        conn.request(method, target, headers=headers)
        resp = conn.getresponse()
        try:
            return resp.status, resp.getheader("Location")
        finally:
            resp.close()
    finally:
        conn.close()


@dataclass(frozen=True)
class Answer:
    code: int
    url: str  # the last URL asked for
    refused: str | None = None  # why a redirect was not followed


def fetch(
    url: str,
    method: str,
    deadline: float,
    allow_private: Sequence[Network],
    max_redirects: int,
) -> Answer:
    """Ask for ``url`` with ``method`` and follow its redirects, each hop checked like the first.

    The method is kept (HEAD stays HEAD). A redirect to a URL the checker will not ask for, back
    to a URL already asked for, or past ``max_redirects`` ends the chain with ``refused`` set.
    """
    current = url
    last_code, previous = 0, url  # the redirect that led to ``current``
    seen = {urldefrag(url).url}
    for hop in range(max_redirects + 1):
        try:
            code, location = _ask(current, method, deadline, allow_private)
        except Refused as exc:
            if hop == 0:
                raise
            return Answer(last_code, previous, f"redirect to a {exc} refused")
        if code not in REDIRECTS or not location:
            return Answer(code, current)
        try:
            # http.client read the header's bytes as ISO-8859-1: encoded so, they are sent back
            # as they came, UTF-8 or not.
            target = percent_encoded(urljoin(current, location.strip()), "iso-8859-1")
            scheme = urlsplit(target).scheme
        except ValueError as exc:  # an IPv6 host that is not one, for instance
            return Answer(code, current, f"redirect to a malformed URL ({exc}) refused")
        if scheme not in SCHEMES:
            return Answer(code, current, f"redirect to a {scheme}: URL refused")
        if urldefrag(target).url in seen:
            return Answer(code, current, "redirect loop")
        if hop == max_redirects:
            return Answer(code, current, f"too many redirects (more than {max_redirects})")
        seen.add(urldefrag(target).url)
        last_code, previous, current = code, current, target
    raise AssertionError("unreachable: the last hop returns")  # pragma: no cover
