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


def kind_schema(kind: Kind, base: str = "") -> dict[str, Any]:
    """The JSON Schema of one kind's files, from its dataclass's declarations; its ``$id`` is
    its address on the site whose address is ``base`` (relative without one)."""
    declared = own_fields(kind.entry)
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": f"{base}schemas/{kind.name}.schema.json" if base else f"{kind.name}.schema.json",
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
    return for_editors(schema)  # a new tree: the shared definitions are not changed


def for_editors(node: Any) -> Any:
    """``node`` with what editors show beside the validator's own keywords: the message of
    ``x-message`` as ``patternErrorMessage`` (or ``errorMessage``), which VS Code's YAML
    extension shows instead of the bare pattern, and each field's description as its
    ``markdownDescription``, which the extension prefers on hover: a ``$ref``'s target
    (a slug) would otherwise put its own description in place of the field's."""
    if isinstance(node, list):
        return [for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: for_editors(value) for key, value in node.items()}
    if "x-message" in out:
        out["patternErrorMessage" if "pattern" in out else "errorMessage"] = out["x-message"]
    for field in (out.get("properties") or {}).values():
        if isinstance(field, dict) and "description" in field:
            field["markdownDescription"] = field["description"]
    return out


@cache
def _schemas(registry: kinds.Registry, base: str = "") -> dict[str, dict[str, Any]]:
    return {kind.name: kind_schema(kind, base) for kind in registry}


def json_schemas(base: str = "") -> dict[str, dict[str, Any]]:
    """kind → its JSON Schema (a fresh copy each call), with ``$id``s under ``base``."""
    return copy.deepcopy(_schemas(kinds.current(), base))


def schema_for(kind: str) -> dict[str, Any]:
    """The shared (read-only) schema of a kind, for the validator."""
    return _schemas(kinds.current())[kind]


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export(directory: Path, base: str = "") -> list[Path]:
    """Write ``<kind>.schema.json`` files into ``directory`` (``$id``s under the site address
    ``base``); returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in json_schemas(base).items():
        path = directory / f"{kind}.schema.json"
        path.write_text(dumps(schema), encoding="utf-8")
        written.append(path)
    return written


def field_names(kind: str) -> list[str]:
    """Top-level field names of a kind, in schema order."""
    return list(schema_for(kind)["properties"])
