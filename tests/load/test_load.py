"""The loader's fast paths: the anchor prefilter never misses what libyaml's scanner finds, and
only folded scalars go to the folded-list check (load/folded_markdown.py, test_folded.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import reader
from generator.load.reader import _MAYBE_ANCHOR_RE, parse

YAMLISH = st.text(alphabet="ab &*-?:!,[]{}\n\t'\"#|>%@`.0 ", max_size=40)


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(YAMLISH)
def test_prefilter_is_a_superset_of_anchor_and_alias_tokens(text: str) -> None:
    try:
        tokens = list(yaml.scan(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        tokens = []
        # Tokens before the error still count: the real scan would reject on the first one.
        try:
            for token in yaml.scan(text, Loader=yaml.CSafeLoader):
                tokens.append(token)
        except yaml.YAMLError:
            pass
    if any(isinstance(t, (yaml.AnchorToken, yaml.AliasToken)) for t in tokens):
        assert _MAYBE_ANCHOR_RE.search(text), repr(text)


def test_prose_with_ampersands_and_emphasis_skips_the_scan() -> None:
    text = "title: Dorsey & Whitney\nsummary: >-\n  In *TikTok v. Garland*, the Court ruled.\n"
    assert not _MAYBE_ANCHOR_RE.search(text)


def test_only_folded_scalars_are_given_to_the_folded_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list] = []
    monkeypatch.setattr(reader, "folded_problems", lambda _l, _t, nodes: seen.append(nodes) or [])
    plain = "title: T\nsummary: |-\n  Intro:\n\n  - a\nnote: '- b'\ntags: [x]\n"
    reader.parse(Path("e.yaml"), plain)
    assert seen == []  # no folded scalar: the text is not even split into lines
    reader.parse(Path("e.yaml"), plain + "zh:\n  summary: >-\n    text\nitems:\n  - >\n    x\n")
    assert [[at for at, _node in nodes] for nodes in seen] == [[("zh", "summary"), ("items", 0)]]


def test_a_folded_list_is_reported_without_stopping_the_load() -> None:
    text = "title: T\nsummary: >-\n  Intro:\n\n  - a\ntitle: U\nadded: 2025-01-01\n"
    loaded = parse(Path("e.yaml"), text)
    assert loaded.data == {"title": "T", "summary": "Intro:\n- a", "added": "2025-01-01"}
    assert [(p.line, p.message.split(":")[0]) for p in loaded.problems] == [
        (6, "duplicate key 'title' (first on line 1); YAML would silently keep only the last one"),
        (5, "'summary'"),
    ]
