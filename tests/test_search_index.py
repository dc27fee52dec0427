"""Each entry is found once, on its own page: cross-reference sections stay out of the index."""

from __future__ import annotations

import json

from generator.build import BuildResult
from generator.corpus import Corpus


def test_event_titles_are_not_indexed_on_other_event_pages(
    built_site: BuildResult, golden_corpus: Corpus
) -> None:
    """Events link each other as related entries; those links are not indexed.

    (A quote's own `event` field does name its event, and is indexed with the quote.)
    """
    docs = json.loads((built_site.site_dir / "search" / "search_index.json").read_text())["docs"]
    events = [e for e in golden_corpus.entries.values() if e.KIND.name == "event"]
    assert any(e.related for e in events)
    for entry in events:
        pages = {d["location"].split("#")[0] for d in docs if entry.title in d["text"]}
        elsewhere = {p for p in pages if p.startswith("events/") and p != entry.url}
        assert not elsewhere, f"{entry.id} is indexed on {sorted(elsewhere)}"


def test_related_and_record_sections_are_not_indexed(built_site: BuildResult) -> None:
    docs = json.loads((built_site.site_dir / "search" / "search_index.json").read_text())["docs"]
    anchors = {d["location"].split("#", 1)[1] for d in docs if "#" in d["location"]}
    assert not anchors & {"related-entries", "referred-to-by", "record"}
    assert "sources" in anchors  # the sections that belong to the entry stay
