"""``init``: the command that starts a new knowledge base."""

from __future__ import annotations

from pathlib import Path

import click

from generator import COMMAND
from generator.cli.options import StartCommand


def _default_authority(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from generator.publish.feeds import suggested_authority

    if value is not None:
        return value
    suggested = suggested_authority(ctx.params.get("url"))
    return click.prompt("Feed id authority (a domain you control, and this year)", suggested)


@click.command("init", cls=StartCommand)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", prompt="Name of the knowledge base", help="Its name, as readers see it.")
@click.option(
    "--url", prompt="Address it will be published at", help="Its address (site_url), with https://."
)
@click.option(
    "--authority",
    callback=_default_authority,
    help="The feed ids' authority: a domain or e-mail address you control and the year "
    "(example.org,2026); never changed afterwards.  [default: the address's host, this year]",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="A language of the entries' text (BCP 47); repeat for each.  [asked if not given]",
)
@click.option(
    "--kind",
    "kind_names",
    multiple=True,
    help="A kind of entry to use (event, quote, list, actor); repeat for each.  "
    "[asked if not given]",
)
@click.option("--description", default="", help="One sentence on what it records.")
def init_command(
    directory: Path,
    name: str,
    url: str,
    authority: str,
    languages: tuple[str, ...],
    kind_names: tuple[str, ...],
    description: str,
) -> None:
    """Start a knowledge base in DIRECTORY (new or empty): configuration, pages, an example
    entry of each kind, schemas, GitHub workflows and issue forms. It builds at once.

    \b
    Example:
      python -m generator init harbour-log --name "Harbour Flood Log" \\
        --url https://floods.example.net/
      cd harbour-log && make site
    """
    from generator.tools.init import DEFAULT_KINDS, Answers, init

    languages = languages or _asked("Languages of the entries' text", "en")
    kind_names = kind_names or _asked(
        "Kinds of entry (event, quote, list, actor)", ", ".join(DEFAULT_KINDS)
    )
    answers = Answers(name, url, authority, languages, kind_names, description)
    written = init(directory, answers)
    click.echo(f"Wrote {len(written)} files into {directory}/. Next:")
    click.echo(f"  cd {directory} && make site    (or: {COMMAND} build, then {COMMAND} serve)")
    click.echo("  Then replace the example entries, which every build names until you do.")


def _asked(question: str, default: str) -> tuple[str, ...]:
    """A list asked for on one line, comma-separated."""
    answer = click.prompt(f"{question}, separated by commas", default=default)
    return tuple(part.strip() for part in answer.split(",") if part.strip())
