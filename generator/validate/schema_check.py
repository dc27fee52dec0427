"""A kind's JSON Schema compiled into checking functions, once, for every entry of the kind."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.core.dates import PartialDate
from generator.core.problems import field_name
from generator.validate.value_rules import (
    FORBIDDEN_CHARS_RE,
    curly_hint,
    ecma_regex,
    forbidden_char,
    kind_of,
    markdown_problem,
    percent_hint,
    show,
    unknown_field,
)

if TYPE_CHECKING:
    from generator.core.problems import Path_

# (value, where it is, the sink) → None; problems go to ``sink.report``.
Check = Callable[[Any, "Path_", Any], None]
# RFC 3986: an absolute URI starts with a scheme; no white space or control character.
# RFC 3986 leaves these out of a URI (IRIs, RFC 3987, add non-ASCII letters, which are kept).
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[^\s\x00-\x1f\x7f\"<>\\^`{|}%]|%[0-9A-Fa-f]{2})*")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # format "date", as RFC 3339 writes a day
_TYPES = {"string": str, "array": list, "object": dict}
# Whether a text passes a node's checks depends on the text alone, and short texts recur
# across entries (ids, tags, days, languages): each node remembers so many that passed.
_REMEMBERED_LENGTH = 100
_REMEMBERED = 10_000
_UNSEEN = object()


class Mismatch(Exception):
    """A probe's first problem: whether a value matches a node is all a probe is asked."""


class Probe:
    """A sink for ``matches``: what the checks record goes nowhere; a problem stops them."""

    __slots__ = ("dates", "label", "loaded", "references")

    def __init__(self, sink: Any):
        self.loaded = sink.loaded
        self.label = sink.label
        self.dates: dict[Path_, PartialDate] = {}
        self.references: list[tuple[Path_, str, str]] = []

    def report(self, at: Path_, message: str, key: bool = False) -> None:
        raise Mismatch


def matches(check: Check, value: Any, at: Path_, sink: Any) -> bool:
    """Whether ``value`` at ``at`` passes ``check``, without reporting."""
    try:
        check(value, at, Probe(sink))
    except Mismatch:
        return False
    return True


def _name(at: Path_) -> str:
    return field_name(at) or "entry"


def _report_empty(at: Path_, sink: Any) -> None:
    sink.report(at, sink.loaded.empty_message(at, _name(at)))


class Compiler:
    """One schema's compiled nodes; ``compile`` gives the check of any node in it."""

    def __init__(self, root: dict[str, Any]):
        self.root = root
        # id(node) → (node, its check): the node is kept so that its id is not reused.
        self._checks: dict[int, tuple[Any, Check]] = {}
        self._resolved: dict[int, tuple[Any, dict[str, Any]]] = {}

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Merge a ``$ref`` with the keywords beside it (the local ones win). Shared: read only."""
        hit = self._resolved.get(id(node))
        if hit is not None:
            return hit[1]
        merged = node
        while "$ref" in merged:
            name = merged["$ref"].rsplit("/", 1)[-1]
            merged = {
                **self.root["$defs"][name],
                **{k: v for k, v in merged.items() if k != "$ref"},
            }
        self._resolved[id(node)] = (node, merged)
        return merged

    def compile(self, node: dict[str, Any]) -> Check:
        hit = self._checks.get(id(node))
        if hit is not None:
            return hit[1]
        later: list[Check] = []  # a node that refers to itself, through a $ref, calls this
        self._checks[id(node)] = (node, lambda value, at, sink: later[0](value, at, sink))
        check = self._build(self.resolve(node))
        later.append(check)
        self._checks[id(node)] = (node, check)
        return check

    def _build(self, node: dict[str, Any]) -> Check:
        expected = node.get("type")
        if isinstance(expected, list):  # ["string", "integer"]: scalars are read as text
            expected = "string"
        condition = self._condition(node)
        if expected == "boolean":
            return _boolean(condition)
        if expected in _TYPES:
            build = {"string": self._string, "array": self._array, "object": self._object}
            if condition is None:  # the common case: one call per value
                return build[expected](node, True)
            return _typed(_TYPES[expected], build[expected](node, False), condition)
        if expected is None:  # checked as whatever the value is
            bodies = ((str, self._string(node, False)), (list, self._array(node, False)))
            return _untyped((*bodies, (dict, self._object(node, False))), condition)
        return _untyped((), condition)  # a type the checker ignores (unsupported refuses it)

    def _condition(self, node: dict[str, Any]) -> Check | None:
        """``if``/``then``: when the value matches ``if`` and not ``then``, one problem, worded
        by ``then``'s x-message, at the field the condition is about (the quote's 'lang')."""
        if "if" not in node or "then" not in node:
            return None
        test = self.compile(node["if"])
        then = node["then"]
        then_check = self.compile({k: v for k, v in then.items() if k != "x-message"})
        about = next(iter(node["if"].get("properties", {})), None)

        def condition(value: Any, at: Path_, sink: Any) -> None:
            if not matches(test, value, (), sink) or matches(then_check, value, at, sink):
                return
            where = at + (about,) if about in (value if isinstance(value, dict) else {}) else at
            message = then["x-message"]
            text = f"'{_name(at)}' {message}" if at else f"the entry {message}"
            sink.report(where, text, key=True)

        return condition

    def _string(self, node: dict[str, Any], typed: bool) -> Check:
        """The checks of a string; ``typed``, of anything, saying when it is not a string."""
        shortest = node.get("minLength", 0)
        longest = node.get("maxLength")
        enum = node["enum"] if "enum" in node else None
        pattern = ecma_regex(node["pattern"]) if "pattern" in node else None
        any_of = [self.compile(alt) for alt in node["anyOf"]] if "anyOf" in node else None
        negated = self.compile(node["not"]) if "not" in node else None
        wrong_form = node.get("x-message", "has the wrong form")
        uri = node.get("format") == "uri"
        # format "date": its shape here; x-format "date" says which day is not in the calendar.
        day_shape = node.get("format") == "date"
        fmt = node.get("x-format")
        types = node.get("type")
        integer = isinstance(types, list) and "integer" in types
        bounds = (node.get("minimum"), "minimum" in node, node.get("maximum"), "maximum" in node)
        ref = (node["x-ref"],) if "x-ref" in node else ()
        # Text of a set form (an id, a day, a language) is checked at length and recurs.
        remember = fmt == "date" or any(k in node for k in ("pattern", "anyOf", "not", "enum"))
        passed: dict[str, PartialDate | None] = {}  # short text that passed → its date

        def check(value: str, at: Path_, sink: Any) -> None:
            if typed and not isinstance(value, str):
                return _mismatch(str, value, at, sink)
            if remember and len(value) <= _REMEMBERED_LENGTH:
                date = passed.get(value, _UNSEEN)
                if date is not _UNSEEN:
                    if fmt == "date":
                        sink.dates[at] = date
                    if ref:
                        sink.references.append((at, value, ref[0]))
                    return None
            date = None
            if shortest and (not value or value.isspace()):  # not value.strip(), uncopied
                return _report_empty(at, sink)
            if len(value) < shortest:
                return sink.report(
                    at,
                    f"'{_name(at)}' is {len(value):,} characters long; "
                    f"at least {shortest:,} are needed",
                )
            if longest is not None and len(value) > longest:
                return sink.report(
                    at,
                    f"'{_name(at)}' is {len(value):,} characters long; at most {longest:,} "
                    "are allowed: shorten it, or split the entry",
                )
            # Printable text holds none of them raw (tests/validate/test_schema_check.py).
            if (not value.isprintable() and FORBIDDEN_CHARS_RE.search(value)) or "&" in value:
                bad = forbidden_char(value)
                if bad:
                    return sink.report(at, f"'{_name(at)}': {bad}")
            if enum is not None and value not in enum:
                return sink.report(at, _enum_problem(_name(at), value, enum))
            if (
                (pattern is not None and not pattern.search(value))
                or (any_of is not None and not any(matches(a, value, (), sink) for a in any_of))
                or (negated is not None and matches(negated, value, (), sink))
            ):
                hint = curly_hint(value) + (percent_hint(value) if uri else "")
                return sink.report(at, f"'{_name(at)}': {show(value)} {wrong_form}{hint}")
            if uri and not _URI_RE.fullmatch(value):
                return sink.report(at, f"'{_name(at)}': {show(value)} is not a URI")
            if day_shape and not _DAY_RE.fullmatch(value):
                return sink.report(at, f"'{_name(at)}': {show(value)} {wrong_form}")
            if fmt == "date":
                try:
                    date = sink.dates[at] = PartialDate.parse(value)
                except ValueError as exc:
                    return sink.report(at, f"'{_name(at)}': {exc}")
            # A YAML 1.2 editor reads a bare number (a bare year) as an integer, and holds it
            # to minimum and maximum: so does the validator, after saying what else is wrong.
            if integer and _INTEGER_RE.fullmatch(value):
                problem = _bounds_problem(int(value), value, *bounds)
                if problem:
                    return sink.report(at, f"'{_name(at)}': {problem}")
            if fmt == "markdown":
                problem = markdown_problem(value)
                if problem:
                    return sink.report(at, f"'{_name(at)}'{problem}")
                texts = getattr(sink, "texts", None)  # for the citations' checks
                if texts is not None:
                    texts.append((at, value))
            if ref:
                sink.references.append((at, value, ref[0]))
            if remember and len(value) <= _REMEMBERED_LENGTH and len(passed) < _REMEMBERED:
                passed[value] = date
            return None

        return check

    def _array(self, node: dict[str, Any], typed: bool) -> Check:
        most = node.get("maxItems")
        least = node.get("minItems", 0)
        too_few = node.get("x-message", f"needs at least {least} item(s)")
        items = self.compile(node["items"]) if node.get("items") is not None else None
        unique = bool(node.get("uniqueItems"))
        # How a list of this node's items is written: records one field per line, under `- `.
        item = self.resolve(node["items"]) if node.get("items") is not None else {}
        first = (item.get("required") or list(item.get("properties", {})) or [None])[0]
        shape = (
            f"one item per line below it, each starting `- {first}: …`"
            if item.get("type") == "object" and first
            else "for example `{name}: [a, b]`, or one `- item` per line below it"
        )

        def check(value: list[Any], at: Path_, sink: Any) -> None:
            if typed and not isinstance(value, list):
                name = _name(at)
                if value is None and at:
                    return _report_empty(at, sink)
                if value == "" and at:  # `sources:` with nothing after it
                    return sink.report(at, f"'{name}' is empty: write {shape.format(name=name)}")
                return sink.report(at, f"'{name}' must be a list: {shape.format(name=name)}")
            if most is not None and len(value) > most:
                return sink.report(
                    at,
                    f"'{_name(at)}' has {len(value):,} items; at most {most:,} are allowed: "
                    "remove some",
                )
            if len(value) < least:
                name = _name(at)
                text = f"'{name}' is empty: it {too_few}" if not value else f"'{name}' {too_few}"
                return sink.report(at, text)
            if not unique:
                if items is not None:
                    for i, item in enumerate(value):
                        items(item, at + (i,), sink)
                return None
            seen: set[str] = set()
            for i, item in enumerate(value):
                if items is not None:
                    items(item, at + (i,), sink)
                if isinstance(item, str):
                    if item in seen:
                        sink.report(at + (i,), f"'{_name(at)}' lists {item!r} twice: remove one")
                    seen.add(item)
            return None

        return check

    def _object(self, node: dict[str, Any], typed: bool) -> Check:
        properties: dict[str, Any] = node.get("properties", {})
        closed = node.get("additionalProperties") is False
        allowed = list(properties)
        required = [(key, self._hint(properties.get(key, {}))) for key in node.get("required", [])]
        checks = {key: self.compile(sub) for key, sub in properties.items()}
        needed = frozenset(key for key, _hint in required)

        def check(value: dict[str, Any], at: Path_, sink: Any) -> None:
            if typed and not isinstance(value, dict):
                return _mismatch(dict, value, at, sink)
            # Problems are reported in the order they are found here, and sorted afterwards.
            for key, sub in value.items():
                sub_check = checks.get(key)
                if sub_check is not None:
                    sub_check(sub, at + (key,), sink)
                elif closed:
                    text = unknown_field(key, allowed, at, sink.label)
                    sink.report(at + (key,), text, key=True)
            if value.keys() >= needed:
                return None
            for key, hint in required:
                if key not in value:
                    where = f"'{field_name(at)}' is missing" if at else "missing"
                    sink.report(at, f"{where} required field '{key}'{hint}")
            return None

        return check

    def _hint(self, node: dict[str, Any]) -> str:
        """What a missing required field is, from its description."""
        desc = self.resolve(node).get("description", "")
        return f": {desc}" if desc else ""


def _typed(kind: type, body: Check, condition: Check | None) -> Check:
    """A node of one type with an ``if``/``then``: an empty value, or one of another type, is
    all that is said; otherwise the type's checks, then the condition's."""

    def check(value: Any, at: Path_, sink: Any) -> None:
        if not isinstance(value, kind):
            return _mismatch(kind, value, at, sink)
        body(value, at, sink)
        if condition is not None:
            condition(value, at, sink)
        return None

    return check


def _untyped(bodies: tuple[tuple[type, Check], ...], condition: Check | None) -> Check:
    """A node without a type (an ``anyOf`` alternative, an ``if``): checked as what it is."""

    def check(value: Any, at: Path_, sink: Any) -> None:
        if value is None and at:
            return _report_empty(at, sink)
        for kind, body in bodies:
            if isinstance(value, kind):
                body(value, at, sink)
                break
        if condition is not None:
            condition(value, at, sink)
        return None

    return check


def _boolean(condition: Check | None) -> Check:
    """Read as text, like every scalar: YAML 1.2's two words."""

    def check(value: Any, at: Path_, sink: Any) -> None:
        if value is None and at:
            return _report_empty(at, sink)
        if value not in ("true", "false"):
            shown = show(value) if isinstance(value, str) else kind_of(value)
            sink.report(at, f"'{_name(at)}' must be true or false, not {shown}")
        if condition is not None:
            condition(value, at, sink)
        return None

    return check


def _mismatch(kind: type, value: Any, at: Path_, sink: Any) -> None:
    """A value that is not of its node's type: empty (None), or of another type."""
    if value is None and at:
        return _report_empty(at, sink)
    name = _name(at)
    if kind is str:
        text = f"'{name}' must be text, not {kind_of(value)}"
    elif kind is list:
        text = f"'{name}' must be a list, for example `{name}: [a, b]` or one `- item` per line"
    else:
        text = f"'{name}' must be a mapping of fields, not {kind_of(value)}"
    return sink.report(at, text)


def _enum_problem(name: str, value: str, enum: list[str]) -> str:
    close = difflib.get_close_matches(value, enum, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"'{name}': {value!r} is not one of {', '.join(enum)}{hint}"


def _bounds_problem(
    number: int, value: str, least: Any, has_least: bool, most: Any, has_most: bool
) -> str | None:
    if has_least and number < least:
        return f"{value} is less than the minimum, {least}"
    if has_most and number > most:
        return f"{value} is more than the maximum, {most}"
    return None


# A schema's compiler, by the id of the schema (which the compiler keeps, so it stays unique).
_COMPILERS: dict[int, Compiler] = {}


def compiler_for(root: dict[str, Any]) -> Compiler:
    """The compiler of schema ``root``, made once."""
    compiler = _COMPILERS.get(id(root))
    if compiler is None:
        compiler = _COMPILERS[id(root)] = Compiler(root)
    return compiler


__all__ = ["Check", "Compiler", "Mismatch", "Probe", "compiler_for", "matches"]
