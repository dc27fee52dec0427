"""`new`: a correctly named skeleton that passes validation, never an overwrite."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.validate import collect

VALID = Path(__file__).parent / "data" / "validate" / "valid" / "entries"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """A copy of the small valid corpus, which has the actor christine-lu."""
    dest = tmp_path / "entries"
    shutil.copytree(VALID, dest)
    return dest


def new(entries_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["new", *args, "--entries", str(entries_dir)])


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (
            [
                "event",
                "2025-01-19-tiktok-goes-dark",
                "--date",
                "2025-01-18",
                "--title",
                "TikTok: dark",
            ],
            "events/2025-01-19-tiktok-goes-dark.yaml",
        ),
        (
            ["quote", "quote-lu", "--speaker", "christine-lu", "--lang", "zh-Hant"],
            "quotes/quote-lu.yaml",
        ),
        (["quote", "quote-lu-en", "--speaker", "christine-lu"], "quotes/quote-lu-en.yaml"),
        (["list", "banned-terms", "--compiled-by", "christine-lu"], "lists/banned-terms.yaml"),
        (["actor", "rei-xia", "--name", "Rei Xia"], "actors/rei-xia.yaml"),
    ],
)
def test_skeleton_passes_validation(entries_dir: Path, args: list[str], path: str) -> None:
    result = new(entries_dir, *args)
    assert result.exit_code == 0, result.output
    written = entries_dir / path
    assert result.output == f"{written}\n"
    text = written.read_text(encoding="utf-8")
    assert f'added: "{date.today().isoformat()}"' in text
    kind = path.split("/")[0].rstrip("s")
    assert text.startswith("# yaml-language-server: $schema=")
    assert text.splitlines()[0].endswith(f"schemas/{kind}.schema.json")
    assert collect(entries_dir).problems == []


def test_schema_comment_points_at_the_committed_schema(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
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


def test_values_with_yaml_specials_are_quoted(entries_dir: Path) -> None:
    result = new(entries_dir, "event", "e1", "--title", "no: #1 & *star* [x]")
    assert result.exit_code == 0
    corpus = collect(entries_dir).corpus
    assert corpus is not None
    assert corpus.entries["e1"].title == "no: #1 & *star* [x]"
