"""`validate`: every class of bad input gives the exact message, line and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import cli
from generator.validate.record import collect

DATA = Path(__file__).parent.parent / "data" / "validate"
EVENT = "entries/events/2025-01-13-rednote-tops-app-store.yaml"
QUOTE = "entries/quotes/quote-three-ts.yaml"

# case folder → the exact lines `validate` prints (paths relative to the case folder).
EXPECTED: dict[str, list[str]] = {
    "syntax": [
        f"{EVENT}:6:7: the list that starts with '[' on line 6 is not closed: end it with ']', "
        "e.g. `tags: [migration, app-rankings]`\n"
        "  6 | tags: [migration, app-rankings\n"
        "    |       ^\n"
        "With this fixed, the file reads as YAML; its fields are checked then.",
    ],
    "duplicate-key": [
        f"{EVENT}:3:1: duplicate key 'date' (first on line 2); YAML would silently keep only "
        "the last one: remove one of them",
    ],
    "alias": [
        "entries/actors/alias.yaml:1:7: YAML anchor '&n' is not allowed: write the value out "
        "in full",
    ],
    "not-utf8": [
        "entries/actors/latin1.yaml:1:10: file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
    ],
    "empty": ["entries/actors/empty.yaml:1:1: file is empty; an entry is a YAML mapping of fields"],
    "not-mapping": [
        "entries/actors/list.yaml:1:1: the top level is a list; an entry must be a mapping of "
        "fields such as `title: …`",
    ],
    "wrong-types": [
        f"{EVENT}:1:8: 'title' must be text, not a list",
        f"{EVENT}:6:7: 'tags' must be a list: for example `tags: [a, b]`, or one `- item` per "
        "line below it",
    ],
    "bad-date": [
        f"{EVENT}:2:7: 'date': 2025-02-30 is not a real date: February 2025 has 28 days",
    ],
    "end-before-start": [
        f"{EVENT}:3:11: 'end_date': 2024-04 is before 'date' 2025-01-13; swap them or fix the date",
    ],
    "bad-url": [
        f"{EVENT}:9:10: 'sources[0].url': 'javascript:alert(1)' must be a full http:// or "
        "https:// URL",
    ],
    "markdown-link": [
        f"{EVENT}:3:10: 'summary': a link to a 'javascript:' URL is not allowed; links must be "
        "http:// or https:// URLs",
    ],
    "bad-lang": [
        f"{QUOTE}:2:7: 'lang': 'chinese' must be a BCP 47 language tag such as en, zh-Hans or "
        "zh-Hant",
    ],
    "no-translation": [
        f"{QUOTE}:2:1: the entry needs a 'translation' into English because 'lang' is not English",
    ],
    "empty-sources": [
        "entries/lists/three-ts.yaml:14:10: 'sources' is empty: it needs at least one source "
        "(url and title)",
    ],
    "unknown-field": [
        f"{EVENT}:3:1: unknown field 'sumary' for an event; did you mean 'summary'?",
    ],
    "missing-field": [
        "entries/actors/christine-lu.yaml:1:1: missing required field 'kind': One of: person, "
        "account, organisation, government, platform, media.",
    ],
    "bad-references": [
        f"{EVENT}:7:11: 'related[0]': no entry has the id 'nowhere': add it under entries/ or "
        "fix the id",
        f"{QUOTE}:4:10: 'speaker': '2025-01-13-rednote-tops-app-store' is an event, but "
        "'speaker' must name an actor",
        f"{QUOTE}:6:8: 'event': no entry has the id '2025-01-13-rednote-tops-app-stor'; did you "
        "mean '2025-01-13-rednote-tops-app-store'?",
    ],
    "duplicate-id": [
        "entries/actors/christine-lu.yaml:1:1: id 'christine-lu' is also used by "
        "entries/events/more/christine-lu.yaml; ids must be unique across all kinds: rename one "
        "file",
        "entries/events/more/christine-lu.yaml:1:1: id 'christine-lu' is also used by "
        "entries/actors/christine-lu.yaml; ids must be unique across all kinds: rename one file",
        "entries/events/more/christine-lu.yaml:2:7: an event's id starts with its date, so that "
        "its file sorts in time: rename the file to 2025-01-13-christine-lu.yaml",
    ],
    "bad-filename": [
        "entries/actors/Christine Lu.yaml:1:1: file name 'Christine Lu.yaml' is not a valid id: "
        "use lowercase letters, digits and single hyphens, e.g. christine-lu.yaml",
    ],
    "reserved-id": [
        "entries/lists/terms.yaml:1:1: id 'terms' is reserved for the site's listing pages: "
        "rename the file, e.g. terms-list.yaml",
    ],
    "placeholder": [
        f"{EVENT}:1:8: 'title' still holds the placeholder 'TODO: a short, neutral title'; "
        "fill it in: A short, neutral headline.",
        f"{EVENT}:9:10: 'sources[0].url' is still the example URL "
        "'https://example.org/replace-with-the-source-url': fill in the source's real URL",
        "entries/lists/three-ts.yaml:5:10: 'summary' still holds the placeholder "
        "'...TODO add the March reports'; fill it in: What the list is (Markdown).",
        f"{QUOTE}:10:18: 'sources[0].archive_url' is still the example URL "
        "'http://example.org/replace-with-the-source-url/': fill in the real URL of an archived "
        "copy, or delete the line",
    ],
    "id-date": [
        f"{EVENT}:2:7: the id '2025-01-13-rednote-tops-app-store' starts with 2025-01-13, but "
        "'date' is 2025-01-18: rename the file to 2025-01-18-rednote-tops-app-store.yaml if the "
        "date is right, or correct the date",
    ],
    "wrong-folder": [
        "entries/people/someone.yaml:1:1: entry is not in a kind's folder: move it under one of "
        "events/, quotes/, lists/, actors/",
    ],
}


@pytest.fixture
def in_case(monkeypatch: pytest.MonkeyPatch):
    """Run from inside a case folder, so paths print as a contributor would see them."""

    def enter(case: str) -> Path:
        monkeypatch.chdir(DATA / case)
        return DATA / case

    return enter


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", "--entries", "entries", *args])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_input_exact_message_line_and_exit_code(case: str, in_case) -> None:
    in_case(case)
    result = run()
    expected = EXPECTED[case]
    files = len({line.split(":", 1)[0] for line in expected})
    noun = "problem" if len(expected) == 1 else "problems"
    where = "file" if files == 1 else "files"
    assert result.output == "".join(f"{line}\n" for line in expected) + (
        f"Error: {len(expected)} {noun} in {files} {where}\n"
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # no traceback


def test_valid_corpus_passes(in_case) -> None:
    in_case("valid")
    result = run()
    assert result.output == "OK: 4 entries (1 event, 1 quote, 1 list, 1 actor)\n"
    assert result.exit_code == 0


def test_one_run_reports_every_error_in_every_file(tmp_path: Path) -> None:
    """Bad files from several cases in one corpus: none hides another."""
    import shutil

    entries = tmp_path / "entries"
    shutil.copytree(DATA / "valid" / "entries", entries)
    extra = {
        "bad-date/" + EVENT: "events/bad-date.yaml",
        "alias/entries/actors/alias.yaml": "actors/alias.yaml",
        "not-utf8/entries/actors/latin1.yaml": "actors/latin1.yaml",
        "bad-references/" + QUOTE: "quotes/bad-speaker.yaml",
    }
    for src, dest in extra.items():
        shutil.copy(DATA / src, entries / dest)
    problems = collect(entries).problems
    assert [(Path(p.file).name, p.line) for p in problems] == [
        ("alias.yaml", 1),
        ("latin1.yaml", 1),
        ("bad-date.yaml", 2),
        ("bad-speaker.yaml", 4),
        ("bad-speaker.yaml", 6),
    ]


def test_folded_list_exact_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list in a `>-` summary, and one in a list item's note."""
    import shutil

    shutil.copytree(DATA / "valid" / "entries", tmp_path / "entries")
    monkeypatch.chdir(tmp_path)
    event = tmp_path / EVENT
    event.write_text(
        event.read_text(encoding="utf-8").replace(
            "  Xiaohongshu reached **No. 1** among free apps on the US App Store.\n",
            "  Xiaohongshu reached **No. 1** among free apps:\n"
            "  - on the US App Store;\n"
            "  - on Google Play.\n",
        ),
        encoding="utf-8",
    )
    listed = tmp_path / "entries/lists/three-ts.yaml"
    listed.write_text(
        listed.read_text(encoding="utf-8").replace(
            "    first_seen: 2025-01\n",
            "    first_seen: 2025-01\n    note: >\n      Flagged in:\n\n      * posts\n",
        ),
        encoding="utf-8",
    )
    result = run()
    assert result.output == (
        f"{EVENT}:5:3: 'summary': this line starts a list item, but `>-` on line 3 joins the "
        "lines into one paragraph, so the list is lost; write `|-` instead of `>-`, which keeps "
        "line breaks, and leave a blank line before the list\n"
        "entries/lists/three-ts.yaml:17:7: 'items[1].note': this line starts a list item, but "
        "`>` on line 14 joins the lines into one paragraph, so the list is lost; write `|` "
        "instead of `>`, which keeps line breaks\n"
        "Error: 2 problems in 2 files\n"
    )
    assert result.exit_code == 1


def test_yaml_11_values_stay_the_text_written() -> None:
    """`name: no` is the word "no", not False; 1.10 and dates stay text."""
    result = collect(DATA / "yaml11" / "entries")
    assert result.problems == []
    actor = result.corpus.entries["norway"]
    assert actor.name == "no"
    assert actor.name_zh == "1.10"
    assert actor.description == "2025-01-13"


def test_github_format_annotates_lines(in_case) -> None:
    in_case("bad-references")
    result = run("--format", "github")
    first = result.output.splitlines()[0]
    assert first == (
        f"::error file={EVENT},line=7,col=11,title=Entry validation::'related[0]': no entry has "
        "the id 'nowhere': add it under entries/ or fix the id"
    )
    assert result.exit_code == 1


def test_github_format_escapes_newlines_and_commas() -> None:
    from generator.core.problems import Problem, format_github

    out = format_github([Problem("a,b:c.yaml", 2, 3, "50% bad\nsecond line")])
    assert (
        out == "::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=Entry validation::"
        "50%25 bad%0Asecond line\n"
    )


def test_json_format(in_case) -> None:
    in_case("bad-date")
    result = run("--format", "json")
    data = json.loads(result.output.split("Error:")[0])
    assert data == [
        {
            "file": EVENT,
            "line": 2,
            "col": 7,
            "message": "'date': 2025-02-30 is not a real date: February 2025 has 28 days",
        }
    ]
    assert result.exit_code == 1


def test_json_format_on_success_prints_empty_list(in_case) -> None:
    in_case("valid")
    result = run("--format", "json")
    assert json.loads(result.output) == []
    assert result.exit_code == 0


def test_missing_entries_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.output.splitlines()[0] == (
        "entries:1:1: no such folder; expected the entries folder with events/, quotes/, lists/ "
        "and actors/"
    )
    assert result.exit_code == 1


@pytest.mark.record
def test_repository_entries_are_valid() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    result = collect(root / "entries")
    assert [str(p) for p in result.problems] == []
    counts = result.counts()
    assert counts["event"] >= 20 and counts["quote"] >= 6
    assert counts["list"] >= 2 and counts["actor"] >= 12
