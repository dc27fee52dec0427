"""The JSON Schemas of the kinds, generated from their declarations, which the validator
interprets and the site publishes (the committed copies are in ``schemas/``)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.format import kinds
from generator.format.fields import SCHEMA_VERSION, is_required
from generator.format.kinds import Kind
from generator.format.model import SCHEMA_DEFS, own_fields

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def kind_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of one kind's files, from its dataclass's declarations."""
    declared = own_fields(kind.entry)
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": f"{kind.name}.schema.json",
        "title": kind.schema_title,
        "description": kind.schema_description
        + f" One YAML file per entry under entries/{kind.folder}/; its id is the file name.",
        "x-schema-version": SCHEMA_VERSION,
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in declared if is_required(f)],
        "properties": {f.name: f.metadata["schema"] for f in declared},
        "$defs": SCHEMA_DEFS,
        **kind.schema_extra,
    }
    return schema


@cache
def _schemas(registry: kinds.Registry) -> dict[str, dict[str, Any]]:
    return {kind.name: kind_schema(kind) for kind in registry}


def json_schemas() -> dict[str, dict[str, Any]]:
    """kind → its JSON Schema (a fresh copy each call)."""
    return copy.deepcopy(_schemas(kinds.current()))


def schema_for(kind: str) -> dict[str, Any]:
    """The shared (read-only) schema of a kind, for the validator."""
    return _schemas(kinds.current())[kind]


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export(directory: Path) -> list[Path]:
    """Write ``<kind>.schema.json`` files into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in json_schemas().items():
        path = directory / f"{kind}.schema.json"
        path.write_text(dumps(schema), encoding="utf-8")
        written.append(path)
    return written


def field_names(kind: str) -> list[str]:
    """Top-level field names of a kind, in schema order."""
    return list(schema_for(kind)["properties"])
