"""Check that every source link in the entries still answers, and report the dead ones."""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http.client import HTTPException, responses
from pathlib import Path
from urllib.parse import urlsplit

from generator.core.config import repo_root
from generator.core.errors import RecordError
from generator.core.problems import display_path, github_escape_data, github_escape_property
from generator.format.corpus import Corpus
from generator.load.reader import read_entry
from generator.tools.linkcheck_http import SCHEMES, Network, Refused, fetch
from generator.validate.record import load_corpus

log = logging.getLogger(__name__)

DEFAULT_ALLOWLIST = Path("linkcheck-allowlist.txt")

# Servers that refuse HEAD say so in different ways; GET tells whether the page is there.
HEAD_REFUSED = frozenset({400, 403, 405, 501})
# Worth another try: the server or the network may do better a moment later. A 404 will not.
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 10  # as many as urllib followed; a real page is rarely more than 3 away


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
class LinkResult:
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


# --- checking links ---------------------------------------------------------------------------

# Line breaks (and the other control characters) would let a server start a line of its own in
# the report; in GitHub's log that line could be a workflow command such as ::error or
# ::add-mask. Unicode's own line separators count too.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def printable(text: str) -> str:
    """Server-supplied text made safe to print: one line, no ``::`` to start a command with."""
    text = _UNPRINTABLE.sub(" ", text).strip()
    while "::" in text:
        text = text.replace("::", ":")
    return text


def describe_status(code: int) -> str:
    return f"{code} {responses.get(code, 'HTTP status')}"


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
        return Outcome(False, None, printable(f"not a valid URL: {exc}"), 0)
    if scheme not in SCHEMES:
        return Outcome(False, None, "not an http or https URL", 0)
    allowed = parse_networks(allow_private)
    outcome = Outcome(False, None, "not checked", 0)
    for attempt in range(1, retries + 2):
        if attempt > 1:
            time.sleep(backoff * (attempt - 1))
        deadline = time.monotonic() + timeout
        try:
            answer = fetch(url, "HEAD", deadline, allowed, max_redirects)
            if answer.refused is None and answer.code in HEAD_REFUSED:
                answer = fetch(url, "GET", deadline, allowed, max_redirects)
        except TimeoutError:
            outcome = Outcome(False, None, f"timed out after {timeout:g} s", attempt)
            continue
        except Refused as exc:  # the URL itself: trying again would be refused again
            return Outcome(False, None, printable(f"{exc} refused"), attempt)
        except (OSError, ValueError, HTTPException) as exc:  # reset, bad status line, bad URL
            outcome = Outcome(False, None, printable(str(exc) or type(exc).__name__), attempt)
            continue
        code = answer.code
        moved = printable(answer.url) if answer.url != url else None
        if answer.refused is not None:
            return Outcome(False, code, printable(answer.refused), attempt, moved)
        outcome = Outcome(200 <= code < 400, code, describe_status(code), attempt, moved)
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
) -> list[LinkResult]:
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
            results.append(
                LinkResult(link, "skipped", None, f"allowlisted: {skipped[link.url]}", 0)
            )
            continue
        out = outcomes[link.url]
        status = "alive" if out.alive else "dead"
        results.append(LinkResult(link, status, out.code, out.detail, out.attempts, out.final_url))
    return results


def links_of_corpus(corpus: Corpus) -> list[Link]:
    """Every source ``url`` and ``archive_url``, with the file and line the loader marked."""
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
    return links_of_corpus(load_corpus(entries_dir))


def allowlist_rules(path: Path | None) -> tuple[str, ...]:
    """The rules in ``path``; without one, in the repository's allowlist if it has one."""
    if path is None:
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
) -> list[LinkResult]:
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


def dead_count(results: Sequence[LinkResult]) -> int:
    return sum(1 for r in results if r.status == "dead")


# --- reports --------------------------------------------------------------------------------


def _counts(results: Sequence[LinkResult]) -> dict[str, int]:
    counts = {"checked": len(results), "alive": 0, "dead": 0, "skipped": 0}
    for r in results:
        counts[r.status] += 1
    return counts


def summary(results: Sequence[LinkResult]) -> str:
    c = _counts(results)
    noun = "link" if c["checked"] == 1 else "links"
    return (
        f"Checked {c['checked']} {noun}: "
        f"{c['alive']} alive, {c['dead']} dead, {c['skipped']} skipped."
    )


def _line(r: LinkResult) -> str:
    extra = f", {r.attempts} attempts" if r.attempts > 1 else ""
    return f"{r.link.where}: {r.status}: {r.link.url} ({r.detail}{extra})"


def format_text(results: Sequence[LinkResult]) -> str:
    """Dead links, then skipped ones, each ``file:line: status: url (why)``, then the totals."""
    lines = [_line(r) for r in results if r.status == "dead"]
    lines += [_line(r) for r in results if r.status == "skipped"]
    return "".join(f"{line}\n" for line in lines) + summary(results) + "\n"


def format_json(results: Sequence[LinkResult]) -> str:
    """Every link with its status, and the totals: for tools and the weekly report artifact."""
    data = {
        **_counts(results),
        "links": [
            {**asdict(r.link), **{k: v for k, v in asdict(r).items() if k != "link"}}
            for r in results
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_github(results: Sequence[LinkResult]) -> str:
    """A warning annotation per dead link, then the text report for whoever reads the log.

    Warnings, not errors: a dead source is a job for a curator, not a broken build.
    """
    out = []
    for r in results:
        if r.status != "dead":
            continue
        file, _, line = r.link.where.partition(":")
        loc = f"file={github_escape_property(file)}" + (f",line={line}" if line else "")
        message = github_escape_data(f"{r.link.url} ({r.detail})")
        out.append(f"::warning {loc},title=Dead link::{message}\n")
    return "".join(out) + format_text(results)


REPORTERS = {"text": format_text, "json": format_json, "github": format_github}
