"""``from-issue``: an accepted issue-form proposal becomes an entry, with no YAML by hand."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.core.config import repo_root
from generator.core.dates import PartialDate
from generator.core.errors import RecordError
from generator.core.problems import display_path
from generator.format import fields, kinds
from generator.format.ids import slug
from generator.format.kinds import Kind
from generator.load import reader
from generator.load.yaml_compose import Reject
from generator.tools.intake_text import (
    Appender,
    Element,
    Known,
    labelled,
    lines_of,
    mapping_lines,
    name_key,
    parse_body,
    read_form,
    strip_empty,
    unchecked,
)

_SPLIT = re.compile(r"\s*[,;，、\n]\s*")
_URL = re.compile(fields.URL_PATTERN)
_ADDRESS_START = re.compile(r"https?://[^\s,|]+")
SOURCE_LINE = "`https://example.org/report | The page's title | The outlet | 2025-01-20`"
_PARTIAL = re.compile(fields.PARTIAL_DATE_PATTERN)


def today() -> date:
    return date.today()


class ProposalError(RecordError):
    """The proposal cannot become an entry; ``problems`` name the form's fields."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the proposal; nothing was written")


class Resolver:
    """Turns one proposal's answers into entry data, collecting every problem by label."""

    def __init__(self, elements: list[Element], answers: dict[str, str | None], known: Known):
        self.labels = {el.id: el.label for el in elements}
        self.answers = answers
        self.known = known
        self.problems: list[str] = []
        self.questions: list[str] = []  # for the curator: they do not stop the proposal

    def fail(self, form_id: str, message: str) -> None:
        self.problems.append(f"{self.labels.get(form_id, form_id)}: {message}")

    def ask(self, form_id: str, question: str) -> None:
        self.questions.append(f"{self.labels.get(form_id, form_id)}: {question}")

    def text(self, form_id: str) -> str | None:
        return self.answers.get(form_id)

    def required(self, form_id: str) -> str | None:
        value = self.answers.get(form_id)
        if value is None:
            self.fail(form_id, "this field is required but was left empty")
        return value

    def when(self, form_id: str, value: str | None, moment: bool = True) -> str | None:
        if value is None:
            return None
        try:
            PartialDate.parse(value)
        except ValueError as exc:
            self.fail(form_id, str(exc))
            return None
        if not moment and not _PARTIAL.fullmatch(value):
            self.fail(
                form_id, f"{value!r}: give a day, a month or a year (YYYY-MM-DD, YYYY-MM, YYYY)"
            )
            return None
        return value

    def entry(self, form_id: str, name: str, kind: str | None, what: str) -> str | None:
        """The id of the entry of ``kind`` that ``name`` (a page address, a title, a name) means."""
        if _URL.match(name):
            parts = [p for p in re.split(r"[/?#]", name.split("://", 1)[1]) if p][1:]
            folders = {k.folder for k in kinds.current()}
            found = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] in folders]
            name = found[0] if found else (parts[-1] if parts else name)
        names = self.known.names(kind)
        ids = names.get(name_key(name), set())
        if len(ids) == 1:
            return next(iter(ids))
        if ids:
            self.fail(
                form_id, f"{name!r} could be any of {', '.join(sorted(ids))}: be more precise"
            )
            return None
        close = difflib.get_close_matches(name_key(name), list(names), n=3, cutoff=0.6)
        shown = sorted({self.display(i) for c in close for i in names[c]})
        hint = f"; did you mean {' or '.join(repr(s) for s in shown)}?" if shown else ""
        self.fail(form_id, f"no {what} is called {name!r}{hint or ' on the site'}")
        return None

    def display(self, entry_id: str) -> str:
        data = self.known.entries[entry_id][1]
        return str(data.get("name") or data.get("title") or entry_id)

    def entries(self, form_id: str, kind: str | None, what: str) -> list[str]:
        out = []
        text = self.text(form_id)
        names = _SPLIT.split(text or "") if kind == "actor" else lines_of(text)
        for name in names:
            if name and (found := self.entry(form_id, name, kind, what)) and found not in out:
                out.append(found)
        return out

    def tags(self, form_id: str) -> list[str]:
        out = []
        for name in _SPLIT.split(self.text(form_id) or ""):
            if not name:
                continue
            tag = slug(name.rstrip("/").rsplit("/", 1)[-1])  # a name, or a tag page's address
            if tag in self.known.tags:
                if tag not in out:
                    out.append(tag)
                continue
            close = difflib.get_close_matches(tag, sorted(self.known.tags), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(map(repr, close))}, or " if close else ""
            self.ask(
                form_id,
                f"{name!r} is not a topic of the site yet: {hint}should it become a new one? "
                "It is left out of the entry until a curator adds it.",
            )
        return out

    def sources(self, form_id: str, required: bool = True) -> list[dict[str, str | None]]:
        text = self.required(form_id) if required else self.text(form_id)
        out = []
        for n, line in enumerate(lines_of(text), 1):
            parts = [p.strip().strip("<>") for p in re.sub(r"^[-*]\s+", "", line).split("|")]
            url, title = parts[0], parts[1] if len(parts) > 1 else ""
            where = f"line {n}: "
            address = _ADDRESS_START.match(url)
            if (
                address and url[address.end() :].strip(" ,") and not _URL.match(url)
            ):  # no | after it
                self.fail(
                    form_id,
                    f"{where}put | between the address {address[0]!r} and the page's title; "
                    f"a source line reads {SOURCE_LINE}",
                )
            elif not _URL.match(url):
                self.fail(
                    form_id,
                    f"{where}{url!r} is not a web address starting with https://; a source line "
                    f"reads {SOURCE_LINE}",
                )
            elif not title or len(parts) > 5:
                self.fail(
                    form_id,
                    f"{where}write the address, then the page's title, the outlet, its date and "
                    "an archived copy's address, separated by | (the first two are needed)",
                )
            else:
                extra = parts[2:] + [""] * (5 - len(parts))
                when = self.when(form_id, extra[1] or None, moment=False)
                archive = extra[2] or None
                if archive and not _URL.match(archive):
                    self.fail(form_id, f"{where}{archive!r} is not a web address")
                out.append(
                    {
                        "url": url,
                        "title": title,
                        "publisher": extra[0] or None,
                        "date": when,
                        "archive_url": archive,
                    }
                )
        return out

    def confirmed(self, elements: list[Element]) -> None:
        for el in elements:
            if el.type == "checkboxes":
                for label in unchecked(el, self.answers.get(el.id)):
                    self.fail(el.id, f"not ticked: {label!r}")


# --- one builder per form: answers → (new file's data) or (existing file, change) -----------


def build_correction(r: Resolver, day: str) -> tuple[str | None, dict[str, Any]]:
    name = r.required("entry")
    target = r.entry("entry", name, None, "entry") if name else None
    note = r.required("corrections_note") or ""
    cited = [
        f"[{s['title']}]({s['url']})" + (f" ({s['publisher']})" if s["publisher"] else "")
        for s in r.sources("sources", required=False)
    ]
    if cited:
        note += "\n\nSource" + ("s: " if len(cited) > 1 else ": ") + "; ".join(cited) + "."
    return target, {"corrections": [{"date": day, "note": note}], "updated": day}


CORRECTION = "correction"  # the form that corrects an entry of any kind


def forms() -> dict[str, Kind | None]:
    """Each issue form's name → the kind whose ``from_form`` or ``change_from_form`` reads
    it; None for the correction form, which applies to every kind."""
    found: dict[str, Kind | None] = {}
    for kind in kinds.current():
        for form in (kind.form, kind.change_form):
            if form:
                found[form] = kind
    return {**found, CORRECTION: None}


# --- writing, and checking what was written ---------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What a proposal became: the file written, and the questions it leaves for the curator
    (a topic the site does not have, a headline an entry has already)."""

    path: Path
    questions: list[str]


def propose(form: str, body: str, entries_dir: Path, forms_dir: Path | None = None) -> Proposal:
    """Write the entry the proposal ``body`` (made with ``form``) describes."""
    every = forms()
    if form not in every:
        raise RecordError(f"no kind reads the form {form!r}: use one of {', '.join(every)}")
    kind = every[form]
    folder = forms_dir or repo_root() / ".github" / "ISSUE_TEMPLATE"
    elements = read_form(folder / f"{form}.yml")
    answers, problems = parse_body(elements, body)
    if not entries_dir.is_dir():
        raise RecordError(f"{display_path(entries_dir)}: no such folder (the entries folder)")
    known = Known.read(entries_dir)
    r = Resolver(elements, answers, known)
    r.problems += problems
    r.confirmed(elements)
    day = today().isoformat()
    if kind is not None and form == kind.form:
        entry_id, data, named_by = kind.from_form(r, day)
        if not r.problems and entry_id in known.entries:
            r.fail(named_by, f"an entry {entry_id!r} exists already")
        _stop(r.problems)
        _ask_if_known(r, kind, data, named_by)
        path = entries_dir / kind.folder / f"{entry_id}.yaml"
        text = "\n".join(mapping_lines(data)) + "\n"
        return Proposal(_write(path, None, text, data, r, entries_dir), r.questions)
    if kind is None:
        target, change = build_correction(r, day)
    else:
        target, change = kind.change_from_form(r, day)
    _stop(r.problems)
    assert target is not None
    path = known.entries[target][2]
    return Proposal(_change(path, change, r, entries_dir), r.questions)


def _stop(problems: list[str]) -> None:
    if problems:
        raise ProposalError(problems)


def _ask_if_known(r: Resolver, kind: Kind, data: dict[str, Any], named_by: str) -> None:
    """A new entry called what an entry of its kind is called already may be that entry."""
    names = r.known.names(kind.name)
    for name in kind.known_as(data):
        if not isinstance(name, str):
            continue
        for other in sorted(names.get(name_key(name), ())):
            r.ask(
                named_by,
                f"this looks like {r.display(other)!r} ({kind.folder}/{other}): is it the same? "
                "If it is, propose a correction to that entry instead; if not, word the "
                "headline so that readers can tell the two apart.",
            )


def _change(path: Path, change: dict[str, Any], r: Resolver, entries_dir: Path) -> Path:
    loaded, problems = reader.read_entry(path)
    problems += loaded.problems if loaded else []
    if loaded is None or problems:
        _stop([f"{display_path(path)} cannot be read ({problems[0].message}): fix it first"])
    assert loaded is not None
    original = path.read_text(encoding="utf-8")  # read_entry has checked it
    tops = {k[0]: m[0] - 1 for k, m in loaded.key_marks.items() if len(k) == 1}
    edit = Appender(original, loaded.data, dict(sorted(tops.items(), key=lambda kv: kv[1])))
    expected = dict(loaded.data)
    try:
        for key, value in change.items():
            if isinstance(value, list):
                old = expected.get(key) or []
                urls = {s.get("url") for s in old if isinstance(s, dict)}
                new = [v for v in value if key != "sources" or v["url"] not in urls]
                new = [{k: x for k, x in v.items() if x is not None} for v in new]
                if new:
                    edit.append_items(key, new)
                    expected[key] = [*old, *new]
            else:
                edit.set_field(key, value)
                expected[key] = value
    except RecordError as exc:
        _stop([f"{display_path(path)}: {exc.message}; a curator has to make this change by hand"])
    return _write(path, original, edit.text(), expected, r, entries_dir)


def _write(
    path: Path, old: str | None, text: str, expected: Any, r: Resolver, entries: Path
) -> Path:
    """Write ``text``, check it reads back as ``expected`` and validates; else put it back."""
    try:
        parsed = reader.parse(path, text).data
    except Reject:
        parsed = None
    if parsed != strip_empty(expected):
        _stop([f"{display_path(path)}: the change could not be written safely; add it by hand"])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("w" if old is not None else "x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        _stop([f"{display_path(path)} exists already"])
    from generator.validate.record import collect

    mine = display_path(path)
    found = [p for p in collect(entries).problems if p.file == mine]
    if found:
        if old is None:
            path.unlink()
        else:
            path.write_text(old, encoding="utf-8", newline="")
        _stop([labelled(p.message, r.labels) for p in found])
    return path
