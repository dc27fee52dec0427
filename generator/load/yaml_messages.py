"""YAML mistakes in plain words: what a person did, where, and the fix, instead of the parser's."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

import yaml

from generator.core.problems import field_name

if TYPE_CHECKING:
    from generator.core.problems import Path_

# The line breaks libyaml counts in its marks (so line numbers agree with the other problems).
_BREAK_RE = re.compile(r"(\r\n|[\r\n\x85\u2028\u2029])")
# A line's indentation, with the "- " (and "? ", ": ") indicators that can come before a node.
_LEAD_RE = re.compile(r"(?:[ \t]|[-?:](?=[ \t]|$))*")
_COMMENT_RE = re.compile(r"[ \t]+(#.*?)[ \t]*$")
_PARSER_ERRORS = ("did not find expected key", "did not find expected '-'", "expected <block end>")
EXAMPLE_MAX = 100  # a suggested line longer than this is not shown
CANDIDATES_MAX = 6  # indentations tried for a misindented line


class Mistake(NamedTuple):
    """A known YAML mistake: where (line and column, from 0), what to do, and the line as it
    should be when one fix is known to parse past it (which lets the reader look further)."""

    line: int
    column: int
    message: str
    fixed: str | None = None


def explain(text: str, exc: yaml.MarkedYAMLError, loader: type) -> Mistake | None:
    """The mistake behind a syntax error, in plain words, when it is a known one; or None."""
    mark = exc.problem_mark
    problem = exc.problem or ""
    parts = _BREAK_RE.split(text)
    if mark is None or 2 * mark.line >= len(parts):
        return None
    line = parts[2 * mark.line]
    found = _look_alike_colon(parts, mark.line, loader)
    if found is not None:
        return found
    if "tab" in problem or "'\\t'" in problem or line[mark.column : mark.column + 1] == "\t":
        return _tab(mark.line, mark.column, line)
    if "mapping values are not allowed" in problem:
        return _colon_in_value(parts, mark.line, mark.column, loader)
    if problem.startswith("did not find expected ',' or ']'") and exc.context_mark is not None:
        return _unclosed_list(parts, exc.context_mark.line, exc.context_mark.column, loader)
    if not ("sequence entries are not allowed" in problem or problem.startswith(_PARSER_ERRORS)):
        return None
    tokens = _tokens(text, loader)
    if "sequence entries are not allowed" in problem:  # the scanner stops at the "-"
        return _dash_value(parts, mark.line, mark.column, tokens, loader)
    at = next(
        (
            i
            for i, t in enumerate(tokens)
            if (t.start_mark.line, t.start_mark.column) == (mark.line, mark.column)
        ),
        None,
    )
    if at is None or at < 2:
        return None
    found = _quote_then_text(parts, mark.line, tokens, at, loader)
    if found is None and not line[: mark.column].strip(" "):
        found = _indentation(parts, mark.line, mark.column, tokens, at, loader)
    return found


# A key, then a colon YAML does not read as one: the full-width '：' of a Chinese keyboard, or
# ':' followed by a space that is not an ASCII space (a non-breaking space, pasted).
_LOOK_ALIKE_RE = re.compile(
    r"^[ ]*(?:- )?([A-Za-z_][A-Za-z0-9_-]*)[ ]*(?:(：)|:([\u00a0\u2000-\u200b\u202f\u3000]))"
)


def _look_alike_colon(parts: list[str], number: int, loader: type) -> Mistake | None:
    """For an error at line ``number``: a look-alike colon on it or the line before it, which
    made YAML read a `key: value` line as text and fail on the next."""
    for i in (number - 1, number):
        if i < 0 or 2 * i >= len(parts):
            continue
        m = _LOOK_ALIKE_RE.match(parts[2 * i])
        if m is None:
            continue
        key, line = m[1], parts[2 * i]
        if m[2]:
            message = (
                f"'{key}' is followed by a full-width colon '：', which YAML does not read as "
                f"one: type the colon ':' and a space, as in `{key}: …`"
            )
            fixed = line[: m.start(2)] + ": " + line[m.end(2) :].lstrip("\u3000 ")
            return Mistake(i, m.start(2), message, _if_it_parses(parts, i, fixed, loader))
        name = unicodedata.name(m[3], "a special space").lower()
        message = (
            f"the space after '{key}:' is a {name} (U+{ord(m[3]):04X}), which YAML does not "
            "read as a space: delete it and type an ordinary space"
        )
        fixed = line[: m.start(3)] + " " + line[m.end(3) :]
        return Mistake(i, m.start(3), message, _if_it_parses(parts, i, fixed, loader))
    return None


# `key: value: more`: the first ": " inside a plain value, after the key's own.
_KEY_RE = re.compile(r"^([ ]*(?:- )?)([^\s:#\"'][^:#]*?):[ ]+")


def _colon_in_value(parts: list[str], number: int, column: int, loader: type) -> Mistake | None:
    """``title: Harbour: a new quay``: YAML reads the second ': ' as the start of a key."""
    line = parts[2 * number]
    m = _KEY_RE.match(line)
    if m is None or m.end() > column or line[m.end() : m.end() + 1] in ("'", '"', "|", ">"):
        return None
    key, value = m[2], line[m.end() :]
    fix = _fixed(parts, number, line[: m.end()], value, loader)
    message = (
        f"the value of '{key}' holds ': ' (a colon and a space), which YAML reads as the "
        f"start of another field: put the whole value in quotes{_example(fix)}"
    )
    return Mistake(number, column, message, fix)


def _unclosed_list(parts: list[str], number: int, column: int, loader: type) -> Mistake | None:
    """``tags: [migration, app-rankings``: a list opened with '[' and never closed."""
    line = parts[2 * number]
    if line.rstrip().endswith("]"):
        return None
    fixed = _if_it_parses(parts, number, line.rstrip() + "]", loader)
    message = (
        f"the list that starts with '[' on line {number + 1} is not closed: end it with ']'"
        f"{_example(fixed)}"
    )
    return Mistake(number, column, message, fixed)


def _example(fixed: str | None) -> str:
    """ ", e.g. `the line`" for a message, when a fixed line is known."""
    return f", e.g. `{fixed.strip()}`" if fixed else ""


def _if_it_parses(parts: list[str], number: int, line: str, loader: type) -> str | None:
    """``line`` when the file with it in place of line ``number`` parses past that line."""
    return line if _parse(parts, number, line, loader, whole=True) is not None else None


def _tab(number: int, column: int, line: str) -> Mistake | None:
    lead = _LEAD_RE.match(line)
    first = line.find("\t", 0, lead.end()) if lead else -1
    if 0 <= first <= column:
        message = (
            f"line {number + 1} is indented with a tab: YAML needs spaces; "
            "indent it with spaces only"
        )
        return Mistake(number, first, message)
    if line[column : column + 1] == "\t":
        message = (
            f"line {number + 1} has a tab at column {column + 1}: YAML needs spaces there; "
            "replace the tab with spaces"
        )
        return Mistake(number, column, message)
    return None


def _quote_then_text(
    parts: list[str], number: int, tokens: list[yaml.Token], at: int, loader: type
) -> Mistake | None:
    """``title: "Refugees" flock to a new app``: the quoted scalar ends the value."""
    quoted, before = tokens[at - 1], tokens[at - 2]
    if not (
        isinstance(quoted, yaml.ScalarToken)
        and quoted.style in ('"', "'")
        and quoted.start_mark.line == quoted.end_mark.line == number
        and isinstance(before, (yaml.ValueToken, yaml.BlockEntryToken))
    ):
        return None
    line = parts[2 * number]
    start = quoted.start_mark.column
    fix = _fixed(parts, number, line[:start], line[start:], loader)
    message = (
        "this value starts with a quote and goes on after the closing quote: quote the whole "
        f"value{_example(fix)}"
    )
    return Mistake(number, start, message, fix)


def _dash_value(
    parts: list[str], number: int, column: int, tokens: list[yaml.Token], loader: type
) -> Mistake | None:
    """``summary: - 用户涌入``: a block sequence cannot start on its key's line."""
    line = parts[2 * number]
    if not (
        tokens
        and isinstance(tokens[-1], yaml.ValueToken)
        and tokens[-1].start_mark.line == number
        and re.match(r"-(?:[ \t]|$)", line[column:])
    ):
        return None
    fix = _fixed(parts, number, line[:column], line[column:], loader)
    message = (
        "a value cannot start with '- ' on the same line as its key (YAML reads a list): "
        f"quote the value, or write it as a `|-` block{_example(fix)}"
    )
    return Mistake(number, column, message, fix)


def _fixed(parts: list[str], number: int, prefix: str, value: str, loader: type) -> str | None:
    """The line ``prefix`` + ``value`` quoted whole, when the file with that line parses past
    it; None when it would not, or is too long to show."""
    value = value.rstrip(" \t")
    if re.search(r"[ \t]#", value):  # a comment, or part of the value? Do not guess.
        return None
    line = prefix + quote(value)
    if len(line.strip()) > EXAMPLE_MAX or _parse(parts, number, line, loader, whole=True) is None:
        return None
    return line


def quote(value: str) -> str:
    """``value`` as a one-line quoted YAML scalar."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _indentation(
    parts: list[str], number: int, column: int, tokens: list[yaml.Token], at: int, loader: type
) -> Mistake | None:
    """A line indented to no open block's column: say which columns would parse, and as what."""
    open_blocks: list[int] = []
    flow = 0
    for token in tokens[:at]:
        if token.start_mark.line >= number:
            break
        if isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)):
            open_blocks.append(token.start_mark.column)
        elif isinstance(token, yaml.BlockEndToken) and open_blocks:
            open_blocks.pop()
        elif isinstance(token, (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
            flow += 1
        elif isinstance(token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
            flow -= 1
    if flow or not open_blocks:
        return None
    tried = sorted(set(open_blocks) - {column}, key=lambda c: abs(c - column))[:CANDIDATES_MAX]
    content = parts[2 * number][column:]
    fits = []
    for indent in sorted(tried):
        line = " " * indent + content
        node = _parse(parts, number, line, loader, whole=False)
        what = _owner(node, number, indent, content[:1] == "-") if node is not None else None
        if what is not None and _parse(parts, number, line, loader, whole=True) is not None:
            fits.append((indent, what))
    if not fits:
        return None
    spaces = _spaces(column)
    if len(fits) == 1:
        indent, what = fits[0]
        rest = f"are indented {indent}" if indent else "are not indented"
        message = (
            f"line {number + 1} is indented {spaces}, but the other {what} {rest}: line them up"
        )
        return Mistake(number, column, message, " " * indent + content)
    options = " or ".join(f"{_spaces(indent)} (like the other {what})" for indent, what in fits)
    message = (
        f"line {number + 1} is indented {spaces}, which lines up with none of the lines around "
        f"it: indent it {options}"
    )
    return Mistake(number, column, message)


def _spaces(count: int) -> str:
    return f"{count} space" + ("" if count == 1 else "s")


def _owner(root: yaml.Node, number: int, indent: int, dash: bool) -> str | None:
    """What line ``number`` (at ``indent``) is part of in ``root``: "fields of 'zh'", "top-level
    fields" or "items of 'sources'"; None when it is not a key or an item, or duplicates a key."""
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
    while stack:
        node, at = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _v in node.value if isinstance(k, yaml.ScalarNode)]
            for key, value in node.value:
                if (key.start_mark.line, key.start_mark.column) == (number, indent):
                    if keys.count(key.value) > 1:
                        return None  # a field the mapping already has: not where it goes
                    return f"fields of '{field_name(at)}'" if at else "top-level fields"
                stack.append((value, at + (key.value,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                # A block sequence starts at its first "- "; an item's node starts after it.
                if item.start_mark.line == number and not node.flow_style and dash:
                    if node.start_mark.column == indent:
                        return f"items of '{field_name(at)}'" if at else None
                stack.append((item, at + (i,)))
    return None


def _parse(parts: list[str], number: int, line: str, loader: type, whole: bool) -> yaml.Node | None:
    """The file with line ``number`` replaced: its node up to that line (``whole``: the file's,
    or an empty node when a later line fails), or None when it fails at that line or before."""
    fixed = [*parts[: 2 * number], line, *(parts[2 * number + 1 :] if whole else ())]
    try:
        node = yaml.compose("".join(fixed), Loader=loader)
    except yaml.MarkedYAMLError as exc:
        if whole and exc.problem_mark is not None and exc.problem_mark.line > number:
            return yaml.ScalarNode("tag:yaml.org,2002:null", "")
        return None
    except yaml.YAMLError:
        return None
    return node


def _tokens(text: str, loader: type) -> list[yaml.Token]:
    tokens: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=loader):
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


# --- showing the mistake ------------------------------------------------------------------

SHOWN_WIDTH = 100  # columns of a line shown under a message


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` as libyaml counts them."""
    return _BREAK_RE.split(text)[::2]


def with_line(text: str, number: int, line: str) -> str:
    """``text`` with line ``number`` (from 0) replaced by ``line``."""
    parts = _BREAK_RE.split(text)
    parts[2 * number] = line
    return "".join(parts)


def excerpt(lines: list[str], number: int, column: int) -> str:
    """Line ``number`` (from 0) as written, and a marker under ``column``, as compilers show
    a mistake: a Chinese character takes two columns, a tab one."""
    line = lines[number] if 0 <= number < len(lines) else ""
    shown = "".join(" " if ch == "\t" or not ch.isprintable() else ch for ch in line)
    start = 0
    if _width(shown[:column]) > SHOWN_WIDTH - 20:  # far to the right: show from near it
        start = column - 40
        shown = "…" + shown[start:]
    shown = _cut(shown, SHOWN_WIDTH)
    under = _width(("…" if start else "") + line[start:column].replace("\t", " "))
    gutter = " " * len(str(number + 1))
    return f"\n  {number + 1} | {shown.rstrip()}\n  {gutter} | {' ' * under}^"


def _width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _cut(text: str, width: int) -> str:
    """``text``, or its longest start no wider than ``width`` and "…" (in one pass: a line
    can be a megabyte long)."""
    used = 0
    for i, ch in enumerate(text):
        used += _char_width(ch)
        if used > width:
            return text[:i] + "…"
    return text


# --- `text: #话题# …`: a value that YAML read as a comment ---------------------------------


def commented_empty(line: str, column: int) -> tuple[int, str] | None:
    """For an empty value at ``column`` of ``line`` (from 0): when the rest of the line after
    its ``key:`` or ``-`` is a comment, the comment's column and the line with it quoted."""
    before = line[:column].rstrip(" \t")
    found = _COMMENT_RE.match(line, len(before))
    if not (before.endswith((":", "-")) and found):
        return None
    return found.start(1), f"{before.lstrip(' ')} {quote(found[1])}"


# A comment that starts right after a plain value, with no space after its `#`: a hashtag
# (`#FloodWatch`, `#话题#`) that YAML cut off, as yamllint's comment rules would flag it.
_HASHTAG_AFTER_RE = re.compile(r"[ \t]+(#\S+)")


def cut_by_hashtag(line: str, start: int, end: int, name: str) -> tuple[int, str] | None:
    """For a plain value from ``start`` to ``end`` (columns from 0) of ``line``: when a comment
    that reads as a hashtag follows it, that comment's column and the message saying what was
    lost, with the line quoted if the value is on this line alone (``start`` >= 0)."""
    found = _HASHTAG_AFTER_RE.match(line, end)
    if found is None:
        return None
    lost = line[found.start(1) :].rstrip()
    message = (
        f"`#` starts a comment in YAML, so {lost!r} is dropped from '{name}': put the whole "
        "value in quotes"
    )
    if start >= 0:
        fixed = f"{line[:start].lstrip(' ')}{quote(line[start:].rstrip())}"
        if len(fixed) <= EXAMPLE_MAX:
            message += f", e.g. `{fixed}`"
    return found.start(1), message


def empty_message(name: str, fixed: str | None) -> str:
    """The message for an empty value; ``fixed`` is the line quoted, when a comment emptied it."""
    if fixed is None:
        return f"'{name}' is empty: give it a value, or delete the line"
    example = f", e.g. `{fixed}`" if len(fixed) <= EXAMPLE_MAX else ""
    return f"`#` starts a comment in YAML, so '{name}' is empty: put the value in quotes{example}"


__all__ = [
    "Mistake",
    "commented_empty",
    "cut_by_hashtag",
    "empty_message",
    "excerpt",
    "explain",
    "lines_of",
    "quote",
    "with_line",
]
