"""Write a skeleton entry to fill in, without ever overwriting a file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from generator.core.config import repo_root
from generator.core.dates import PartialDate
from generator.core.errors import RecordError
from generator.format import kinds, urls
from generator.format.kinds import Kind
from generator.load import reader
from generator.site.render import make_environment
from generator.validate.checker import article
from generator.validate.guardrails import PLACEHOLDER_URL, id_date, id_date_problem, renamed_id
from generator.validate.record import ID_RE, Suggester, check_entry


def existing_ids(entries_dir: Path) -> dict[str, tuple[Kind, Path]]:
    """id → (kind, file), for every entry file of every kind."""
    found: dict[str, tuple[Kind, Path]] = {}
    files, _problems = reader.discover(entries_dir)  # validate reports misplaced files
    for kind, path in files:
        found.setdefault(path.stem, (kind, path))
    return found


def create_entry(
    kind: str, entry_id: str, entries_dir: Path, values: dict[str, Any], today: date | None = None
) -> Path:
    """Render the kind's skeleton into ``entries/<kinds>/<id>.yaml``; returns its path."""
    if not ID_RE.fullmatch(entry_id):
        raise RecordError(
            f"{entry_id!r} is not a valid id: use lowercase letters, digits and single hyphens, "
            "for example 2025-01-13-first-report"
        )
    ids = existing_ids(entries_dir)
    if entry_id in ids:
        raise RecordError(
            f"{ids[entry_id][1]} already exists; ids are unique across all kinds, "
            "so pick another id (nothing was written)"
        )
    the_kind = kinds.current()[kind]
    given = {o.name: values[o.name] for o in the_kind.options if values.get(o.name) is not None}
    if the_kind.dated_ids and id_date(entry_id) is None:
        when = values.get("date") or (today or date.today()).isoformat()
        raise RecordError(
            f"{article(the_kind.label)}'s id starts with its date, so that its file sorts in "
            f"time: for example {when}-{entry_id} (nothing was written)"
        )
    values = {**values, "date": _date(entry_id, values.get("date"), today)}
    values["url"] = values.get("url") or PLACEHOLDER_URL
    for option in the_kind.options:
        target = values.get(option.name)
        if option.refers_to and target is not None:
            _check_reference(option.option, target, kinds.current()[option.refers_to], ids)
    values = the_kind.skeleton(values)
    path = entries_dir / the_kind.folder / f"{entry_id}.yaml"
    schema = repo_root() / urls.SCHEMA.src(name=kind)
    context = {
        "added": (today or date.today()).isoformat(),
        "schema_path": Path(os.path.relpath(schema, path.parent)).as_posix(),
        **values,
    }
    template = make_environment().get_template(the_kind.template("skeleton.yaml.j2"))
    text = template.render(context)
    _check_options(the_kind, path, text, given)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise RecordError(f"{path} already exists (nothing was written)") from None
    return path


# What ``new`` writes for a date no flag or id gives: validate names it until it is filled in.
DATE_PLACEHOLDER = "TODO: when, as 2025-01-13, 2025-01 or 2025"


def _check_options(kind: Kind, path: Path, text: str, given: dict[str, Any]) -> None:
    """RecordError naming the flag, when a value given on the command line is one that
    ``validate`` would refuse (``--lang Chinese``): better now than after writing the file."""
    loaded = reader.parse(path, text)
    problems = check_entry(kind, loaded).problems
    for option in kind.options:
        mark = loaded.marks.get((option.name,))
        if option.name not in given or mark is None:
            continue
        for problem in problems:
            if problem.line == mark[0] and "placeholder" not in problem.message:
                raise RecordError(
                    f"{option.option} {given[option.name]!r}: {problem.message} "
                    "(nothing was written)"
                )


def _date(entry_id: str, given: str | None, today: date | None) -> str:
    """The entry's date: ``--date`` if given and valid, else the date the id starts with, else
    a placeholder to fill in (today is rarely when a quote was said or a list compiled).
    Raises RecordError for a date that is not one or disagrees with the id."""
    prefix = id_date(entry_id)
    if given is None:
        return prefix.text if prefix else DATE_PLACEHOLDER
    try:
        parsed = PartialDate.parse(given)
    except ValueError as exc:
        if str(exc).startswith(repr(given)):  # not of the form of a date at all
            exc = ValueError(
                f"{given!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, "
                "for example --date 2025-01-13"
            )
        raise RecordError(f"--date: {exc} (nothing was written)") from None
    mismatch = id_date_problem(entry_id, parsed, "--date")
    if mismatch:
        raise RecordError(
            f"{mismatch}: give the date the id starts with, or the id "
            f"{renamed_id(entry_id, parsed)} (nothing was written)"
        )
    return given


def _check_reference(
    option: str, target: str, kind: Kind, ids: dict[str, tuple[Kind, Path]]
) -> None:
    """Raise RecordError unless ``target`` is the id of an entry of ``kind``, with the nearest
    such id."""
    if target in ids and ids[target][0] is kind:
        return
    what = article(kind.label)
    if target in ids:
        raise RecordError(
            f"{option} {target!r} is {article(ids[target][0].label)}, not {what}: give the id "
            f"of a file in entries/{kind.folder}/ (nothing was written)"
        )
    close = Suggester({entry_id: k.name for entry_id, (k, _path) in ids.items()})(target, kind.name)
    if close:
        raise RecordError(
            f"{option} {target!r} is not {what}; did you mean {close!r}? (nothing was written)"
        )
    first = f" {kind.options[0].option} …" if kind.options else ""
    raise RecordError(
        f"{option} {target!r} is not {what}: create it first with "
        f"`python -m generator new {kind.name} {target}{first}`"
    )
