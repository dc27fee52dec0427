"""Nothing a contributor wrote is dropped in silence: a hashtag in the middle of a value, which
YAML reads as a comment, and a file under entries/ that is not an entry are both problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate.record import collect

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"
ACTOR = "name: Ada Lee\nkind: person\nadded: 2025-02-01\n"
EVENT = """\
title: {title}
date: 2025-01-20
summary: {summary}
sources:
  - url: https://example.org/report  # the report that says so
    title: {source}
added: 2025-01-21
"""


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(p).replace(str(tmp_path) + "/", "") for p in collect(tmp_path).problems]


def event(title: str = "A title", summary: str = "A summary.", source: str = "A report") -> str:
    return EVENT.format(title=title, summary=summary, source=source)


def test_a_hashtag_in_the_middle_of_a_value_is_reported_with_the_line_to_write(
    tmp_path: Path,
) -> None:
    text = event("RedNote adds translation #RedNote", "Users of #TikTokRefugee got a button.")
    assert problems(tmp_path, {"events/2025-01-20-translation.yaml": text}) == [
        "events/2025-01-20-translation.yaml:1:33: `#` starts a comment in YAML, so '#RedNote' is "
        "dropped from 'title': put the whole value in quotes, e.g. "
        "`title: 'RedNote adds translation #RedNote'`",
        "events/2025-01-20-translation.yaml:3:19: `#` starts a comment in YAML, so "
        "'#TikTokRefugee got a button.' is dropped from 'summary': put the whole value in "
        "quotes, e.g. `summary: 'Users of #TikTokRefugee got a button.'`",
    ]


@pytest.mark.parametrize(
    ("source", "column"),
    [("Issue #12", 18), ("Top app #小红书# in January", 20)],
)
def test_nested_values_and_chinese_hashtags_too(tmp_path: Path, source: str, column: int) -> None:
    found = problems(tmp_path, {"events/2025-01-20-x.yaml": event(source=source)})
    assert len(found) == 1
    assert found[0].startswith(f"events/2025-01-20-x.yaml:6:{column}: `#` starts a comment")
    assert "'sources[0].title'" in found[0]


@pytest.mark.parametrize(
    "title",
    [
        "'Quoted #RedNote'",  # quoted: the # is text
        '"Quoted #RedNote"',
        "A title  # a comment, with a space after the #",
        "C# and F# are languages",  # no space before the #: text, not a comment
    ],
)
def test_quoted_values_and_real_comments_are_left_alone(tmp_path: Path, title: str) -> None:
    files = {"events/2025-01-20-x.yaml": event(title), "actors/ada-lee.yaml": ACTOR}
    assert problems(tmp_path, files) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "events/2025-01-20-ux.yaml.txt",
            "this file's name ends in .yaml.txt, so it is not read as an entry (an editor or "
            "Windows may have added .txt without showing it): rename it to 2025-01-20-ux.yaml",
        ),
        (
            "events/notes.md",
            "entries/ holds only entry files, whose names end in .yaml, so this file is not "
            "read: move it out of entries/, or delete it",
        ),
        (
            "README",
            "entries/ holds only entry files, whose names end in .yaml, so this file is not "
            "read: move it out of entries/, or delete it",
        ),
    ],
)
def test_a_file_that_is_not_an_entry_is_a_problem(tmp_path: Path, name: str, message: str) -> None:
    files = {"actors/ada-lee.yaml": ACTOR, name: event()}
    assert problems(tmp_path, files) == [f"{name}:1:1: {message}"]


def test_hidden_files_are_not_entries_and_not_problems(tmp_path: Path) -> None:
    files = {"actors/ada-lee.yaml": ACTOR, "events/.gitkeep": "", ".DS_Store": "x"}
    assert problems(tmp_path, files) == []


# --- rules CONTRIBUTING states, now checked --------------------------------------------------


def test_an_event_id_without_its_date_is_refused(tmp_path: Path) -> None:
    files = {"events/rednote-translation.yaml": event(), "actors/ada-lee.yaml": ACTOR}
    assert problems(tmp_path, files) == [
        "events/rednote-translation.yaml:2:7: an event's id starts with its date, so that its "
        "file sorts in time: rename the file to 2025-01-20-rednote-translation.yaml"
    ]


QUOTE = """\
text: {text}
lang: {lang}
speaker: ada-lee
date: 2025-01-20
sources:
  - url: https://example.org/post
    title: A post
added: 2025-01-21
"""


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [
        ("欢迎大家来到小红书", "en", True),
        ("欢迎大家来到小红书", "zh-Hans", False),
        ("ようこそ、皆さん", "ja", False),
        ("Welcome, everyone, to 小红书", "en", False),  # English that names a Chinese word
    ],
)
def test_chinese_text_marked_as_english_is_refused(
    tmp_path: Path, text: str, lang: str, found: bool
) -> None:
    quote = QUOTE.format(text=text, lang=lang)
    if lang != "en":
        quote = quote.replace("speaker:", "translation: Welcome, everyone\nspeaker:")
    files = {"quotes/quote-x.yaml": quote, "actors/ada-lee.yaml": ACTOR}
    expected = [
        "quotes/quote-x.yaml:2:7: 'lang' is 'en', but the text is written in Chinese "
        "characters: set 'lang' to zh-Hans (simplified) or zh-Hant (traditional), and give the "
        "English 'translation'"
    ]
    assert problems(tmp_path, files) == (expected if found else [])


def test_an_empty_list_of_records_says_how_one_is_written(tmp_path: Path) -> None:
    text = event().split("sources:")[0] + "sources:\nadded: 2025-01-21\n"
    assert problems(tmp_path, {"events/2025-01-20-x.yaml": text, "actors/a.yaml": ACTOR}) == [
        "events/2025-01-20-x.yaml:4:9: 'sources' is empty: write one item per line below it, "
        "each starting `- url: …`"
    ]
