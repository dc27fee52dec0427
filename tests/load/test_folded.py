"""Folded scalars (``>-``) that would lose a Markdown list or heading are refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from generator.core.markup import render_markdown
from generator.load.reader import MAX_FILE_BYTES, parse

ISSUE_EXAMPLE = (
    "title: Estimates\n"
    "summary: >-\n"
    "  Figures differ:\n"
    "\n"
    "  - **New users:** more than 700,000.\n"
    "  - **Daily active users:** 3.4 million.\n"
    "added: 2025-01-01\n"
)


def problems(text: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.message) for p in parse(Path("e.yaml"), text).problems]


def lines(text: str) -> list[tuple[int, int]]:
    return [(line, col) for line, col, _ in problems(text)]


def test_a_list_in_a_folded_summary_is_refused_at_its_first_item() -> None:
    assert problems(ISSUE_EXAMPLE) == [
        (
            5,
            3,
            "'summary': this line starts a list item, but `>-` on line 2 joins the lines into one "
            "paragraph, so the list is lost; write `|-` instead of `>-`, which keeps line breaks",
        )
    ]
    # What the message says happens does happen: the list is gone from the page.
    summary = yaml.safe_load(ISSUE_EXAMPLE)["summary"]
    assert "<li>" not in render_markdown(summary)
    fixed = yaml.safe_load(ISSUE_EXAMPLE.replace(">-", "|-"))["summary"]
    assert render_markdown(fixed).count("<li>") == 2
    assert problems(ISSUE_EXAMPLE.replace(">-", "|-")) == []


def test_a_list_right_after_a_prose_line_also_needs_a_blank_line() -> None:
    text = "summary: >-\n  Figures differ:\n  - one\n  - two\n"
    [(line, col, message)] = problems(text)
    assert (line, col) == (3, 3)
    assert message.endswith("which keeps line breaks, and leave a blank line before the list")
    # Python-Markdown starts no list inside a paragraph, with `|` either: hence the advice.
    assert "<li>" not in render_markdown(yaml.safe_load(text.replace(">-", "|-"))["summary"])


# field → (its YAML after "title: T", the line and column of its first list item)
NESTED = {
    "zh.summary": (
        "zh:\n  title: 标题\n  summary: >-\n    数字不同:\n\n    - 新用户\n    - 日活\n",
        (7, 5),
    ),
    "items[1].note": (
        "items:\n  - topic: a\n    evidence: tested\n  - topic: b\n    evidence: tested\n"
        "    note: >\n      Seen twice:\n\n      * in posts\n      * in comments\n",
        (10, 7),
    ),
    "corrections[0].note": (
        "corrections:\n  - date: 2025-02-01\n    note: >+\n      Fixed:\n\n      1. the date\n",
        (7, 7),
    ),
    "handles[0].handle": ("handles:\n  - platform: X\n    handle: >-\n      + odd\n", (5, 7)),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nested_fields_are_checked_too(name: str) -> None:
    body, mark = NESTED[name]
    [(line, col, message)] = problems("title: T\n" + body)
    assert (line, col) == mark
    assert message.startswith(f"'{name}': this line starts a list item, but `>")


def test_the_suggested_indicator_keeps_the_chomping_written() -> None:
    message = {
        header: problems(f"summary: {header}\n  Intro\n\n  - a\n")[0][2]
        for header in (">", ">-", ">+", ">2-")
    }
    assert "write `|` instead of `>`," in message[">"]
    assert "write `|-` instead of `>-`," in message[">-"]
    assert "write `|+` instead of `>+`," in message[">+"]
    assert "write `|2-` instead of `>2-`," in message[">2-"]


def test_a_heading_in_a_folded_scalar_is_refused() -> None:
    text = "title: T\ndescription: >-\n  Intro.\n\n  ## Later\n  More.\n"
    assert problems(text) == [
        (
            5,
            3,
            "'description': this line starts a heading, but `>-` on line 2 joins the lines into "
            "one paragraph, so the heading is lost; write `|-` instead of `>-`, which keeps line "
            "breaks",
        )
    ]


@pytest.mark.parametrize(
    "body",
    [
        "  Figures differ:\n\n  - one\n  - two\n",  # `|`: the line breaks stay
        "  ## Heading\n  Text.\n",
    ],
)
def test_literal_scalars_may_hold_lists_and_headings(body: str) -> None:
    assert problems(f"summary: |-\n{body}") == []
    assert problems(f"summary: |\n{body}") == []


@pytest.mark.parametrize(
    "body",
    [
        "  Xiaohongshu reached No. 1 among free apps\n  on the US App Store.\n",
        "  The divest-or-ban law - signed in April - took effect\n  in January - as planned.\n",
        "  It went dark on 18–19 January\n  2025. Its US app has been run by a joint venture.\n",
        "  Counts of the\n  #TikTokRefugee hashtag rose fast.\n",
        "  A star *rating*\n  **bold** and -1 degrees\n  +3 points.\n",
    ],
    ids=["prose", "hyphens-mid-line", "year-ending-a-sentence", "hashtag", "emphasis-and-signs"],
)
def test_folded_prose_is_accepted(body: str) -> None:
    text = f"summary: >-\n{body}"
    assert problems(text) == []


def test_other_numbers_start_a_list_where_markdown_would_start_one() -> None:
    after_blank = "summary: >-\n  Steps:\n\n  3. third\n  4. fourth\n"
    assert lines(after_blank) == [(4, 3)]
    after_item = "summary: >-\n  Steps:\n\n    - first\n  2) second\n"
    assert lines(after_item) == [(5, 3)]
    assert lines("summary: >-\n  7. seventh\n") == [(2, 3)]


def test_more_indented_list_lines_are_accepted_because_folding_keeps_them() -> None:
    """YAML keeps the line breaks of lines indented deeper than the scalar even in folded
    style: the text is the same as with `|`, and Markdown makes the same list of it."""
    body = "  Figures differ:\n\n    - one\n    - two\n"
    assert problems(f"summary: >-\n{body}") == []
    folded = yaml.safe_load(f"summary: >-\n{body}")["summary"]
    literal = yaml.safe_load(f"summary: |-\n{body}")["summary"]
    assert folded == literal
    assert render_markdown(folded).count("<li>") == 2
    # Without the blank line Markdown makes no list of them, from `|` either.
    body = "  Figures differ:\n    - one\n    - two\n"
    assert problems(f"summary: >-\n{body}") == []
    folded = yaml.safe_load(f"summary: >-\n{body}")["summary"]
    assert folded == yaml.safe_load(f"summary: |-\n{body}")["summary"]
    # A tab after the indentation makes a "spaced" line, kept as it is too.
    assert problems("summary: >-\n  Intro:\n  \t- one\n") == []


def test_only_the_first_offending_line_of_each_scalar_is_reported() -> None:
    text = (
        "summary: >-\n  Intro:\n\n  - a\n  - b\n"
        "context: >-\n  More:\n\n  - c\n  # d\n"
        "description: |-\n  - e\n"
    )
    assert [(line, msg.split(":")[0]) for line, _, msg in problems(text)] == [
        (4, "'summary'"),
        (9, "'context'"),
    ]


def test_an_explicit_indentation_indicator_sets_the_indentation() -> None:
    # The scalar is indented 2 from its key (column 4): 6 spaces; its first line is deeper.
    text = (
        "items:\n  - term: a\n    note: >2-\n         an indented first line\n"
        "      - a list item\n    translation: a\n"
    )
    assert yaml.safe_load(text)["items"][0]["note"] == "   an indented first line\n- a list item"
    assert lines(text) == [(5, 7)]
    in_a_list = "tags:\n  - >1\n     deeper\n   - item\n"
    assert yaml.safe_load(in_a_list)["tags"] == ["  deeper\n- item\n"]
    assert lines(in_a_list) == [(4, 4)]
    tagged = "summary: !!str >2-\n    - deeper\n  - item\n"
    assert yaml.safe_load(tagged)["summary"] == "  - deeper\n- item"
    assert lines(tagged) == [(3, 3)]


def test_line_numbers_count_every_yaml_line_break() -> None:
    assert lines(ISSUE_EXAMPLE.replace("\n", "\r\n")) == [(5, 3)]
    assert lines("# a comment\r\n\r\n" + ISSUE_EXAMPLE.replace("\n", "\r")) == [(7, 3)]


def test_a_scalar_that_ends_the_file_without_a_newline_is_checked() -> None:
    assert lines("summary: >\n  Intro:\n\n  - a") == [(4, 3)]


def test_a_megabyte_of_folded_lines_is_checked_quickly() -> None:
    rows = "  2025. a sentence that goes on\n" * 30_000 + "  + item\n"
    text = "summary: >-\n  Intro\n" + rows + "tags:\n"
    item = "  - >-\n    - x\n"
    count = (MAX_FILE_BYTES - len(text)) // len(item)
    text += item * count
    assert len(text.encode("utf-8")) <= MAX_FILE_BYTES
    start = time.perf_counter()
    found = lines(text)
    seconds = time.perf_counter() - start
    assert found[0] == (30_003, 3)
    assert len(found) == 1 + count
    assert seconds < 2.0, f"{seconds:.1f} s"
