"""The command line: parses flags and calls the pipeline's modules; no logic of its own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.config import default_entries_dir
from generator.errors import ValidationFailed
from generator.model import KINDS, PLURAL

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def entries_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--entries DIR``, shared by every command that reads the knowledge base."""
    return click.option(
        "--entries",
        "entries_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The entries folder.  [default: entries/ in the repository root]",
    )(func)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="rednote-record")
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only report errors.")
def cli(verbose: int, quiet: bool) -> None:
    """RedNote Record: validate the YAML knowledge base and publish it as a site with feeds.

    \b
    Example:
      python -m generator validate
      python -m generator new event 2025-01-13-rednote-tops-app-store --date 2025-01-13
      python -m generator build
    """
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s")


@cli.command()
@entries_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for pull-request annotations, json for tools.",
)
def validate(entries_dir: Path | None, fmt: str) -> None:
    """Check every entry and report every problem, with its file, line and column.

    Exits 0 when the knowledge base is valid and 1 otherwise.

    \b
    Example:
      python -m generator validate
      python -m generator validate --entries tests/data/valid/entries --format github
    """
    from generator.load import collect
    from generator.problems import FORMATTERS

    result = collect(entries_dir or default_entries_dir())
    if fmt == "json":
        click.echo(FORMATTERS["json"](result.problems), nl=False)
    elif result.problems:
        click.echo(FORMATTERS[fmt](result.problems), nl=False)
    if result.problems:
        raise ValidationFailed(result.problems)
    if fmt == "text":
        counts = ", ".join(f"{n} {PLURAL[k] if n != 1 else k}" for k, n in result.counts().items())
        click.echo(f"OK: {result.files} entries ({counts})")


@cli.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("entry_id", metavar="ID")
@entries_option
@click.option("--title", default="TODO: a short, neutral title", help="event, list: the title.")
@click.option("--date", "when", default=None,
              help="event, quote, list: YYYY, YYYY-MM or YYYY-MM-DD.  [default: today]")
@click.option("--url", default=None, help="The source's URL (http or https).")
@click.option("--source-title", default="TODO: the source page's title",
              help="The source page's title.")
@click.option("--speaker", default=None, help="quote: the speaker's actor id (required).")
@click.option("--lang", default="en", show_default=True, help="quote: BCP 47 language tag.")
@click.option("--compiled-by", default=None, help="list: the compiler's actor id (required).")
@click.option("--platform", default="Xiaohongshu", show_default=True, help="list: the platform.")
@click.option("--name", default=None, help="actor: the name.  [default: the id]")
@click.option("--actor-kind", type=click.Choice(
    ["person", "account", "organisation", "government", "platform", "media"]),
    default="person", show_default=True, help="actor: what the actor is.")
def new(kind: str, entry_id: str, entries_dir: Path | None, title: str, when: str | None,
        url: str | None, source_title: str, speaker: str | None, lang: str,
        compiled_by: str | None, platform: str, name: str | None, actor_kind: str) -> None:
    """Write a skeleton entry named ID that passes validation, and print its path.

    It never overwrites a file. Fill in the TODOs, then run `validate`.

    \b
    Example:
      python -m generator new event 2025-01-13-rednote-tops-app-store --date 2025-01-13
      python -m generator new actor christine-lu --name "Christine Lu" --actor-kind person
      python -m generator new quote quote-lu-three-ts --speaker christine-lu --lang zh-Hant
      python -m generator new list xhs-banned-topics --compiled-by china-digital-times
    """
    from datetime import date

    from generator.new import PLACEHOLDER_URL, create_entry

    if kind == "quote" and not speaker:
        raise click.UsageError("a quote needs --speaker ACTOR_ID")
    if kind == "list" and not compiled_by:
        raise click.UsageError("a list needs --compiled-by ACTOR_ID")
    english = lang.lower() == "en" or lang.lower().startswith("en-")
    values = {
        "title": title,
        "date": when or date.today().isoformat(),
        "summary": "TODO: what happened, in your own words (Markdown).",
        "url": url or PLACEHOLDER_URL,
        "source_title": source_title,
        "text": "TODO: the quotation, verbatim, in its original language",
        "lang": lang,
        "translation": None if english else "TODO: the English translation",
        "speaker": speaker,
        "compiled_by": compiled_by,
        "platform": platform,
        "term": "TODO: the term as written",
        "term_translation": "TODO: its English translation",
        "name": name or entry_id,
        "actor_kind": actor_kind,
    }
    path = create_entry(kind, entry_id, entries_dir or default_entries_dir(), values)
    click.echo(path)


@cli.command("export-schemas")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_schemas(directory: Path) -> None:
    """Write the JSON Schema of each kind into DIRECTORY (the committed copies live in schemas/).

    \b
    Example:
      python -m generator export-schemas schemas
    """
    from generator.schema import export

    for path in export(directory):
        click.echo(path)


# -- end of commands --


def main() -> None:
    cli(prog_name="python -m generator")
