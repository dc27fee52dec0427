"""Format 1.3.0: list items are terms or topics with their evidence; renamed entries keep their
old addresses (aliases); Chinese text keeps its full-width punctuation."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import edit

from generator.validate.guardrails import punctuation_problem
from generator.validate.record import collect

LIST = "lists/three-ts.yaml"
EVENT = "events/2025-01-13-rednote-tops-app-store.yaml"


@pytest.fixture
def entries(valid_entries: Path) -> Path:
    return valid_entries


def messages(entries: Path) -> list[str]:
    return [f"{p.file}:{p.line}:{p.col}: {p.message}" for p in collect(entries).problems]


FIRST_ITEM = "  - term: 天安門\n    translation: Tiananmen\n    evidence: reported\n"


# --- terms and topics ---------------------------------------------------------------------


def test_the_valid_list_has_a_term_per_item(entries: Path) -> None:
    assert FIRST_ITEM in (entries / LIST).read_text(encoding="utf-8")
    assert messages(entries) == []


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "  - term: 天安門\n    translation: Tiananmen\n    topic: Tiananmen\n"
            "    evidence: reported\n",
            "9:5: 'items[0]' has both a 'term' and a 'topic': a term is the word as it was "
            "written and censored, a topic a description of what was censored. Keep the one "
            "the source gives",
        ),
        (
            "  - category: history\n    evidence: reported\n",
            "7:5: 'items[0]' needs a 'term' (the word as it was written and censored, with its "
            "'translation') or a 'topic' (what was censored, described in English)",
        ),
        (
            "  - topic: the 1989 crackdown\n    translation: the 1989 crackdown\n"
            "    evidence: tested\n",
            "8:5: 'items[0].translation': a topic is already in English and has no "
            "translation: delete the line",
        ),
        (
            "  - term: Tiananmen\n    translation: Tiananmen\n    evidence: reported\n",
            "8:18: 'items[0].translation' repeats the term 'Tiananmen'. If the source gives "
            "this word as written and it is English, delete 'translation'; if it describes "
            "what was censored, write it as 'topic:' instead of 'term:'",
        ),
        (
            "  - term: 天安門\n    translation: Tiananmen\n    topic_zh: 天安门事件\n"
            "    evidence: reported\n",
            "9:5: 'items[0].topic_zh' is the Chinese of a 'topic', and this item has none: a "
            "term is shown as written; delete 'topic_zh'",
        ),
        (
            "  - term: 天安門\n    evidence: reported\n",
            "7:5: 'items[0]' needs a 'translation' of the term '天安門' into English",
        ),
        (
            "  - term: 天安門\n    translation: Tiananmen\n",
            "7:5: 'items[0]' is missing required field 'evidence': How the source knows: "
            "tested: someone posted it and saw the result; reported: a platform notice, or a "
            "user's account of what happened; leaked: an internal document.",
        ),
        (
            "  - term: 天安門\n    translation: Tiananmen\n    evidence: reportd\n",
            "9:15: 'items[0].evidence': 'reportd' is not one of tested, reported, leaked; "
            "did you mean 'reported'?",
        ),
    ],
)
def test_an_item_is_a_term_or_a_topic(entries: Path, item: str, expected: str) -> None:
    edit(entries, LIST, FIRST_ITEM, item)
    assert messages(entries) == [f"entries/{LIST}:{expected}"]


@pytest.mark.parametrize(
    "item",
    [
        "  - term: VPN\n    evidence: tested\n",  # a term that is English needs no translation
        "  - topic: posts about the 1989 crackdown\n    evidence: leaked\n    category: x\n",
    ],
)
def test_an_english_term_or_a_topic_stands_alone(entries: Path, item: str) -> None:
    edit(entries, LIST, FIRST_ITEM, item)
    assert messages(entries) == []


# --- aliases ------------------------------------------------------------------------------


def add_alias(entries: Path, name: str, aliases: str) -> None:
    path = entries / name
    path.write_text(path.read_text(encoding="utf-8") + f"aliases: {aliases}\n", encoding="utf-8")


def test_an_alias_is_a_former_id(entries: Path) -> None:
    add_alias(entries, EVENT, "[2025-01-12-rednote-tops-app-store, quotes/quote-old]")
    result = collect(entries)
    assert result.problems == []
    entry = result.corpus.entries["2025-01-13-rednote-tops-app-store"]
    assert entry.aliases == ("2025-01-12-rednote-tops-app-store", "quotes/quote-old")
    assert entry.first_id == "2025-01-12-rednote-tops-app-store"  # feeds keep it


def test_a_reference_to_a_former_id_names_the_new_one(entries: Path) -> None:
    add_alias(entries, EVENT, "[2025-01-12-old-name]")
    add_alias(entries, LIST, "[]\nrelated: [2025-01-12-old-name]")
    (problem,) = messages(entries)
    assert problem.endswith(
        ": 'related[0]': '2025-01-12-old-name' was renamed to "
        "'2025-01-13-rednote-tops-app-store': use the new id"
    ), problem


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        (
            "[three-ts]",
            "'aliases[0]': 'three-ts' is the id of an entry in use, so its address "
            "is taken: an alias is an id that no entry has any more",
        ),
        (
            "[2025-01-13-rednote-tops-app-store]",
            "'aliases[0]': an entry's alias cannot be its own id: delete the line",
        ),
        (
            "[posts/old]",
            "'aliases[0]': 'posts' is not a folder of entries: use one of actors, "
            "events, lists, quotes",
        ),
        ("[index]", "'aliases[0]': 'index' is reserved for the site's listing pages"),
        (
            "[Old_Name]",
            "'aliases[0]': 'Old_Name' must be a former id such as "
            "2021-07-14-old-name, or folder/id such as quotes/quote-old-name for an entry that "
            "was of another kind",
        ),
    ],
)
def test_an_alias_that_is_taken_or_malformed_is_refused(
    entries: Path, aliases: str, expected: str
) -> None:
    add_alias(entries, EVENT, aliases)
    (problem,) = messages(entries)
    assert problem.startswith(f"entries/{EVENT}:")
    assert problem.split(": ", 1)[1] == expected


def test_one_old_address_leads_to_one_entry(entries: Path) -> None:
    add_alias(entries, EVENT, "[old-name]")
    add_alias(entries, LIST, "[events/old-name]")
    (problem,) = messages(entries)
    assert problem.endswith(
        "'aliases[0]': 'events/old-name' is already an alias of "
        "'2025-01-13-rednote-tops-app-store': an old address can lead to one entry only"
    ), problem


# --- full-width punctuation in Chinese text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("我们顺势而为,扩大、强化自己的适应力", ("','", "'，'")),
        ("我很高兴看到这件事!年轻人有选择的自由。", ("'!'", "'！'")),
        ("如果你提起三個T(天安門、西藏、臺灣)", ("'('", "'（'")),
        ("华春莹:很高兴看到外国网友入驻小红书", ("':'", "'：'")),
        ("自由吗?", ("'?'", "'？'")),
    ],
)
def test_ascii_punctuation_in_chinese_text_is_caught(text: str, found: tuple[str, str]) -> None:
    message = punctuation_problem(text, ("text",))
    assert message is not None
    ascii_char, full = found
    assert message.startswith(f"'text': Chinese text has the ASCII {ascii_char} in ")
    assert f"write the full-width {full}" in message


@pytest.mark.parametrize(
    "text",
    [
        "我们顺势而为，扩大、强化自己的适应力",  # already full-width
        'Xiaohongshu (小红书, "little red book") is a Chinese app: it grew.',  # English text
        "共有1,000名用户",  # a thousands separator between digits
        "见[报道](https://example.org/a:b)的说法",  # a Markdown link's parentheses
        "Posts about 六四 (June Fourth) were hidden.",
    ],
)
def test_full_width_or_english_text_passes(text: str) -> None:
    assert punctuation_problem(text, ("text",)) is None


def test_the_validator_names_the_field_and_line(entries: Path) -> None:
    edit(
        entries, LIST, "translation: Tiananmen\n", "translation: Tiananmen\n    note: 天安門,六四\n"
    )
    (problem,) = messages(entries)
    assert problem == (
        f"entries/{LIST}:9:11: 'items[0].note': Chinese text has the ASCII ',' in '天安門,六四': "
        "write the full-width '，'. Chinese uses ，（）：！？； (text copied from some pages has "
        "lost them)"
    )
