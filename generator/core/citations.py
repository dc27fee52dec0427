"""Citation markers in entry text (``[2]``, ``[1, 3]``: the entry's sources, numbered from 1),
and the sentences of a text, for the rule that each one cites."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# [2] or [1, 3]: not a link's text ([text](url), [text][ref]), a reference ([2]: url) or an
# escaped bracket (\[2]). Numbers of up to three digits: sources are at most 50.
MARKER_RE = re.compile(r"(?<![\\\]])\[([0-9]{1,3}(?:, ?[0-9]{1,3})*)\](?![(\[:])")

# Where a sentence may end: Western punctuation before a space or the end (with closing quotes
# and markers kept in the sentence), or Chinese punctuation, which needs no space after it.
_END_RE = re.compile(
    r"[.!?…]+[\"”’')\]]*(?:\[[0-9][0-9, ]*\])*(?=\s|$)"
    r"|[。！？]+[”’」』）)]*(?:\[[0-9][0-9, ]*\])*"
)
# A blank line, or the start of a list item (its marker taken away).
_BLOCK_RE = re.compile(r"(?:^|\n\s*\n|\n)[ \t]*(?:[-*+]|[0-9]+[.)])[ \t]+|\n\s*\n")
# A link's reference definition ([r]: https://…), which is not prose.
_REFERENCE_RE = re.compile(r"\s*\[[^\]]+\]:\s")
# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr vs inc co corp ltd mt gov sen rep gen lt col capt prof approx "
    "v nos pub etc jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True)
class Marker:
    start: int  # where it is in the text
    text: str  # as written: [1, 3]
    numbers: tuple[int, ...]


def markers(text: str) -> Iterator[Marker]:
    """Every citation marker in ``text``, in order."""
    for m in MARKER_RE.finditer(text):
        yield Marker(m.start(), m.group(), numbers(m))


def numbers(marker: re.Match[str]) -> tuple[int, ...]:
    """The source numbers of a match of ``MARKER_RE``: (1, 3) for ``[1, 3]``."""
    return tuple(int(n) for n in marker.group(1).replace(" ", "").split(","))


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, each with the markers that follow its last word; a
    paragraph, a list item and a heading end a sentence too."""
    out = []
    for block in _BLOCK_RE.split(text):
        if block.lstrip().startswith("#") or _REFERENCE_RE.match(block):  # not prose
            continue
        start = 0
        for m in _END_RE.finditer(block):
            if m.group()[0] == "." and _abbreviation(block[start : m.start()], block[m.end() :]):
                continue
            out.append(block[start : m.end()].strip())
            start = m.end()
        out.append(block[start:].strip())
    return [s for s in out if s]


def uncited(text: str) -> list[str]:
    """The sentences of ``text`` that cite no source."""
    return [s for s in sentences(text) if not MARKER_RE.search(s)]


def _abbreviation(before: str, after: str) -> bool:
    """Whether a full stop ends an abbreviation (U.S., D.C., Mr., e.g.) or an initial (Donald
    J.) rather than a sentence; so does one before a digit or a small letter (No. 10)."""
    words = before.split()
    following = after.lstrip()[:1]
    if not words or following.isdigit() or following.islower():
        return bool(words)
    word = words[-1].lstrip("(\"“‘'")
    return "." in word or (len(word) == 1 and word.isupper()) or word.lower() in _ABBREVIATIONS


def strip_markers(text: str) -> str:
    """``text`` without its markers (a page's description, a plain-text summary)."""
    return MARKER_RE.sub("", text)
