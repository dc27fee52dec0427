"""The attacks of the security review (issue 11): each is refused with a `file:line:col` error
that says what to fix, or comes out inert; none hangs, crashes or runs script.

tests/test_hostile.py holds the earlier attacks; tests/test_limits.py the timing proofs, and
tests/test_property_pages.py the property that arbitrary text never reaches a page live.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import git
from test_hostile import ACTOR, refused, validate, write

from generator.cli.commands import cli
from generator.core.markup import plain_text, render_markdown, yaml_quote

SOURCES = "sources: [{url: 'https://example.org/', title: t}]\n"


def event(**fields: str) -> str:
    base = {"title": "E", "date": "2025-01-01", "summary": "S", "added": "2025-01-01"}
    base.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in base.items()) + SOURCES


# --- the stored XSS: the three reproductions -------------------------------------------------


def test_a_quote_with_del_and_attribute_syntax_is_refused(tmp_path: Path) -> None:
    text = (
        "\"FMQ \\x7f *q*{: tabindex=1 autofocus=autofocus onfocus=alert('quote') } "
        "[link](javascript:alert('quote-link'))\""
    )
    entries = write(
        tmp_path,
        {
            "actors/a.yaml": ACTOR,
            "quotes/q.yaml": f"text: {text}\nlang: en\nspeaker: a\ndate: 2025-01-01\n"
            + SOURCES
            + "added: 2025-01-01\n",
        },
    )
    refused(
        entries,
        "quotes/q.yaml",
        1,
        7,
        "'text': character 5 is the control character U+007F, which no text may hold: delete it",
    )


def test_an_event_with_a_c1_character_reference_is_refused(tmp_path: Path) -> None:
    summary = "\"S &#x81; *q*{: onfocus=alert('ev') }\""
    entries = write(tmp_path, {"events/e.yaml": event(summary=summary)})
    refused(
        entries,
        "events/e.yaml",
        3,
        10,
        "'summary': the character reference '&#x81;' stands for the control character U+0081, "
        "which no text may hold: delete it",
    )


@pytest.mark.parametrize(
    ("escape", "code"),
    [("\\x85", "0085"), ("\\u2028", "2028"), ("\\u2029", "2029"), ("\\uFFFE", "FFFE")],
)
def test_an_actor_name_with_a_line_break_yaml_reads_is_refused(
    tmp_path: Path, escape: str, code: str
) -> None:
    entries = write(
        tmp_path,
        {
            "actors/a.yaml": f"name: \"A {escape}--- *q*{{: onfocus=alert('actor') }}\"\n"
            "kind: person\nadded: 2025-01-01\n"
        },
    )
    refused(
        entries,
        "actors/a.yaml",
        1,
        7,
        f"'name': character 3 is the control character U+{code}, which no text may hold: delete it",
    )


@pytest.mark.parametrize(
    "reference", ["&#1;", "&#x0;", "&#133;", "&#X9F;", "&#x2028;", "&#65535;", "&#xD800;"]
)
def test_every_control_character_reference_is_refused(tmp_path: Path, reference: str) -> None:
    entries = write(tmp_path, {"events/e.yaml": event(summary=f'"a {reference} b"')})
    result = validate(entries)
    assert result.exit_code == 1
    assert f"the character reference '{reference}' stands for the control character" in (
        result.output
    )


def test_ordinary_character_references_pass(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/e.yaml": event(summary='"&amp; &#233; &#x4e2d; &hellip;"')})
    assert validate(entries).exit_code == 0


def test_front_matter_text_is_printable_ascii_that_parses_back() -> None:
    import yaml

    for text in ["A \x85--- b", "x\u2028---\ny", 'quote " back \\ slash', "中文 😀 \x7f", "\ufeff"]:
        quoted = yaml_quote(text)
        assert all(0x20 <= ord(ch) < 0x7F for ch in quoted), quoted
        assert yaml.safe_load(f"description: {quoted}\n") == {"description": text}


def test_plain_text_drops_control_characters_that_references_decode_to() -> None:
    assert plain_text("a &#x81; b &#x2028; c") == "a b c"


# --- the build checks its own front matter ---------------------------------------------------


def test_a_hand_written_page_whose_front_matter_does_not_parse_fails_the_build(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parent.parent
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    for name in ("about.md", "methodology.md"):
        (project / "docs" / name).write_text(f"# {name}\n", encoding="utf-8")
    (project / "docs" / "contributing.md").write_text("# Contributing\n", encoding="utf-8")
    (project / "docs" / "about.md").write_text(
        "---\ndescription: [unclosed\n---\n\n# About\n", encoding="utf-8"
    )
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("custom_dir: generator/templates/theme", "custom_dir: theme")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "theme").symlink_to(root / "generator" / "templates" / "theme")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--config",
            str(project / "mkdocs.yml"),
            "--entries",
            str(root / "tests" / "data" / "golden" / "entries"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: {(project / 'docs' / 'about.md').as_posix()}:3: the front matter is not valid "
        "YAML: did not find expected ',' or ']'; fix or remove it\n"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_generated_front_matter_outside_printable_ascii_is_caught() -> None:
    from generator.engine.pagecheck import front_matter_problem

    source = '---\ndescription: "a\x85---"\n---\n\n# T\n'
    problem = front_matter_problem("events/x.md", source, {}, source, generated=True)
    assert problem == (
        "events/x.md: generated front matter holds the character U+0085; entry text must reach "
        "front matter through the front_matter_text filter"
    )
    # Hand-written pages may hold any text, but must parse to what MkDocs read.
    assert front_matter_problem("a.md", source, {}, source, generated=False) is not None
    good = '---\ndescription: "caf\\xe9"\n---\n\n# T\n'
    meta = {"description": "café"}
    assert front_matter_problem("a.md", good, meta, "# T\n", generated=True) is None


# --- Markdown that reaches the page ----------------------------------------------------------


def test_remote_images_are_refused(tmp_path: Path) -> None:
    entries = write(
        tmp_path, {"events/e.yaml": event(summary='"See ![](https://tracker.example/p.gif)"')}
    )
    refused(
        entries,
        "events/e.yaml",
        3,
        10,
        "'summary': images are not allowed: every reader's browser would fetch them from another "
        "site. Link to the image instead: [what it shows](https://…)",
    )


def test_an_image_that_slips_through_renders_as_a_link() -> None:
    out = str(render_markdown("![pixel](https://tracker.example/p.gif) ![x](javascript:alert(1))"))
    assert "<img" not in out
    assert '<a href="https://tracker.example/p.gif" rel="nofollow noopener">pixel</a>' in out
    assert "javascript" not in out


def test_protocol_relative_links_get_the_external_rel() -> None:
    out = str(render_markdown("[a](//host.example/p)"))
    assert out == '<p><a href="//host.example/p" rel="nofollow noopener">a</a></p>'


def test_lists_nested_too_deep_are_refused_and_never_crash_the_renderer(tmp_path: Path) -> None:
    deep = "- " * 3000 + "a"
    entries = write(tmp_path, {"events/e.yaml": event(summary=f'"{deep}"')})
    refused(
        entries,
        "events/e.yaml",
        3,
        10,
        "'summary' nests lists or quotes 3000 deep; at most 8 levels are allowed: flatten it",
    )
    assert str(render_markdown(deep)).startswith("<p>- - -")  # not a RecursionError
    assert str(render_markdown("*b*")) == "<p><em>b</em></p>"  # and the renderer still works


def _too_many_open(ch: str) -> str:
    return (
        f"'summary' has more than 5 '{ch}' open at once in a paragraph (nested, or never "
        f"closed): Markdown would take too long to read it. Close each one, or write it as \\{ch}"
    )


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("[" * 6, _too_many_open("[")),
        (
            "[" * 15_000,
            "'summary' is 15,000 characters long; at most 10,000 are allowed: shorten "
            "it, or split the entry",
        ),
        ("[a " * 6, _too_many_open("[")),
        ("![a " * 6, _too_many_open("[")),
        ("[[[[[[a]]]]]]", _too_many_open("[")),
        ("[a](" * 6, _too_many_open("(")),
        ("x (a ((((( b", _too_many_open("(")),
    ],
)
def test_brackets_that_make_markdown_slow_are_refused(
    tmp_path: Path, summary: str, message: str
) -> None:
    import json

    entries = write(tmp_path, {"events/e.yaml": event(summary=json.dumps(summary))})
    refused(entries, "events/e.yaml", 3, 10, message)


def test_ordinary_links_brackets_and_escapes_pass(tmp_path: Path) -> None:
    import json

    summary = (
        "See [the report](https://example.org/a_(b)) and [another][r]; :( :( :( :( "
        "\\[ \\[ \\[ \\[ \\[ \\[ \\[ (1) (2) [[wiki]]\n\n:( :( :( :( :( new paragraph"
        "\n\n[r]: https://example.org/r"
    )
    entries = write(tmp_path, {"events/e.yaml": event(summary=json.dumps(summary))})
    assert validate(entries).output.startswith("OK: 1 entries")


# --- lengths and counts ----------------------------------------------------------------------


def test_a_text_longer_than_its_limit_is_refused(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/e.yaml": event(title="x" * 501)})
    refused(
        entries,
        "events/e.yaml",
        1,
        8,
        "'title' is 501 characters long; at most 500 are allowed: shorten it, or split the entry",
    )


def test_too_many_tags_are_refused(tmp_path: Path) -> None:
    tags = "[" + ", ".join(f"t{i}" for i in range(500)) + "]"
    entries = write(tmp_path, {"events/e.yaml": event(tags=tags)})
    refused(
        entries,
        "events/e.yaml",
        5,
        7,
        "'tags' has 500 items; at most 20 are allowed: remove some",
    )


def test_a_250_character_tag_is_refused_before_it_reaches_a_file_name(tmp_path: Path) -> None:
    entries = write(tmp_path, {"events/e.yaml": event(tags=f"[{'a' * 250}]")})
    refused(
        entries,
        "events/e.yaml",
        5,
        8,
        "'tags[0]' is 250 characters long; at most 80 are allowed: shorten it, or split the entry",
    )


@pytest.mark.parametrize("tag", ["index", "page"])
def test_tags_that_clash_with_the_tag_index_are_reserved(tmp_path: Path, tag: str) -> None:
    entries = write(tmp_path, {"events/e.yaml": event(tags=f"[ok, {tag}]")})
    refused(
        entries,
        "events/e.yaml",
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
    entries = write(tmp_path, {"events/e.yaml": text})
    line = 1 + [ln.split(":", 1)[0] for ln in text.splitlines()].index(field)
    refused(entries, "events/e.yaml", line, col, message)


def test_a_correction_dated_year_zero_is_refused_not_a_crash(tmp_path: Path) -> None:
    text = event() + "corrections: [{date: 0000-01-01, note: fixed}]\n"
    entries = write(tmp_path, {"events/e.yaml": text})
    refused(
        entries,
        "events/e.yaml",
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
    entries = write(tmp_path, {"actors/a.yaml": ACTOR, "events/e.yaml": event(**{field: value})})
    refused(entries, "events/e.yaml", 5, col, message)


def test_a_trailing_newline_in_a_url_or_lang_is_refused(tmp_path: Path) -> None:
    text = event().replace(SOURCES, "") + (
        'sources: [{url: "https://example.org/\\n", title: t, lang: "en\\n"}]\n'
    )
    entries = write(tmp_path, {"events/e.yaml": text})
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
    entries = write(tmp_path, {"events/e.yaml": event(tags="[{a: 1}]")})
    refused(entries, "events/e.yaml", 5, 8, "'tags[0]' must be text, not a mapping")


# --- bidirectional controls (issue 25) ---------------------------------------------------------

BIDI = "which no text may hold (it would reorder the text after it, the site's own included)"


def test_a_bidirectional_override_in_an_actor_name_is_refused(tmp_path: Path) -> None:
    # U+2066 U+202E after a name reversed the citation's permalink after it in Chromium.
    entries = write(
        tmp_path, {"actors/a.yaml": ACTOR.replace("name: A", 'name: "Ann\\u2066\\u202e"')}
    )
    refused(
        entries,
        "actors/a.yaml",
        1,
        7,
        "'name': character 4 is U+2066 (left-to-right isolate), a bidirectional control, "
        f"{BIDI}: delete it",
    )


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_every_bidirectional_control_is_refused_raw_or_as_a_reference(
    tmp_path: Path, code: int
) -> None:
    name = unicodedata.name(chr(code)).lower()
    raw = write(tmp_path / "raw", {"events/e.yaml": event(title=f"T{chr(code)}")})
    refused(
        raw,
        "events/e.yaml",
        1,
        8,
        f"'title': character 2 is U+{code:04X} ({name}), a bidirectional control, {BIDI}: "
        "delete it",
    )
    ref = write(tmp_path / "ref", {"events/e.yaml": event(summary=f"'S &#x{code:x};'")})
    refused(
        ref,
        "events/e.yaml",
        3,
        10,
        f"'summary': the character reference '&#x{code:x};' stands for U+{code:04X} ({name}), "
        f"a bidirectional control, {BIDI}: delete it",
    )


def test_renderers_drop_bidirectional_controls_too() -> None:
    assert plain_text("Title\u202e site") == "Title site"
    assert "\u2066" not in render_markdown("a\u2066b")
