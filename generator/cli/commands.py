"""The command line: parses flags and calls the pipeline's modules; no logic of its own."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from generator import COMMAND, __version__
from generator import kinds as kinds_in_use
from generator.cli.contribute import archive, from_issue, from_issue_command
from generator.cli.new_entry import new_command
from generator.cli.options import (
    RecordCommand,
    cache_dir_option,
    config_option,
    entries_option,
    kinds_here,
    shown_as_click_errors,
)
from generator.cli.start import init_command
from generator.core.config import default_entries_dir, load_config
from generator.core.errors import ValidationFailed
from generator.core.problems import display_path
from generator.format import kinds
from generator.load import examples
from generator.tools import intake

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Commands(click.Group):
    """The command group: each command ends on a ``RecordError`` as click's own errors do, and
    runs with the kinds of the knowledge base it runs in, whose options ``new`` takes."""

    command_class = RecordCommand

    def invoke(self, ctx: click.Context) -> Any:
        with shown_as_click_errors():  # reading the kinds for new and from-issue may fail
            return super().invoke(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "new":
            with kinds_here():
                return new_command(kinds.current())
        if cmd_name == "from-issue":
            with kinds_here():
                return from_issue_command(list(intake.forms()))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name=COMMAND)
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only report errors.")
def cli(verbose: int, quiet: bool) -> None:
    """Sourceline: validate a YAML knowledge base and publish it as a site with feeds.

    \b
    Example:
      python -m generator validate
      python -m generator new event 2025-01-13-first-report --date 2025-01-13
      python -m generator build
    """
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s")


@cli.command()
@entries_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for pull-request annotations, json for tools.",
)
@click.option(
    "--base",
    "base",
    metavar="REV",
    default=None,
    help="A git revision (e.g. origin/main) to compare with: a change may add at most 10 new tags.",
)
def validate(
    entries_dir: Path | None, config_file: Path | None, fmt: str, base: str | None
) -> None:
    """Check every entry and report every problem, with its file, line and column.

    Exits 0 when the knowledge base is valid and 1 otherwise. With --base, tags that no
    entry used at that revision count as new, and a change may add at most 10 of them.
    Files that git tracks in build/ or site/ beside the entries folder are problems too:
    a commit must never add what builds make.

    \b
    Example:
      python -m generator validate
      python -m generator validate --entries tests/data/valid/entries --format github
      python -m generator validate --base origin/main
    """
    if config_file is None:
        _validate(entries_dir or default_entries_dir(), fmt, base)
        return
    with kinds.using(kinds_in_use.configured(load_config(config_file))):  # not the cwd's kinds
        _validate(entries_dir or config_file.parent / "entries", fmt, base)


def _validate(entries_dir: Path, fmt: str, base: str | None) -> None:
    from generator.build.repocheck import tracked_output
    from generator.core.problems import FORMATTERS
    from generator.load.reader import tags_at
    from generator.validate.record import collect

    base_tags = tags_at(entries_dir, base) if base else None
    result = collect(entries_dir, base_tags)
    # And what a commit must never hold beside the entries: files in build/ or site/.
    problems = tracked_output(entries_dir.parent) + result.problems
    if fmt == "json":
        click.echo(FORMATTERS["json"](problems), nl=False)
    elif problems:
        click.echo(FORMATTERS[fmt](problems), nl=False)
    if problems:
        raise ValidationFailed(problems)
    for example in result.examples:
        shown = display_path(example)
        if fmt == "github":
            click.echo(f"::warning file={shown}::{examples.WARNING}")
        elif fmt == "text":
            click.echo(f"{shown}: warning: {examples.WARNING}", err=True)
    if fmt == "text":
        registry = kinds.current()
        counts = ", ".join(
            f"{n} {registry[k].folder if n != 1 else k}" for k, n in result.counts().items()
        )
        click.echo(f"OK: {result.files} entries ({counts})")


@cli.command("export-schemas", cls=RecordCommand)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_schemas(directory: Path) -> None:
    """Write the JSON Schema of each kind into DIRECTORY (the committed copies live in schemas/).

    Each schema's $id is its address on the site (site_url in mkdocs.yml), where editors and
    other tools can fetch it.

    \b
    Example:
      python -m generator export-schemas schemas
    """
    from generator.core.config import load_config
    from generator.format.schema import export

    config = Path("mkdocs.yml")
    base = (load_config(config).site_url or "") if config.is_file() else ""
    for path in export(directory, base):
        click.echo(path)


@cli.command()
@entries_option
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site.  [default: site/ next to mkdocs.yml]",
)
@config_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that validate and render pages; the site is the same for any number.  "
    "[default: one per core]",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build every page again, ignoring and not updating the build cache (a cold build).",
)
@cache_dir_option
def build(
    entries_dir: Path | None,
    site_dir: Path | None,
    config_file: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Validate the entries and build the whole site: pages, feeds and open data.

    The new site replaces the old one only once every step has succeeded, so a failed
    build leaves the previous site as it was. Pages that have not changed since the last
    build are taken from the build cache (--no-cache builds them all): the site is the same.

    \b
    Example:
      python -m generator build
      python -m generator build --entries tests/data/golden/entries --site-dir /tmp/site
    """
    from generator.build.pipeline import build_site
    from generator.core.problems import display_path, format_text

    try:
        result = build_site(
            entries_dir, site_dir, config_file, jobs=jobs, cache=not no_cache, cache_dir=cache_dir
        )
    except ValidationFailed as exc:
        click.echo(format_text(exc.problems), nl=False)
        raise
    cached = result.pages - result.rebuilt
    click.echo(
        f"Built {display_path(result.site_dir)}/: {result.pages} pages from "
        f"{result.entries} entries in {result.seconds:.1f} s"
        + (f" ({cached} unchanged, from the cache)" if cached else "")
    )


@cli.command()
@entries_option
@config_option
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to serve the preview.",
)
@cache_dir_option
def serve(
    entries_dir: Path | None, config_file: Path | None, dev_addr: str, cache_dir: Path | None
) -> None:
    """Preview the site, rebuilding it when an entry, a page or a template changes.

    Open browser tabs reload after each rebuild; a build that fails (an invalid entry,
    say) is reported here and on every page until it is fixed. Stop with Ctrl+C.

    \b
    Example:
      python -m generator serve
      python -m generator serve --dev-addr 0.0.0.0:8001
    """
    from generator.tools.serve import serve as run_preview

    run_preview(entries_dir, config_file, dev_addr, cache_dir=cache_dir)


@cli.command("check-links")
@entries_option
@click.option(
    "--allowlist",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Hosts or URL prefixes to skip, one a line.  "
    "[default: linkcheck-allowlist.txt in the repository root, if there]",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="How many links to check at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds one try of a link may take in all: connecting, redirects and the answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 5),
    default=1,
    show_default=True,
    help="Tries after the first for links that time out or answer 5xx.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for annotations.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every link's result to FILE as JSON.",
)
@click.option("--fail-on-dead", is_flag=True, help="Exit 1 when a link is dead.")
@click.option(
    "--allow-private-address",
    "allow_private",
    metavar="ADDRESS",
    multiple=True,
    help="For testing only: check links on this loopback or private address or network "
    "(127.0.0.1, 10.0.0.0/8), which are refused otherwise. Repeatable.",
)
def check_links(
    entries_dir: Path | None,
    allowlist: Path | None,
    concurrency: int,
    timeout: float,
    retries: int,
    fmt: str,
    report: Path | None,
    fail_on_dead: bool,
    allow_private: tuple[str, ...],
) -> None:
    """Check that every source link still answers, and report the dead ones.

    Each `url` and `archive_url` is asked for: HEAD first, GET when a server refuses
    HEAD; 2xx and 3xx are alive. Dead links are reported and the exit status is 0 (a
    source going offline is a job for a curator, not a broken build) unless --fail-on-dead
    is given.

    \b
    Example:
      python -m generator check-links
      python -m generator check-links --format json --report linkcheck.json --fail-on-dead
    """
    from generator.core.problems import format_text
    from generator.tools import linkcheck

    try:
        networks = linkcheck.parse_networks(allow_private)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--allow-private-address'") from None
    try:
        results = linkcheck.run(
            entries_dir or default_entries_dir(),
            allowlist=allowlist,
            concurrency=concurrency,
            timeout=timeout,
            retries=retries,
            allow_private=networks,
        )
    except ValidationFailed as exc:
        click.echo(format_text(exc.problems), nl=False)
        raise
    click.echo(linkcheck.REPORTERS[fmt](results), nl=False)
    if report is not None:
        report.write_text(linkcheck.format_json(results), encoding="utf-8")
    dead = linkcheck.dead_count(results)
    if fail_on_dead and dead:
        raise linkcheck.DeadLinksFound(f"{dead} dead link{'s' if dead != 1 else ''}")


cli.add_command(new_command(kinds.current()))
cli.add_command(from_issue)
cli.add_command(archive)
cli.add_command(init_command)

# -- end of commands --


def main() -> None:
    from generator.core import collector

    collector.skipped_at_exit()  # the process ends when the command does
    cli(prog_name="python -m generator")
