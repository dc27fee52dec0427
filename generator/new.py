"""Write a skeleton entry that passes validation, without ever overwriting a file."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from generator import kinds, load, urls
from generator.config import repo_root
from generator.errors import RecordError
from generator.kinds.base import Kind
from generator.render import make_environment
from generator.validate import ID_RE

PLACEHOLDER_URL = "https://example.org/replace-with-the-source-url"


def existing_ids(entries_dir: Path) -> dict[str, tuple[Kind, Path]]:
    """id → (kind, file), for every entry file of every kind."""
    found: dict[str, tuple[Kind, Path]] = {}
    files, _problems = load.discover(entries_dir)  # validate reports misplaced files
    for kind, path in files:
        found.setdefault(path.stem, (kind, path))
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
            f"{ids[entry_id][1]} already exists; ids are unique across all kinds, "
            "so pick another id (nothing was written)"
        )
    for field in ("speaker", "compiled_by"):
        target = values.get(field)
        if target is not None and (target not in ids or ids[target][0].name != "actor"):
            raise RecordError(
                f"--{field.replace('_', '-')} {target!r} is not an actor: create it first with "
                f"`python -m generator new actor {target} --name …`"
            )
    the_kind = kinds.current()[kind]
    path = entries_dir / the_kind.folder / f"{entry_id}.yaml"
    schema = repo_root() / urls.SCHEMA.src(name=kind)
    context = {
        "added": (today or date.today()).isoformat(),
        "schema_path": Path(os.path.relpath(schema, path.parent)).as_posix(),
        **values,
    }
    template = make_environment().get_template(the_kind.template("skeleton.yaml.j2"))
    text = template.render(context)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise RecordError(f"{path} already exists (nothing was written)") from None
    return path
