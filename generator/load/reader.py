"""The load step: entry files → plain data with line/column marks, strictly."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.core import gitrepo
from generator.core.errors import RecordError
from generator.core.problems import Path_, Problem, display_path, field_name
from generator.format import kinds
from generator.format.kinds import Kind
from generator.load.folded_markdown import folded_problems
from generator.load.loaded import LoadedFile
from generator.load.yaml_compose import ComposeLoader, Reject, value_of
from generator.load.yaml_compose import Loader as _Loader
from generator.load.yaml_messages import (
    commented_empty,
    cut_by_hashtag,
    excerpt,
    explain,
    lines_of,
    with_line,
)

# The line breaks libyaml counts in its marks (so line numbers agree with its marks).
_BREAK_RE = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
MAX_FILE_BYTES = 1_000_000

# Where YAML can start a node's properties (an anchor &a or an alias *a): at a line's start,
# after a block indicator ("- ", "? ", ": "), a flow indicator ([ ] { } , : ?), a closing
# quote or a tag. A superset: Markdown such as "- *emphasis*" matches too, and then the exact
# token scan decides (tests/load/test_load.py checks the superset; an alias it missed would still be
# caught by node identity in yaml_compose). Plain prose ("Dorsey & Whitney",
# "an *emphasised* word") does not, so most files skip the scan.
#
# A tag ("!!str &a") is matched only where one can start (a line's start, white space or a flow
# indicator) and runs to white space or a flow indicator, possessively: matched from every "!"
# of a long run of "!" it would take time with the square of the run's length.
#
# parse asks _maybe_anchor, which answers as this expression does, from each "&" and "*".
_MAYBE_ANCHOR_RE = re.compile(
    r"(?:^[ \t]*|[\[\]{},:?'\"][ \t]*|[-?:][ \t]+|(?:^|(?<=[\s\[\]{},]))![^\s\[\]{},]*+[ \t]+)"
    r"[&*][^\s\[\]{},]",
    re.MULTILINE,
)
# What _maybe_anchor looks at: an "&" or "*" that starts an anchor or alias name.
_ANCHOR_CHAR_RE = re.compile(r"[&*](?=[^\s\[\]{},])")
_NON_SPACE_RE = re.compile(r"\S")
_HASHTAG_RE = re.compile(r"[ \t]#[^\s]")  # a comment that may be a hashtag cut from a value
_INDICATOR_BEFORE = frozenset("[]{},:?'\"")


def read_text(path: Path) -> str:
    """Read an entry file as UTF-8, refusing what cannot be an entry. Raises Reject."""
    return decode(read_bytes(path))


def read_bytes(path: Path) -> bytes:
    """An entry file's bytes, refusing a symbolic link or a file too large. Raises Reject."""
    status = os.lstat(path)  # one call for both: a symbolic link, and the file's size
    if stat.S_ISLNK(status.st_mode):
        raise Reject(None, "is a symbolic link; an entry must be a regular file")
    size = status.st_size
    if size > MAX_FILE_BYTES:
        raise Reject(
            None,
            f"file is {size / 1_000_000:.1f} MB; an entry may be at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB: split it or trim it",
        )
    with open(path, "rb") as file:
        return file.read()


def decode(raw: bytes) -> str:
    """An entry file's text, from its bytes: UTF-8, without a byte-order mark. Raises Reject."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise Reject(
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
    """Parse one entry's YAML text. Raises Reject with the first problem that stops parsing."""
    if _is_empty(text):
        raise Reject(None, "file is empty; an entry is a YAML mapping of fields")
    if _maybe_anchor(text):
        _reject_anchors(text)
    try:
        node = yaml.compose(text, Loader=ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_reject(text, exc) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it has no mark
        raise _reader_error(text, exc) from None
    except yaml.YAMLError as exc:
        raise Reject(None, f"YAML syntax error: {exc}") from None
    if node is None:
        raise Reject(None, "file is empty; an entry is a YAML mapping of fields")
    if not isinstance(node, yaml.MappingNode):
        raise Reject(
            node.start_mark,
            f"the top level is {_describe_node(node)}; an entry must be a mapping of "
            "fields such as `title: …`",
        )
    loaded = LoadedFile(path=path, data={})
    later: list[tuple[Path_, yaml.ScalarNode]] = []  # folded and empty scalars
    loaded.data = value_of(node, (), loaded, set(), 0, later)
    folded = [(at, scalar) for at, scalar in later if scalar.style == ">"]
    if folded:  # reported, not fatal, like a duplicate key
        loaded.problems.extend(folded_problems(loaded, text, folded))
    if len(folded) < len(later):
        _find_comments(loaded, text, [pair for pair in later if pair[1].style != ">"])
    if _HASHTAG_RE.search(text):  # rare: only then are the values walked again
        loaded.problems.extend(_cut_by_hashtags(loaded, text, node))
    return loaded


def _cut_by_hashtags(loaded: LoadedFile, text: str, root: yaml.Node) -> list[Problem]:
    """A problem for each plain value that a hashtag-like comment cut short on its line."""
    lines = _BREAK_RE.split(text)
    problems = []
    todo: list[tuple[Path_, yaml.Node]] = [((), root)]
    while todo:
        at, node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            todo += [(at + (k.value,), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            todo += [(at + (i,), v) for i, v in enumerate(node.value)]
        elif not node.style and node.value and node.end_mark.line < len(lines):  # plain
            start, end = node.start_mark, node.end_mark
            line = lines[end.line]
            own_line = start.column if start.line == end.line else -1
            found = cut_by_hashtag(line, own_line, end.column, field_name(at))
            if found is not None:
                where = display_path(loaded.path)
                problems.append(Problem(where, end.line + 1, found[0] + 1, found[1]))
    return sorted(problems, key=lambda p: (p.line, p.col))


def _find_comments(loaded: LoadedFile, text: str, empty: list[tuple[Path_, yaml.Node]]) -> None:
    """Record the empty values that a comment follows (`text: #话题# …`), marked at the `#`."""
    lines = _BREAK_RE.split(text)
    for at, node in empty:
        mark = node.start_mark
        found = commented_empty(lines[mark.line], mark.column) if mark.line < len(lines) else None
        if found is not None:
            loaded.marks[at] = (mark.line + 1, found[0] + 1)
            loaded.commented[at] = found[1]


def _is_empty(text: str) -> bool:
    """Whether ``text`` holds only blank lines and comments."""
    first = _NON_SPACE_RE.search(text)
    if first is not None and first.group() != "#":  # the start of a line that is neither
        return False
    return not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    )


def _maybe_anchor(text: str) -> bool:
    """Whether ``_MAYBE_ANCHOR_RE`` matches in ``text``, found from each "&" and "*" back to
    what precedes it, instead of trying the expression at every character of the text."""
    tags = "!" in text
    for m in _ANCHOR_CHAR_RE.finditer(text):
        start = end = m.start()
        while start and text[start - 1] in " \t":
            start -= 1
        before = text[start - 1] if start else "\n"
        if before == "\n" or before in _INDICATOR_BEFORE:  # a line's start; an indicator
            return True
        if start == end:
            continue
        if before == "-":  # a block indicator, then white space ("?" and ":" are above)
            return True
        if not tags:
            continue
        # A tag: a word (to white space or a flow indicator) that starts with "!".
        while start and not (text[start - 1] in "[]{}," or text[start - 1].isspace()):
            start -= 1
        if text[start] == "!":
            return True
    return False


def _reject_anchors(text: str) -> None:
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AnchorToken):
                raise Reject(
                    token.start_mark,
                    f"YAML anchor '&{token.value}' is not allowed: write the value out in full",
                )
            if isinstance(token, yaml.AliasToken):
                raise Reject(
                    token.start_mark,
                    f"YAML alias '*{token.value}' is not allowed: write the value out in full",
                )
    except yaml.MarkedYAMLError as exc:
        raise _syntax_reject(text, exc) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it has no mark
        raise _reader_error(text, exc) from None


SYNTAX_PROBLEMS_MAX = 20  # of one file: past these, fix and run again


def _syntax_reject(text: str, exc: yaml.MarkedYAMLError) -> Reject:
    """Each mistake in plain words (generator/load/yaml_messages.py), or else the parser's, with
    its line and a marker under it. Where a fix is known to parse, the file is read on with it
    in place to find the next mistake; where none is, the message says that the lines after it
    were not checked."""
    found: list[tuple[int, int, str]] = []
    current, read_whole = text, False
    while True:
        mark = exc.problem_mark
        known = explain(current, exc, _Loader)
        if known is None:
            found.append(
                (mark.line if mark else 0, mark.column if mark else 0, _syntax_message(exc))
            )
            break
        found.append((known.line, known.column, known.message))
        if known.fixed is None or len(found) >= SYNTAX_PROBLEMS_MAX:
            break
        current = with_line(current, known.line, known.fixed)
        try:
            yaml.compose(current, Loader=ComposeLoader)
        except yaml.MarkedYAMLError as again:
            if again.problem_mark is None or again.problem_mark.line <= known.line:
                break  # the fix did not get past the line: do not guess further
            exc = again
            continue
        except yaml.YAMLError:
            break
        read_whole = True
        break
    lines = lines_of(text)
    shown = [(line, col, message + excerpt(lines, line, col)) for line, col, message in found]
    last_line = found[-1][0]
    if read_whole:
        these = "these" if len(found) > 1 else "this"
        note = f"\nWith {these} fixed, the file reads as YAML; its fields are checked then."
    elif any(rest.strip() for rest in lines[last_line + 1 :]):
        note = (
            f"\nThe lines after line {last_line + 1} were not checked: YAML cannot read past "
            "this mistake."
        )
    else:
        note = ""
    line, col, message = shown[-1]
    shown[-1] = (line, col, message + note)
    (line, col, message), *later = shown
    reject = Reject(_FakeMark(line, col), message)
    reject.also = [(line + 1, col + 1, message) for line, col, message in later]
    return reject


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> Reject:
    before = text[: exc.position]
    line = before.count("\n")
    col = exc.position - (before.rfind("\n") + 1)
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return Reject(
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


def read_entry(path: Path) -> tuple[LoadedFile | None, list[Problem]]:
    """Read and parse one file; on failure, the problem that stopped it."""
    try:
        return parse(path, read_text(path)), []
    except Reject as rej:
        return None, rej.problems(display_path(path))
    except OSError as exc:
        return None, [Problem(display_path(path), 1, 1, f"cannot read file: {exc.strerror}")]


# --- the whole knowledge base ---------------------------------------------------------------


def discover(entries_dir: Path) -> tuple[list[tuple[Kind, Path]], list[Problem]]:
    """Every entry file as (kind, path), and problems with files in the wrong place."""
    found: list[tuple[Kind, Path]] = []
    problems: list[Problem] = []
    for path, (kind, problem) in placed(entries_dir).items():
        if kind is not None:
            found.append((kind, path))
        if problem is not None:
            problems.append(problem)
    return found, problems


def placed(entries_dir: Path) -> dict[Path, tuple[Kind | None, Problem | None]]:
    """``place`` for every path under ``entries_dir`` it does not pass over, in ``discover``'s
    order; when ``entries_dir`` is not a folder, it alone, with that problem."""
    registry = kinds.current()
    if not entries_dir.is_dir():
        folders = [f"{k.folder}/" for k in registry]
        message = (
            "no such folder; expected the entries folder "
            f"with {', '.join(folders[:-1])} and {folders[-1]}"
        )
        return {entries_dir: (None, Problem(display_path(entries_dir), 1, 1, message))}
    found = {}
    for path in sorted(entries_dir.rglob("*")):
        where = place(entries_dir, path, registry)
        if where is not None:
            found[path] = where
    return found


def hidden(entries_dir: Path, path: Path) -> bool:
    """Whether ``discover`` passes over ``path`` (under ``entries_dir``) and all it holds: it is
    hidden, or inside a hidden folder (.gitkeep, .DS_Store, .git/, an editor's swap file)."""
    return any(part.startswith(".") for part in path.parts[len(entries_dir.parts) :])


def place(
    entries_dir: Path, path: Path, registry: kinds.Registry | None = None
) -> tuple[Kind | None, Problem | None] | None:
    """What ``discover`` makes of one path under ``entries_dir``: None for what it passes over
    (a folder, a hidden file), else the entry's kind, or the problem with its place."""
    registry = registry or kinds.current()
    rel, suffix = path.parts[len(entries_dir.parts) :], path.suffix
    if hidden(entries_dir, path) or path.is_dir():
        return None
    if suffix.lower() not in (".yml", ".yaml"):  # never skipped in silence
        return None, Problem(display_path(path), 1, 1, _not_an_entry(path))
    if suffix != ".yaml":
        message = f"entry files end in .yaml, not {suffix}: rename the file"
        return None, Problem(display_path(path), 1, 1, message)
    kind = registry.by_folder(rel[0] if len(rel) > 1 else None)
    if kind is None:
        folders = ", ".join(f"{k.folder}/" for k in registry)
        message = f"entry is not in a kind's folder: move it under one of {folders}"
        return None, Problem(display_path(path), 1, 1, message)
    return kind, None


def _not_an_entry(path: Path) -> str:
    """What to do with a file under entries/ whose name does not end in .yaml or .yml."""
    stem = Path(path.stem)
    if stem.suffix.lower() in (".yaml", ".yml"):  # 2025-01-20-ux.yaml.txt: a hidden extension
        return (
            f"this file's name ends in {stem.suffix}{path.suffix}, so it is not read as an "
            f"entry (an editor or Windows may have added {path.suffix} without showing it): "
            f"rename it to {stem.stem}.yaml"
        )
    return (
        "entries/ holds only entry files, whose names end in .yaml, so this file is not "
        "read: move it out of entries/, or delete it"
    )


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
            return gitrepo.run(folder, *args, stdin=stdin)
        except gitrepo.GitFailed as exc:
            if exc.reason.startswith("cannot run git"):
                raise RecordError(f"--base {revision}: {exc.reason}") from None
            raise RecordError(
                f"--base {revision}: git cannot read it ({exc.reason})"
                "; give a branch, tag or commit of this repository, e.g. origin/main"
            ) from None

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
        except (Reject, UnicodeDecodeError):
            continue
        listed = data.get("tags")
        if isinstance(listed, list):
            tags.update(tag for tag in listed if isinstance(tag, str))
    return tags


__all__ = ["LoadedFile", "discover", "parse", "read_entry", "tags_at"]
