"""Renamed entries: an entry's ``aliases`` are the ids it had before, so that every old address
keeps working (a redirect page) and feeds keep the entry's first id (``Entry.first_id``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.core.paging import Page
from generator.core.problems import Problem, display_path
from generator.format import kinds
from generator.format.urls import Route

if TYPE_CHECKING:
    from generator.format.kinds import Kind
    from generator.format.model import Entry
    from generator.load.loaded import LoadedFile

# A static page at the old address: browsers follow it, search engines read the canonical link.
REDIRECT = Route("{folder}/{id}/index.html")


def split(alias: str, folder: str) -> tuple[str, str]:
    """(folder, id) of the old address: ``quotes/quote-x`` → (quotes, quote-x)."""
    head, _, tail = alias.rpartition("/")
    return (head or folder, tail)


def check(
    loaded: list[tuple[Kind, LoadedFile]], kind_of_id: dict[str, str]
) -> tuple[list[Problem], dict[str, str]]:
    """Problems with the corpus's aliases, and each former id → the id it was renamed to."""
    registry = kinds.current()
    folders = {kind.folder for kind in registry}
    problems: list[Problem] = []
    owner: dict[tuple[str, str], str] = {}  # (folder, old id) → the entry that claims it
    renamed: dict[str, str] = {}

    def report(item: LoadedFile, i: int, message: str) -> None:
        line, col = item.mark(("aliases", i))
        problems.append(Problem(display_path(item.path), line, col, f"'aliases[{i}]': {message}"))

    for kind, item in loaded:
        values = item.data.get("aliases") if isinstance(item.data, dict) else None
        entry_id = item.path.stem
        for i, alias in enumerate(values if isinstance(values, list) else ()):
            if not isinstance(alias, str):
                continue  # the schema checks said what is wrong
            folder, old = split(alias, kind.folder)
            if folder not in folders:
                report(
                    item,
                    i,
                    f"{folder!r} is not a folder of entries: use one of "
                    + ", ".join(sorted(folders)),
                )
            elif old == entry_id and folder == kind.folder:
                report(item, i, "an entry's alias cannot be its own id: delete the line")
            elif old in kind_of_id:
                report(
                    item,
                    i,
                    f"{old!r} is the id of an entry in use, so its address is taken: "
                    "an alias is an id that no entry has any more",
                )
            elif old in registry.reserved_ids[registry.by_folder(folder).name]:  # type: ignore[union-attr]
                report(item, i, f"{old!r} is reserved for the site's listing pages")
            elif (folder, old) in owner:
                report(
                    item,
                    i,
                    f"{alias!r} is already an alias of {owner[folder, old]!r}: an "
                    "old address can lead to one entry only",
                )
            else:
                owner[folder, old] = entry_id
                renamed[old] = entry_id
    return problems, renamed


def renamed_problem(name: str, target: str, renamed: dict[str, str]) -> str | None:
    """Why a reference to ``target`` is to a former id, or None."""
    if target not in renamed:
        return None
    return f"'{name}': {target!r} was renamed to {renamed[target]!r}: use the new id"


def pages(entries: list[Entry]) -> list[Page]:
    """A redirect page at every former address of the entries."""
    out = []
    for entry in entries:
        for alias in entry.aliases:
            folder, old = split(alias, entry.KIND.folder)
            src = REDIRECT.src(folder=folder, id=old)
            # Relative to the redirect page, so that it works on any host and under `serve`.
            target = "../" * src.count("/") + entry.url
            out.append(Page(src, "redirect.html.j2", {"entry": entry, "target": target}))
    return out


__all__ = ["REDIRECT", "check", "pages", "renamed_problem", "split"]
