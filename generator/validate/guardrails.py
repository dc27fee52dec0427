"""What newcomers get wrong that the schema cannot see: placeholders left in, and a file name whose
date disagrees with the entry's ``date``."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from generator.core.dates import PartialDate
from generator.core.markup import HAN, HAN_RE, mostly_han
from generator.core.problems import field_name

if TYPE_CHECKING:
    from generator.core.problems import Path_
    from generator.validate.checker import Checker

# The source URL `new` writes until the contributor gives one (see generator/tools/new.py).
PLACEHOLDER_URL = "https://example.org/replace-with-the-source-url"
# The placeholder however it was retyped: http or https, www., a trailing slash, any case.
_URL_FIELDS = ("url", "archive_url")
_PLACEHOLDER_URL_RE = re.compile(
    r"\s*https?://(?:www\.)?example\.(?:org|com)/replace-with-the-source-url/?\s*", re.IGNORECASE
)
# "TODO" as a word, as the skeleton writes it: "TODO: a short, neutral title".
_TODO_RE = re.compile(r"(?<![A-Za-z0-9_])TODO(?![A-Za-z0-9_])")
# An id's date prefix: 2025-01-13-…, 2025-01-… or 2025-… (a year of the 1900s or 2000s,
# so that an id such as 1000-days-of-silence is not read as a date).
_ID_DATE_RE = re.compile(
    r"((?:19|20)[0-9]{2})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?(?=-|$)"
)
_SHOWN_MAX = 60
# Chinese text pasted from a page normalised to NFKC (the dossier's stored copies) has lost its
# full-width punctuation: 我们顺势而为,扩大 for 我们顺势而为，扩大.
# ASCII punctuation touching a Han character; a parenthesis only on its inner side, so that a
# Markdown link's ")" before Chinese text is not taken for one.
_ASCII_PUNCT_RE = re.compile(f"(?<=[{HAN}])[,:;!?)]|[,:;!?](?=[{HAN}])|\\((?=[{HAN}])")
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}


def check(checker: Checker) -> None:
    """Report placeholders and an id-date mismatch on ``checker`` (the entry's schema walk)."""
    loaded = checker.loaded
    if not isinstance(loaded.data, dict):
        return
    # One problem per value: a value the schema checks found wrong is not reported again.
    taken = {(p.line, p.col) for p in checker.problems}
    _check_value(checker, loaded.data, checker.root, (), True, taken, _shapes_of(checker.root))
    date = checker.dates.get(("date",))
    if date is not None:
        message = id_date_problem(loaded.path.stem, date, "'date'")
        if message:
            renamed = renamed_id(loaded.path.stem, date)
            checker.report(
                ("date",),
                f"{message}: rename the file to {renamed}.yaml if the date is right, "
                "or correct the date",
            )


def id_date(entry_id: str) -> PartialDate | None:
    """The date an id starts with (``2025-01-13-…`` → 2025-01-13), or None."""
    m = _ID_DATE_RE.match(entry_id)
    if not m:
        return None
    try:
        return PartialDate.parse("-".join(part for part in m.groups() if part))
    except ValueError:  # 2025-02-30-…: not a date, so not a date prefix
        return None


def id_date_problem(entry_id: str, date: PartialDate, what: str) -> str | None:
    """Why ``entry_id``'s date prefix disagrees with ``date`` (named ``what``), or None.

    They are compared at the coarser of the two precisions, on the date as written (a
    date-time's local date, not UTC): id 2025-01-… agrees with 2025-01-13, and id 2025-01-13-…
    with 2025-01-13T22:30:00-05:00.
    """
    prefix = id_date(entry_id)
    if prefix is None:
        return None
    depth = min(len(_parts(prefix)), len(_parts(date)))
    if _parts(prefix)[:depth] == _parts(date)[:depth]:
        return None
    shown = date.text if date.precision != "datetime" else f"{date.text} ({date.display()})"
    return f"the id {entry_id!r} starts with {prefix.text}, but {what} is {shown}"


def renamed_id(entry_id: str, date: PartialDate) -> str:
    """``entry_id`` with its date prefix replaced by ``date``, at the prefix's precision."""
    prefix = id_date(entry_id)
    size = len(_parts(prefix)) if prefix else 0
    head = "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(_parts(date)[:size]))
    return head + entry_id[len(prefix.text) :] if prefix else entry_id


def _parts(date: PartialDate) -> tuple[int, ...]:
    return tuple(n for n in (date.year, date.month, date.day) if n is not None)


def _check_value(
    checker: Checker,
    value: Any,
    node: dict[str, Any] | None,
    at: Path_,
    required: bool,
    taken: set[tuple[int, int]],
    shapes: dict[int, tuple[Any, _Shape]],
) -> None:
    """Check the text in ``value``. Text in which nothing can be found (no "TODO", no Han
    character, none at all if it is ASCII, and not the example URL) is passed over in the
    loops, without a call: nearly all of it."""
    if isinstance(value, dict):
        hit = shapes.get(id(node))
        properties, needed, _items = hit[1] if hit else _shape(checker, node, shapes)
        for key, sub in value.items():
            if not isinstance(sub, str):
                sub_at, sub_node = at + (key,), properties.get(key)
                _check_value(checker, sub, sub_node, sub_at, key in needed, taken, shapes)
            elif (
                "TODO" in sub
                or (not sub.isascii() and HAN_RE.search(sub))
                or (key in _URL_FIELDS and _PLACEHOLDER_URL_RE.fullmatch(sub))
            ):
                _check_text(checker, sub, properties.get(key), at + (key,), key in needed, taken)
    elif isinstance(value, list):
        hit = shapes.get(id(node))
        items = (hit[1] if hit else _shape(checker, node, shapes))[2]
        for i, sub in enumerate(value):
            if not isinstance(sub, str):
                _check_value(checker, sub, items, at + (i,), True, taken, shapes)
            elif "TODO" in sub or (not sub.isascii() and HAN_RE.search(sub)):
                _check_text(checker, sub, items, at + (i,), True, taken)
    elif isinstance(value, str):
        _check_text(checker, value, node, at, required, taken)


# What the walk asks of a schema node: its properties, the fields it requires, its items.
_Shape = tuple[dict[str, Any], frozenset[str], Any]
_NO_SHAPE: _Shape = ({}, frozenset(), None)
# A schema's nodes' shapes, by the ids of the schema and of each node (both are kept, so that
# the ids stay theirs; a $ref is read in the schema's $defs). Every entry of a kind asks
# about the same nodes.
_SHAPES: dict[int, tuple[Any, dict[int, tuple[Any, _Shape]]]] = {}


def _shapes_of(root: dict[str, Any]) -> dict[int, tuple[Any, _Shape]]:
    hit = _SHAPES.get(id(root))
    if hit is None:
        hit = _SHAPES[id(root)] = (root, {id(None): (None, _NO_SHAPE)})
    return hit[1]


def _shape(
    checker: Checker, node: dict[str, Any] | None, shapes: dict[int, tuple[Any, _Shape]]
) -> _Shape:
    resolved = checker.resolve(node) if node is not None else None
    if not resolved:
        shape = _NO_SHAPE
    else:
        # Required, or required under a condition (a quote's translation): not to be deleted.
        needed = [*resolved.get("required", []), *resolved.get("then", {}).get("required", [])]
        shape = (resolved.get("properties", {}), frozenset(needed), resolved.get("items"))
    shapes[id(node)] = (node, shape)
    return shape


def _check_text(
    checker: Checker,
    value: str,
    node: dict[str, Any] | None,
    at: Path_,
    required: bool,
    taken: set[tuple[int, int]],
) -> None:
    node = checker.resolve(node) if node is not None else None
    placeholder = placeholder_problem(value, at, node or {}, required)
    message = placeholder or punctuation_problem(value, at)
    mark = checker.loaded.mark(at)
    if message and mark not in taken:
        checker.report(at, message)
    elif placeholder and value.startswith("TODO:"):  # a skeleton's: not "the wrong form"
        problems = checker.problems
        for i, problem in enumerate(problems):
            if (problem.line, problem.col) == mark:
                problems[i] = dataclasses.replace(problem, message=placeholder)


def placeholder_problem(value: str, at: Path_, node: dict[str, Any], required: bool) -> str | None:
    """Why ``value`` at ``at`` is still a placeholder that needs filling in, or None."""
    if at and at[-1] in _URL_FIELDS and _PLACEHOLDER_URL_RE.fullmatch(value):
        if at[-1] == "archive_url":
            what = "the real URL of an archived copy, or delete the line"
        elif at[0] == "sources":
            what = "the source's real URL"
        else:
            what = "the real URL" if required else "the real URL, or delete the line"
        return f"'{field_name(at)}' is still the example URL {value.strip()!r}: fill in {what}"
    m = _TODO_RE.search(value)
    if not m:
        return None
    shown = value
    if len(value) > _SHOWN_MAX:  # from the placeholder on, not the text before it
        rest = value[m.start() :]
        shown = rest if len(rest) <= _SHOWN_MAX else rest[: _SHOWN_MAX - 3] + "..."
        shown = ("..." if m.start() else "") + shown
    desc = node.get("description", "")
    hint = f": {desc}" if desc else ""
    fill = "fill it in" if required else "fill it in, or delete the line"
    return f"'{field_name(at)}' still holds the placeholder {shown!r}; {fill}{hint}"


def punctuation_problem(value: str, at: Path_) -> str | None:
    """Why Chinese ``value`` (more Han characters than Latin letters) has ASCII punctuation
    where Chinese writes full-width, or None. English text quoting a Chinese name is not checked."""
    # Told apart from the cheapest test on: most Chinese text has no ASCII punctuation.
    if not HAN_RE.search(value) or not _ASCII_PUNCT_RE.search(value):
        return None
    if not mostly_han(value):
        return None
    found = list(_ASCII_PUNCT_RE.finditer(value))
    m = found[0]
    shown = value[max(0, m.start() - 6) : m.end() + 6].replace("\n", " ")
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (
        f"'{field_name(at)}': Chinese text has the ASCII {m.group()!r} in {shown!r}{more}: "
        f"write the full-width {FULL_WIDTH[m.group()]!r}. Chinese uses ，（）：！？； "
        "(text copied from some pages has lost them)"
    )


__all__ = [
    "FULL_WIDTH",
    "PLACEHOLDER_URL",
    "check",
    "id_date",
    "id_date_problem",
    "placeholder_problem",
    "punctuation_problem",
    "renamed_id",
]
