"""Contributors' local tools: the pre-commit hook and VS Code's schema map point at real things."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from generator import kinds

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
    assert hook["language"] == "script"
    # References cross files, so the hook checks the whole knowledge base every time.
    assert hook["pass_filenames"] is False


# A shell as GitHub Desktop or an editor starts one: no virtual environment activated.
PLAIN = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}


def test_the_hook_runs_from_a_plain_shell() -> None:
    [hook] = hooks()
    result = subprocess.run(
        ["sh", "-c", hook["entry"]], cwd=ROOT, env=PLAIN, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")


def test_without_the_environment_the_hook_says_what_to_do(tmp_path: Path) -> None:
    [hook] = hooks()
    shutil.copy(ROOT / hook["entry"], tmp_path / "hook")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = subprocess.run(
        ["sh", "-c", "./hook"], cwd=tmp_path, env=PLAIN, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.startswith("pre-commit: the entries were not checked")
    assert "make install" in result.stderr and "Traceback" not in result.stderr


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


# --- Codespaces --------------------------------------------------------------------------------


def test_the_dev_container_installs_and_forwards_the_preview() -> None:
    container = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text("utf-8"))
    make_targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text("utf-8"), re.M)
    assert container["postCreateCommand"].split() == ["make", "install"]
    assert "install" in make_targets and "serve" in make_targets
    assert container["forwardPorts"] == [8000]  # make serve's default address
    assert "ADDR   ?= 127.0.0.1:8000" in (ROOT / "Makefile").read_text("utf-8")
    wanted = vscode("extensions.json")["recommendations"]
    assert container["customizations"]["vscode"]["extensions"] == wanted
    assert "3.11" in container["image"]  # the Python the project pins (requires-python)
