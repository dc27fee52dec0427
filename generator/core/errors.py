"""Exceptions for bad input or configuration, which the CLI shows as ``Error: …`` and an exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.core.problems import Problem


class RecordError(Exception):
    """Base class: bad input or configuration, never a bug. Exits 1 without a traceback."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return self.message


class ValidationFailed(RecordError):
    """The knowledge base has problems; ``problems`` holds every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        files = len({p.file for p in problems})
        noun = "problem" if len(problems) == 1 else "problems"
        where = "file" if files == 1 else "files"
        super().__init__(f"{len(problems)} {noun} in {files} {where}")


class ConfigError(RecordError):
    """The project's configuration (mkdocs.yml) is missing or wrong."""


class BuildError(RecordError):
    """A build step failed; the previous site is left untouched."""
