"""The JSON Schema interpreter: one entry's data against its kind's schema → Problems.

It implements the keywords in ``KEYWORDS``, the subset the kinds' schemas use, and refuses a
schema that uses any other (``unsupported``), so the rules a contributor's editor shows and
the rules this validator applies are the same text.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from generator.dates import PartialDate
from generator.markup import CONTROL_CHARS, is_safe_url, url_as_browser_reads
from generator.problems import Problem, display_path

if TYPE_CHECKING:
    from generator.load import LoadedFile, Path_

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
_NESTING_RE = re.compile(r"[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)|>[ \t]*)+")
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\s*[(\[]")


def field_name(at: Path_) -> str:
    """('sources', 0, 'url') → 'sources[0].url'."""
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Every keyword the checker implements; a schema using another is refused (``unsupported``).
# Annotations (title, description, $schema, $id, x-schema-version) are read by people only.
KEYWORDS = frozenset(
    {
        "$schema", "$id", "$defs", "$ref", "title", "description", "x-schema-version",
        "type", "enum", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
        "items", "minItems", "maxItems", "uniqueItems",
        "properties", "required", "additionalProperties",
        "anyOf", "not", "if", "then",
        "x-format", "x-ref", "x-message",
    }
)  # fmt: skip
TYPES = frozenset({"string", "array", "object", "boolean"})  # ["string", "integer"]: as text
FORMATS = frozenset({"uri"})
X_FORMATS = frozenset({"date", "markdown"})
# RFC 3986: an absolute URI starts with a scheme; no white space or control character.
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]*")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")


def unsupported(schema: Any, at: str = "#") -> list[str]:
    """Where ``schema`` uses a keyword, type or format this checker does not implement."""
    out: list[str] = []
    if isinstance(schema, list):
        for i, sub in enumerate(schema):
            out += unsupported(sub, f"{at}/{i}")
        return out
    if not isinstance(schema, dict):
        return out
    for key, value in schema.items():
        where = f"{at}/{key}"
        if key not in KEYWORDS:
            out.append(f"{where}: the keyword {key!r}")
            continue
        if key == "type":
            types = value if isinstance(value, list) else [value]
            if not (set(types) <= TYPES or set(types) == {"string", "integer"}):
                out.append(f"{where}: the type {value!r}")
        elif key == "format" and value not in FORMATS:
            out.append(f"{where}: the format {value!r}")
        elif key == "x-format" and value not in X_FORMATS:
            out.append(f"{where}: the x-format {value!r}")
        elif key in ("properties", "$defs"):
            for name, sub in value.items():
                out += unsupported(sub, f"{where}/{name}")
        elif key in ("items", "anyOf", "not", "if", "then"):
            out += unsupported(value, where)
    return out


class Checker:
    """Walks one entry's data against its kind's schema, collecting problems.

    ``label`` names the kind in messages ("Censorship list").
    """

    def __init__(self, loaded: LoadedFile, root: dict[str, Any], label: str):
        self.loaded = loaded
        self.root = root
        self.label = label
        self.problems: list[Problem] = []
        self.references: list[tuple[Path_, str, str]] = []  # (where, target id, required kind)
        self.dates: dict[Path_, PartialDate] = {}

    def report(self, at: Path_, message: str, key: bool = False) -> None:
        line, col = self.loaded.mark(at, key=key)
        self.problems.append(Problem(display_path(self.loaded.path), line, col, message))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Merge a ``$ref`` with the keywords beside it (the local ones win)."""
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = {**self.root["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def matches(self, value: Any, node: dict[str, Any]) -> bool:
        """Whether ``value`` satisfies ``node``, without reporting (for if/anyOf/not)."""
        probe = Checker(self.loaded, self.root, self.label)
        probe.check(value, node, ())
        return not probe.problems

    def check(self, value: Any, node: dict[str, Any], at: Path_) -> None:
        node = self.resolve(node)
        name = field_name(at) or "entry"
        expected = node.get("type")
        if isinstance(expected, list):  # ["string", "integer"]: scalars are read as text
            expected = "string"
        if value is None and at:
            self.report(at, self.loaded.empty_message(at, name))
            return
        if expected == "boolean":  # read as text, like every scalar: YAML 1.2's two words
            if value not in ("true", "false"):
                shown = _show(value) if isinstance(value, str) else _kind_of(value)
                self.report(at, f"'{name}' must be true or false, not {shown}")
        elif expected == "string" or (expected is None and isinstance(value, str)):
            if not isinstance(value, str):
                self.report(at, f"'{name}' must be text, not {_kind_of(value)}")
                return
            self.check_string(value, node, at, name)
        elif expected == "array" or (expected is None and isinstance(value, list)):
            if not isinstance(value, list):
                self.report(
                    at,
                    f"'{name}' must be a list, for example `{name}: [a, b]` "
                    f"or one `- item` per line",
                )
                return
            self.check_array(value, node, at, name)
        elif expected == "object" or (expected is None and isinstance(value, dict)):
            if not isinstance(value, dict):
                self.report(at, f"'{name}' must be a mapping of fields, not {_kind_of(value)}")
                return
            self.check_object(value, node, at)
        if "if" in node and "then" in node and self.matches(value, node["if"]):
            then = node["then"]
            probe = Checker(self.loaded, self.root, self.label)
            probe.check(value, {k: v for k, v in then.items() if k != "x-message"}, at)
            if probe.problems:
                # Point at the field the condition is about (the quote's 'lang').
                about = next(iter(node["if"].get("properties", {})), None)
                where = at + (about,) if about in (value if isinstance(value, dict) else {}) else at
                self.report(
                    where,
                    f"'{name}' {then['x-message']}" if at else f"the entry {then['x-message']}",
                    key=True,
                )

    def check_string(self, value: str, node: dict[str, Any], at: Path_, name: str) -> None:
        shortest = node.get("minLength", 0)
        if shortest and not value.strip():
            self.report(at, self.loaded.empty_message(at, name))
            return
        if len(value) < shortest:
            self.report(
                at,
                f"'{name}' is {len(value):,} characters long; at least {shortest:,} are needed",
            )
            return
        longest = node.get("maxLength")
        if longest is not None and len(value) > longest:
            self.report(
                at,
                f"'{name}' is {len(value):,} characters long; at most {longest:,} are allowed: "
                "shorten it, or split the entry",
            )
            return
        bad = _forbidden_char(value)
        if bad:
            self.report(at, f"'{name}': {bad}")
            return
        if "enum" in node and value not in node["enum"]:
            close = difflib.get_close_matches(value, node["enum"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.report(at, f"'{name}': {value!r} is not one of {', '.join(node['enum'])}{hint}")
            return
        pattern_ok = True
        if "pattern" in node and not _regex(node["pattern"]).search(value):
            pattern_ok = False
        if "anyOf" in node and not any(self.matches(value, alt) for alt in node["anyOf"]):
            pattern_ok = False
        if "not" in node and self.matches(value, node["not"]):
            pattern_ok = False
        if not pattern_ok:
            message = node.get("x-message", "has the wrong form")
            self.report(at, f"'{name}': {_show(value)} {message}")
            return
        if node.get("format") == "uri" and not _URI_RE.fullmatch(value):
            self.report(at, f"'{name}': {_show(value)} is not a URI")
            return
        fmt = node.get("x-format")
        if fmt == "date":
            try:
                self.dates[at] = PartialDate.parse(value)
            except ValueError as exc:
                self.report(at, f"'{name}': {exc}")
                return
        # A YAML 1.2 editor reads a bare number (a bare year) as an integer, and holds it to
        # minimum and maximum: so does the validator, after saying what else is wrong.
        types = node.get("type")
        if isinstance(types, list) and "integer" in types and _INTEGER_RE.fullmatch(value):
            number = int(value)
            if "minimum" in node and number < node["minimum"]:
                self.report(at, f"'{name}': {value} is less than the minimum, {node['minimum']}")
                return
            if "maximum" in node and number > node["maximum"]:
                self.report(at, f"'{name}': {value} is more than the maximum, {node['maximum']}")
                return
        if fmt == "markdown":
            self.check_markdown(value, at, name)
        if "x-ref" in node:
            self.references.append((at, value, node["x-ref"]))

    def check_markdown(self, value: str, at: Path_, name: str) -> None:
        problem = _markdown_shape_problem(value)
        if problem:
            self.report(at, f"'{name}' {problem}")
            return
        targets = _MD_LINK_RE.findall(value) + [m[0] for m in _MD_REFDEF_RE.findall(value)]
        for target in targets:
            if not is_safe_url(target):
                scheme = url_as_browser_reads(target).split(":", 1)[0].lower()
                self.report(
                    at,
                    f"'{name}': a link to a '{scheme}:' URL is not allowed; "
                    "links must be http:// or https:// URLs",
                )
                return
        if _IMAGE_RE.search(value):
            self.report(
                at,
                f"'{name}': images are not allowed: every reader's browser would fetch them from "
                "another site. Link to the image instead: [what it shows](https://…)",
            )

    def check_array(self, value: list[Any], node: dict[str, Any], at: Path_, name: str) -> None:
        most = node.get("maxItems")
        if most is not None and len(value) > most:
            self.report(
                at, f"'{name}' has {len(value):,} items; at most {most:,} are allowed: remove some"
            )
            return
        if len(value) < node.get("minItems", 0):
            message = node.get("x-message", f"needs at least {node['minItems']} item(s)")
            self.report(
                at, f"'{name}' is empty: it {message}" if not value else f"'{name}' {message}"
            )
            return
        items = node.get("items")
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            if items is not None:
                self.check(item, items, at + (i,))
            if node.get("uniqueItems") and isinstance(item, str):
                if item in seen:
                    self.report(at + (i,), f"'{name}' lists {item!r} twice: remove one")
                seen.setdefault(item, i)

    def check_object(self, value: dict[str, Any], node: dict[str, Any], at: Path_) -> None:
        properties: dict[str, Any] = node.get("properties", {})
        for key in value:
            if key not in properties and node.get("additionalProperties") is False:
                self.report(
                    at + (key,), _unknown_field(key, list(properties), at, self.label), key=True
                )
        for key in node.get("required", []):
            if key not in value:
                where = f"'{field_name(at)}' is missing" if at else "missing"
                desc = self.resolve(properties.get(key, {})).get("description", "")
                hint = f": {desc}" if desc else ""
                self.report(at, f"{where} required field '{key}'{hint}")
        for key, sub in value.items():
            if key in properties:
                self.check(sub, properties[key], at + (key,))


def _unknown_field(key: str, allowed: list[str], at: Path_, label: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    where = f" in '{field_name(at)}'" if at else f" for {article(label)}"
    if close:
        return f"unknown field '{key}'{where}; did you mean '{close[0]}'?"
    return f"unknown field '{key}'{where}; allowed: {', '.join(allowed)}"


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def _show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


@cache
def _regex(pattern: str) -> re.Pattern[str]:
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


def _forbidden_char(value: str) -> str | None:
    """Why ``value`` holds a character no text may hold, or None."""
    m = FORBIDDEN_CHARS_RE.search(value)
    if m:
        return (
            f"character {m.start() + 1} is the control character U+{ord(m.group()):04X}, "
            "which no text may hold: delete it"
        )
    if "&" not in value:
        return None
    for ref in _CHAR_REF_RE.finditer(value):
        # Decoded as the code point written: HTML would show some of them as other characters
        # (&#x85; as "…"), but never one of these that is not one here too.
        code = int(ref[1], 16) if ref[1] else int(ref[2])
        if 0xD800 <= code <= 0xDFFF or (code <= 0x10FFFF and FORBIDDEN_CHARS_RE.match(chr(code))):
            return (
                f"the character reference {ref.group()!r} stands for the control character "
                f"U+{code:04X}, which no text may hold: delete it"
            )
    return None


def _markdown_shape_problem(text: str) -> str | None:
    """Why Markdown ``text`` would be too slow or deep to render, or None. Linear time."""
    closer = {"]": "[", ")": "("}
    # Python-Markdown reads links within one paragraph, so brackets are counted per paragraph.
    for paragraph in _BLANK_LINE_RE.split(text):
        depth = {"[": 0, "(": 0}
        escaped = False
        for ch in paragraph:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch in depth:
                depth[ch] += 1
                if depth[ch] > BRACKETS_OPEN_MAX:
                    return (
                        f"has more than {BRACKETS_OPEN_MAX} '{ch}' open at once in a paragraph "
                        "(nested, or never closed): Markdown would take too long to read it. "
                        f"Close each one, or write it as \\{ch}"
                    )
            elif ch in closer and depth[closer[ch]]:
                depth[closer[ch]] -= 1
    for line in text.split("\n"):
        m = _NESTING_RE.match(line)
        if m:
            prefix = m.group()
            levels = len(re.findall(r"[-*+>]|[0-9]+[.)]", prefix))
            levels += (len(prefix) - len(prefix.lstrip(" \t"))) // 4
            if levels > NESTING_MAX:
                return (
                    f"nests lists or quotes {levels} deep; at most {NESTING_MAX} levels are "
                    "allowed: flatten it"
                )
    return None


def article(label: str) -> str:
    """ "Censorship list" → "a censorship list"; "Event" → "an event"."""
    label = label.lower()
    return ("an " if label[0] in "aeiou" else "a ") + label
