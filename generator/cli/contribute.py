"""The contributor tools' commands that run longer jobs: ``from-issue`` and ``archive``."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import RecordCommand, entries_option, made
from generator.core.config import default_entries_dir
from generator.core.errors import RecordError, ValidationFailed
from generator.core.problems import display_path, format_text
from generator.tools import intake


def from_issue_command(forms: list[str]) -> click.Command:
    """The ``from-issue`` command, for the issue forms that the kinds in use read."""
    decorators = [
        click.command("from-issue", cls=RecordCommand),
        click.option(
            "--form", "form", type=click.Choice(forms), required=True, help="The form used."
        ),
        click.argument("body_file", type=click.Path(dir_okay=False, exists=True, path_type=Path)),
        entries_option,
        click.option(
            "--forms",
            "forms_dir",
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            default=None,
            help="The folder of the issue forms.  [default: .github/ISSUE_TEMPLATE/ in the "
            "repository root]",
        ),
        click.option(
            "--questions",
            "questions_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write the questions for the curator (a new topic, a headline an entry has "
            "already) to this file, one per line, as well as to standard error.",
        ),
    ]
    return made(_from_issue, decorators)


def _from_issue(
    form: str,
    body_file: Path,
    entries_dir: Path | None,
    forms_dir: Path | None,
    questions_file: Path | None,
) -> None:
    """Turn an accepted issue-form proposal (its Markdown body in BODY_FILE) into an entry.

    An event or a quote becomes a new file; a list item is appended to the list's items and
    a correction to the entry's corrections. Names (actors, tags, page addresses or titles, a
    language) become ids. Prints the path written; on a problem, names the form's field,
    writes nothing and exits 1. What only a curator can settle (a topic the site does not
    have yet, a headline that an entry has already) is asked, not refused: the entry is
    written, and the questions are printed to standard error.

    \b
    Example:
      python -m generator from-issue --form event issue-body.md
      python -m generator from-issue --form correction issue-body.md --entries entries
    """
    try:
        body = body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"cannot read {body_file}: {exc}") from None
    try:
        written = intake.propose(form, body, entries_dir or default_entries_dir(), forms_dir)
    except intake.ProposalError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise
    for question in written.questions:
        click.echo(f"Question for the curator: {question}", err=True)
    if questions_file is not None:
        lines = "".join(f"{q}\n" for q in written.questions)
        try:
            questions_file.write_text(lines, encoding="utf-8")
        except OSError as exc:
            raise RecordError(f"cannot write {questions_file}: {exc.strerror}") from None
    click.echo(display_path(written.path))


from_issue = from_issue_command(list(intake.forms()))


@click.command("archive", cls=RecordCommand)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@entries_option
@click.option(
    "--endpoint",
    default="https://web.archive.org",
    show_default=True,
    help="The Save Page Now service: its /save/URL is asked for.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Seconds to wait between two captures.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Tries after the first when the archive answers 429 or 5xx or does not answer.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds before the first retry, doubled for each next one (or Retry-After, if longer).",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="The longest pause to make; an archive asking for more stops the run.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds one capture may take (the archive fetches the page meanwhile).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Archive at most this many sources (the first ones, in the entries' order).",
)
@click.option("--dry-run", is_flag=True, help="List the sources it would archive; change nothing.")
@click.option("--strict", is_flag=True, help="Exit 1 when a source could not be archived.")
@click.option(
    "--allow-private-address",
    "allow_private",
    metavar="ADDRESS",
    multiple=True,
    help="For testing only: let the endpoint be on this loopback or private address or network.",
)
def archive(
    files: tuple[Path, ...],
    entries_dir: Path | None,
    endpoint: str,
    delay: float,
    retries: int,
    backoff: float,
    max_wait: float,
    timeout: float,
    limit: int | None,
    dry_run: bool,
    strict: bool,
    allow_private: tuple[str, ...],
) -> None:
    """Save every source without an archive_url in the Internet Archive, and write the
    snapshot's address into its entry as an `archive_url:` line (nothing else changes).

    With FILES, only the sources of those entries. Sources that could not be archived are
    listed at the end, with the reason; the exit status is 0 unless --strict is given.

    \b
    Example:
      python -m generator archive --dry-run
      python -m generator archive entries/events/2025-01-13-first-report.yaml
    """
    from generator.tools import archive as archiving
    from generator.tools import linkcheck
    from generator.tools.archive_spn import Client

    try:
        networks = linkcheck.parse_networks(allow_private)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--allow-private-address'") from None
    try:
        client = Client(
            endpoint,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            max_wait=max_wait,
            allow_private=networks,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--endpoint'") from None
    try:
        todo, archived = archiving.sources_to_archive(entries_dir or default_entries_dir(), files)
    except archiving.NotAnEntry as exc:
        raise click.BadParameter(str(exc), param_hint="FILES") from None
    except ValidationFailed as exc:
        click.echo(format_text(exc.problems), nl=False)
        raise
    left = max(0, len(todo) - limit) if limit else 0
    todo = todo[: len(todo) - left]
    if dry_run:
        for t in todo:
            click.echo(f"{t.where}: would archive {t.url}")
        noun = "source" if len(todo) == 1 else "sources"
        later = f", {left} more past --limit" if left else ""
        click.echo(
            f"Would archive {len(todo)} {noun} ({archived} already had an archive_url{later}); "
            "dry run: nothing was asked for or changed."
        )
        return
    done = archiving.run(todo, client, delay, say=click.echo)
    failed = [d for d in done if not d.snapshot]
    if failed:
        click.echo("Could not archive:")
        for d in failed:
            extra = f", {d.attempts} attempts" if d.attempts > 1 else ""
            click.echo(f"  {d.todo.where}: {d.todo.url} ({d.detail}{extra})")
    click.echo(archiving.summary(done, archived, left), nl=False)
    if strict and failed:
        raise archiving.ArchiveFailed(
            f"{len(failed)} source{'s' if len(failed) != 1 else ''} not archived"
        )
