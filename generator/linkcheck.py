"""Check that every source link in the entries still answers, and report the dead ones.

The checker asks servers it does not trust, on behalf of whoever runs it (a CI runner, a
curator's laptop), so it is careful about where it goes: only http and https, only public
addresses, redirects followed one hop at a time and each hop checked again, a wall-clock
deadline for every try, and nothing a server says printed before it is cleaned.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import json
import logging
import re
import socket
import ssl
import string
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache
from http.client import HTTPException, responses
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from generator import __version__
from generator.errors import RecordError
from generator.model import Corpus
from generator.problems import display_path

log = logging.getLogger(__name__)

# An honest user agent: sites that block robots belong in the allowlist, not behind a disguise.
USER_AGENT = f"Mozilla/5.0 (compatible; rednote-record-linkcheck/{__version__})"
DEFAULT_ALLOWLIST = Path("linkcheck-allowlist.txt")

# Servers that refuse HEAD say so in different ways; GET tells whether the page is there.
HEAD_REFUSED = frozenset({400, 403, 405, 501})
# Worth another try: the server or the network may do better a moment later. A 404 will not.
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
# The statuses that send the checker elsewhere; other 3xx (300, 304) are alive, not followed.
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10  # as many as urllib followed; a real page is rarely more than 3 away
SCHEMES = ("http", "https")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class DeadLinksFound(RecordError):
    """``--fail-on-dead`` was given and some links are dead."""


@dataclass(frozen=True)
class Link:
    """A URL and where it was found: ``entries/events/foo.yaml:12``."""

    url: str
    where: str
    field: str = "url"  # url or archive_url


@dataclass(frozen=True)
class Outcome:
    """What asking for one URL gave: alive or not, the status or error, and how many tries."""

    alive: bool
    code: int | None
    detail: str
    attempts: int
    final_url: str | None = None  # where redirects led, when that differs from the URL


@dataclass(frozen=True)
class Result:
    link: Link
    status: str  # alive, dead or skipped
    code: int | None
    detail: str
    attempts: int
    final_url: str | None = None


def read_allowlist(path: Path) -> tuple[str, ...]:
    """Hosts or URL prefixes, one a line; ``#`` starts a comment."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rule = line.split("#", 1)[0].strip()
        if rule:
            rules.append(rule)
    return tuple(rules)


def allowlisted(url: str, rules: Sequence[str]) -> str | None:
    """The rule that matches ``url``, if any. A host matches itself and its subdomains."""
    host = (urlsplit(url).hostname or "").lower()
    for rule in rules:
        if "://" in rule:
            if url.startswith(rule):
                return rule
        else:
            bare = rule.lower().strip(".")
            if host == bare or host.endswith("." + bare):
                return rule
    return None


def parse_networks(values: Iterable[str | Network]) -> tuple[Network, ...]:
    """``127.0.0.1``, ``10.0.0.0/8`` or ``::1`` as networks; ValueError names a wrong one."""
    networks = []
    for value in values:
        if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
            networks.append(value)
            continue
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address or network (like 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


# --- asking one server, carefully ------------------------------------------------------------

# Line breaks (and the other control characters) would let a server start a line of its own in
# the report; in GitHub's log that line could be a workflow command such as ::error or
# ::add-mask. Unicode's own line separators count too.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _clean(text: str) -> str:
    """Server-supplied text made safe to print: one line, no ``::`` to start a command with."""
    text = _UNPRINTABLE.sub(" ", text).strip()
    while "::" in text:
        text = text.replace("::", ":")
    return text


def _describe(code: int) -> str:
    return f"{code} {responses.get(code, 'HTTP status')}"


class _Refused(Exception):
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


def _vetted(
    host: str, port: int, deadline: float, allow_private: Sequence[Network]
) -> list[tuple[int, tuple[Any, ...]]]:
    """Where ``host`` may be reached: (family, sockaddr) for every address it resolves to.

    _Refused when any of them is not public (and not in ``allow_private``): a name that points
    at the machine itself or at its network is not a source anyone can read. The connection is
    then made to exactly these addresses, so a second answer from DNS cannot change them.
    """
    vetted: list[tuple[int, tuple[Any, ...]]] = []
    for family, _type, _proto, _name, sockaddr in _resolve(host, port, deadline):
        ip = ipaddress.ip_address(sockaddr[0])
        if not _public(ip) and not any(ip in net for net in allow_private):
            named = f" ({host})" if host != str(ip) else ""
            raise _Refused(f"private address {ip}{named}")
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


class _Connection(http.client.HTTPConnection):
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


class _TLSConnection(_Connection):
    default_port = http.client.HTTPS_PORT

    def _secure(self, sock: socket.socket) -> socket.socket:
        # The handshake's timeout is for the whole handshake, not for each read.
        sock.settimeout(_remaining(self._deadline))
        return _tls_context().wrap_socket(sock, server_hostname=self.host)


def _percent_encoded(url: str, charset: str) -> str:
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

    Raises _Refused for a URL it will not ask for, TimeoutError, OSError or HTTPException.
    """
    # An entry's URL may be written as people read it (/wiki/小红书): sent as UTF-8.
    parts = urlsplit(_percent_encoded(url, "utf-8"))
    try:
        port = parts.port
    except ValueError as exc:
        raise _Refused(f"malformed URL ({exc})") from None
    host = parts.hostname
    if not host:
        raise _Refused("URL without a host")
    https = parts.scheme == "https"
    port = port or (http.client.HTTPS_PORT if https else http.client.HTTP_PORT)
    addresses = _vetted(host, port, deadline, allow_private)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = (_TLSConnection if https else _Connection)(host, port, addresses, deadline)
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
class _Answer:
    code: int
    url: str  # the last URL asked for
    refused: str | None = None  # why a redirect was not followed


def _fetch(
    url: str,
    method: str,
    deadline: float,
    allow_private: Sequence[Network],
    max_redirects: int,
) -> _Answer:
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
        except _Refused as exc:
            if hop == 0:
                raise
            return _Answer(last_code, previous, f"redirect to a {exc} refused")
        if code not in REDIRECTS or not location:
            return _Answer(code, current)
        try:
            # http.client read the header's bytes as ISO-8859-1: encoded so, they are sent back
            # as they came, UTF-8 or not.
            target = _percent_encoded(urljoin(current, location.strip()), "iso-8859-1")
            scheme = urlsplit(target).scheme
        except ValueError as exc:  # an IPv6 host that is not one, for instance
            return _Answer(code, current, f"redirect to a malformed URL ({exc}) refused")
        if scheme not in SCHEMES:
            return _Answer(code, current, f"redirect to a {scheme}: URL refused")
        if urldefrag(target).url in seen:
            return _Answer(code, current, "redirect loop")
        if hop == max_redirects:
            return _Answer(code, current, f"too many redirects (more than {max_redirects})")
        seen.add(urldefrag(target).url)
        last_code, previous, current = code, current, target
    raise AssertionError("unreachable: the last hop returns")  # pragma: no cover


def check_url(
    url: str,
    *,
    timeout: float = 10.0,
    retries: int = 1,
    backoff: float = 1.0,
    allow_private: Iterable[str | Network] = (),
    max_redirects: int = MAX_REDIRECTS,
) -> Outcome:
    """Ask for ``url``: HEAD first, GET when HEAD is refused, ``retries`` more tries on failure.

    2xx and 3xx are alive. Only http and https are opened, on every hop: a ``file:`` URL in an
    entry, or a redirect to one, must never make the checker read the machine's files. Hosts
    that resolve to a private, loopback, link-local, reserved, multicast or unspecified address
    are refused, unless the address is in one of the ``allow_private`` networks (for tests).
    Redirects are followed here, up to ``max_redirects``, each hop checked the same way; one
    that is refused, loops or goes on too long makes the link dead, saying why.

    ``timeout`` is a deadline for each try, not for each read: connecting, every redirect, the
    GET after a refused HEAD and every byte of the answers must be done ``timeout`` seconds
    after the try starts. So one URL takes at most ``(retries + 1) * timeout`` seconds, plus
    the pauses between tries (``backoff`` seconds times the try's number).
    """
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:  # http://[not-ipv6]/: no request can be made
        return Outcome(False, None, _clean(f"not a valid URL: {exc}"), 0)
    if scheme not in SCHEMES:
        return Outcome(False, None, "not an http or https URL", 0)
    allowed = parse_networks(allow_private)
    outcome = Outcome(False, None, "not checked", 0)
    for attempt in range(1, retries + 2):
        if attempt > 1:
            time.sleep(backoff * (attempt - 1))
        deadline = time.monotonic() + timeout
        try:
            answer = _fetch(url, "HEAD", deadline, allowed, max_redirects)
            if answer.refused is None and answer.code in HEAD_REFUSED:
                answer = _fetch(url, "GET", deadline, allowed, max_redirects)
        except TimeoutError:
            outcome = Outcome(False, None, f"timed out after {timeout:g} s", attempt)
            continue
        except _Refused as exc:  # the URL itself: trying again would be refused again
            return Outcome(False, None, _clean(f"{exc} refused"), attempt)
        except (OSError, ValueError, HTTPException) as exc:  # reset, bad status line, bad URL
            outcome = Outcome(False, None, _clean(str(exc) or type(exc).__name__), attempt)
            continue
        code = answer.code
        moved = _clean(answer.url) if answer.url != url else None
        if answer.refused is not None:
            return Outcome(False, code, _clean(answer.refused), attempt, moved)
        outcome = Outcome(200 <= code < 400, code, _describe(code), attempt, moved)
        if outcome.alive or code not in RETRYABLE:
            return outcome
    return outcome


def check_links(
    links: Iterable[Link],
    *,
    allowlist: Sequence[str] = (),
    concurrency: int = 8,
    timeout: float = 10.0,
    retries: int = 1,
    backoff: float = 1.0,
    allow_private: Iterable[str | Network] = (),
) -> list[Result]:
    """Check every link, each distinct URL once and several at a time, in the links' order.

    ``allow_private``: networks whose addresses may be checked though they are not public, for
    tests against a local server; see check_url.
    """
    allowed = parse_networks(allow_private)
    links = list(links)
    skipped: dict[str, str] = {}
    todo: dict[str, None] = {}  # an ordered set: each URL once, in first-seen order
    for link in links:
        if link.url in skipped or link.url in todo:
            continue
        rule = allowlisted(link.url, allowlist)
        if rule is not None:
            skipped[link.url] = rule
        else:
            todo[link.url] = None
    log.info("checking %d distinct URLs (%d allowlisted)", len(todo), len(skipped))
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        outcomes = dict(
            zip(
                todo,
                pool.map(
                    lambda u: check_url(
                        u, timeout=timeout, retries=retries, backoff=backoff, allow_private=allowed
                    ),
                    todo,
                ),
                strict=True,
            )
        )
    results = []
    for link in links:
        if link.url in skipped:
            results.append(Result(link, "skipped", None, f"allowlisted: {skipped[link.url]}", 0))
            continue
        out = outcomes[link.url]
        status = "alive" if out.alive else "dead"
        results.append(Result(link, status, out.code, out.detail, out.attempts, out.final_url))
    return results


def links_of_corpus(corpus: Corpus) -> list[Link]:
    """Every source ``url`` and ``archive_url``, with the file and line the loader marked."""
    from generator.load import read_entry  # load imports validate; keep this module light

    links = []
    for entry in corpus.sorted():
        if not entry.sources:
            continue
        loaded, _ = read_entry(entry.path)
        where = display_path(entry.path)
        for i, source in enumerate(entry.sources):
            for fld in ("url", "archive_url"):
                url = getattr(source, fld)
                if not url:
                    continue
                line = loaded.mark(("sources", i, fld))[0] if loaded else None
                links.append(Link(url, f"{where}:{line}" if line else where, fld))
    return links


def collect_links(entries_dir: Path) -> list[Link]:
    """Load and validate the entries (ValidationFailed if they are wrong), then list their links."""
    from generator.load import load_corpus

    return links_of_corpus(load_corpus(entries_dir))


def allowlist_rules(path: Path | None) -> tuple[str, ...]:
    """The rules in ``path``; without one, in the repository's allowlist if it has one."""
    if path is None:
        from generator.config import repo_root

        path = repo_root() / DEFAULT_ALLOWLIST
        if not path.is_file():
            return ()
    return read_allowlist(path)


def run(
    entries_dir: Path,
    *,
    allowlist: Path | None = None,
    concurrency: int = 8,
    timeout: float = 10.0,
    retries: int = 1,
    allow_private: Iterable[str | Network] = (),
) -> list[Result]:
    """The ``check-links`` pipeline: validated entries → their links → a result for each."""
    links = collect_links(entries_dir)
    return check_links(
        links,
        allowlist=allowlist_rules(allowlist),
        concurrency=concurrency,
        timeout=timeout,
        retries=retries,
        allow_private=allow_private,
    )


def dead_count(results: Sequence[Result]) -> int:
    return sum(1 for r in results if r.status == "dead")


# --- reports --------------------------------------------------------------------------------


def _counts(results: Sequence[Result]) -> dict[str, int]:
    counts = {"checked": len(results), "alive": 0, "dead": 0, "skipped": 0}
    for r in results:
        counts[r.status] += 1
    return counts


def summary(results: Sequence[Result]) -> str:
    c = _counts(results)
    noun = "link" if c["checked"] == 1 else "links"
    return (
        f"Checked {c['checked']} {noun}: "
        f"{c['alive']} alive, {c['dead']} dead, {c['skipped']} skipped."
    )


def _line(r: Result) -> str:
    extra = f", {r.attempts} attempts" if r.attempts > 1 else ""
    return f"{r.link.where}: {r.status}: {r.link.url} ({r.detail}{extra})"


def format_text(results: Sequence[Result]) -> str:
    """Dead links, then skipped ones, each ``file:line: status: url (why)``, then the totals."""
    lines = [_line(r) for r in results if r.status == "dead"]
    lines += [_line(r) for r in results if r.status == "skipped"]
    return "".join(f"{line}\n" for line in lines) + summary(results) + "\n"


def format_json(results: Sequence[Result]) -> str:
    """Every link with its status, and the totals: for tools and the weekly report artifact."""
    data = {
        **_counts(results),
        "links": [
            {**asdict(r.link), **{k: v for k, v in asdict(r).items() if k != "link"}}
            for r in results
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def format_github(results: Sequence[Result]) -> str:
    """A warning annotation per dead link, then the text report for whoever reads the log.

    Warnings, not errors: a dead source is a job for a curator, not a broken build.
    """
    out = []
    for r in results:
        if r.status != "dead":
            continue
        file, _, line = r.link.where.partition(":")
        loc = f"file={_escape(file, True)}" + (f",line={line}" if line else "")
        out.append(f"::warning {loc},title=Dead link::{_escape(f'{r.link.url} ({r.detail})')}\n")
    return "".join(out) + format_text(results)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
