"""Kinds are declared once: the dataclasses and the schemas cannot drift apart, the schemas use
only what the validator implements, and a kind declared here in tests/ builds a whole site."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator import kinds
from generator.build.pipeline import build_site
from generator.cli.commands import cli
from generator.core.config import load_config
from generator.core.dates import PartialDate
from generator.core.errors import RecordError
from generator.format import schema
from generator.format.fields import is_required, schema_fields, spec
from generator.format.kinds import Kind
from generator.format.model import (
    SCHEMA_DEFS,
    Entry,
    Source,
    declared_fields,
    own_fields,
    reference_fields,
)
from generator.format.urls import Route
from generator.kinds.event import Event
from generator.validate.checker import unsupported
from generator.validate.record import collect

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = Path(__file__).resolve().parent.parent / "data" / "kind-sighting"


# A kind the tool does not ship, declared in the knowledge base's own folder (kinds/sighting.py)
# and put in use by its mkdocs.yml, as a publisher declares one.
SIGHTING = kinds.configured(load_config(DATA / "mkdocs.yml"))["sighting"]
Sighting = SIGHTING.entry


def _throwaway(name: str, entry: type[Entry], **extra: Any) -> Kind:
    """A kind for one test: ``name`` in ``<name>s/``, labelled with its name."""
    label = name.capitalize()
    return Kind(
        name=name,
        entry=entry,
        folder=f"{name}s",
        label=label,
        plural_label=f"{label}s",
        schema_title=label,
        schema_description=f"A {name}.",
        **extra,
    )


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {**SCHEMA_DEFS[name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _assert_fields_match(cls: type, node: dict, where: str) -> None:
    """The dataclass ``cls`` and the object schema ``node`` say the same, field by field."""
    declared = own_fields(cls) if issubclass(cls, Entry) else schema_fields(cls)
    assert [f.name for f in declared] == list(node["properties"]), where
    assert [f.name for f in declared if is_required(f)] == node.get("required", []), where
    hints = typing.get_type_hints(cls)
    for f in declared:
        name = f"{where}.{f.name}"
        tp = hints[f.name]
        optional = typing.get_origin(tp) in (typing.Union, types.UnionType)
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)] if optional else [tp]
        sub = _resolve(f.metadata["schema"])
        expected = sub.get("type")
        expected = "string" if isinstance(expected, list) else expected  # read as text
        if inner in (str, PartialDate, date):
            assert expected == "string", name
            if inner is not str:
                assert sub.get("x-format") == "date", f"{name}: a date field is checked as one"
        elif inner is bool:
            assert expected == "boolean", name
            assert is_required(f) or f.default is False, f"{name}: false unless written"
        elif typing.get_origin(inner) is tuple:
            assert expected == "array", name
            assert is_required(f) or f.default == (), f"{name}: an empty list is its default"
            item = typing.get_args(inner)[0]
            if dataclasses.is_dataclass(item):
                _assert_fields_match(item, _resolve(sub["items"]), name + "[]")
            else:
                assert item is str, name
        else:
            assert dataclasses.is_dataclass(inner), f"{name}: no YAML shape for {inner!r}"
            assert expected == "object", name
            _assert_fields_match(inner, sub, name)
        if not is_required(f):
            absent = f.default == () or f.default is False
            assert optional or absent, f"{name}: optional, so it may be absent"


ALL_KINDS = [*kinds.BUILT_IN, SIGHTING]


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_dataclass_fields_equal_the_schema_properties(kind: Kind) -> None:
    _assert_fields_match(kind.entry, schema.kind_schema(kind), kind.name)


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_every_reference_field_has_a_label_and_every_kind_a_title(kind: Kind) -> None:
    for name, _many in reference_fields(kind.entry):
        field = next(f for f in dataclasses.fields(kind.entry) if f.name == name)
        assert field.metadata.get("label"), f"{kind.name}.{name} names entries: give it a label"
    has_field = any(f.name == "title" for f in dataclasses.fields(kind.entry))
    assert has_field or isinstance(getattr(kind.entry, "title", None), property)


@pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.name)
def test_schemas_use_only_what_the_validator_implements(kind: Kind) -> None:
    assert unsupported(schema.kind_schema(kind)) == []


def test_unsupported_names_each_keyword_type_and_format_the_validator_lacks() -> None:
    wrong = unsupported(
        {
            "type": "object",
            "properties": {
                "a": {"type": "number"},
                "b": {"type": "string", "format": "email"},
                "c": {"type": "array", "items": {"propertyNames": {}}},
                "d": {"x-format": "colour"},
            },
        }
    )
    assert wrong == [
        "#/properties/a/type: the type 'number'",
        "#/properties/b/format: the format 'email'",
        "#/properties/c/items/propertyNames: the keyword 'propertyNames'",
        "#/properties/d/x-format: the x-format 'colour'",
    ]


def test_a_required_field_missing_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="title"):
        Event(id="e", path=Path("e.yaml"), added=date(2025, 1, 1))  # type: ignore[call-arg]


def _write(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_validator_refuses_a_kind_whose_schema_it_cannot_read(tmp_path: Path) -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Note(Entry):
        title: str = spec({"type": "string", "format": "email"})

    note = _throwaway("note", Note)
    _write(tmp_path, "notes/a.yaml", "title: a@example.org\nadded: 2025-01-01\n")
    with kinds.registered(note), pytest.raises(RecordError, match="the format 'email'"):
        collect(tmp_path)


def test_min_length_and_minimum_are_enforced_as_editors_enforce_them(tmp_path: Path) -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Code(Entry):
        code: str = spec({"type": "string", "minLength": 3})
        since: PartialDate = spec("partial_date")

        @property
        def title(self) -> str:
            return self.code

    code = _throwaway("code", Code)
    _write(tmp_path, "codes/a.yaml", "code: ab\nsince: 0999\nadded: 2025-01-01\n")
    with kinds.registered(code):
        result = collect(tmp_path)
    assert [str(p).split(": ", 1)[1] for p in result.problems] == [
        "'code' is 2 characters long; at least 3 are needed",
        "'since': 0999 is less than the minimum, 1000",
    ]


def test_reserved_ids_and_tags_are_derived_from_the_routes() -> None:
    registry = kinds.current()
    assert registry.reserved_ids == {
        "event": {"index"},
        "quote": {"index"},
        "list": {"index", "terms"},
        "actor": {"index"},
    }
    assert registry.reserved_tags == {"index", "page"}
    mapped = _throwaway(
        "place",
        Sighting,
        routes={"map": Route("{folder}/map/index.md"), "atlas": Route("{folder}/atlas.md")},
    )
    try:
        with kinds.registered(mapped) as extended:
            assert extended.reserved_ids["place"] == {"index", "map", "atlas"}
    finally:
        Sighting.KIND = SIGHTING  # declaring a kind binds its class; give it back


def test_a_kind_declared_in_the_knowledge_base_builds_a_whole_site(tmp_path: Path) -> None:
    """Its mkdocs.yml lists the kind by its module, and no quotes, lists or events."""
    with kinds.using(kinds.configured(load_config(DATA / "mkdocs.yml"))):
        result = collect(DATA / "entries")
        assert result.problems == []
        assert result.counts() == {"sighting": 2, "actor": 2}
    built = build_site(DATA / "entries", tmp_path / "site", DATA / "mkdocs.yml", progress=False)
    assert kinds.current().names == ("event", "quote", "list", "actor")  # as before the build
    site = built.site_dir

    page = (site / "sightings/2025-02-01-red-kite/index.html").read_text(encoding="utf-8")
    assert "A red kite over the river" in page and "the river bank" in page
    assert "Witnesses:" in page
    listing = (site / "sightings/index.html").read_text(encoding="utf-8")
    assert "2 sightings" in listing
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "2 sightings, where they were seen" in home

    # "Referred to by" follows from the reference fields and their labels.
    actor = (site / "actors/neighbour/index.html").read_text(encoding="utf-8")
    assert "Sightings (2)" in actor
    assert "(as witness)" in actor and "(as reporter)" in actor

    # The feed, the dataset, the published schema and the Data page's field table follow.
    atom = (site / "feeds/sightings.atom.xml").read_text(encoding="utf-8")
    assert "tag:birds.example.net,2025:sighting/2025-02-01-red-kite" in atom
    assert "Seen at the river bank" in atom
    dataset = json.loads((site / "api/sightings.json").read_text(encoding="utf-8"))
    red_kite = next(e for e in dataset["entries"] if e["id"] == "2025-02-01-red-kite")
    assert red_kite["fields"]["witnesses"] == ["neighbour"]
    published = json.loads((site / "schemas/sighting.schema.json").read_text(encoding="utf-8"))
    assert published["properties"]["witnesses"]["items"]["x-ref"] == "actor"
    data_page = (site / "data/index.html").read_text(encoding="utf-8")
    assert "Who else saw it." in data_page

    # Its pages describe it to machines as the Kind's default: a schema.org CreativeWork.
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    work, breadcrumb = json.loads(block)["@graph"]
    assert (work["@type"], work["name"]) == ("CreativeWork", "A red kite over the river")
    assert [c["name"] for c in breadcrumb["itemListElement"]][1] == "Sightings"


def test_a_kind_declared_in_the_knowledge_base_gets_the_same_checks(tmp_path: Path) -> None:
    _write(tmp_path, "actors/a.yaml", "name: A\nkind: person\nadded: 2025-01-01\n")
    _write(
        tmp_path,
        "sightings/index.yaml",
        "title: T\ndate: 2025\nplace: P\nreported_by: a\nwitnesses: [nobody]\n"
        "sources:\n  - url: https://example.org/\n    title: S\nadded: 2025-01-01\n",
    )
    with kinds.registered(SIGHTING):
        problems = [str(p) for p in collect(tmp_path).problems]
    where = (tmp_path / "sightings/index.yaml").as_posix()
    assert problems == [
        f"{where}:1:1: id 'index' is reserved for the site's listing pages: rename the file, "
        "e.g. index-sighting.yaml",
        f"{where}:5:13: 'witnesses[0]': no entry has the id 'nobody': add it under "
        "entries/actors/ or fix the id",
    ]


def knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sighting knowledge base with only its actors, as the working folder."""
    shutil.copytree(DATA, tmp_path / "kb", ignore=shutil.ignore_patterns("sightings"))
    monkeypatch.chdir(tmp_path / "kb")
    return tmp_path / "kb" / "entries"


def test_a_kind_declared_in_the_knowledge_base_can_be_made_with_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """new takes the kind's own options, checks its references and writes its skeleton."""
    entries = knowledge_base(tmp_path, monkeypatch)
    new = ["new", "sighting", "2025-04-02-grey-heron", "--entries", str(entries)]
    refused = CliRunner().invoke(cli, [*new, "--title", "A grey heron"])
    typo = CliRunner().invoke(cli, [*new, "--reported-by", "birdwatch"])
    made = CliRunner().invoke(
        cli, [*new, "--title", "A heron", "--reported-by", "birdwatcher", "--place", "A canal"]
    )
    quote = CliRunner().invoke(cli, ["new", "quote", "quote-x", "--entries", str(entries)])
    with kinds.using(kinds.in_folder(entries.parent)):
        problems = collect(entries).problems
    assert refused.exit_code == 2
    assert "a sighting needs --reported-by ACTOR_ID" in refused.output
    assert quote.exit_code == 2 and "'quote' is not one of 'sighting', 'actor'" in quote.output
    assert typo.exit_code == 1
    assert "--reported-by 'birdwatch' is not a birder; did you mean 'birdwatcher'?" in typo.output
    assert made.exit_code == 0, made.output
    path = entries / "sightings" / "2025-04-02-grey-heron.yaml"
    assert made.output == f"{path.relative_to(entries.parent)}\n"  # relative to where it ran
    text = path.read_text(encoding="utf-8")
    assert 'place: "A canal"' in text and 'reported_by: "birdwatcher"' in text
    # What is left to fill in is the skeleton's placeholders, and nothing else.
    assert sorted(p.message.split(" ")[0] for p in problems) == [
        "'sources[0].title'",
        "'sources[0].url'",
    ]


def test_a_kind_declared_in_the_knowledge_base_can_be_proposed_with_from_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """from-issue reads the kind's own form (``--forms``) through the kind's ``from_form``."""
    entries = knowledge_base(tmp_path, monkeypatch)
    args = ["from-issue", "--form", "sighting", str(DATA / "sighting-body.md")]
    args += ["--entries", str(entries), "--forms", str(DATA / "forms")]
    result = CliRunner().invoke(cli, args)
    with kinds.using(kinds.in_folder(entries.parent)):
        assert collect(entries).problems == []
    assert result.exit_code == 0, result.output
    path = entries / "sightings" / "2025-04-02-a-grey-heron.yaml"
    assert (
        result.output
        == f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}\n"
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["reported_by"] == "birdwatcher"  # the name on the form, as an id
    assert data["place"] == "The canal"
    monkeypatch.chdir(ROOT)
    without = CliRunner().invoke(cli, args)  # the record's mkdocs.yml does not list the kind
    assert without.exit_code == 2
    assert "'sighting' is not one of" in without.output


# Field names of the built-in kinds that are not also common words of the code ("name",
# "text", "kind" are both): none of them may appear in the generic steps, as a string or an
# attribute, only in its kind's module, its templates and the schemas generated from it.
KIND_SPECIFIC = {
    "speaker",
    "compiled_by",
    "end_date",
    "key_moment",
    "first_seen",
    "name_zh",
    "evidence",
    "handles",
    "translation",
    "term",
    "topic",
    "platform",
    "actors",
}


def test_kind_specific_field_names_stay_in_their_kinds() -> None:
    shared = {f.name for cls in (Entry, Source) for f, _ in declared_fields(cls)}
    declared = {f.name for k in kinds.BUILT_IN for f, _ in declared_fields(k.entry)} - shared
    assert KIND_SPECIFIC <= declared  # the list names real fields of one kind or another
    package = ROOT / "generator"
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.parent.name == "kinds" and path.parent.parent == package:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                word = node.value
            elif isinstance(node, ast.Attribute):
                word = node.attr
            else:
                continue
            if word in KIND_SPECIFIC:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {word}")
    assert found == []
