"""A problem found in an entry, and the three ways the CLI prints problems."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

Path_ = tuple[Any, ...]  # a path into an entry's data: ("sources", 0, "url")


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong, where: ``file:line:col: message``. Line and column count from 1."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


def field_name(at: Path_) -> str:
    """('sources', 0, 'url') → 'sources[0].url'."""
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def display_path(path: Path, *, link: bool = False) -> str:
    """The path as a contributor would type it: relative to the working directory if inside it.
    With ``link``, a last part that is a symbolic link is named, not where it leads."""
    if link:
        folder = display_path(path.parent)
        return path.name if folder == "." else f"{folder}/{path.name}"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_text(problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def github_escape_data(text: str) -> str:
    """``text`` as the message of a GitHub workflow command (``::error …::message``).

    https://docs.github.com/actions/reference/workflow-commands
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """``text`` as a property of a workflow command (``file=…``): ``:`` and ``,`` too."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    """GitHub workflow commands, so each problem annotates its line in the pull request."""
    return "".join(
        f"::error file={github_escape_property(p.file)},line={p.line},col={p.col},"
        f"title={github_escape_property('Entry validation')}::{github_escape_data(p.message)}\n"
        for p in problems
    )


def format_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
