"""Attacks through what the site shows: entry text reaches pages and feeds only as inert text.

Markdown and character references that would make markup are refused with a `file:line:col`
error; what gets past the validator (the corpora under tests/data/hostile/: `xss/` is valid
and carries a payload in every text field, `xss-links/` links the validator must refuse,
`control/` control characters as YAML escapes) comes out inert in every page and feed.
test_property_pages.py holds the property that arbitrary text never reaches a page live."""

from __future__ import annotations

import html
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from attacks import ACTOR, HOSTILE, ROOT, SOURCES, ScannedPage, event, refused, validate, write
from click.testing import CliRunner
from helpers import typed_without_validation

from generator.cli.commands import cli
from generator.core.config import load_config
from generator.core.markup import is_safe_url, plain_text, render_markdown, yaml_quote
from generator.publish import feeds
from generator.validate.record import load_corpus

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
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(summary=summary)})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
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
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(summary=f'"a {reference} b"')})
    result = validate(entries)
    assert result.exit_code == 1
    assert f"the character reference '{reference}' stands for the control character" in (
        result.output
    )


def test_ordinary_character_references_pass(tmp_path: Path) -> None:
    entries = write(
        tmp_path, {"events/2025-01-01-e.yaml": event(summary='"&amp; &#233; &#x4e2d; &hellip;[1]"')}
    )
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
    root = Path(__file__).resolve().parent.parent.parent
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
        tmp_path,
        {"events/2025-01-01-e.yaml": event(summary='"See ![](https://tracker.example/p.gif)"')},
    )
    refused(
        entries,
        "events/2025-01-01-e.yaml",
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
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(summary=f'"{deep}"')})
    refused(
        entries,
        "events/2025-01-01-e.yaml",
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

    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(summary=json.dumps(summary))})
    refused(entries, "events/2025-01-01-e.yaml", 3, 10, message)


def test_ordinary_links_brackets_and_escapes_pass(tmp_path: Path) -> None:
    import json

    summary = (
        "See [the report](https://example.org/a_(b)) and [another][r]; :( :( :( :( "
        "\\[ \\[ \\[ \\[ \\[ \\[ \\[ (1) (2) [[wiki]] [1]\n\n:( :( :( :( :( new paragraph [1]"
        "\n\n[r]: https://example.org/r"
    )
    entries = write(tmp_path, {"events/2025-01-01-e.yaml": event(summary=json.dumps(summary))})
    assert validate(entries).output.startswith("OK: 1 entries")


# --- links and URLs ---------------------------------------------------------------------------


def test_unsafe_links_and_urls_are_each_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = validate(Path("tests/data/hostile/xss-links/entries"))
    assert result.exit_code == 1
    e = "tests/data/hostile/xss-links/entries"
    link = "a link to a '{}' URL is not allowed; links must be http:// or https:// URLs"
    url = "must be a full http:// or https:// URL"
    assert result.output == (
        f"{e}/actors/link-actor.yaml:5:14: 'description': {link.format('javascript:')}\n"
        f"{e}/actors/link-actor.yaml:9:10: 'handles[0].url': "
        f"\"javascript:alert('handle-url')\" {url}\n"
        f"{e}/events/2025-01-13-link-event.yaml:3:10: 'summary': {link.format('javascript:')}\n"
        f"{e}/events/2025-01-13-link-event.yaml:7:10: 'sources[0].url': "
        f"\"JaVaScRiPt:alert('source-url')//https://example.org/\" {url}\n"
        f"{e}/events/2025-01-13-link-event.yaml:9:18: 'sources[0].archive_url': "
        f"\"data:text/html,<script>alert('archive')</script>\" {url}\n"
        f"{e}/lists/link-list.yaml:5:10: 'summary': {link.format('javascript:')}\n"
        f"{e}/lists/link-list.yaml:10:11: 'items[0].note': {link.format('vbscript:')}\n"
        f"{e}/quotes/quote-link.yaml:5:10: 'context': {link.format('data:')}\n"
        f"{e}/quotes/quote-link.yaml:8:10: 'sources[0].url': "
        f"\"\\tjavascript:alert('tab-source')\" {url}\n"
        "Error: 9 problems in 4 files\n"
    )


# Browsers decode character references in an href before reading its scheme, and drop tabs
# and newlines from it, so each of these is a javascript: link once it reaches a page.
DISGUISED_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
]


@pytest.mark.parametrize("markdown", DISGUISED_LINKS)
def test_rendered_markdown_never_links_to_an_unsafe_scheme(markdown: str) -> None:
    page = ScannedPage()
    page.feed(str(render_markdown(markdown)))  # HTMLParser decodes references as a browser does
    assert page.unsafe_links == [], f"{markdown!r} → {render_markdown(markdown)}"


@pytest.mark.parametrize("markdown", DISGUISED_LINKS)
def test_the_validator_refuses_every_disguised_link(tmp_path: Path, markdown: str) -> None:
    entries = write(
        tmp_path, {"actors/a.yaml": ACTOR + "description: " + json.dumps(markdown) + "\n"}
    )
    result = validate(entries)
    assert result.exit_code == 1, f"{markdown!r} passed validation"
    assert "is not allowed; links must be http:// or https:// URLs" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:,x",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:x",
    ],
)
def test_is_safe_url_refuses_script_schemes(url: str) -> None:
    assert not is_safe_url(url)


# --- pages built from the XSS corpus ----------------------------------------------------------


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(path: Path) -> ScannedPage:
    page = ScannedPage()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_xss_corpus_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = validate(Path("tests/data/hostile/xss/entries"))
    assert result.output == "OK: 6 entries (2 events, 1 quote, 1 list, 2 actors)\n"


def test_no_page_gains_a_script_element_or_handler(hostile_site: Path) -> None:
    for path in _html_pages(hostile_site):
        page = _parse(path)
        where = path.relative_to(hostile_site)
        assert not [s for s in page.scripts if "alert" in s], where
        assert page.handlers == [], where
        assert page.injected == [], where


def test_no_page_links_to_an_unsafe_scheme(hostile_site: Path) -> None:
    found = {
        str(p.relative_to(hostile_site)): _parse(p).unsafe_links for p in _html_pages(hostile_site)
    }
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize(
    "page, shown",
    [
        (
            "events/2025-01-13-xss-event/index.html",
            [
                '<script>alert("event-title")</script>XSS-EVENT-TITLE & "double" \'single\' '
                "{{ 7*7 }}",
                'XSS-EVENT-SUMMARY <script>alert("event-summary")</script>',
                '{{ config }} {% include "base.html" %}',
                '--8<-- "mkdocs.yml"',
                '<script>alert("zh-title")</script>审查事件',
                '<script>alert("correction")</script>',
            ],
        ),
        (
            "actors/xss-actor/index.html",
            [
                '<script>alert("actor-name")</script>XSS-ACTOR-NAME',
                '<img src=x onerror=alert("actor-name-zh")>审查者',
                '"><script>alert("handle")</script>',
                '</title><script>alert("source-title")</script>XSS-SOURCE-TITLE',
            ],
        ),
        (
            "quotes/quote-xss/index.html",
            [
                '<script>alert("quote-text")</script>XSS-QUOTE-TEXT',
                '<img src=x onerror=alert("quote-translation")>XSS-QUOTE-TRANSLATION',
                'XSS-QUOTE-CONTEXT <script>alert("quote-context")</script>',
            ],
        ),
        (
            "lists/xss-list/index.html",
            [
                '<script>alert("list-title")</script>XSS-LIST-TITLE',
                '<script>alert("term")</script>XSS-TERM',
                '<img src=x onerror=alert("term-translation")>XSS-TERM-TRANSLATION',
                'XSS-TERM-NOTE <script>alert("term-note")</script>',
            ],
        ),
    ],
)
def test_payloads_are_shown_as_text(hostile_site: Path, page: str, shown: list[str]) -> None:
    text = re.sub(r"\s+", " ", "".join(_parse(hostile_site / page).text))
    for payload in shown:
        assert payload in text, payload


def test_snippets_and_templates_in_entry_text_do_nothing(hostile_site: Path) -> None:
    page = (hostile_site / "events/2025-01-13-xss-event/index.html").read_text(encoding="utf-8")
    assert "site_url: https://" not in page  # mkdocs.yml was not included by --8<--
    assert "{{ 7*7 }}" in html.unescape(page)  # Jinja did not evaluate the title


# --- feeds ------------------------------------------------------------------------------------


def _feed_files(entries: Path) -> dict[str, bytes]:
    return feeds.build_feeds(load_corpus(entries), load_config(ROOT / "mkdocs.yml"))


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def test_the_validator_refuses_control_characters_in_every_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    result = validate(Path("tests/data/hostile/control/entries"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "Error: 17 problems in 4 files"
    assert all("which no text may hold: delete it" in line for line in lines[:-1]), lines
    assert (
        "tests/data/hostile/control/entries/actors/ctl-actor.yaml:3:7: 'name': character 4 is "
        "the control character U+0001, which no text may hold: delete it"
    ) in lines
    assert (
        "tests/data/hostile/control/entries/lists/ctl-list.yaml:10:11: 'items[0].note': "
        "character 5 is the control character U+0006, which no text may hold: delete it"
    ) in lines


def test_control_characters_leave_every_feed_valid_even_unvalidated() -> None:
    files = feeds.build_feeds(
        typed_without_validation(HOSTILE / "control" / "entries"), load_config(ROOT / "mkdocs.yml")
    )
    xml_feeds = [name for name in files if name.endswith(".xml")]
    assert "feeds/all.atom.xml" in xml_feeds and "feeds/all.rss.xml" in xml_feeds
    for name in xml_feeds:
        parsed = feedparser.parse(files[name])
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.entries, name
        for entry in parsed.entries:
            assert not CONTROL.search(entry.title), (name, entry.title)
            assert not CONTROL.search(entry.get("summary", "")), (name, entry.title)
    titles = {e.title for e in feedparser.parse(files["feeds/all.atom.xml"]).entries}
    # What would be a tag (</title>, <entry>) is left out of feed titles; the rest is text.
    assert "13 January 2025: CTL-EVENT title with[2J escapes ]]> &" in titles
    doc = json.loads(files["feeds/all.json"])
    assert not CONTROL.search(json.dumps(doc, ensure_ascii=False))


def test_hostile_titles_stay_text_in_every_feed() -> None:
    files = _feed_files(HOSTILE / "xss" / "entries")
    for name, content in files.items():
        if not name.endswith(".xml"):
            continue
        parsed = feedparser.parse(content)
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        root = ET.fromstring(content)
        # Titles are text; summaries and content are HTML that a reader will render.
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "title":
                assert el.get("type") in (None, "text"), (name, el.get("type"))
                # Some readers render an RSS title as HTML: it must hold no tag to render.
                page = ScannedPage()
                page.feed(el.text or "")
                assert not page.scripts and not page.handlers and not page.injected, (name, tag)
                assert not re.search(r"<[A-Za-z/!?]", el.text or ""), (name, el.text)
            if tag in ("content", "summary", "description", "encoded") and el.text:
                page = ScannedPage()
                page.feed(el.text)
                assert not page.scripts and not page.handlers and not page.injected, (name, tag)
                assert page.unsafe_links == [], (name, tag, page.unsafe_links)
    atom = feedparser.parse(files["feeds/all.atom.xml"])
    titles = [e.title for e in atom.entries]
    assert (
        '13 January 2025: alert("event-title")XSS-EVENT-TITLE & "double" \'single\' '
        '{{ 7*7 }} {: onclick="alert(1)" }'
    ) in titles
    doc = json.loads(files["feeds/all.json"])
    for item in doc["items"]:
        page = ScannedPage()
        page.feed(item["content_html"])
        assert not page.scripts and not page.handlers and not page.injected, item["id"]


def test_every_generated_file_of_the_hostile_site_parses(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*"):
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xml" and "sitemap" not in path.name:
            assert feedparser.parse(path.read_bytes()).bozo == 0, path


# --- bidirectional controls -------------------------------------------------------------------

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
    raw = write(tmp_path / "raw", {"events/2025-01-01-e.yaml": event(title=f"T{chr(code)}")})
    refused(
        raw,
        "events/2025-01-01-e.yaml",
        1,
        8,
        f"'title': character 2 is U+{code:04X} ({name}), a bidirectional control, {BIDI}: "
        "delete it",
    )
    ref = write(tmp_path / "ref", {"events/2025-01-01-e.yaml": event(summary=f"'S &#x{code:x};'")})
    refused(
        ref,
        "events/2025-01-01-e.yaml",
        3,
        10,
        f"'summary': the character reference '&#x{code:x};' stands for U+{code:04X} ({name}), "
        f"a bidirectional control, {BIDI}: delete it",
    )


def test_renderers_drop_bidirectional_controls_too() -> None:
    assert plain_text("Title\u202e site") == "Title site"
    assert "\u2066" not in render_markdown("a\u2066b")
