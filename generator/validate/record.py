"""The validate step: loaded entries → problems, or a typed corpus."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from generator.core import collector, hashing, parallel
from generator.core.errors import RecordError, ValidationFailed
from generator.core.problems import Problem, display_path
from generator.format import digest, fields, kinds, schema
from generator.format.corpus import Corpus
from generator.format.kinds import Kind
from generator.format.model import Entry, from_data
from generator.load import reader
from generator.load.examples import is_example
from generator.load.loaded import LoadedFile
from generator.load.yaml_compose import Reject
from generator.validate import aliases, evidence, guardrails
from generator.validate.checker import Checker, article, field_name, unsupported

log = logging.getLogger(__name__)

ID_RE = re.compile(fields.ID_PATTERN.strip("^$"))  # with fullmatch: "$" would allow "id\n"


@dataclass
class Result:
    """What validating a folder found: the corpus (when there were no problems) and problems."""

    problems: list[Problem]
    corpus: Corpus | None
    files: int
    examples: list[Path] = field(default_factory=list)  # still the examples init wrote

    def counts(self) -> dict[str, int]:
        if self.corpus is None:
            return {}
        return {k.name: self.corpus.count(k.name) for k in kinds.current()}


@dataclass(frozen=True)
class Checked:
    """What a file's own checks found, when they found nothing wrong: kept in a memo."""

    entry: Entry
    references: tuple[tuple[tuple[Any, ...], str, str], ...]  # (where, target id, required kind)
    aliases: tuple[str, ...]


class Memo(Protocol):
    """What earlier validations found of files, by content (``generator.cache.validcache``)."""

    def get(self, key: bytes) -> Checked | None: ...
    def put(self, key: bytes, checked: Checked) -> None: ...
    def covered(self) -> None: ...


def collect(
    entries_dir: Path,
    base_tags: set[str] | None = None,
    memo: Memo | None = None,
    freeze: bool = False,
    jobs: int | None = None,
) -> Result:
    """Load and validate every entry under ``entries_dir``; never raises for bad input.

    With ``base_tags`` (the tags before this change, from ``reader.tags_at``), a change that
    adds more than NEW_TAGS_MAX distinct new tags is a problem. With ``memo``, a file whose
    own checks passed before is not parsed again: the result is the same. ``freeze``: see
    ``collector.paused``. ``jobs``: processes that parse and check files (one per core).
    """
    return Folder(entries_dir, memo).collect(base_tags=base_tags, freeze=freeze, jobs=jobs)


class Folder:
    """A folder validated again and again, as ``collect`` does: after the first time, only the
    files said to have changed are looked at again (the preview's watcher says which)."""

    def __init__(self, entries_dir: Path, memo: Memo | None = None):
        self.entries_dir, self.memo = entries_dir, memo
        # What discover found, in its order: each path's kind, or the problem with its place.
        self._placed: dict[Path, tuple[Kind | None, Problem | None]] | None = None
        # Each entry file's own checks, once per change of the file.
        self._checked: dict[Path, tuple[_Own | None, list[Problem]]] = {}

    def collect(
        self,
        changed: Iterable[Path] | None = None,
        base_tags: set[str] | None = None,
        freeze: bool = False,
        jobs: int | None = None,
    ) -> Result:
        """``collect``'s result for the folder; ``changed``: the paths changed since the last
        call (files or folders, added, changed or removed; None: any)."""
        with collector.paused(freeze):
            whole = changed is None or self._placed is None or not self._update(changed)
            if whole:
                self._placed, self._checked = reader.placed(self.entries_dir), {}
            return self._result(base_tags, whole, jobs or parallel.default_jobs())

    def _update(self, changed: Iterable[Path]) -> bool:
        """Take in what changed; False when only a new look at the whole folder will do."""
        assert self._placed is not None
        placed, top = self._placed, self.entries_dir
        if top in placed:  # it was no folder
            return False
        added = False
        for path in changed:
            if not path.is_relative_to(top) or reader.hidden(top, path):
                continue  # discover passes over it
            self._checked.pop(path, None)
            if path.is_dir() or (path not in placed and not path.exists()):
                return False  # a folder, or what was one: what it holds is not known here
            where = reader.place(top, path) if path.exists() else None
            if where is None:
                placed.pop(path, None)
            else:
                added = added or path not in placed
                placed[path] = where
        if added:
            self._placed = dict(sorted(placed.items()))
        return True

    def _result(self, base_tags: set[str] | None, whole: bool, jobs: int) -> Result:
        assert self._placed is not None
        files: list[tuple[Kind, Path]] = []
        problems: list[Problem] = []
        for path, (kind, problem) in self._placed.items():
            if kind is not None:
                files.append((kind, path))
            if problem is not None:
                problems.append(problem)
        todo: list[tuple[Kind, Path, bytes | None, bytes]] = []
        for kind, path in files:
            if path not in self._checked:
                known, raw, key = _recalled(kind, path, self.memo)
                if known is None:
                    todo.append((kind, path, raw, key))
                else:
                    self._checked[path] = known
        # Checking the tags a change adds reads every file's tags, at their lines.
        checked = _check_files(todo, self.memo, jobs if base_tags is None else 1)
        self._checked.update(zip((path for _, path, _, _ in todo), checked, strict=True))
        own: list[_Own] = []
        for _, path in files:
            item, file_problems = self._checked[path]
            problems.extend(file_problems)
            if item is not None:
                own.append(item)
        if whole and self.memo is not None:
            self.memo.covered()
        entries, across = _across(files, own)
        problems.extend(across)
        if base_tags is not None:
            problems.extend(check_new_tags([(o.kind, o.file()) for o in own], base_tags))
        for item in own:  # kept without the parsed file, read again only to point at a line
            item.loaded = None
        problems = sorted(set(problems), key=_problem_order)
        corpus = None if problems else Corpus(entries)
        log.debug("validated %d files: %d problems", len(files), len(problems))
        examples = [o.path for o in own if o.example]
        return Result(problems=problems, corpus=corpus, files=len(files), examples=examples)


@dataclass
class _Own:
    """One file after its own checks: what they found, and the parsed file when it was parsed
    (a file taken from the memo is parsed only if a check across files reports on it)."""

    kind: Kind
    path: Path
    references: tuple[tuple[tuple[Any, ...], str, str], ...]
    aliases: list[Any]
    entry: Entry | None  # None when its own checks found problems
    loaded: LoadedFile | None
    example: bool = False  # its bytes start with the marker of init's examples

    def file(self) -> LoadedFile:
        if self.loaded is None:
            self.loaded = reader.read_entry(self.path)[0] or LoadedFile(self.path, {})
        return self.loaded


_Checks = tuple[_Own | None, list[Problem]]  # what a file's own checks found


def _recalled(
    kind: Kind, path: Path, memo: Memo | None
) -> tuple[_Checks | None, bytes | None, bytes]:
    """What a file's own checks found, if the memo kept it or the file cannot be read (None
    otherwise); the file's bytes when they were read (with a memo), and its key in the memo."""
    if memo is None:
        return None, None, b""
    try:
        raw = reader.read_bytes(path)
    except Reject as rej:
        return (None, rej.problems(display_path(path))), None, b""
    except OSError as exc:
        return (None, [_unreadable(path, exc)]), None, b""
    key = hashing.key("entry file", kind.name, kind.rules, path.name, raw)
    checked = memo.get(key)
    if checked is None:
        return None, raw, key
    entry = checked.entry
    if entry.path != path:  # the same file elsewhere (a copy of the folder)
        entry = digest.moved(entry, path)
    refs, aliases_ = checked.references, list(checked.aliases)
    return (_Own(kind, path, refs, aliases_, entry, None, is_example(raw)), []), raw, key


def _checked_file(kind: Kind, path: Path, raw: bytes | None, digested: bool) -> _Checks:
    """Parse one file (its bytes ``raw``, read here if None) and check it on its own.
    ``digested``: hash the entry now, to be kept with it in the memo."""
    try:
        raw = reader.read_bytes(path) if raw is None else raw
        loaded = reader.parse(path, reader.decode(raw))
    except Reject as rej:
        return None, rej.problems(display_path(path))
    except OSError as exc:
        return None, [_unreadable(path, exc)]
    checker = check_entry(kind, loaded)
    problems = loaded.problems + checker.problems
    values = loaded.data.get("aliases") if isinstance(loaded.data, dict) else None
    values = values if isinstance(values, list) else []
    entry = None
    if not problems:
        entry = build_entry(kind, loaded)
        if digested:
            digest.entry_digest(entry)  # kept with it: the next build need not hash it again
    own = _Own(kind, path, tuple(checker.references), values, entry, loaded, is_example(raw))
    return own, problems


def _unreadable(path: Path, exc: OSError) -> Problem:
    return Problem(display_path(path), 1, 1, f"cannot read file: {exc.strerror}")


def _remember(memo: Memo | None, key: bytes, own: _Own | None) -> None:
    """Keep in the memo what a file's own checks found, when they found nothing wrong."""
    if memo is not None and own is not None and own.entry is not None:
        memo.put(key, Checked(own.entry, own.references, tuple(own.aliases)))


# A file checked in a worker (``_checked_apart``): what its ``_Own`` holds but the kind, the
# path and the parsed file, which this process has or reads again to point at a line.
_Apart = tuple[tuple[Entry | None, tuple[Any, ...], list[Any], bool] | None, list[Problem]]


def _checked_apart(item: tuple[Kind, Path, bytes | None, bool]) -> _Apart:
    """``_checked_file`` in a worker process, with what it sends back."""
    own, problems = _checked_file(*item)
    if own is None:
        return None, problems
    return (own.entry, own.references, own.aliases, own.example), problems


def _check_files(
    todo: list[tuple[Kind, Path, bytes | None, bytes]], memo: Memo | None, jobs: int
) -> list[_Checks]:
    """``_checked_file`` for each of ``todo`` (kind, path, bytes, key in the memo), and the
    memo told; in ``jobs`` processes, if there are enough files (the parsed files are then
    not kept: ``_Own.file`` reads one again if a check across files reports on it)."""
    digested = memo is not None
    if not parallel.forks(len(todo), jobs):
        done = [_checked_file(kind, path, raw, digested) for kind, path, raw, _ in todo]
    else:
        work = [(kind, path, raw, digested) for kind, path, raw, _ in todo]
        found = parallel.map_ordered(_checked_apart, work, jobs=jobs)
        done = []
        for (kind, path, _, _), (kept, problems) in zip(todo, found, strict=True):
            own = (
                None if kept is None else _Own(kind, path, kept[1], kept[2], kept[0], None, kept[3])
            )
            done.append((own, problems))
    for (_, _, _, key), (own, _) in zip(todo, done, strict=True):
        _remember(memo, key, own)
    return done


def _across(
    files: list[tuple[Kind, Path]], own: list[_Own]
) -> tuple[dict[str, Entry], list[Problem]]:
    """The checks across files (ids, aliases, references), and the entries.

    ``files`` lists every entry file found (also those that failed to parse), so ids and
    kinds are known even for broken files and one broken actor does not cascade into
    "no such actor" errors everywhere.
    """
    problems, kind_of_id = check_ids(files)
    named = [(o.kind, o.loaded or LoadedFile(o.path, {"aliases": o.aliases})) for o in own]
    alias_problems, renamed = aliases.check(named, kind_of_id)
    if alias_problems:  # at their lines: every file parsed
        alias_problems, renamed = aliases.check([(o.kind, o.file()) for o in own], kind_of_id)
    problems.extend(alias_problems)
    suggest = Suggester(kind_of_id)
    entries: dict[str, Entry] = {}
    for item in own:
        entry_id = item.path.stem
        for at, target, required in item.references:
            if reference_is_fine(target, required, kind_of_id, entry_id, renamed):
                continue
            message = aliases.renamed_problem(
                field_name(at), target, renamed
            ) or _reference_problem(field_name(at), target, required, kind_of_id, entry_id, suggest)
            if message:
                line, col = item.file().mark(at)
                problems.append(Problem(display_path(item.path), line, col, message))
        if item.entry is not None:
            entries[entry_id] = item.entry
    return entries, problems


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line, p.col, p.message)


def load_corpus(entries_dir: Path, memo: Memo | None = None) -> Corpus:
    """The validated corpus; raises ValidationFailed listing every problem."""
    return corpus_of(collect(entries_dir, memo=memo))


def corpus_of(result: Result) -> Corpus:
    """The corpus of a validated folder; raises ValidationFailed listing every problem."""
    if result.corpus is None:
        raise ValidationFailed(result.problems)
    return result.corpus


# --- one file ---------------------------------------------------------------------------------


@cache
def _schema(name: str, registry: kinds.Registry) -> dict:
    root = schema.schema_for(name)
    wrong = unsupported(root)
    if wrong:  # a kind's declaration uses what this validator would silently ignore
        raise RecordError(
            f"the {name} schema uses what the validator does not implement: " + "; ".join(wrong)
        )
    return root


def check_entry(kind: Kind, loaded: LoadedFile) -> Checker:
    checker = Checker(loaded, _schema(kind.name, kinds.current()), kind.label)
    checker.check(loaded.data, checker.root, ())
    tags = loaded.data.get("tags") if isinstance(loaded.data, dict) else None
    reserved = kinds.current().reserved_tags
    for i, tag in enumerate(tags if isinstance(tags, list) else ()):
        if isinstance(tag, str) and tag in reserved:
            checker.report(
                ("tags", i),
                f"'tags[{i}]': the tag {tag!r} is reserved for the site's list of tags: "
                f"choose another, e.g. {tag}-tag",
            )
    if isinstance(loaded.data, dict):
        kind.check(checker)  # what the kind's schema cannot say (a list item's term or topic)
        evidence.check(checker, kind)  # citations that name sources, sources that are cited
    guardrails.check(checker)  # placeholders left in, an id whose date disagrees with 'date'
    return checker


def build_entry(kind: Kind, loaded: LoadedFile) -> Entry:
    """The typed entry, from data that passed check_entry."""
    return from_data(kind.entry, loaded.data, id=loaded.path.stem, path=loaded.path)


# --- the whole corpus -------------------------------------------------------------------------


def check_ids(files: list[tuple[Kind, Path]]) -> tuple[list[Problem], dict[str, str]]:
    """Problems with the files' names (ids reserved, too long, malformed or used twice), and
    each id's kind."""
    problems: list[Problem] = []
    kind_of_id: dict[str, str] = {}
    paths_of_id: dict[str, list[Path]] = {}
    reserved = kinds.current().reserved_ids
    for kind, path in files:
        entry_id = path.stem
        paths_of_id.setdefault(entry_id, []).append(path)
        kind_of_id.setdefault(entry_id, kind.name)
        if entry_id in reserved[kind.name]:
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"id {entry_id!r} is reserved for the site's listing pages: rename the file, "
                    f"e.g. {entry_id}-{kind.name}.yaml",
                )
            )
        if len(entry_id) > fields.SLUG_MAX:
            problems.append(
                Problem(
                    display_path(path),
                    1,
                    1,
                    f"file name is {len(entry_id)} characters long before .yaml; an id may be at "
                    f"most {fields.SLUG_MAX}: shorten it",
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
    return problems, kind_of_id


# Each new tag adds a page, feeds and a filter choice to the site: a change may add this many.
NEW_TAGS_MAX = 10


def check_new_tags(loaded: list[tuple[Kind, LoadedFile]], base_tags: set[str]) -> list[Problem]:
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


class Suggester:
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


def reference_is_fine(
    target: str, required: str, kind_of_id: dict[str, str], self_id: str, renamed: dict[str, str]
) -> bool:
    """What _reference_problem and aliases.renamed_problem find no fault with, told cheaply:
    nearly every reference is to an entry of the right kind, by its id."""
    actual = kind_of_id.get(target)
    if actual is None or target in renamed:
        return False
    if required == "any":
        return target != self_id
    return actual == required


def _reference_problem(
    name: str,
    target: str,
    required: str,
    kind_of_id: dict[str, str],
    self_id: str,
    suggest: Suggester,
) -> str | None:
    if target == self_id and required == "any":
        return f"'{name}': an entry cannot be related to itself"
    actual = kind_of_id.get(target)
    registry = kinds.current()
    if actual is None:
        close = [c for c in [suggest(target, required)] if c]
        if close:
            return f"'{name}': no entry has the id {target!r}; did you mean {close[0]!r}?"
        folder = f"entries/{registry[required].folder}/" if required != "any" else "entries/"
        return f"'{name}': no entry has the id {target!r}: add it under {folder} or fix the id"
    if required != "any" and actual != required:
        return (
            f"'{name}': {target!r} is {article(registry[actual].label)}, but "
            f"'{name.split('[')[0]}' must name {article(registry[required].label)}"
        )
    return None


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-entry"


__all__ = [
    "Folder",
    "Result",
    "Suggester",
    "build_entry",
    "check_entry",
    "check_ids",
    "collect",
    "load_corpus",
    "reference_is_fine",
]
