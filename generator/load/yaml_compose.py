"""Composed YAML nodes → an entry's data, strictly: every scalar stays the text it was written as,
hand-written tags, aliases and deep nesting are refused, and the mark of every value and key is
recorded for the messages (``load`` reads the files and reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from generator.core.problems import Problem, display_path

if TYPE_CHECKING:
    from generator.core.problems import Path_
    from generator.load.loaded import LoadedFile

try:  # libyaml is 8× faster; fall back to the pure-Python loader where it is missing
    Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    Loader = yaml.SafeLoader

MAX_DEPTH = 16
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# The tags libyaml gives plain YAML; anything else (!!python/…, !custom) was written by hand.
ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
# The first characters of the plain scalars that YAML would tag with what is not allowed
# ("<<" a merge key, "=" a value key); every other untagged node gets an allowed tag.
_TAGGED_FIRST = frozenset(
    first
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
    if any(tag not in ALLOWED_TAGS for tag, _regexp in resolvers)
)
_DEFAULT_TAGS = {
    yaml.ScalarNode: Loader.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: Loader.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: Loader.DEFAULT_MAPPING_TAG,
}
_Scalar = yaml.ScalarNode


class ComposeLoader(Loader):  # type: ignore[misc, valid-type]
    """The loader that composes entries. Every scalar stays text, so which allowed tag YAML
    would give an untagged node (int, bool, timestamp…) does not matter: the regular
    expressions that tell them apart run only where the answer could be a refused tag."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is _Scalar and implicit[0] and value[:1] in _TAGGED_FIRST:
            return super().resolve(kind, value, implicit)
        return _DEFAULT_TAGS[kind]

    # The composer tells the resolver where it is, node by node, for path resolvers; this
    # loader has none (yaml_path_resolvers is empty), so there is nothing to keep track of.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class Reject(Exception):
    """The problem that stops a file from loading, at a YAML mark (or line 1)."""

    def __init__(self, mark: yaml.Mark | None, message: str):
        self.line = mark.line + 1 if mark else 1
        self.col = mark.column + 1 if mark else 1
        self.message = message
        self.also: list[tuple[int, int, str]] = []  # later problems found (line, col from 1)

    def problems(self, file: str) -> list[Problem]:
        """This problem and the later ones found, in ``file``."""
        first = Problem(file, self.line, self.col, self.message)
        return [first, *(Problem(file, line, col, message) for line, col, message in self.also)]


def value_of(
    node: yaml.Node,
    at: Path_,
    out: LoadedFile,
    seen: set[int],
    depth: int,
    later: list[tuple[Path_, yaml.ScalarNode]],
) -> Any:
    """The data of ``node``, recording marks in ``out``, and folded scalars (``>``) and empty
    plain ones in ``later``, to check against the text (generator.load.folded_markdown, load)."""
    if id(node) in seen:  # composed aliases share node objects; load's scan catches most
        raise Reject(node.start_mark, "YAML aliases are not allowed: write the value out in full")
    if depth > MAX_DEPTH:
        raise Reject(node.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
    seen.add(id(node))
    out.marks[at] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in ALLOWED_TAGS:
        raise Reject(node.start_mark, f"YAML tag '{node.tag}' is not allowed; remove it")
    if isinstance(node, yaml.ScalarNode):
        if node.style == ">" or (not node.style and not node.value):
            later.append((at, node))
        if node.style is None and node.value in _NULLS:
            return None
        return node.value
    return _children(node, at, out, seen, depth + 1, later)


def _children(
    node: yaml.CollectionNode,
    at: Path_,
    out: LoadedFile,
    seen: set[int],
    depth: int,
    later: list[tuple[Path_, yaml.ScalarNode]],
) -> list[Any] | dict[str, Any]:
    """The list or mapping of ``node``'s children, at ``depth``. A child that is a scalar with
    nothing wrong (nearly every one) is taken here; any other goes through ``value_of``."""
    mapping = not isinstance(node, yaml.SequenceNode)
    result: dict[str, Any] = {}
    items: list[Any] = []
    marks, key_marks = out.marks, out.key_marks
    plain_depth = depth <= MAX_DEPTH
    for i, child in enumerate(node.value):
        if mapping:
            key_node, child = child
            if not isinstance(key_node, yaml.ScalarNode):
                raise Reject(key_node.start_mark, "a field name must be plain text")
            key = key_node.value
            child_at = at + (key,)
            mark = key_node.start_mark
            if key in result:
                _duplicate_key(out, key, key_marks[child_at][0], mark)
                continue
            key_marks[child_at] = (mark.line + 1, mark.column + 1)
        else:
            child_at = at + (i,)
        ident = id(child)
        if (
            child.__class__ is _Scalar
            and plain_depth
            and ident not in seen
            and child.tag in ALLOWED_TAGS
        ):
            seen.add(ident)
            mark = child.start_mark
            marks[child_at] = (mark.line + 1, mark.column + 1)
            style, value = child.style, child.value
            if style == ">" or (not style and not value):
                later.append((child_at, child))
            if style is None and value in _NULLS:
                value = None
        else:
            value = value_of(child, child_at, out, seen, depth, later)
        if mapping:
            result[key] = value
        else:
            items.append(value)
    return result if mapping else items


def _duplicate_key(out: LoadedFile, key: str, first: int, mark: yaml.Mark) -> None:
    """Reported, not fatal, so the rest of the file is still checked. PyYAML would silently
    keep the last value; the first is kept here, and the file fails anyway."""
    out.problems.append(
        Problem(
            display_path(out.path),
            mark.line + 1,
            mark.column + 1,
            f"duplicate key '{key}' (first on line {first}); YAML would silently keep only "
            "the last one: remove one of them",
        )
    )


__all__ = ["ALLOWED_TAGS", "MAX_DEPTH", "ComposeLoader", "Loader", "Reject", "value_of"]
