"""Command-line options that several commands share, and the command class that turns a
``RecordError`` into click's ``Error: …`` and exit status."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from generator import kinds as kinds_in_use
from generator.core.errors import RecordError
from generator.format import kinds


def entries_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--entries DIR``, shared by every command that reads the knowledge base."""
    return click.option(
        "--entries",
        "entries_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The entries folder.  [default: entries/ in the repository root]",
    )(func)


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE``, shared by the commands that read the knowledge base's configuration."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="The knowledge base's configuration.  [default: mkdocs.yml in the current folder]",
    )(func)


def cache_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--cache-dir DIR``, shared by build and serve."""
    return click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where to keep the build cache; refused inside a repository that tracks files "
        "in it.  [default: a folder of this knowledge base's in ~/.cache/sourceline/ "
        "($XDG_CACHE_HOME)]",
    )(func)


class _Failed(click.ClickException):
    """A ``RecordError`` from the pipeline, shown as click shows its own: ``Error: …``."""

    def __init__(self, error: RecordError):
        super().__init__(error.message)
        self.exit_code = error.exit_code


@contextmanager
def shown_as_click_errors() -> Iterator[None]:
    """Turn a ``RecordError`` into click's ``Error: …`` and exit status, without a traceback."""
    try:
        yield
    except RecordError as exc:
        raise _Failed(exc) from None


class RecordCommand(click.Command):
    """A command that bad input or configuration ends with ``Error: …``, without a traceback,
    and that runs with the kinds of the knowledge base in the folder it runs in."""

    reads_knowledge_base = True

    def invoke(self, ctx: click.Context) -> Any:
        with shown_as_click_errors(), kinds_here(self.reads_knowledge_base):
            return super().invoke(ctx)


@contextmanager
def kinds_here(wanted: bool = True) -> Iterator[None]:
    """The kinds of the knowledge base in the working folder in use (``extra.record.kinds``)."""
    if not wanted:
        yield
        return
    with kinds.using(kinds_in_use.in_folder(Path())):
        yield


class StartCommand(RecordCommand):
    """A command that makes a knowledge base rather than reading one (``init``): whatever
    mkdocs.yml the folder it runs in holds is not its business."""

    reads_knowledge_base = False


def made(callback: Callable[..., Any], decorators: list[Callable[[Any], Any]]) -> click.Command:
    """A command made at run time: ``decorators`` (the command, then its parameters, in the
    order they would be written above ``callback``) applied to ``callback``."""
    command: Any = callback
    for decorate in reversed(decorators):
        command = decorate(command)
    return command
