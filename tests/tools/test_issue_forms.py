"""The issue forms: valid GitHub issue forms whose fields are the entry format's fields."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
FORMS_DIR = ROOT / ".github" / "ISSUE_TEMPLATE"
SCHEMAS = ROOT / "schemas"  # the committed schemas: the single source of truth for field names
DATA = Path(__file__).resolve().parent.parent / "data" / "issue-forms"

ELEMENT_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}
# Ids that are about the proposal rather than a field of the entry, and why they may exist.
NOT_FIELDS = {
    "entry": "which existing entry the proposal changes",
    "checklist": "the contributor's confirmations of the sourcing rules",
}


@dataclass(frozen=True)
class Form:
    kind: str  # whose schema the form's fields come from
    prefix: str | None  # None: top-level fields; "items": fields of one list item, …
    exempt: frozenset[str]  # required fields a curator fills in, not the contributor


FORMS = {
    "event.yml": Form("event", None, frozenset({"added"})),
    "quote.yml": Form("quote", None, frozenset({"added"})),
    "list-item.yml": Form("list", "items", frozenset()),
    # Every kind has the same corrections; the curator dates the fix.
    "correction.yml": Form("event", "corrections", frozenset({"date"})),
}


def load_form(name: str) -> dict[str, Any]:
    return yaml.safe_load((FORMS_DIR / name).read_text(encoding="utf-8"))


def schema(kind: str) -> dict[str, Any]:
    path = SCHEMAS / f"{kind}.schema.json"
    assert path.is_file(), f"{path} is missing: run `make schemas` and commit the result"
    return json.loads(path.read_text(encoding="utf-8"))


def _deref(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def sub_fields(root: dict[str, Any], name: str) -> dict[str, Any]:
    """The fields inside top-level field ``name``: an object's, or an array of objects' items'."""
    node = _deref(root["properties"][name], root)
    if node.get("type") == "array":
        node = _deref(node.get("items", {}), root)
    return node.get("properties", {}) if node.get("type") == "object" else {}


def field_of(form_id: str, root: dict[str, Any]) -> tuple[str, ...] | None:
    """The schema path an id names: ``date`` → (date,), ``zh_title`` → (zh, title), or None."""
    if form_id in root["properties"]:
        return (form_id,)
    for name in root["properties"]:
        rest = form_id.removeprefix(name + "_")
        if rest != form_id and rest in sub_fields(root, name):
            return (name, rest)
    return None


def fields(name: str) -> list[dict[str, Any]]:
    return [el for el in load_form(name)["body"] if el["type"] != "markdown"]


def test_every_form_is_tested() -> None:
    found = {p.name for p in FORMS_DIR.glob("*.yml")} - {"config.yml"}
    assert found == set(FORMS)


def test_forms_and_config_match_githubs_schemas() -> None:
    # check-jsonschema ships SchemaStore's schemas for GitHub's files, so this runs offline.
    for schema_name, files in [
        ("vendor.github-issue-forms", [FORMS_DIR / n for n in sorted(FORMS)]),
        ("vendor.github-issue-config", [FORMS_DIR / "config.yml"]),
    ]:
        proc = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema_name, *files],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout == "ok -- validation done\n"


def test_githubs_schema_check_can_fail() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-issue-forms",
            str(DATA / "broken.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Schema validation errors were encountered." in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_structure(name: str) -> None:
    form = load_form(name)
    assert isinstance(form["name"], str) and form["name"]
    assert isinstance(form["description"], str) and form["description"]
    assert form["title"].startswith("[") and form["title"].endswith("] ")
    assert isinstance(form["labels"], list) and form["labels"]
    assert form["body"][0]["type"] == "markdown", "each form opens with what to expect"
    ids = []
    for element in form["body"]:
        assert element["type"] in ELEMENT_TYPES
        if element["type"] == "markdown":
            assert element["attributes"]["value"].strip()
            continue
        assert element["attributes"]["label"].strip(), element["id"]
        ids.append(element["id"])
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_ids_name_real_fields(name: str) -> None:
    form = FORMS[name]
    root = schema(form.kind)
    unknown = []
    for element in fields(name):
        form_id = element["id"]
        if form_id in NOT_FIELDS:
            continue
        path = field_of(form_id, root)
        if path is None or (form.prefix and path[0] not in (form.prefix, "sources")):
            unknown.append(form_id)
    assert unknown == [], f"{name}: ids that are not fields of the {form.kind} format"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_asks_for_every_required_field(name: str) -> None:
    form = FORMS[name]
    root = schema(form.kind)
    if form.prefix is None:
        required = set(root["required"]) - form.exempt
        wanted = {f: f for f in required}
    else:
        node = _deref(root["properties"][form.prefix], root)
        item = _deref(node["items"], root)
        required = set(item["required"]) - form.exempt
        wanted = {f"{form.prefix}_{f}": f for f in required}
        if form.kind != "event":  # a list item needs a source; a typo's correction does not
            wanted["sources"] = "sources"
    asked = {el["id"]: el for el in fields(name)}
    assert sorted(set(wanted) - set(asked)) == []
    not_required = [i for i in wanted if not asked[i].get("validations", {}).get("required")]
    assert not_required == []


def test_correction_form_targets_the_shared_corrections_field() -> None:
    # The correction form uses the event schema's `corrections`; every kind must share it.
    shapes = {k: sub_fields(schema(k), "corrections") for k in ("event", "quote", "list", "actor")}
    assert all(s == shapes["event"] for s in shapes.values())


def test_ids_resolve_nested_fields() -> None:
    root = {
        "properties": {
            "end_date": {"type": "string"},
            "zh": {"type": "object", "properties": {"title": {}, "summary": {}}},
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        },
        "$defs": {"item": {"type": "object", "properties": {"term": {}}}},
    }
    assert field_of("end_date", root) == ("end_date",)
    assert field_of("zh_title", root) == ("zh", "title")
    assert field_of("items_term", root) == ("items", "term")
    assert field_of("zh_body", root) is None
    assert field_of("headline", root) is None


# Words of the file format that a contributor filling in a form should not need to know.
JARGON = re.compile(r"\b(slugs?|BCP 47|ids?|entries/|\.yaml|YAML)\b", re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms_ask_in_plain_language(name: str) -> None:
    jargon = []
    for element in load_form(name)["body"]:
        attrs = element["attributes"]
        for key in ("label", "description", "placeholder", "value"):
            found = JARGON.findall(str(attrs.get(key, "")))
            if found:
                jargon.append((element.get("id", "markdown"), key, found))
    assert jargon == []


def test_plain_language_check_can_fail() -> None:
    assert JARGON.findall("Ids of actors in entries/actors/, as lowercase slugs")
    assert JARGON.findall("A BCP 47 tag such as zh-Hans")
    assert not JARGON.findall("Names as they appear on the site's Actors page; idea, identity")


def test_the_quote_language_is_chosen_from_plain_names() -> None:
    [lang] = [el for el in fields("quote.yml") if el["id"] == "lang"]
    assert lang["type"] == "dropdown"
    options = lang["attributes"]["options"]
    assert "Chinese (simplified)" in options and "English" in options
    assert not any(re.fullmatch(r"[a-z]{2,3}(-\w+)*", o) for o in options), "names, not tags"


@pytest.mark.parametrize(("name", "field"), [("event.yml", "actors"), ("quote.yml", "speaker")])
def test_people_are_asked_for_by_name(name: str, field: str) -> None:
    [element] = [el for el in fields(name) if el["id"] == field]
    assert "Actors page" in element["attributes"]["description"]
