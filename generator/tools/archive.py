"""`archive`: ask the Internet Archive to save every source that has no ``archive_url`` yet, and
write the snapshot's address into the entry, changing nothing else in the file."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator.core.errors import RecordError

if TYPE_CHECKING:
    from generator.tools.archive_spn import Capture, Client


class ArchiveFailed(RecordError):
    """``--strict`` was given and some sources could not be archived."""


class NotAnEntry(ValueError):
    """A file named on the command line is not an entry of the knowledge base."""


class Unplaceable(Exception):
    """The archive_url lines cannot be added to a file without changing something else."""


def _after_archive_url() -> tuple[str, ...]:
    """The Source fields declared after archive_url: the new line goes before them."""
    from generator.format.model import Source

    names = [f.name for f in dataclasses.fields(Source)]
    return tuple(names[names.index("archive_url") + 1 :])


# --- writing the lines --------------------------------------------------------------------


def _quoted(url: str, style: str | None) -> str:
    """``url`` as a YAML scalar written like the source's url: plain, '…' or "…"."""
    if style is None:
        return url
    if style == "'":
        return "'" + url.replace("'", "''") + "'"
    return f'"{url}"'  # snapshot addresses hold no quotes or backslashes (archive_spn)


def _insertion_point(text: str, node: yaml.MappingNode) -> tuple[int, str, str]:
    """(offset, before, after): where a new key line goes in this block mapping's text.

    Before the first field that comes after archive_url (lang), when it starts its own line;
    otherwise after the line on which the mapping's last value ends.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    later = _after_archive_url()
    for pos, (key, _value) in enumerate(node.value):
        if pos and key.value in later:
            start = text.rfind("\n", 0, key.start_mark.index) + 1
            if not text[start : key.start_mark.index].strip(" "):
                return start, "", newline
            break
    end = node.value[-1][1].end_mark.index
    while end > 0 and text[end - 1] in " \t\r\n":  # a block scalar's end includes its breaks
        end -= 1
    eol = text.find("\n", end)
    if eol == -1:  # the file's last line, without a line break
        return len(text), newline, ""
    return eol + 1, "", newline


def insert_archive_urls(path: Path, text: str, additions: Mapping[int, tuple[str, str]]) -> str:
    """``text`` with ``archive_url: SNAPSHOT`` added to each source ``i`` in ``additions``
    (``i`` → (url, snapshot)). Raises Unplaceable when that cannot be done exactly."""
    from generator.load.reader import parse
    from generator.load.yaml_compose import Reject

    try:
        before = parse(path, text).data
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # marks by character, not byte
    except (Reject, yaml.YAMLError) as exc:
        raise Unplaceable(f"the file no longer parses ({exc})") from None
    pairs = root.value if isinstance(root, yaml.MappingNode) else []
    sources = next((v for k, v in pairs if k.value == "sources"), None)
    expected = copy.deepcopy(before)
    edits = []
    for i, (url, snapshot) in additions.items():
        items = sources.value if isinstance(sources, yaml.SequenceNode) else []
        node = items[i] if i < len(items) else None
        data = expected["sources"][i] if node is not None else {}
        if not isinstance(node, yaml.MappingNode) or data.get("url") != url:
            raise Unplaceable("the file changed while its sources were archived")
        if "archive_url" in data:
            raise Unplaceable(f"source {i + 1} has an archive_url field already")
        if node.flow_style or not node.value:
            raise Unplaceable(f"source {i + 1} is written on one line ({{…}}): add it by hand")
        url_node = next(v for k, v in node.value if k.value == "url")
        style = url_node.style if url_node.style in (None, "'", '"') else '"'
        offset, lead, trail = _insertion_point(text, node)
        indent = " " * node.value[0][0].start_mark.column
        edits.append((offset, f"{lead}{indent}archive_url: {_quoted(snapshot, style)}{trail}"))
        data["archive_url"] = snapshot
    for offset, line in sorted(edits, reverse=True):
        text = text[:offset] + line + text[offset:]
    try:
        after = parse(path, text).data
    except Reject as exc:
        raise Unplaceable(f"the new line would break the file ({exc.message})") from None
    if after != expected:
        raise Unplaceable("the new line would change other fields: add it by hand")
    return text


def write_archive_urls(path: Path, additions: Mapping[int, tuple[str, str]]) -> None:
    """Insert the lines into the file on disk, replacing it in one step (same permissions)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    new = bom + insert_archive_urls(path, text[len(bom) :], additions)
    tmp = path.with_name(f".{path.name}.archive-tmp")  # a dot file: the loader never reads it
    try:
        tmp.write_bytes(new.encode("utf-8"))
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- what to archive ----------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    path: Path
    index: int  # the source's position in ``sources``
    url: str
    where: str  # file:line of the source's url


@dataclass(frozen=True)
class Done:
    todo: Todo
    snapshot: str | None
    detail: str
    attempts: int = 0


def sources_to_archive(entries_dir: Path, only: Sequence[Path] = ()) -> tuple[list[Todo], int]:
    """Sources without an archive_url (in ``only`` files, if given), and how many have one."""
    from generator.core.problems import display_path
    from generator.load.reader import read_entry
    from generator.validate.record import load_corpus

    corpus = load_corpus(entries_dir)
    entries = corpus.sorted()
    if only:
        wanted = {p.resolve() for p in only}
        known = {e.path.resolve() for e in entries}
        stray = sorted(str(p) for p in only if p.resolve() not in known)
        if stray:
            raise NotAnEntry(f"not an entry in {display_path(entries_dir)}: {', '.join(stray)}")
        entries = [e for e in entries if e.path.resolve() in wanted]
    todo: list[Todo] = []
    archived = 0
    for entry in entries:
        loaded = None
        for i, source in enumerate(entry.sources or ()):
            if source.archive_url:
                archived += 1
                continue
            loaded = loaded or read_entry(entry.path)[0]
            line = loaded.mark(("sources", i, "url"))[0] if loaded else None
            where = display_path(entry.path) + (f":{line}" if line else "")
            todo.append(Todo(entry.path, i, source.url, where))
    return todo, archived


# --- a run -------------------------------------------------------------------------------


def summary(done: Sequence[Done], archived: int, left: int) -> str:
    ok = sum(1 for d in done if d.snapshot)
    failed = len(done) - ok
    noun = "source" if ok == 1 else "sources"
    later = f", {left} left for the next run (--limit)" if left else ""
    return (
        f"Archived {ok} {noun}, {failed} could not be archived, "
        f"{archived} already had an archive_url{later}.\n"
    )


def run(
    todo: Sequence[Todo], client: Client, delay: float, say: Callable[[str], None] = print
) -> list[Done]:
    """Capture each URL once (in order, ``delay`` seconds apart), write each file's new lines
    as soon as its sources are done, and say how each source went."""
    captures: dict[str, Capture] = {}
    stopped: str | None = None
    done: list[Done] = []
    by_file: dict[Path, list[Todo]] = {}
    for t in todo:
        by_file.setdefault(t.path, []).append(t)
    for path, items in by_file.items():
        results = []
        for t in items:
            if t.url not in captures and stopped is None:
                if captures:
                    client.sleep(delay)
                captures[t.url] = client.capture(t.url)
                if captures[t.url].stop:
                    stopped = captures[t.url].detail
            cap = captures.get(t.url)
            if cap is None:
                results.append(Done(t, None, f"not asked: stopped after {stopped}"))
            else:
                results.append(Done(t, cap.snapshot, cap.detail, cap.attempts))
        additions = {d.todo.index: (d.todo.url, d.snapshot) for d in results if d.snapshot}
        if additions:
            try:
                write_archive_urls(path, additions)
            except (Unplaceable, OSError, UnicodeDecodeError) as exc:
                results = [
                    Done(d.todo, None, f"archived as {d.snapshot}, but not written: {exc}")
                    if d.snapshot
                    else d
                    for d in results
                ]
        for d in results:
            if d.snapshot:
                say(f"{d.todo.where}: archived {d.todo.url} as {d.snapshot}")
        done.extend(results)
    return done
