"""Every cache key is made one way (generator.core.hashing): labelled, with framed parts."""

from __future__ import annotations

import ast
from pathlib import Path

from generator.core.hashing import SIZE, Key, key

PACKAGE = Path(__file__).resolve().parent.parent.parent / "generator"


def test_parts_never_run_together_and_labels_keep_keys_apart() -> None:
    assert key("x", "ab", "c") != key("x", "a", "bc")
    assert key("x", "a") != key("y", "a")
    assert key("x", "a") == Key("x").add("a").digest() == Key("x").add(b"a").digest()
    assert len(key("x")) == SIZE and len(Key("x").hexdigest()) == 2 * SIZE


def test_no_other_module_hashes_for_a_key() -> None:
    """hashlib only in the recipe, the cache's seal (a keyed MAC, not a key), the name of a
    checkout's cache folder and the open data's Data Package (each file's SHA-256, which the
    standard names, not a key)."""
    users = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(
            isinstance(n, ast.Import | ast.ImportFrom)
            and "hashlib" in [a.name for a in n.names] + [getattr(n, "module", None)]
            for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        )
    )
    assert users == ["cache/cachedir.py", "cache/sealed.py", "core/hashing.py", "publish/data.py"]
