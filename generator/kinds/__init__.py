"""The built-in kinds, and the kinds a knowledge base puts in use (``extra.record.kinds``)."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.core import hashing
from generator.core.config import SiteConfig, load_config
from generator.core.errors import ConfigError
from generator.format.kinds import Kind, Registry, current, registered, using
from generator.format.model import referred_kinds
from generator.kinds import actor, censorship_list, event, quote

# In the order the site presents them.
BUILT_IN: tuple[Kind, ...] = (event.KIND, quote.KIND, censorship_list.KIND, actor.KIND)
# What a kind's entry may set.
SETTINGS = ("label", "plural_label", "page_size", "cite_every_sentence", "module")
_EXAMPLE = "kinds: [event, quote, actor]"

__all__ = [
    "BUILT_IN",
    "Kind",
    "Registry",
    "configured",
    "current",
    "in_folder",
    "registered",
    "unmet",
    "using",
]


def configured(config: SiteConfig) -> Registry:
    """The kinds ``extra.record.kinds`` lists, in its order and with its settings; every
    built-in kind when it lists none. ConfigError names what is wrong."""
    where = f"{config.path}: extra.record.kinds"
    listed = ((config.raw.get("extra") or {}).get("record") or {}).get("kinds")
    if listed is None:
        return Registry(BUILT_IN)
    if not isinstance(listed, list) or not listed:
        raise ConfigError(f"{where} must be a list of kinds, for example `{_EXAMPLE}`")
    chosen = [_kind(item, config.root, where) for item in listed]
    names = [k.name for k in chosen]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{where} lists {', '.join(twice)} more than once")
    try:
        registry = Registry(tuple(chosen))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    found = unmet(chosen)
    if found:
        kind, missing = found
        raise ConfigError(
            f"{where}: {kind.plural_label.lower()} name {', '.join(missing)} entries "
            f"(fields such as a speaker or the actors involved), so the "
            f"{' and '.join(missing)} kind must be listed too"
        )
    return registry


def unmet(chosen: Sequence[Kind]) -> tuple[Kind, list[str]] | None:
    """The first of ``chosen`` whose entries name entries of kinds not chosen, with those
    kinds: a reference to a kind not in use would have no page to link to."""
    names = {k.name for k in chosen}
    for kind in chosen:
        missing = sorted(referred_kinds(kind.entry) - names)
        if missing:
            return kind, missing
    return None


def in_folder(root: Path) -> Registry:
    """The kinds of the knowledge base in ``root``: its mkdocs.yml's, or every built-in kind
    when it has none."""
    config = root / "mkdocs.yml"
    return configured(load_config(config)) if config.is_file() else Registry(BUILT_IN)


def _kind(item: Any, root: Path, where: str) -> Kind:
    """One item of the list: ``name``, or ``name: {settings}``."""
    if isinstance(item, str):
        name, settings = item, {}
    elif isinstance(item, dict) and len(item) == 1:
        ((name, settings),) = item.items()
        settings = {} if settings is None else settings
    else:
        raise ConfigError(
            f"{where}: {item!r} is not a kind; write a kind's name (`- quote`), or its name "
            "and settings (`- quote: {label: Quote, page_size: 50}`)"
        )
    if not isinstance(name, str) or not isinstance(settings, dict):
        raise ConfigError(f"{where}: {name!r} must be a name with a mapping of settings")
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"{where}: {name} has no setting {', '.join(unknown)}; use {', '.join(SETTINGS)}"
        )
    built_in = {k.name: k for k in BUILT_IN}
    if "module" in settings:
        kind = _own(name, settings["module"], root, where)
    elif name in built_in:
        kind = built_in[name]
    else:
        raise ConfigError(
            f"{where}: there is no built-in kind called {name!r} (there are "
            f"{', '.join(built_in)}); a kind of your own names its module: "
            f"`- {name}: {{module: kinds/{name}.py}}`"
        )
    changes: dict[str, Any] = {}
    for key in ("label", "plural_label"):
        if key in settings:
            value = settings[key]
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: {name}'s {key} must be text")
            changes[key] = value.strip()
    if "page_size" in settings:
        size = settings["page_size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ConfigError(f"{where}: {name}'s page_size must be a whole number above 0")
        changes["page_size"] = size
    if "cite_every_sentence" in settings:
        value = settings["cite_every_sentence"]
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name}'s cite_every_sentence must be true or false")
        if value and not kind.cited:
            raise ConfigError(f"{where}: {name} has no text that cites its sources")
        changes["cite_every_sentence"] = value
    if not changes:
        return kind
    relabelled = dataclasses.replace(kind, **changes)
    kind.entry.KIND = kind  # the copy bound the class to itself: only ``using`` binds it
    return relabelled


def _own(name: str, module: Any, root: Path, where: str) -> Kind:
    """The ``KIND`` that the knowledge base's module file defines."""
    if not isinstance(module, str) or not module.endswith(".py"):
        raise ConfigError(f"{where}: {name}'s module must be a .py file, such as kinds/{name}.py")
    path = (root / module).resolve()
    if not path.is_file():
        raise ConfigError(f"{where}: {name}'s module {module} is not a file in {root}")
    loaded = _load(path)
    kind = getattr(loaded, "KIND", None)
    if not isinstance(kind, Kind):
        raise ConfigError(f"{path}: defines no KIND (a generator.format.kinds.Kind)")
    if kind.name != name:
        raise ConfigError(f"{path}: its KIND is called {kind.name!r}, not {name!r}")
    return kind


def _load(path: Path) -> Any:
    """The module at ``path``, run once per file and content, under a name of its own (the
    cache pickles its entries' classes by that name)."""
    data = path.read_bytes()
    name = f"sourceline_kind_{hashing.key('kind module', str(path)).hex()[:12]}"
    loaded = sys.modules.get(name)
    if loaded is not None and getattr(loaded, "__source_hash__", None) == hash(data):
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the knowledge base's code: say where it failed, no traceback
        del sys.modules[name]
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
        line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
        line = line or (frames[-1].lineno if frames else None)
        at = f"{path}:{line}" if line else str(path)
        reason = traceback.format_exception_only(exc)[-1].strip()
        raise ConfigError(f"{at}: the kind's module failed to load: {reason}") from None
    module.__source_hash__ = hash(data)
    return module
