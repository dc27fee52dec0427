"""The published JSON Schemas: committed copies are current, and tools agree with the validator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import kinds
from generator.core.config import load_config
from generator.format.schema import dumps, json_schemas

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = Path(__file__).parent.parent / "data" / "validate"


def check_jsonschema(kind: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(ROOT / "schemas" / f"{kind}.schema.json"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


SITE = load_config(ROOT / "mkdocs.yml").site_url or ""


@pytest.mark.parametrize("kind", kinds.current().names)
def test_committed_schema_is_current(kind: str) -> None:
    committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == dumps(json_schemas(SITE)[kind]), "run `make schemas` and commit the result"


@pytest.mark.parametrize("kind", kinds.current().names)
def test_a_schemas_id_is_its_address_on_the_site(kind: str) -> None:
    assert SITE.startswith("https://")
    assert json_schemas(SITE)[kind]["$id"] == f"{SITE}schemas/{kind}.schema.json"
    assert json_schemas()[kind]["$id"] == f"{kind}.schema.json"  # no site address: relative


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


@pytest.mark.parametrize("kind", kinds.current().names)
def test_editors_get_the_validators_messages_and_each_fields_own_description(kind: str) -> None:
    schema = json_schemas()[kind]
    for node in _nodes(schema):
        if "x-message" in node:
            shown = node.get("patternErrorMessage") or node.get("errorMessage")
            assert shown == node["x-message"], node
            assert ("patternErrorMessage" in node) == ("pattern" in node), node
        for field in (node.get("properties") or {}).values():
            if "description" in field:
                assert field["markdownDescription"] == field["description"], field
    if kind == "quote":  # a slug's description no longer stands in for the field's on hover
        speaker = schema["properties"]["speaker"]
        assert speaker["$ref"] == "#/$defs/slug"
        assert speaker["markdownDescription"] == "Id of the actor who said or wrote it."


def test_check_jsonschema_with_its_format_checks_refuses_what_the_validator_refuses(
    tmp_path: Path,
) -> None:
    import rfc3987  # noqa: F401 (the test extra that makes check-jsonschema check format: uri)

    from generator.validate.record import collect

    event = tmp_path / "events" / "2025-01-20-x.yaml"
    event.parent.mkdir()
    cases = {
        "added: 2026-02-30": "'2026-02-30' is not a 'date'",
        "date: 2025-02-30": "$.date",
        "url: 'https://example.org/a%zz'": "is not a 'uri'",
        "url: 'https://example.org/a\"b'": "$.sources[0].url",
    }
    for line, fragment in cases.items():
        fields = {"date": "2025-01-20", "url": "https://example.org/a", "added": "2025-01-21"}
        key, value = line.split(": ", 1)
        fields[key] = value
        event.write_text(
            f"title: T\ndate: {fields['date']}\nsummary: S.[1]\nsources:\n"
            f"  - url: {fields['url']}\n    title: A\nadded: {fields['added']}\n",
            encoding="utf-8",
        )
        result = check_jsonschema("event", [event])
        assert result.returncode == 1, line
        assert fragment in result.stdout, (line, result.stdout)
        assert collect(tmp_path).problems, line  # and the validator refuses it too


@pytest.mark.record
@pytest.mark.parametrize("kind", kinds.current().names)
def test_check_jsonschema_accepts_the_repository_entries(kind: str) -> None:
    files = sorted((ROOT / "entries" / kinds.current()[kind].folder).rglob("*.yaml"))
    assert files, f"no {kind} entries"
    result = check_jsonschema(kind, files)
    assert result.returncode == 0, result.stdout + result.stderr


# Bad inputs JSON Schema can express: an editor using the schema rejects them too.
@pytest.mark.parametrize(
    ("case", "kind", "file", "fragment"),
    [
        ("unknown-field", "event", "events/2025-01-13-rednote-tops-app-store.yaml", "sumary"),
        ("missing-field", "actor", "actors/christine-lu.yaml", "'kind' is a required property"),
        ("wrong-types", "event", "events/2025-01-13-rednote-tops-app-store.yaml", "$.title"),
        ("bad-url", "event", "events/2025-01-13-rednote-tops-app-store.yaml", "sources[0].url"),
        ("bad-lang", "quote", "quotes/quote-three-ts.yaml", "$.lang"),
        ("no-translation", "quote", "quotes/quote-three-ts.yaml", "translation"),
        ("empty-sources", "list", "lists/three-ts.yaml", "$.sources"),
    ],
)
def test_check_jsonschema_rejects_what_the_validator_rejects(
    case: str, kind: str, file: str, fragment: str
) -> None:
    result = check_jsonschema(kind, [DATA / case / "entries" / file])
    assert result.returncode == 1
    assert fragment in result.stdout


def test_validator_reads_the_same_schema_it_publishes() -> None:
    from generator.format.schema import schema_for

    for kind in kinds.current().names:
        assert schema_for(kind) == json_schemas()[kind]
