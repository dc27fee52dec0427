"""`new`: a correctly named skeleton that fails with "fill in" messages until it is filled,
checks what it is given, and never overwrites."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import cli
from generator.validate.record import collect

VALID = Path(__file__).parent.parent / "data" / "validate" / "valid" / "entries"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """A copy of the small valid corpus, which has the actor christine-lu."""
    dest = tmp_path / "entries"
    shutil.copytree(VALID, dest)
    return dest


def new(entries_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["new", *args, "--entries", str(entries_dir)])


URL = "'sources[0].url' is still the example URL "
URL += "'https://example.org/replace-with-the-source-url': fill in the source's real URL"
SOURCE_TITLE = (
    "'sources[0].title' still holds the placeholder \"TODO: the source page's title\"; "
    "fill it in: The page's title."
)
TITLE = "'title' still holds the placeholder 'TODO: a short, neutral title'; fill it in: "
SUMMARY = "'summary' still holds the placeholder "
SUMMARY += "'TODO: what happened, in your own words (Markdown).'; fill it in: "
DATE = "'date' still holds the placeholder 'TODO: when, as 2025-01-13, 2025-01 or 2025'; "
DATE += "fill it in: "
TEXT = (
    "'text' still holds the placeholder 'TODO: the quotation, verbatim, in its original "
    "language'; fill it in: The quotation, verbatim, in the original language."
)

# kind's arguments → (the file written, what `validate` says of it line by line).
SKELETONS = {
    "event": (
        ["event", "2025-01-19-tiktok-goes-dark", "--date", "2025-01-19"],
        "events/2025-01-19-tiktok-goes-dark.yaml",
        [
            f"3:8: {TITLE}A short, neutral headline.",
            f"5:10: {SUMMARY}What happened (Markdown).",
            f"9:10: {URL}",
            f"10:12: {SOURCE_TITLE}",
        ],
    ),
    "quote": (
        ["quote", "quote-lu", "--speaker", "christine-lu", "--lang", "zh-Hant"],
        "quotes/quote-lu.yaml",
        [
            f"3:7: {TEXT}",
            "5:14: 'translation' still holds the placeholder 'TODO: the English translation'; "
            "fill it in: English translation; required when lang is not English.",
            f"7:7: {DATE}When it was said.",
            f"10:10: {URL}",
            f"11:12: {SOURCE_TITLE}",
        ],
    ),
    "quote-en": (
        ["quote", "quote-lu-en", "--speaker", "christine-lu"],
        "quotes/quote-lu-en.yaml",
        [f"3:7: {TEXT}", f"6:7: {DATE}When it was said.", f"9:10: {URL}", f"10:12: {SOURCE_TITLE}"],
    ),
    "list": (
        ["list", "banned-terms", "--compiled-by", "christine-lu"],
        "lists/banned-terms.yaml",
        [
            f"3:8: {TITLE}The list's title.",
            "4:11: 'platform' still holds the placeholder 'TODO: the platform'; fill it in: "
            "The platform it concerns.",
            f"6:7: {DATE}When it was compiled.",
            f"7:10: {SUMMARY}What the list is (Markdown).",
            "11:11: 'items[0].term' still holds the placeholder 'TODO: the term as written'; "
            "fill it in, or delete the line: The word as it was written and censored, in its "
            "own language and script. An item has a term or a topic, not both.",
            "12:18: 'items[0].translation' still holds the placeholder "
            "'TODO: its English translation'; fill it in, or delete the line: The term in "
            "English; needed unless the term is already plain English.",
            f"16:10: {URL}",
            f"17:12: {SOURCE_TITLE}",
        ],
    ),
    "actor": (
        ["actor", "rei-xia"],
        "actors/rei-xia.yaml",
        [
            "4:7: 'name' still holds the placeholder 'TODO: the name, in English or as known'; "
            "fill it in: Name in English or as known.",
            "6:14: 'description' still holds the placeholder 'TODO: who they are, in your own "
            "words (Markdown)'; fill it in, or delete the line: Who they are, in one sentence "
            "(a name and a role); more needs sources (Markdown).",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(SKELETONS))
def test_skeleton_fails_with_fill_in_messages_until_filled(
    entries_dir: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, path, expected = SKELETONS[case]
    result = new(entries_dir, *args)
    assert result.exit_code == 0, result.output
    written = entries_dir / path
    assert result.output == f"{written}\n"
    text = written.read_text(encoding="utf-8")
    assert f'added: "{date.today().isoformat()}"' in text
    kind = path.split("/")[0].rstrip("s")
    assert text.startswith("# yaml-language-server: $schema=")
    assert text.splitlines()[0].endswith(f"schemas/{kind}.schema.json")
    monkeypatch.chdir(entries_dir.parent)
    problems = collect(Path("entries")).problems
    assert [str(p) for p in problems] == [f"entries/{path}:{line}" for line in expected]
    # Filled in, line by line as a contributor would, it passes.
    numbers = iter(range(1, 100))  # each its own text: a translation may not repeat its term
    text = text.replace('"TODO: when, as 2025-01-13, 2025-01 or 2025"', '"2025-01-13"')
    filled = re.sub(r'"TODO: [^"]*"', lambda _: f'"Filled in {next(numbers)}"', text).replace(
        "https://example.org/replace-with-the-source-url", "https://www.bbc.com/news/a-report"
    )
    assert "TODO" not in filled
    written.write_text(filled, encoding="utf-8")
    assert collect(entries_dir).problems == []


def test_event_date_defaults_to_the_ids(entries_dir: Path) -> None:
    assert new(entries_dir, "event", "2025-01-20-day-one").exit_code == 0
    text = (entries_dir / "events/2025-01-20-day-one.yaml").read_text(encoding="utf-8")
    assert 'date: "2025-01-20"' in text
    assert new(entries_dir, "event", "2025-01-week-one").exit_code == 0
    text = (entries_dir / "events/2025-01-week-one.yaml").read_text(encoding="utf-8")
    assert 'date: "2025-01"' in text


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "13/01/2025",
            "--date: '13/01/2025' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, for example "
            "--date 2025-01-13",
        ),
        ("2025-02-30", "--date: 2025-02-30 is not a real date: February 2025 has 28 days"),
        (
            "2025-01-18",
            "the id '2025-01-19-tiktok-goes-dark' starts with 2025-01-19, but --date is "
            "2025-01-18: give the date the id starts with, or the id "
            "2025-01-18-tiktok-goes-dark",
        ),
    ],
)
def test_refuses_a_bad_date(entries_dir: Path, given: str, message: str) -> None:
    result = new(entries_dir, "event", "2025-01-19-tiktok-goes-dark", "--date", given)
    assert result.exit_code == 1
    assert result.output == f"Error: {message} (nothing was written)\n"
    assert not (entries_dir / "events" / "2025-01-19-tiktok-goes-dark.yaml").exists()


def test_a_date_time_agrees_with_the_id_by_its_written_day(entries_dir: Path) -> None:
    when = "2025-01-18T22:30:00-05:00"  # 19 January in UTC
    result = new(entries_dir, "event", "2025-01-18-tiktok-goes-dark", "--date", when)
    assert result.exit_code == 0, result.output
    wrong = new(entries_dir, "event", "2025-01-19-tiktok-goes-dark", "--date", when)
    assert wrong.exit_code == 1
    assert "but --date is 2025-01-18T22:30:00-05:00 (18 January 2025, 22:30 UTC−05:00)" in (
        wrong.output
    )


def test_schema_comment_points_at_the_committed_schema(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent.parent
    entries = tmp_path / "entries"
    result = new(entries, "actor", "someone")
    first = (entries / "actors" / "someone.yaml").read_text(encoding="utf-8").splitlines()[0]
    schema = (entries / "actors" / first.split("$schema=", 1)[1]).resolve()
    assert result.exit_code == 0
    assert schema == (root / "schemas" / "actor.schema.json").resolve()
    assert schema.is_file()


def test_refuses_to_overwrite(entries_dir: Path) -> None:
    target = entries_dir / "actors" / "christine-lu.yaml"
    before = target.read_bytes()
    result = new(entries_dir, "actor", "christine-lu")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {target} already exists; ids are unique across all kinds, so pick another id "
        "(nothing was written)\n"
    )
    assert target.read_bytes() == before


def test_refuses_an_id_used_by_another_kind(entries_dir: Path) -> None:
    result = new(entries_dir, "event", "christine-lu")
    assert result.exit_code == 1
    assert not (entries_dir / "events" / "christine-lu.yaml").exists()


def test_refuses_a_bad_id(entries_dir: Path) -> None:
    result = new(entries_dir, "event", "Bad Id")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'Bad Id' is not a valid id: use lowercase letters")


def test_quote_needs_an_existing_actor(entries_dir: Path) -> None:
    missing = new(entries_dir, "quote", "q1")
    assert missing.exit_code == 2
    assert "Error: a quote needs --speaker ACTOR_ID" in missing.output
    wrong = new(entries_dir, "quote", "q1", "--speaker", "nobody")
    assert wrong.exit_code == 1
    assert wrong.output == (
        "Error: --speaker 'nobody' is not an actor: create it first with "
        "`python -m generator new actor nobody --name …`\n"
    )
    assert not (entries_dir / "quotes" / "q1.yaml").exists()


def test_a_near_miss_actor_gets_a_suggestion(entries_dir: Path) -> None:
    result = new(entries_dir, "quote", "q1", "--speaker", "christine-liu")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --speaker 'christine-liu' is not an actor; did you mean 'christine-lu'? "
        "(nothing was written)\n"
    )
    listed = new(entries_dir, "list", "l1", "--compiled-by", "christine_lu")
    assert listed.exit_code == 1
    assert "--compiled-by 'christine_lu' is not an actor; did you mean 'christine-lu'?" in (
        listed.output
    )
    assert not (entries_dir / "quotes" / "q1.yaml").exists()
    assert not (entries_dir / "lists" / "l1.yaml").exists()


def test_an_id_of_another_kind_is_not_an_actor(entries_dir: Path) -> None:
    result = new(entries_dir, "quote", "q1", "--speaker", "quote-three-ts")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --speaker 'quote-three-ts' is a quote, not an actor: give the id of a file in "
        "entries/actors/ (nothing was written)\n"
    )


def test_values_with_yaml_specials_are_quoted(entries_dir: Path) -> None:
    title = "no: #1 & *star* [x]"
    args = ["--title", title, "--url", "https://a.example/x?y=1&z=#f", "--source-title", title]
    result = new(entries_dir, "event", "2025-01-13-e1", *args)
    assert result.exit_code == 0
    path = entries_dir / "events" / "2025-01-13-e1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"TODO: what happened', '"What happened'), encoding="utf-8")
    corpus = collect(entries_dir).corpus
    assert corpus is not None
    assert corpus.entries["2025-01-13-e1"].title == title
    assert corpus.entries["2025-01-13-e1"].sources[0].title == title
    assert corpus.entries["2025-01-13-e1"].sources[0].url == "https://a.example/x?y=1&z=#f"


def test_a_value_validate_would_refuse_is_refused_by_new_naming_its_flag(entries_dir: Path) -> None:
    result = new(entries_dir, "quote", "quote-x", "--speaker", "christine-lu", "--lang", "Chinese")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --lang 'Chinese': 'lang': 'Chinese' must be a BCP 47 language tag such as en, "
        "zh-Hans or zh-Hant (nothing was written)\n"
    )
    assert not (entries_dir / "quotes" / "quote-x.yaml").exists()


def test_an_event_id_without_its_date_is_refused_by_new(entries_dir: Path) -> None:
    result = new(entries_dir, "event", "rednote-translation", "--date", "2025-01-20")
    assert result.exit_code == 1
    assert result.output == (
        "Error: an event's id starts with its date, so that its file sorts in time: for example "
        "2025-01-20-rednote-translation (nothing was written)\n"
    )


def test_the_path_written_is_shown_as_the_contributor_would_type_it(
    entries_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(entries_dir.parent)
    result = new(Path("entries"), "actor", "ada-lee", "--title", "Ada Lee")
    assert result.exit_code == 0, result.output
    assert result.output == "entries/actors/ada-lee.yaml\n"
