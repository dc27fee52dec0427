"""The schema checker: one entry's data against its kind's JSON Schema → Problems."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.core.dates import PartialDate
from generator.core.problems import Problem, display_path, field_name
from generator.validate.schema_check import compiler_for, matches
from generator.validate.value_rules import article

if TYPE_CHECKING:
    from generator.core.problems import Path_
    from generator.load.loaded import LoadedFile


# Every keyword the checker implements; a schema using another is refused (``unsupported``).
# Annotations (title, description, $schema, $id, x-schema-version) are read by people only, and
# patternErrorMessage, errorMessage and markdownDescription by editors.
KEYWORDS = frozenset(
    {
        "$schema", "$id", "$defs", "$ref", "title", "description", "x-schema-version",
        "type", "enum", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
        "items", "minItems", "maxItems", "uniqueItems",
        "properties", "required", "additionalProperties",
        "anyOf", "not", "if", "then",
        "x-format", "x-ref", "x-message",
        "patternErrorMessage", "errorMessage", "markdownDescription",
    }
)  # fmt: skip
TYPES = frozenset({"string", "array", "object", "boolean"})  # ["string", "integer"]: as text
FORMATS = frozenset({"uri", "date"})
X_FORMATS = frozenset({"date", "markdown"})


def unsupported(schema: Any, at: str = "#") -> list[str]:
    """Where ``schema`` uses a keyword, type or format this checker does not implement."""
    out: list[str] = []
    if isinstance(schema, list):
        for i, sub in enumerate(schema):
            out += unsupported(sub, f"{at}/{i}")
        return out
    if not isinstance(schema, dict):
        return out
    for key, value in schema.items():
        where = f"{at}/{key}"
        if key not in KEYWORDS:
            out.append(f"{where}: the keyword {key!r}")
            continue
        if key == "type":
            types = value if isinstance(value, list) else [value]
            if not (set(types) <= TYPES or set(types) == {"string", "integer"}):
                out.append(f"{where}: the type {value!r}")
        elif key == "format" and value not in FORMATS:
            out.append(f"{where}: the format {value!r}")
        elif key == "x-format" and value not in X_FORMATS:
            out.append(f"{where}: the x-format {value!r}")
        elif key in ("properties", "$defs"):
            for name, sub in value.items():
                out += unsupported(sub, f"{where}/{name}")
        elif key in ("items", "anyOf", "not", "if", "then"):
            out += unsupported(value, where)
    return out


class Checker:
    """One entry's data against its kind's schema: the problems found, the dates read (for
    the checks after the schema's) and the references to other entries (for the corpus's).

    ``label`` names the kind in messages ("Court case").
    """

    def __init__(self, loaded: LoadedFile, root: dict[str, Any], label: str):
        self.loaded = loaded
        self.root = root
        self.label = label
        self.problems: list[Problem] = []
        self.references: list[tuple[Path_, str, str]] = []  # (where, target id, required kind)
        self.dates: dict[Path_, PartialDate] = {}
        self.texts: list[tuple[Path_, str]] = []  # Markdown text that passed, where it is
        self._compiled = compiler_for(root)
        self._file: str | None = None

    def report(self, at: Path_, message: str, key: bool = False) -> None:
        line, col = self.loaded.mark(at, key=key)
        if self._file is None:  # display_path resolves the path: once per entry will do
            self._file = display_path(self.loaded.path)
        self.problems.append(Problem(self._file, line, col, message))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Merge a ``$ref`` with the keywords beside it (the local ones win). Read only."""
        return self._compiled.resolve(node)

    def matches(self, value: Any, node: dict[str, Any]) -> bool:
        """Whether ``value`` satisfies ``node``, without reporting (for if/anyOf/not)."""
        return matches(self._compiled.compile(node), value, (), self)

    def check(self, value: Any, node: dict[str, Any], at: Path_) -> None:
        """Check ``value``, found at ``at``, against ``node`` of this checker's schema."""
        self._compiled.compile(node)(value, at, self)


__all__ = ["FORMATS", "KEYWORDS", "TYPES", "Checker", "article", "field_name", "unsupported"]
