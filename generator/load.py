"""The load step: entry files → plain data with line/column marks, strictly.

PyYAML follows YAML 1.1 (``no`` is False, ``2025-01-13`` a date, ``1.10`` the float 1.1) and
keeps the last of two duplicate keys. The contract here is the text the contributor wrote:
every scalar stays the string it was written as, and the schema decides what it may be.
Parsing goes through libyaml (CSafeLoader's composer) for speed, keeping node marks.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import kinds
from generator.errors import RecordError
from generator.folded import folded_problems
from generator.kinds.base import Kind
from generator.problems import Problem, display_path
from generator.yaml_messages import commented_empty, empty_message, explain

try:  # libyaml is 8× faster; fall back to the pure-Python loader where it is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# The line breaks libyaml counts in its marks (so line numbers agree with its marks).
_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# The tags libyaml gives plain YAML; anything else (!!python/…, !custom) was written by hand.
_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)

# Where YAML can start a node's properties (an anchor &a or an alias *a): at a line's start,
# after a block indicator ("- ", "? ", ": "), a flow indicator ([ ] { } , : ?), a closing
# quote or a tag. A superset: Markdown such as "- *emphasis*" matches too, and then the exact
# token scan decides (tests/test_load.py checks the superset; an alias it missed would still be
# caught by node identity in _value). Plain prose ("Dorsey & Whitney",
# "an *emphasised* word") does not, so most files skip the scan.
#
# A tag ("!!str &a") is matched only where one can start (a line's start, white space or a flow
# indicator) and runs to white space or a flow indicator, possessively: matched from every "!"
# of a long run of "!" it would take time with the square of the run's length.
_MAYBE_ANCHOR_RE = re.compile(
    r"(?:^[ \t]*|[\[\]{},:?'\"][ \t]*|[-?:][ \t]+|(?:^|(?<=[\s\[\]{},]))![^\s\[\]{},]*+[ \t]+)"
    r"[&*][^\s\[\]{},]",
    re.MULTILINE,
)

Path_ = tuple[Any, ...]  # a path into the data: ("sources", 0, "url")
Mark = tuple[int, int]  # (line, column), from 1


@dataclass
class LoadedFile:
    """One entry file's data, with the mark of every value and every mapping key."""

    path: Path
    data: dict[str, Any]
    marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # found while parsing, not fatal
    # Empty values whose line goes on with a comment (`text: #小红书# …`): the line, quoted.
    commented: dict[Path_, str] = field(default_factory=dict)

    def mark(self, at: Path_, key: bool = False) -> Mark:
        """The mark of ``at``, or of its nearest ancestor that has one."""
        table = self.key_marks if key else self.marks
        while at:
            if at in table:
                return table[at]
            if key and at in self.marks:
                return self.marks[at]
            at = at[:-1]
        return self.marks.get((), (1, 1))

    def empty_message(self, at: Path_, name: str) -> str:
        """The checker's message for the empty value at ``at``, named ``name``."""
        return empty_message(name, self.commented.get(at))


class _Reject(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str):
        self.line = mark.line + 1 if mark else 1
        self.col = mark.column + 1 if mark else 1
        self.message = message


def read_text(path: Path) -> str:
    """Read an entry file as UTF-8, refusing what cannot be an entry. Raises _Reject."""
    if path.is_symlink():
        raise _Reject(None, "is a symbolic link; an entry must be a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _Reject(
            None,
            f"file is {size / 1_000_000:.1f} MB; an entry may be at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB: split it or trim it",
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _Reject(
            _FakeMark(line - 1, col - 1),
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        ) from None
    if text.startswith("\ufeff"):  # a byte-order mark some editors add: harmless, drop it
        text = text[1:]
    return text


@dataclass
class _FakeMark:
    line: int
    column: int


def parse(path: Path, text: str) -> LoadedFile:
    """Parse one entry's YAML text. Raises _Reject with the first problem that stops parsing."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise _Reject(None, "file is empty; an entry is a YAML mapping of fields")
    if _MAYBE_ANCHOR_RE.search(text):
        _reject_anchors(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_reject(text, exc) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it has no mark
        raise _reader_error(text, exc) from None
    except yaml.YAMLError as exc:
        raise _Reject(None, f"YAML syntax error: {exc}") from None
    if node is None:
        raise _Reject(None, "file is empty; an entry is a YAML mapping of fields")
    if not isinstance(node, yaml.MappingNode):
        raise _Reject(
            node.start_mark,
            f"the top level is {_describe_node(node)}; an entry must be a mapping of "
            "fields such as `title: …`",
        )
    loaded = LoadedFile(path=path, data={})
    later: list[tuple[Path_, yaml.ScalarNode]] = []  # folded and empty scalars
    loaded.data = _value(node, (), loaded, set(), 0, later)
    folded = [(at, scalar) for at, scalar in later if scalar.style == ">"]
    if folded:  # reported, not fatal, like a duplicate key
        loaded.problems.extend(folded_problems(loaded, text, folded))
    if len(folded) < len(later):
        _find_comments(loaded, text, [pair for pair in later if pair[1].style != ">"])
    return loaded


def _find_comments(loaded: LoadedFile, text: str, empty: list[tuple[Path_, yaml.Node]]) -> None:
    """Record the empty values that a comment follows (`text: #小红书# …`), marked at the `#`."""
    lines = _BREAK_RE.split(text)
    for at, node in empty:
        mark = node.start_mark
        found = commented_empty(lines[mark.line], mark.column) if mark.line < len(lines) else None
        if found is not None:
            loaded.marks[at] = (mark.line + 1, found[0] + 1)
            loaded.commented[at] = found[1]


def _reject_anchors(text: str) -> None:
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AnchorToken):
                raise _Reject(
                    token.start_mark,
                    f"YAML anchor '&{token.value}' is not allowed: write the value out in full",
                )
            if isinstance(token, yaml.AliasToken):
                raise _Reject(
                    token.start_mark,
                    f"YAML alias '*{token.value}' is not allowed: write the value out in full",
                )
    except yaml.MarkedYAMLError as exc:
        raise _syntax_reject(text, exc) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it has no mark
        raise _reader_error(text, exc) from None


def _syntax_reject(text: str, exc: yaml.MarkedYAMLError) -> _Reject:
    """The mistake in plain words (generator/yaml_messages.py), or else the parser's words."""
    known = explain(text, exc, _Loader)
    if known is None:
        return _Reject(exc.problem_mark, _syntax_message(exc))
    return _Reject(_FakeMark(known[0], known[1]), known[2])


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> _Reject:
    before = text[: exc.position]
    line = before.count("\n")
    col = exc.position - (before.rfind("\n") + 1)
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return _Reject(
        _FakeMark(line, col),
        f"character U+{ord(char):04X} is not allowed in YAML; remove it, or write it as an "
        "escape such as \\x07 inside a double-quoted string",
    )


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    if "expected a single document" in problem or "but found another document" in problem:
        return "file holds more than one YAML document (a second '---'); keep one entry per file"
    if "found character '\\t'" in problem:
        return "YAML syntax error: a tab character; indent with spaces"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = " (a value containing ': ' must be quoted)"
    return f"YAML syntax error: {problem}{context}{hint}"


def _describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"the text {node.value[:40]!r}"


def _value(
    node: yaml.Node,
    at: Path_,
    out: LoadedFile,
    seen: set[int],
    depth: int,
    later: list[tuple[Path_, yaml.ScalarNode]],
) -> Any:
    """The data of ``node``, recording marks in ``out``, and folded scalars (``>``) and empty
    plain ones in ``later``, to check against the text (generator.folded, _find_comments)."""
    if id(node) in seen:  # composed aliases share node objects; the scan above catches most
        raise _Reject(node.start_mark, "YAML aliases are not allowed: write the value out in full")
    if depth > MAX_DEPTH:
        raise _Reject(node.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
    seen.add(id(node))
    out.marks[at] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise _Reject(node.start_mark, f"YAML tag '{node.tag}' is not allowed; remove it")
    if isinstance(node, yaml.ScalarNode):
        if node.style == ">" or (not node.style and not node.value):
            later.append((at, node))
        if node.style is None and node.value in _NULLS:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [
            _value(item, at + (i,), out, seen, depth + 1, later)
            for i, item in enumerate(node.value)
        ]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Reject(key_node.start_mark, "a field name must be plain text")
        key = key_node.value
        key_at = at + (key,)
        key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in result:
            # Reported, not fatal, so the rest of the file is still checked. PyYAML would
            # silently keep the last value; the first is kept here, and the file fails anyway.
            first = out.key_marks[key_at][0]
            out.problems.append(
                Problem(
                    display_path(out.path),
                    key_mark[0],
                    key_mark[1],
                    f"duplicate key '{key}' (first on line {first}); YAML would silently keep only "
                    "the last one: remove one of them",
                )
            )
            continue
        out.key_marks[key_at] = key_mark
        result[key] = _value(value_node, key_at, out, seen, depth + 1, later)
    return result


def read_entry(path: Path) -> tuple[LoadedFile | None, list[Problem]]:
    """Read and parse one file; on failure, the problem that stopped it."""
    try:
        return parse(path, read_text(path)), []
    except _Reject as rej:
        return None, [Problem(display_path(path), rej.line, rej.col, rej.message)]
    except OSError as exc:
        return None, [Problem(display_path(path), 1, 1, f"cannot read file: {exc.strerror}")]


# --- the whole knowledge base ---------------------------------------------------------------


def discover(entries_dir: Path) -> tuple[list[tuple[Kind, Path]], list[Problem]]:
    """Every entry file as (kind, path), and problems with files in the wrong place."""
    found: list[tuple[Kind, Path]] = []
    problems: list[Problem] = []
    registry = kinds.current()
    folders = [f"{k.folder}/" for k in registry]
    if not entries_dir.is_dir():
        problems.append(
            Problem(
                display_path(entries_dir),
                1,
                1,
                "no such folder; expected the entries folder "
                f"with {', '.join(folders[:-1])} and {folders[-1]}",
            )
        )
        return found, problems
    for path in sorted(entries_dir.rglob("*")):
        rel = path.relative_to(entries_dir)
        if any(part.startswith(".") for part in rel.parts) or path.is_dir():
            continue
        folder = rel.parts[0] if len(rel.parts) > 1 else None
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml":
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"entry files end in .yaml, not {path.suffix}: rename the file",
                )
            )
            continue
        if path.suffix != ".yaml":
            continue
        kind = registry.by_folder(folder)
        if kind is None:
            message = f"entry is not in a kind's folder: move it under one of {', '.join(folders)}"
            problems.append(Problem(display_path(path), 1, 1, message))
            continue
        found.append((kind, path))
    return found, problems


def tags_at(entries_dir: Path, revision: str) -> set[str]:
    """Every tag used by the entries under ``entries_dir`` as they were at git ``revision``.

    What a change may add is judged against this (validate --base). Files that do not parse
    at that revision are skipped. Raises RecordError when git cannot read the revision.
    """
    folder = entries_dir.resolve()
    if not folder.is_dir():  # collect reports the missing folder
        return set()

    def git(*args: str, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", *args], cwd=folder, input=stdin, capture_output=True, check=False
            )
        except OSError as exc:
            raise RecordError(f"--base {revision}: cannot run git: {exc.strerror}") from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RecordError(
                f"--base {revision}: git cannot read it ({reason[-1] if reason else 'no reason'})"
                "; give a branch, tag or commit of this repository, e.g. origin/main"
            )
        return done.stdout

    prefix = git("rev-parse", "--show-prefix").decode("utf-8").strip()
    listing = git("ls-tree", "-r", "-z", "--name-only", revision, "--", ".")
    paths = [n for n in listing.decode("utf-8", "replace").split("\0") if n.endswith(".yaml")]
    tags: set[str] = set()
    if not paths:
        return tags
    # Paths from ls-tree are relative to the folder; cat-file wants them from the top.
    wanted = "".join(f"{revision}:{prefix}{name}\n" for name in paths).encode("utf-8")
    out = git("cat-file", "--batch", stdin=wanted)
    pos = 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        blob = out[pos : pos + size]
        pos += size + 1
        try:
            data = parse(Path("base.yaml"), blob.decode("utf-8")).data
        except (_Reject, UnicodeDecodeError):
            continue
        listed = data.get("tags")
        if isinstance(listed, list):
            tags.update(tag for tag in listed if isinstance(tag, str))
    return tags


__all__ = ["LoadedFile", "discover", "parse", "read_entry", "tags_at"]
