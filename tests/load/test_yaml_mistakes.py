"""YAML mistakes in plain words (load/yaml_messages.py): the exact message, line and column
for each file under tests/data/yaml-mistakes/, with both of PyYAML's loaders, and the parser's
own words wherever the mistake is not one of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.commands import cli
from generator.load import reader
from generator.load.yaml_compose import Reject

DATA = Path(__file__).parent.parent / "data" / "yaml-mistakes"
VALID = Path(__file__).parent.parent / "data" / "validate" / "valid" / "entries"

# file → the exact problem `validate` prints for it.
EXPECTED = {
    "tab-list-item.yaml": "7:1: line 7 is indented with a tab: YAML needs spaces; indent it "
    "with spaces only",
    "tab-in-zh.yaml": "6:1: line 6 is indented with a tab: YAML needs spaces; indent it with "
    "spaces only",
    "quote-then-text.yaml": "1:8: this value starts with a quote and goes on after the closing "
    "quote: quote the whole value, e.g. `title: '\"TikTok refugees\" flock to RedNote'`",
    "source-key-indent.yaml": "9:4: line 9 is indented 3 spaces, but the other fields of "
    "'sources[0]' are indented 4: line them up",
    "dash-value.yaml": "3:10: a value cannot start with '- ' on the same line as its key (YAML "
    "reads a list): quote the value, or write it as a `|-` block, e.g. `summary: '- 用户涌入'`",
}
HASHTAG = (
    "1:7: `#` starts a comment in YAML, so 'text' is empty: put the value in quotes, e.g. "
    "`text: '#小红书# 欢迎TikTok难民！'`"
)
TAB = "line {n} is indented with a tab: YAML needs spaces; indent it with spaces only"
LOADERS = [pytest.param(reader._Loader, id="libyaml"), pytest.param(yaml.SafeLoader, id="python")]


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_Loader", request.param)


def message(text: str) -> str:
    """``line:col: message`` of the problem that stops ``text`` from parsing, without the line
    and marker shown under it (``test_the_line_is_shown_with_a_marker_under_the_mistake``)."""
    with pytest.raises(Reject) as caught:
        reader.parse(Path("e.yaml"), text)
    return f"{caught.value.line}:{caught.value.col}: {caught.value.message.splitlines()[0]}"


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_in_plain_words(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    loaded, problems = reader.read_entry(Path(name))
    assert loaded is None
    assert [str(p).splitlines()[0] for p in problems] == [f"{name}:{EXPECTED[name]}"]
    # The line itself follows, with a marker under the column the message gives.
    [problem] = problems
    text = (DATA / name).read_text(encoding="utf-8").splitlines()[problem.line - 1]
    shown, marker = str(problem).splitlines()[1:3]
    assert shown.split(" | ", 1)[1] == text.replace("\t", " ").rstrip()
    before = text[: problem.col - 1].replace("\t", " ")
    width = sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in before)
    assert marker.split(" | ", 1)[1] == " " * width + "^"


def copy_of_valid(tmp_path: Path, *names: str) -> Path:
    entries = tmp_path / "entries"
    shutil.copytree(VALID, entries)
    (entries / "actors" / "xiaohongshu.yaml").write_text(
        "name: Xiaohongshu\nkind: platform\nadded: 2025-01-15\n", encoding="utf-8"
    )
    for name in names:
        shutil.copy(DATA / name, entries / "quotes" / name)
    return entries


@pytest.mark.usefixtures("loader")
def test_a_pasted_hashtag_is_a_comment_and_validate_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_of_valid(tmp_path, "hashtag.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--entries", "entries"])
    assert result.output == (f"entries/quotes/hashtag.yaml:{HASHTAG}\nError: 1 problem in 1 file\n")
    assert result.exit_code == 1


def test_validate_prints_the_plain_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = copy_of_valid(tmp_path)
    shutil.copy(DATA / "quote-then-text.yaml", entries / "events" / "2025-01-13-refugees.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--entries", "entries"])
    assert result.output == (
        f"entries/events/2025-01-13-refugees.yaml:{EXPECTED['quote-then-text.yaml']}\n"
        '  1 | title: "TikTok refugees" flock to RedNote\n'
        "    |        ^\n"
        "With this fixed, the file reads as YAML; its fields are checked then.\n"
        "Error: 1 problem in 1 file\n"
    )


def test_only_a_comment_right_after_the_key_is_named() -> None:
    text = "title: T\ntext: #a\npublisher:\n  # b\ntags:\n  - #c\n  - 'd'\nnote: ~ # e\n"
    loaded = reader.parse(Path("e.yaml"), text)
    assert loaded.commented == {("text",): "text: '#a'", ("tags", 0): "- '#c'"}
    assert loaded.mark(("text",)) == (2, 7)
    assert loaded.mark(("tags", 0)) == (6, 5)
    assert loaded.empty_message(("publisher",), "publisher") == (
        "'publisher' is empty: give it a value, or delete the line"
    )
    assert loaded.empty_message(("tags", 0), "tags[0]") == (
        "`#` starts a comment in YAML, so 'tags[0]' is empty: put the value in quotes, e.g. "
        "`- '#c'`"
    )


def test_a_quote_in_the_comment_is_kept_in_the_suggested_line() -> None:
    loaded = reader.parse(Path("e.yaml"), "text: #小红书# it's here  \n")
    assert loaded.commented == {("text",): 'text: "#小红书# it\'s here"'}
    loaded = reader.parse(Path("e.yaml"), 'text: #"a" it\'s\n')
    assert loaded.commented == {("text",): "text: '#\"a\" it''s'"}
    assert yaml.safe_load(loaded.commented[("text",)]) == {"text": '#"a" it\'s'}


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zh:\n  title: T\n  \tsummary: S\n", f"3:3: {TAB.format(n=3)}"),
        ("tags:\n\t  - a\n", f"2:1: {TAB.format(n=2)}"),
        ("summary: |-\n  a\n\tb\n", f"3:1: {TAB.format(n=3)}"),
        (
            "zh:\n  title: T\n summary: S\nadded: x\n",
            "3:2: line 3 is indented 1 space, which lines up with none of the lines around it: "
            "indent it 0 spaces (like the other top-level fields) or 2 spaces (like the other "
            "fields of 'zh')",
        ),
        (
            "title: T\nsources:\n  - url: a\n    title: t\n - url: b\n",
            "5:2: line 5 is indented 1 space, but the other items of 'sources' are indented 2: "
            "line them up",
        ),
        (
            "title: T\nzh:\n  title: T\n  summary: S\n summary: U\n",
            "5:2: line 5 is indented 1 space, but the other top-level fields are not indented: "
            "line them up",
        ),
        (
            'tags:\n  - "TikTok" refugees\n',
            "2:5: this value starts with a quote and goes on after the closing quote: quote the "
            "whole value, e.g. `- '\"TikTok\" refugees'`",
        ),
        (
            "title: 'TikTok' refugees\n",
            "1:8: this value starts with a quote and goes on after the closing quote: quote the "
            "whole value, e.g. `title: \"'TikTok' refugees\"`",
        ),
        (  # a comment or part of the value? No line is suggested.
            'title: "TikTok" refugees #1\n',
            "1:8: this value starts with a quote and goes on after the closing quote: quote the "
            "whole value",
        ),
        (
            "summary: - a # b\n",
            "1:10: a value cannot start with '- ' on the same line as its key (YAML reads a "
            "list): quote the value, or write it as a `|-` block",
        ),
    ],
)
def test_variants(text: str, expected: str) -> None:
    assert message(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a tab after spaces continues the value: replacing it would not fix the ": "
            "title: T\n  \tdate: 2025\n",
            "2:8: YAML syntax error: mapping values are not allowed in this context (a value "
            "containing ': ' must be quoted)",
        ),
        (  # a quoted value over two lines: not recognised, so the parser's words
            'title: "TikTok\n  refugees" flock\n',
            "2:13: YAML syntax error: did not find expected key while parsing a block mapping",
        ),
        (  # inside a flow list
            'tags: ["a" b]\n',
            "1:12: YAML syntax error: did not find expected ',' or ']' while parsing a flow "
            "sequence",
        ),
        (  # a misindented line that no indentation would fix
            "sources:\n  - url: a\n    title: t\n   - b: [\n",
            "4:4: YAML syntax error: did not find expected '-' indicator while parsing a block "
            "collection",
        ),
        (  # the only indentation that parses would repeat a field: not suggested
            "title: T\nsources:\n  - title: t\n   title: u\n",
            "4:4: YAML syntax error: did not find expected '-' indicator while parsing a block "
            "collection",
        ),
    ],
)
def test_other_mistakes_keep_the_parsers_words(text: str, expected: str) -> None:
    assert message(text) == expected


def test_a_colon_and_a_space_inside_a_value_is_named_with_the_line_to_write() -> None:
    assert message("title: Breaking: RedNote\n") == (
        "1:16: the value of 'title' holds ': ' (a colon and a space), which YAML reads as the "
        "start of another field: put the whole value in quotes, e.g. `title: 'Breaking: RedNote'`"
    )
    assert message("sources:\n  - url: https://a.example\n    title: Why: a story\n") == (
        "3:15: the value of 'title' holds ': ' (a colon and a space), which YAML reads as the "
        "start of another field: put the whole value in quotes, e.g. `title: 'Why: a story'`"
    )


def test_every_mistake_with_a_known_fix_is_found_and_then_the_rest_is_said() -> None:
    text = 'title: A: b\ndate: 2025-01-20\nsummary: "Q" and more\nadded: x: y\n'
    with pytest.raises(Reject) as caught:
        reader.parse(Path("e.yaml"), text)
    found = caught.value.problems("e.yaml")
    assert [(p.line, p.col) for p in found] == [(1, 9), (3, 10), (4, 9)]
    assert found[-1].message.endswith(
        "With these fixed, the file reads as YAML; its fields are checked then."
    )
    assert "checked then" not in found[0].message


def test_past_a_mistake_with_no_known_fix_the_lines_not_checked_are_said() -> None:
    text = "title: T\nsources:\n  - url: a\n    title: t\n   - b: [\ndate: 2025-01-20\n"
    with pytest.raises(Reject) as caught:
        reader.parse(Path("e.yaml"), text)
    assert caught.value.message.endswith(
        "The lines after line 5 were not checked: YAML cannot read past this mistake."
    )
    assert caught.value.also == []


def test_a_tab_where_yaml_allows_one_is_not_a_mistake() -> None:
    text = 'title:\tT\nsummary: |-\n  code:\n  \tindented\nnote: "a\n\tb"\n'
    assert reader.parse(Path("e.yaml"), text).data["summary"] == "code:\n\tindented"
