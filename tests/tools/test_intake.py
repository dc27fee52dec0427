"""from-issue: an issue-form body becomes an entry that validates, or a clear error by field."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli.contribute import from_issue
from generator.kinds.quote import LANGUAGES, OTHER_LANGUAGE
from generator.tools import intake
from generator.tools.intake_text import Appender, parse_body, read_form, scalar_lines
from generator.validate.record import collect

ROOT = Path(__file__).resolve().parent.parent.parent
BODIES = Path(__file__).resolve().parent.parent / "data" / "issue-bodies"
GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "entries"
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"


@pytest.fixture
def entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the golden corpus, and a fixed today."""
    target = tmp_path / "entries"
    shutil.copytree(GOLDEN, target)
    monkeypatch.setattr(intake, "today", lambda: date(2025, 3, 1))
    monkeypatch.chdir(tmp_path)
    return target


def run(form: str, body: str | Path, entries: Path, *more: str) -> Result:
    group = click.Group("generator", commands=[from_issue])
    if isinstance(body, str):
        path = entries.parent / "body.md"
        path.write_text(body, encoding="utf-8")
        body = path
    args = [
        "from-issue",
        "--form",
        form,
        str(body),
        "--entries",
        str(entries),
        "--forms",
        str(FORMS),
        *more,
    ]
    return CliRunner().invoke(group, args)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def sample(form: str) -> str:
    return (BODIES / f"{form}.md").read_text(encoding="utf-8")


# --- every form, on its committed sample body ----------------------------------------------------

EVENT = """\
title: RedNote publishes an English guide for newcomers
date: 2025-01-20
summary: |-
  Xiaohongshu published an English-language guide for the US users who had just arrived.[1]

  The guide asks newcomers to:[2]

  - avoid political topics;[2]
  - follow the platform's community rules.[2]
actors: [rednote, state-paper]
zh:
  title: 小红书发布新用户英文指南
tags: [migration, censorship]
related: [2025-01-13-app-tops-charts, 2025-01-18-blackout]
sources:
  - url: "https://example.org/rednote-guide"
    title: RedNote's guide for newcomers
    publisher: Example News
    date: 2025-01-21
  - url: "https://example.org/guide-copy"
    title: A copy of the guide
    publisher: The State Paper
    date: 2025-01
    archive_url: "https://web.archive.org/web/2025/https://example.org/guide-copy"
added: 2025-03-01
"""

QUOTE = """\
text: "欢迎大家来小红书"
lang: zh-Hans
translation: "Welcome, everyone, to Xiaohongshu"
speaker: ada-lee
date: 2025-01-14
platform: Xiaohongshu
context: A post by Ada Lee welcoming the "TikTok refugees"; the translation is the contributor's.
event: 2025-01-refugees-arrive
tags: [migration]
sources:
  - url: "https://example.org/ada-lee-welcome"
    title: Ada Lee's welcome post
    publisher: Xiaohongshu
    date: 2025-01-14
added: 2025-03-01
"""


@pytest.mark.parametrize(
    ("form", "written", "expected"),
    [
        ("event", "events/2025-01-20-rednote-publishes-an-english-guide-for-newcomers.yaml", EVENT),
        ("quote", "quotes/quote-ada-lee-welcome-everyone-to-xiaohongshu.yaml", QUOTE),
    ],
)
def test_a_new_entry_is_written_in_the_entries_style(
    entries: Path, form: str, written: str, expected: str
) -> None:
    before = snapshot(entries)
    result = run(form, BODIES / f"{form}.md", entries)
    assert result.exit_code == 0, result.output
    assert result.output == f"entries/{written}\n"
    assert (entries / written).read_text(encoding="utf-8") == expected
    assert set(snapshot(entries)) - set(before) == {written}
    assert collect(entries).problems == []


def test_a_list_item_is_appended_without_touching_other_lines(entries: Path) -> None:
    path = entries / "lists" / "sample-keywords.yaml"
    old = path.read_text(encoding="utf-8").split("\n")
    result = run("list-item", BODIES / "list-item.md", entries)
    assert result.exit_code == 0, result.output
    assert result.output == "entries/lists/sample-keywords.yaml\n"
    new = path.read_text(encoding="utf-8").split("\n")
    added = [
        "  - term: 六四",
        "    translation: June Fourth",
        "    evidence: tested",
        "    category: history",
        "    note: Posts using the date were hidden within minutes, according to *Example News*.",
        "    first_seen: 2025-01-15",
    ]
    source = [
        '  - url: "https://example.org/june-fourth"',
        "    title: Posts about June Fourth hidden",
        "    publisher: Example News",
        "    date: 2025-01-15",
    ]
    at_items, at_sources = old.index("sources:"), old.index("added: 2025-02-04") + 1
    assert new == (
        old[:at_items] + added + old[at_items : at_sources - 1] + source
        + old[at_sources - 1 : at_sources] + ["updated: 2025-03-01"] + old[at_sources:]
    )  # fmt: skip
    assert collect(entries).problems == []


def test_a_correction_is_logged_and_updated_is_bumped(entries: Path) -> None:
    path = entries / "events" / "2025-01-18-blackout.yaml"
    old = path.read_text(encoding="utf-8")
    result = run("correction", BODIES / "correction.md", entries)
    assert result.exit_code == 0, result.output
    new = path.read_text(encoding="utf-8")
    assert new == old.replace("updated: 2025-02-05", "updated: 2025-03-01").replace(
        "sources:\n",
        "  - date: 2025-03-01\n"
        "    note: |-\n"
        '      The summary says the app came back "the next day"; it came back about **14 hours**'
        " later,\n"
        "      on the morning of 19 January.\n"
        "\n"
        "      Source: [TikTok is back online](https://example.org/back-online) (Example News).\n"
        "sources:\n",
    )
    assert collect(entries).problems == []


def test_a_first_correction_adds_the_field_before_added(entries: Path) -> None:
    body = sample("correction").replace(
        "https://rednote-record.github.io/rednote-record/events/2025-01-18-blackout/", "Ada Lee"
    )
    result = run("correction", body, entries)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((entries / "actors" / "ada-lee.yaml").read_text(encoding="utf-8"))
    assert list(data)[-3:] == ["corrections", "added", "updated"]
    assert data["corrections"][0]["date"] == date(2025, 3, 1)
    assert collect(entries).problems == []


# --- what only a curator can settle: asked, and the entry written -----------------------------


def test_an_unknown_topic_is_a_question_for_the_curator_not_a_failure(entries: Path) -> None:
    body = sample("event").replace("Migration, censorship", "migraton, censorship")
    questions = entries.parent / "questions.txt"
    result = run("event", body, entries, "--questions", str(questions))
    assert result.exit_code == 0, result.output
    question = (
        "Topics: 'migraton' is not a topic of the site yet: did you mean 'migration', or "
        "should it become a new one? It is left out of the entry until a curator adds it."
    )
    assert f"Question for the curator: {question}" in result.output
    assert questions.read_text(encoding="utf-8") == question + "\n"
    written = (
        entries / "events" / "2025-01-20-rednote-publishes-an-english-guide-for-newcomers.yaml"
    )
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["tags"] == ["censorship"]
    assert collect(entries).problems == []


def test_a_headline_an_entry_has_already_asks_whether_it_is_the_same(entries: Path) -> None:
    body = sample("event").replace(
        "RedNote publishes an English guide for newcomers", "TikTok goes dark for a day"
    )
    questions = entries.parent / "questions.txt"
    result = run("event", body, entries, "--questions", str(questions))
    assert result.exit_code == 0, result.output
    assert questions.read_text(encoding="utf-8") == (
        "Headline: this looks like 'TikTok goes dark for a day' (events/2025-01-18-blackout): "
        "is it the same? If it is, propose a correction to that entry instead; if not, word "
        "the headline so that readers can tell the two apart.\n"
    )


def test_no_questions_leave_the_file_empty(entries: Path) -> None:
    questions = entries.parent / "questions.txt"
    result = run("event", sample("event"), entries, "--questions", str(questions))
    assert result.exit_code == 0, result.output
    assert questions.read_text(encoding="utf-8") == ""
    assert "Question" not in result.output


# --- what cannot be resolved: a named field, exit 1, nothing written ---------------------------


@pytest.mark.parametrize(
    ("form", "old", "new", "message"),
    [
        (
            "event",
            "RedNote, the state paper",
            "RedNote, Ada Lea",
            "Who was involved: no actor is called 'Ada Lea'; did you mean 'Ada Lee'?",
        ),
        (
            "event",
            "2025-01-20\n",
            "2025-02-30\n",
            "Date: 2025-02-30 is not a real date: February 2025 has 28 days",
        ),
        (
            "event",
            "RedNote publishes an English guide for newcomers",
            "_No response_",
            "Headline: this field is required but was left empty",
        ),
        (
            "quote",
            "Chinese (simplified)",
            OTHER_LANGUAGE,
            f"Language of the quote: {OTHER_LANGUAGE!r}: a curator has to set this language; "
            "pick one of the list",
        ),
        (
            "quote",
            "Welcome, everyone, to Xiaohongshu",
            "_No response_",
            "English translation: needed, because the quote is in Chinese (simplified)",
        ),
        (
            "quote",
            "- [X] If the quote",
            "- [ ] If the quote",
            "Sourcing: not ticked: 'If the quote is not in English, I gave a translation.'",
        ),
        (
            "list-item",
            "Sample keywords that get posts removed",
            "Sample keywords that get post removed",
            "Which list: no censorship list is called 'Sample keywords that get post removed'; "
            "did you mean 'Sample keywords that get posts removed'?",
        ),
        (
            "list-item",
            "| 2025-01-15\n\n### Sourcing",
            "| 15 January\n\n### Sourcing",
            "Sources: '15 January' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, or a date-time "
            "with offset such as 2025-01-18T22:30:00-05:00)",
        ),
        (
            "correction",
            "https://example.org/back-online | TikTok is back online",
            "example.org/back-online | TikTok is back online",
            "Sources for the correction: line 1: 'example.org/back-online' is not a web address "
            "starting with https://; a source line reads `https://example.org/report | The "
            "page's title | The outlet | 2025-01-20`",
        ),
        (
            "correction",
            "https://example.org/back-online | TikTok is back online",
            "https://example.org/back-online TikTok is back online",
            "Sources for the correction: line 1: put | between the address "
            "'https://example.org/back-online' and the page's title; a source line reads "
            "`https://example.org/report | The page's title | The outlet | 2025-01-20`",
        ),
    ],
)
def test_problems_name_the_field_and_nothing_is_written(
    entries: Path, form: str, old: str, new: str, message: str
) -> None:
    body = sample(form)
    assert old in body
    before = snapshot(entries)
    result = run(form, body.replace(old, new, 1), entries)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, never a traceback
    assert message in result.output.splitlines()
    assert result.output.endswith("; nothing was written\n")
    assert snapshot(entries) == before


def test_every_problem_is_reported_at_once(entries: Path) -> None:
    body = sample("event").replace("2025-01-20\n", "2025-13\n").replace("the state paper", "Bob")
    result = run("event", body, entries)
    assert result.exit_code == 1
    assert (
        result.output.splitlines()[-1] == "Error: 2 problems in the proposal; nothing was written"
    )


def test_a_body_not_made_with_the_form_is_refused(entries: Path) -> None:
    result = run("event", "I think you should add the TikTok ban.\n", entries)
    assert result.exit_code == 1
    assert "Headline: the issue has no '### Headline' section" in result.output


def test_an_existing_entry_is_not_overwritten(entries: Path) -> None:
    assert run("event", BODIES / "event.md", entries).exit_code == 0
    before = snapshot(entries)
    result = run("event", BODIES / "event.md", entries)
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert snapshot(entries) == before


def test_an_entry_the_validator_refuses_is_taken_back(entries: Path) -> None:
    # 2025-01-19 is before 2025-01-20: only the validator knows that an end cannot come first.
    body = sample("event").replace("### End date\n\n_No response_", "### End date\n\n2025-01-19")
    before = snapshot(entries)
    result = run("event", body, entries)
    assert result.exit_code == 1
    assert "End date: 'end_date': 2025-01-19 is before 'date' 2025-01-20" in result.output
    assert snapshot(entries) == before


def test_a_list_written_in_flow_style_is_left_for_a_curator(entries: Path) -> None:
    path = entries / "lists" / "sample-keywords.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("items:\n"), text.index("sources:\n")
    path.write_text(text[:start] + "items: [{term: VPN, evidence: tested}]\n" + text[end:])
    before = snapshot(entries)
    result = run("list-item", BODIES / "list-item.md", entries)
    assert result.exit_code == 1
    assert "'items' is not written as a block list" in result.output
    assert snapshot(entries) == before


def test_an_unreadable_body_is_a_message(entries: Path) -> None:
    path = entries.parent / "body.md"
    path.write_bytes(b"\xff\xfe not text")
    result = run("event", path, entries)
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot read")


# --- the pieces --------------------------------------------------------------------------------


def test_the_quote_forms_languages_all_have_a_tag() -> None:
    [lang] = [e for e in read_form(FORMS / "quote.yml") if e.id == "lang"]
    assert lang.type == "dropdown"
    assert list(lang.options) == [*LANGUAGES, OTHER_LANGUAGE]
    assert LANGUAGES["Chinese (simplified)"] == "zh-Hans"


@pytest.mark.parametrize("form", sorted(intake.forms()))
def test_each_sample_answers_every_field_of_its_form(form: str) -> None:
    elements = read_form(FORMS / f"{form}.yml")
    answers, problems = parse_body(elements, sample(form))
    assert problems == []
    assert set(answers) == {e.id for e in elements}
    assert all(answers[e.id] for e in elements if e.required)


def test_a_heading_inside_an_answer_stays_in_it() -> None:
    elements = read_form(FORMS / "correction.yml")
    body = "### Which entry\r\n\r\nAda Lee\r\n\r\n### What is wrong, and what should it say\r\n\r\n"
    body += "### Not a label\r\nText\r\n\r\n### Sources for the correction\r\n\r\n_No response_\r\n"
    answers, problems = parse_body(elements, body)
    assert answers == {
        "entry": "Ada Lee",
        "corrections_note": "### Not a label\nText",
        "sources": None,
    }
    assert problems == []


@pytest.mark.parametrize(
    "value", ["yes", "a: b", "# not a comment", "  leading", "null", "1.5", "'quoted'", "x\u0085y"]
)
def test_scalars_read_back_as_written(value: str) -> None:
    [line] = scalar_lines("title", value, 0)
    assert yaml.safe_load(line) == {"title": value}


def test_multi_line_text_is_a_literal_block() -> None:
    assert scalar_lines("summary", "One.\n\n- two", 2) == [
        "  summary: |-",
        "    One.",
        "",
        "    - two",
    ]
    # A first line that starts with a space cannot open a plain |- block: quoted instead.
    assert scalar_lines("summary", " One.\nTwo.", 0) == ['summary: " One.\\nTwo."']


def test_the_appender_keeps_comments_before_the_next_field() -> None:
    text = "items:\n  - term: a\n\n# about the sources\nsources: []\nadded: 2025-01-01\n"
    edit = Appender(text, {}, {"items": 0, "sources": 4, "added": 5})
    edit.append_items("items", [{"term": "b"}])
    edit.set_field("updated", "2025-03-01")
    assert edit.text() == (
        "items:\n  - term: a\n  - term: b\n\n# about the sources\nsources: []\n"
        "added: 2025-01-01\nupdated: 2025-03-01\n"
    )


def test_a_topic_is_proposed_without_a_term(entries: Path) -> None:
    body = (BODIES / "list-item.md").read_text(encoding="utf-8")
    body = body.replace("### Term\n\n六四\n", "### Term\n\n_No response_\n")
    body = body.replace("### Translation\n\nJune Fourth\n", "### Translation\n\n_No response_\n")
    body = body.replace(
        "### Topic\n\n_No response_\n", "### Topic\n\nposts about the 1989 crackdown\n"
    )
    result = run("list-item", body, entries)
    assert result.exit_code == 0, result.output
    text = (entries / "lists" / "sample-keywords.yaml").read_text(encoding="utf-8")
    assert "  - topic: posts about the 1989 crackdown\n    evidence: tested\n" in text
    assert collect(entries).problems == []


@pytest.mark.parametrize("topic", ["_No response_", "posts about June Fourth"])
def test_a_proposal_gives_a_term_or_a_topic_not_both(entries: Path, topic: str) -> None:
    body = (BODIES / "list-item.md").read_text(encoding="utf-8")
    body = body.replace("### Topic\n\n_No response_\n", f"### Topic\n\n{topic}\n")
    if topic == "_No response_":  # neither
        body = body.replace("### Term\n\n六四\n", "### Term\n\n_No response_\n")
    before = snapshot(entries)
    result = run("list-item", body, entries)
    assert result.exit_code == 1
    assert (
        "Term: give the term as written, or describe the topic: one of the two"
        in result.output.splitlines()
    )
    assert snapshot(entries) == before


def test_the_sample_event_meets_the_records_rule_of_a_source_for_every_sentence(
    entries: Path,
) -> None:
    shutil.copy(ROOT / "mkdocs.yml", entries.parent / "mkdocs.yml")  # events: cite every sentence
    assert run("event", sample("event"), entries).exit_code == 0
    uncited = sample("event").replace("had just arrived.[1]", "had just arrived.")
    (
        entries / "events" / "2025-01-20-rednote-publishes-an-english-guide-for-newcomers.yaml"
    ).unlink()
    result = run("event", uncited, entries)
    assert result.exit_code == 1
    assert "What happened: 'summary': this sentence cites no source" in result.output
