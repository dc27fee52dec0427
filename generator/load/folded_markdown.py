"""Folded block scalars (``>``, ``>-``, ``>+``) that would lose a Markdown list or heading."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from generator.core.problems import Problem, display_path, field_name

if TYPE_CHECKING:
    import yaml

    from generator.core.problems import Path_
    from generator.load.loaded import LoadedFile

# The line breaks libyaml counts in its marks (so line numbers agree with the other problems).
_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# The header at or after the value's mark (which is at a tag, "!!str >-", when there is one):
# ">", then the chomping and indentation indicators in either order.
_HEADER_RE = re.compile(r">(?:([1-9])[-+]?|[-+]([1-9])?)?")
_MARKER_RE = re.compile(
    r"(?:(?P<bullet>[-*+])|(?P<number>[0-9]{1,9})[.)]|(?P<heading>#{1,6}))(?:[ \t]|$)"
)


def folded_problems(
    loaded: LoadedFile, text: str, nodes: list[tuple[Path_, yaml.ScalarNode]]
) -> list[Problem]:
    """A problem for each folded scalar in ``nodes`` whose lines hold a list or a heading."""
    lines = _BREAK_RE.split(text)
    problems = []
    for at, node in nodes:
        header_line = node.start_mark.line
        header = _HEADER_RE.search(lines[header_line], node.start_mark.column)
        written = header[0] if header else ">"
        explicit = header[1] or header[2] if header else None
        indent = _parent_column(loaded, at) + int(explicit) if explicit else None
        found = _first_marker(lines, header_line + 1, _last_line(node), indent)
        if found is None:
            continue
        line, col, what, after_prose = found
        item = "list item" if what == "list" else what
        hint = ", and leave a blank line before the list" if what == "list" and after_prose else ""
        problems.append(
            Problem(
                display_path(loaded.path),
                line,
                col,
                f"'{field_name(at)}': this line starts a {item}, but `{written}` on line "
                f"{header_line + 1} joins the lines into one paragraph, so the {what} is lost; "
                f"write `|{written[1:]}` instead of `{written}`, which keeps line breaks{hint}",
            )
        )
    return problems


def _parent_column(loaded: LoadedFile, at: Path_) -> int:
    """The indentation an explicit indentation indicator (``>2``) counts from, from 0: the
    column of the value's key, or of the ``-`` of its list (libyaml's current block indent)."""
    if at and isinstance(at[-1], str) and at in loaded.key_marks:
        return loaded.key_marks[at][1] - 1
    return loaded.mark(at[:-1])[1] - 1


def _last_line(node: yaml.ScalarNode) -> int:
    """The index after the scalar's last line: its end mark is at the start of the next line,
    or on its own last line when it ends the file without a line break."""
    return node.end_mark.line + (node.end_mark.column > 0)


def _first_marker(
    lines: list[str], first: int, last: int, indent: int | None
) -> tuple[int, int, str, bool] | None:
    """(line, column, "list" or "heading", whether a prose line comes just before), from 1, of
    the first line of ``lines[first:last]`` that starts a list item or a heading at the
    scalar's indentation (``indent``, or that of the first non-blank line)."""
    before = "blank"  # what the line before is: "blank" (or none), "item" or "prose"
    for number in range(first, min(last, len(lines))):
        line = lines[number]
        content = line.lstrip(" ")
        if not content:
            before = "blank"
            continue
        depth = len(line) - len(content)
        if indent is None:
            indent = depth
        if depth < indent:
            break  # the scalar ended (its end mark should have said so)
        match = _MARKER_RE.match(content.lstrip("\t"))
        if match and depth == indent and content[0] != "\t":  # not a more-indented line
            # After a paragraph's line, Markdown starts an ordered list only at 1.
            if not (match["number"] and match["number"] != "1" and before == "prose"):
                what = "heading" if match["heading"] else "list"
                return number + 1, depth + 1, what, before == "prose"
            match = None
        before = "item" if match else "prose"
    return None


__all__ = ["folded_problems"]
