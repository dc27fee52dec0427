"""Hostile input: every attack on the loader, the validator, the pages and the feeds either
fails with a clear `file:line:col: message` (exit 1, never a traceback) or comes out inert.

The corpora under tests/data/hostile/ are kept as files a reader can open: `xss/` is valid
and carries a payload in every text field, `xss-links/` carries links the validator must
refuse, and `control/` carries control characters written as YAML escapes. Inputs that are
binary or huge are written into a temporary folder by the test itself.
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result
from helpers import typed_without_validation

from generator.cli.commands import cli
from generator.core.config import load_config
from generator.core.markup import is_safe_url, render_markdown
from generator.publish import feeds
from generator.validate.record import collect, load_corpus

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
ACTOR = "name: A\nkind: person\nadded: 2025-01-01\n"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
ONE_PROBLEM = "Error: 1 problem in 1 file\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (path under entries/ → content) and return the entries folder."""
    entries = root / "entries"
    for rel, content in files.items():
        path = entries / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return entries


def validate(entries: Path, *args: str) -> Result:
    """`validate --entries` through the real CLI; never a traceback, whatever the input."""
    result = CliRunner().invoke(cli, ["validate", "--entries", str(entries), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    return result


def refused(entries: Path, rel: str, line: int, col: int, message: str) -> None:
    """Validation fails with exactly one problem, at ``rel:line:col``, saying ``message``."""
    result = validate(entries)
    assert result.exit_code == 1
    assert result.output == f"{(entries / rel).as_posix()}:{line}:{col}: {message}\n{ONE_PROBLEM}"


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
        "YAML syntax error: exceeded maximum nesting depth while increasing flow level",
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
    page = _Page()
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


class _Page(HTMLParser):
    """Collects what would make a page run a contributor's code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.injected: list[str] = []
        self.unsafe_links: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
        if tag in ("iframe", "object", "embed", "base"):
            self.injected.append(tag)  # Material's own pages have none; <svg> icons they do
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "srcdoc") and value:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(UNSAFE_SCHEMES) or name == "srcdoc":
                    self.unsafe_links.append(f"<{tag} {name}={value!r}>")
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if src == "x":
                self.injected.append("img src=x")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _parse(path: Path) -> _Page:
    page = _Page()
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
    assert "CTL-EVENT title with[2J escapes ]]> &" in titles
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
                page = _Page()
                page.feed(el.text or "")
                assert not page.scripts and not page.handlers and not page.injected, (name, tag)
                assert not re.search(r"<[A-Za-z/!?]", el.text or ""), (name, el.text)
            if tag in ("content", "summary", "description", "encoded") and el.text:
                page = _Page()
                page.feed(el.text)
                assert not page.scripts and not page.handlers and not page.injected, (name, tag)
                assert page.unsafe_links == [], (name, tag, page.unsafe_links)
    atom = feedparser.parse(files["feeds/all.atom.xml"])
    titles = [e.title for e in atom.entries]
    assert (
        'alert("event-title")XSS-EVENT-TITLE & "double" \'single\' '
        '{{ 7*7 }} {: onclick="alert(1)" }'
    ) in titles
    doc = json.loads(files["feeds/all.json"])
    for item in doc["items"]:
        page = _Page()
        page.feed(item["content_html"])
        assert not page.scripts and not page.handlers and not page.injected, item["id"]


def test_every_generated_file_of_the_hostile_site_parses(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*"):
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xml" and "sitemap" not in path.name:
            assert feedparser.parse(path.read_bytes()).bozo == 0, path


def test_symlinks_are_not_entries_even_when_named_like_one(tmp_path: Path) -> None:
    entries = write(tmp_path, {"actors/a.yaml": ACTOR})
    os.symlink(entries / "actors" / "a.yaml", entries / "actors" / "b.yaml")
    result = validate(entries)
    assert result.exit_code == 1
    assert "actors/b.yaml:1:1: is a symbolic link; an entry must be a regular file" in result.output
