"""Contributors' local tools: the pre-commit hook and VS Code's schema map point at real things."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator import kinds
from generator.cli.commands import cli

ROOT = Path(__file__).resolve().parent.parent.parent


# --- pre-commit --------------------------------------------------------------------------------


def hooks() -> list[dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_precommit_has_one_local_validate_hook() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    [hook] = hooks()
    assert hook["id"] == "validate-entries"
    assert hook["language"] == "system"
    # References cross files, so the hook checks the whole knowledge base every time.
    assert hook["pass_filenames"] is False


def test_precommit_entry_is_a_real_cli_command() -> None:
    [hook] = hooks()
    argv = shlex.split(hook["entry"])
    assert argv[:3] == ["python", "-m", "generator"]
    command = argv[3]
    assert command in cli.commands, f"{command!r} is not a command of `python -m generator`"
    result = CliRunner().invoke(cli, [*argv[3:], "--help"])
    assert result.exit_code == 0, result.output


def test_precommit_runs_on_entry_files_only() -> None:
    [hook] = hooks()
    files = re.compile(hook["files"])
    for path in ("entries/events/2025-01-18-tiktok-goes-dark.yaml", "entries/quotes/a/b.yml"):
        assert files.search(path), path
    for path in ("docs/index.md", "mkdocs.yml", "tests/data/entries/events/x.yaml"):
        assert not files.search(path), path


# --- VS Code -----------------------------------------------------------------------------------


def vscode(name: str) -> dict:
    # json.loads, not a JSONC parser: keeping the files strict JSON keeps them testable.
    return json.loads((ROOT / ".vscode" / name).read_text(encoding="utf-8"))


def test_vscode_maps_each_kind_folder_to_its_schema() -> None:
    mapping = vscode("settings.json")["yaml.schemas"]
    seen = set()
    for schema_path, globs in mapping.items():
        schema_file = ROOT / schema_path
        assert schema_file.is_file(), f"{schema_path} does not exist: run `make schemas`"
        kind = schema_file.name.removesuffix(".schema.json")
        for glob in globs:
            match = re.fullmatch(r"entries/([a-z]+)/\*\*/\*\.yaml", glob)
            assert match, f"{glob} is not entries/<folder>/**/*.yaml"
            folder = match[1]
            of_folder = kinds.current().by_folder(folder)
            assert of_folder is not None, f"{glob}: entries/{folder}/ is not a kind's folder"
            assert of_folder.name == kind, f"{glob} is mapped to {schema_path}"
            seen.add(kind)
    assert seen == set(kinds.current().names)


def test_vscode_recommends_the_yaml_extension() -> None:
    # redhat.vscode-yaml is what reads "yaml.schemas".
    assert "redhat.vscode-yaml" in vscode("extensions.json")["recommendations"]
