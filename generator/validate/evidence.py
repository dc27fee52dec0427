"""The checks of an entry's evidence that its schema cannot make: citation markers that name
sources it has, sources it cites nowhere, sentences that cite nothing (where the knowledge base
asks for it), and sources read on a copy that say whose copy it is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.core import citations
from generator.core.problems import field_name

if TYPE_CHECKING:
    from generator.format.kinds import Kind
    from generator.validate.checker import Checker

SHOWN_CHARS = 70  # of a sentence quoted in a message


def check(checker: Checker, kind: Kind) -> None:
    """Report what is wrong with the entry's citations and sources on ``checker``."""
    data = checker.loaded.data
    sources = data.get("sources")
    sources = sources if isinstance(sources, list) else []
    _check_sources(checker, sources)
    cited: set[int] = set()
    for at, text in checker.texts:
        if at[0] == "corrections":
            continue
        for marker in citations.markers(text):
            wrong = [n for n in marker.numbers if not 1 <= n <= len(sources)]
            cited.update(marker.numbers)
            if wrong:
                checker.report(at, _no_such_source(at, marker.text, wrong, len(sources)))
        if kind.cite_every_sentence and sources and field_name(at) in kind.cited:
            for sentence in citations.uncited(text):
                checker.report(
                    at,
                    f"'{field_name(at)}': this sentence cites no source: {_shown(sentence)} "
                    "Put the number of the source that supports it after its last word "
                    "(…the app.[2]), or [1, 3] for two.",
                )
    if cited:
        for i, source in enumerate(sources, start=1):
            if i not in cited and isinstance(source, dict):
                checker.report(
                    ("sources", i - 1),
                    f"source {i} is cited nowhere in the text: cite it as [{i}] after the "
                    "sentence it supports, or remove it if it supports none",
                )


def _check_sources(checker: Checker, sources: list[Any]) -> None:
    for i, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        original = source.get("original_url")
        copy = str(source.get("copy")).lower()  # the reader keeps scalars as written
        if original and copy == "false":
            checker.report(
                ("sources", i, "copy"),
                f"source {i + 1} has an original_url, so its url is a copy: write copy: true, "
                "or remove original_url if the url is the outlet's own page",
            )
        if (copy == "true" or original) and not source.get("publisher"):
            checker.report(
                ("sources", i),
                f"source {i + 1} was read on a copy: name the outlet that first published it "
                "under 'publisher', so that readers know whose words the copy holds",
            )
        if original and original == source.get("url"):
            checker.report(
                ("sources", i, "original_url"),
                f"source {i + 1}'s original_url is its url: a copy is on another address; "
                "remove original_url and copy",
            )


def _no_such_source(at: tuple[Any, ...], written: str, wrong: list[int], count: int) -> str:
    numbers = ", ".join(str(n) for n in wrong)
    has = f"has {count} source{'' if count == 1 else 's'}" if count else "has no sources"
    return (
        f"'{field_name(at)}': {written} cites source {numbers}, but the entry {has}: "
        "sources are numbered from 1 in the order of 'sources'"
    )


def _shown(sentence: str) -> str:
    one_line = " ".join(sentence.split())
    if len(one_line) > SHOWN_CHARS:
        one_line = one_line[:SHOWN_CHARS].rsplit(" ", 1)[0] + " …"
    return f"“{one_line}”."
