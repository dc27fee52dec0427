"""Every entry of a knowledge base, with the indexes the renderers need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator.core.dates import PartialDate
from generator.format import kinds
from generator.format.model import Entry


@dataclass
class Corpus:
    """Every entry of a knowledge base, by id, and who refers to whom."""

    entries: dict[str, Entry]

    def __post_init__(self) -> None:
        self.backlinks: dict[str, list[tuple[Entry, str]]] = {i: [] for i in self.entries}
        self._by_kind: dict[str, list[Any]] = {}
        ordered = self.sorted()
        for entry in ordered:
            self._by_kind.setdefault(entry.KIND.name, []).append(entry)
            for fld, target in entry.references():
                if target in self.backlinks and target != entry.id:
                    self.backlinks[target].append((entry, fld))
        self.tags: dict[str, list[Entry]] = {}
        for entry in ordered:
            for tag in entry.tags:
                self.tags.setdefault(tag, []).append(entry)
        self.tags = dict(sorted(self.tags.items()))

    def sorted(self) -> list[Entry]:
        """Every entry in a stable order: by kind, then by date where they have one, then id."""
        order = kinds.current().names  # sorted once per order of the kinds
        known = self.__dict__.get("_sorted")
        if known is None or known[0] != order:
            known = self._sorted = (order, tuple(sorted(self.entries.values(), key=_order_key)))
        return list(known[1])

    def of(self, kind: str) -> list[Any]:
        """The entries of one kind, in order (a new list each call)."""
        return list(self._by_kind.get(kind, ()))

    def count(self, kind: str) -> int:
        return len(self._by_kind.get(kind, ()))

    def related_both_ways(self, entry: Entry) -> list[Entry]:
        """Entries this one lists in ``related``, plus those that list it: backlinks included."""
        seen: dict[str, Entry] = {}
        for target in entry.related:
            if target in self.entries:
                seen[target] = self.entries[target]
        for other, fld in self.backlinks.get(entry.id, []):
            if fld == "related":
                seen.setdefault(other.id, other)
        return sorted(seen.values(), key=_order_key)


def _order_key(entry: Entry) -> tuple:
    position = kinds.current().position(entry.KIND.name)
    when = getattr(entry, "date", None)
    if isinstance(when, PartialDate):
        return (position, when.sort_key, entry.id)
    return (position, (date.min, 0, datetime.min), entry.id)


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """The order of news, the same on every build: the most recently changed entry first.

    By ``last_modified`` (the later of ``updated`` and the last correction, else ``added``),
    then ``added``, then the entry's own ``date``, each newest first, then id ascending. Dates
    compare by ``PartialDate.sort_key``, so entries changed on the same day read as the
    timeline backwards ("January 2025" after every day of January); an entry without a date
    comes after the dated ones.
    """
    by_id = sorted(entries, key=lambda e: e.id)
    return sorted(by_id, key=_recency_key, reverse=True)


def _recency_key(entry: Entry) -> tuple:
    when = getattr(entry, "date", None)
    dated = (1, when.sort_key) if isinstance(when, PartialDate) else (0,)
    return (entry.last_modified, entry.added, dated)
