"""The fast paths of the load step decide what the slow ones decided: the anchor prefilter is
the regular expression it stands for, and the compose loader with its node walk gives the same
data, marks and problems as libyaml's own loader and the walk they replaced (kept here only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.problems import Problem, display_path
from generator.load import reader
from generator.load.reader import _MAYBE_ANCHOR_RE, LoadedFile
from generator.load.yaml_compose import ALLOWED_TAGS, MAX_DEPTH, Reject

SETTINGS = settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every kind of white space and line break, the indicators, and text around them.
ANCHORISH = st.text(
    alphabet="ab &*-?:!,[]{}\n\t'\"#|>%@`.0 \r\x0b\x0c\x1c\x85\xa0\u2028\u3000", max_size=40
)


@SETTINGS
@given(ANCHORISH)
def test_the_anchor_prefilter_is_its_regular_expression(text: str) -> None:
    assert reader._maybe_anchor(text) == bool(_MAYBE_ANCHOR_RE.search(text))


def reference_is_empty(text: str) -> bool:
    return not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    )


@SETTINGS
@given(st.text(alphabet="#a \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000", max_size=20))
def test_an_empty_file_is_told_apart_as_it_was(text: str) -> None:
    assert reader._is_empty(text) == reference_is_empty(text)


@pytest.mark.parametrize(
    "text",
    ["a: &x b\n", "- *x\n", "a: !!str &x b\n", "[&x a]\n", "x: y *z\n", "a: b\n", "!t\t*x\n"],
)
def test_the_anchor_prefilter_on_the_usual_places(text: str) -> None:
    assert reader._maybe_anchor(text) == bool(_MAYBE_ANCHOR_RE.search(text))


# --- the walk that was, over libyaml's loader ------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


def reference_value(
    node: yaml.Node, at: tuple, out: LoadedFile, seen: set[int], depth: int, later: list
) -> Any:
    if id(node) in seen:
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
    if isinstance(node, yaml.SequenceNode):
        return [
            reference_value(item, at + (i,), out, seen, depth + 1, later)
            for i, item in enumerate(node.value)
        ]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise Reject(key_node.start_mark, "a field name must be plain text")
        key = key_node.value
        key_at = at + (key,)
        key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in result:
            first = out.key_marks[key_at][0]
            out.problems.append(
                Problem(
                    display_path(out.path),
                    key_mark[0],
                    key_mark[1],
                    f"duplicate key '{key}' (first on line {first}); YAML would silently keep only "
                    "the last one: remove one of them",
                )
            )
            continue
        out.key_marks[key_at] = key_mark
        result[key] = reference_value(value_node, key_at, out, seen, depth + 1, later)
    return result


def _outcome(text: str) -> Any:
    try:
        loaded = reader.parse(Path("e.yaml"), text)
    except Reject as rej:
        return ("rejected", rej.line, rej.col, rej.message)
    fields = (loaded.data, loaded.marks, loaded.key_marks, loaded.problems, loaded.commented)
    return ("loaded", *fields)


def _reference_outcome(text: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "ComposeLoader", yaml.CSafeLoader)
        patch.setattr(reader, "value_of", reference_value)
        patch.setattr(reader, "_maybe_anchor", lambda t: bool(_MAYBE_ANCHOR_RE.search(t)))
        patch.setattr(reader, "_is_empty", reference_is_empty)
        return _outcome(text)


SCALARS = [
    *("x", "two words", "~", "null", "Null", "", "<<", "=", "<< x", "=x", "!!str <<", "! <<"),
    *("!!python/name:os.system", "!custom x", "!!binary aGk=", "!!map {}", "!!seq []"),
    *("&a x", "*a", "&b [x]", "2025-01-13", "yes", "no", "1.10", "0o17", ".inf", "'quoted'"),
    *('"dq \\u4e00 \\x41"', "'it''s'", '"tab\\there"', "[a, b, [c]]", "{a: 1, b: [x]}"),
    *(">\n  folded\n  text\n", ">-\n  a\n\n  - b\n", "|\n  literal\n", "#comment", "x #c"),
    *("[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]", "[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]", "? x"),
    *("- a", "a: b: c", '"unclosed', "[unclosed", "\t", "{[a]: b}", "小红书"),
]
KEYS = st.sampled_from(["a", "b", "a", "title", "'q k'", "[k]", "? k", "!!str k", "1"])


def _block(draw: st.DrawFn, indent: int, depth: int) -> str:
    """A YAML mapping or list at ``indent``, from SCALARS and nested blocks."""
    pad = " " * indent
    lines = []
    mapping = draw(st.booleans()) or depth == 0
    for _ in range(draw(st.integers(1, 4))):
        nested = depth < 3 and draw(st.integers(0, 3)) == 0
        head = f"{pad}{draw(KEYS)}:" if mapping else f"{pad}-"
        if nested:
            lines.append(head + "\n" + _block(draw, indent + 2, depth + 1))
        else:
            value = draw(st.sampled_from(SCALARS))
            if "\n" in value:
                value = value.replace("\n  ", "\n" + pad + "  ")
            lines.append(f"{head} {value}".rstrip(" ") + ("" if value.endswith("\n") else "\n"))
    return "".join(lines)


@st.composite
def documents(draw: st.DrawFn) -> str:
    return _block(draw, 0, 0)


@SETTINGS
@given(documents())
def test_loading_gives_what_libyamls_loader_and_the_old_walk_gave(text: str) -> None:
    assert _outcome(text) == _reference_outcome(text)


@pytest.mark.parametrize("value", SCALARS)
def test_each_value_loads_as_it_did(value: str) -> None:
    for text in (f"a: {value}\n", f"- {value}\n", f"a:\n  - {value}\n  - {value}\n"):
        assert _outcome(text) == _reference_outcome(text)
