"""Check that every source link in the entries still answers, and report the dead ones."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http.client import HTTPException, responses
from pathlib import Path
from urllib.parse import urlsplit

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


def _describe(code: int) -> str:
    return f"{code} {responses.get(code, 'HTTP status')}"


def _request(url: str, method: str, timeout: float) -> tuple[int, str]:
    """One request; the status code and the URL redirects ended at. Raises on network errors."""
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked
            return resp.status, resp.geturl()
    except urllib.error.HTTPError as exc:
        exc.close()  # the error body is not needed, and an open socket would linger
        return exc.code, exc.geturl() or url


def check_url(
    url: str, *, timeout: float = 10.0, retries: int = 1, backoff: float = 1.0
) -> Outcome:
    """Ask for ``url``: HEAD first, GET when HEAD is refused, ``retries`` more tries on failure.

    2xx and 3xx are alive. Only http and https are opened: a ``file:`` URL in an entry must
    never make the checker read the machine's files.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        return Outcome(False, None, "not an http or https URL", 0)
    attempts = 0
    outcome = Outcome(False, None, "not checked", 0)
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * attempt)
        attempts += 1
        try:
            code, final = _request(url, "HEAD", timeout)
            if code in HEAD_REFUSED:
                code, final = _request(url, "GET", timeout)
        except TimeoutError:
            outcome = Outcome(False, None, f"timed out after {timeout:g} s", attempts)
            continue
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                outcome = Outcome(False, None, f"timed out after {timeout:g} s", attempts)
            else:
                outcome = Outcome(False, None, str(reason), attempts)
            continue
        except (OSError, ValueError, HTTPException) as exc:  # reset, bad status line, bad URL
            outcome = Outcome(False, None, str(exc) or type(exc).__name__, attempts)
            continue
        moved = final if final != url else None
        outcome = Outcome(200 <= code < 400, code, _describe(code), attempts, moved)
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
) -> list[Result]:
    """Check every link, each distinct URL once and several at a time, in the links' order."""
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
                    lambda u: check_url(u, timeout=timeout, retries=retries, backoff=backoff), todo
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
) -> list[Result]:
    """The ``check-links`` pipeline: validated entries → their links → a result for each."""
    links = collect_links(entries_dir)
    return check_links(
        links,
        allowlist=allowlist_rules(allowlist),
        concurrency=concurrency,
        timeout=timeout,
        retries=retries,
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
