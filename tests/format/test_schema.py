"""The published JSON Schemas: committed copies are current, and tools agree with the validator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import kinds
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


@pytest.mark.parametrize("kind", kinds.current().names)
def test_committed_schema_is_current(kind: str) -> None:
    committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == dumps(json_schemas()[kind]), "run `make schemas` and commit the result"


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
