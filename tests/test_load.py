"""The loader's fast path: the anchor prefilter never misses what libyaml's scanner finds."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import _MAYBE_ANCHOR_RE

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
