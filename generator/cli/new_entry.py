"""``new``: its options are the kinds' own (``Kind.options``), so the command is made from the
kinds in use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.cli.options import RecordCommand, entries_option, made
from generator.core.config import default_entries_dir
from generator.core.problems import display_path
from generator.format import kinds
from generator.format.fields import schema_fields
from generator.format.kinds import Option, Registry
from generator.validate.checker import article


def new_command(registry: Registry) -> click.Command:
    """The ``new`` command for the kinds of ``registry``."""
    owners: dict[str, list[str]] = {}
    options: dict[str, Option] = {}
    for kind in registry:
        for option in kind.options:
            owners.setdefault(option.name, []).append(kind.name)
            options.setdefault(option.name, option)
    decorators: list[Callable[[Any], Any]] = [
        click.command("new", cls=RecordCommand),
        click.argument("kind", type=click.Choice(registry.names)),
        click.argument("entry_id", metavar="ID"),
        entries_option,
        click.option(
            "--title",
            default="TODO: a short, neutral title",
            help=f"{_having(registry, 'title')}: the title.",
        ),
        click.option(
            "--date",
            "when",
            default=None,
            help=f"{_having(registry, 'date')}: YYYY, YYYY-MM or YYYY-MM-DD.  [default: the date "
            "ID starts with, or today]",
        ),
        click.option("--url", default=None, help="The source's URL (http or https)."),
        click.option(
            "--source-title",
            default="TODO: the source page's title",
            help="The source page's title.",
        ),
    ]
    for name, option in options.items():
        default = f"  [default: {option.default}]" if option.default is not None else ""
        decorators.append(
            click.option(
                option.option,
                name,
                default=None,
                type=click.Choice(option.choices) if option.choices else None,
                help=f"{', '.join(owners[name])}: {option.help}{default}",
            )
        )
    return made(_new, decorators)


def _having(registry: Registry, name: str) -> str:
    """The kinds whose entries have a field called ``name``: "event, list"."""
    return ", ".join(
        k.name for k in registry if any(f.name == name for f in schema_fields(k.entry))
    )


def _new(
    kind: str,
    entry_id: str,
    entries_dir: Path | None,
    title: str,
    when: str | None,
    url: str | None,
    source_title: str,
    **given: str | None,
) -> None:
    """Write a skeleton entry named ID for you to fill in, and print its path.

    It never overwrites a file, and checks the date and actor ids it is given. Until every
    TODO and the example URL are replaced, `validate` reports each as "fill in …".

    \b
    Example:
      python -m generator new event 2025-01-13-first-report --date 2025-01-13
      python -m generator new actor christine-lu --name "Christine Lu" --actor-kind person
      python -m generator new quote quote-lu-three-ts --speaker christine-lu --lang zh-Hant
      python -m generator new list xhs-banned-topics --compiled-by china-digital-times
    """
    from generator.tools.new import create_entry

    the_kind = kinds.current()[kind]
    values: dict[str, Any] = {
        "title": title,
        "date": when,
        "url": url,
        "source_title": source_title,
    }
    for option in the_kind.options:
        value = given.get(option.name)
        if value is None and option.required:
            metavar = f"{option.refers_to.upper()}_ID" if option.refers_to else "VALUE"
            raise click.UsageError(f"{article(kind)} needs {option.option} {metavar}")
        values[option.name] = value if value is not None else option.default
    path = create_entry(kind, entry_id, entries_dir or default_entries_dir(), values)
    click.echo(display_path(path))  # as the contributor would type it
