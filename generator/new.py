"""Write a skeleton entry that passes validation, without ever overwriting a file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from generator.config import repo_root
from generator.errors import RecordError
from generator.model import ID_RE, KINDS, PLURAL
from generator.render import make_environment

PLACEHOLDER_URL = "https://example.org/replace-with-the-source-url"


def existing_ids(entries_dir: Path) -> dict[str, Path]:
    """id → file, for every entry file of every kind."""
    found: dict[str, Path] = {}
    for kind in KINDS:
        folder = entries_dir / PLURAL[kind]
        if folder.is_dir():
            for path in sorted(folder.rglob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def create_entry(
    kind: str, entry_id: str, entries_dir: Path, values: dict[str, Any], today: date | None = None
) -> Path:
    """Render the kind's skeleton into ``entries/<kinds>/<id>.yaml``; returns its path."""
    if not ID_RE.fullmatch(entry_id):
        raise RecordError(
            f"{entry_id!r} is not a valid id: use lowercase letters, digits and single hyphens, "
            "for example 2025-01-13-rednote-tops-app-store"
        )
    ids = existing_ids(entries_dir)
    if entry_id in ids:
        raise RecordError(
            f"{ids[entry_id]} already exists; ids are unique across all kinds, "
            "so pick another id (nothing was written)"
        )
    for field in ("speaker", "compiled_by"):
        target = values.get(field)
        if target is not None and ids.get(target, Path()).parent.name != "actors":
            raise RecordError(
                f"--{field.replace('_', '-')} {target!r} is not an actor: create it first with "
                f"`python -m generator new actor {target} --name …`"
            )
    path = entries_dir / PLURAL[kind] / f"{entry_id}.yaml"
    schema = repo_root() / "schemas" / f"{kind}.schema.json"
    context = {
        "added": (today or date.today()).isoformat(),
        "schema_path": Path(os.path.relpath(schema, path.parent)).as_posix(),
        **values,
    }
    text = make_environment().get_template(f"skeletons/{kind}.yaml.j2").render(context)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise RecordError(f"{path} already exists (nothing was written)") from None
    return path
