"""The package's shape: its subpackages are the pipeline's steps, ranked, and a module imports
only its own package or lower ranks, counting every import (in functions and under
``if TYPE_CHECKING`` too). No import circle; MkDocs only in the engine, click only in the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent.parent / "generator"

# Lowest first: a package may import the ones above it in this list, never those below.
RANKS = (
    "generator",  # the version
    "generator.core",  # dates, markup, problems and errors, configuration, helpers
    "generator.format",  # the record's format: fields, entries, URLs, schemas, what a kind is
    "generator.load",  # reading entry files
    "generator.validate",  # checking them
    "generator.site",  # which pages exist, and rendering them
    "generator.kinds",  # the built-in kinds, found by name (format.kinds.BUILT_IN_KINDS)
    "generator.publish",  # feeds, open data, search, the site folder
    "generator.engine",  # MkDocs and Material, behind one seam
    "generator.cache",  # the build cache
    "generator.build",  # the build, from entries to a published site
    "generator.tools",  # contributor tools: new, from-issue, link check, archive, serve
    "generator.cli",  # the command line
    "generator.__main__",
)
OWNERS = {"mkdocs": "generator.engine", "material": "generator.engine", "click": "generator.cli"}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, name: str, modules: set[str]) -> list[tuple[int, str]]:
    """Every module ``path`` imports (package modules by their full name, others by their top
    name), with the line: at the top, in functions and under ``if TYPE_CHECKING``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if sub in modules else base))
    return found


def package_of(name: str) -> str:
    """The ranked package a module belongs to."""
    return max((r for r in RANKS if name == r or name.startswith(r + ".")), key=len)


def violations(root: Path) -> list[str]:
    """Imports that break the ranks or the owners, and import circles, in the package at root."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    found: list[str] = []
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        where = path.relative_to(root.parent)
        graph[name] = set()
        for line, target in imports(path, name, set(paths)):
            top = target.partition(".")[0]
            if top in OWNERS and not package_of(name).startswith(OWNERS[top]):
                found.append(f"{where}:{line}: imports {top}, which only {OWNERS[top]} may")
            if target not in paths:
                continue
            graph[name].add(target)
            mine, theirs = package_of(name), package_of(target)
            if mine != theirs and RANKS.index(theirs) > RANKS.index(mine):
                found.append(f"{where}:{line}: {mine} imports {target}, a higher rank")
    found += [f"import circle: {' → '.join(c)}" for c in circles(graph)]
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            out.append(stack[stack.index(name) :] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, stack + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return out


def test_the_package_keeps_its_ranks_and_has_no_import_circle() -> None:
    assert violations(PACKAGE) == []


def test_every_module_is_in_a_ranked_package() -> None:
    """A new folder must take its place in RANKS, or the ranks say nothing about it."""
    folders = {
        module_name(p, PACKAGE) for p in PACKAGE.rglob("__init__.py") if "templates" not in p.parts
    }
    assert folders <= set(RANKS)
    assert {module_name(p, PACKAGE) for p in PACKAGE.glob("*.py")} == {
        "generator",
        "generator.__main__",
    }


def test_only_the_kind_registry_imports_by_name() -> None:
    """The ranks see every import statement; the registry's import of the built-in kinds by
    name is the one import they cannot see, and it stays the only one."""
    dynamic = sorted(
        str(p.relative_to(PACKAGE.parent))
        for p in PACKAGE.rglob("*.py")
        if "import_module(" in p.read_text(encoding="utf-8")
        or "__import__(" in p.read_text(encoding="utf-8")
    )
    assert dynamic == ["generator/format/kinds.py"]


def test_no_module_imports_another_modules_private_names() -> None:
    paths = {module_name(p, PACKAGE): p for p in PACKAGE.rglob("*.py")}
    private = []
    for name, path in paths.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                private += [
                    f"{name} imports {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert private == []


# --- the checks fail on what they are meant to catch -----------------------------------------


def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "generator"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for folder in [p for p in root.rglob("*") if p.is_dir()]:
        (folder / "__init__.py").touch()
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # an upward import in a function
            {
                "core/dates.py": "def f():\n    from generator.site import render\n",
                "site/render.py": "",
            },
            "generator/core/dates.py:2: generator.core imports generator.site.render, "
            "a higher rank",
        ),
        (  # an upward import for type hints only
            {
                "format/model.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from generator.validate.checker import Checker\n",
                "validate/checker.py": "",
            },
            "generator/format/model.py:3: generator.format imports generator.validate.checker, "
            "a higher rank",
        ),
        (  # a relative import
            {"load/reader.py": "from ..cache import store\n", "cache/store.py": ""},
            "generator/load/reader.py:1: generator.load imports generator.cache.store, "
            "a higher rank",
        ),
        (  # MkDocs outside the engine
            {"publish/feeds.py": "import mkdocs.config\n"},
            "generator/publish/feeds.py:1: imports mkdocs, which only generator.engine may",
        ),
        (  # click outside the CLI
            {"core/errors.py": "def f():\n    import click\n"},
            "generator/core/errors.py:2: imports click, which only generator.cli may",
        ),
        (  # a circle within one package, through a function-level import
            {
                "site/a.py": "from generator.site import b\n",
                "site/b.py": "def f():\n    from generator.site import a\n",
            },
            "import circle: generator.site.a → generator.site.b → generator.site.a",
        ),
    ],
)
def test_the_checks_catch_a_planted_mistake(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert violations(_plant(tmp_path, files)) == [expected]


def test_a_downward_import_is_fine(tmp_path: Path) -> None:
    files = {"site/render.py": "from generator.core import dates\n", "core/dates.py": ""}
    assert violations(_plant(tmp_path, files)) == []
