"""Check the build's own output: every page's front matter parses to exactly what was written."""

from __future__ import annotations

import re
from typing import Any

import yaml
from mkdocs.utils.meta import YAML_RE

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# What a generated page's front matter may hold: printable ASCII and newlines. Entry text goes
# in only through render's front_matter_text filter, which escapes everything else.
_GENERATED_FRONT_MATTER_RE = re.compile(r"[\x20-\x7e\n]*")


def front_matter_problem(
    src: str, source: str, meta: dict[str, Any], markdown: str, *, generated: bool
) -> str | None:
    """What is wrong with the front matter of page ``src``, or None.

    ``source`` is the page's text as written; ``meta`` and ``markdown`` are what MkDocs made of
    it. ``generated`` pages (rendered from entries) are held to the stricter rule that their
    front matter is printable ASCII.
    """
    match = YAML_RE.match(source)
    if match is None:
        if source.startswith("---"):
            return (
                f"{src}: the page starts with '---' but has no closing '---' line, so its "
                "front matter would be shown as text"
            )
        return None
    block = match.group(1)
    if generated and not _GENERATED_FRONT_MATTER_RE.fullmatch(block):
        bad = next(ch for ch in block if not _GENERATED_FRONT_MATTER_RE.fullmatch(ch))
        return (
            f"{src}: generated front matter holds the character U+{ord(bad):04X}; entry text "
            "must reach front matter through the front_matter_text filter"
        )
    if meta and not markdown.lstrip().startswith("---"):
        # MkDocs parsed the block to a mapping with the same loader (mkdocs.utils.meta): parsing
        # it again would give the same. The block is parsed again only to say what is wrong.
        return None
    try:
        data = yaml.load(block, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f":{where.line + 2}" if where is not None else ""  # the block starts on line 2
        reason = getattr(exc, "problem", None) or str(exc)
        return f"{src}{at}: the front matter is not valid YAML: {reason}; fix or remove it"
    if not isinstance(data, dict):
        return f"{src}: the front matter must be a mapping of fields such as `title: …`"
    if data != meta or markdown.lstrip().startswith("---"):
        return f"{src}: MkDocs read the front matter differently from how it parses"
    return None
