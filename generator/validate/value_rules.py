"""What one text value may hold, whatever its field, and how the checker's messages name it."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from generator.core.markup import BIDI_CONTROLS_RE, CONTROL_CHARS, is_safe_url, url_as_browser_reads
from generator.core.problems import field_name

if TYPE_CHECKING:
    from generator.core.problems import Path_

# [text](target) and ![alt](target) in Markdown, and <scheme:...> autolinks.
# The target runs to the first ")" or ">", whitespace included: "java\tscript:" is a link too.
_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)>]*)")
_MD_REFDEF_RE = re.compile(r"^\s{0,3}\[[^\[\]]*\]:\s*<?(\S+?)>?(\s|$)", re.MULTILINE)

# Characters no text may hold, written raw or as a character reference (&#x85;): the control
# characters but tab and newline (a carriage return included: YAML has already turned line
# breaks into newlines), DEL, NEL, the line and paragraph separators, U+FFFE and U+FFFF.
FORBIDDEN_CHARS_RE = re.compile(f"[{CONTROL_CHARS}\\r]")
_CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")

# Markdown that would make Python-Markdown slow or crash, bounded far above what prose needs.
# Its link parser scans from every "[" or "(" to the bracket that closes it (or to the end of
# the paragraph when none does), so unclosed and deeply nested brackets cost time with the
# square of the text's length; and it nests lists by recursion.
BRACKETS_OPEN_MAX = 5
NESTING_MAX = 8
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
# What the bracket count reads: an escaped character (skipped), or a bracket.
_BRACKET_RE = re.compile(r"\\.|[\[\]()]", re.DOTALL)
_CLOSER = {"]": "[", ")": "("}
# A line's list and quote markers (lines split at "\n"): the first line's, then each line's
# after its "\n", which the regular expression engine finds faster than a line's start.
_NESTING = r"[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)|>[ \t]*)+"
_NESTING_RE = re.compile(_NESTING, re.MULTILINE)
_NESTING_AFTER_BREAK_RE = re.compile("\n" + _NESTING, re.MULTILINE)
_MARKER_RE = re.compile(r"[-*+>]|[0-9]+[.)]")
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\s*[(\[]")


def article(label: str) -> str:
    """ "Court case" → "a court case"; "Event" → "an event"."""
    label = label.lower()
    return ("an " if label[0] in "aeiou" else "a ") + label


def unknown_field(key: str, allowed: list[str], at: Path_, label: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    where = f" in '{field_name(at)}'" if at else f" for {article(label)}"
    if close:
        return f"unknown field '{key}'{where}; did you mean '{close[0]}'?"
    return f"unknown field '{key}'{where}; allowed: {', '.join(allowed)}"


def kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


# Quotation marks a word processor or a chat app puts in place of straight ones.
CURLY = "“”‘’„«»「」"


def curly_hint(value: str) -> str:
    """What to do when ``value`` is wrapped in curly quotes, which YAML keeps as text; or ""."""
    if value[:1] in CURLY and value[-1:] in CURLY and len(value) > 1:
        return (
            f": the curly quotes {value[0]} {value[-1]} are part of the value for YAML (an "
            "editor or chat app put them in); delete them, or use straight quotes"
        )
    return ""


_BARE_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def percent_hint(url: str) -> str:
    """What to do about a % in ``url`` that does not start a code such as %20; or ""."""
    if _BARE_PERCENT_RE.search(url):
        return (
            ": a % in an address starts a code of two hexadecimal digits (%20 is a space); "
            "write a % sign itself as %25"
        )
    return ""


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern with ECMA-262's meaning, which JSON Schema uses: "$" outside a
    character class ends the text (Python's \\Z); Python's own "$" also matches before a
    final newline, which would let "us-law\\n" through as a tag."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        out.append("\\Z" if ch == "$" and not in_class else ch)
        i += 1
    return re.compile("".join(out))


def forbidden_char(value: str) -> str | None:
    """Why ``value`` holds a character no text may hold, or None."""
    m = FORBIDDEN_CHARS_RE.search(value)
    if m:
        return f"character {m.start() + 1} is {_named(m.group())}: delete it"
    if "&" not in value:
        return None
    for ref in _CHAR_REF_RE.finditer(value):
        # Decoded as the code point written: HTML would show some of them as other characters
        # (&#x85; as "…"), but never one of these that is not one here too.
        code = int(ref[1], 16) if ref[1] else int(ref[2])
        if 0xD800 <= code <= 0xDFFF or (code <= 0x10FFFF and FORBIDDEN_CHARS_RE.match(chr(code))):
            return (
                f"the character reference {ref.group()!r} stands for {_named(chr(code))}: delete it"
            )
    return None


def _named(ch: str) -> str:
    """A character no text may hold, named, and why."""
    if BIDI_CONTROLS_RE.match(ch):
        return (
            f"U+{ord(ch):04X} ({unicodedata.name(ch).lower()}), a bidirectional control, which "
            "no text may hold (it would reorder the text after it, the site's own included)"
        )
    return f"the control character U+{ord(ch):04X}, which no text may hold"


def markdown_problem(value: str) -> str | None:
    """What is wrong with Markdown ``value``, to follow the field's quoted name, or None."""
    problem = markdown_shape_problem(value)
    if problem:
        return f" {problem}"
    if "]" not in value:  # no link, no reference definition, no image
        return None
    targets = _MD_LINK_RE.findall(value) if "](" in value else []
    if "]:" in value:
        targets += [m[0] for m in _MD_REFDEF_RE.findall(value)]
    for target in targets:
        if not is_safe_url(target):
            scheme = url_as_browser_reads(target).split(":", 1)[0].lower()
            return (
                f": a link to a '{scheme}:' URL is not allowed; "
                "links must be http:// or https:// URLs"
            )
    if "![" in value and _IMAGE_RE.search(value):
        return (
            ": images are not allowed: every reader's browser would fetch them from "
            "another site. Link to the image instead: [what it shows](https://…)"
        )
    return None


def markdown_shape_problem(text: str) -> str | None:
    """Why Markdown ``text`` would be too slow or deep to render, or None. Linear time."""
    # A paragraph cannot hold more brackets open than the text holds brackets.
    if text.count("[") > BRACKETS_OPEN_MAX or text.count("(") > BRACKETS_OPEN_MAX:
        # Python-Markdown reads links within one paragraph, so brackets count per paragraph.
        for paragraph in _BLANK_LINE_RE.split(text):
            problem = _brackets_problem(paragraph)
            if problem:
                return problem
    for prefix in _nesting_prefixes(text):
        levels = len(_MARKER_RE.findall(prefix))
        levels += (len(prefix) - len(prefix.lstrip(" \t"))) // 4
        if levels > NESTING_MAX:
            return (
                f"nests lists or quotes {levels} deep; at most {NESTING_MAX} levels are "
                "allowed: flatten it"
            )
    return None


def _nesting_prefixes(text: str) -> Iterator[str]:
    first = _NESTING_RE.match(text)
    if first:
        yield first.group()
    for m in _NESTING_AFTER_BREAK_RE.finditer(text):
        yield m.group()[1:]


def _brackets_problem(paragraph: str) -> str | None:
    depth = {"[": 0, "(": 0}
    for m in _BRACKET_RE.finditer(paragraph):
        ch = m.group()
        if ch in depth:
            depth[ch] += 1
            if depth[ch] > BRACKETS_OPEN_MAX:
                return (
                    f"has more than {BRACKETS_OPEN_MAX} '{ch}' open at once in a paragraph "
                    "(nested, or never closed): Markdown would take too long to read it. "
                    f"Close each one, or write it as \\{ch}"
                )
        elif ch in _CLOSER and depth[_CLOSER[ch]]:
            depth[_CLOSER[ch]] -= 1
    return None


__all__ = [
    "BRACKETS_OPEN_MAX",
    "FORBIDDEN_CHARS_RE",
    "NESTING_MAX",
    "article",
    "ecma_regex",
    "forbidden_char",
    "kind_of",
    "markdown_problem",
    "markdown_shape_problem",
    "show",
    "unknown_field",
]
