"""What a build refuses to take from the repository: files from outside it, reached through a
symbolic link, and generated folders (``build/``, ``site/``) that git tracks files in."""

from __future__ import annotations

import os
from pathlib import Path

from generator.core import gitrepo
from generator.core.errors import BuildError
from generator.core.problems import Problem, display_path

GENERATED = ("build", "site")  # next to mkdocs.yml: the build's folders
_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # the generator's own theme
SHOWN = 20  # problems a build error lists


def tracked_output(project: Path, site_dir: Path | None = None) -> list[Problem]:
    """A problem for each file git tracks in ``project``'s generated folders, or in
    ``site_dir``, which a build replaces."""
    project = project.resolve()
    top = gitrepo.top(project)
    if top is None:
        return []
    folders = [project / name for name in GENERATED]
    if site_dir is not None and site_dir.resolve().is_relative_to(top):
        folders.append(site_dir.resolve())
    problems = []
    for name in gitrepo.tracked(top, *folders):
        path = top / name
        folder = next(f for f in folders if path.is_relative_to(f))
        shown = display_path(folder)
        problems.append(
            Problem(
                display_path(path),
                1,
                1,
                f"git tracks this file, but {shown}/ holds what builds make, which is never "
                "committed: whoever builds this branch would take it for their own (a build "
                "cache can run code, a page publish what it holds). Remove it from git: "
                f"git rm -r --cached {shown}",
            )
        )
    return problems


def outside_links(project: Path, folders: list[Path]) -> list[Problem]:
    """A problem for each symbolic link whose target is outside the repository: in
    ``folders`` (what the build copies from: docs/, the theme's override), followed as MkDocs
    follows them, and anywhere in the repository among the files git tracks."""
    top = gitrepo.top(project.resolve())
    allowed = [os.path.realpath(top or project), str(_TEMPLATES)]
    links: dict[str, str] = {}
    for folder in folders:
        links.update(_links_out(folder, allowed))
    if top is not None:
        for name in gitrepo.tracked_symlinks(top, project.resolve()):
            path = os.path.join(top, name)
            if not _within(os.path.realpath(path), allowed):
                links.setdefault(path, os.path.realpath(path))
    return [
        Problem(
            display_path(Path(path), link=True),
            1,
            1,
            f"a symbolic link to {target}, outside the repository: the build would read that "
            "file, and publish it. Put the file itself in the repository, or delete the link",
        )
        for path, target in sorted(links.items())
    ]


def _links_out(folder: Path, allowed: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    if not os.path.lexists(folder):
        return found
    if not _within(os.path.realpath(folder), allowed):
        return {str(folder): os.path.realpath(folder)}
    seen: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a loop of links: MkDocs' own walk would not end
            dirs[:] = []
            continue
        seen.add(real)
        for name in [*dirs, *names]:
            path = os.path.join(root, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not _within(target, allowed):
                    found[path] = target
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in found]
    return found


def _within(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f + os.sep) for f in folders)


def refuse(problems: list[Problem], what: str) -> None:
    """Raise BuildError for ``problems`` (if any), listing them."""
    if not problems:
        return
    lines = "".join(f"\n  {p.file}: {p.message}" for p in problems[:SHOWN])
    more = f"\n  … and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    raise BuildError(f"{what}:{lines}{more}")
