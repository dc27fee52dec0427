"""The compiled schema checks say what the schema interpreter they replaced said, word for word
and at the same place, on valid entries and on entries broken in every way generated here.

The interpreter (``Reference``, and the guardrails walk it fed) is kept in this file only, as
the specification: it walks the schema's dicts for every value, as validate/checker.py did.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import kinds
from generator.core.dates import PartialDate
from generator.core.errors import RecordError
from generator.core.markup import HAN, HAN_RE, is_safe_url, url_as_browser_reads
from generator.core.problems import Problem, display_path
from generator.format import schema
from generator.format.fields import spec
from generator.format.kinds import Kind
from generator.format.model import SCHEMA_DEFS, Entry
from generator.load.loaded import LoadedFile
from generator.validate import guardrails
from generator.validate.checker import Checker, unsupported
from generator.validate.guardrails import FULL_WIDTH, placeholder_problem
from generator.validate.record import collect
from generator.validate.value_rules import (
    BRACKETS_OPEN_MAX,
    FORBIDDEN_CHARS_RE,
    NESTING_MAX,
    curly_hint,
    ecma_regex,
    field_name,
    forbidden_char,
    kind_of,
    markdown_shape_problem,
    percent_hint,
    show,
    unknown_field,
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- the reference: the interpreter, as it was -----------------------------------------------

_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)>]*)")
_MD_REFDEF_RE = re.compile(r"^\s{0,3}\[[^\[\]]*\]:\s*<?(\S+?)>?(\s|$)", re.MULTILINE)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_NESTING_RE = re.compile(r"[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]+|$)|>[ \t]*)+")
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\s*[(\[]")
# RFC 3986 leaves these out of a URI (IRIs, RFC 3987, add non-ASCII letters, which are kept).
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[^\s\x00-\x1f\x7f\"<>\\^`{|}%]|%[0-9A-Fa-f]{2})*")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")


def reference_shape_problem(text: str) -> str | None:
    closer = {"]": "[", ")": "("}
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


class Reference:
    """generator/validate/checker.py's Checker before its schemas were compiled."""

    def __init__(self, loaded: LoadedFile, root: dict[str, Any], label: str):
        self.loaded, self.root, self.label = loaded, root, label
        self.problems: list[Problem] = []
        self.references: list[tuple[Any, str, str]] = []
        self.dates: dict[Any, PartialDate] = {}

    def report(self, at: Any, message: str, key: bool = False) -> None:
        line, col = self.loaded.mark(at, key=key)
        self.problems.append(Problem(display_path(self.loaded.path), line, col, message))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = {**self.root["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def matches(self, value: Any, node: dict[str, Any]) -> bool:
        probe = Reference(self.loaded, self.root, self.label)
        probe.check(value, node, ())
        return not probe.problems

    def check(self, value: Any, node: dict[str, Any], at: Any) -> None:
        node = self.resolve(node)
        name = field_name(at) or "entry"
        expected = node.get("type")
        if isinstance(expected, list):
            expected = "string"
        if value is None and at:
            self.report(at, self.loaded.empty_message(at, name))
            return
        if expected == "boolean":
            if value not in ("true", "false"):
                shown = show(value) if isinstance(value, str) else kind_of(value)
                self.report(at, f"'{name}' must be true or false, not {shown}")
        elif expected == "string" or (expected is None and isinstance(value, str)):
            if not isinstance(value, str):
                self.report(at, f"'{name}' must be text, not {kind_of(value)}")
                return
            self.check_string(value, node, at, name)
        elif expected == "array" or (expected is None and isinstance(value, list)):
            if not isinstance(value, list):
                item = self.resolve(node["items"]) if node.get("items") is not None else {}
                first = (item.get("required") or list(item.get("properties", {})) or [None])[0]
                if item.get("type") == "object" and first:
                    shape = f"one item per line below it, each starting `- {first}: …`"
                else:
                    shape = f"for example `{name}: [a, b]`, or one `- item` per line below it"
                if value == "":
                    self.report(at, f"'{name}' is empty: write {shape}")
                else:
                    self.report(at, f"'{name}' must be a list: {shape}")
                return
            self.check_array(value, node, at, name)
        elif expected == "object" or (expected is None and isinstance(value, dict)):
            if not isinstance(value, dict):
                self.report(at, f"'{name}' must be a mapping of fields, not {kind_of(value)}")
                return
            self.check_object(value, node, at)
        if "if" in node and "then" in node and self.matches(value, node["if"]):
            then = node["then"]
            probe = Reference(self.loaded, self.root, self.label)
            probe.check(value, {k: v for k, v in then.items() if k != "x-message"}, at)
            if probe.problems:
                about = next(iter(node["if"].get("properties", {})), None)
                where = at + (about,) if about in (value if isinstance(value, dict) else {}) else at
                self.report(
                    where,
                    f"'{name}' {then['x-message']}" if at else f"the entry {then['x-message']}",
                    key=True,
                )

    def check_string(self, value: str, node: dict[str, Any], at: Any, name: str) -> None:
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
        bad = forbidden_char(value)
        if bad:
            self.report(at, f"'{name}': {bad}")
            return
        if "enum" in node and value not in node["enum"]:
            close = difflib.get_close_matches(value, node["enum"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.report(at, f"'{name}': {value!r} is not one of {', '.join(node['enum'])}{hint}")
            return
        pattern_ok = True
        if "pattern" in node and not ecma_regex(node["pattern"]).search(value):
            pattern_ok = False
        if "anyOf" in node and not any(self.matches(value, alt) for alt in node["anyOf"]):
            pattern_ok = False
        if "not" in node and self.matches(value, node["not"]):
            pattern_ok = False
        message = node.get("x-message", "has the wrong form")
        if not pattern_ok:
            uri = node.get("format") == "uri"
            hint = curly_hint(value) + (percent_hint(value) if uri else "")
            self.report(at, f"'{name}': {show(value)} {message}{hint}")
            return
        if node.get("format") == "uri" and not _URI_RE.fullmatch(value):
            self.report(at, f"'{name}': {show(value)} is not a URI")
            return
        if node.get("format") == "date" and not _DAY_RE.fullmatch(value):
            self.report(at, f"'{name}': {show(value)} {message}")
            return
        fmt = node.get("x-format")
        if fmt == "date":
            try:
                self.dates[at] = PartialDate.parse(value)
            except ValueError as exc:
                self.report(at, f"'{name}': {exc}")
                return
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

    def check_markdown(self, value: str, at: Any, name: str) -> None:
        problem = reference_shape_problem(value)
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

    def check_array(self, value: list[Any], node: dict[str, Any], at: Any, name: str) -> None:
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

    def check_object(self, value: dict[str, Any], node: dict[str, Any], at: Any) -> None:
        properties: dict[str, Any] = node.get("properties", {})
        for key in value:
            if key not in properties and node.get("additionalProperties") is False:
                self.report(
                    at + (key,), unknown_field(key, list(properties), at, self.label), key=True
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


_LATIN_RE = re.compile(r"[A-Za-z]")
_ASCII_PUNCT_RE = re.compile(f"(?<=[{HAN}])[,:;!?)]|[,:;!?](?=[{HAN}])|\\((?=[{HAN}])")


def reference_punctuation(value: str, at: Any) -> str | None:
    if not HAN_RE.search(value):
        return None
    if len(HAN_RE.findall(value)) <= len(_LATIN_RE.findall(value)):
        return None
    found = list(_ASCII_PUNCT_RE.finditer(value))
    if not found:
        return None
    m = found[0]
    shown = value[max(0, m.start() - 6) : m.end() + 6].replace("\n", " ")
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (
        f"'{field_name(at)}': Chinese text has the ASCII {m.group()!r} in {shown!r}{more}: "
        f"write the full-width {FULL_WIDTH[m.group()]!r}. Chinese uses ，（）：！？； "
        "(text copied from some pages has lost them)"
    )


def reference_guardrails(checker: Reference) -> None:
    """guardrails.check's walk, as it was (the id-date check is not part of it), and a
    skeleton's placeholder said as one where the schema found its form wrong."""
    taken = {(p.line, p.col) for p in checker.problems}

    def walk(value: Any, node: dict[str, Any] | None, at: Any, required: bool) -> None:
        node = checker.resolve(node) if node is not None else None
        if isinstance(value, dict):
            properties = node.get("properties", {}) if node else {}
            needed = (
                [*node.get("required", []), *node.get("then", {}).get("required", [])]
                if node
                else []
            )
            for key, sub in value.items():
                walk(sub, properties.get(key), at + (key,), key in needed)
        elif isinstance(value, list):
            items = node.get("items") if node else None
            for i, sub in enumerate(value):
                walk(sub, items, at + (i,), True)
        elif isinstance(value, str):
            placeholder = placeholder_problem(value, at, node or {}, required)
            message = placeholder or reference_punctuation(value, at)
            mark = checker.loaded.mark(at)
            if message and mark not in taken:
                checker.report(at, message)
            elif placeholder and value.startswith("TODO:"):  # says to fill it in instead
                checker.problems[:] = [
                    dataclasses.replace(p, message=placeholder) if (p.line, p.col) == mark else p
                    for p in checker.problems
                ]

    walk(checker.loaded.data, checker.root, (), True)


# --- entries to check ------------------------------------------------------------------------

VALID = {
    "event": {
        "title": "A title",
        "date": "2025-01-13",
        "summary": "What *happened*, [told](https://example.org/t).",
        "actors": ["someone"],
        "zh": {"title": "标题", "summary": "摘要"},
        "tags": ["censorship"],
        "related": ["other"],
        "sources": [{"url": "https://example.org/a", "title": "A", "date": "2025-01"}],
        "key_moment": "true",
        "corrections": [{"date": "2025-02-01", "note": "Fixed."}],
        "aliases": ["old-name"],
        "added": "2025-01-20",
    },
    "quote": {
        "text": "说的话",
        "lang": "zh-Hans",
        "translation": "Words",
        "speaker": "someone",
        "date": "2025-01-14T10:00:00+08:00",
        "sources": [{"url": "https://example.org/q", "title": "Q", "lang": "zh"}],
        "added": "2025-01-20",
    },
    "list": {
        "title": "Terms",
        "platform": "Xiaohongshu",
        "compiled_by": "someone",
        "date": "2025",
        "summary": "A list.",
        "items": [
            {"term": "词", "translation": "word", "evidence": "tested"},
            {"topic": "A topic", "evidence": "leaked", "first_seen": "2024-05"},
        ],
        "sources": [{"url": "https://example.org/l", "title": "L"}],
        "added": "2025-01-20",
    },
    "actor": {
        "name": "Someone",
        "kind": "person",
        "handles": [{"platform": "X", "handle": "@s", "url": "https://x.example/s"}],
        "added": "2025-01-20",
    },
}
TEXTS = [
    *("", " ", "\t\n", "x", "true", "false", "yes", "null", "TODO", "TODO: a short title"),
    *("2025", "2025-01", "2025-01-13", "2025-02-30", "0000", "0999", "2025-13", "10000", "+2025"),
    *(
        "2025-01-18T22:30:00-05:00",
        "2025-01-18 22:30Z",
        "2025-01-18T24:30:00Z",
        "0001-01-01T00:00Z",
    ),
    *("us-law", "US-law", "us--law", "us-law\n", "en", "EN-gb", "en-US", "zh-Hans", "fr", "e"),
    *("https://example.org/a", "http://", "ftp://x.org", "not a url", "https://a b"),
    "https://example.org/replace-with-the-source-url",
    " HTTP://WWW.EXAMPLE.COM/replace-with-the-source-url/ ",
    *("tested", "tsted", "leaked", "person", "persn", "someone", "quotes/quote-old", "Bad/Path"),
    *("[a](javascript:alert(1))", "[a]: vbscript:x", "![i](https://x.org/i.png)", "[x][y]"),
    *("[[[[[[x", "((((((y", "\\[\\[\\[\\[\\[\\[", "[a](b) [c](d) [e](f) [g](h) [i](j) [k](l)"),
    *("> > > > > > > > > deep", "- - - - - - - - - list", "1. 2. 3. 4. 5. 6. 7. 8. 9. x"),
    *("a\x07b", "a\rb", "&#x85;", "&#0;", "&#55296;", "&amp;", "\u2028"),
    *("测试,好的", "测试，好的", "English 测试, mostly English", "(括号)", "好!"),
    "x" * 501,
    "y" * 2001,
]
LEAVES = st.none() | st.sampled_from(TEXTS) | st.text(max_size=12)
TEXT = st.sampled_from(TEXTS) | st.sampled_from(TEXTS) | st.text(max_size=12) | LEAVES


def _keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys_of(v) for v in value))
    return set()


FIELD_NAMES = sorted(set().union(*(_keys_of(e) for e in VALID.values())) | {"titel", "extra"})
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, at: tuple = ()) -> list[tuple]:
    out = [at]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, at + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, at + (i,))
    return out


def _at(value: Any, at: tuple) -> Any:
    for part in at:
        value = value[part]
    return value


@st.composite
def broken(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A valid entry of ``kind`` with a few values replaced, removed or added."""
    entry = copy.deepcopy(VALID[kind])
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.sampled_from(_paths(entry)[1:]))
        parent = _at(entry, at[:-1])
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":  # text, mostly: what the checks of text have to say
            parent[at[-1]] = draw(TEXT if isinstance(parent[at[-1]], str) else VALUES)
        elif action == "delete":
            del parent[at[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELD_NAMES))] = draw(VALUES)
        else:
            parent.append(draw(VALUES))
    return entry


def _loaded(data: dict[str, Any]) -> LoadedFile:
    """``data`` as if loaded, every value and key at its own line (key and value columns)."""
    loaded = LoadedFile(path=Path("e.yaml"), data=data)
    for line, at in enumerate(_paths(data), start=1):
        loaded.marks[at] = (line, 5)
        if at and isinstance(at[-1], str):
            loaded.key_marks[at] = (line, 1)
    return loaded


def _outcome(checker: Any) -> tuple:
    problems = sorted((p.line, p.col, p.message) for p in checker.problems)
    return problems, sorted(checker.dates.items(), key=repr), sorted(checker.references, key=repr)


def _compare(kind_name: str, data: dict[str, Any]) -> None:
    kind = kinds.current()[kind_name]
    root = schema.schema_for(kind_name)
    compiled = Checker(_loaded(data), root, kind.label)
    compiled.check(data, root, ())
    reference = Reference(_loaded(data), root, kind.label)
    reference.check(data, root, ())
    assert _outcome(compiled) == _outcome(reference)
    guardrails.check(compiled)  # "e" has no date prefix: the walk alone reports
    reference_guardrails(reference)
    assert _outcome(compiled) == _outcome(reference)


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind_name", sorted(VALID))
def test_a_valid_entry_passes_both(kind_name: str) -> None:
    checker = Checker(_loaded(VALID[kind_name]), schema.schema_for(kind_name), "Label")
    checker.check(checker.loaded.data, checker.root, ())
    assert checker.problems == []
    _compare(kind_name, copy.deepcopy(VALID[kind_name]))


@pytest.mark.parametrize("kind_name", sorted(VALID))
@SETTINGS
@given(data=st.data())
def test_the_compiled_checks_say_what_the_interpreter_said(kind_name: str, data: Any) -> None:
    _compare(kind_name, data.draw(broken(kind_name)))


@pytest.mark.parametrize("kind_name", sorted(VALID))
def test_every_text_in_every_field_is_judged_alike(kind_name: str) -> None:
    entry = VALID[kind_name]
    for at in _paths(entry):
        if isinstance(_at(entry, at), str):
            for text in TEXTS:
                changed = copy.deepcopy(entry)
                _at(changed, at[:-1])[at[-1]] = text
                _compare(kind_name, changed)


@SETTINGS
@given(VALUES)
def test_any_top_level_value_is_judged_alike(value: Any) -> None:
    _compare("event", {"title": "T", "extra": value, "summary": value, "sources": value})


def test_a_value_checked_twice_is_judged_the_same_way_twice() -> None:
    """The checks remember the short texts that passed; they still record dates and ids."""
    root = schema.schema_for("event")
    for _ in range(2):
        checker = Checker(_loaded(copy.deepcopy(VALID["event"])), root, "Event")
        checker.check(checker.loaded.data, root, ())
        assert checker.problems == []
        assert checker.dates[("date",)] == PartialDate.parse("2025-01-13")
        assert ("actors", 0) in {at for at, _target, _kind in checker.references}


def test_a_schema_that_refers_to_itself_is_compiled_once_and_checked_to_any_depth() -> None:
    node = {"$ref": "#/$defs/node"}
    root = {
        "type": "object",
        "properties": {"tree": node},
        "$defs": {
            "node": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "description": "A name."},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
            }
        },
    }
    data = {"tree": {"name": "a", "children": [{"name": "b", "children": [{"nam": "c"}]}]}}
    compiled = Checker(_loaded(data), root, "Tree")
    compiled.check(data, root, ())
    reference = Reference(_loaded(data), root, "Tree")
    reference.check(data, root, ())
    assert _outcome(compiled) == _outcome(reference)
    assert [p.message for p in compiled.problems] == [
        "unknown field 'nam' in 'tree.children[0].children[0]'; did you mean 'name'?",
        "'tree.children[0].children[0]' is missing required field 'name': A name.",
    ]


def test_a_schema_with_a_keyword_the_checks_lack_is_still_refused(tmp_path: Path) -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Note(Entry):
        title: str = spec({"$ref": "#/$defs/odd"})

    odd = {"type": "string", "propertyNames": {"pattern": "^a"}}
    note = Kind(
        name="note",
        entry=Note,
        folder="notes",
        label="Note",
        plural_label="Notes",
        schema_title="Note",
        schema_description="A note.",
        schema_extra={"$defs": {**SCHEMA_DEFS, "odd": odd}},
    )
    assert unsupported(schema.kind_schema(note)) == [
        "#/$defs/odd/propertyNames: the keyword 'propertyNames'"
    ]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.yaml").write_text("title: a\nadded: 2025-01-01\n", encoding="utf-8")
    with kinds.registered(note), pytest.raises(RecordError, match="'propertyNames'"):
        collect(tmp_path)


MARKDOWNISH = st.text(alphabet="[]()\\!\n \t->*+1.):ab", max_size=60)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(MARKDOWNISH)
def test_the_markdown_shape_check_agrees_with_the_character_by_character_one(text: str) -> None:
    assert markdown_shape_problem(text) == reference_shape_problem(text)


def test_no_character_that_text_may_not_hold_is_printable() -> None:
    """The checks pass over printable text without looking for those characters."""
    forbidden = [c for c in range(0x110000) if FORBIDDEN_CHARS_RE.match(chr(c))]
    assert {0x00, 0x0D, 0x85, 0x2028, 0xFFFF} <= set(forbidden)
    assert [c for c in forbidden if chr(c).isprintable()] == []
