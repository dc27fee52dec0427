"""Attacks through the entry files: hostile YAML, file names, lengths and counts, dates and
digits. Each is refused with a `file:line:col` error that says what to fix (exit 1, never a
traceback); none hangs or crashes. Timing proofs are in test_limits.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from attacks import ACTOR, ONE_PROBLEM, ROOT, SOURCES, event, refused, validate, write
from helpers import git

from generator.validate.record import collect, load_corpus

# --- YAML itself ------------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):  # 9 levels of 9 aliases: a billion "lol"s if expanded
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    entries = write(tmp_path, {"actors/bomb.yaml": "\n".join(lines) + "\n"})
    refused(
        entries,
        "actors/bomb.yaml",
        1,
        4,
        "YAML anchor '&a' is not allowed: write the value out in full",
    )


def test_an_alias_without_an_anchor_is_refused(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/alias.yaml": ACTOR + "description: *elsewhere\n"})
    result = validate(entries)
    assert result.exit_code == 1
    # libyaml stops at the undefined alias while composing; the scan names it first.
    assert result.output.startswith(f"{entries.as_posix()}/actors/alias.yaml:4:14: ")
    assert "*elsewhere" in result.output.splitlines()[0]


def test_a_merge_key_is_refused_like_any_alias(tmp_path: Path) -> None:
    text = "base: &base {kind: person}\nname: A\n<<: *base\nadded: 2025-01-01\n"
    entries = write(tmp_path, {"actors/merge.yaml": text})
    refused(
        entries,
        "actors/merge.yaml",
        1,
        7,
        "YAML anchor '&base' is not allowed: write the value out in full",
    )


def test_python_tags_never_construct_objects(tmp_path: Path) -> None:
    text = ACTOR + 'handles: !!python/object/apply:os.system ["touch pwned"]\n'
    entries = write(tmp_path, {"actors/tag.yaml": text})
    validate(entries)
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


def test_python_tags_are_refused(tmp_path: Path) -> None:
    # The loader allows tags under tag:yaml.org,2002: (the YAML core types); the python/...
    # tags PyYAML defines there must not pass as if they were core types.
    text = ACTOR + 'description: !!python/object/apply:os.system "touch pwned"\n'
    entries = write(tmp_path, {"actors/tag.yaml": text})
    refused(
        entries,
        "actors/tag.yaml",
        4,
        14,
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it",
    )


def test_local_tags_are_refused(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/tag.yaml": ACTOR + "description: !include /etc/passwd\n"})
    refused(entries, "actors/tag.yaml", 4, 14, "YAML tag '!include' is not allowed; remove it")


def test_nesting_deeper_than_16_levels_is_refused(tmp_path: Path) -> None:
    flow = "name: A\nkind: person\nadded: 2025-01-01\nhandles: " + "[" * 30 + "]" * 30 + "\n"
    block = (
        "name: A\nkind: person\nadded: 2025-01-01\nhandles:\n"
        + "".join("  " * i + f"k{i}:\n" for i in range(40))
        + "  " * 40
        + "v\n"
    )
    entries = write(tmp_path, {"actors/flow.yaml": flow, "actors/block.yaml": block})
    result = validate(entries)
    assert result.exit_code == 1
    assert result.output == (
        f"{entries.as_posix()}/actors/block.yaml:22:35: nesting is deeper than 16 levels\n"
        f"{entries.as_posix()}/actors/flow.yaml:4:26: nesting is deeper than 16 levels\n"
        "Error: 2 problems in 2 files\n"
    )


def test_nesting_past_libyamls_own_limit_is_a_syntax_error(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/deep.yaml": "name: " + "[" * 5000 + "]" * 5000 + "\n"})
    refused(
        entries,
        "actors/deep.yaml",
        1,
        1006,
        "YAML syntax error: exceeded maximum nesting depth while increasing flow level\n"
        # the long line is shown around the mistake, cut short on both sides
        f"  1 | …{'[' * 99}…\n    | {' ' * 41}^",
    )


def test_a_20_mb_file_is_refused_without_parsing_it(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/huge.yaml": ACTOR + "description: " + "x" * 20_000_000})
    refused(
        entries,
        "actors/huge.yaml",
        1,
        1,
        "file is 20.0 MB; an entry may be at most 1 MB: split it or trim it",
    )


def test_duplicate_keys_are_reported_at_the_second_one(tmp_path: Path) -> None:
    text = ACTOR + (
        "sources:\n  - url: https://example.org/a\n    title: A\n"
        "    url: https://example.org/b\nname: B\n"
    )
    entries = write(tmp_path, {"actors/dup.yaml": text})
    result = validate(entries)
    assert result.exit_code == 1
    path = f"{entries.as_posix()}/actors/dup.yaml"
    assert result.output == (
        f"{path}:7:5: duplicate key 'url' (first on line 5); YAML would silently keep only "
        "the last one: remove one of them\n"
        f"{path}:8:1: duplicate key 'name' (first on line 1); YAML would silently keep only "
        "the last one: remove one of them\n"
        "Error: 2 problems in 1 file\n"
    )


def test_invalid_utf8_names_the_byte_and_its_place(tmp_path: Path) -> None:
    entries = write(
        tmp_path,
        {"actors/latin1.yaml": b"name: A\nkind: person\ndescription: caf\xe9\nadded: 2025-01-01\n"},
    )
    refused(
        entries,
        "actors/latin1.yaml",
        3,
        17,
        "file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
    )


def test_utf16_is_refused_as_not_utf8(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/utf16.yaml": ACTOR.encode("utf-16")})
    refused(
        entries, "actors/utf16.yaml", 1, 1, "file is not valid UTF-8 (byte 0xff); save it as UTF-8"
    )


def test_a_byte_order_mark_is_accepted_and_stripped(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/bom.yaml": b"\xef\xbb\xbf" + ACTOR.encode()})
    result = validate(entries)
    assert result.exit_code == 0, result.output
    corpus = load_corpus(entries)
    assert corpus.entries["bom"].title == "A"
    assert set(corpus.entries) == {"bom"}


def test_a_raw_control_character_is_reported_on_its_line(tmp_path: Path) -> None:
    # libyaml refuses C0 controls in the stream with a ReaderError, which carries a character
    # offset but no mark; the loader must turn the offset into a line and column.
    entries = write(tmp_path, {"actors/ctl.yaml": ACTOR + "description: ab\x01c\n"})
    [problem] = collect(entries).problems
    assert (problem.line, problem.col) == (4, 16), problem
    assert problem.message == (
        "character U+0001 is not allowed in YAML; remove it, or write it as an escape such as "
        "\\x07 inside a double-quoted string"
    )
    assert "\n" not in problem.message and "<unicode string>" not in problem.message


def test_a_nul_byte_is_refused_not_a_crash(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/nul.yaml": b"name: A\x00\nkind: person\n"})
    result = validate(entries)
    assert result.exit_code == 1
    assert result.output.startswith(f"{entries.as_posix()}/actors/nul.yaml:")
    assert result.output.endswith(ONE_PROBLEM)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "file is empty; an entry is a YAML mapping of fields"),
        ("# only a comment\n\n", "file is empty; an entry is a YAML mapping of fields"),
        (
            "- a\n- b\n",
            "the top level is a list; an entry must be a mapping of fields such as `title: …`",
        ),
        (
            ACTOR + "---\n" + ACTOR,
            "file holds more than one YAML document (a second '---'); keep one entry per file",
        ),
    ],
)
def test_files_that_are_not_one_mapping(tmp_path: Path, text: str, message: str) -> None:
    entries = write(tmp_path, {"actors/odd.yaml": text})
    result = validate(entries)
    assert result.exit_code == 1
    assert "/actors/odd.yaml:" in result.output and message in result.output
    assert result.output.endswith(ONE_PROBLEM)


# --- file names -------------------------------------------------------------------------------


def test_odd_file_names_each_get_a_fix(tmp_path: Path) -> None:
    entries = write(
        tmp_path,
        {
            "actors/My Actor.yaml": ACTOR,
            "actors/Upper.yaml": ACTOR,
            "actors/名字.yaml": ACTOR,
            "actors/a..b.yaml": ACTOR,
            "actors/x.yml": ACTOR,
            "stray.yaml": ACTOR,
        },
    )
    result = validate(entries)
    assert result.exit_code == 1
    e = entries.as_posix()
    assert result.output == (
        f"{e}/actors/My Actor.yaml:1:1: file name 'My Actor.yaml' is not a valid id: use "
        "lowercase letters, digits and single hyphens, e.g. my-actor.yaml\n"
        f"{e}/actors/Upper.yaml:1:1: file name 'Upper.yaml' is not a valid id: use lowercase "
        "letters, digits and single hyphens, e.g. upper.yaml\n"
        f"{e}/actors/a..b.yaml:1:1: file name 'a..b.yaml' is not a valid id: use lowercase "
        "letters, digits and single hyphens, e.g. a-b.yaml\n"
        f"{e}/actors/x.yml:1:1: entry files end in .yaml, not .yml: rename the file\n"
        f"{e}/actors/名字.yaml:1:1: file name '名字.yaml' is not a valid id: use lowercase "
        "letters, digits and single hyphens, e.g. my-entry.yaml\n"
        f"{e}/stray.yaml:1:1: entry is not in a kind's folder: move it under one of events/, "
        "quotes/, lists/, actors/\n"
        "Error: 6 problems in 6 files\n"
    )


def test_a_symlink_to_a_file_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("name: SECRET OUTSIDE\nkind: person\nadded: 2025-01-01\n", encoding="utf-8")
    entries = write(tmp_path, {"actors/a.yaml": ACTOR})
    (entries / "actors" / "evil.yaml").symlink_to(secret)
    refused(
        entries, "actors/evil.yaml", 1, 1, "is a symbolic link; an entry must be a regular file"
    )


def test_a_symlinked_folder_is_not_followed_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside).mkdir()
    (outside / "secret.yaml").write_text(
        "name: SECRET OUTSIDE\nkind: person\nadded: 2025-01-01\n", encoding="utf-8"
    )
    entries = write(tmp_path, {"actors/a.yaml": ACTOR})
    (entries / "events").symlink_to(outside, target_is_directory=True)
    (entries / "actors" / "more").symlink_to(outside, target_is_directory=True)
    result = collect(entries)
    assert result.files == 1
    assert result.corpus is not None and set(result.corpus.entries) == {"a"}


def test_a_reference_cannot_walk_out_of_the_folder(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a.yaml": ACTOR + "related: [../../etc/passwd]\n"})
    refused(
        entries,
        "actors/a.yaml",
        4,
        11,
        "'related[0]': '../../etc/passwd' must be a lowercase slug such as us-law "
        "(a-z, 0-9 and single hyphens)",
    )


# --- lengths and counts ----------------------------------------------------------------------


def test_a_text_longer_than_its_limit_is_refused(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(title="x" * 501)})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
        1,
        8,
        "'title' is 501 characters long; at most 500 are allowed: shorten it, or split the entry",
    )


def test_too_many_tags_are_refused(tmp_path: Path) -> None:
    tags = "[" + ", ".join(f"t{i}" for i in range(500)) + "]"
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(tags=tags)})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
        5,
        7,
        "'tags' has 500 items; at most 20 are allowed: remove some",
    )


def test_a_250_character_tag_is_refused_before_it_reaches_a_file_name(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(tags=f"[{'a' * 250}]")})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
        5,
        8,
        "'tags[0]' is 250 characters long; at most 80 are allowed: shorten it, or split the entry",
    )


@pytest.mark.parametrize("tag", ["index", "page"])
def test_tags_that_clash_with_the_tag_index_are_reserved(tmp_path: Path, tag: str) -> None:
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(tags=f"[ok, {tag}]")})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
        5,
        12,
        f"'tags[1]': the tag '{tag}' is reserved for the site's list of tags: choose another, "
        f"e.g. {tag}-tag",
    )


def test_a_long_file_name_is_refused(tmp_path: Path) -> None:
    name = "a" * 81
    entries = write(tmp_path, {f"actors/{name}.yaml": ACTOR})
    refused(
        entries,
        f"actors/{name}.yaml",
        1,
        1,
        "file name is 81 characters long before .yaml; an id may be at most 80: shorten it",
    )


def test_a_change_may_add_at_most_ten_new_tags(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a.yaml": ACTOR + "tags: [old]\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    new = ", ".join(f"n{i}" for i in range(1, 13))
    (entries / "actors" / "b.yaml").write_text(ACTOR + f"tags: [old, {new}]\n", encoding="utf-8")
    assert validate(entries).exit_code == 0  # without --base there is nothing to compare with
    result = validate(entries, "--base", "HEAD")
    assert result.exit_code == 1
    b = (entries / "actors" / "b.yaml").as_posix()
    assert result.output == (
        f"{b}:4:54: 'tags[11]': 'n11' is new tag number 11 in this change; at most 10 new tags "
        "may be added at once: reuse an existing tag, or propose the rest in another pull request\n"
        f"{b}:4:59: 'tags[12]': 'n12' is new tag number 12 in this change; at most 10 new tags "
        "may be added at once: reuse an existing tag, or propose the rest in another pull request\n"
        "Error: 2 problems in 1 file\n"
    )
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "tags")
    assert validate(entries, "--base", "HEAD").exit_code == 0  # now they are known


def test_an_unknown_base_revision_is_a_clean_error(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a.yaml": ACTOR})
    git(tmp_path, "init", "-q")
    result = validate(entries, "--base", "no-such-branch")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --base no-such-branch: git cannot read it (")
    assert result.output.endswith(
        "); give a branch, tag or commit of this repository, e.g. origin/main\n"
    )


# --- dates, digits and trailing newlines -----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "col", "message"),
    [
        ("date", "0000", 7, "'date': 0000 is not a real date: there is no year 0"),
        ("date", "0000-01-01", 7, "'date': 0000-01-01 is not a real date: there is no year 0"),
        (
            "date",
            "0001-01-01T00:00:00+05:00",
            7,
            "'date': 0001-01-01T00:00:00+05:00 is out of range: in UTC it falls outside the "
            "years 1 to 9999",
        ),
        (
            "date",
            "9999-12-31T23:00:00-05:00",
            7,
            "'date': 9999-12-31T23:00:00-05:00 is out of range: in UTC it falls outside the "
            "years 1 to 9999",
        ),
        (
            "added",
            "２０２５-01-01",
            8,
            "'added': '２０２５-01-01' must be a date written YYYY-MM-DD",
        ),
        ("added", "٢٠٢٥-01-01", 8, "'added': '٢٠٢٥-01-01' must be a date written YYYY-MM-DD"),
        (
            "added",
            '"2025-01-01\\n"',
            8,
            "'added': '2025-01-01\\n' must be a date written YYYY-MM-DD",
        ),
        (
            "updated",
            '"2025-01-01\\n"',
            10,
            "'updated': '2025-01-01\\n' must be a date written YYYY-MM-DD",
        ),
    ],
)
def test_dates_that_used_to_crash_or_pass_are_refused(
    tmp_path: Path, field: str, value: str, col: int, message: str
) -> None:
    text = event(**{field: value})
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": text})
    line = 1 + [ln.split(":", 1)[0] for ln in text.splitlines()].index(field)
    refused(entries, "events/2025-01-01-e.yaml", line, col, message)


def test_a_correction_dated_year_zero_is_refused_not_a_crash(tmp_path: Path) -> None:
    text = event() + "corrections: [{date: 0000-01-01, note: fixed}]\n"
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": text})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
        6,
        22,
        "'corrections[0].date': 0000-01-01 is not a real date: there is no year 0",
    )


@pytest.mark.parametrize(
    ("field", "value", "col", "message"),
    [
        (
            "tags",
            '["us-law\\n"]',
            8,
            "'tags[0]': 'us-law\\n' must be a lowercase slug such as us-law (a-z, 0-9 and single "
            "hyphens)",
        ),
        (
            "actors",
            '["a\\n"]',
            10,
            "'actors[0]': 'a\\n' must be a lowercase slug such as us-law (a-z, 0-9 and single "
            "hyphens)",
        ),
    ],
)
def test_a_trailing_newline_in_a_slug_is_refused(
    tmp_path: Path, field: str, value: str, col: int, message: str
) -> None:
    entries = write(
        tmp_path, {"actors/a.yaml": ACTOR, "events/2025-01-01-e.yaml": event(**{field: value})}
    )
    refused(entries, "events/2025-01-01-e.yaml", 5, col, message)


def test_a_trailing_newline_in_a_url_or_lang_is_refused(tmp_path: Path) -> None:
    text = event().replace(SOURCES, "") + (
        'sources: [{url: "https://example.org/\\n", title: t, lang: "en\\n"}]\n'
    )
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": text})
    result = validate(entries)
    assert result.exit_code == 1
    assert "'sources[0].url': 'https://example.org/\\n' must be a full http:// or https:// URL" in (
        result.output
    )
    assert "'sources[0].lang': 'en\\n' must be a BCP 47 language tag" in result.output


def test_a_trailing_newline_in_a_file_name_is_refused(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a\n.yaml": ACTOR})
    result = validate(entries)
    assert result.exit_code == 1
    assert "file name 'a\\n.yaml' is not a valid id" in result.output


@pytest.mark.parametrize("suffix", [".YAML", ".Yml", ".yml", ".YaMl"])
def test_yaml_files_with_another_suffix_are_reported(tmp_path: Path, suffix: str) -> None:
    entries = write(tmp_path, {f"actors/a{suffix}": ACTOR})
    refused(
        entries,
        f"actors/a{suffix}",
        1,
        1,
        f"entry files end in .yaml, not {suffix}: rename the file",
    )


def test_a_tag_that_is_a_mapping_is_an_error_not_a_crash(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(tags="[{a: 1}]")})
    refused(entries, "events/2025-01-01-e.yaml", 5, 8, "'tags[0]' must be text, not a mapping")


# --- symbolic links named like entries --------------------------------------------------------


def test_symlinks_are_not_entries_even_when_named_like_one(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a.yaml": ACTOR})
    os.symlink(entries / "actors" / "a.yaml", entries / "actors" / "b.yaml")
    result = validate(entries)
    assert result.exit_code == 1
    assert "actors/b.yaml:1:1: is a symbolic link; an entry must be a regular file" in result.output
