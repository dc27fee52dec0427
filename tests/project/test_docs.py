"""Every CLI command has help with an example, and the README documents it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import cli

ROOT = Path(__file__).resolve().parent.parent.parent
COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"validate", "new", "build", "serve", "check-links", "export-schemas"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_with_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"generator {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented_in_readme(command: str) -> None:
    assert f"`{command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_short_help_flag_and_version() -> None:
    assert CliRunner().invoke(cli, ["-h"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "sourceline, version" in result.output
