"""Edits of the kinds a contributor makes, applied to a copy of an entries folder: for the tests
that an incremental build, or a preview's, makes the site a cold build makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

TEXT_FIELDS = ("title", "summary", "text", "translation", "context", "description", "name")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def entry_files(entries: Path) -> list[Path]:
    return sorted(entries.rglob("*.yaml"))


def referred(entries: Path, entry_id: str) -> bool:
    """Whether any other entry names ``entry_id`` (as a reference, or anywhere)."""
    return any(
        entry_id in p.read_text(encoding="utf-8")
        for p in entry_files(entries)
        if p.stem != entry_id
    )


def replace_references(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, list):
        return [replace_references(v, old, new) for v in value]
    if isinstance(value, dict):
        return {
            k: v if k == "aliases" else replace_references(v, old, new) for k, v in value.items()
        }
    return value


def apply(entries: Path, edit: str, pick: int) -> None:
    """One edit of the file at index ``pick`` (modulo the number of files)."""
    files = entry_files(entries)
    path = files[pick % len(files)]
    data = load(path)
    if edit == "text":
        field = next((f for f in TEXT_FIELDS if isinstance(data.get(f), str)), None)
        if field:
            data[field] = "Edited: " + data[field]  # no new sentence, which would need a source
            dump(path, data)
    elif edit == "retag":
        pool = sorted({t for p in files for t in load(p).get("tags", [])}) + ["edited-tag"]
        data["tags"] = [pool[pick % len(pool)]]
        dump(path, data)
    elif edit == "correct":
        data.setdefault("corrections", []).append(
            {"date": "2026-11-30", "note": f"A correction to {path.stem}."}
        )
        dump(path, data)
    elif edit == "add":
        data.pop("aliases", None)
        dump(path.with_name(f"{path.stem}-copy.yaml"), data)
    elif edit == "rename" and "-renamed" not in path.stem:
        new = f"{path.stem}-renamed"
        data["aliases"] = [*data.get("aliases", []), path.stem]
        for other in files:
            if other != path:
                before = load(other)
                after = replace_references(before, path.stem, new)
                if after != before:
                    dump(other, after)
        path.unlink()
        dump(path.with_name(f"{new}.yaml"), data)
    elif edit == "delete" and not referred(entries, path.stem):
        path.unlink()


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["text", "retag", "correct", "add", "rename", "delete"]),
        st.integers(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=3,
)
