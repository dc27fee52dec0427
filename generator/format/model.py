"""Typed entries: the fields every kind shares, the records inside entries, and how a checked
entry's data becomes one."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from generator.core import i18n
from generator.core.dates import PartialDate
from generator.format import urls
from generator.format.fields import (
    CORRECTIONS_MAX,
    DEFS,
    SOURCES_DEF,
    array_of,
    object_of,
    refs,
    schema_fields,
    spec,
)


@dataclass(frozen=True, kw_only=True)
class Source:
    url: str = spec("url", "The page's address.")
    title: str = spec("text", "The page's title.")
    publisher: str | None = spec(
        "text", "The outlet that published it (on a copy: the original outlet).", default=None
    )
    date: PartialDate | None = spec("partial_date", "Publication date.", default=None)
    copy: bool = spec(
        "flag",
        "true when url is a copy on another site (a reprint, a mirror), not the outlet's own page.",
        default=False,
    )
    original_url: str | None = spec(
        "url", "The page on the outlet's own site, when url is a copy of it.", default=None
    )
    archive_url: str | None = spec("url", "An archived copy.", default=None)
    lang: str | None = spec("lang", "The page's language.", default=None)

    @property
    def link(self) -> str:
        """Where a reader is sent: the outlet's own page when it is known."""
        return self.original_url or self.url

    @property
    def copy_host(self) -> str | None:
        """The host a copy was read on (``fight.588886.xyz``), or None for the outlet's page."""
        if not (self.copy or self.original_url):
            return None
        return urlsplit(self.url).hostname or self.url


@dataclass(frozen=True, kw_only=True)
class Correction:
    date: PartialDate = spec("day", "When the fix was made.")
    note: str = spec("note", "What was fixed, and why.")  # Markdown


# The definitions every kind's schema carries under $defs, in the order they are published.
SCHEMA_DEFS: dict[str, Any] = {
    **DEFS,
    "source": object_of(Source),
    "sources": SOURCES_DEF,
    "correction": object_of(Correction),
}


@dataclass(frozen=True, kw_only=True)
class Entry:
    """Fields every kind shares. ``id`` is the file's name, ``path`` the file.

    A kind's class adds its own fields, and a ``title`` (a field or a property). ``KIND`` is
    the kind's description (``generator.format.kinds.Kind``), set when the kind is declared.
    """

    KIND: ClassVar[Any]  # the generator.format.kinds.Kind (Any: get_type_hints reads this)

    id: str
    path: Path
    added: date = spec(
        "day", "When the entry entered the knowledge base (YYYY-MM-DD). Feeds use it."
    )
    updated: date | None = spec("day", "When the entry last changed.", default=None)
    tags: tuple[str, ...] = spec("tags", default=())
    related: tuple[str, ...] = spec(
        refs(None), "Ids of related entries of any kind.", default=(), label="related entry"
    )
    corrections: tuple[Correction, ...] = spec(
        array_of({"$ref": "#/$defs/correction"}, CORRECTIONS_MAX),
        "A public log of fixes to the entry.",
        default=(),
        search=False,
    )
    aliases: tuple[str, ...] = spec("aliases", default=())

    if TYPE_CHECKING:
        title: str
        sources: tuple[Source, ...]

    @property
    def url(self) -> str:
        """Site-relative permalink, without a leading slash: ``events/<id>/``."""
        return urls.page_url(urls.entry_src(self))

    @property
    def language(self) -> str | None:
        """The language the entry's own text is in, where a kind records it (BCP 47)."""
        return None

    @property
    def first_id(self) -> str:
        """The id the entry was first published under (its first alias of its own kind), which
        feeds keep as its id so that a rename is not announced as a new entry."""
        return next((a for a in self.aliases if "/" not in a), self.id)

    @cached_property  # the feeds sort every entry by it, the sitemaps date pages
    def last_modified(self) -> date:
        """The later of ``updated`` and the last correction; ``added`` when neither exists."""
        dates = [self.added]
        if self.updated:
            dates.append(self.updated)
        dates.extend(c.date.end for c in self.corrections)
        return max(dates)

    def references(self) -> Iterator[tuple[str, str]]:
        """(field, target id) for every reference this entry makes to another entry."""
        for name, many in reference_fields(type(self)):
            value = getattr(self, name)
            if value is None:
                continue
            for target in value if many else (value,):
                yield (name, target)


class Dated:
    """For kinds with a ``date``: the date as a reader sees it (a kind whose entries span time
    says so in its own ``when``)."""

    date: PartialDate

    @property
    def when(self) -> str:
        """The date as the interface's language writes it, at its precision."""
        return i18n.when_range(self.date, None)


# --- what the declarations say ----------------------------------------------------------------


def own_fields(cls: type[Entry]) -> list[dataclasses.Field[Any]]:
    """A kind's schema fields: its own first, then those every entry shares (schema order)."""
    shared = {f.name for f in schema_fields(Entry)}
    declared = schema_fields(cls)
    return [f for f in declared if f.name not in shared] + [f for f in declared if f.name in shared]


@cache
def declared_fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], bool], ...]:
    """Every schema field of ``cls`` and of the records inside it (a source, a list's items),
    each with whether it is one of ``cls``'s own."""
    out: list[tuple[dataclasses.Field[Any], bool]] = []
    todo: list[tuple[type, bool]] = [(cls, True)]
    seen: set[type] = set()
    while todo:
        current, own = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        hints = typing.get_type_hints(current)
        for f in schema_fields(current):
            out.append((f, own))
            todo += [(inner, False) for inner in _dataclasses_in(hints[f.name])]
    return tuple(out)


def _dataclasses_in(tp: Any) -> list[type]:
    found = [tp] if isinstance(tp, type) and dataclasses.is_dataclass(tp) else []
    for arg in typing.get_args(tp):
        found += _dataclasses_in(arg)
    return found


@cache
def reference_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """(field name, whether it holds a list) for each field of ``cls`` naming another entry."""
    out = []
    for f in schema_fields(cls):
        node = f.metadata["schema"]
        if "x-ref" in node:
            out.append((f.name, False))
        elif "x-ref" in node.get("items", {}):
            out.append((f.name, True))
    return tuple(out)


def referred_kinds(cls: type) -> set[str]:
    """The kinds whose entries ``cls``'s fields name (its records' fields included)."""
    found = set()
    for f, _own in declared_fields(cls):
        node = f.metadata["schema"]
        target = node.get("x-ref") or node.get("items", {}).get("x-ref")
        if target and target != "any":
            found.add(target)
    return found


@cache
def reference_label(cls: type, name: str) -> str:
    """How field ``name`` of ``cls`` reads under "Referred to by"."""
    return next(f.metadata["label"] for f in dataclasses.fields(cls) if f.name == name)


# --- data → a typed entry ---------------------------------------------------------------------


def from_data(cls: type[Any], data: dict[str, Any], **extra: Any) -> Any:
    """An instance of the dataclass ``cls`` from data that passed the validator.

    Each value is converted by the field's type: text stays text, ``PartialDate`` and ``date``
    are parsed, tuples and nested records are built item by item. A field the data lacks
    takes its default; a required one missing is a TypeError. ``extra`` sets the fields that
    do not come from the data (an entry's ``id`` and ``path``).
    """
    values = dict(extra)
    for name, convert in _converters(cls):
        value = data.get(name)
        if value is not None:
            values[name] = convert(value)
    return cls(**values)


@cache
def _converters(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in schema_fields(cls))


def _converter(tp: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(inner)
    if origin is tuple:
        item = _converter(typing.get_args(tp)[0])
        return lambda values: tuple(item(v) for v in values)
    if tp is str:
        return str
    if tp is bool:
        return lambda value: value == "true"
    if tp is PartialDate:
        return PartialDate.parse
    if tp is date:
        return date.fromisoformat
    if dataclasses.is_dataclass(tp):
        return lambda value: from_data(tp, value)
    raise TypeError(f"no conversion from YAML to {tp!r}")
