"""Exceptions the CLI turns into a clean ``Error: …`` message and a non-zero exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from generator.problems import Problem


class RecordError(click.ClickException):
    """Base class: bad input or configuration, never a bug. Exits 1 without a traceback."""

    exit_code = 1


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
