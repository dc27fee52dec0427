"""The timeline filter's file (``timeline/events.json``) is keyed by what its rows show
(``FilterRows.fingerprinted``): an edit its rows do not show leaves the key as it was."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

from generator.core import i18n
from generator.core.config import SiteConfig
from generator.format import kinds
from generator.kinds import configured, timeline
from generator.validate.record import load_corpus

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"


def _rows(event: Any) -> list[dict[str, Any]]:
    """The event's row in each interface language."""
    rows = []
    for language in ("en", "zh"):
        with i18n.interface(language):
            rows.append(timeline._filter_row(event))
    return rows


def test_the_filter_key_changes_whenever_a_row_would(site_config: SiteConfig) -> None:
    # Each field of each event takes another event's value: where the key stays, so does
    # the row, in both languages.
    with kinds.using(configured(site_config)):
        corpus = load_corpus(GOLDEN)
    events = [e for e in corpus.entries.values() if e.KIND.name == "event"]
    changed, kept = set(), set()
    for event, other in itertools.permutations(events, 2):
        for field in dataclasses.fields(event):
            value = getattr(other, field.name)
            if value == getattr(event, field.name):
                continue
            try:
                edited = dataclasses.replace(event, **{field.name: value})
            except (TypeError, ValueError):  # not a valid event (an end before its start)
                continue
            if timeline._shown(edited) == timeline._shown(event):
                assert _rows(edited) == _rows(event), field.name
                kept.add(field.name)
            else:
                changed.add(field.name)
    assert {"id", "title", "date", "tags", "actors", "zh"} <= changed
    assert {"summary", "sources", "corrections"} <= kept
