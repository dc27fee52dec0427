"""Check loaded entries against the schema and each other → Problems, or typed entries.

The JSON Schemas in ``generator.schema`` are interpreted here (the subset they use), so the
rules a contributor's editor shows and the rules this validator applies are the same text.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import schema as schema_mod
from generator.markup import CONTROL_CHARS, is_safe_url, url_as_browser_reads
from generator.model import (
    CLASS_OF_KIND,
    ID_RE,
    KIND_LABEL,
    PLURAL,
    Actor,
    CensorshipList,
    Correction,
    Entry,
    Event,
    Handle,
    ListItem,
    PartialDate,
    Quote,
    Source,
    ZhText,
)
from generator.problems import Problem, display_path

if TYPE_CHECKING:
    from generator.load import LoadedFile, Path_

# [text](target) and ![alt](target) in Markdown, and <scheme:...> autolinks.
# The target runs to the first ")" or ">", whitespace included: "java\tscript:" is a link too.
_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)>]*)")
_MD_REFDEF_RE = re.compile(r"^\s{0,3}\[[^\[\]]*\]:\s*<?(\S+?)>?(\s|$)", re.MULTILINE)


# Ids that would publish at the same URL as a listing page (/lists/terms/, /events/index/).
RESERVED_IDS = frozenset({"index", "terms"})
# Tags that would publish at the same URL as the tag index (/tags/index/, /tags/page/2/).
RESERVED_TAGS = frozenset({"index", "page"})

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


def _field(at: Path_) -> str:
    """('sources', 0, 'url') → 'sources[0].url'."""
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Checker:
    """Walks one entry's data against its kind's schema, collecting problems."""

    def __init__(self, loaded: LoadedFile, kind: str):
        self.loaded = loaded
        self.kind = kind
        self.root = schema_mod.schema_for(kind)
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
        probe = _Checker(self.loaded, self.kind)
        probe.check(value, node, ())
        return not probe.problems

    def check(self, value: Any, node: dict[str, Any], at: Path_) -> None:
        node = self.resolve(node)
        name = _field(at) or "entry"
        expected = node.get("type")
        if isinstance(expected, list):  # ["string", "integer"]: scalars are read as text
            expected = "string"
        if value is None and at:
            self.report(at, f"'{name}' is empty: give it a value, or delete the line")
            return
        if expected == "string" or (expected is None and isinstance(value, str)):
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
            probe = _Checker(self.loaded, self.kind)
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
        if node.get("minLength") and not value.strip():
            self.report(at, f"'{name}' is empty: give it a value, or delete the line")
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
        fmt = node.get("x-format")
        if fmt == "date":
            try:
                self.dates[at] = PartialDate.parse(value)
            except ValueError as exc:
                self.report(at, f"'{name}': {exc}")
        elif fmt == "markdown":
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
                    at + (key,), _unknown_field(key, list(properties), at, self.kind), key=True
                )
        for key in node.get("required", []):
            if key not in value:
                where = f"'{_field(at)}' is missing" if at else "missing"
                desc = self.resolve(properties.get(key, {})).get("description", "")
                hint = f": {desc}" if desc else ""
                self.report(at, f"{where} required field '{key}'{hint}")
        for key, sub in value.items():
            if key in properties:
                self.check(sub, properties[key], at + (key,))


def _unknown_field(key: str, allowed: list[str], at: Path_, kind: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    where = f" in '{_field(at)}'" if at else f" for {_article(KIND_LABEL[kind])}"
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


# --- one file ---------------------------------------------------------------------------------


def check_entry(kind: str, loaded: LoadedFile) -> _Checker:
    checker = _Checker(loaded, kind)
    checker.check(loaded.data, checker.root, ())
    tags = loaded.data.get("tags") if isinstance(loaded.data, dict) else None
    for i, tag in enumerate(tags if isinstance(tags, list) else ()):
        if isinstance(tag, str) and tag in RESERVED_TAGS:
            checker.report(
                ("tags", i),
                f"'tags[{i}]': the tag {tag!r} is reserved for the site's list of tags: "
                f"choose another, e.g. {tag}-tag",
            )
    start, end = checker.dates.get(("date",)), checker.dates.get(("end_date",))
    if start and end and end.end < start.start:
        checker.report(
            ("end_date",), f"'end_date': {end} is before 'date' {start}; swap them or fix the date"
        )
    return checker


def _opt_date(value: str | None) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


def _day(value: str) -> date:
    return date.fromisoformat(value)


def build_entry(kind: str, loaded: LoadedFile) -> Entry:
    """Typed entry from data that passed check_entry."""
    d = loaded.data
    common: dict[str, Any] = dict(
        id=loaded.path.stem,
        path=loaded.path,
        added=_day(d["added"]),
        updated=_day(d["updated"]) if d.get("updated") else None,
        tags=tuple(d.get("tags") or ()),
        related=tuple(d.get("related") or ()),
        corrections=tuple(
            Correction(date=PartialDate.parse(c["date"]), note=c["note"])
            for c in d.get("corrections") or ()
        ),
        sources=tuple(
            Source(
                url=s["url"],
                title=s["title"],
                publisher=s.get("publisher"),
                date=_opt_date(s.get("date")),
                archive_url=s.get("archive_url"),
                lang=s.get("lang"),
            )
            for s in d.get("sources") or ()
        ),
    )
    if kind == "event":
        zh = d.get("zh")
        return Event(
            **common,
            headline=d["title"],
            date=PartialDate.parse(d["date"]),
            end_date=_opt_date(d.get("end_date")),
            summary=d["summary"],
            actors=tuple(d.get("actors") or ()),
            zh=ZhText(title=zh.get("title"), summary=zh.get("summary")) if zh else None,
        )
    if kind == "quote":
        return Quote(
            **common,
            text=d["text"],
            lang=d["lang"],
            translation=d.get("translation"),
            speaker=d["speaker"],
            date=PartialDate.parse(d["date"]),
            platform=d.get("platform"),
            context=d.get("context"),
            event=d.get("event"),
        )
    if kind == "list":
        return CensorshipList(
            **common,
            headline=d["title"],
            platform=d["platform"],
            compiled_by=d["compiled_by"],
            date=PartialDate.parse(d["date"]),
            summary=d["summary"],
            items=tuple(
                ListItem(
                    term=i["term"],
                    translation=i["translation"],
                    category=i.get("category"),
                    note=i.get("note"),
                    first_seen=_opt_date(i.get("first_seen")),
                )
                for i in d["items"]
            ),
        )
    assert CLASS_OF_KIND[kind] is Actor
    return Actor(
        **common,
        name=d["name"],
        actor_kind=d["kind"],
        name_zh=d.get("name_zh"),
        handles=tuple(
            Handle(platform=h["platform"], handle=h["handle"], url=h.get("url"))
            for h in d.get("handles") or ()
        ),
        description=d.get("description"),
    )


# --- the whole corpus -------------------------------------------------------------------------


def check_all(
    files: list[tuple[str, Path]], loaded: list[tuple[str, LoadedFile]]
) -> tuple[dict[str, Entry], list[Problem]]:
    """Check every loaded file and the references between them.

    ``files`` lists every entry file found (also those that failed to parse), so ids and
    kinds are known even for broken files and one broken actor does not cascade into
    "no such actor" errors everywhere.
    """
    problems: list[Problem] = []
    kind_of_id: dict[str, str] = {}
    paths_of_id: dict[str, list[Path]] = {}
    for kind, path in files:
        entry_id = path.stem
        paths_of_id.setdefault(entry_id, []).append(path)
        kind_of_id.setdefault(entry_id, kind)
        if entry_id in RESERVED_IDS:
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"id {entry_id!r} is reserved for the site's listing pages: rename the file, "
                    f"e.g. {entry_id}-{kind}.yaml",
                )
            )
        if len(entry_id) > schema_mod.SLUG_MAX:
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"file name is {len(entry_id)} characters long before .yaml; an id may be at "
                    f"most {schema_mod.SLUG_MAX}: shorten it",
                )
            )
        elif not ID_RE.fullmatch(entry_id):
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"file name {path.name!r} is not a valid id: use lowercase letters, digits and "
                    f"single hyphens, e.g. {_suggest_id(entry_id)}.yaml",
                )
            )
    for entry_id, paths in paths_of_id.items():
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(display_path(p) for p in paths if p != path)
                problems.append(
                    Problem(
                        display_path(path),
                        1,
                        1,
                        f"id {entry_id!r} is also used by {others}; ids must be "
                        "unique across all kinds: rename one file",
                    )
                )
    entries: dict[str, Entry] = {}
    suggest = _Suggester(kind_of_id)
    for kind, item in loaded:
        checker = check_entry(kind, item)
        problems.extend(checker.problems)
        for at, target, required in checker.references:
            message = _reference_problem(
                _field(at), target, required, kind_of_id, item.path.stem, suggest
            )
            if message:
                checker.report(at, message)
                problems.append(checker.problems[-1])
        if not checker.problems:
            entries[item.path.stem] = build_entry(kind, item)
    return entries, problems


# Each new tag adds a page, feeds and a filter choice to the site: a change may add this many.
NEW_TAGS_MAX = 10


def check_new_tags(loaded: list[tuple[str, LoadedFile]], base_tags: set[str]) -> list[Problem]:
    """A problem at each use of a new tag past the first NEW_TAGS_MAX (in file order)."""
    first_use: dict[str, tuple[LoadedFile, int]] = {}
    for _kind, item in sorted(loaded, key=lambda pair: pair[1].path):
        tags = item.data.get("tags")
        for i, tag in enumerate(tags if isinstance(tags, list) else ()):
            if isinstance(tag, str) and tag not in base_tags and tag not in first_use:
                first_use[tag] = (item, i)
    if len(first_use) <= NEW_TAGS_MAX:
        return []
    problems = []
    names = list(first_use)
    for number, tag in enumerate(names[NEW_TAGS_MAX:], start=NEW_TAGS_MAX + 1):
        item, i = first_use[tag]
        line, col = item.mark(("tags", i))
        problems.append(
            Problem(
                display_path(item.path),
                line,
                col,
                f"'tags[{i}]': {tag!r} is new tag number {number} in this change; at most "
                f"{NEW_TAGS_MAX} new tags may be added at once: reuse an existing tag, or "
                "propose the rest in another pull request",
            )
        )
    return problems


class _Suggester:
    """ "Did you mean" for unknown ids, within a budget.

    difflib compares against every id of the kind, so thousands of broken references (a bulk
    rename gone wrong) in a large corpus would take minutes; past the budget, no suggestion.
    """

    BUDGET = 50

    def __init__(self, kind_of_id: dict[str, str]):
        self.ids_of_kind: dict[str, list[str]] = {"any": sorted(kind_of_id)}
        for entry_id, kind in sorted(kind_of_id.items()):
            self.ids_of_kind.setdefault(kind, []).append(entry_id)
        self.left = self.BUDGET

    def __call__(self, target: str, kind: str) -> str | None:
        if self.left <= 0:
            return None
        self.left -= 1
        close = difflib.get_close_matches(target, self.ids_of_kind.get(kind, []), n=1, cutoff=0.75)
        return close[0] if close else None


def _reference_problem(
    name: str,
    target: str,
    required: str,
    kind_of_id: dict[str, str],
    self_id: str,
    suggest: _Suggester,
) -> str | None:
    if target == self_id and required == "any":
        return f"'{name}': an entry cannot be related to itself"
    actual = kind_of_id.get(target)
    if actual is None:
        close = [c for c in [suggest(target, required)] if c]
        if close:
            return f"'{name}': no entry has the id {target!r}; did you mean {close[0]!r}?"
        folder = f"entries/{PLURAL[required]}/" if required != "any" else "entries/"
        return f"'{name}': no entry has the id {target!r}: add it under {folder} or fix the id"
    if required != "any" and actual != required:
        return (
            f"'{name}': {target!r} is {_article(KIND_LABEL[actual])}, but "
            f"'{name.split('[')[0]}' must name {_article(KIND_LABEL[required])}"
        )
    return None


def _article(label: str) -> str:
    label = label.lower()
    return ("an " if label[0] in "aeiou" else "a ") + label


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-entry"


__all__ = ["build_entry", "check_all", "check_entry", "check_new_tags"]
