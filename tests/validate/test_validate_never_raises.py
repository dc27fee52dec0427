"""Property: no input, valid or not, makes the loader or validator raise; every problem points
at a file written for the test, at a line and column from 1."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.problems import display_path
from generator.validate.record import collect

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is deterministic
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

VALID = {
    "events": {
        "title": "A title",
        "date": "2025-01-13",
        "summary": "What *happened*.",
        "actors": ["someone"],
        "zh": {"title": "标题", "summary": "摘要"},
        "tags": ["censorship"],
        "sources": [{"url": "https://example.org/a", "title": "A", "date": "2025-01"}],
        "added": "2025-01-20",
    },
    "quotes": {
        "text": "说的话",
        "lang": "zh-Hans",
        "translation": "Words",
        "speaker": "someone",
        "date": "2025-01-14",
        "sources": [{"url": "https://example.org/q", "title": "Q"}],
        "added": "2025-01-20",
    },
    "lists": {
        "title": "Terms",
        "platform": "Xiaohongshu",
        "compiled_by": "someone",
        "date": "2025",
        "summary": "A list.",
        "items": [{"term": "词", "translation": "word", "evidence": "tested"}],
        "sources": [{"url": "https://example.org/l", "title": "L"}],
        "added": "2025-01-20",
    },
    "actors": {"name": "Someone", "kind": "person", "added": "2025-01-20"},
}
FOLDERS = [*VALID, "other", ""]
NAMES = ["entry", "x-1", "Bad Name", "名字", "a..b", "someone", "UPPER", "-dash"]
SUFFIXES = [".yaml", ".yaml", ".yaml", ".yml", ".txt"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2025-02-30",
            "2025-13",
            "javascript:x",
            "",
            "~",
            "https://example.org/",
            "no",
            "1.10",
            "someone",
        ]
    ),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.text(max_size=10),
                st.sampled_from(
                    ["title", "date", "summary", "sources", "url", "items", "zh", "kind"]
                ),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


@st.composite
def mutated_entries(draw: st.DrawFn) -> tuple[str, str]:
    """A valid entry of a random kind with a few fields deleted, replaced or added."""
    folder = draw(st.sampled_from(list(VALID)))
    data: dict[str, Any] = {k: v for k, v in VALID[folder].items()}
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        key = draw(st.sampled_from(sorted(data) or ["title"]))
        if action == "delete":
            data.pop(key, None)
        elif action == "replace":
            data[key] = draw(structures)
        else:
            data[draw(st.text(min_size=1, max_size=8))] = draw(structures)
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)
    return folder, text


def _dump(value: Any) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except yaml.YAMLError:
        return repr(value)


contents = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    structures.map(_dump),
    mutated_entries().map(lambda pair: pair[1]),
    # YAML syntax that tends to go wrong: anchors, tags, flow collections, documents, tabs
    st.lists(
        st.sampled_from(
            [
                "a: &x 1",
                "b: *x",
                "- [",
                "}",
                "---",
                "\tkey: v",
                "k: !!binary x",
                "key: 'unterminated",
                "? complex",
                ": v",
                "%YAML 1.1",
                "title:",
                "date: 2025-01-13",
                "\ufeff",
                "\x00",
                "\x85",
                "  - item",
            ]
        ),
        max_size=8,
    ).map("\n".join),
)
files = st.lists(
    st.tuples(
        st.sampled_from(FOLDERS), st.sampled_from(NAMES), st.sampled_from(SUFFIXES), contents
    ),
    min_size=1,
    max_size=4,
)


def _check(written: list[Path], entries: Path) -> None:
    result = collect(entries)  # must not raise
    allowed = {display_path(p) for p in written}
    for problem in result.problems:
        assert problem.file in allowed, problem
        assert problem.line >= 1 and problem.col >= 1, problem
        assert problem.message.strip(), problem
    assert (result.corpus is None) == bool(result.problems)


@SETTINGS
@given(files)
def test_collect_never_raises_and_every_problem_has_a_place(batch: list[tuple]) -> None:
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        entries = root / "entries"
        entries.mkdir()
        written: list[Path] = []
        # A valid actor, so references to `someone` can resolve and deeper checks run.
        (entries / "actors").mkdir()
        someone = entries / "actors" / "someone.yaml"
        someone.write_text(yaml.safe_dump(VALID["actors"]), encoding="utf-8")
        written.append(someone)
        for folder, name, suffix, content in batch:
            path = entries / folder / f"{name}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
            written.append(path)
        _check(written, entries)
    finally:
        shutil.rmtree(root)


@SETTINGS
@given(mutated_entries())
def test_mutated_entries_are_either_valid_or_located(pair: tuple[str, str]) -> None:
    folder, text = pair
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        entries = root / "entries"
        (entries / "actors").mkdir(parents=True)
        someone = entries / "actors" / "someone.yaml"
        someone.write_text(yaml.safe_dump(VALID["actors"]), encoding="utf-8")
        path = entries / folder / "entry.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        _check([someone, path], entries)
    finally:
        shutil.rmtree(root)


def test_the_unmutated_entries_are_valid(tmp_path: Path) -> None:
    for folder, data in VALID.items():
        path = (
            tmp_path
            / "entries"
            / folder
            / {"actors": "someone.yaml", "events": "2025-01-13-valid-events.yaml"}.get(
                folder, f"valid-{folder}.yaml"
            )
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = collect(tmp_path / "entries")
    assert result.problems == []
