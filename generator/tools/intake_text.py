"""Text in and out for ``from-issue`` (``generator.tools.intake``): the Markdown body GitHub renders
from an issue form, the names the entries give (to read a contributor's names as ids), and
YAML written in the style of the entries, either as a new file or appended to an existing one
without touching its other lines."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import RecordError
from generator.format import fields, kinds
from generator.format.ids import slug
from generator.format.model import declared_fields
from generator.load import reader

NO_RESPONSE = "_No response_"
_CHECKBOX = re.compile(r"^\s*[-*] \[( |x|X)\] (.*)$")
# Written in double quotes, like the entries do: addresses, and long texts at the top level
# (a quote's text and translation); dates stay plain (2025-01-18), like theirs.
QUOTED = frozenset({"url"})
QUOTED_AT_TOP = frozenset({"long_text"})
DATES = frozenset({"day", "event_date", "partial_date"})
_DATE_TEXT = re.compile(
    fields.PARTIAL_DATE_PATTERN.strip("^$") + "|" + fields.DATETIME_PATTERN.strip("^$")
)


@dataclass(frozen=True)
class Element:
    """One field of an issue form: its id, label, type, whether it is required, its options."""

    id: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()  # a dropdown's choices; a checkbox group's required labels


def read_form(path: Path) -> list[Element]:
    """The fields of the issue form at ``path``, in form order (markdown blocks left out)."""
    try:
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = []
        for el in form["body"]:
            if el["type"] == "markdown":
                continue
            attrs = el["attributes"]
            options = attrs.get("options", ())
            if el["type"] == "checkboxes":
                options = [o["label"] for o in options if o.get("required")]
            required = bool(el.get("validations", {}).get("required"))
            out.append(Element(el["id"], attrs["label"], el["type"], required, tuple(options)))
        return out
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise RecordError(f"cannot read the issue form {path}: {exc}") from None


def parse_body(elements: list[Element], body: str) -> tuple[dict[str, str | None], list[str]]:
    """Each field's answer (None when empty), found under its ``### Label`` heading.

    Headings are looked for in form order, so a contributor's own ``###`` line inside an
    answer is part of that answer unless it repeats a later field's label exactly.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts: list[tuple[Element, int]] = []
    problems = []
    at = 0
    for el in elements:
        heading = f"### {el.label}"
        found = next((i for i in range(at, len(lines)) if lines[i].strip() == heading), None)
        if found is None:
            if el.required:
                problems.append(f"{el.label}: the issue has no '{heading}' section")
            continue
        starts.append((el, found))
        at = found + 1
    answers: dict[str, str | None] = {el.id: None for el in elements}
    for n, (el, start) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else len(lines)
        text = "\n".join(line.rstrip() for line in lines[start + 1 : end]).strip()
        answers[el.id] = None if text in ("", NO_RESPONSE) else text
    return answers, problems


def unchecked(element: Element, answer: str | None) -> list[str]:
    """The required checkbox labels of ``element`` that ``answer`` does not tick."""
    ticked = set()
    for line in (answer or "").split("\n"):
        m = _CHECKBOX.match(line)
        if m and m[1] in "xX":
            ticked.add(m[2].strip())
    return [label for label in element.options if label.strip() not in ticked]


def lines_of(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def labelled(message: str, labels: dict[str, str]) -> str:
    """A validator message, prefixed with the label of the form field it concerns."""
    m = re.match(r"'([a-z_]+)(?:\[\d+\])?(?:\.([a-z_]+))?", message)
    if m:
        for form_id in (f"{m[1]}_{m[2]}", m[1]):
            if form_id in labels:
                return f"{labels[form_id]}: {message}"
    return message


# --- names in the entries ---------------------------------------------------------------------


@dataclass
class Known:
    """What the entries hold, for turning names into ids: every entry's data by id."""

    entries: dict[str, tuple[str, dict[str, Any], Path]] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, entries_dir: Path) -> Known:
        known = cls()
        files, _problems = reader.discover(entries_dir)
        for kind, path in files:
            loaded, _ = reader.read_entry(path)
            data = loaded.data if loaded else {}
            known.entries.setdefault(path.stem, (kind.name, data, path))
            tags = data.get("tags")
            if isinstance(tags, list):
                known.tags.update(t for t in tags if isinstance(t, str))
        return known

    def names(self, kind: str | None) -> dict[str, set[str]]:
        """Every way a reader may name an entry of ``kind`` → the ids it may mean."""
        out: dict[str, set[str]] = {}
        for entry_id, (k, data, _path) in self.entries.items():
            if kind and k != kind:
                continue
            names = [entry_id, *kinds.current()[k].known_as(data)]
            for name in filter(lambda n: isinstance(n, str) and n.strip(), names):
                variants = {name, *re.findall(r"\(([^()]+)\)", name), re.sub(r"\(.*?\)", "", name)}
                for v in variants:
                    for key in (name_key(v), name_key(re.sub(r"^(the|@)\s*", "", v, flags=re.I))):
                        if key:
                            out.setdefault(key, set()).add(entry_id)
        return out


def name_key(text: str) -> str:
    return slug(text) or " ".join(text.casefold().split())


# --- YAML out -----------------------------------------------------------------------------------


def _reads_back(line_text: str, value: str, plain_tags: tuple[str, ...]) -> bool:
    try:
        node = yaml.compose(line_text)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    scalar = node.value[0][1]
    if not isinstance(scalar, yaml.ScalarNode) or scalar.value != value:
        return False
    return scalar.style is not None or scalar.tag in plain_tags


def _named(definitions: frozenset[str], top: bool = False) -> frozenset[str]:
    """The names of the fields, of every kind in use, declared with one of ``definitions``
    (``top``: only the entries' own fields, not those of the records inside them)."""
    return _names_by_definition(kinds.current(), definitions, top)


@cache
def _names_by_definition(
    registry: kinds.Registry, definitions: frozenset[str], top: bool
) -> frozenset[str]:
    return frozenset(
        f.name
        for kind in registry
        for f, own in declared_fields(kind.entry)
        if f.metadata["schema"].get("$ref", "").rpartition("/")[2] in definitions
        and (own or not top)
    )


def scalar_lines(key: str, value: str, indent: int) -> list[str]:
    """``key: value`` at ``indent``: a ``|-`` block for several lines, else plain or quoted."""
    pad = " " * indent
    if "\n" in value:
        inner = " " * (indent + 2)
        block = [f"{pad}{key}: |-"] + [
            f"{inner}{line}" if line else "" for line in value.split("\n")
        ]
        if _reads_back("\n".join(line[indent:] for line in block), value, ()):
            return block
    elif key not in _named(QUOTED) and not (indent == 0 and key in _named(QUOTED_AT_TOP, True)):
        plain = f"{key}: {value}"
        tags = ["tag:yaml.org,2002:str"]
        if key in _named(DATES) and _DATE_TEXT.fullmatch(value):
            tags += ["tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int"]
        if _reads_back(plain, value, tuple(tags)):
            return [pad + plain]
    quoted = f"{key}: {json.dumps(value, ensure_ascii=False)}"
    if not _reads_back(quoted, value, ()):  # a character YAML reads as a line break: escape it
        quoted = f"{key}: {json.dumps(value)}"
    return [pad + quoted]


def mapping_lines(data: dict[str, Any], indent: int = 0) -> list[str]:
    """YAML lines for ``data`` (text, lists and mappings; None values are left out)."""
    pad = " " * indent
    out: list[str] = []
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, dict):
            out += [f"{pad}{key}:", *mapping_lines(value, indent + 2)]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.append(f"{pad}{key}: [{', '.join(value)}]")  # ids and tags: always slugs
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                out += item_lines(item, indent + 2)
        else:
            out += scalar_lines(key, str(value), indent)
    return out


def item_lines(item: dict[str, Any], indent: int) -> list[str]:
    """One mapping as an item of a block sequence: ``- key: value`` at ``indent``."""
    lines = mapping_lines(item, indent + 2)
    lines[0] = " " * indent + "- " + lines[0][indent + 2 :]
    return lines


def strip_empty(value: Any) -> Any:
    """``value`` without the None values and empty lists that mapping_lines leaves out."""
    if isinstance(value, dict):
        return {k: strip_empty(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [strip_empty(v) for v in value]
    return value


# --- appending to an existing entry ---------------------------------------------------------


class Appender:
    """Line-based changes to one entry's text: new items at the end of a top-level block
    sequence, and a top-level field set. Every other line is kept byte for byte."""

    def __init__(self, text: str, data: dict[str, Any], key_lines: dict[str, int]):
        self.lines = text.split("\n")
        self.data = data
        self.key_lines = key_lines  # top-level key → its line, from 0, in file order

    def _next_key_line(self, key: str) -> int:
        after = [n for k, n in self.key_lines.items() if n > self.key_lines[key]]
        end = min(after) if after else len(self.lines)
        while end > self.key_lines[key] + 1 and (
            not self.lines[end - 1].strip() or self.lines[end - 1].startswith("#")
        ):
            end -= 1  # blank lines and comments before the next field belong to it
        return end

    def _insert(self, at: int, new: list[str]) -> None:
        self.lines[at:at] = new
        for k, n in self.key_lines.items():
            if n >= at:
                self.key_lines[k] = n + len(new)

    def append_items(self, key: str, items: list[dict[str, Any]], before: str = "added") -> None:
        if key not in self.key_lines:
            at = self.key_lines.get(before, self._next_key_line(next(reversed(self.key_lines))))
            new = [f"{key}:"] + [line for item in items for line in item_lines(item, 2)]
            self._insert(at, new)
            self.key_lines[key] = at
            return
        start = self.key_lines[key]
        if self.lines[start].split("#")[0].strip() != f"{key}:":
            raise RecordError(
                f"'{key}' is not written as a block list, so it cannot be appended to"
            )
        first = next((ln for ln in self.lines[start + 1 :] if ln.lstrip().startswith("- ")), "  - ")
        indent = len(first) - len(first.lstrip())
        self._insert(
            self._next_key_line(key), [ln for item in items for ln in item_lines(item, indent)]
        )

    def set_field(self, key: str, value: str, after: str = "added") -> None:
        if key in self.key_lines:
            n = self.key_lines[key]
            if self._next_key_line(key) != n + 1:
                raise RecordError(f"'{key}' spans several lines, so it cannot be changed")
            self.lines[n] = scalar_lines(key, value, 0)[0]
            return
        at = self.key_lines[after] + 1 if after in self.key_lines else len(self.lines)
        self._insert(at, scalar_lines(key, value, 0))
        self.key_lines[key] = at

    def text(self) -> str:
        return "\n".join(self.lines)
