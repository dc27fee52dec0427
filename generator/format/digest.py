"""An entry's content, hashed: what its pages, feed items and records are made from."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from generator.core import hashing
from generator.format.model import Entry


def entry_digest(entry: Entry) -> bytes:
    """An entry's content, hashed: the repr of every field (entries are frozen) but its
    file's path, which nothing published shows (a copy of the folder elsewhere builds the
    same).

    Kept on the entry once computed (the page keys, the feeds and the open data all ask), and
    so in the validation memo with it (``generator.validate.record.Checked``). A field's value never
    changes; ``dataclasses.replace`` makes a new entry, without it."""
    known = entry.__dict__.get(_DIGEST)
    if known is None:
        names = _content_fields(type(entry))
        text = repr((type(entry).__name__, [getattr(entry, n) for n in names]))
        known = hashing.key("entry", text)
        object.__setattr__(entry, _DIGEST, known)  # frozen: not one of its fields
    return known


_DIGEST = "_content_digest"


def moved(entry: Entry, path: Path) -> Entry:
    """``entry`` read from ``path``: the same content, so the same digest."""
    digest = entry_digest(entry)
    entry = dataclasses.replace(entry, path=path)  # type: ignore[call-arg]
    object.__setattr__(entry, _DIGEST, digest)
    return entry


@cache
def _content_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "path")
