"""An entry's evidence is checked: citation markers name sources it has, every source is cited
once any is, each sentence cites a source where the knowledge base asks for it, a source read on
a copy names its outlet, a translated quote says by whom, and an actor's facts have sources."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator.format.kinds import Registry, using
from generator.kinds import BUILT_IN
from generator.kinds import event as event_kind
from generator.validate.record import collect

SOURCES = """\
sources:
  - url: https://example.org/one
    title: One
  - url: https://example.org/two
    title: Two
"""


def problems(tmp_path: Path, files: dict[str, str], every_sentence: bool = False) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    chosen = tuple(
        dataclasses.replace(k, cite_every_sentence=True)
        if every_sentence and k is event_kind.KIND
        else k
        for k in BUILT_IN
    )
    try:
        with using(Registry(chosen)):
            found = collect(tmp_path).problems
    finally:
        event_kind.Event.KIND = event_kind.KIND
    return [str(p).replace(str(tmp_path) + "/", "") for p in found]


def event(summary: str, sources: str = SOURCES) -> str:
    return f"title: T\ndate: 2025-01-20\nsummary: {summary}\n{sources}added: 2025-01-21\n"


def test_a_marker_must_name_a_source_the_entry_has(tmp_path: Path) -> None:
    text = event("It went dark.[1] It came back.[2, 3]")
    assert problems(tmp_path, {"events/2025-01-20-x.yaml": text}) == [
        "events/2025-01-20-x.yaml:3:10: 'summary': [2, 3] cites source 3, but the entry has 2 "
        "sources: sources are numbered from 1 in the order of 'sources'"
    ]


def test_once_one_source_is_cited_every_source_must_be(tmp_path: Path) -> None:
    text = event("It went dark.[2] It came back.")
    assert problems(tmp_path, {"events/2025-01-20-x.yaml": text}) == [
        "events/2025-01-20-x.yaml:5:5: source 1 is cited nowhere in the text: cite it as [1] "
        "after the sentence it supports, or remove it if it supports none"
    ]


def test_without_markers_nothing_is_asked_unless_the_knowledge_base_asks(tmp_path: Path) -> None:
    files = {"events/2025-01-20-x.yaml": event("It went dark. It came back.")}
    assert problems(tmp_path, files) == []
    found = problems(tmp_path, files, every_sentence=True)
    assert found == [
        "events/2025-01-20-x.yaml:3:10: 'summary': this sentence cites no source: “It came "
        "back.”. Put the number of the source that supports it after its last word (…the "
        "app.[2]), or [1, 3] for two.",
        "events/2025-01-20-x.yaml:3:10: 'summary': this sentence cites no source: “It went "
        "dark.”. Put the number of the source that supports it after its last word (…the "
        "app.[2]), or [1, 3] for two.",
    ]


def test_every_sentence_cited_passes_abbreviations_and_lists_included(tmp_path: Path) -> None:
    summary = (
        "|-\n  The U.S. Supreme Court heard *TikTok Inc. v. Garland* on 10 Jan. 2025.[1] "
        "Donald J. Trump spoke.[2]\n\n  The law:\n  - bans apps;[1]\n  - has 270 days.[2]\n"
    )
    # "The law:" is a sentence of its own before the list, and cites nothing.
    found = problems(tmp_path, {"events/2025-01-20-x.yaml": event(summary)}, every_sentence=True)
    assert len(found) == 1 and "“The law:”" in found[0]


def test_a_chinese_summary_may_cite_and_is_checked_but_not_required_to(tmp_path: Path) -> None:
    text = event("A.[1] B.[2]").replace("sources:", "zh:\n  summary: 应用下架。[3]\nsources:")
    found = problems(tmp_path, {"events/2025-01-20-x.yaml": text}, every_sentence=True)
    assert found == [
        "events/2025-01-20-x.yaml:5:12: 'zh.summary': [3] cites source 3, but the entry has 2 "
        "sources: sources are numbered from 1 in the order of 'sources'"
    ]


def test_a_copy_names_its_outlet_and_an_original_url_makes_a_copy(tmp_path: Path) -> None:
    sources = """\
sources:
  - url: https://mirror.example/story
    title: Story
    copy: true
  - url: https://mirror.example/other
    title: Other
    publisher: The Paper
    copy: false
    original_url: https://thepaper.example/other
"""
    found = problems(tmp_path, {"events/2025-01-20-x.yaml": event("S.", sources)})
    assert found == [
        "events/2025-01-20-x.yaml:5:5: source 1 was read on a copy: name the outlet that first "
        "published it under 'publisher', so that readers know whose words the copy holds",
        "events/2025-01-20-x.yaml:11:11: source 2 has an original_url, so its url is a copy: "
        "write copy: true, or remove original_url if the url is the outlet's own page",
    ]


def test_a_quote_in_translation_says_from_what_and_by_whom(tmp_path: Path) -> None:
    actor = "name: Venus\nkind: person\nadded: 2025-01-02\n"
    quote = (
        "text: Hi!\nlang: en\n{extra}speaker: venus\ndate: 2025-01\n"
        "sources:\n  - url: https://example.org/q\n    title: Q\nadded: 2025-01-21\n"
    )
    files = {
        "actors/venus.yaml": actor,
        "quotes/quote-a.yaml": quote.format(extra="original_lang: zh-Hans\n"),
        "quotes/quote-b.yaml": quote.format(extra="translated_by: Rest of World\n"),
        "quotes/quote-c.yaml": quote.format(extra="original_lang: en\ntranslated_by: X\n"),
        "quotes/quote-d.yaml": quote.format(
            extra="original_lang: zh-Hans\ntranslated_by: Rest of World\n"
        ),
    }
    assert problems(tmp_path, files) == [
        "quotes/quote-a.yaml:3:16: the text is a translation (it has an 'original_lang'): say "
        "who translated it under 'translated_by', for example translated_by: Rest of World",
        "quotes/quote-b.yaml:3:16: 'translated_by' says the text is a translation: give the "
        "language the speaker used under 'original_lang', for example original_lang: zh-Hans",
        "quotes/quote-c.yaml:3:16: 'original_lang' is 'en', the language of the text: remove "
        "it, unless the text is a translation, in which case 'lang' is the translation's "
        "language",
    ]


def test_an_actor_that_says_more_than_who_it_is_needs_sources(tmp_path: Path) -> None:
    one = "name: A\nkind: platform\ndescription: A Shanghai app.\nadded: 2025-01-02\n"
    two = "name: B\nkind: platform\ndescription: An app. It has 300 users.\nadded: 2025-01-02\n"
    sourced = two.replace("added:", SOURCES + "added:").replace("users.", "users.[1, 2]")
    files = {"actors/a.yaml": one, "actors/b.yaml": two, "actors/c.yaml": sourced}
    assert problems(tmp_path, files) == [
        "actors/b.yaml:3:14: 'description' has 2 sentences, and the actor has no sources: a "
        "description that says more than a name and a role states facts, which need their "
        "sources. Add them under 'sources' and cite them ([1]), or keep one sentence saying "
        "who the actor is"
    ]
