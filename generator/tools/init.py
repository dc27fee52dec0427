"""Start a knowledge base: ``init`` writes a folder that validates, builds and serves at once."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from generator import COMMAND, NAME, __version__
from generator import kinds as kinds_in_use
from generator.core.config import is_language, load_config
from generator.core.errors import RecordError
from generator.core.problems import display_path
from generator.format import kinds, schema
from generator.format.kinds import TEMPLATES_DIR, Kind
from generator.load.examples import MARKER
from generator.publish import feeds
from generator.validate.record import collect

SCAFFOLD = TEMPLATES_DIR / "init"
DEFAULT_KINDS = ("event", "quote", "actor")
# Names the scaffold's files cannot have in a package (dot files), and what they become.
RENAMED = {"github": ".github", "gitignore": ".gitignore"}
DOT_FILES = {"pre-commit-config.yaml": ".pre-commit-config.yaml"}
FORMS = Path("github/ISSUE_TEMPLATE")
ALWAYS_FORMS = {"correction", "config"}  # the correction form works for every kind


@dataclass(frozen=True)
class Answers:
    """What ``init`` asks: the site's name, address, feed id authority, languages and kinds."""

    name: str
    url: str
    authority: str
    languages: tuple[str, ...] = ("en",)
    kinds: tuple[str, ...] = DEFAULT_KINDS
    description: str = ""


def checked(answers: Answers) -> Answers:
    """``answers`` made whole (the URL ends in /, a description), or RecordError saying which
    flag is wrong and what to give."""
    name = answers.name.strip()
    if not name:
        raise RecordError("--name: give the knowledge base's name, as readers will see it")
    url = answers.url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RecordError(
            f"--url {url!r} is not a web address: give the address the site will have, such "
            "as https://example.org/record/"
        )
    url = url if url.endswith("/") else url + "/"
    if not feeds.is_authority(answers.authority.strip()):
        raise RecordError(
            f"--authority {answers.authority!r} is not a feed id authority: give a domain or "
            "e-mail address you control, a comma and the year you held it, such as "
            f"{feeds.suggested_authority(url)!r}"
        )
    for code in answers.languages:
        if not is_language(code):
            raise RecordError(
                f"--language {code!r} is not a language code (BCP 47, such as en, fr or zh-Hant)"
            )
    built_in = {k.name: k for k in kinds_in_use.BUILT_IN}
    unknown = [k for k in answers.kinds if k not in built_in]
    if unknown or not answers.kinds:
        raise RecordError(
            f"--kind: {', '.join(unknown) or 'none given'}: choose among {', '.join(built_in)}; "
            "a kind of your own is added afterwards (see the guide, docs/publishing.md)"
        )
    chosen = [k for k in built_in if k in answers.kinds]  # in the built-in order
    found = kinds_in_use.unmet([built_in[k] for k in chosen])
    if found:
        kind, missing = found
        raise RecordError(
            f"--kind {kind.name} needs --kind {' --kind '.join(missing)} too: "
            f"{kind.plural_label.lower()} name {', '.join(missing)} entries"
        )
    description = answers.description.strip() or f"{name}: a sourced knowledge base."
    return Answers(
        name, url, answers.authority.strip(), tuple(answers.languages), tuple(chosen), description
    )


def init(target: Path, answers: Answers, today: date | None = None) -> list[Path]:
    """Write a new knowledge base into ``target`` (a new or empty folder); returns the files,
    relative to it. Nothing is left behind when it fails."""
    answers = checked(answers)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise RecordError(
            f"{display_path(target)} is not an empty folder: init writes only into a new or "
            "empty one, so that nothing of yours is overwritten (nothing was written)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    try:
        written = _write(work, answers, today or date.today())
        if target.exists():
            target.rmdir()  # empty, as checked
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return written


def _write(root: Path, answers: Answers, today: date) -> list[Path]:
    registry = kinds.Registry(tuple(k for k in kinds_in_use.BUILT_IN if k.name in answers.kinds))
    forms = {f for k in registry for f in (k.form, k.change_form) if f} | ALWAYS_FORMS
    context = {
        "name": answers.name,
        "url": answers.url,
        "authority": answers.authority,
        "languages": list(answers.languages),
        "description": answers.description,
        "kinds": list(registry.names),
        "names": list(registry.names),
        "kind_info": [_kind_context(k, today) for k in registry],
        "labels": {k.name: k.label.lower() for k in registry},
        "command": COMMAND,
        "tool": NAME,
        "version": __version__,
        "marker": MARKER,
        "today": today.isoformat(),
    }
    env = _environment()
    written = []
    for source in _sources(SCAFFOLD):
        if source.parts[0] == "examples":
            continue
        if source.parent == FORMS and source.name.split(".")[0] not in forms:
            continue
        written.append(_put(root, _destination(source), _render(env, source, context)))
    for kind in registry:  # a kind's own files: its issue form
        for source in _sources(kind.templates, Path("kinds") / kind.name / "init" / "files"):
            dest = _destination(source.relative_to(Path("kinds") / kind.name / "init" / "files"))
            written.append(_put(root, dest, _render(env, source, context)))
    for kind in registry:
        example = Path("examples") / f"{kind.name}.yaml.j2"
        dest = Path("entries") / kind.folder / f"{_example_id(kind, today)}.yaml"
        written.append(_put(root, dest, env.get_template(example.as_posix()).render(context)))
    config = load_config(root / "mkdocs.yml")
    with kinds.using(kinds_in_use.configured(config)):
        written += [p.relative_to(root) for p in schema.export(root / "schemas", config.site_url)]
        problems = collect(root / "entries").problems
    if problems:  # the examples are the tool's own: a problem here is a bug in it
        raise RecordError("init wrote examples that do not validate: " + str(problems[0]))
    return sorted(written)


def _kind_context(kind: Kind, today: date) -> dict[str, Any]:
    return {
        "name": kind.name,
        "folder": kind.folder,
        "label": kind.label,
        "plural_label": kind.plural_label,
        "index_src": kind.index_src,
        "nav_title": "Timeline" if kind.index_src.startswith("timeline/") else kind.plural_label,
        "example_id": _example_id(kind, today).replace("example", "first"),
    }


def _example_id(kind: Kind, today: date) -> str:
    return {"event": f"{today.isoformat()}-example-event", "actor": "example-organisation"}.get(
        kind.name, f"example-{kind.name}"
    )


def _environment() -> jinja2.Environment:
    """Jinja with brackets for delimiters: the scaffold's files hold GitHub's ``${{ }}``."""
    env = jinja2.Environment(
        # The kinds' own parts (kinds/<name>/init/) are found under the generator's templates.
        loader=jinja2.FileSystemLoader([SCAFFOLD, TEMPLATES_DIR]),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    # JSON is YAML: a scalar or a list written so that no character means something else.
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)
    env.filters["yaml_flow"] = lambda value: json.dumps(list(value), ensure_ascii=False)
    return env


def _sources(root: Path, under: Path = Path()) -> Iterator[Path]:
    """The files under ``root``/``under``, relative to ``root`` (as the loader names them)."""
    for path in sorted((root / under).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(root)


def _destination(source: Path) -> Path:
    parts = [RENAMED.get(part, part) for part in source.parts]
    name = parts[-1].removesuffix(".j2")
    parts[-1] = DOT_FILES.get(name, name)
    return Path(*parts)


def _render(env: jinja2.Environment, source: Path, context: dict[str, Any]) -> str:
    if source.suffix != ".j2":  # copied as it is (the workflows, whose ${{ }} stay)
        return (SCAFFOLD / source).read_text(encoding="utf-8")
    return env.get_template(source.as_posix()).render(context)


def _put(root: Path, rel: Path, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel
