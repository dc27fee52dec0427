"""No input of up to 1 MB makes validation take 2 s or a build 10 s.

Each test writes the worst input of its kind that the security review found, or the largest
and most bracket-heavy entry the limits still accept, and measures the time on this machine.
The limits are far above real entries (schema.py, CONTRIBUTING.md); these tests prove that they
bound the time. The thresholds are the issue's targets, not tuned to pass.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from generator.build.pipeline import build_site
from generator.load.reader import MAX_FILE_BYTES
from generator.validate.record import collect

ROOT = Path(__file__).resolve().parent.parent.parent
VALIDATE_SECONDS = 2.0
BUILD_SECONDS = 10.0
ACTOR = "name: A\nkind: person\nadded: 2025-01-01\n"
SOURCES = "sources: [{url: 'https://example.org/', title: t}]\n"
LIST_HEAD = (
    "title: L\nplatform: X\ncompiled_by: a\ndate: 2025-01-01\nsummary: S\n"
    + SOURCES
    + "added: 2025-01-01\nitems:\n"
)


def _entries(root: Path, rel: str, text: str) -> Path:
    assert len(text.encode("utf-8")) <= MAX_FILE_BYTES, "the input must fit the file limit"
    entries = root / "entries"
    for path, content in ((entries / "actors" / "a.yaml", ACTOR), (entries / rel, text)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return entries


def _timed_collect(entries: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    result = collect(entries)
    return time.perf_counter() - start, [p.message for p in result.problems]


def _event(summary: str, extra: str = "") -> str:
    return (
        f"title: E\ndate: 2025-01-01\nsummary: {json.dumps(summary)}\n{extra}"
        + SOURCES
        + "added: 2025-01-01\n"
    )


REFUSED = {
    # load._MAYBE_ANCHOR_RE backtracked on runs of "!": 19 s at 50,000, two hours at 1 MB.
    "bangs": ("events/2025-01-01-e.yaml", _event("!" * 990_000), "is 990,000 characters long"),
    "bangs-spaced": (
        "events/2025-01-01-e.yaml",
        _event("! " * 490_000),
        "is 980,000 characters long",
    ),
    # Python-Markdown's link parser is quadratic on runs of "[": 59 s for 20,000.
    "brackets": (
        "events/2025-01-01-e.yaml",
        _event("[" * 9_999),
        "has more than 5 '[' open at once",
    ),
    "brackets-long": ("events/2025-01-01-e.yaml", _event("[" * 990_000), "characters long"),
    "nested-lists": ("events/2025-01-01-e.yaml", _event("- " * 4_999), "nests lists or quotes"),
    # The line shown under a YAML mistake was cut a character at a time: 2 s for a line of
    # 10,000 characters, minutes for 200,000.
    "long-line-mistake": (
        "actors/a.yaml",
        "name: " + "[" * 5_000 + "x" * 200_000 + "]" * 5_000 + "\n",
        "exceeded maximum nesting depth",
    ),
    "tags": (
        "events/2025-01-01-e.yaml",
        _event("S", "tags: [" + ", ".join(f"t{i}" for i in range(110_000)) + "]\n"),
        "'tags' has 110,000 items; at most 20 are allowed",
    ),
    "items": (
        "lists/l.yaml",
        LIST_HEAD + "".join(f"  - {{term: t{i}, evidence: tested}}\n" for i in range(25_000)),
        "'items' has 25,000 items; at most 5,000 are allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_inputs_are_refused_within_the_time(tmp_path: Path, case: str) -> None:
    rel, text, expected = REFUSED[case]
    seconds, problems = _timed_collect(_entries(tmp_path, rel, text))
    assert any(expected in p for p in problems), problems
    assert seconds < VALIDATE_SECONDS, f"{case}: validate took {seconds:.1f} s"


def _worst_list_of_long_notes() -> str:
    note = "[[[[[(((((" + "x " * 990  # 5 of each bracket open, the most allowed, 2,000 chars
    items = "".join(
        f"  - term: t{i}\n    evidence: tested\n    note: {json.dumps(note)}\n" for i in range(480)
    )
    return LIST_HEAD + items


def _worst_list_of_many_items() -> str:
    note = "[[[[[(((((" + "x " * 60
    items = "".join(
        f"  - term: t{i}\n    evidence: tested\n    note: {json.dumps(note)}\n"
        for i in range(5_000)
    )
    return LIST_HEAD + items


def _worst_event() -> str:
    # Each cites its source: with the marker's bracket, five are open at once, the most allowed.
    paragraph = "[[[[(((((" + "y " * 94 + "[1]\n\n"
    summary = (paragraph * 50)[: 10_000 - 3] + "[1]"
    corrections = "corrections:\n" + "".join(
        f"  - date: 2025-02-01\n    note: {json.dumps(('[[[[[(((((' + 'z ' * 995)[:2_000])}\n"
        for _ in range(100)
    )
    tags = "tags: [" + ", ".join(f"tag-{i}-" + "t" * 70 for i in range(20)) + "]\n"
    zh = f"zh:\n  title: 标题\n  summary: {json.dumps(summary)}\n"
    return _event(summary, corrections + tags + zh)


ACCEPTED = {
    "list-of-long-notes": ("lists/l.yaml", _worst_list_of_long_notes),
    "list-of-many-items": ("lists/l.yaml", _worst_list_of_many_items),
    "event-at-every-limit": ("events/2025-01-01-e.yaml", _worst_event),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_the_worst_accepted_inputs_validate_and_build_within_the_time(
    tmp_path: Path, case: str
) -> None:
    rel, make = ACCEPTED[case]
    entries = _entries(tmp_path, rel, make())
    seconds, problems = _timed_collect(entries)
    assert problems == []
    assert seconds < VALIDATE_SECONDS, f"{case}: validate took {seconds:.1f} s"
    start = time.perf_counter()
    build_site(entries, tmp_path / "site", ROOT / "mkdocs.yml", progress=False)
    seconds = time.perf_counter() - start
    assert seconds < BUILD_SECONDS, f"{case}: build took {seconds:.1f} s"
