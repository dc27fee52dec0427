"""CONTRIBUTING.md stays true: its examples validate, its error output is the real output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import cli
from generator.validate.record import collect

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
KIND_HEADINGS = {
    "event": "### An event",
    "quote": "### A quote",
    "list": "### A censorship list",
    "actor": "### An actor",
}


def block_after(marker: str, lang: str) -> str:
    """The first fenced block of ``lang`` after ``marker`` in the guide."""
    start = GUIDE.index(marker)
    match = re.compile(rf"^```{lang}\n(.*?)^```$", re.S | re.M).search(GUIDE, start)
    assert match, f"no ```{lang} block after {marker!r}"
    return match[1]


def example(kind: str) -> tuple[str, str]:
    """(path, YAML) of the guide's example of ``kind``."""
    heading = KIND_HEADINGS[kind]
    section = GUIDE[GUIDE.index(heading) :]
    path = re.search(r"`(entries/[a-z]+/[^`]+\.yaml)`", section)
    assert path, f"{heading} names no entry file"
    return path[1], block_after(heading, "yaml")


@pytest.fixture
def corpus_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real entries, with the working directory beside it as at the repo root."""
    shutil.copytree(ROOT / "entries", tmp_path / "entries")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "entries"


@pytest.mark.parametrize("kind", sorted(KIND_HEADINGS))
def test_example_is_of_its_kind(kind: str) -> None:
    path, _ = example(kind)
    folder = {"event": "events", "quote": "quotes", "list": "lists", "actor": "actors"}[kind]
    assert path.startswith(f"entries/{folder}/")


def test_examples_validate_among_the_real_entries(corpus_copy: Path) -> None:
    # In the corpus rather than alone, because examples refer to other entries by id.
    for kind in KIND_HEADINGS:
        path, text = example(kind)
        target = corpus_copy.parent / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = collect(corpus_copy)
    assert [str(p) for p in result.problems] == []


def test_wrong_example_output_is_the_validators(corpus_copy: Path) -> None:
    marker = "Here is an event with five mistakes, saved as "
    path = re.search(rf"{re.escape(marker)}`([^`]+)`", GUIDE)
    assert path
    (corpus_copy.parent / path[1]).write_text(block_after(marker, "yaml"), encoding="utf-8")
    documented = block_after("The validator's output, exactly:", "console")
    command, _, expected = documented.partition("\n")
    assert command == "$ python -m generator validate"
    result = CliRunner().invoke(cli, ["validate", "--entries", "entries"])
    assert result.exit_code == 1
    assert result.output == expected


def test_the_yaml_mistake_example_is_what_the_validator_prints(corpus_copy: Path) -> None:
    marker = "title holds a colon and a space, which YAML reads as the start of another field:"
    target = corpus_copy / "events" / "2025-01-20-rednote-example.yaml"
    target.write_text(block_after(marker, "yaml"), encoding="utf-8")
    command, _, expected = block_after(marker, "console").partition("\n")
    assert command == "$ python -m generator validate"
    result = CliRunner().invoke(cli, ["validate", "--entries", "entries"])
    assert result.exit_code == 1
    assert result.output == expected


def test_commands_in_the_guide_exist() -> None:
    used = set(re.findall(r"python -m generator ([a-z-]+)", GUIDE))
    assert used >= {"new", "validate", "serve", "check-links"}
    assert used <= set(cli.commands)


def test_site_page_includes_the_guide() -> None:
    page = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert page == '# How to contribute\n\n--8<-- "CONTRIBUTING.md:guide"\n'
    assert GUIDE.count("<!-- --8<-- [start:guide] -->\n") == 1
    assert GUIDE.endswith("<!-- --8<-- [end:guide] -->\n")


def test_the_ok_line_is_the_validators(corpus_copy: Path) -> None:
    """The guide's `OK: …` is what validate prints for the record (it went stale at 146)."""
    documented = block_after("The validator checks every entry and reports", "console")
    command, _, expected = documented.partition("\n")
    assert command == "$ python -m generator validate"
    result = CliRunner().invoke(cli, ["validate", "--entries", "entries"])
    assert result.exit_code == 0, result.output
    assert result.output == expected
